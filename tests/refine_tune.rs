//! `--refine-strategy tune` (ours) against PruVer's on PruVer's own experiment, from the authors'
//! dense LunarLander actor (tests/authors-actors, MIT); `--calibrate-box`; and the exit code of a
//! refinement that cannot fix every failure.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, root, run_bin, stdout};
use synapt_safety::policy::Actor;

const ENV: &str = "LunarLanderContinuous-v2";
const DENSE: &str = "Policies/ppo_actorLunarLanderContinuous-v2.pth";
const PRUNED: &str = "Policies/ppo_actorLunarLanderContinuous-v2_0.7.pth";
const REFINED: &str = "Policies/ppo_actor_refinedLunarLanderContinuous-v2.pth";

/// A working directory holding the authors' dense LunarLander actor as `DENSE`.
fn authors_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("Policies")).unwrap();
    std::fs::copy(
        root().join("tests/authors-actors/ppo_actorLunarLanderContinuous-v2.pth"),
        d.path().join(DENSE),
    )
    .unwrap();
    d
}

/// PruVer's experiment: prune at 0.7, 100 random-testing episodes (return < 0 fails), refine, and
/// re-falsify the refined actor with a new seed.
fn pruver_experiment(dir: &Path, strategy: &str, threads: &str) -> String {
    let o = run_bin(
        dir,
        &[
            "--env",
            ENV,
            "--actor",
            DENSE,
            "--prune",
            "--k",
            "0.7",
            "--falsify",
            "--refine",
            "--falsify-method",
            "test",
            "--spec",
            "return_nonnegative",
            "--budget",
            "95",
            "--seed",
            "1",
            "--episodes",
            "10",
            "--refine-strategy",
            strategy,
            "--threads",
            threads,
        ],
    );
    assert_ok(&o);
    stdout(&o)
}

/// The cells of the rounds table's first row.
fn round1(out: &str) -> Vec<String> {
    out.lines()
        .skip_while(|l| !(l.starts_with("round  failures") && l.ends_with("(re-falsify)")))
        .nth(2)
        .unwrap_or_else(|| panic!("no rounds table: {out}"))
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn tune_fixes_pruvers_experiment_at_the_pruned_sparsity_and_reproduces() {
    let d = authors_dir();
    let out = pruver_experiment(d.path(), "tune", "2");
    assert!(out.contains("strategy tune"), "{out}");
    // Round 1: 12 failures, all fixed, nothing restored, 70.0% sparse, a fresh campaign finds none.
    let row = round1(&out);
    assert_eq!(
        row,
        ["1", "12", "12/12", "0", "70.0%", &row[5], "0"],
        "{out}"
    );
    let pruned = Actor::load(&d.path().join(PRUNED)).unwrap();
    let refined = Actor::load(&d.path().join(REFINED)).unwrap();
    // The mask is kept: every weight pruned stays exactly zero; the kept weights were trained.
    let mut changed = 0;
    for (p, r) in pruned.layers.iter().zip(&refined.layers) {
        for (a, b) in p.weight.iter().zip(&r.weight) {
            if *a == 0.0 {
                assert_eq!(*b, 0.0);
            }
            changed += usize::from(a != b);
        }
    }
    assert!(changed > 500, "{changed} weights changed");
    // The same seed gives the same file, whatever the thread count.
    let first = std::fs::read(d.path().join(REFINED)).unwrap();
    let again = authors_dir();
    pruver_experiment(again.path(), "tune", "1");
    assert_eq!(first, std::fs::read(again.path().join(REFINED)).unwrap());
    // The refined actor is a PyTorch state_dict PyTorch evaluates as we do (3 Gymnasium episodes).
    let ours = run_bin(
        d.path(),
        &[
            "--test",
            "--env",
            ENV,
            "--actor",
            REFINED,
            "--episodes",
            "3",
            "--seed",
            "1000",
        ],
    );
    assert_ok(&ours);
    let theirs = common::run_oracle(
        "torch_actors.py",
        &[
            "evaluate",
            "LunarLanderContinuous-v3",
            d.path().join(REFINED).to_str().unwrap(),
            "--episodes",
            "3",
            "--seed",
            "1000",
        ],
    );
    let theirs: serde_json::Value = serde_json::from_str(&theirs).unwrap();
    let text = stdout(&ours);
    for e in theirs.as_array().unwrap() {
        let seed = e["seed"].as_u64().unwrap();
        let ret = e["return"].as_f64().unwrap();
        let line = text
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(&seed.to_string()))
            .unwrap_or_else(|| panic!("no episode {seed}: {text}"));
        let ours: f64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!((ours - ret).abs() < 0.01, "seed {seed}: {ours} vs {ret}");
    }
}

#[test]
fn pruvers_strategy_still_restores_as_pruver_does() {
    let d = authors_dir();
    let out = pruver_experiment(d.path(), "pruver", "2");
    assert!(out.contains("strategy pruver"), "{out}");
    // Every failure fixed by restoring dense weights only: 651 of them, 56.3% sparse.
    let row = round1(&out);
    assert_eq!(&row[..5], ["1", "12", "12/12", "651", "56.3%"], "{out}");
    let pruned = Actor::load(&d.path().join(PRUNED)).unwrap();
    let dense = Actor::load(&d.path().join(DENSE)).unwrap();
    let refined = Actor::load(&d.path().join(REFINED)).unwrap();
    for ((p, r), w) in pruned.layers.iter().zip(&refined.layers).zip(&dense.layers) {
        for ((a, b), c) in p.weight.iter().zip(&r.weight).zip(&w.weight) {
            assert!(b == a || b == c, "a weight neither kept nor restored");
        }
    }
}

