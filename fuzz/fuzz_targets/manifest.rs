//! libFuzzer entry point for the manifest target (body in `radstudy_fuzz::manifest`,
//! run under `radstudy_fuzz::guard`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| radstudy_fuzz::guard(|| radstudy_fuzz::manifest(data)));
