//! CartPole-v0/v1, Pendulum-v1 and MountainCarContinuous-v0 against Gymnasium 1.4.0 itself (NumPy 2):
//! the oracle `tests/oracle/gym_traces.py` records Gymnasium's episodes (perturbed on odd seeds), and the
//! Rust environments replay the same actions. Observations, rewards, flags and the full-precision
//! internal state must be bit-identical. (tests/env_legacy.rs runs the NumPy 1 side.)
mod common;
mod env_traces;

use env_traces::{check_traces, Match};
use serde_json::Value;
use synapt_safety::env::rng::{seed_sequence_state, NpRng};
use synapt_safety::env::{make, EnvOptions, Space};

/// The ids Gymnasium itself registers.
const GYMNASIUM_IDS: [&str; 4] = [
    "CartPole-v0",
    "CartPole-v1",
    "Pendulum-v1",
    "MountainCarContinuous-v0",
];

/// Seeds of two 32-bit words exercise SeedSequence's multi-word entropy.
const BIG_SEEDS: [u64; 6] = [
    12345,
    (1 << 32) - 1,
    1 << 32,
    (1 << 32) + 7,
    (1 << 63) + 1,
    u64::MAX,
];

fn trace_seeds() -> Vec<u64> {
    (0..20).chain(BIG_SEEDS).collect()
}

fn oracle(args: &[String]) -> Value {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::run_oracle("gym_traces.py", &args);
    serde_json::from_str(&out).expect("oracle printed invalid JSON")
}

fn args(head: &[&str], seeds: &[u64]) -> Vec<String> {
    env_traces::args(head, seeds)
}

fn num(v: &Value) -> f64 {
    env_traces::num(v)
}

fn nums(v: &Value) -> Vec<f64> {
    env_traces::nums(v)
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Bitwise equality (so that 0.0 and -0.0 differ), with the values in the message.
#[track_caller]
fn assert_same(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(bits(got), bits(want), "{what}: got {got:?}, want {want:?}");
}

fn check(id: &str) -> env_traces::Stats {
    let st = check_traces(
        &common::python(),
        id,
        &trace_seeds(),
        EnvOptions::default(),
        Match::Exact,
    );
    // The episodes must reach both ends (Pendulum never terminates), go past them, and be perturbed.
    assert!(
        st.steps > 5000 && st.truncated > 0 && st.perturbed > 0,
        "{id}"
    );
    st
}

#[test]
fn cartpole_v0_traces() {
    assert!(check("CartPole-v0").terminated > 0);
}

#[test]
fn cartpole_v1_traces() {
    assert!(check("CartPole-v1").terminated > 0);
}

#[test]
fn pendulum_v1_traces() {
    check("Pendulum-v1");
}

#[test]
fn mountain_car_continuous_traces() {
    assert!(check("MountainCarContinuous-v0").terminated > 0);
}

#[test]
fn reset_states() {
    let seeds: Vec<u64> = (0..200).chain(BIG_SEEDS).collect();
    for id in ["CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0"] {
        let data = oracle(&args(&["resets", id], &seeds));
        let mut env = make(id).unwrap();
        for (case, &seed) in data.as_array().unwrap().iter().zip(&seeds) {
            assert_eq!(case["seed"].as_u64(), Some(seed));
            let obs = env.reset(Some(seed));
            assert_same(&obs, &nums(&case["obs"]), &format!("{id} seed {seed} obs"));
            assert_same(
                &env.snapshot().state,
                &nums(&case["state"]),
                &format!("{id} seed {seed} state"),
            );
        }
    }
}

fn space_of(v: &Value) -> Space {
    match v.get("discrete") {
        Some(n) => Space::Discrete {
            n: n.as_u64().unwrap() as usize,
        },
        None => {
            assert_eq!(v["dtype"], "float32");
            Space::Box {
                low: nums(&v["low"]),
                high: nums(&v["high"]),
            }
        }
    }
}

#[test]
fn spaces_and_time_limits() {
    let ids: Vec<String> = GYMNASIUM_IDS.iter().map(|s| s.to_string()).collect();
    let data = oracle(&[vec!["spaces".to_string()], ids].concat());
    for id in GYMNASIUM_IDS.iter() {
        let want = &data[*id];
        let env = make(id).unwrap();
        assert_eq!(env.id(), *id);
        assert_eq!(
            env.observation_space(),
            space_of(&want["observation"]),
            "{id}"
        );
        assert_eq!(env.action_space(), space_of(&want["action"]), "{id}");
        assert_eq!(
            env.max_episode_steps(),
            Some(want["max_episode_steps"].as_u64().unwrap() as usize),
            "{id}"
        );
    }
}

#[test]
fn numpy_generator_draws() {
    let seeds: Vec<u64> = (0..5).chain(BIG_SEEDS).collect();
    let data = oracle(&args(&["rng"], &seeds));
    for (case, &seed) in data.as_array().unwrap().iter().zip(&seeds) {
        let want_words: Vec<u32> = common::json_u64s(&case["seed_seq_state"])
            .into_iter()
            .map(|w| w as u32)
            .collect();
        assert_eq!(
            seed_sequence_state(seed).to_vec(),
            want_words,
            "seed {seed}"
        );

        let mut rng = NpRng::from_seed(seed);
        let hex = |v: &Value| u128::from_str_radix(&v.as_str().unwrap()[2..], 16).unwrap();
        assert_eq!(
            rng.pcg_state(),
            (hex(&case["pcg_state"]), hex(&case["pcg_inc"])),
            "seed {seed}"
        );

        for (i, d) in case["draws"].as_array().unwrap().iter().enumerate() {
            let d = d.as_array().unwrap();
            let at = format!("seed {seed} draw {i} {d:?}");
            match d[0].as_str().unwrap() {
                "random" => assert_same(&[rng.random()], &[num(&d[1])], &at),
                "uniform" => {
                    assert_same(&[rng.uniform(num(&d[1]), num(&d[2]))], &[num(&d[3])], &at)
                }
                "integers" => {
                    let (lo, hi) = (d[1].as_i64().unwrap(), d[2].as_i64().unwrap());
                    assert_eq!(rng.integers(lo, hi), d[3].as_i64().unwrap(), "{at}");
                }
                "next_u64" => assert_eq!(
                    rng.next_u64(),
                    d[1].as_str().unwrap().parse::<u64>().unwrap(),
                    "{at}"
                ),
                other => panic!("unknown draw {other}"),
            }
        }
    }
}
