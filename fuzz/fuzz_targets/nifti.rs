//! libFuzzer entry point for the nifti target (body in `radstudy_fuzz::nifti`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| radstudy_fuzz::nifti(data));
