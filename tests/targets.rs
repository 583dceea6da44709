//! `--collect-targets`: the data set of SocialReacher poses through the real binary, read back by
//! NumPy, the same bytes for any number of threads, the images and key points those of a replay, and
//! the bad inputs.

mod common;

use common::{assert_ok, assert_refused, file_names, python, run_bin};
use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::rapier::reacher::Reacher;
use synapt_safety::env::{Action, Env};

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
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(dir.path().join("one.npz"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
            &["--test", "--targets", "x.npz"],
            2,
            "--collect-targets was not given",
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
