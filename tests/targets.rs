//! Pose mimicry through the real binary: `--collect-targets` (the data set NumPy reads back, the same
//! bytes for any number of threads, the images and key points those of a replay), episodes drawing
//! their targets from a data set (`--targets`), `--train-cnn` (a network PyTorch loads and scores as
//! we do), `--mimic` (poses reached, recounted from its CSV; plot and GIF), and the bad inputs.

mod common;

use std::path::Path;

use common::{assert_ok, assert_refused, csv_column, file_names, python, run_bin, shipped, stdout};
use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::rapier::reacher::Reacher;
use synapt_safety::env::{Action, Env, EnvOptions};
use synapt_safety::targets::Targets;

#[test]
fn collect_targets_writes_what_numpy_reads_and_a_replay_sees() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str, file: &str| {
        let out = run_bin(
            dir.path(),
            &[
                "--collect-targets",
                "350",
                "--env",
                "SocialReacher-v0",
                "--seed",
                "3",
                "--image-size",
                "24",
                "--threads",
                threads,
                "--targets",
                file,
            ],
        );
        assert_ok(&out);
        std::fs::read(dir.path().join(file)).unwrap()
    };
    let one = run("1", "one.npz");
    assert_eq!(
        one,
        run("2", "two.npz"),
        "the same bytes on 1 and 2 threads"
    );
    // NumPy reads it without pickle; shapes, dtypes, the name; the key points are the forward
    // kinematics of the recorded angles.
    let script = r#"
import json, sys
import numpy as np
d = np.load(sys.argv[1])
q = d["joints"].astype(np.float64)
e = 0.21 * np.stack([np.cos(q[:, 0]), np.sin(q[:, 0])], 1)
h = e + 0.2 * np.stack([np.cos(q[:, 0] + q[:, 1]), np.sin(q[:, 0] + q[:, 1])], 1)
fk = np.concatenate([e, h], 1)
print(json.dumps({
    "files": sorted(d.files),
    "shapes": {k: list(d[k].shape) for k in d.files},
    "dtypes": {k: str(d[k].dtype) for k in d.files},
    "env": str(d["env"]),
    "fk_error": float(np.abs(fk - d["states"]).max()),
    "first_image": d["images"][0].reshape(-1).tolist(),
    "first_state": d["states"][0].tolist(),
}))
"#;
    let v = common::python_json(
        std::process::Command::new(python())
            .args(["-c", script])
            .arg(dir.path().join("one.npz")),
    );
    assert_eq!(
        v["files"],
        serde_json::json!(["env", "images", "joints", "states"])
    );
    assert_eq!(v["shapes"]["images"], serde_json::json!([350, 24, 24, 3]));
    assert_eq!(v["shapes"]["states"], serde_json::json!([350, 4]));
    assert_eq!(v["dtypes"]["images"], "uint8");
    assert_eq!(v["dtypes"]["states"], "float32");
    assert_eq!(v["env"], "SocialReacher-v0");
    assert!(v["fk_error"].as_f64().unwrap() < 1e-5, "{}", v["fk_error"]);
    // The first pose: episode 0 reset with seed 3, one action from RandomState(3).
    let mut r = Reacher::from_name("SocialReacher-v0").unwrap();
    r.reset(Some(3));
    let mut rng = RandomState::from_int_seed(3);
    let a = vec![rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)];
    r.step(&Action::Continuous(a));
    let image: Vec<u64> = r.rgb(24, 24).iter().map(|b| *b as u64).collect();
    assert_eq!(v["first_image"], serde_json::json!(image));
    let [e, h] = r.current_key_points();
    let want = [e[0], e[1], h[0], h[1]].map(|x| x as f32 as f64);
    assert_eq!(v["first_state"], serde_json::json!(want));
}

#[test]
fn bad_collect_targets_commands_are_refused_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], i32, &str); 5] = [
        (&["--collect-targets", "0"], 2, "at least one pose"),
        (
            &["--collect-targets", "10", "--image-size", "4"],
            2,
            "--image-size 4: images are 8 to 256",
        ),
        (
            &["--collect-targets", "10", "--test"],
            2,
            "--collect-targets runs alone: drop --test",
        ),
        (
            &["--prune", "--targets", "x.npz"],
            2,
            "--targets names a target data set",
        ),
        (
            &["--collect-targets", "10", "--env", "CartPole-v0"],
            1,
            "CartPole-v0 has no target pose",
        ),
    ];
    for (args, code, needle) in cases {
        let mut all = args.to_vec();
        if !args.contains(&"--env") {
            all.extend(["--env", "SocialReacher-v0"]);
        }
        let out = run_bin(dir.path(), &all);
        assert_refused(&out, code, needle);
    }
    assert!(
        file_names(dir.path()).is_empty(),
        "{:?}",
        file_names(dir.path())
    );
}

