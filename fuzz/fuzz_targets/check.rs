//! Fuzz target: see `shipshape_fuzz::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shipshape_fuzz::check(data));
