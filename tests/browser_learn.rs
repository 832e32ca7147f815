//! The Learn tab's layout readings, on the target the page runs: wasm32,
//! where a pointer is 4 bytes, a fat pointer 8, and a function "address" is
//! an index into the module's function table.
#![cfg(target_arch = "wasm32")]

use futures_playground::learn::hand_vtable::HandVtable;
use futures_playground::learn::layout::{self, Dog};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn on_wasm32_a_pointer_is_4_bytes_and_a_fat_pointer_8() {
    let sizes: Vec<(&str, usize, usize)> = layout::pointer_layouts()
        .iter()
        .map(|l| (l.name, l.size, l.align))
        .collect();
    assert_eq!(
        sizes,
        [
            ("usize", 4, 4),
            ("&u64", 4, 4),
            ("&[i32]", 8, 4),
            ("&str", 8, 4),
            ("&dyn Animal", 8, 4),
            ("Box<dyn Animal>", 8, 4),
            ("Option<&u64>", 4, 4),
            ("Option<Box<dyn Animal>>", 8, 4),
        ]
    );
}

#[wasm_bindgen_test]
fn a_live_slice_is_its_address_then_its_length() {
    let values = [10, 20, 30];
    let read = layout::slice_words(&values[1..]);
    assert_eq!(read.words, [values.as_ptr() as usize + 4, 2]);
}

#[wasm_bindgen_test]
fn a_vtable_is_drop_size_align_then_table_indices_in_method_order() {
    let dog = Box::new(Dog {
        name: "Rex".into(),
        legs: 4,
    });
    let read = layout::dyn_words(&*dog, &dog);
    assert_eq!(read.words[0], read.data_address, "data word first");
    let values: Vec<usize> = read.entries.iter().map(|e| e.value).collect();
    for entry in &read.entries {
        assert_eq!(Some(entry.value), entry.expected, "{}", entry.slot);
    }
    // size and align of Dog on wasm32: a String (3 words) and a u32.
    assert_eq!(&values[1..3], &[16, 4]);
    // The function entries are indices into the module's function table.
    let table: js_sys::WebAssembly::Table = wasm_bindgen::function_table().unchecked_into();
    for index in [values[0], values[3], values[4]] {
        assert!(
            index > 0 && (index as u32) < table.length(),
            "index {index}"
        );
        assert!(table.get(index as u32).is_ok());
    }
}

#[wasm_bindgen_test]
fn a_hand_made_vtable_answers_and_a_swap_changes_who_answers() {
    assert_eq!(HandVtable::new([0, 1, 2]).call_all(&7, 5), [12, 2, 35]);
    // add <-> mul swapped: `add` runs mul, `mul` runs add.
    assert_eq!(HandVtable::new([2, 1, 0]).call_all(&7, 5), [35, 2, 12]);
    let table = HandVtable::new([0, 1, 2]);
    assert_eq!(&table.words[..3], &[0, 4, 4]);
    assert_eq!(&table.words[3..], &HandVtable::function_addresses());
}
