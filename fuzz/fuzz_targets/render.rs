//! Fuzz target: see `shipshape_fuzz::render`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shipshape_fuzz::render(data));
