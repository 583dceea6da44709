//! Shared by the environment tests: replay the reference's recorded episodes (tests/oracle/gym_traces.py)
//! in Rust, perturbations included, and compare step by step, bit for bit or within a tolerance. A test
//! that uses it declares `mod common;` too.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::{make_with, perturb, Action, Env, EnvOptions, Perturbation};

use crate::common::{oracle_script, output_ok};

/// The interpreters of the gym-0.18-era reference stacks (NumPy 1, NumPy 2), installed once by
/// tests/oracle/legacy_setup.sh.
pub fn legacy_pythons() -> &'static (PathBuf, PathBuf) {
    static PY: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    PY.get_or_init(|| {
        let out = output_ok(
            Command::new("bash").arg(oracle_script("legacy_setup.sh")),
            "failed to run tests/oracle/legacy_setup.sh",
            "tests/oracle/legacy_setup.sh failed (it installs gym 0.18, gym-cartpole-swingup and \
             pybullet from PyPI)",
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines().map(PathBuf::from);
        (lines.next().unwrap(), lines.next().unwrap())
    })
}

/// Run `script` (a path under the repository) with `args` in the gym-0.18 / pybullet venv (NumPy 1)
/// and parse the JSON line it prints: pybullet writes its build time on stdout too, so the result is
/// the line that starts with `{`.
pub fn pybullet_json(script: &str, args: &[String]) -> Value {
    let (py, _) = legacy_pythons();
    let out = output_ok(
        Command::new(py)
            .arg(crate::common::root().join(script))
            .args(args),
        "failed to start pybullet's side",
        &format!("{script} {args:?} failed"),
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let line = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("{script} printed no JSON line: {text}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{script}: {e}: {line}"))
}

/// The Ant's reward terms, as its `info` names them.
pub const ANT_TERMS: [&str; 4] = ["alive", "progress", "electricity", "joints_at_limit"];

/// AntBulletEnv-v0 from seed 0 with zero action until it ends or `limit` steps: the torso's height
/// after each step (obs[0] is z − z0, and z0 = 0.75 at a reset at rest).
pub fn ant_zero_action(e: &mut dyn Env, limit: usize) -> Vec<f64> {
    e.reset(Some(0));
    let mut z = Vec::new();
    for _ in 0..limit {
        let s = e.step(&Action::Continuous(vec![0.0; 8]));
        z.push(s.obs[0] + 0.75);
        if s.terminated {
            break;
        }
    }
    z
}

/// One AntBulletEnv-v0 episode as benches/ant_pybullet.py plays it: the environment seeded with `ep`,
/// actions U(−1, 1) from `np.random.RandomState(1000 + ep)`. Returns the return, each of
/// [`ANT_TERMS`] summed, and the length.
pub fn ant_random_episode(e: &mut dyn Env, ep: u32) -> (f64, [f64; 4], usize) {
    let mut rng = RandomState::from_int_seed(1000 + ep);
    e.reset(Some(ep as u64));
    let (mut total, mut terms, mut length) = (0.0, [0.0; 4], 0);
    loop {
        let a: Vec<f64> = (0..8).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let s = e.step(&Action::Continuous(a));
        total += s.reward;
        for (t, name) in terms.iter_mut().zip(ANT_TERMS) {
            *t += s.info.get(name).expect("the ant reports its reward terms");
        }
        length += 1;
        if s.terminated || s.truncated {
            return (total, terms, length);
        }
    }
}

/// Run the trace oracle with `python`.
pub fn oracle(python: &Path, args: &[String]) -> Value {
    let out = output_ok(
        Command::new(python)
            .arg(oracle_script("gym_traces.py"))
            .args(args),
        "failed to start the Python oracle",
        &format!("oracle gym_traces.py {args:?} failed"),
    );
    serde_json::from_slice(&out.stdout).expect("oracle printed invalid JSON")
}

pub fn args(head: &[&str], seeds: &[u64]) -> Vec<String> {
    head.iter()
        .map(|s| s.to_string())
        .chain(seeds.iter().map(u64::to_string))
        .collect()
}

/// The oracle prints floats as Python reprs in strings; Rust's parser is correctly rounded, so this is
/// the exact f64 Python had.
pub fn num(v: &Value) -> f64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a float string: {v}"))
}

pub fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

/// A recorded perturbation: parameter names and their values as float strings.
pub fn perturbation(p: &Value) -> Perturbation {
    Perturbation(
        p.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), num(v)))
            .collect(),
    )
}

/// How close the Rust values must be.
#[derive(Debug, Clone, Copy)]
pub enum Match {
    /// Bitwise equality (0.0 and -0.0 differ; NaNs match NaNs).
    Exact,
    /// Within an absolute tolerance.
    Within(f64),
}

