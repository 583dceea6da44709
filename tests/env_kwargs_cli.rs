//! Environments with keyword arguments (`--env ID:key=value,...`) through the real binary.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, run_bin, stdout};

fn shipped(name: &str) -> String {
    common::shipped(name).to_string_lossy().into_owned()
}

/// `--test` of `actor` on `env`, its per-episode CSV's rows (episode, seed, return, length, ...).
fn test_rows(dir: &Path, env: &str, actor: &str, episodes: &str) -> (String, Vec<Vec<String>>) {
    let csv = dir.join(format!("{}.csv", env.replace([':', ',', '='], "_")));
    let o = run_bin(
        dir,
        &[
            "--test",
            "--env",
            env,
            "--actor",
            actor,
            "--episodes",
            episodes,
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    assert_ok(&o);
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (stdout(&o), rows)
}

#[test]
fn a_shorter_time_limit_truncates_every_episode() {
    let dir = tempfile::tempdir().unwrap();
    let actor = shipped("bc_actorCartPole-v1.pth");
    let (out, rows) = test_rows(dir.path(), "CartPole-v1:max_episode_steps=50", &actor, "4");
    assert!(
        out.contains("env CartPole-v1:max_episode_steps=50"),
        "{out}"
    );
    assert_eq!(rows.len(), 4);
    for r in &rows {
        let length: usize = r[3].parse().unwrap();
        assert!(length <= 50, "{r:?}");
    }
    // The shipped actor balances: each episode runs into the limit.
    assert!(
        rows.iter().all(|r| r[3] == "50" && r[5] == "true"),
        "{rows:?}"
    );
    // At its default the keyword argument changes nothing.
    let (_, rows) = test_rows(dir.path(), "CartPole-v1:max_episode_steps=500", &actor, "1");
    let (_, plain) = test_rows(dir.path(), "CartPole-v1", &actor, "1");
    assert_eq!(rows, plain);
}

#[test]
fn the_swingup_with_rail_2_is_the_long_rail() {
    let dir = tempfile::tempdir().unwrap();
    let actor = shipped("ppo_actorInvertedPendulumSwingupLongRailBulletEnv-v0.pth");
    let (_, by_kwarg) = test_rows(
        dir.path(),
        "InvertedPendulumSwingupBulletEnv-v0:rail=2",
        &actor,
        "2",
    );
    let (_, by_id) = test_rows(
        dir.path(),
        "InvertedPendulumSwingupLongRailBulletEnv-v0",
        &actor,
        "2",
    );
    assert_eq!(by_kwarg, by_id);
}

#[test]
fn bad_keyword_arguments_are_refused_with_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let actor = shipped("bc_actorCartPole-v1.pth");
    for (env, needle) in [
        (
            "CartPole-v1:max_episode_step=50",
            "CartPole-v1 takes no keyword argument `max_episode_step`",
        ),
        (
            "CartPole-v1:max_episode_steps=0",
            "max_episode_steps=0 is not valid; max_episode_steps takes a positive integer",
        ),
        (
            "CartPole-v1:max_episode_steps=fifty",
            "max_episode_steps=fifty is not valid",
        ),
        ("CartPole-v1:", "nothing after `:`"),
        ("CartPole-v1:max_episode_steps", "is not key=value"),
        (
            "CartPole-v1:max_episode_steps=5,max_episode_steps=6",
            "given twice",
        ),
        (
            "CartPol-v1:max_episode_steps=5",
            "unknown environment `CartPol-v1`",
        ),
    ] {
        let o = run_bin(dir.path(), &["--test", "--env", env, "--actor", &actor]);
        assert_refused(&o, 1, needle);
    }
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "LunarLander-v3:gravity=-5",
            "--actor",
            &actor,
        ],
    );
    assert_refused(&o, 1, "continuous=false");
    assert!(common::stderr(&o).contains("max_episode_steps=1000"));
}

#[test]
fn list_envs_shows_the_keyword_arguments_and_their_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(dir.path(), &["--list-envs"]);
    assert_ok(&o);
    let out = stdout(&o);
    for needle in [
        "InvertedPendulumSwingupBulletEnv-v0:key=value",
        "rail=1 ",
        "rail=2 ",
        "continuous=false",
        "continuous=true",
        "hardcore=true",
        "g=10 ",
        "max_episode_steps=1600",
    ] {
        assert!(out.contains(needle), "--list-envs lacks {needle}");
    }
}
