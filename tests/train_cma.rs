//! `--train --algo cma`: CMA-ES on an actor's weights through the shared run loop, from the command
//! line. It solves CartPole-v1 with the shipped settings; its actor and checkpoint are the same bytes
//! (but for wall time) for any thread count and across a resume; its actor goes through
//! --test → --prune → --falsify; bad settings are refused with exit 1, a message naming them and
//! nothing written.

mod common;

use std::path::Path;

use common::{assert_ok, run_bin, stderr, stdout};

/// A working directory with the shipped hyperparameters and specifications.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in ["hyperparameters.yml", "specifications.yml"] {
        std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
    }
    dir
}

/// `--train --algo cma --env CartPole-v1` with `extra`.
fn cma(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--train", "--algo", "cma", "--env", "CartPole-v1"];
    args.extend(extra);
    run_bin(dir, &args)
}

use common::read;

/// The log without its wall-time column.
fn log_without_wall(dir: &Path) -> String {
    common::log_without_wall(dir, "Graph/train_cma_CartPole-v1.csv")
}

/// The checkpoint without its wall time.
fn checkpoint_without_wall(dir: &Path) -> serde_json::Value {
    common::checkpoint_without_wall(dir, "Policies/cma_checkpointCartPole-v1.json")
}

const FILES: [&str; 3] = [
    "Policies/cma_actorCartPole-v1.pth",
    "Policies/cma_actorCartPole-v1.arch.json",
    "Graph/train_cma_CartPole-v1.png",
];

#[test]
fn cma_solves_cartpole_and_reproduces_for_any_thread_count() {
    let (a, b) = (workdir(), workdir());
    let train =
        |dir: &Path, threads: &str| cma(dir, &["--threads", threads, "--test", "--episodes", "20"]);
    let o = train(a.path(), "1");
    assert_ok(&o);
    let out = stdout(&o);
    let mean: f64 = out
        .lines()
        .find(|l| l.starts_with("CartPole-v1  Policies/cma_actorCartPole-v1.pth"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no --test summary in:\n{out}"));
    // Measured: 500.0 over 20 test episodes after the shipped 20 generations.
    assert!(mean >= 475.0, "CMA-ES reached {mean}:\n{out}");
    assert_ok(&train(b.path(), "2"));
    for f in FILES {
        assert_eq!(
            read(a.path(), f),
            read(b.path(), f),
            "{f} differs by thread count"
        );
    }
    assert_eq!(log_without_wall(a.path()), log_without_wall(b.path()));
    assert_eq!(
        checkpoint_without_wall(a.path()),
        checkpoint_without_wall(b.path())
    );
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let (a, b) = (workdir(), workdir());
    assert_ok(&cma(a.path(), &["--iterations", "12"]));
    assert_ok(&cma(b.path(), &["--iterations", "5"]));
    let o = cma(b.path(), &["--iterations", "12", "--resume"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("5 → 12"), "{}", stdout(&o));
    for f in FILES {
        assert_eq!(
            read(a.path(), f),
            read(b.path(), f),
            "{f} differs after --resume"
        );
    }
    assert_eq!(log_without_wall(a.path()), log_without_wall(b.path()));
    assert_eq!(
        checkpoint_without_wall(a.path()),
        checkpoint_without_wall(b.path())
    );
}

/// The evolved actor goes through the same safety pipeline as a pruned PPO actor.
#[test]
fn the_champion_is_tested_pruned_and_falsified() {
    let dir = workdir();
    assert_ok(&cma(dir.path(), &[]));
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "cma",
            "--env",
            "CartPole-v1",
            "--test",
            "--prune",
            "--k",
            "0.5",
            "--falsify",
            "--spec",
            "position",
            "--budget",
            "40",
            "--episodes",
            "5",
        ],
    );
    assert_ok(&o);
    let pruned = read(dir.path(), "Policies/cma_actorCartPole-v1_0.5.arch.json");
    assert!(String::from_utf8(pruned).unwrap().contains("\"tanh\""));
}

#[test]
fn bad_cma_settings_are_refused_with_their_name() {
    let dir = workdir();
    let cases: [(&str, &[&str], i32, &str); 8] = [
        (
            "CartPole-v1:\n  cma: {hidden_sizes: [400, 400]}\n",
            &[],
            1,
            "CMA-ES: the covariance matrix would hold 163202 × 163202 numbers; at most 268435456",
        ),
        (
            "CartPole-v1:\n  cma: {popsize: 2000000}\n",
            &[],
            1,
            "cma → popsize: 2000000; at most 1048576",
        ),
        (
            "CartPole-v1:\n  cma: {sigma: 0.3}\n",
            &[],
            1,
            "unknown field `sigma`, expected one of `popsize`, `sigma0`",
        ),
        (
            "CartPole-v1:\n  cma: {popsize: 1}\n",
            &[],
            1,
            "cma → popsize: 1 is below 2",
        ),
        (
            "CartPole-v1:\n  cma: {sigma0: -1}\n",
            &[],
            1,
            "cma → sigma0: must be a positive number",
        ),
        (
            "CartPole-v1:\n  cma: {episodes: 0}\n",
            &[],
            1,
            "cma → episodes: must be a positive integer",
        ),
        (
            "CartPole-v1:\n  cma: {head: swish}\n",
            &[],
            1,
            "cma → head: unknown head `swish`",
        ),
        (
            "",
            &["--resume"],
            1,
            "--resume: no checkpoint at Policies/cma_checkpointCartPole-v1.json",
        ),
    ];
    for (yaml, extra, code, needle) in cases {
        let h = dir.path().join("h.yml");
        std::fs::write(&h, yaml).unwrap();
        let mut args = vec![
            "--iterations",
            "2",
            "--hyperparameters",
            h.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = cma(dir.path(), &args);
        assert_eq!(o.status.code(), Some(code), "{needle}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(needle),
            "want `{needle}` in: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
        for sub in ["Policies", "Graph"] {
            let written: Vec<_> = std::fs::read_dir(dir.path().join(sub))
                .map(|d| d.map(|e| e.unwrap().file_name()).collect())
                .unwrap_or_default();
            assert!(written.is_empty(), "{needle}: wrote {written:?} in {sub}/");
        }
    }
    // An ES checkpoint is not a CMA-ES one.
    std::fs::create_dir_all(dir.path().join("Policies")).unwrap();
    std::fs::write(
        dir.path().join("Policies/cma_checkpointCartPole-v1.json"),
        r#"{"format": "synapt-safety ES checkpoint v1"}"#,
    )
    .unwrap();
    let o = cma(dir.path(), &["--resume"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("expected `synapt-safety CMA-ES checkpoint v1`"),
        "{}",
        stderr(&o)
    );
}
