//! Pointer sizes, and what a fat pointer holds, read from live values.

use std::mem::{align_of, size_of};

/// The size and alignment of one type, as compiled for this target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeLayout {
    pub name: &'static str,
    pub size: usize,
    pub align: usize,
    /// How many pointer-sized words: 1 for a thin pointer, 2 for a fat one.
    pub words: usize,
    pub why: &'static str,
}

const fn of<T>(name: &'static str, why: &'static str) -> TypeLayout {
    TypeLayout {
        name,
        size: size_of::<T>(),
        align: align_of::<T>(),
        words: size_of::<T>() / size_of::<usize>(),
        why,
    }
}

/// A trait to make trait objects of.
pub trait Animal {
    fn legs(&self) -> u32;
    fn sound(&self) -> &'static str;
}

/// A type with drop glue (its `String`), so its vtable's drop entry is a
/// real function.
pub struct Dog {
    pub name: String,
    pub legs: u32,
}

impl Animal for Dog {
    fn legs(&self) -> u32 {
        self.legs
    }
    fn sound(&self) -> &'static str {
        "woof"
    }
}

/// The layouts the Learn tab tabulates.
pub fn pointer_layouts() -> &'static [TypeLayout] {
    // A constant table, not a `Vec` made at each call: as data it is a few
    // bytes a row, where building it was code storing every field.
    &LAYOUTS
}

const LAYOUTS: [TypeLayout; 8] = [
    of::<usize>("usize", "one machine word: the size of an address"),
    of::<&u64>("&u64", "an address: thin, whatever it points to"),
    of::<&[i32]>("&[i32]", "address of the first element + length"),
    of::<&str>("&str", "address of the bytes + length in bytes"),
    of::<&dyn Animal>(
        "&dyn Animal",
        "address of the value + address of its vtable",
    ),
    of::<Box<dyn Animal>>("Box<dyn Animal>", "owned, but the same two words as &dyn"),
    of::<Option<&u64>>("Option<&u64>", "no extra word: None is the null address"),
    of::<Option<Box<dyn Animal>>>(
        "Option<Box<dyn Animal>>",
        "None is a null data address; still two words",
    ),
];

/// The two words of a `&[i32]` as they are in memory, and what safe code
/// says they should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliceWords {
    pub words: [usize; 2],
    pub data_address: usize,
    pub len: usize,
}

/// Reads the fat pointer `slice` word by word.
pub fn slice_words(slice: &[i32]) -> SliceWords {
    // SAFETY: a `&[i32]` is two `usize`s on every target rustc supports (the
    // sizes are checked by `pointer_layouts`' tests); which word is which is
    // not guaranteed, so the caller compares them with `as_ptr` and `len`
    // rather than assume.
    let words: [usize; 2] = unsafe { std::mem::transmute::<&[i32], [usize; 2]>(slice) };
    SliceWords {
        words,
        data_address: slice.as_ptr() as usize,
        len: slice.len(),
    }
}

/// One entry of a vtable, read from memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VtableEntry {
    /// What rustc currently puts in this slot.
    pub slot: &'static str,
    pub value: usize,
    /// What safe code says the slot should hold, where it can say
    /// (`size_of`, a function's address), for the page to compare.
    pub expected: Option<usize>,
}

/// The two words of a `&dyn Animal` and the first five entries of its vtable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynWords {
    pub words: [usize; 2],
    pub data_address: usize,
    pub entries: Vec<VtableEntry>,
}

/// Reads the fat pointer `animal` (which must point at a [`Dog`]) and the
/// vtable its second word points at.
pub fn dyn_words(animal: &dyn Animal, dog: &Dog) -> DynWords {
    // SAFETY: a `&dyn Trait` is two `usize`s (data, vtable) on every target
    // rustc supports; the order is not guaranteed, so the vtable word is
    // found below by elimination against the data address.
    let words: [usize; 2] = unsafe { std::mem::transmute::<&dyn Animal, [usize; 2]>(animal) };
    let data_address = animal as *const dyn Animal as *const () as usize;
    let vtable = if words[0] == data_address {
        words[1]
    } else {
        words[0]
    };
    let table = vtable as *const usize;
    let read = |index: usize| {
        // SAFETY: rustc's current vtable layout is drop, size, align, then
        // one entry per method in declaration order: five words for
        // `Animal`, all initialised. Not a language guarantee (hence the
        // Learn tab's warning); the tests check it on wasm32 and natively.
        unsafe { table.add(index).read() }
    };
    let legs: fn(&Dog) -> u32 = <Dog as Animal>::legs;
    let sound: fn(&Dog) -> &'static str = <Dog as Animal>::sound;
    let drop_glue: unsafe fn(*mut Dog) = std::ptr::drop_in_place::<Dog>;
    debug_assert!(std::ptr::eq(dog, data_address as *const Dog));
    let entries = vec![
        VtableEntry {
            slot: "drop_in_place::<Dog>",
            value: read(0),
            expected: Some(drop_glue as usize),
        },
        VtableEntry {
            slot: "size",
            value: read(1),
            expected: Some(size_of::<Dog>()),
        },
        VtableEntry {
            slot: "align",
            value: read(2),
            expected: Some(align_of::<Dog>()),
        },
        VtableEntry {
            slot: "<Dog as Animal>::legs",
            value: read(3),
            expected: Some(legs as usize),
        },
        VtableEntry {
            slot: "<Dog as Animal>::sound",
            value: read(4),
            expected: Some(sound as usize),
        },
    ];
    DynWords {
        words,
        data_address,
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD: usize = size_of::<usize>();

    #[test]
    fn fat_pointers_are_two_words_thin_ones_one() {
        for layout in pointer_layouts() {
            let expected = match layout.name {
                "usize" | "&u64" | "Option<&u64>" => 1,
                _ => 2,
            };
            assert_eq!(layout.words, expected, "{}", layout.name);
            assert_eq!(layout.size, expected * WORD, "{}", layout.name);
            assert_eq!(layout.align, WORD, "{}", layout.name);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads a fat pointer's words, which Miri forbids")]
    fn slice_words_are_address_then_length() {
        let numbers = [1, 2, 3, 4, 5];
        let words = slice_words(&numbers[1..]);
        assert_eq!(words.len, 4);
        assert_eq!(words.words, [words.data_address, 4]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads a vtable from memory, which Miri forbids")]
    fn vtable_is_drop_size_align_then_methods_in_order() {
        let dog = Dog {
            name: "Rex".into(),
            legs: 4,
        };
        let read = dyn_words(&dog, &dog);
        assert_eq!(read.words[0], read.data_address);
        for entry in &read.entries {
            assert_eq!(Some(entry.value), entry.expected, "{}", entry.slot);
        }
        assert_eq!(dog.name, "Rex");
    }
}
