//! `--train --algo hypernca`: CMA-ES on a neural cellular automaton that grows the policy, from the
//! command line. A run is the same bytes (but for wall time) for any thread count and across a resume;
//! the saved actor is exactly the network the saved mean solution grows; the grown actor goes through
//! --test → --prune → --falsify; metamorphosis grows one network per morphology; an exploding NCA stops
//! the run naming the generation and the candidate, with the checkpoint untouched; bad settings are
//! refused with their key.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, checkpoint_without_wall, log_without_wall, read, run_bin};
use synapt_safety::nca::{grown_actor, Nca, NcaSpec};
use synapt_safety::policy::{Actor, Head};

const ACTOR: &str = "Policies/hypernca_actorLunarLander-v2.pth";
const CHECKPOINT: &str = "Policies/hypernca_checkpointLunarLander-v2.json";
const LOG: &str = "Graph/train_hypernca_LunarLander-v2.csv";

/// A small, quick HyperNCA on LunarLander-v2: λ 8, 3 layers, 10 NCA steps.
const SMALL: &str = "LunarLander-v2:\n  hypernca: {popsize: 8, policy_layers: 3, bias: true, \
                     nca_steps: 10, generations: 4, save_freq: 2}\n";

fn workdir(settings: &str) -> tempfile::TempDir {
    common::workdir_settings(settings)
}

fn train(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--train", "--algo", "hypernca", "--env", "LunarLander-v2"];
    args.extend(extra);
    run_bin(dir, &args)
}

#[test]
fn a_run_is_the_same_for_any_thread_count_and_across_a_resume() {
    let (a, b, c) = (workdir(SMALL), workdir(SMALL), workdir(SMALL));
    assert_ok(&train(a.path(), &["--threads", "1"]));
    assert_ok(&train(b.path(), &["--threads", "2"]));
    assert_ok(&train(c.path(), &["--iterations", "2"]));
    let o = train(c.path(), &["--iterations", "4", "--resume"]);
    assert_ok(&o);
    assert!(
        common::stdout(&o).contains("2 → 4"),
        "{}",
        common::stdout(&o)
    );
    for other in [b.path(), c.path()] {
        for f in [ACTOR, "Policies/hypernca_actorLunarLander-v2.arch.json"] {
            assert_eq!(read(a.path(), f), read(other, f), "{f}");
        }
        assert_eq!(
            log_without_wall(a.path(), LOG),
            log_without_wall(other, LOG)
        );
        assert_eq!(
            checkpoint_without_wall(a.path(), CHECKPOINT),
            checkpoint_without_wall(other, CHECKPOINT)
        );
    }
    // Four generations of the authors' two curves.
    let log = String::from_utf8(read(a.path(), LOG)).unwrap();
    assert_eq!(log.lines().count(), 5, "{log}");
    let best = common::csv_column(&log, 3);
    assert!(
        best.windows(2).all(|w| w[1] >= w[0]),
        "best ever must not fall: {best:?}"
    );
}

#[test]
fn the_saved_actor_is_the_network_the_mean_solution_grows() {
    let dir = workdir(SMALL);
    assert_ok(&train(dir.path(), &[]));
    let c: serde_json::Value = serde_json::from_slice(&read(dir.path(), CHECKPOINT)).unwrap();
    let mean = common::json_f64s(&c["mean_solution"]);
    let seed = common::json_f64s(&c["seed_grid"]);
    let spec = NcaSpec {
        channels: 2,
        layers: 3,
        size: 8,
        hidden: 4,
        bias: true,
        reading_channel: 0,
        living_channel: 1,
        living_threshold: 0.0,
        normalise: true,
        replace: false,
        out_rows: 4,
    };
    assert_eq!(mean.len(), 226);
    assert_eq!(seed.len(), 2 * 3 * 64);
    let mut grid = seed.clone();
    Nca::new(&spec, &mean)
        .unwrap()
        .grow(&mut grid, 10, 0, |_, _| {})
        .unwrap();
    let ours = grown_actor(&grid, &spec, Head::Argmax);
    let saved = Actor::load(&dir.path().join(ACTOR)).unwrap();
    assert_eq!(saved, ours);
    assert_eq!(saved.shape_string(), ours.shape_string());
    // Its last layer keeps the 4 action rows; no biases; tanh between layers.
    assert_eq!(saved.sizes(), vec![8, 8, 8, 4]);
    assert!(saved.layers.iter().all(|l| l.bias.is_none()));
}

/// The grown network goes through the same safety pipeline as a pruned PPO actor.
#[test]
fn the_grown_actor_is_tested_pruned_and_falsified() {
    let dir = workdir(SMALL);
    assert_ok(&train(dir.path(), &["--iterations", "2"]));
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "hypernca",
            "--env",
            "LunarLander-v2",
            "--test",
            "--episodes",
            "3",
            "--prune",
            "--k",
            "0.5",
            "--falsify",
            "--budget",
            "30",
        ],
    );
    assert_ok(&o);
    let pruned = Actor::load(
        &dir.path()
            .join("Policies/hypernca_actorLunarLander-v2_0.5.pth"),
    )
    .unwrap();
    assert_eq!(pruned.head, Head::Argmax);
    assert!(pruned.layers.iter().all(|l| l.bias.is_none()));
}

