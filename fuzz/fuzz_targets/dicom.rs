//! libFuzzer entry point for the dicom target (body in `radstudy_fuzz::dicom`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| radstudy_fuzz::dicom(data));