/// What a comparison found.
#[derive(Debug, Default)]
pub struct Stats {
    pub steps: usize,
    pub terminated: usize,
    pub truncated: usize,
    pub perturbed: usize,
    /// The largest absolute difference seen in observations and states.
    pub max_diff: f64,
    /// The largest absolute difference seen in rewards.
    pub max_reward_diff: f64,
}

fn same(got: f64, want: f64) -> bool {
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

#[track_caller]
fn compare(got: &[f64], want: &[f64], m: Match, what: &str, max: &mut f64) {
    assert_eq!(got.len(), want.len(), "{what}: got {got:?}, want {want:?}");
    for (g, w) in got.iter().zip(want) {
        let d = (g - w).abs();
        if d.is_finite() {
            *max = max.max(d);
        }
        match m {
            Match::Exact => assert!(same(*g, *w), "{what}: got {got:?}, want {want:?}"),
            Match::Within(tol) => assert!(
                same(*g, *w) || d <= tol,
                "{what}: got {got:?}, want {want:?} (difference {d:e} > {tol:e})"
            ),
        }
    }
}

/// The observation `obs` and the state of `env` against the episode's `<which>_obs` and `<which>_state`.
#[track_caller]
fn compare_obs_state(
    env: &dyn Env,
    obs: &[f64],
    ep: &Value,
    which: &str,
    m: Match,
    at: &str,
    max: &mut f64,
) {
    compare(
        obs,
        &nums(&ep[format!("{which}_obs")]),
        m,
        &format!("{at} {which} obs"),
        max,
    );
    compare(
        &env.snapshot().state,
        &nums(&ep[format!("{which}_state")]),
        m,
        &format!("{at} {which} state"),
        max,
    );
}

/// Replay every recorded episode of `id` for `seeds` and compare with the reference run by `python`.
pub fn check_traces(
    python: &Path,
    id: &str,
    seeds: &[u64],
    options: EnvOptions,
    m: Match,
) -> Stats {
    let data = oracle(python, &args(&["traces", id], seeds));
    let cases = data.as_array().unwrap();
    assert_eq!(cases.len(), seeds.len());
    let mut st = Stats::default();
    for case in cases {
        let seed = case["seed"].as_u64().unwrap();
        let mut env = make_with(id, options).unwrap();
        for (e, ep) in case["episodes"].as_array().unwrap().iter().enumerate() {
            let reset_seed = ep["seed"].as_u64();
            let at = format!("{id} {options:?} seed {seed} episode {e}");
            let obs = env.reset(reset_seed);
            let mut max = 0.0;
            compare_obs_state(env.as_ref(), &obs, ep, "reset", m, &at, &mut max);
            if let Some(p) = ep.get("perturbation") {
                let obs = perturb::apply(env.as_mut(), &perturbation(p)).unwrap();
                compare_obs_state(env.as_ref(), &obs, ep, "perturbed", m, &at, &mut max);
                st.perturbed += 1;
            }
            for (t, s) in ep["steps"].as_array().unwrap().iter().enumerate() {
                let at = format!("{at} step {t}");
                let action = if s["action"].is_u64() {
                    Action::Discrete(s["action"].as_u64().unwrap() as usize)
                } else {
                    // The float32 action the reference got, exactly.
                    Action::Continuous(vec![num(&s["action"])])
                };
                let step = env.step(&action);
                compare(
                    &step.obs,
                    &nums(&s["obs"]),
                    m,
                    &format!("{at} obs"),
                    &mut max,
                );
                let mut rmax = 0.0;
                compare(
                    &[step.reward],
                    &[num(&s["reward"])],
                    m,
                    &format!("{at} reward"),
                    &mut rmax,
                );
                st.max_reward_diff = st.max_reward_diff.max(rmax);
                compare(
                    &env.snapshot().state,
                    &nums(&s["state"]),
                    m,
                    &format!("{at} state"),
                    &mut max,
                );
                assert_eq!(step.terminated, s["terminated"].as_bool().unwrap(), "{at}");
                assert_eq!(step.truncated, s["truncated"].as_bool().unwrap(), "{at}");
                st.steps += 1;
                st.terminated += step.terminated as usize;
                st.truncated += step.truncated as usize;
            }
            st.max_diff = f64::max(st.max_diff, max);
        }
    }
    eprintln!(
        "{id} {options:?}: {} seeds, {} steps ({} terminated, {} truncated, {} perturbed episodes), \
         max |difference| {:e} (obs, state), {:e} (reward)",
        seeds.len(),
        st.steps,
        st.terminated,
        st.truncated,
        st.perturbed,
        st.max_diff,
        st.max_reward_diff
    );
    st
}
