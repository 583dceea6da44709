//! The command line as a user meets it: the real binary, real files, real exit codes.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_refused, file_names as listing, run_bin, run_oracle, shipped, stderr, stdout};

/// A PyTorch-saved CartPole actor (the shipped one, 4→128→128→2) copied into `dir`.
fn cartpole_actor(dir: &Path) -> PathBuf {
    let path = dir.join("actor.pth");
    std::fs::copy(shipped("bc_actorCartPole-v1.pth"), &path).unwrap();
    path
}

/// `--test` of `actor` on CartPole-v1, then `extra`.
fn test_args<'a>(actor: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    [&["--test", "--env", "CartPole-v1", "--actor", actor], extra].concat()
}

#[test]
fn help_explains_every_flag_with_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(dir.path(), &["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    for flag in [
        "--env",
        "--actor",
        "--critic",
        "--train",
        "--test",
        "--prune",
        "--k",
        "--falsify",
        "--refine",
        "--visualize",
        "--display",
        "--isdiscrete",
        "--episodes",
        "--seed",
        "--hyperparameters",
        "--device",
        "--csv",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
    for default in [
        "[default: LunarLanderContinuous-v2]",
        "[default: 0.7]",
        "[default: 100]",
        "[default: 0]",
        "[default: auto]",
        "[default: hyperparameters.yml",
        "[default: Policies/ppo_actor<ENV>.pth]",
    ] {
        assert!(help.contains(default), "--help lacks {default}");
    }
}

#[test]
fn no_stage_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(&run_bin(dir.path(), &[]), 2, "no stage given");
}

#[test]
fn refine_and_display_without_their_inputs_fail_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let actor = cartpole_actor(dir.path());
    let actor = actor.to_str().unwrap();
    let rounds = |n| {
        [
            "--refine",
            "--pruned",
            actor,
            "--failures",
            "f.csv",
            "--refine-rounds",
            n,
        ]
    };
    let cases: [(&[&str], &str); 5] = [
        (&["--refine"], "--refine needs the pruned actor"),
        (
            &["--refine", "--pruned", actor],
            "--refine needs counterexamples",
        ),
        (&["--display"], "--display needs counterexamples"),
        (&rounds("0"), "--refine-rounds takes a positive integer"),
        (&rounds("2"), "give it with --refine --falsify"),
    ];
    for (extra, needle) in cases {
        let o = run_bin(dir.path(), &test_args(actor, extra));
        assert_refused(&o, 2, needle);
        // --test comes first in pipeline order, but nothing ran.
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
}

#[test]
fn unknown_environment_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(dir.path(), &["--test", "--env", "CartPole-v9"]);
    assert_refused(&o, 1, "unknown environment `CartPole-v9`");
    assert!(stderr(&o).contains("CartPole-v1") && stderr(&o).contains("Pendulum-v1"));
}

#[test]
fn the_default_actor_path_follows_pruver() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(dir.path(), &["--test", "--env", "CartPole-v1"]);
    assert_refused(&o, 1, "Policies/ppo_actorCartPole-v1.pth");
}

#[test]
fn bad_arguments_are_refused_by_the_parser() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--test", "--k", "many"][..],
        &["--test", "--episodes", "-3"],
        &["--test", "--device", "tpu"],
        &["--test", "--frobnicate"],
    ] {
        let o = run_bin(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

#[test]
fn bad_actor_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_oracle("torch_actors.py", &["make-bad", d.to_str().unwrap()]);
    let good = std::fs::read(cartpole_actor(d)).unwrap();
    std::fs::write(d.join("truncated.pth"), &good[..good.len() / 2]).unwrap();
    std::fs::write(d.join("empty.pth"), b"").unwrap();
    std::fs::write(d.join("text.pth"), b"layer1.weight = [1, 2, 3]\n").unwrap();
    let cases = [
        ("truncated.pth", "not a readable PyTorch state_dict"),
        ("empty.pth", "not a readable PyTorch state_dict"),
        ("text.pth", "not a readable PyTorch state_dict"),
        ("wrong_keys.pth", "unexpected key `fc1.weight`"),
        ("missing_layer.pth", "layer2"),
        ("nan_weights.pth", "non-finite"),
        ("wrong_obs_size.pth", "maps 5 inputs to 2 outputs"),
        ("not_a_state_dict.pth", "not a readable PyTorch state_dict"),
        ("does_not_exist.pth", "does_not_exist.pth"),
    ];
    for (file, needle) in cases {
        let o = run_bin(d, &test_args(file, &["--episodes", "2"]));
        assert_refused(&o, 1, needle);
        assert!(stderr(&o).contains(file), "{file}: {}", stderr(&o));
    }
}

#[test]
fn isdiscrete_is_checked_against_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(
        dir.path(),
        &["--test", "--env", "Pendulum-v1", "--isdiscrete"],
    );
    assert_refused(
        &o,
        1,
        "--isdiscrete was given, but Pendulum-v1 has a continuous",
    );
}

