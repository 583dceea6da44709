//! The Box2D environments against Gymnasium 1.4 itself (pybox2d 2.3.10, `tests/oracle/box2d_fidelity.py
//! seeds`), on many seeds: the terrain `reset(seed)` draws is Gymnasium's bit for bit (so the RNG is
//! in step), and the first ten steps under the same actions agree to 1e-4 in every observation and
//! reward: on every seed for LunarLander, on most for BipedalWalker (the engines are Box2D 2.3 and a
//! patched 2.4.1 port: not bit-exact, see the README's fidelity table).
mod common;

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

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
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
        let worst = first_steps(id, &refs);
        let max = worst.iter().copied().fold(0.0, f64::max);
        eprintln!("{id}: largest difference over {STEPS} steps of {SEEDS} seeds: {max:e}");
        assert!(max <= 1e-4, "{id}: {worst:?}");
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
        let worst = first_steps(id, &refs);
        let within = worst.iter().filter(|&&w| w <= 1e-4).count();
        let shown: Vec<String> = worst.iter().map(|w| format!("{w:.0e}")).collect();
        eprintln!(
            "{id}: seeds within 1e-4 over {STEPS} steps: {within}/{SEEDS}; per seed {shown:?}"
        );
        // Not all: where a foot meets the vertex of two terrain edges, box2d-rs's edge collision
        // (2.4.1's, not 2.3's) can pick another contact and a foot's contact flag flips (the README's
        // fidelity table). 33 and 35 of 40 when this was written.
        assert!(
            within >= 30,
            "{id}: only {within}/{SEEDS} seeds within 1e-4: {shown:?}"
        );
    }
}
