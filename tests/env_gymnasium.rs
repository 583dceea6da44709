//! CartPole-v0/v1 and Pendulum-v1 against Gymnasium 1.4.0 itself (NumPy 2): the oracle
//! `tests/oracle/gym_traces.py` records Gymnasium's episodes, and the Rust environments replay the same
//! actions. Observations, rewards, flags and the full-precision internal state must be bit-identical.
mod common;

use serde_json::Value;
use synapt_safety::env::classic::{cartpole::CartPole, pendulum::Pendulum};
use synapt_safety::env::rng::{seed_sequence_state, NpRng};
use synapt_safety::env::{make, Action, Env, Space, ENV_IDS};

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
    head.iter()
        .map(|s| s.to_string())
        .chain(seeds.iter().map(u64::to_string))
        .collect()
}

/// The oracle prints floats as Python reprs in strings; Rust's parser is correctly rounded, so this is
/// the exact f64 Python had.
fn num(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a float string: {v}"))
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Bitwise equality (so that 0.0 and -0.0 differ), with the values in the message.
#[track_caller]
fn assert_same(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(bits(got), bits(want), "{what}: got {got:?}, want {want:?}");
}

/// The bare environment beside the `make`d one, for its full-precision state.
enum Bare {
    CartPole(CartPole),
    Pendulum(Pendulum),
}

impl Bare {
    fn new(id: &'static str) -> Self {
        match id {
            "Pendulum-v1" => Bare::Pendulum(Pendulum::new()),
            _ => Bare::CartPole(CartPole::new(id)),
        }
    }
    fn env(&mut self) -> &mut dyn Env {
        match self {
            Bare::CartPole(e) => e,
            Bare::Pendulum(e) => e,
        }
    }
    fn state(&self) -> Vec<f64> {
        match self {
            Bare::CartPole(e) => e.state().to_vec(),
            Bare::Pendulum(e) => e.state().to_vec(),
        }
    }
}

fn check_traces(id: &'static str) {
    let seeds = trace_seeds();
    let data = oracle(&args(&["traces", id], &seeds));
    let cases = data.as_array().unwrap();
    assert_eq!(cases.len(), seeds.len());
    let (mut steps, mut terminated, mut truncated) = (0, 0, 0);
    for case in cases {
        let seed = case["seed"].as_u64().unwrap();
        let mut env = make(id).unwrap();
        let mut bare = Bare::new(id);
        for (e, ep) in case["episodes"].as_array().unwrap().iter().enumerate() {
            let reset_seed = ep["seed"].as_u64();
            let at = format!("{id} seed {seed} episode {e}");
            let obs = env.reset(reset_seed);
            bare.env().reset(reset_seed);
            assert_same(&obs, &nums(&ep["reset_obs"]), &format!("{at} reset obs"));
            assert_same(
                &bare.state(),
                &nums(&ep["reset_state"]),
                &format!("{at} reset state"),
            );
            for (t, st) in ep["steps"].as_array().unwrap().iter().enumerate() {
                let at = format!("{at} step {t}");
                let action = if st["action"].is_u64() {
                    Action::Discrete(st["action"].as_u64().unwrap() as usize)
                } else {
                    // The float32 torque Gymnasium got, exactly.
                    Action::Continuous(vec![num(&st["action"])])
                };
                let s = env.step(&action);
                bare.env().step(&action);
                assert_same(&s.obs, &nums(&st["obs"]), &format!("{at} obs"));
                assert_same(&[s.reward], &[num(&st["reward"])], &format!("{at} reward"));
                assert_same(&bare.state(), &nums(&st["state"]), &format!("{at} state"));
                assert_eq!(s.terminated, st["terminated"].as_bool().unwrap(), "{at}");
                assert_eq!(s.truncated, st["truncated"].as_bool().unwrap(), "{at}");
                steps += 1;
                terminated += s.terminated as usize;
                truncated += s.truncated as usize;
            }
        }
    }
    eprintln!(
        "{id}: {} seeds, {steps} steps bit-identical ({terminated} terminated, {truncated} truncated)",
        seeds.len()
    );
    // The episodes must reach both ends (Pendulum never terminates), and go past them.
    assert!(steps > 5000 && truncated > 0);
    assert!(terminated > 0 || id == "Pendulum-v1");
}

#[test]
fn cartpole_v0_traces() {
    check_traces("CartPole-v0");
}

#[test]
fn cartpole_v1_traces() {
    check_traces("CartPole-v1");
}

#[test]
fn pendulum_v1_traces() {
    check_traces("Pendulum-v1");
}

#[test]
fn reset_states() {
    let seeds: Vec<u64> = (0..200).chain(BIG_SEEDS).collect();
    for id in ["CartPole-v1", "Pendulum-v1"] {
        let data = oracle(&args(&["resets", id], &seeds));
        let mut bare = Bare::new(id);
        for (case, &seed) in data.as_array().unwrap().iter().zip(&seeds) {
            assert_eq!(case["seed"].as_u64(), Some(seed));
            let obs = bare.env().reset(Some(seed));
            assert_same(&obs, &nums(&case["obs"]), &format!("{id} seed {seed} obs"));
            assert_same(
                &bare.state(),
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
    let ids: Vec<String> = ENV_IDS.iter().map(|s| s.to_string()).collect();
    let data = oracle(&[vec!["spaces".to_string()], ids].concat());
    for id in ENV_IDS {
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
        let want_words: Vec<u32> = case["seed_seq_state"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap() as u32)
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
