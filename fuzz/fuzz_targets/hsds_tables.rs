#![no_main]
//! Fuzz target `hsds_tables`: see `fuzz/entries.rs`.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../entries.rs"]
mod entries;

fuzz_target!(|data: &[u8]| {
    let _ = entries::hsds_tables(data);
});
