//! libFuzzer entry point for the manifest target (body in `radstudy_fuzz::manifest`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| radstudy_fuzz::manifest(data));
