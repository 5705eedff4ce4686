//! libFuzzer entry point for the nifti target (body in `radstudy_fuzz::nifti`,
//! run under `radstudy_fuzz::guard`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| radstudy_fuzz::guard(|| radstudy_fuzz::nifti(data)));
