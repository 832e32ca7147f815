//! A vtable made by hand and called through `&dyn Calculator`: the classic
//! demonstration that a trait object is a data address plus a table of
//! function addresses, adapted to wasm32, where a word is 4 bytes and a
//! "function address" is an index into the module's function table.
//!
//! It forges rustc's *current* vtable layout (drop, size, align, then the
//! methods in declaration order), which is not a stable guarantee: a future
//! compiler may lay vtables out differently, and then this breaks. Nothing
//! outside the Learn tab may do this.

use std::mem::{align_of, size_of};

/// The trait whose vtable is forged.
pub trait Calculator {
    fn add(&self, x: i32) -> i32;
    fn sub(&self, x: i32) -> i32;
    fn mul(&self, x: i32) -> i32;
}

/// The three methods, in declaration order.
pub const METHODS: [&str; 3] = ["add", "sub", "mul"];

// The functions the forged vtable points at. A method entry is called with
// the data address as its first argument, so each takes `&i32`.
fn add(base: &i32, x: i32) -> i32 {
    base.wrapping_add(x)
}
fn sub(base: &i32, x: i32) -> i32 {
    base.wrapping_sub(x)
}
fn mul(base: &i32, x: i32) -> i32 {
    base.wrapping_mul(x)
}

/// The three functions in declaration order.
const FUNCTIONS: [fn(&i32, i32) -> i32; 3] = [add, sub, mul];

/// A forged vtable: `slots[i]` is the index (into [`METHODS`]) of the
/// function put in method slot `i`. `[0, 1, 2]` is the honest table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandVtable {
    /// The table as laid out in memory: drop (none: `i32` needs no drop),
    /// size, align, then three function addresses.
    pub words: [usize; 6],
}

impl HandVtable {
    pub fn new(slots: [usize; 3]) -> HandVtable {
        let function = |slot: usize| FUNCTIONS[slots[slot] % 3] as usize;
        HandVtable {
            words: [
                0,
                size_of::<i32>(),
                align_of::<i32>(),
                function(0),
                function(1),
                function(2),
            ],
        }
    }

    /// The address each method's function has, for the page to label slots.
    pub fn function_addresses() -> [usize; 3] {
        FUNCTIONS.map(|function| function as usize)
    }

    /// Calls `add`, `sub` and `mul` with `x` through a `&dyn Calculator`
    /// made of `&base` and this table.
    #[inline(never)]
    pub fn call_all(&self, base: &i32, x: i32) -> [i32; 3] {
        // `black_box` hides from the optimizer that the "vtable" is this
        // array of integers: seeing that, it may conclude that the call is
        // undefined behaviour (which, by the language's rules, it is) and
        // remove the code path altogether, as it did in release builds.
        let vtable = std::hint::black_box(self.words.as_ptr());
        // SAFETY: this forges a trait object. It holds only while rustc lays
        // out `&dyn Calculator` as (data, vtable) and the vtable as drop,
        // size, align, then the methods in declaration order (the tests check
        // both on the targets we build for). Every method slot holds a
        // `fn(&i32, i32) -> i32`, which is how a `&self` method of an `i32`
        // implementor is called; the drop slot is never used, since a `&dyn`
        // drops nothing; `self` outlives the returned reference's uses here.
        let calculator: &dyn Calculator = unsafe {
            std::mem::transmute::<(*const i32, *const usize), &dyn Calculator>((base, vtable))
        };
        [calculator.add(x), calculator.sub(x), calculator.mul(x)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "a forged vtable is exactly what Miri rejects")]
    fn the_honest_table_calls_each_method() {
        let table = HandVtable::new([0, 1, 2]);
        assert_eq!(table.call_all(&7, 5), [12, 2, 35]);
        assert_eq!(table.words[1], 4);
        assert_eq!(table.words[2], 4);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a forged vtable is exactly what Miri rejects")]
    fn swapping_two_entries_makes_the_other_method_answer() {
        let table = HandVtable::new([1, 0, 2]);
        // `add` now runs `sub`, and `sub` runs `add`.
        assert_eq!(table.call_all(&7, 5), [2, 12, 35]);
    }
}