#[test]
fn calibrate_box_shrinks_the_box_until_the_dense_actor_is_safe() {
    let d = authors_dir();
    // PruVer's predecessor's box, wider than ours: x ±2, y [−3, 0], vx ±2, vy [−2, 1], angle ±0.3.
    std::fs::write(
        d.path().join("hyperparameters.yml"),
        "LunarLanderContinuous-v2:\n  perturbations: {x: [-2, 2], y: [-3, 0], vx: [-2, 2], \
         vy: [-2, 1], angle: [-0.3, 0.3]}\n",
    )
    .unwrap();
    let o = run_bin(
        d.path(),
        &[
            "--env",
            ENV,
            "--actor",
            DENSE,
            "--calibrate-box",
            "--falsify",
            "--spec",
            "flags",
            "--falsify-method",
            "random",
            "--budget",
            "200",
            "--seed",
            "1",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    // The full box fails the dense actor; bisection finds a safe scale below 1.
    let trials: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("scale"))
        .skip(2)
        .take_while(|l| !l.starts_with("calibrated"))
        .collect();
    assert_eq!(trials.len(), 7, "{out}");
    assert!(trials[0].contains("fails"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("calibrated box (scale "))
        .unwrap_or_else(|| panic!("{out}"));
    let scale: f64 = line["calibrated box (scale ".len()..]
        .split(')')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(scale > 0.0 && scale < 1.0, "{line}");
    assert!(
        trials
            .iter()
            .any(|t| t.trim_start().starts_with(&format!("{scale} ")) && t.contains("safe")),
        "{out}"
    );
    // The campaign searches the calibrated box, with the same seed: the dense actor has no failure.
    let x = 2.0 * scale;
    assert!(
        out.contains(&format!("perturbations: x ∈ [{}, {x}]", -x)),
        "{out}"
    );
    let summary = out
        .lines()
        .find(|l| l.starts_with("random "))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(summary.split_whitespace().nth(2), Some("0"), "{summary}");
}

#[test]
fn calibrate_box_refusals() {
    let d = authors_dir();
    // Random testing searches no box.
    let o = run_bin(
        d.path(),
        &[
            "--env",
            ENV,
            "--actor",
            DENSE,
            "--calibrate-box",
            "--falsify-method",
            "test",
        ],
    );
    assert_refused(&o, 2, "searches none");
    // An actor unsafe even near the nominal start: named, exit 1, nothing written.
    let cart = tempfile::tempdir().unwrap();
    common::ship_actor(
        cart.path(),
        "ppo_actorCartPole-v0.pth",
        "ppo_actorCartPole-v0.pth",
    );
    let o = run_bin(
        cart.path(),
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--calibrate-box",
            "--falsify",
            "--specs",
            "strict.yml",
            "--spec",
            "never",
            "--falsify-method",
            "random",
            "--budget",
            "5",
        ],
    );
    assert_refused(&o, 1, "strict.yml");
    std::fs::write(
        cart.path().join("strict.yml"),
        "CartPole-v0:\n  never: always(abs(theta) <= 0.0001)\n",
    )
    .unwrap();
    let o = run_bin(
        cart.path(),
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--calibrate-box",
            "--falsify",
            "--specs",
            "strict.yml",
            "--spec",
            "never",
            "--falsify-method",
            "random",
            "--budget",
            "5",
        ],
    );
    assert_refused(&o, 1, "fails `never` even in the box scaled by 1/64");
    assert!(!cart.path().join("Failure_Trajectories").exists());
}

#[test]
fn a_refinement_that_cannot_fix_every_failure_exits_3_with_its_best_actor() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    common::ship_actor(dir, "ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    // Pruned at 0.99 nearly every unit is dead, so most gradients are zero: PruVer's restoration
    // never reaches those weights and fixes nothing.
    let args = |strategy: &'static str| {
        vec![
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--pruned",
            "Policies/ppo_actorCartPole-v0_0.99.pth",
            "--falsify",
            "--refine",
            "--spec",
            "upright",
            "--falsify-method",
            "random",
            "--budget",
            "10",
            "--seed",
            "1",
            "--episodes",
            "3",
            "--refine-strategy",
            strategy,
        ]
    };
    assert_ok(&run_bin(
        dir,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--prune",
            "--k",
            "0.99",
            "--episodes",
            "1",
        ],
    ));
    let o = run_bin(dir, &args("pruver"));
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    // Progress lines first, then the error, which says what to try next.
    assert!(
        err.contains("\nerror: 15 of 15 failures still fail"),
        "{err}"
    );
    assert!(err.contains("Try --refine-strategy tune"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = stdout(&o);
    assert!(out.contains("still failing (15 of 15"), "{out}");
    assert!(out.contains("refined robustness"), "{out}");
    let refined = dir.join("Policies/ppo_actor_refinedCartPole-v0.pth");
    assert!(Actor::load(&refined).is_ok());
    // Ours trains the weights PruVer cannot reach and fixes all 15.
    std::fs::remove_file(&refined).unwrap();
    let o = run_bin(dir, &args("tune"));
    assert_ok(&o);
    assert_eq!(round1(&stdout(&o))[2], "15/15");
}
