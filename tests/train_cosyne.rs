//! `--train --algo cosyne`: the paper's CoSyNE solves the single pole and its champion balances for
//! 100,000 steps; runs are the same bytes for any thread count and across a resume (both variants);
//! a recurrent champion goes through the safety pipeline with its state; bad settings are refused with
//! their name.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, run_bin, stdout};
use synapt_safety::env;
use synapt_safety::policy::{Activation, Actor, Dtype, Head, Linear};
use synapt_safety::rollout;

fn workdir(hyperparameters: &str) -> tempfile::TempDir {
    common::workdir_settings(hyperparameters)
}

fn train(dir: &Path, env: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--train", "--algo", "cosyne", "--env", env];
    args.extend(extra);
    run_bin(dir, &args)
}

use common::read;

/// The log without its last column (wall time, the one value a clock decides).
fn log_without_wall(dir: &Path, env: &str) -> String {
    common::log_without_wall(dir, &format!("Graph/train_cosyne_{env}.csv"))
}

/// The checkpoint without its wall time.
fn checkpoint_without_wall(dir: &Path, env: &str) -> serde_json::Value {
    common::checkpoint_without_wall(dir, &format!("Policies/cosyne_checkpoint{env}.json"))
}

#[test]
fn the_paper_variant_solves_the_single_pole_and_its_champion_balances() {
    let dir = workdir("SinglePole-v0:\n  cosyne: {subpopulation: 20, hidden: 1}\n");
    let o = train(dir.path(), "SinglePole-v0", &["--seed", "1"]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("solved at evaluation"), "{out}");
    let log = String::from_utf8(read(dir.path(), "Graph/train_cosyne_SinglePole-v0.csv")).unwrap();
    let last: Vec<&str> = log.lines().last().unwrap().split(',').collect();
    let at: u64 = last[9]
        .parse()
        .expect("the last row says where it was solved");
    assert!(at > 0 && at <= last[1].parse::<u64>().unwrap(), "{log}");
    // The champion, as any stage reads it, balances the pole for the benchmark's 100,000 steps.
    let actor = Actor::load(&dir.path().join("Policies/cosyne_actorSinglePole-v0.pth")).unwrap();
    assert_eq!(actor.shape_string(), "4→1→1");
    let mut e = env::make("SinglePole-v0").unwrap();
    let ep = rollout::run_episode(e.as_mut(), &actor, 0, usize::MAX);
    assert_eq!((ep.length, ep.terminated), (100_000, false), "{ep:?}");
    // --test says the same.
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "cosyne",
            "--env",
            "SinglePole-v0",
            "--test",
            "--episodes",
            "1",
        ],
    );
    assert_ok(&o);
    assert!(stdout(&o).contains("100000.000"), "{}", stdout(&o));
}

/// Both variants: 1 thread straight through, and 2 threads stopped and resumed, write the same bytes.
#[test]
fn runs_are_the_same_bytes_for_any_thread_count_and_across_a_resume() {
    let settings = "DoublePoleNoVel-v0:\n  cosyne: {subpopulation: 8, hidden: 2, recurrent: true, \
                    save_freq: 2, init_range: 1}\n\
                    MountainCarContinuous-v0:\n  cosyne: {variant: repo, save_freq: 2}\n";
    for env in ["DoublePoleNoVel-v0", "MountainCarContinuous-v0"] {
        let straight = workdir(settings);
        assert_ok(&train(
            straight.path(),
            env,
            &["--iterations", "6", "--threads", "1", "--seed", "3"],
        ));
        let resumed = workdir(settings);
        assert_ok(&train(
            resumed.path(),
            env,
            &["--iterations", "3", "--threads", "2", "--seed", "3"],
        ));
        assert_ok(&train(
            resumed.path(),
            env,
            &["--iterations", "6", "--threads", "2", "--resume"],
        ));
        for f in [
            format!("Policies/cosyne_actor{env}.pth"),
            format!("Policies/cosyne_actor{env}.arch.json"),
        ] {
            assert_eq!(
                read(straight.path(), &f),
                read(resumed.path(), &f),
                "{env}: {f}"
            );
        }
        let (a, b) = (
            checkpoint_without_wall(straight.path(), env),
            checkpoint_without_wall(resumed.path(), env),
        );
        for (key, value) in a.as_object().unwrap() {
            assert!(b[key] == *value, "{env}: the checkpoints' `{key}` differ");
        }
        let log = log_without_wall(straight.path(), env);
        assert_eq!(log, log_without_wall(resumed.path(), env), "{env}");
        assert_eq!(log.lines().count(), 7, "{log}");
        let state = checkpoint_without_wall(straight.path(), env);
        assert_eq!(state["generation"], 6, "{env}");
        // Another seed is another run.
        let other = workdir(settings);
        assert_ok(&train(
            other.path(),
            env,
            &["--iterations", "2", "--threads", "1", "--seed", "4"],
        ));
        assert_ne!(
            checkpoint_without_wall(other.path(), env)["population"],
            state["population"]
        );
    }
}

