#![no_main]
//! See `heistbrief::harness::render`: what it runs and what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _rendered = heistbrief::harness::render(data);
});
