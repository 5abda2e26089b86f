#![no_main]
//! See `heistbrief::harness::record`: what it runs and what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    heistbrief::harness::record(data);
});
