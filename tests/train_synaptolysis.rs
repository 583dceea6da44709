//! `--train --algo mk1 | mk2 | mk2.5 | simple-cma`: Synaptolysis's learners. The initial populations
//! are NumPy's own draws for the seed (an oracle script runs NumPy); runs are the same bytes for any
//! thread count and across a resume; a threshold ends a run; the champion goes through the safety
//! pipeline; bad settings are refused with their name.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, oracle_script, python_script, run_bin, stderr, stdout};
use synapt_safety::env::EnvOptions;
use synapt_safety::train::synaptolysis::{config, Files, Method, Synaptolysis};

const SWINGUP: &str = "InvertedPendulumSwingupLongRailBulletEnv-v0";

fn workdir(hyperparameters: &str) -> tempfile::TempDir {
    common::workdir_settings(hyperparameters)
}

/// Small populations, so that a generation takes milliseconds.
const SMALL: &str = "InvertedPendulumSwingupLongRailBulletEnv-v0:\n  synaptolysis: {population: 24, \
                     episodes: 2, save_every: 3, 'mk2': {variant: fixed}}\n\
                     CartPole-v1:\n  synaptolysis: {population: 16, episodes: 2, hidden_sizes: [8]}\n";

fn train(dir: &Path, algo: &str, env: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--train", "--algo", algo, "--env", env];
    args.extend(extra);
    run_bin(dir, &args)
}

use common::read;