/// Collect `n` poses of `px` pixels into `dir/file` from `seed`.
fn collect(dir: &Path, file: &str, n: usize, px: usize, seed: u64) {
    let out = run_bin(
        dir,
        &[
            "--collect-targets",
            &n.to_string(),
            "--env",
            "SocialReacher-v0",
            "--image-size",
            &px.to_string(),
            "--seed",
            &seed.to_string(),
            "--targets",
            file,
        ],
    );
    assert_ok(&out);
}

#[test]
fn episodes_draw_their_targets_from_the_data_set() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "poses.npz", 40, 8, 5);
    let path = dir.path().join("poses.npz");
    let t = Targets::read(&path).unwrap();
    let targets: Vec<Vec<f64>> = (0..t.len()).map(|i| t.target(i)).collect();
    let options = EnvOptions {
        targets: Some(t.pose_set(&path)),
        ..EnvOptions::default()
    };
    let mut env = synapt_safety::env::make_with("SocialReacher-v0", options).unwrap();
    let mut drawn = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let obs = env.reset(Some(seed));
        let k = targets
            .iter()
            .position(|t| t.iter().zip(&obs[6..]).all(|(a, b)| (a - b).abs() < 1e-12))
            .unwrap_or_else(|| panic!("seed {seed}: target {:?} is not in the set", &obs[6..]));
        drawn.insert(k);
    }
    assert!(drawn.len() > 10, "30 episodes drew only {drawn:?}");
    // Without the set, the targets are random reachable poses, none of the set's.
    let mut free = synapt_safety::env::make("SocialReacher-v0").unwrap();
    let obs = free.reset(Some(0));
    assert!(!targets.iter().any(|t| t[..] == obs[6..]));
    // Through the CLI: --test reads the set and says so.
    let actor = shipped("ppo_actorSocialReacher-v0.pth");
    let out = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "SocialReacher-v0",
            "--episodes",
            "2",
            "--targets",
            "poses.npz",
            "--actor",
            actor.to_str().unwrap(),
        ],
    );
    assert_ok(&out);
    assert!(
        stdout(&out).contains("target poses: 40 from poses.npz"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn train_cnn_writes_a_network_pytorch_loads_and_scores_as_we_do() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "poses.npz", 300, 40, 7);
    let train = |cnn: &str| {
        let out = run_bin(
            dir.path(),
            &[
                "--train-cnn",
                "--env",
                "SocialReacher-v0",
                "--targets",
                "poses.npz",
                "--epochs",
                "3",
                "--seed",
                "2",
                "--cnn",
                cnn,
            ],
        );
        assert_ok(&out);
        stdout(&out)
    };
    let text = train("a.pth");
    assert!(
        text.contains("270 training and 30 validation images of 40×40"),
        "{text}"
    );
    let log = std::fs::read_to_string(dir.path().join("Graph/understanding_SocialReacher-v0.csv"))
        .unwrap();
    assert_eq!(log.lines().count(), 4, "{log}");
    let best = csv_column(&log, 3);
    let val = csv_column(&log, 2);
    assert_eq!(
        *best.last().unwrap(),
        val.iter().copied().fold(f64::INFINITY, f64::min)
    );
    // The same seed, the same network, byte for byte.
    train("b.pth");
    let sd = |f: &str| synapt_safety::policy::pth::read(&dir.path().join(f)).unwrap();
    assert_eq!(sd("a.pth"), sd("b.pth"));
    // PyTorch loads the `.pth` into the seed's module and scores the validation tenth as we do.
    let v: serde_json::Value = serde_json::from_str(&common::run_oracle(
        "vanilla_cnn.py",
        &[
            "score",
            dir.path().join("a.pth").to_str().unwrap(),
            dir.path().join("poses.npz").to_str().unwrap(),
        ],
    ))
    .unwrap();
    let torch_mse = v["mse"].as_f64().unwrap();
    let ours = *best.last().unwrap();
    assert!(
        (torch_mse - ours).abs() <= 1e-5 * ours,
        "PyTorch's validation MSE {torch_mse} against ours {ours}"
    );
}

/// Ctrl-C during `--train-cnn` stops after the epoch, keeping the best network and the log: exit 130.
#[test]
fn ctrl_c_stops_train_cnn_with_its_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "poses.npz", 300, 40, 8);
    let out = common::interrupt_after(
        dir.path(),
        &[
            "--train-cnn",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "poses.npz",
            "--epochs",
            "500",
            "--cnn",
            "cnn.pth",
        ],
        "Graph/understanding_SocialReacher-v0.csv",
        3,
    );
    assert_eq!(out.status.code(), Some(130), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("interrupted: stopped after epoch"));
    let log = std::fs::read_to_string(dir.path().join("Graph/understanding_SocialReacher-v0.csv"))
        .unwrap();
    let epochs = log.lines().count() - 1;
    assert!((2..500).contains(&epochs), "{epochs}");
    synapt_safety::policy::pth::read(&dir.path().join("cnn.pth")).unwrap();
}