/// An Elman champion on the non-Markov single pole: every stage takes it, its recurrent weights stay
/// in the pruned and refined files, and --visualize draws them.
#[test]
fn a_recurrent_champion_goes_through_the_safety_pipeline() {
    let env = "SinglePoleNoVel-v0";
    let dir = workdir(
        "SinglePoleNoVel-v0:\n  cosyne: {subpopulation: 20, hidden: 2, recurrent: true, \
         offspring: 10, init_range: 1}\n",
    );
    assert_ok(&train(
        dir.path(),
        env,
        &["--iterations", "30", "--seed", "2"],
    ));
    let actor = Actor::load(&dir.path().join(format!("Policies/cosyne_actor{env}.pth"))).unwrap();
    assert!(actor.is_recurrent(), "{}", actor.shape_string());
    let arch = String::from_utf8(read(
        dir.path(),
        &format!("Policies/cosyne_actor{env}.arch.json"),
    ))
    .unwrap();
    assert!(arch.contains("\"recurrent\": true"), "{arch}");
    // The state matters: the same weights without it act otherwise.
    let mut plain = actor.clone();
    plain.recurrent = None;
    let mut e = env::make(env).unwrap();
    let with = rollout::run_episode(e.as_mut(), &actor, 0, 5000);
    let without = rollout::run_episode(e.as_mut(), &plain, 0, 5000);
    assert_ne!(with.length, without.length);

    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "cosyne",
            "--env",
            env,
            "--test",
            "--prune",
            "--k",
            "0.3",
            "--falsify",
            "--refine",
            "--spec",
            "on_track",
            "--budget",
            "20",
            "--episodes",
            "2",
            "--visualize",
        ],
    );
    let out = stdout(&o);
    assert!(
        o.status.success() || common::stderr(&o).contains("still fail"),
        "{out}\n{}",
        common::stderr(&o)
    );
    let pruned = Actor::load(
        &dir.path()
            .join(format!("Policies/cosyne_actor{env}_0.3.pth")),
    )
    .unwrap();
    assert_eq!(
        pruned.recurrent, actor.recurrent,
        "pruning keeps the context weights"
    );
    assert!(
        dir.path()
            .join(format!("Graph/cosyne_actor{env}_recurrent1_heatmap.png"))
            .exists(),
        "{out}"
    );

    // Starts near the benchmark's, where the dense actor balances and the pruned one does not: the
    // failures replay bit for bit (refinement checks that first), recovery states are searched with
    // the dense actor's state warmed over each prefix, and dense weights come back by gradient rank.
    let settings = "SinglePoleNoVel-v0:\n  perturbations: {x: [-0.2, 0.2], x_dot: [-0.1, 0.1], \
                    theta: [-0.03, 0.03], theta_dot: [-0.03, 0.03]}\n";
    std::fs::write(dir.path().join("hyperparameters.yml"), settings).unwrap();
    let pruned_path = format!("Policies/cosyne_actor{env}_0.3.pth");
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "cosyne",
            "--env",
            env,
            "--pruned",
            &pruned_path,
            "--falsify",
            "--refine",
            "--spec",
            "balance_1000",
            "--budget",
            "20",
        ],
    );
    let out = stdout(&o);
    assert!(!common::stderr(&o).contains("do not replay"), "{out}");
    let refined = Actor::load(
        &dir.path()
            .join(format!("Policies/cosyne_actor_refined{env}.pth")),
    )
    .unwrap();
    assert_eq!(refined.recurrent, actor.recurrent, "{out}");
    let nonzero = |a: &Actor| -> usize {
        a.layers
            .iter()
            .map(|l| l.weight.iter().filter(|w| **w != 0.0).count())
            .sum()
    };
    assert!(nonzero(&refined) > nonzero(&pruned), "{out}");
}

