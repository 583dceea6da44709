//! AntBulletEnv-v0 on rapier3d: beside pybullet 3.2.7 (the oracle, in the gym-0.18 venv of
//! tests/oracle/legacy_setup.sh), through the real binary, and its bad inputs.

mod common;
mod env_traces;

use common::{assert_ok, assert_refused, run_bin};
use synapt_safety::env;

/// Random-action episodes on each side.
const EPISODES: usize = 10;

#[test]
fn the_ant_falls_and_walks_as_pybullets() {
    let theirs = env_traces::pybullet_json(
        "benches/ant_pybullet.py",
        &[EPISODES.to_string(), "300".into()],
    );
    let mut e = env::make("AntBulletEnv-v0").unwrap();
    // Zero action: the legs are not held up (the ankles start outside their limits and nothing
    // pushes them back), so the torso lands on the floor and the episode ends.
    let heights = env_traces::ant_zero_action(e.as_mut(), 300);
    let (steps, z) = (heights.len(), *heights.last().unwrap());
    let their_steps = theirs["zero"]["length"].as_u64().unwrap() as i64;
    assert!(
        (steps as i64 - their_steps).abs() <= 1,
        "{steps} vs {their_steps}"
    );
    let their_z = theirs["zero"]["z_end"].as_f64().unwrap();
    assert!((z - their_z).abs() < 0.01, "{z} vs {their_z}");
    // Random actions: the episodes as long within 25%, and the reward terms per step: alive within
    // 15%, joints at limit 20%, electricity 35% (rapier's joints run faster than Bullet's: docs/ant.md
    // has 100 episodes, alive 6%, electricity 20%, joints at limit 8% per step).
    let mut terms = [0.0; 4];
    let mut n = 0.0;
    for ep in 0..EPISODES as u32 {
        let (_, t, length) = env_traces::ant_random_episode(e.as_mut(), ep);
        for (sum, v) in terms.iter_mut().zip(t) {
            *sum += v;
        }
        n += length as f64;
    }
    let their_n = theirs["length"].as_f64().unwrap() * EPISODES as f64;
    let their_terms: Vec<f64> = theirs["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() * EPISODES as f64 / their_n)
        .collect();
    let rel_n = (n - their_n).abs() / their_n;
    assert!(rel_n < 0.25, "{n} steps vs pybullet's {their_n}");
    for (k, tolerance) in [(0, 0.15), (2, 0.35), (3, 0.2)] {
        let ours = terms[k] / n;
        let rel = (ours - their_terms[k]).abs() / their_terms[k].abs();
        assert!(
            rel < tolerance,
            "term {k}: {ours} a step vs pybullet's {}",
            their_terms[k]
        );
    }
}

#[test]
fn an_evolved_ant_is_tested_pruned_and_falsified() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(
        dir.path(),
        &[
            "--train",
            "--algo",
            "cma",
            "--env",
            "AntBulletEnv-v0",
            "--iterations",
            "1",
            "--test",
            "--episodes",
            "2",
            "--prune",
            "--k",
            "0.5",
            "--falsify",
            "--spec",
            "return_nonnegative",
            "--budget",
            "2",
        ],
    );
    assert_ok(&o);
    assert!(dir
        .path()
        .join("Policies/cma_actorAntBulletEnv-v0.pth")
        .exists());
    assert!(dir
        .path()
        .join("Policies/cma_actorAntBulletEnv-v0_0.5.pth")
        .exists());
    // A damaged morphology is the same id with a keyword argument, through every stage.
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "AntBulletAsymFrontEnv-v0",
            "--actor",
            "Policies/cma_actorAntBulletEnv-v0.pth",
            "--episodes",
            "1",
        ],
    );
    assert_ok(&o);
}

#[test]
fn bad_ant_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let actor = common::shipped("ppo_actorCartPole-v0.pth");
    let actor = actor.to_str().unwrap();
    for (env, needle) in [
        (
            "AntBulletEnv-v0:front_left_foot=2",
            "front_left_foot=2 is not valid; front_left_foot takes a number in [0.05, 1]",
        ),
        (
            "AntBulletEnv-v0:solver_iterations=0",
            "solver_iterations takes a positive integer",
        ),
        (
            "AntBulletEnv-v0:wings=2",
            "takes no keyword argument `wings`",
        ),
    ] {
        let o = run_bin(
            dir.path(),
            &["--test", "--env", env, "--actor", actor, "--episodes", "1"],
        );
        assert_refused(&o, 1, needle);
    }
    // An actor of another shape is named as such.
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "AntBulletEnv-v0",
            "--actor",
            actor,
            "--episodes",
            "1",
        ],
    );
    assert_refused(&o, 1, "but AntBulletEnv-v0 needs 28 inputs");
}

#[test]
fn the_actor_trained_in_pybullet_walks_here() {
    // Policies/sb3_actorAntBulletEnv-v0.pth: SB3 in pybullet 3.2.7 (benches/ant_sb3_pybullet.sh),
    // 2,463.6 there over 100 episodes and 957.8 here (docs/ant.md). A plain state_dict that
    // torch.save wrote, read by our loader.
    let dir = tempfile::tempdir().unwrap();
    let actor = common::shipped("sb3_actorAntBulletEnv-v0.pth");
    let csv = dir.path().join("t.csv");
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "AntBulletEnv-v0",
            "--actor",
            actor.to_str().unwrap(),
            "--episodes",
            "3",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    assert_ok(&o);
    let text = std::fs::read_to_string(&csv).unwrap();
    let returns = common::csv_column(&text, 2);
    let lengths = common::csv_column(&text, 3);
    assert_eq!(returns.len(), 3);
    assert!(returns.iter().all(|r| *r > 700.0), "{returns:?}");
    assert!(lengths.iter().all(|l| *l == 1000.0), "{lengths:?}");
}