#[test]
fn device_cuda_works_or_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    // --device is where libtorch computes: PPO training uses it.
    let run = |device| {
        let args = [
            "--train",
            "--env",
            "CartPole-v1",
            "--iterations",
            "1",
            "--device",
            device,
        ];
        run_bin(dir.path(), &args)
    };
    let cpu = run("cpu");
    assert!(cpu.status.success(), "{}", stderr(&cpu));
    assert!(stdout(&cpu).contains("libtorch device Cpu"));
    let cuda = run("cuda");
    // What the program sees: libtorch's CUDA library loaded as --device cuda loads it.
    synapt_safety::device::load_cuda();
    if tch::Cuda::is_available() {
        assert!(cuda.status.success(), "{}", stderr(&cuda));
        assert!(stdout(&cuda).contains("libtorch device Cuda(0)"));
    } else {
        assert_refused(&cuda, 1, "libtorch sees no CUDA GPU");
    }
}

#[test]
fn a_broken_hyperparameters_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let actor = cartpole_actor(dir.path());
    let yml = dir.path().join("h.yml");
    std::fs::write(&yml, "CartPole-v1:\n  learning_rate: 3\n").unwrap();
    let o = run_bin(
        dir.path(),
        &test_args(actor.to_str().unwrap(), &["--hyperparameters", "h.yml"]),
    );
    assert_refused(&o, 1, "unknown field `learning_rate`");
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "CartPole-v1",
            "--hyperparameters",
            "nope.yml",
        ],
    );
    assert_refused(&o, 1, "nope.yml");
}

#[test]
fn test_prints_episodes_and_summary_and_writes_a_reproducible_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let actor = cartpole_actor(d);
    let run = |csv: &str| {
        run_bin(
            d,
            &test_args(
                actor.to_str().unwrap(),
                &["--episodes", "7", "--seed", "40", "--csv", csv],
            ),
        )
    };
    let o = run("out/a.csv");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("episode") && out.contains("mean ± std"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().take(2).eq(["6", "46"])),
        "the last episode is number 6, seeded 46:\n{out}"
    );
    let a = std::fs::read_to_string(d.join("out/a.csv")).unwrap();
    assert_eq!(a.lines().count(), 8);
    assert!(a.starts_with("episode,seed,return,length,terminated,truncated\n0,40,"));
    // The same command gives the same bytes.
    assert!(run("out/b.csv").status.success());
    assert_eq!(a, std::fs::read_to_string(d.join("out/b.csv")).unwrap());
    assert_eq!(listing(&d.join("out")), ["a.csv", "b.csv"]);
}

#[test]
fn an_unwritable_csv_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let actor = cartpole_actor(d);
    std::fs::create_dir(d.join("taken.csv")).unwrap();
    let before = listing(d);
    let o = run_bin(
        d,
        &test_args(
            actor.to_str().unwrap(),
            &["--episodes", "2", "--csv", "taken.csv"],
        ),
    );
    assert_refused(&o, 1, "taken.csv");
    assert_eq!(listing(d), before);
    assert!(listing(&d.join("taken.csv")).is_empty());
}

/// No output of a command is one of its inputs, or another of its outputs, by any path: refused before
/// anything runs, and the input is untouched.
#[test]
fn an_output_over_an_input_or_another_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let actor = cartpole_actor(d);
    let a = actor.to_str().unwrap();
    let before = std::fs::read(&actor).unwrap();
    std::os::unix::fs::symlink(&actor, d.join("link.pth")).unwrap();
    std::fs::write(d.join("f.csv"), "x\n").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--test", "--actor", a, "--csv", a], "--csv"),
        (vec!["--test", "--actor", a, "--csv", "link.pth"], "--csv"),
        (
            vec![
                "--refine",
                "--actor",
                a,
                "--pruned",
                "f.csv",
                "--failures",
                "f.csv",
                "--refined",
                "f.csv",
            ],
            "--refined",
        ),
        (
            vec![
                "--test",
                "--actor",
                a,
                "--report",
                "f.csv",
                "--failures",
                "f.csv",
            ],
            "--report",
        ),
    ];
    for (args, needle) in cases {
        let mut full = vec!["--env", "CartPole-v1"];
        full.extend(args);
        let o = run_bin(d, &full);
        assert_refused(&o, 2, needle);
        assert!(
            stderr(&o).contains("a command never writes over what it reads"),
            "{}",
            stderr(&o)
        );
    }
    // --train writes the actor, the critic and the checkpoint: three files, not one.
    let o = run_bin(
        d,
        &[
            "--train",
            "--env",
            "CartPole-v1",
            "--actor",
            "t.pth",
            "--critic",
            "t.pth",
        ],
    );
    assert_refused(&o, 2, "--actor and --critic name one file");
    let o = run_bin(
        d,
        &[
            "--train",
            "--env",
            "CartPole-v1",
            "--actor",
            "t.pth",
            "--checkpoint",
            "./t.pth",
        ],
    );
    assert_refused(&o, 2, "--actor and --checkpoint name one file");
    assert_eq!(std::fs::read(&actor).unwrap(), before);
    assert!(!d.join("t.pth").exists());
}