#[test]
fn bad_settings_are_refused_with_their_name() {
    let cases: [(&str, &str, &str); 9] = [
        (
            "SinglePole-v0",
            "{hidden: 100000}",
            "cosyne → hidden: a width of 100000; at most 65536",
        ),
        (
            "SinglePole-v0",
            "{subpopulation: 100000, hidden: 3000}",
            "cosyne → subpopulation: the population would hold 100000 ×",
        ),
        (
            "SinglePole-v0",
            "{subpopulation: 0}",
            "cosyne → subpopulation: 0 networks",
        ),
        (
            "SinglePole-v0",
            "{hidden: 0}",
            "cosyne → hidden: needs at least one",
        ),
        (
            "SinglePole-v0",
            "{output_bias: true}",
            "the output biases' segment holds 1 weight; one-point crossover",
        ),
        ("SinglePole-v0", "{offspring: 20}", "cosyne → offspring: 20"),
        (
            "SinglePole-v0",
            "{subpopulaton: 8}",
            "unknown key `subpopulaton`",
        ),
        (
            "SinglePole-v0",
            "{variant: best}",
            "expected `paper` or `repo`",
        ),
        (
            "MountainCarContinuous-v0",
            "{fitness: damping}",
            "`fitness: damping` is Gruau's fitness for the pole-balancing tasks",
        ),
    ];
    for (env, settings, want) in cases {
        let dir = workdir(&format!("{env}:\n  cosyne: {settings}\n"));
        let o = train(dir.path(), env, &["--iterations", "2"]);
        assert_refused(&o, 1, want);
        assert!(
            !dir.path().join("Policies").exists()
                || std::fs::read_dir(dir.path().join("Policies"))
                    .unwrap()
                    .count()
                    == 0,
            "{settings}: nothing written"
        );
    }
}

/// The one refusal recurrence brings: refining an Elman actor against a feed-forward one (or the
/// reverse), which are not the same network.
#[test]
fn refining_a_recurrent_actor_against_a_feed_forward_one_is_refused() {
    let dir = workdir("");
    let linear = |i: usize, o: usize| Linear {
        in_features: i,
        out_features: o,
        weight: (0..i * o).map(|k| 0.3 - 0.1 * k as f64).collect(),
        bias: None,
    };
    let mut rec = Actor::new(vec![linear(2, 2), linear(2, 1)], Dtype::F32);
    rec.activations = vec![Activation::Tanh];
    rec.head = Head::Tanh;
    rec.recurrent = Some(vec![0.5, -0.25, 0.125, 0.75]);
    let mut ff = rec.clone();
    ff.recurrent = None;
    rec.save(&dir.path().join("rec.pth")).unwrap();
    ff.save(&dir.path().join("ff.pth")).unwrap();
    for (dense, pruned) in [("rec.pth", "ff.pth"), ("ff.pth", "rec.pth")] {
        let o = run_bin(
            dir.path(),
            &[
                "--env",
                "SinglePoleNoVel-v0",
                "--actor",
                dense,
                "--pruned",
                pruned,
                "--refine",
                "--failures",
                "none.csv",
            ],
        );
        assert_refused(&o, 1, "2→2↺→1");
        assert!(common::stderr(&o).contains("recurrent (↺) or not"));
        assert!(!dir.path().join("Policies").exists(), "nothing written");
    }
}
