//! kill -9 in the middle of every stage that writes (prune, sweep, falsify, refine, visualize, display,
//! and training with a checkpoint every iteration), at every moment that matters: strace kills the
//! process as it enters its 1st, 2nd, … `write` (and, separately, each `rename`), until a run gets
//! through. Afterwards every output is the file as it was before the command or the file the completed
//! command writes, never a torn one (a training's are whole files of some iteration, which load and
//! resume); only the writer's temporaries (`.<name>.tmp-<pid>…`) may be left, and the next write to
//! their folder removes them. A writer that wrote in place would fail here (tried: a two-part write
//! is caught at its second `write`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use synapt_safety::policy::Actor;

/// Every file under `dir`, by path relative to it, except the writer's temporaries.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if !(name.starts_with('.') && name.contains(".tmp-")) {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// A copy of `from` in a new temporary directory.
fn copy(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for (rel, bytes) in snapshot(from) {
        let p = to.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    to
}

fn run(dir: &Path, args: &[&str]) {
    common::assert_ok(&common::run_bin(dir, args));
}

/// The calls strace kills at, each counted on its own.
const SYSCALLS: [&str; 2] = ["write", "rename"];

/// Run `args` in `dir` under strace, which SIGKILLs it as it enters its `n`-th `syscall`; whether it
/// was killed (else it ran to the end).
fn kill_at(dir: &Path, args: &[&str], syscall: &str, n: usize) -> bool {
    let o = std::process::Command::new("strace")
        .current_dir(dir)
        .args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={syscall}"))
        .arg("-e")
        .arg(format!("inject={syscall}:signal=KILL:when={n}"))
        .arg(env!("CARGO_BIN_EXE_synapt-safety"))
        .args(args)
        .output()
        .expect("strace runs (scripts/test.sh installs Debian's strace)");
    match o.status.code() {
        Some(0) => false,
        // strace exits with the tracee's signal as 128 + 9.
        Some(137) | None => true,
        other => panic!(
            "{args:?} under strace: exit {other:?}\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

/// Kill `args`, run from copies of `before`, at every `write` and every `rename` in turn until a run
/// completes; `check` gets each killed copy's files and the kill's description. Returns the number
/// of kills.
fn kill_everywhere(before: &Path, args: &[&str], mut check: impl FnMut(&Path, &str)) -> usize {
    let mut kills = 0;
    for syscall in SYSCALLS {
        for n in 1.. {
            let d = copy(before);
            if !kill_at(d.path(), args, syscall, n) {
                break;
            }
            kills += 1;
            check(d.path(), &format!("killed at {syscall} #{n}"));
            assert!(n < 2000, "{args:?}: still writing after 2,000 {syscall}s");
        }
    }
    kills
}

/// `old` is the state before the command, `new` after it completed: every file killed runs left is
/// one of the two.
fn assert_old_or_new(label: &str, before: &Path, args: &[&str]) {
    let old = snapshot(before);
    let done = copy(before);
    run(done.path(), args);
    let new = snapshot(done.path());
    let kills = kill_everywhere(before, args, |d, when| {
        let got = snapshot(d);
        for (p, bytes) in &got {
            assert!(
                old.get(p) == Some(bytes) || new.get(p) == Some(bytes),
                "{label}, {when}: {} is neither the old file nor the new one",
                p.display()
            );
        }
        for p in old.keys() {
            assert!(
                got.contains_key(p) || !new.contains_key(p),
                "{label}, {when}: {} disappeared",
                p.display()
            );
        }
    });
    assert!(kills >= 2, "{label}: only {kills} kills");
}

#[test]
fn every_output_of_a_killed_stage_is_the_old_file_or_the_new_one() {
    let base = tempfile::tempdir().unwrap();
    let b = base.path();
    common::cartpole_failures(b);
    let env = ["--env", "CartPole-v0"];
    let dense = ["--actor", "ppo_actorCartPole-v0.pth"];
    // A first version of every output, from other settings.
    run(
        b,
        &[
            &env[..],
            &dense[..],
            &["--prune", "--k", "0.5", "--out", "p.pth"],
        ]
        .concat(),
    );
    run(b, &[&env[..], &dense[..], &["--sweep", "0.5,0.6"]].concat());
    let falsify = |seed: &'static str| {
        [
            &env[..],
            &["--actor", "ppo_actorCartPole-v0_0.78.pth", "--falsify"],
            &[
                "--falsify-method",
                "random,bo",
                "--budget",
                "30",
                "--spec",
                "upright",
            ],
            &["--seed", seed],
        ]
        .concat()
    };
    run(b, &falsify("1"));
    let failures = "Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_random.csv";
    let refine = [
        &env[..],
        &dense[..],
        &[
            "--pruned",
            "ppo_actorCartPole-v0_0.78.pth",
            "--refine",
            "--episodes",
            "10",
        ],
        &[
            "--failures",
            failures,
            "--refined",
            "r.pth",
            "--device",
            "cpu",
        ],
    ]
    .concat();
    let visualize = [&env[..], &dense[..], &["--pruned", "p.pth", "--visualize"]].concat();
    let display = [
        &env[..],
        &["--display", "--failures", failures, "--gifs", "2"],
    ]
    .concat();
    run(b, &refine);
    run(b, &visualize);
    run(b, &display);

    let prune = [
        &env[..],
        &dense[..],
        &["--prune", "--k", "0.8", "--out", "p.pth"],
    ]
    .concat();
    assert_old_or_new("--prune", b, &prune);
    let sweep = [&env[..], &dense[..], &["--sweep", "0.7,0.8,0.9"]].concat();
    assert_old_or_new("--sweep", b, &sweep);
    assert_old_or_new("--falsify", b, &falsify("2"));
    // Against the failures of seed 2, refinement restores other weights.
    let b2 = copy(b);
    run(b2.path(), &falsify("2"));
    assert_old_or_new("--refine", b2.path(), &refine);
    // The same command again rewrites the same bytes: any torn file would show.
    assert_old_or_new("--visualize", b, &visualize);
    assert_old_or_new("--display", b, &display);
}

/// Training saves every iteration: killed at any write or rename, the actor, critic and checkpoint
/// on disk are whole files (they load, and the log holds the checkpoint's iteration), and `--resume`
/// goes on from them.
#[test]
fn a_killed_training_leaves_whole_files_that_resume() {
    let dir = common::workdir_settings(
        "CartPole-v1:\n  timesteps_per_batch: 128\n  n_envs: 2\n  minibatch_size: 64\n  \
         save_freq: 1\n",
    );
    let train = [
        "--train",
        "--env",
        "CartPole-v1",
        "--iterations",
        "3",
        "--no-tensorboard",
    ];
    let mut resumed = 0;
    let kills = kill_everywhere(dir.path(), &train, |d, when| {
        let p = |f: &str| d.join(f);
        if !p("Policies/ppo_checkpointCartPole-v1.json").exists() {
            return;
        }
        Actor::load(&p("Policies/ppo_actorCartPole-v1.pth")).unwrap();
        Actor::load(&p("Policies/ppo_criticCartPole-v1.pth")).unwrap();
        let ckpt: serde_json::Value = serde_json::from_slice(
            &std::fs::read(p("Policies/ppo_checkpointCartPole-v1.json")).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{when}: the checkpoint is torn: {e}"));
        let it = ckpt["iteration"].as_u64().unwrap();
        let log = std::fs::read_to_string(p("Graph/train_CartPole-v1.csv")).unwrap();
        assert!(
            log.lines().count() as u64 > it,
            "{when}: the log lacks the checkpoint's iteration {it}"
        );
        let o = common::run_bin(
            d,
            &[
                "--train",
                "--env",
                "CartPole-v1",
                "--resume",
                "--iterations",
                "4",
                "--no-tensorboard",
            ],
        );
        common::assert_ok(&o);
        let log = std::fs::read_to_string(p("Graph/train_CartPole-v1.csv")).unwrap();
        let width = log.lines().next().unwrap().split(',').count();
        assert_eq!(log.lines().count(), 5, "{when}: the header and 4 rows");
        assert!(log.lines().all(|l| l.split(',').count() == width), "{when}");
        resumed += 1;
    });
    assert!(
        resumed >= 3,
        "only {resumed} of {kills} kills came after the first save"
    );
}
