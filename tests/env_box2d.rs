//! The Box2D environments against Gymnasium 1.4 itself (pybox2d 2.3.10, `tests/oracle/box2d_fidelity.py
//! seeds`), on many seeds: the terrain `reset(seed)` draws is Gymnasium's bit for bit (so the RNG is
//! in step), and the first ten steps under the same actions agree in every observation and reward on
//! every seed: to the last bit on x86-64 (the vendored engine is box2d-rs with Box2D 2.3's code put
//! back, see `vendor/box2d-rs/PATCHES.md`), and to the 1e-4 wherever pybox2d's C++ may have
//! been compiled with fused multiply-adds.
mod common;

use common::json_f64s as floats;
use serde_json::Value;
use synapt_safety::env::box2d::bipedal_walker::BipedalWalker;
use synapt_safety::env::box2d::lunar_lander::{chunk_x, LunarLander, CHUNKS};
use synapt_safety::env::rng::NpRng;
use synapt_safety::env::{make, Action, Env, Space};

const SEEDS: u64 = 40;
const STEPS: usize = 10;

fn reference(id: &str) -> Vec<Value> {
    let out = common::run_oracle(
        "box2d_fidelity.py",
        &[
            "seeds",
            id,
            "--seeds",
            &SEEDS.to_string(),
            "--steps",
            &STEPS.to_string(),
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    v["seeds"].as_array().unwrap().clone()
}

/// `np.random.default_rng(10_000 + seed)`'s actions, as the oracle draws them.
fn actions(space: &Space, seed: u64) -> impl FnMut() -> Action {
    let mut rng = NpRng::from_seed(10_000 + seed);
    let space = space.clone();
    move || match &space {
        Space::Discrete { n } => Action::Discrete(rng.integers(0, *n as i64) as usize),
        Space::Box { low, .. } => Action::Continuous(
            (0..low.len())
                .map(|_| rng.uniform(-1.0, 1.0) as f32 as f64)
                .collect(),
        ),
    }
}

/// The largest difference from Gymnasium over the first steps of each seed, observations and rewards.
fn first_steps(id: &str, refs: &[Value]) -> Vec<f64> {
    let mut env = make(id).unwrap();
    let space = env.action_space();
    let mut per_seed = Vec::new();
    for r in refs {
        let mut worst = 0.0f64;
        let seed = r["seed"].as_u64().unwrap();
        let want: Vec<Vec<f64>> = r["observations"]
            .as_array()
            .unwrap()
            .iter()
            .map(floats)
            .collect();
        let rewards = floats(&r["rewards"]);
        let mut next = actions(&space, seed);
        let mut got = vec![env.reset(Some(seed))];
        let mut got_rewards = Vec::new();
        for _ in 1..want.len() {
            let s = env.step(&next());
            got.push(s.obs);
            got_rewards.push(s.reward);
        }
        assert_eq!(got.len(), want.len(), "{id} seed {seed}");
        for (g, w) in got.iter().zip(&want) {
            for (a, b) in g.iter().zip(w) {
                worst = worst.max((a - b).abs());
            }
        }
        for (a, b) in got_rewards.iter().zip(&rewards) {
            worst = worst.max((a - b).abs());
        }
        per_seed.push(worst);
    }
    per_seed
}

/// Every seed's largest difference is 0 on x86-64, where pybox2d's wheel and Rust both round every
/// f32 operation on its own; elsewhere (a C++ compiler may fuse multiply-adds) within 1e-4.
fn agree(id: &str, worst: &[f64]) {
    let limit = if cfg!(target_arch = "x86_64") {
        0.0
    } else {
        1e-4
    };
    let shown: Vec<String> = worst.iter().map(|w| format!("{w:.0e}")).collect();
    let within = worst.iter().filter(|&&w| w <= limit).count();
    eprintln!("{id}: seeds within {limit:e} over {STEPS} steps: {within}/{SEEDS}");
    assert_eq!(within, worst.len(), "{id}: per seed {shown:?}");
    assert_eq!(worst.len(), SEEDS as usize);
}

#[test]
fn lunar_lander_terrain_is_gymnasiums_and_first_steps_agree() {
    for id in ["LunarLanderContinuous-v3", "LunarLander-v3"] {
        let refs = reference(id);
        assert_eq!(refs.len(), SEEDS as usize);
        for r in &refs {
            let seed = r["seed"].as_u64().unwrap();
            let mut env = LunarLander::new("LunarLander-v3", false);
            env.reset(Some(seed));
            let heights = env.terrain_heights();
            let want = floats(&r["terrain"]);
            assert_eq!(want.len(), CHUNKS);
            assert_eq!(heights.to_vec(), want, "{id} seed {seed}: terrain");
            assert_eq!(chunk_x(CHUNKS - 1), 20.0);
        }
        agree(id, &first_steps(id, &refs));
    }
}

#[test]
fn bipedal_walker_terrain_is_gymnasiums_and_first_steps_agree() {
    for (id, hardcore) in [
        ("BipedalWalker-v3", false),
        ("BipedalWalkerHardcore-v3", true),
    ] {
        let refs = reference(id);
        for r in &refs {
            let seed = r["seed"].as_u64().unwrap();
            let mut env = BipedalWalker::new("BipedalWalker-v3", hardcore);
            env.reset(Some(seed));
            let t = env.terrain();
            let want = floats(&r["terrain"]);
            let got: Vec<f64> = t.x.iter().chain(&t.y).copied().collect();
            assert_eq!(got, want, "{id} seed {seed}: terrain");
        }
        agree(id, &first_steps(id, &refs));
    }
}
