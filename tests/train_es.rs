//! `--train --algo es`: the evolution strategy through the shared run loop, from the command line. It
//! solves CartPole-v1, its files are the same bytes for any thread count and across a resume, its actor
//! (tanh units, an architecture file) goes through prune → falsify → refine, and bad settings are
//! refused with a message that names them.

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

/// `--train --algo es --env CartPole-v1` with `extra`.
fn es(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--train", "--algo", "es", "--env", "CartPole-v1"];
    args.extend(extra);
    run_bin(dir, &args)
}

use common::read;

/// The log without its wall-time column.
fn log_without_wall(dir: &Path) -> String {
    common::log_without_wall(dir, "Graph/train_es_CartPole-v1.csv")
}

#[test]
fn es_solves_cartpole_and_reproduces_for_any_thread_count() {
    let (a, b) = (workdir(), workdir());
    let train = |dir: &Path, threads: &str| {
        es(
            dir,
            &[
                "--iterations",
                "30",
                "--threads",
                threads,
                "--test",
                "--episodes",
                "20",
            ],
        )
    };
    let o = train(a.path(), "1");
    assert_ok(&o);
    let out = stdout(&o);
    // CartPole-v1 counts as solved at a mean return of 475 over consecutive episodes.
    let mean: f64 = out
        .lines()
        .find(|l| l.starts_with("CartPole-v1  Policies/es_actorCartPole-v1.pth"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no --test summary in:\n{out}"));
    assert!(
        mean >= 475.0,
        "ES reached {mean} after 30 generations:\n{out}"
    );
    assert_ok(&train(b.path(), "2"));
    for f in [
        "Policies/es_actorCartPole-v1.pth",
        "Policies/es_actorCartPole-v1.arch.json",
        "Graph/train_es_CartPole-v1.png",
    ] {
        assert_eq!(
            read(a.path(), f),
            read(b.path(), f),
            "{f} differs by thread count"
        );
    }
    assert_eq!(log_without_wall(a.path()), log_without_wall(b.path()));
    let arch = String::from_utf8(read(a.path(), "Policies/es_actorCartPole-v1.arch.json")).unwrap();
    assert!(arch.contains("\"tanh\""), "{arch}");
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let (a, b) = (workdir(), workdir());
    assert_ok(&es(a.path(), &["--iterations", "12"]));
    assert_ok(&es(b.path(), &["--iterations", "5"]));
    let o = es(b.path(), &["--iterations", "12", "--resume"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("5 → 12"), "{}", stdout(&o));
    assert_eq!(
        read(a.path(), "Policies/es_actorCartPole-v1.pth"),
        read(b.path(), "Policies/es_actorCartPole-v1.pth")
    );
    assert_eq!(log_without_wall(a.path()), log_without_wall(b.path()));
}

/// The evolved actor goes through the same safety pipeline as a pruned PPO actor.
#[test]
fn the_evolved_actor_is_pruned_falsified_and_refined() {
    let dir = workdir();
    assert_ok(&es(dir.path(), &["--iterations", "30"]));
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "es",
            "--env",
            "CartPole-v1",
            "--prune",
            "--k",
            "0.5",
            "--falsify",
            "--refine",
            "--spec",
            "position",
            "--budget",
            "60",
            "--episodes",
            "10",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("wrote Policies/es_actor_refinedCartPole-v1.pth"),
        "{out}"
    );
    // The refined actor keeps the evolved architecture.
    let arch = read(dir.path(), "Policies/es_actor_refinedCartPole-v1.arch.json");
    assert!(String::from_utf8(arch).unwrap().contains("\"tanh\""));
    let pruned = read(dir.path(), "Policies/es_actorCartPole-v1_0.5.arch.json");
    assert!(String::from_utf8(pruned).unwrap().contains("\"tanh\""));
}

#[test]
fn bad_es_settings_are_refused_with_their_name() {
    let dir = workdir();
    let cases: [(&str, &[&str], i32, &str); 8] = [
        // Sizes past docs/limits.md's caps: refused, not an abort on a failed allocation.
        (
            "CartPole-v1:\n  es: {hidden_sizes: [43316870862, 28]}\n",
            &[],
            1,
            "es → hidden_sizes: a width of 43316870862; at most 65536",
        ),
        (
            "CartPole-v1:\n  es: {population: 200000, hidden_sizes: [4096, 4096]}\n",
            &[],
            1,
            "es → population would hold 200000 × 16809986 numbers; at most 268435456",
        ),
        (
            "",
            &["--ppo", "default"],
            2,
            "--ppo chooses PPO's preset, but --algo is es",
        ),
        (
            "CartPole-v1:\n  es: {populaton: 8}\n",
            &[],
            1,
            "unknown field `populaton`",
        ),
        (
            "CartPole-v1:\n  es: {population: 7}\n",
            &[],
            1,
            "es → population: 7 is not an even number",
        ),
        (
            "CartPole-v1:\n  es: {head: swish}\n",
            &[],
            1,
            "es → head: unknown head `swish`",
        ),
        (
            "CartPole-v1:\n  es: {head: tanh}\n",
            &[],
            1,
            "`tanh` head does not suit CartPole-v1's discrete actions",
        ),
        (
            "",
            &["--resume"],
            1,
            "--resume: no checkpoint at Policies/es_checkpointCartPole-v1.json",
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
        let o = es(dir.path(), &args);
        assert_eq!(o.status.code(), Some(code), "{needle}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(needle),
            "want `{needle}` in: {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"));
        // Refused before anything is created, folders included.
        assert!(!dir.path().join("Policies").exists(), "{needle}");
    }
    // A PPO checkpoint is not an ES one.
    std::fs::create_dir_all(dir.path().join("Policies")).unwrap();
    std::fs::write(
        dir.path().join("Policies/es_checkpointCartPole-v1.json"),
        r#"{"format": "synapt-safety PPO checkpoint v1"}"#,
    )
    .unwrap();
    let o = es(dir.path(), &["--resume"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "format `synapt-safety PPO checkpoint v1`, expected `synapt-safety ES checkpoint v1`"
        ),
        "{}",
        stderr(&o)
    );
}