#[test]
fn mimic_counts_poses_reached_and_draws_them() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "poses.npz", 600, 40, 11);
    let cnn = run_bin(
        dir.path(),
        &[
            "--train-cnn",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "poses.npz",
            "--epochs",
            "1",
            "--cnn",
            "cnn.pth",
        ],
    );
    assert_ok(&cnn);
    let actor = shipped("ppo_actorSocialReacher-v0.pth");
    let out = run_bin(
        dir.path(),
        &[
            "--mimic",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "poses.npz",
            "--actor",
            actor.to_str().unwrap(),
            "--cnn",
            "cnn.pth",
            "--poses",
            "6",
            "--update-target",
            "150",
            "--display",
        ],
    );
    assert_ok(&out);
    let text = stdout(&out);
    assert!(
        text.contains("6 poses of poses.npz (every 100 of 600)"),
        "{text}"
    );
    // The count printed is the count in the CSV: 50 frames in a row under 0.1 in a pose's window.
    let csv = std::fs::read_to_string(
        dir.path()
            .join("Graph/mimic_SocialReacher-v0_update150.csv"),
    )
    .unwrap();
    assert!(csv.starts_with("frame,pose,row,distance_true_targets,distance_CNN_targets\n"));
    for (col, label) in [(3, "true targets"), (4, "CNN targets")] {
        let d = csv_column(&csv, col);
        assert_eq!(d.len(), 900);
        let reached = d
            .chunks(150)
            .filter(|w| {
                w.iter()
                    .scan(0, |run, &x| {
                        *run = if x < 0.1 { *run + 1 } else { 0 };
                        Some(*run)
                    })
                    .any(|r| r >= 50)
            })
            .count();
        let line = format!("{label:<13} {reached:>4}/6");
        assert!(text.contains(&line), "`{line}` not in {text}");
        if col == 3 {
            assert_eq!(reached, 6, "the shipped actor reaches every true target");
        }
    }
    // A trajectory of targets: consecutive poses of the set, a new one every 3 frames.
    let out = run_bin(
        dir.path(),
        &[
            "--mimic",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "poses.npz",
            "--actor",
            actor.to_str().unwrap(),
            "--poses",
            "40",
            "--update-target",
            "3",
            "--target-stride",
            "1",
            "--seed",
            "4",
        ],
    );
    assert_ok(&out);
    let csv = std::fs::read_to_string(dir.path().join("Graph/mimic_SocialReacher-v0_update3.csv"))
        .unwrap();
    let rows = csv_column(&csv, 2);
    assert_eq!(rows.len(), 120);
    assert!(
        rows.iter().enumerate().all(|(f, &r)| r == (f / 3) as f64),
        "{rows:?}"
    );
    for ext in ["png", "gif"] {
        let f = dir
            .path()
            .join(format!("Graph/mimic_SocialReacher-v0_update150.{ext}"));
        assert!(
            std::fs::metadata(&f).unwrap().len() > 1000,
            "{}",
            f.display()
        );
    }
}

#[test]
fn bad_data_sets_cnns_and_mimicry_commands_are_refused_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "small.npz", 20, 24, 1);
    collect(dir.path(), "good.npz", 20, 40, 1);
    // Broken data sets, from NumPy: a wrong shape, another environment, poses off the arm.
    let script = r#"