/// The log without its wall-time column (the one value a clock decides).
fn log_without_wall(dir: &Path, algo: &str, env: &str) -> String {
    let text = String::from_utf8(read(dir, &format!("Graph/train_{algo}_{env}.csv"))).unwrap();
    text.lines()
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.remove(3);
            c.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The files a run leaves that hold no clock reading, byte for byte.
fn outputs(dir: &Path, algo: &str, env: &str) -> Vec<(String, Vec<u8>)> {
    [
        format!("Policies/{algo}_actor{env}.pth"),
        format!("Policies/{algo}_actor{env}.arch.json"),
        format!("Policies/{algo}_elites{env}.npy"),
    ]
    .into_iter()
    .map(|f| {
        let bytes = read(dir, &f);
        (f, bytes)
    })
    .collect()
}

#[test]
fn initial_populations_are_numpys_draws_for_the_seed() {
    for (method, seed, rate) in [
        (Method::Mk1, 0u32, 0.25),
        (Method::Mk1, 7, 0.25),
        (Method::Mk2, 3, 0.001),
        (Method::Mk25, 5, 0.25),
        (Method::SimpleCma, 2, 0.0),
    ] {
        let mut cfg = config::Config::defaults(method, config::Variant::Authors);
        cfg.population = 12;
        cfg.seed = seed;
        let run = Synaptolysis::new(
            SWINGUP,
            EnvOptions::default(),
            cfg,
            &Files::default_for(method, SWINGUP),
        )
        .unwrap();
        let sizes: Vec<String> = std::iter::once(run.shapes[0].0)
            .chain(run.shapes.iter().map(|s| s.1))
            .map(|s| s.to_string())
            .collect();
        let mut cmd = python_script(&oracle_script("synaptolysis_init.py"));
        cmd.args([method.name(), &seed.to_string(), "12", &rate.to_string()]);
        cmd.args(&sizes);
        let want: Vec<Vec<Vec<f64>>> =
            serde_json::from_value(common::python_json(&mut cmd)).unwrap();
        assert_eq!(
            run.state.population,
            want,
            "{} seed {seed}: the initial population differs from NumPy's",
            method.name()
        );
    }
}

#[test]
fn every_method_reproduces_for_any_thread_count_and_across_a_resume() {
    for algo in ["mk1", "mk2", "mk2.5", "simple-cma"] {
        let (a, b, c) = (workdir(SMALL), workdir(SMALL), workdir(SMALL));
        let go = |dir: &Path, threads: &str, extra: &[&str]| {
            let mut args = vec!["--iterations", "6", "--seed", "3", "--threads", threads];
            args.extend(extra);
            let o = train(dir, algo, SWINGUP, &args);
            assert_ok(&o);
            o
        };
        go(a.path(), "1", &[]);
        go(b.path(), "2", &[]);
        let o = train(
            c.path(),
            algo,
            SWINGUP,
            &["--iterations", "4", "--seed", "3"],
        );
        assert_ok(&o);
        let o = go(c.path(), "2", &["--resume"]);
        assert!(stdout(&o).contains("4 → 6"), "{algo}: {}", stdout(&o));
        let want = outputs(a.path(), algo, SWINGUP);
        for other in [b.path(), c.path()] {
            assert_eq!(outputs(other, algo, SWINGUP), want, "{algo}");
            assert_eq!(
                log_without_wall(other, algo, SWINGUP),
                log_without_wall(a.path(), algo, SWINGUP),
                "{algo}"
            );
        }
        let log = log_without_wall(a.path(), algo, SWINGUP);
        assert_eq!(log.lines().count(), 7, "{algo}: {log}");
        for f in ["fitness", "connections", "champion"] {
            let png = a
                .path()
                .join(format!("Graph/train_{algo}_{SWINGUP}_{f}.png"));
            assert!(png.metadata().unwrap().len() > 10_000, "{}", png.display());
        }
    }
}

/// The elite file is what `np.save` writes: NumPy reads it, index 0 is the champion (the actor file's
/// weights, transposed to NumPy's inputs × outputs), and `--elite` picks a member for `--test`.
#[test]
fn the_elite_population_is_numpys_and_index_0_the_champion() {
    let dir = workdir(SMALL);
    assert_ok(&train(dir.path(), "mk1", SWINGUP, &["--iterations", "3"]));
    let elites = dir.path().join(format!("Policies/mk1_elites{SWINGUP}.npy"));
    let code = "import json, sys, numpy as np\n\
                p = np.load(sys.argv[1], allow_pickle=True)\n\
                json.dump({'shape': list(p.shape), 'dtype': str(p.dtype), \
                'w': [[m.ravel().tolist() for m in row] for row in p]}, sys.stdout)";
    let v = common::python_json(
        std::process::Command::new(common::python())
            .args(["-c", code])
            .arg(&elites),
    );
    assert_eq!(v["dtype"], "object");
    let shape = common::json_u64s(&v["shape"]);
    assert!(shape[0] >= 2 && shape[1] == 2, "{shape:?}");
    let champion = synapt_safety::policy::Actor::load(
        &dir.path().join(format!("Policies/mk1_actor{SWINGUP}.pth")),
    )
    .unwrap();
    let w1 = common::json_f64s(&v["w"][0][0]);
    let l = &champion.layers[0];
    for i in 0..l.in_features {
        for o in 0..l.out_features {
            assert_eq!(w1[i * l.out_features + o], l.weight[o * l.in_features + i]);
        }
    }
    let test = |extra: &[&str]| {
        let mut args = vec!["--env", SWINGUP, "--test", "--episodes", "3"];
        args.extend(extra);
        let o = run_bin(dir.path(), &args);
        assert_ok(&o);
        stdout(&o)
    };
    let npy = format!("Policies/mk1_elites{SWINGUP}.npy");
    let pth = format!("Policies/mk1_actor{SWINGUP}.pth");
    let mean = |out: &str| {
        out.lines()
            .find(|l| l.starts_with(SWINGUP))
            .map(|l| l.split_whitespace().nth(3).unwrap().to_string())
    };
    assert_eq!(
        mean(&test(&["--actor", &npy])),
        mean(&test(&["--actor", &pth]))
    );
}

#[test]
fn a_threshold_ends_the_run_once_checked() {
    let dir = workdir(
        "CartPole-v1:\n  synaptolysis: {population: 16, episodes: 2, hidden_sizes: [8], \
         threshold: 20, min_generations: 2, check_every: 2}\n",
    );
    let o = train(dir.path(), "mk1", "CartPole-v1", &["--iterations", "50"]);
    assert_ok(&o);
    let out = stdout(&o);
    // Checked at the authors' generations 2, 4, … (the log counts from 1): 3 generations at the least.
    assert!(
        out.contains("solved: Best reached 20 at generation 3"),
        "{out}"
    );
    let log = String::from_utf8(read(dir.path(), "Graph/train_mk1_CartPole-v1.csv")).unwrap();
    assert_eq!(log.lines().count(), 4, "{log}");
}

/// A discrete task: the champion's head is an argmax, and it learns CartPole.
#[test]
fn the_champion_goes_through_the_safety_pipeline() {
    let dir = workdir(SMALL);
    assert_ok(&train(
        dir.path(),
        "mk1",
        "CartPole-v1",
        &["--iterations", "8"],
    ));
    let arch =
        String::from_utf8(read(dir.path(), "Policies/mk1_actorCartPole-v1.arch.json")).unwrap();
    assert!(
        arch.contains("\"argmax\"") && arch.contains("\"mask\""),
        "{arch}"
    );
    let o = run_bin(
        dir.path(),
        &[
            "--algo",
            "mk1",
            "--env",
            "CartPole-v1",
            "--test",
            "--prune",
            "--k",
            "0.3",
            "--falsify",
            "--refine",
            "--spec",
            "position",
            "--budget",
            "40",
            "--episodes",
            "5",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("Policies/mk1_actorCartPole-v1.pth"), "{out}");
    assert!(
        dir.path()
            .join("Policies/mk1_actorCartPole-v1_0.3.pth")
            .exists(),
        "{out}"
    );
}

#[test]
fn bad_settings_are_refused_with_their_name() {
    let cases: [(&str, &[&str], &str); 9] = [
        (
            "synaptolysis: {hidden_sizes: [70000]}",
            &[],
            "synaptolysis → hidden_sizes: a width of 70000; at most 65536",
        ),
        (
            "synaptolysis: {population: 100000, hidden_sizes: [4096]}",
            &[],
            "synaptolysis → population would hold 100000 × 24576 numbers",
        ),
        (
            "synaptolysis: {populaton: 8}",
            &[],
            "unknown field `populaton`",
        ),
        (
            "synaptolysis: {population: 1}",
            &[],
            "synaptolysis → population: 1 is below 2",
        ),
        (
            "synaptolysis: {keep_fraction: 1.5}",
            &[],
            "synaptolysis → keep_fraction: 1.5 is not in (0, 1]",
        ),
        (
            "synaptolysis: {'mk1': {rate_min: 0.5, rate_max: 0.1}}",
            &[],
            "rate_min: 0.5 exceeds rate_max 0.1",
        ),
        (
            "synaptolysis: {'mk1': {variant: better}}",
            &[],
            "synaptolysis → mk1: unknown variant `better`, expected `authors` or `fixed`",
        ),
        (
            "synaptolysis: [1, 2]",
            &[],
            "synaptolysis: expected a mapping",
        ),
        ("", &["--seed", "5000000000"], "takes seeds below 2^32"),
    ];
    for (yaml, extra, needle) in cases {
        let dir = workdir(&format!("CartPole-v1:\n  {yaml}\n"));
        let mut args = vec!["--iterations", "2"];
        args.extend(extra);
        let o = train(dir.path(), "mk1", "CartPole-v1", &args);
        assert_refused(&o, 1, needle);
        assert!(
            !dir.path().join("Policies").exists(),
            "{needle}: wrote files"
        );
    }
    // The champion is a .pth: an elite file is not a place to write it.
    let dir = workdir(SMALL);
    let o = train(dir.path(), "mk1", "CartPole-v1", &["--actor", "e.npy"]);
    assert_refused(
        &o,
        2,
        "writes a .pth actor, but --actor e.npy names a .npy elite population",
    );
    // Another learner's checkpoint, and another method's.
    let dir = workdir(SMALL);
    assert_ok(&train(
        dir.path(),
        "mk2.5",
        "CartPole-v1",
        &["--iterations", "1"],
    ));
    std::fs::copy(
        dir.path().join("Policies/mk2.5_checkpointCartPole-v1.json"),
        dir.path().join("Policies/mk1_checkpointCartPole-v1.json"),
    )
    .unwrap();
    let o = train(dir.path(), "mk1", "CartPole-v1", &["--resume"]);
    assert_refused(&o, 1, "is a checkpoint of --algo mk2.5, not mk1");
    std::fs::write(
        dir.path().join("Policies/mk1_checkpointCartPole-v1.json"),
        r#"{"format": "synapt-safety ES checkpoint v1"}"#,
    )
    .unwrap();
    let o = train(dir.path(), "mk1", "CartPole-v1", &["--resume"]);
    assert_refused(&o, 1, "expected `synapt-safety Synaptolysis checkpoint v1`");
    assert!(!stderr(&o).contains("panicked"));
}
