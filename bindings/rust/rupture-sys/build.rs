//! Finds librupture and its headers, std only (no pkg-config or cc crate).
//!
//! Order (first that applies):
//! 1. `RUPTURE_LIB_DIR` (directory holding librupture.so), with the headers
//!    from `RUPTURE_INCLUDE_DIR` (one or more dirs, `:`-separated) or guessed
//!    (`$RUPTURE_LIB_DIR/include` and the source tree's `include/`);
//! 2. `RUPTURE_BUILD_DIR`, a meson build directory (library at its top,
//!    generated `include/rupture/version.h`, public header in the source tree);
//! 3. the `pkg-config` program (`pkg-config rupture`; set `PKG_CONFIG_PATH`,
//!    e.g. to `<builddir>/meson-private` for an uninstalled build);
//! 4. the in-tree `build/` directory that `make build` creates.
//!
//! Emits the link flags, an rpath so tests and examples run without
//! `LD_LIBRARY_PATH`, `DEP_RUPTURE_LIB_DIR` / `DEP_RUPTURE_INCLUDE` for
//! dependents, and `RUPTURE_SYS_INCLUDE_DIRS` for the layout test. It also
//! probes (by linking a tiny C program with the system `cc`) whether the
//! library exports the rupture-detection functions; dependents get
//! `DEP_RUPTURE_RUPTURES=1|0`.
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Found {
    lib_dirs: Vec<PathBuf>,
    include_dirs: Vec<PathBuf>,
    how: &'static str,
}

fn split_paths(v: &str) -> Vec<PathBuf> {
    env::split_paths(v).filter(|p| !p.as_os_str().is_empty()).collect()
}

/// The source tree's `include/` (this crate lives at bindings/rust/rupture-sys).
fn tree_include() -> Option<PathBuf> {
    let m = PathBuf::from(env::var("CARGO_MANIFEST_DIR").ok()?);
    let inc = m.join("../../../include");
    inc.join("rupture/rupture.h").is_file().then(|| inc.canonicalize().unwrap_or(inc))
}

/// The source dir of a meson build dir, read from meson-info/meson-info.json
/// (minimal string search: `"source": "..."`).
fn meson_source_include(build: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(build.join("meson-info/meson-info.json")).ok()?;
    let at = text.find("\"source\"")?;
    let rest = &text[at + 8..];
    let q1 = rest.find('"')? + 1;
    let q2 = rest[q1..].find('"')? + q1;
    let inc = PathBuf::from(&rest[q1..q2]).join("include");
    inc.join("rupture/rupture.h").is_file().then_some(inc)
}

fn from_build_dir(build: PathBuf, how: &'static str) -> Found {
    let mut inc = vec![build.join("include")];
    if let Some(s) = meson_source_include(&build).or_else(tree_include) {
        inc.push(s);
    }
    Found { lib_dirs: vec![build], include_dirs: inc, how }
}