import sys, numpy as np
d = dict(np.load(sys.argv[1]))
np.savez(sys.argv[2] + "/shape.npz", **{**d, "states": d["states"][:, :3]})
np.savez(sys.argv[2] + "/env.npz", **{**d, "env": np.array("CartPole-v1")})
np.savez(sys.argv[2] + "/reach.npz", **{**d, "states": d["states"] * 2})
np.savez(sys.argv[2] + "/missing.npz", states=d["states"], joints=d["joints"])
np.savez_compressed(sys.argv[2] + "/compressed.npz", **{**d, "states": d["states"].astype(np.float64)})
"#;
    common::output_ok(
        std::process::Command::new(python())
            .args(["-c", script])
            .arg(dir.path().join("good.npz"))
            .arg(dir.path()),
        "failed to start the Python oracle",
        "the script writing the broken data sets failed",
    );
    let cnn = run_bin(
        dir.path(),
        &[
            "--train-cnn",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "good.npz",
            "--epochs",
            "1",
            "--cnn",
            "cnn.pth",
        ],
    );
    assert_ok(&cnn);
    let before = file_names(dir.path());
    let graph_before = file_names(&dir.path().join("Graph"));
    let actor = shipped("ppo_actorSocialReacher-v0.pth");
    let actor = actor.to_str().unwrap();
    let cartpole = shipped("ppo_actorCartPole-v1.pth");
    let cartpole = cartpole.to_str().unwrap();
    let mimic = |targets| vec!["--mimic", "--targets", targets, "--actor", actor];
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["--train", "--targets", "shape.npz"],
            1,
            "`states` has shape [20, 3]; (N, 4) is expected",
        ),
        (
            vec!["--train", "--targets", "env.npz"],
            1,
            "its poses are of `CartPole-v1`",
        ),
        (
            vec!["--test", "--targets", "reach.npz"],
            1,
            "not a pose of the arm",
        ),
        (
            vec!["--falsify", "--targets", "missing.npz"],
            1,
            "it has no `images` array",
        ),
        (vec!["--test", "--targets", "nothing.npz"], 1, "nothing.npz"),
        (
            vec!["--train-cnn"],
            2,
            "--train-cnn needs a target data set",
        ),
        (
            vec!["--train-cnn", "--mimic", "--targets", "good.npz"],
            2,
            "run alone",
        ),
        (
            vec!["--train-cnn", "--prune", "--targets", "good.npz"],
            2,
            "--train-cnn runs alone: drop --prune",
        ),
        (
            vec!["--train-cnn", "--targets", "small.npz"],
            1,
            "at least 29 pixels a side",
        ),
        (
            vec!["--cnn", "cnn.pth", "--test"],
            2,
            "--cnn applies to --train-cnn or --mimic",
        ),
        (
            vec!["--collect-targets", "5", "--mimic"],
            2,
            "--collect-targets runs alone: drop --mimic",
        ),
        (
            [mimic("small.npz"), vec!["--cnn", "cnn.pth"]].concat(),
            2,
            "the CNN was trained on other images",
        ),
        (
            [mimic("good.npz"), vec!["--cnn", "small.npz"]].concat(),
            1,
            "not a readable PyTorch state_dict",
        ),
        (
            vec!["--mimic", "--targets", "good.npz", "--actor", cartpole],
            1,
            "SocialReacher-v0",
        ),
        (
            [mimic("good.npz"), vec!["--poses", "0"]].concat(),
            2,
            "--poses",
        ),
    ];
    for (mut args, code, needle) in cases {
        if !args.contains(&"--env") {
            args.extend(["--env", "SocialReacher-v0"]);
        }
        let out = run_bin(dir.path(), &args);
        assert_refused(&out, code, needle);
    }
    // NumPy's compressed archive, float64 key points: read (and --test writes nothing).
    let out = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "compressed.npz",
            "--episodes",
            "1",
            "--actor",
            actor,
        ],
    );
    assert_ok(&out);
    assert!(stdout(&out).contains("target poses: 20 from compressed.npz"));
    // Mimicry of another environment.
    let out = run_bin(dir.path(), &["--mimic", "--targets", "good.npz"]);
    assert_refused(
        &out,
        2,
        "--mimic works on SocialReacher-v0's poses, not LunarLander",
    );
    // The data set for another environment's episodes.
    let out = run_bin(
        dir.path(),
        &["--test", "--env", "CartPole-v1", "--targets", "good.npz"],
    );
    assert_refused(
        &out,
        2,
        "--targets gives SocialReacher-v0's episodes their target poses",
    );
    assert_eq!(file_names(dir.path()), before);
    assert_eq!(file_names(&dir.path().join("Graph")), graph_before);
}

/// The shipped CNN (`cargo bench --bench mimicry`, 30 epochs on 50,000 poses of seed 1) reads poses it
/// never saw (seed 100's) to within centimetres, and the shipped actor reaches them.
#[test]
fn the_shipped_cnn_reads_poses_it_never_saw() {
    let dir = tempfile::tempdir().unwrap();
    collect(dir.path(), "poses.npz", 300, 40, 100);
    let (actor, cnn) = (
        shipped("ppo_actorSocialReacher-v0.pth"),
        shipped("understanding_SocialReacher-v0.pth"),
    );
    let out = run_bin(
        dir.path(),
        &[
            "--mimic",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "poses.npz",
            "--actor",
            actor.to_str().unwrap(),
            "--cnn",
            cnn.to_str().unwrap(),
            "--poses",
            "10",
        ],
    );
    assert_ok(&out);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("CNN readings"))
        .unwrap();
    let error: f64 = line.split_whitespace().nth(5).unwrap().parse().unwrap();
    assert!(error < 0.05, "{line}");
    assert!(text.contains("true targets    10/10"), "{text}");
}
