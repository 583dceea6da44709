// Link settings for libtorch from the PyPI wheel (torch-sys, `links = "tch"`, exports its directory):
// - an rpath, so `synapt-safety` and the test binaries run without LD_LIBRARY_PATH;
// - libtorch_cuda kept as a dependency even though no symbol of it is referenced (the linker's
//   --as-needed would drop it, and libtorch would then never see a GPU).
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        if Path::new(&dir).join("libtorch_cuda.so").exists() {
            println!("cargo:rustc-link-arg=-Wl,--no-as-needed,-ltorch_cuda,--as-needed");
        }
    }
}
