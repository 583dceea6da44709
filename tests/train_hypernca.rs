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
        bias: true,
        ..NcaSpec::new(2, 3, 8, 4, 4)
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
    let spec = NcaSpec::new(2, 3, 8, 4, 4);
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

/// Our run folder in the authors' layout: every stage takes it as `--actor`, it grows the very actor the
/// run saved, NumPy-readable files are there, and `--visualize` draws the growth and the rewards.
#[test]
fn the_run_folder_grows_the_saved_actor_and_is_visualized() {
    let dir = workdir(SMALL);
    assert_ok(&train(dir.path(), &[]));
    let run = dir.path().join("Policies/hypernca_LunarLander-v2");
    let names = common::file_names(&run);
    assert!(names.contains(&"nca_config.yml".to_string()), "{names:?}");
    assert!(
        names.contains(&"['LunarLander-v2']_pop_8_meansolution.npy".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"rewards_best.npy".to_string()), "{names:?}");
    let best: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with("_bestsolution.npy"))
        .collect();
    assert_eq!(
        best.len(),
        1,
        "one best solution, the stale ones removed: {names:?}"
    );
    assert_eq!(
        Actor::load(&run).unwrap(),
        Actor::load(&dir.path().join(ACTOR)).unwrap(),
        "the folder grows the saved actor"
    );
    let o = run_bin(
        dir.path(),
        &[
            "--env",
            "LunarLander-v2",
            "--actor",
            "Policies/hypernca_LunarLander-v2",
            "--test",
            "--episodes",
            "2",
            "--visualize",
        ],
    );
    assert_ok(&o);
    for f in [
        "Graph/hypernca_LunarLander-v2_growth.gif",
        "Graph/hypernca_LunarLander-v2_rewards.png",
        "Graph/hypernca_LunarLander-v2_layer1_heatmap.png",
    ] {
        let bytes = read(dir.path(), f);
        assert!(bytes.len() > 1000, "{f}: {} bytes", bytes.len());
    }
    // 10 NCA steps and the seed: 11 frames.
    let gif = read(dir.path(), "Graph/hypernca_LunarLander-v2_growth.gif");
    let mut decoder = gif::DecodeOptions::new()
        .read_info(std::io::Cursor::new(gif))
        .unwrap();
    let mut frames = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        frames += 1;
    }
    assert_eq!(frames, 11, "frames of the growth GIF");
}

/// The authors' own run folders (written by real PyTorch, NumPy, pickle and PyYAML as `train_NCA.py`
/// writes them, tests/oracle/hypernca_runs.py) go through `--test` and `--visualize`; the best solution
/// can be named directly; a folder whose vector does not fit its NCA is refused naming both lengths.
#[test]
fn the_authors_run_folders_are_tested_and_visualized() {
    let dir = workdir("");
    let runs = dir.path().join("saved_models");
    common::run_oracle("hypernca_runs.py", &[runs.to_str().unwrap()]);
    let lander = runs.join("lander");
    let o = run_bin(
        dir.path(),
        &[
            "--env",
            "LunarLander-v2",
            "--actor",
            lander.to_str().unwrap(),
            "--test",
            "--episodes",
            "2",
            "--visualize",
        ],
    );
    assert_ok(&o);
    assert!(read(dir.path(), "Graph/lander_growth.gif").len() > 1000);
    assert!(read(dir.path(), "Graph/lander_rewards.png").len() > 1000);
    // Its 5 grown layers: 8 × 8 four times, then the 4 action rows; tanh, no biases, argmax.
    let a = Actor::load(&lander).unwrap();
    assert_eq!(a.sizes(), vec![8, 8, 8, 8, 8, 4]);
    assert_eq!(a.head, Head::Argmax);
    let best = common::file_names(&lander)
        .into_iter()
        .find(|n| n.ends_with("_bestsolution.npy"))
        .unwrap();
    let b = Actor::load(&lander.join(&best)).unwrap();
    assert_ne!(a, b, "the best solution grows another network");
    let o = run_bin(
        dir.path(),
        &[
            "--env",
            "LunarLander-v2",
            "--actor",
            lander.join(&best).to_str().unwrap(),
            "--prune",
            "--k",
            "0.5",
        ],
    );
    assert_ok(&o);
    // Beside its input, named after the folder and the solution.
    assert!(common::file_names(&lander)
        .iter()
        .any(|n| n == "lander_best_0.5.pth"));
    // A vector one value short of the NCA's.
    let short = runs.join("short");
    std::fs::create_dir_all(&short).unwrap();
    std::fs::copy(lander.join("nca.config"), short.join("nca.config")).unwrap();
    let v = synapt_safety::policy::npy::read_vector(
        &lander.join(
            common::file_names(&lander)
                .into_iter()
                .find(|n| n.ends_with("_meansolution.npy"))
                .unwrap(),
        ),
    )
    .unwrap();
    synapt_safety::policy::npy::write_vector(&short.join("x_meansolution.npy"), &v[..v.len() - 1])
        .unwrap();
    let o = run_bin(
        dir.path(),
        &[
            "--env",
            "LunarLander-v2",
            "--actor",
            short.to_str().unwrap(),
            "--test",
        ],
    );
    assert_refused(&o, 1, "225");
}
