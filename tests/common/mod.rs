//! Shared by the integration tests: the Python oracle (PyTorch, Gymnasium) from the set-up environment,
//! and the `synapt-safety` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Where `scripts/setup.sh` installs the interpreter of its environment (`SYNAPT_PYTHON` overrides it),
/// whether or not it is there.
pub fn python_path() -> PathBuf {
    match std::env::var_os("SYNAPT_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
            cache.join("synapt-safety/torch-2.13.0/bin/python")
        }
    }
}

/// The interpreter of the environment that `scripts/setup.sh` installs. The tests need it: they compare
/// against real PyTorch and Gymnasium, and fail (never skip) without it.
pub fn python() -> PathBuf {
    let p = python_path();
    assert!(
        p.exists(),
        "the Python oracle {} is missing: run the tests through `bash scripts/test.sh`, which installs it",
        p.display()
    );
    p
}

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file shipped in the repository's `Policies/`.
pub fn shipped(name: &str) -> PathBuf {
    root().join("Policies").join(name)
}

/// Copy the shipped `Policies/<name>` to `dir/Policies/<as_name>`; returns the copy's path.
pub fn ship_actor(dir: &Path, name: &str, as_name: &str) -> PathBuf {
    let policies = dir.join("Policies");
    std::fs::create_dir_all(&policies).unwrap();
    let path = policies.join(as_name);
    std::fs::copy(shipped(name), &path).unwrap();
    path
}

/// The shipped PPO CartPole-v0 actor and its pruning at k = 0.78 (`--prune`, not shipped: a clean clone
/// has only the dense actor), both in `dir` as `ppo_actorCartPole-v0.pth` and
/// `ppo_actorCartPole-v0_0.78.pth`; returns the pruned actor's path.
pub fn pruned_cartpole(dir: &Path) -> PathBuf {
    std::fs::copy(
        shipped("ppo_actorCartPole-v0.pth"),
        dir.join("ppo_actorCartPole-v0.pth"),
    )
    .unwrap();
    let o = run_bin(
        dir,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "ppo_actorCartPole-v0.pth",
            "--prune",
            "--k",
            "0.78",
        ],
    );
    assert_ok(&o);
    let pruned = dir.join("ppo_actorCartPole-v0_0.78.pth");
    assert!(pruned.is_file(), "--prune wrote no {}", pruned.display());
    pruned
}

/// [`pruned_cartpole`] in `dir`, and the pruned actor's failures of `upright` from a random campaign of
/// 30 evaluations; returns the failures CSV's path.
pub fn cartpole_failures(dir: &Path) -> PathBuf {
    pruned_cartpole(dir);
    let o = run_bin(
        dir,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "ppo_actorCartPole-v0_0.78.pth",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "30",
            "--spec",
            "upright",
        ],
    );
    assert_ok(&o);
    dir.join("Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_random.csv")
}

/// A temporary directory holding the shipped `Policies/<name>` as `Policies/<as_name>`.
pub fn workdir_with(name: &str, as_name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ship_actor(dir.path(), name, as_name);
    dir
}

/// A temporary working directory with the shipped specifications and `hyperparameters` as its
/// `hyperparameters.yml` (the learners' tests write their settings there).
pub fn workdir_settings(hyperparameters: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("specifications.yml"),
        dir.path().join("specifications.yml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("hyperparameters.yml"), hyperparameters).unwrap();
    dir
}

/// Run `cmd` to the end: panics with `start` if it does not start, and with `failed` and its stderr if
/// it exits unsuccessfully.
pub fn output_ok(cmd: &mut Command, start: &str, failed: &str) -> Output {
    let out = cmd.output().expect(start);
    assert!(
        out.status.success(),
        "{failed}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A command running `script` with the oracle's interpreter; its arguments follow.
pub fn python_script(script: &Path) -> Command {
    let mut cmd = Command::new(python());
    cmd.arg(script);
    cmd
}

/// Run a command of [`python_script`]; its stdout, parsed as JSON. Panics with its stderr if it fails.
pub fn python_json(cmd: &mut Command) -> serde_json::Value {
    let out = output_ok(
        cmd,
        "failed to start the Python oracle (bash scripts/test.sh installs it)",
        "the Python script failed",
    );
    serde_json::from_slice(&out.stdout).expect("the Python script printed invalid JSON")
}

/// Path of a committed oracle script under `tests/oracle/`.
pub fn oracle_script(name: &str) -> PathBuf {
    root().join("tests/oracle").join(name)
}

/// Run a committed oracle script with arguments; panics with its stderr if it fails.
pub fn run_oracle(script: &str, args: &[&str]) -> String {
    let out = output_ok(
        python_script(&oracle_script(script)).args(args),
        "failed to start the Python oracle",
        &format!("oracle {script} {args:?} failed"),
    );
    String::from_utf8(out.stdout).expect("oracle printed non-UTF-8")
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Column `col` of every data row of a CSV text (no field quoted), as numbers.
pub fn csv_column(text: &str, col: usize) -> Vec<f64> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect()
}

/// A JSON array of numbers, as f64s.
pub fn json_f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// A JSON array of unsigned integers.
pub fn json_u64s(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
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

/// The run succeeded (otherwise fail showing its stderr); its stdout.
pub fn succeeded(o: &Output) -> String {
    assert!(o.status.success(), "{}", stderr(o));
    stdout(o)
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

/// The bytes of `dir/f`; panics naming the file if it cannot be read.
pub fn read(dir: &Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

/// A training log without its last column (the wall time), for comparing runs.
pub fn log_without_wall(dir: &Path, f: &str) -> String {
    let text = String::from_utf8(read(dir, f)).unwrap();
    text.lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JSON checkpoint without its `wall_s`, for comparing runs.
pub fn checkpoint_without_wall(dir: &Path, f: &str) -> serde_json::Value {
    let mut c: serde_json::Value = serde_json::from_slice(&read(dir, f)).unwrap();
    c.as_object_mut().unwrap().remove("wall_s").expect("wall_s");
    c
}

/// Run the binary in `dir` with `args`, wait until `log` (relative to `dir`) holds `rows` lines, send
/// SIGINT (Ctrl-C) and return how the run ended. Panics if no such line comes within two minutes.
pub fn interrupt_after(dir: &Path, args: &[&str], log: &str, rows: usize) -> Output {
    ctrl_c_after(dir, args, log, rows, 1)
}

/// [`interrupt_after`], with `times` Ctrl-C's 50 ms apart.
pub fn ctrl_c_after(dir: &Path, args: &[&str], log: &str, rows: usize, times: usize) -> Output {
    use std::time::{Duration, Instant};
    let child = bin()
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = dir.join(log);
    let start = Instant::now();
    while std::fs::read_to_string(&log).map_or(0, |t| t.lines().count()) < rows {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{} never reached {rows} lines",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for k in 0..times {
        if k > 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
    }
    child.wait_with_output().unwrap()
}
