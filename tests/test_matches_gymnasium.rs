//! `--test` of an actor that PyTorch trained and saved gives, per seed, the returns that Gymnasium gives
//! with the same actor (PruVer's evaluation: argmax for discrete actions, the network output otherwise):
//! - within 1e-3 of PyTorch's own float32 forward pass, whose last bits vary from one CPU kernel to
//!   another;
//! - within 1e-9 of the same weights evaluated in float64 arithmetic, as synapt-safety evaluates them:
//!   the environment and the evaluation loop are exact.

mod common;

use std::path::Path;

use common::{run_bin, run_oracle};

struct Case {
    env: &'static str,
    width: &'static str,
    extra: &'static [&'static str],
    episodes: usize,
    seed: u64,
}

fn check(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let actor = d.join("actor.pth");
    let actor_s = actor.to_str().unwrap();
    let mut train = vec!["train", case.env, actor_s, "--width", case.width];
    train.extend_from_slice(case.extra);
    run_oracle("torch_actors.py", &train);

    let (episodes, seed) = (case.episodes.to_string(), case.seed.to_string());
    let gym = |extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec![
            "evaluate",
            case.env,
            actor_s,
            "--episodes",
            &episodes,
            "--seed",
            &seed,
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&run_oracle("torch_actors.py", &args)).unwrap()
    };
    let (gym32, gym64) = (gym(&[]), gym(&["--float64"]));

    let o = run_bin(
        d,
        &[
            "--test",
            "--env",
            case.env,
            "--actor",
            actor_s,
            "--episodes",
            &episodes,
            "--seed",
            &seed,
            "--csv",
            "ours.csv",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ours = read_csv(&d.join("ours.csv"));
    for (gym, tol) in [(&gym32, 1e-3), (&gym64, 1e-9)] {
        assert_eq!(ours.len(), gym.len());
        for ((seed, ret, len), g) in ours.iter().zip(gym) {
            let (gret, glen) = (g["return"].as_f64().unwrap(), g["length"].as_u64().unwrap());
            assert_eq!(*seed, g["seed"].as_u64().unwrap());
            assert_eq!(*len, glen, "{} seed {seed}: length", case.env);
            assert!(
                (ret - gret).abs() <= tol,
                "{} seed {seed}: return {ret} vs Gymnasium {gret} (tolerance {tol})",
                case.env
            );
        }
    }
    // Guard against a comparison that cannot fail: the returns must differ between episodes.
    let first = ours[0].1;
    assert!(
        ours.iter().any(|r| r.1 != first),
        "{}: all returns equal",
        case.env
    );
}

fn read_csv(path: &Path) -> Vec<(u64, f64, u64)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[1].parse().unwrap(),
                rec[2].parse().unwrap(),
                rec[3].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn cartpole_v1_discrete_width_64() {
    // A weakly trained actor, so episodes end at different steps.
    check(&Case {
        env: "CartPole-v1",
        width: "64",
        extra: &["--epochs", "25"],
        episodes: 20,
        seed: 0,
    });
}

#[test]
fn cartpole_v0_discrete_width_128() {
    check(&Case {
        env: "CartPole-v0",
        width: "128",
        extra: &["--epochs", "15", "--seed", "3"],
        episodes: 20,
        seed: 1000,
    });
}

#[test]
fn pendulum_v1_continuous_width_128() {
    check(&Case {
        env: "Pendulum-v1",
        width: "128",
        extra: &[],
        episodes: 10,
        seed: 7,
    });
}

#[test]
fn pendulum_v1_continuous_float64_width_64() {
    check(&Case {
        env: "Pendulum-v1",
        width: "64",
        extra: &["--double", "--seed", "5"],
        episodes: 10,
        seed: 123_456,
    });
}
