//! Build script: link the `radstudy` executable position-dependent (`-no-pie`) on Linux/glibc.
//! A PIE binary of this size carries ~80,000 relative relocations that the dynamic loader
//! applies at every start (~1 ms and ~700 copy-on-write page faults per process, which
//! matters when a scheduler runs one short `radstudy extract` per case). Only the final
//! executables are affected; the library, tests and examples are built as before.
//! This script must not generate code or probe the machine.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
