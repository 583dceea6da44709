//! Roboschool's reachers on rapier3d: key points and rewards against a NumPy version of Roboschool's
//! equations (tests/oracle/reacher_kinematics.py, which reads the committed MJCF with xml.etree),
//! replay, `set_target`, and bad input through the binary.

mod common;
mod env_traces;

use std::io::Write;
use std::process::Stdio;

use common::{assert_refused, oracle_script, python, root, run_bin};
use serde_json::{json, Value};
use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::rapier::arm::{Arm, ArmPhysics};
use synapt_safety::env::rapier::mjcf;
use synapt_safety::env::rapier::reacher::{self, Reacher, ReacherKind};
use synapt_safety::env::{self, Action, Env};

fn oracle(job: &Value) -> Value {
    let mut child = std::process::Command::new(python())
        .arg(oracle_script("reacher_kinematics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("failed to start the Python oracle (bash scripts/test.sh installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed");
    serde_json::from_slice(&out.stdout).expect("the oracle printed invalid JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn key_points_are_roboschools_within_1e_6() {
    for (kind, asset) in [
        (ReacherKind::Plane, "assets/mjcf/reacher_plane.xml"),
        (ReacherKind::ThreeD, "assets/mjcf/reacher_3d.xml"),
    ] {
        let mut rng = RandomState::from_int_seed(7);
        let pi = std::f64::consts::PI;
        let angles: Vec<Vec<f64>> = (0..40)
            .map(|_| (0..kind.hinges()).map(|_| rng.uniform(-pi, pi)).collect())
            .collect();
        let theirs = oracle(&json!({
            "xml": root().join(asset),
            "angles": angles,
            "kind": "plane",
            "trajectory": [],
            "target": vec![0.0; 6],
        }));
        let text = std::fs::read_to_string(root().join(asset)).unwrap();
        let mut arm = Arm::new(mjcf::parse(&text, asset).unwrap(), ArmPhysics::ROBOSCHOOL).unwrap();
        let model = arm.model.clone();
        let (elbow, hand) = (
            model.body("robot_elbow").unwrap(),
            model.body("robot_hand").unwrap(),
        );
        let zero = vec![0.0; kind.hinges()];
        for (q, want) in angles.iter().zip(theirs["key_points"].as_array().unwrap()) {
            let want = f64s(want);
            // The closed form the tasks draw targets with, and the rapier arm placed at q.
            let [e, h] = reacher::key_points(kind, q);
            arm.place(q, &zero);
            let (re, rh) = (arm.body_position(elbow), arm.body_position(hand));
            for (k, w) in want.iter().enumerate() {
                let (closed, placed) = if k < 3 {
                    (e[k], re[k])
                } else {
                    (h[k - 3], rh[k - 3])
                };
                assert!(
                    (closed - w).abs() < 1e-12,
                    "{kind:?} {q:?}: {closed} vs {w}"
                );
                assert!((placed - w).abs() < 1e-6, "{kind:?} {q:?}: {placed} vs {w}");
            }
        }
    }
}

/// A random-action episode: the key points after reset and after every step, the target, the rewards.
fn episode(id: &str, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let mut e = env::make(id).unwrap();
    let obs = e.reset(Some(seed));
    let social = id.starts_with("Social");
    let key = |o: &[f64]| -> Vec<f64> {
        if social {
            o[..4].to_vec()
        } else {
            o[6..12].to_vec()
        }
    };
    let target = if social {
        obs[6..10].to_vec()
    } else {
        obs[..6].to_vec()
    };
    let n = e.action_space().size();
    let mut rng = RandomState::from_int_seed(100 + seed as u32);
    let (mut kps, mut rewards) = (vec![key(&obs)], Vec::new());
    loop {
        let a: Vec<f64> = (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let s = e.step(&Action::Continuous(a));
        kps.push(key(&s.obs));
        rewards.push(s.reward);
        if s.terminated || s.truncated {
            return (kps, target, rewards);
        }
    }
}

#[test]
fn rewards_are_the_seeds_for_the_same_key_points() {
    for (id, kind) in [
        ("ReacherPlane-v0", "plane"),
        ("Reacher3D-v0", "3d"),
        ("SocialReacher-v0", "social"),
    ] {
        let (kps, target, ours) = episode(id, 3);
        assert_eq!(
            ours.len(),
            300,
            "{id}: 300 steps, done only at the time limit"
        );
        let theirs = oracle(&json!({
            "xml": root().join("assets/mjcf/reacher_plane.xml"),
            "angles": [],
            "kind": kind,
            "trajectory": kps,
            "target": target,
        }));
        let theirs = f64s(&theirs["rewards"]);
        assert_eq!(theirs.len(), ours.len());
        for (t, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!((a - b).abs() < 1e-9, "{id} step {t}: {a} vs {b}");
        }
        // The arm moves under random torques: the rewards are not all zero.
        assert!(ours.iter().any(|r| r.abs() > 1e-3), "{id}");
    }
}

#[test]
fn set_target_drives_the_reward_and_replays() {
    let mut a = Reacher::from_name("SocialReacher-v0").unwrap();
    let goal = reacher::key_points(ReacherKind::Social, &[1.0, -0.5]);
    let goal = [goal[0][0], goal[0][1], goal[1][0], goal[1][1]];
    a.set_target(&goal).unwrap();
    let obs = a.reset(Some(5));
    assert_eq!(
        &obs[6..],
        &goal,
        "the target set from outside holds at reset"
    );
    // A PD controller on the hinges toward the goal's angles closes the distance: the return is
    // 100 times the distance closed.
    let d0 = a
        .step(&Action::Continuous(vec![0.0, 0.0]))
        .info
        .get("distance")
        .unwrap();
    let mut total = 0.0;
    let mut last = d0;
    for _ in 0..250 {
        let js = a.arm().joint_state();
        let act: Vec<f64> = js
            .iter()
            .zip([1.0, -0.5])
            .map(|((q, qd), want)| 2.0 * (want - q) - 0.2 * qd)
            .collect();
        let s = a.step(&Action::Continuous(act));
        total += s.reward;
        last = s.info.get("distance").unwrap();
    }
    assert!(last < 0.02, "the PD controller reaches the pose: {last}");
    assert!(
        (total - 100.0 * (d0 - last)).abs() < 1e-9,
        "{total} vs {d0} - {last}"
    );
    // A new target mid-episode, then a snapshot: a fresh env replays the episode to the bit.
    let other = reacher::key_points(ReacherKind::Social, &[-2.0, 0.3]);
    a.set_target(&[other[0][0], other[0][1], other[1][0], other[1][1]])
        .unwrap();
    for _ in 0..10 {
        a.step(&Action::Continuous(vec![-0.3, 0.2]));
    }
    let snap = a.snapshot();
    let mut b = Reacher::from_name("SocialReacher-v0").unwrap();
    b.restore(&snap).unwrap();
    for t in 0..20 {
        let act = Action::Continuous(vec![(t as f64 * 0.3).sin(), 0.5]);
        assert_eq!(a.step(&act), b.step(&act), "step {t}");
    }
    // Bad targets: a clear error, and the target in force stays.
    let before = a.target().to_vec();
    for (bad, needle) in [
        (vec![0.21, 0.0, 0.41], "a target has 4 values"),
        (vec![0.21, 0.0, 0.41, f64::NAN], "not finite"),
        (vec![0.5, 0.0, 0.7, 0.0], "out of reach"),
        (vec![0.21, 0.0, 0.21, 0.0], "out of reach"),
    ] {
        let err = a.set_target(&bad).unwrap_err().to_string();
        assert!(err.contains(needle), "{needle:?} not in {err:?}");
        assert!(err.starts_with("SocialReacher-v0"), "{err}");
    }
    assert_eq!(a.target(), before.as_slice());
    // The plane arm's targets lie in its plane.
    let mut p = Reacher::from_name("ReacherPlane-v0").unwrap();
    p.set_target(&[0.21, 0.0, 0.41, 0.41, 0.0, 0.41]).unwrap();
    let err = p
        .set_target(&[0.21, 0.0, 0.41, 0.21, 0.0, 0.61])
        .unwrap_err()
        .to_string();
    assert!(err.contains("off the plane arm's plane"), "{err}");
}

#[test]
fn bad_reacher_keywords_are_refused_by_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_bin(
        dir.path(),
        &["--test", "--env", "SocialReacher-v0:power=50"],
    );
    assert_refused(&out, 1, "power takes a number in [0.01, 10]");
    let out = run_bin(dir.path(), &["--test", "--env", "Reacher3D-v0:elbow=1"]);
    assert_refused(&out, 1, "elbow");
    assert!(common::file_names(dir.path()).is_empty());
}

#[test]
fn the_arm_moves_as_pybullets_on_the_same_mjcf() {
    // pybullet 3.2.7 (Roboschool's sibling: the same Bullet MJCF importer) runs the committed MJCF;
    // both start at q = 0 and take the same actions. benches/reacher.rs has 100 episodes.
    let theirs = env_traces::pybullet_json("benches/reacher_pybullet.py", &["3".into()]);
    let from_rest = |id: &str| Reacher::from_name(&format!("{id}:reset_noise=0")).unwrap();
    let mut plane = from_rest("ReacherPlane-v0");
    plane.reset(Some(0));
    for _ in 0..20 {
        plane.step(&Action::Continuous(vec![1.0, 0.0]));
    }
    let push = plane.arm().joint_state()[0].0;
    let want = theirs["plane_push"][0].as_f64().unwrap();
    assert!(
        (push / want - 1.0).abs() < 0.15,
        "shoulder after 20 steps: {push} vs {want}"
    );
    let mut arm = from_rest("Reacher3D-v0");
    arm.reset(Some(0));
    for _ in 0..20 {
        arm.step(&Action::Continuous(vec![0.0; 3]));
    }
    let z = arm.current_key_points()[1][2];
    let want = theirs["fall_3d"][0].as_f64().unwrap();
    assert!(
        (z - want).abs() < 0.01,
        "hand z after a 20-step fall: {z} vs {want}"
    );
    let (mut total, mut count) = (0.0, 0);
    for ep in 0..3u32 {
        let mut r = from_rest("ReacherPlane-v0");
        r.reset(Some(0));
        let mut rng = RandomState::from_int_seed(1000 + ep);
        for _ in 0..300 {
            let a = (0..2).map(|_| rng.uniform(-1.0, 1.0)).collect();
            r.step(&Action::Continuous(a));
            for (_, qd) in r.arm().joint_state() {
                total += qd.abs();
                count += 1;
            }
        }
    }
    let speed = total / count as f64;
    let want = theirs["plane_speed"].as_f64().unwrap();
    assert!(
        (speed / want - 1.0).abs() < 0.3,
        "mean joint speed: {speed} vs {want}"
    );
}

#[test]
fn a_campaign_can_turn_social_reachers_target_pose() {
    let mut e = env::make("SocialReacher-v0").unwrap();
    let names: Vec<&str> = e.perturbations().iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "shoulder",
            "elbow",
            "shoulder_dot",
            "elbow_dot",
            "target_shoulder",
            "target_elbow"
        ]
    );
    let drawn = e.reset(Some(9))[6..].to_vec();
    // Half a turn of the target's shoulder: the elbow target goes to the other side of the shoulder,
    // and so does the hand's (the elbow angle is unchanged).
    let obs = e.apply_perturbation(&[None, None, None, None, Some(std::f64::consts::PI), None]);
    for (got, want) in obs[6..].iter().zip(&drawn) {
        assert!((got + want).abs() < 1e-12, "{got} vs -{want}");
    }
    // A target set from outside is not turned.
    let mut r = Reacher::from_name("SocialReacher-v0").unwrap();
    let goal = [0.21, 0.0, 0.41, 0.0];
    r.set_target(&goal).unwrap();
    r.reset(Some(9));
    let obs = r.apply_perturbation(&[None, None, None, None, Some(1.0), Some(1.0)]);
    assert_eq!(&obs[6..], &goal);
}
