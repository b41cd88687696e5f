//! Fuzz target: see `shipshape_fuzz::validate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shipshape_fuzz::validate(data));