fn pkg_config() -> Option<Found> {
    let run = |arg: &str| -> Option<String> {
        let out = Command::new("pkg-config").args([arg, "rupture"]).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let libs = run("--libs-only-L")?;
    let cflags = run("--cflags-only-I")?;
    let mut lib_dirs: Vec<PathBuf> =
        libs.split_whitespace().filter_map(|t| t.strip_prefix("-L")).map(PathBuf::from).collect();
    if lib_dirs.is_empty() {
        if let Some(d) = run("--variable=libdir") {
            lib_dirs.push(PathBuf::from(d.trim()));
        }
    }
    let mut include_dirs: Vec<PathBuf> =
        cflags.split_whitespace().filter_map(|t| t.strip_prefix("-I")).map(PathBuf::from).collect();
    if include_dirs.is_empty() {
        if let Some(d) = run("--variable=includedir") {
            include_dirs.push(PathBuf::from(d.trim()));
        }
    }
    // meson's rupture-uninstalled.pc gives -I<builddir> -I<srcdir>, while the
    // headers live in their include/ subdirectories: add those when present.
    let extra: Vec<PathBuf> =
        include_dirs.iter().map(|d| d.join("include")).filter(|d| d.join("rupture").is_dir()).collect();
    include_dirs.extend(extra);
    Some(Found { lib_dirs, include_dirs, how: "pkg-config" })
}

fn find() -> Found {
    if let Ok(d) = env::var("RUPTURE_LIB_DIR") {
        let lib = PathBuf::from(&d);
        let include_dirs = match env::var("RUPTURE_INCLUDE_DIR") {
            Ok(i) => split_paths(&i),
            Err(_) => {
                let mut v = vec![lib.join("include")];
                v.extend(tree_include());
                v
            }
        };
        return Found { lib_dirs: vec![lib], include_dirs, how: "RUPTURE_LIB_DIR" };
    }
    if let Ok(d) = env::var("RUPTURE_BUILD_DIR") {
        return from_build_dir(PathBuf::from(d), "RUPTURE_BUILD_DIR");
    }
    if let Some(mut f) = pkg_config() {
        if let Ok(i) = env::var("RUPTURE_INCLUDE_DIR") {
            f.include_dirs = split_paths(&i);
        }
        return f;
    }
    if let Some(inc) = tree_include() {
        let build = inc.join("../build");
        if build.join("librupture.so").exists() {
            return from_build_dir(build.canonicalize().unwrap_or(build), "in-tree build/");
        }
    }
    println!("cargo:warning=librupture not found (set RUPTURE_LIB_DIR, RUPTURE_BUILD_DIR or PKG_CONFIG_PATH); linking -lrupture from the system paths");
    Found { lib_dirs: vec![], include_dirs: tree_include().into_iter().collect(), how: "system" }
}

/// Whether the library exports the rupture-detection part of the API: link a
/// program that references one of its functions.
fn probe_ruptures(f: &Found, out: &Path) -> bool {
    let src = out.join("probe_ruptures.c");
    let exe = out.join("probe_ruptures");
    let code = "#include <stddef.h>\n#include <stdint.h>\n\
        size_t rup_session_get_rupture_count(const void *s);\n\
        int main(int argc, char **argv) { (void)argv; return argc > 99 ? (int)rup_session_get_rupture_count(NULL) : 0; }\n";
    if std::fs::write(&src, code).is_err() {
        return true;
    }
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut cmd = Command::new(cc);
    cmd.arg(&src).arg("-o").arg(&exe);
    for d in &f.lib_dirs {
        cmd.arg(format!("-L{}", d.display()));
    }
    cmd.arg("-lrupture");
    match cmd.output() {
        Ok(o) => o.status.success(),
        Err(_) => true, // no cc: assume a complete library
    }
}

fn main() {
    for v in ["RUPTURE_LIB_DIR", "RUPTURE_INCLUDE_DIR", "RUPTURE_BUILD_DIR", "PKG_CONFIG_PATH", "CC"] {
        println!("cargo:rerun-if-env-changed={v}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let f = find();
    for d in &f.lib_dirs {
        println!("cargo:rustc-link-search=native={}", d.display());
        // Re-probe when the library is rebuilt (new exports).
        let so = d.join("librupture.so");
        if so.exists() {
            println!("cargo:rerun-if-changed={}", so.display());
        }
        // rpath for this crate's own tests; dependents read DEP_RUPTURE_LIB_DIR.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", d.display());
    }
    println!("cargo:rustc-link-lib=dylib=rupture");
    let join =
        |v: &[PathBuf]| env::join_paths(v).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    println!("cargo:lib_dir={}", join(&f.lib_dirs));
    println!("cargo:include={}", join(&f.include_dirs));
    println!("cargo:rustc-env=RUPTURE_SYS_INCLUDE_DIRS={}", join(&f.include_dirs));
    println!("cargo:rustc-env=RUPTURE_SYS_LIB_DIRS={}", join(&f.lib_dirs));
    println!("cargo:rustc-env=RUPTURE_SYS_FOUND_BY={}", f.how);
    let ruptures = probe_ruptures(&f, &out);
    println!("cargo:ruptures={}", u8::from(ruptures));
    println!("cargo:rustc-check-cfg=cfg(rupture_ruptures)");
    if ruptures {
        println!("cargo:rustc-cfg=rupture_ruptures");
    } else {
        println!("cargo:warning=this librupture does not export the rupture functions yet (rup_session_get_rupture*): those tests are skipped");
    }
}
