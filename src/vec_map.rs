//! [`VecMap`]: a map kept as a sorted `Vec`, for the crate's few small maps.
//!
//! Why not `HashMap` or `BTreeMap`: size. On wasm, `HashMap` links `hashbrown`
//! and SipHash (≈ 6 KB before gzip); every `BTreeMap<K, V>` of another
//! key/value type links its own insert, remove and rebalancing code (2–6 KB
//! each; replacing the crate's `HashMap`s with `BTreeMap`s made the module
//! 19 KB larger). A sorted `Vec` is a binary search and a `Vec::insert` /
//! `Vec::remove` per type (see BENCHMARKS.md, case 6).
//!
//! The cost is an O(n) shift for an insert or removal in the middle. The maps
//! here are small (the bindings of one program, the positions of its
//! expressions), insert in increasing key order (promise ids), or both.

/// A map from `K` to `V`, kept sorted by key; lookups are binary searches.
#[derive(Debug, Clone)]
pub(crate) struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K: Ord, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap::new()
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub(crate) const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }

    /// `Ok(index)` of `key`, or `Err(index)` where it would go.
    fn find(&self, key: &K) -> Result<usize, usize> {
        // A key larger than every other (the usual case for ids handed out in
        // order) is placed without a search.
        match self.entries.last() {
            Some((last, _)) if *last < *key => Err(self.entries.len()),
            None => Err(0),
            _ => self.entries.binary_search_by(|(k, _)| k.cmp(key)),
        }
    }

    // `len` and `remove` serve the promise table, which exists on wasm only.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        let index = self.find(key).ok()?;
        Some(&self.entries[index].1)
    }

    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let index = self.find(key).ok()?;
        Some(&mut self.entries[index].1)
    }

    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(index) => Some(std::mem::replace(&mut self.entries[index].1, value)),
            Err(index) => {
                self.entries.insert(index, (key, value));
                None
            }
        }
    }

    /// The value under `key`, inserted by `make` if there was none.
    pub(crate) fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let index = match self.find(&key) {
            Ok(index) => index,
            Err(index) => {
                self.entries.insert(index, (key, make()));
                index
            }
        };
        &mut self.entries[index].1
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let index = self.find(key).ok()?;
        Some(self.entries.remove(index).1)
    }

    /// The keys, in increasing order, with the map consumed.
    pub(crate) fn into_keys(self) -> impl Iterator<Item = K> {
        self.entries.into_iter().map(|(k, _)| k)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;

    #[test]
    fn behaves_like_a_btree_map() {
        use std::collections::BTreeMap;
        // A fixed pseudo-random sequence of inserts, replacements and removals,
        // checked step by step against the standard map.
        let mut ours = VecMap::new();
        let mut theirs = BTreeMap::new();
        let mut x: u32 = 12345;
        for step in 0..5000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let key = (x >> 16) % 97;
            match x % 3 {
                0 => assert_eq!(ours.remove(&key), theirs.remove(&key), "step {step}"),
                1 => assert_eq!(ours.insert(key, step), theirs.insert(key, step)),
                _ => {
                    *ours.get_or_insert_with(key, || 0) += 1;
                    *theirs.entry(key).or_insert(0) += 1;
                }
            }
            assert_eq!(ours.len(), theirs.len());
            assert_eq!(ours.get(&key), theirs.get(&key));
            assert_eq!(
                ours.contains_key(&(key + 1)),
                theirs.contains_key(&(key + 1))
            );
        }
        assert!(ours.values().eq(theirs.values()));
        assert!(ours.into_keys().eq(theirs.into_keys()));
    }

    #[test]
    fn keys_in_increasing_order_are_appended() {
        let mut map = VecMap::new();
        for id in 0..100u64 {
            assert_eq!(map.insert(id, id * 2), None);
        }
        *map.get_mut(&50).unwrap() += 1;
        assert_eq!(map.remove(&0), Some(0));
        assert_eq!(map.get(&50), Some(&101));
        assert_eq!(map.get(&0), None);
        assert!(map.into_keys().eq(1..100));
    }
}
