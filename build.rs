// Link settings for libtorch from the PyPI wheel (torch-sys, `links = "tch"`, exports its directory):
// - an rpath, so `synapt-safety-torch` and the test binaries run without LD_LIBRARY_PATH;
// - the directory as SYNAPT_LIBTORCH_LIB at compile time: src/device.rs loads libtorch_cuda from it
//   when a CUDA device is asked for (it is not linked: its libraries take seconds and gigabytes to
//   load), and the `synapt-safety` binary checks that libtorch is there before handing a command to
//   `synapt-safety-torch`;
// - for the `synapt-safety` binary, --exclude-libs ALL: no code it can run refers to libtorch
//   (src/libtorch.rs), but the C++ glue of torch-sys is still pulled into its link, and its inline
//   functions and vtables that libtorch's libraries also refer to would be exported, and so kept
//   live, and they refer to libtorch in turn. Kept local, they are discarded with the rest of the
//   dead code, and LLD (rustc's linker on x86-64 Linux), which records a needed library only for
//   references from live code, leaves libtorch out of the binary. tests/startup.rs checks it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        println!("cargo:rustc-env=SYNAPT_LIBTORCH_LIB={dir}");
    }
    println!("cargo:rustc-link-arg-bin=synapt-safety=-Wl,--exclude-libs,ALL");
}
