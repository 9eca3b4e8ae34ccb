//! rupture-sys (links = "rupture") found the library; its build script passes
//! the directory here as DEP_RUPTURE_LIB_DIR. Link arguments do not propagate
//! from a dependency, so the rpath that lets `cargo test` / `cargo run
//! --example` find librupture.so without LD_LIBRARY_PATH is emitted again here.
//! DEP_RUPTURE_RUPTURES says whether the library exports the rupture-detection
//! functions (cfg `rupture_ruptures`); without them the rupture calls return
//! `ErrorKind::Unsupported` and replay reports carry no ruptures.
use std::env;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_RUPTURE_LIB_DIR");
    println!("cargo:rerun-if-env-changed=DEP_RUPTURE_RUPTURES");
    if let Ok(dirs) = env::var("DEP_RUPTURE_LIB_DIR") {
        for d in env::split_paths(&dirs).filter(|p| !p.as_os_str().is_empty()) {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", d.display());
            println!("cargo:rustc-env=RUPTURE_LIB_DIR_FOUND={}", d.display());
        }
    }
    println!("cargo:rustc-check-cfg=cfg(rupture_ruptures)");
    if env::var("DEP_RUPTURE_RUPTURES").as_deref() != Ok("0") {
        println!("cargo:rustc-cfg=rupture_ruptures");
    }
}