/// Metamorphosis: one NCA grows a network for LunarLander-v2 after 6 steps, then continues 4 more for
/// a lander whose legs are shorter; the fitness is the minimum.
#[test]
fn metamorphosis_grows_on_from_the_first_pattern() {
    let dir = workdir(
        "LunarLander-v2:\n  hypernca: {popsize: 6, policy_layers: 3, nca_steps: 6, generations: 2, \
         morphologies: ['LunarLander-v2:leg_h=4'], metamorphosis_steps: 4, reward_type: min}\n",
    );
    let o = train(dir.path(), &[]);
    assert_ok(&o);
    let out = common::stdout(&o);
    assert!(
        out.contains("metamorphosis: then LunarLander-v2:leg_h=4"),
        "{out}"
    );
    // The saved actor is the first morphology's: grown for 6 steps only.
    let c: serde_json::Value = serde_json::from_slice(&read(dir.path(), CHECKPOINT)).unwrap();
    let spec = NcaSpec {
        channels: 2,
        layers: 3,
        size: 8,
        hidden: 4,
        bias: false,
        reading_channel: 0,
        living_channel: 1,
        living_threshold: 0.0,
        normalise: true,
        replace: false,
        out_rows: 4,
    };
    let nca = Nca::new(&spec, &common::json_f64s(&c["mean_solution"])).unwrap();
    let mut grid = common::json_f64s(&c["seed_grid"]);
    nca.grow(&mut grid, 6, 0, |_, _| {}).unwrap();
    let saved = Actor::load(&dir.path().join(ACTOR)).unwrap();
    assert_eq!(saved, grown_actor(&grid, &spec, Head::Argmax));
}

/// An NCA that explodes stops the run with the generation and the candidate named, exit 1, and the
/// last checkpoint as it was.
#[test]
fn an_exploding_nca_names_its_generation_and_candidate() {
    let dir = workdir(
        "LunarLander-v2:\n  hypernca: {popsize: 4, policy_layers: 3, bias: true, normalise: false, \
         nca_steps: 300, generations: 1, save_freq: 1}\n",
    );
    assert_ok(&train(dir.path(), &[]));
    // Move the search onto parameters that grow the grid by 500 a step: every parameter 100, σ tiny.
    let mut c: serde_json::Value = serde_json::from_slice(&read(dir.path(), CHECKPOINT)).unwrap();
    let n = c["state"]["mean"].as_array().unwrap().len();
    c["state"]["mean"] = serde_json::json!(vec![100.0; n]);
    c["state"]["sigma"] = serde_json::json!(1e-9);
    let text = serde_json::to_vec(&c).unwrap();
    std::fs::write(dir.path().join(CHECKPOINT), &text).unwrap();
    let o = train(dir.path(), &["--resume", "--iterations", "2"]);
    assert_refused(&o, 1, "generation 2, candidate 0: NCA states are exploding");
    assert!(
        common::stderr(&o).contains("explode: worst"),
        "{}",
        common::stderr(&o)
    );
    assert_eq!(
        read(dir.path(), CHECKPOINT),
        text,
        "the checkpoint must stay as it was"
    );
    // `explode: worst` records the worst fitness instead and goes on.
    let h = dir.path().join("h.yml");
    std::fs::write(
        &h,
        "LunarLander-v2:\n  hypernca: {popsize: 4, policy_layers: 3, bias: true, normalise: false, \
         nca_steps: 300, generations: 1, save_freq: 1, explode: worst}\n",
    )
    .unwrap();
    let mut c = c;
    c["config"]["explode"] = serde_json::json!("worst");
    std::fs::write(dir.path().join(CHECKPOINT), serde_json::to_vec(&c).unwrap()).unwrap();
    let o = train(
        dir.path(),
        &[
            "--resume",
            "--iterations",
            "2",
            "--hyperparameters",
            h.to_str().unwrap(),
        ],
    );
    assert_ok(&o);
    let log = String::from_utf8(read(dir.path(), LOG)).unwrap();
    assert_eq!(common::csv_column(&log, 7).last(), Some(&4.0), "{log}");
}

#[test]
fn bad_settings_are_refused_with_their_key() {
    let dir = workdir("");
    let cases: [(&str, &str); 6] = [
        (
            "LunarLander-v2:\n  hypernca: {sigma: 0.3}\n",
            "unknown field `sigma`",
        ),
        (
            "LunarLander-v2:\n  hypernca: {popsize: 1}\n",
            "hypernca → popsize: 1 is below 2",
        ),
        (
            "LunarLander-v2:\n  hypernca: {seed_type: activations}\n",
            "hypernca → seed_type: unknown seed type `activations`",
        ),
        (
            "LunarLander-v2:\n  hypernca: {size_substrate: 12}\n",
            "size_substrate must be 8",
        ),
        (
            "LunarLander-v2:\n  hypernca: {morphologies: [CartPole-v1]}\n",
            "one network serves every morphology",
        ),
        (
            "LunarLander-v2:\n  hypernca: {fitness: best}\n",
            "unknown variant `best`, expected `authors` or `plain`",
        ),
    ];
    for (yaml, needle) in cases {
        let h = dir.path().join("h.yml");
        std::fs::write(&h, yaml).unwrap();
        let o = train(
            dir.path(),
            &[
                "--iterations",
                "1",
                "--hyperparameters",
                h.to_str().unwrap(),
            ],
        );
        assert_refused(&o, 1, needle);
        for sub in ["Policies", "Graph"] {
            let p = dir.path().join(sub);
            let written: Vec<_> = std::fs::read_dir(&p)
                .map(|d| d.flatten().map(|e| e.file_name()).collect())
                .unwrap_or_default();
            assert!(written.is_empty(), "{needle}: wrote {written:?}");
        }
    }
}
