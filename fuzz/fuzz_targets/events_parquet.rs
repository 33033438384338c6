#![no_main]
//! Fuzz target `events_parquet`: see `fuzz/entries.rs`.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../entries.rs"]
mod entries;

fuzz_target!(|data: &[u8]| {
    let _ = entries::events_parquet(data);
});
