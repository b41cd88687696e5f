//! Fuzz target: see `shipshape_fuzz::manifest_load`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shipshape_fuzz::manifest_load(data));
