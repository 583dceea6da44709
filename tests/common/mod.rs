//! Shared by the integration tests: the Python oracle (PyTorch, Gymnasium) from the set-up environment,
//! and the `synapt-safety` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The interpreter of the environment that `scripts/setup.sh` installs. The tests need it: they compare
/// against real PyTorch and Gymnasium, and fail (never skip) without it.
pub fn python() -> PathBuf {
    let p = match std::env::var_os("SYNAPT_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
            cache.join("synapt-safety/torch-2.13.0/bin/python")
        }
    };
    assert!(
        p.exists(),
        "the Python oracle {} is missing: run the tests through `bash scripts/test.sh`, which installs it",
        p.display()
    );
    p
}

/// Path of a committed oracle script under `tests/oracle/`.
pub fn oracle_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/oracle")
        .join(name)
}

/// Run a committed oracle script with arguments; panics with its stderr if it fails.
pub fn run_oracle(script: &str, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg(oracle_script(script))
        .args(args)
        .output()
        .expect("failed to start the Python oracle");
    assert!(
        out.status.success(),
        "oracle {script} {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("oracle printed non-UTF-8")
}

/// The `synapt-safety` binary built for this test run.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_synapt-safety"))
}

/// Run the binary in `dir` with `args`.
pub fn run_bin(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("failed to start synapt-safety")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run succeeded; otherwise fail showing its exit code and both streams.
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

/// The run was refused the way every refusal must be: exit `code`, an `error: ` line naming what is
/// wrong (`needle`), and no panic.
pub fn assert_refused(o: &Output, code: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}
