//! AntBulletEnv-v0 on rapier3d beside pybullet 3.2.7's (`cargo bench --bench ant -- [--episodes N] [--env ID]
//! [--no-python]`): the fidelity table of docs/ant.md (zero action: the torso's height and the
//! episode's length; random actions: the mean return and each reward term) and the speed table (µs a
//! step on one core under random actions and under a 64×64 tanh MLP), pybullet's measured in the same
//! run by `benches/ant_pybullet.py` in the gym-0.18 venv of tests/oracle/legacy_setup.sh.
//!
//! Both sides draw the same actions: U(−1, 1) from `np.random.RandomState(1000 + episode)`, the
//! environment seeded with the episode's index.
//!
//! A third table: the shipped actors, `Policies/ppo_actorAntBulletEnv-v0.pth` (trained here) and
//! `Policies/sb3_actorAntBulletEnv-v0.pth` (trained in pybullet by SB3), each evaluated here
//! (`--test`) and in pybullet (`benches/ant_cross_engine.py`), seeds 0 … 19.
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/env_traces/mod.rs"]
mod env_traces;

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::{self, Action};
use synapt_safety::report::Table;

const ZERO_STEPS: usize = 300;

struct Measured {
    z_end: f64,
    z_min: f64,
    zero_length: usize,
    ret: f64,
    ret_std: f64,
    terms: [f64; 4],
    length: f64,
    us_per_step: f64,
}

fn ours(id: &str, episodes: usize) -> Measured {
    let mut e = env::make(id).unwrap();
    let z = env_traces::ant_zero_action(e.as_mut(), ZERO_STEPS);
    let mut returns = Vec::new();
    let mut terms = [0.0; 4];
    let (mut seconds, mut lengths) = (0.0, 0usize);
    for ep in 0..episodes as u32 {
        let clock = Instant::now();
        let (total, t, length) = env_traces::ant_random_episode(e.as_mut(), ep);
        seconds += clock.elapsed().as_secs_f64();
        for (sum, v) in terms.iter_mut().zip(t) {
            *sum += v;
        }
        lengths += length;
        returns.push(total);
    }
    let mean = returns.iter().sum::<f64>() / episodes as f64;
    let std = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / episodes as f64).sqrt();
    Measured {
        z_end: *z.last().unwrap(),
        z_min: z.iter().cloned().fold(f64::INFINITY, f64::min),
        zero_length: z.len(),
        ret: mean,
        ret_std: std,
        terms: terms.map(|t| t / episodes as f64),
        length: lengths as f64 / episodes as f64,
        us_per_step: seconds / lengths as f64 * 1e6,
    }
}

/// µs a step with a 64×64 tanh MLP choosing the actions (its forward pass included).
fn with_mlp(id: &str, steps: usize) -> f64 {
    let mut rng = RandomState::from_int_seed(7);
    let mut layer = |i: usize, o: usize| -> Vec<Vec<f64>> {
        (0..o)
            .map(|_| (0..i).map(|_| rng.uniform(-0.3, 0.3)).collect())
            .collect()
    };
    let (w1, w2, w3) = (layer(28, 64), layer(64, 64), layer(64, 8));
    let forward = |w: &[Vec<f64>], x: &[f64]| -> Vec<f64> {
        w.iter()
            .map(|r| r.iter().zip(x).map(|(a, b)| a * b).sum::<f64>().tanh())
            .collect()
    };
    let mut e = env::make(id).unwrap();
    let mut obs = e.reset(Some(0));
    let mut seed = 1;
    let clock = Instant::now();
    for _ in 0..steps {
        let a = forward(&w3, &forward(&w2, &forward(&w1, &obs)));
        let s = e.step(black_box(&Action::Continuous(a)));
        obs = s.obs;
        if s.terminated || s.truncated {
            obs = e.reset(Some(seed));
            seed += 1;
        }
    }
    clock.elapsed().as_secs_f64() / steps as f64 * 1e6
}

fn pybullet(episodes: usize) -> Measured {
    let v = env_traces::pybullet_json(
        "benches/ant_pybullet.py",
        &[episodes.to_string(), ZERO_STEPS.to_string()],
    );
    let f = |x: &serde_json::Value| x.as_f64().unwrap();
    let t: Vec<f64> = v["terms"].as_array().unwrap().iter().map(f).collect();
    Measured {
        z_end: f(&v["zero"]["z_end"]),
        z_min: f(&v["zero"]["z_min"]),
        zero_length: v["zero"]["length"].as_u64().unwrap() as usize,
        ret: f(&v["return"]),
        ret_std: f(&v["return_std"]),
        terms: [t[0], t[1], t[2], t[3]],
        length: f(&v["length"]),
        us_per_step: f(&v["us_per_step"]),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let episodes = args
        .iter()
        .position(|a| a == "--episodes")
        .map_or(100, |i| args[i + 1].parse().expect("--episodes N"));
    let python = !args.iter().any(|a| a == "--no-python");
    // `--env 'AntBulletEnv-v0:multibody=true'` measures a variant of ours against the same pybullet.
    let id = args
        .iter()
        .position(|a| a == "--env")
        .map_or("AntBulletEnv-v0".to_string(), |i| args[i + 1].clone());
    let us = ours(&id, episodes);
    let mlp = with_mlp(&id, 20_000);
    let them = python.then(|| pybullet(episodes));
    println!("{id}: rapier3d (ours) beside pybullet 3.2.7, {episodes} random-action episodes\n");
    let mut t = Table::new(["measure", "ours", "pybullet", "ours / pybullet"]);
    let rows: [(&str, f64, Option<f64>); 11] = [
        (
            "zero action: torso z at the end (m)",
            us.z_end,
            them.as_ref().map(|m| m.z_end),
        ),
        (
            "zero action: lowest torso z (m)",
            us.z_min,
            them.as_ref().map(|m| m.z_min),
        ),
        (
            "zero action: steps until done",
            us.zero_length as f64,
            them.as_ref().map(|m| m.zero_length as f64),
        ),
        ("random: mean return", us.ret, them.as_ref().map(|m| m.ret)),
        (
            "random: return std",
            us.ret_std,
            them.as_ref().map(|m| m.ret_std),
        ),
        (
            "random: alive",
            us.terms[0],
            them.as_ref().map(|m| m.terms[0]),
        ),
        (
            "random: progress",
            us.terms[1],
            them.as_ref().map(|m| m.terms[1]),
        ),
        (
            "random: electricity",
            us.terms[2],
            them.as_ref().map(|m| m.terms[2]),
        ),
        (
            "random: joints at limit",
            us.terms[3],
            them.as_ref().map(|m| m.terms[3]),
        ),
        (
            "random: mean length",
            us.length,
            them.as_ref().map(|m| m.length),
        ),
        (
            "µs / step, random actions",
            us.us_per_step,
            them.as_ref().map(|m| m.us_per_step),
        ),
    ];
    for (name, a, b) in rows {
        t.row([
            name.to_string(),
            format!("{a:.3}"),
            b.map_or("–".into(), |b| format!("{b:.3}")),
            b.map_or("–".into(), |b| format!("{:.2}", a / b)),
        ]);
    }
    t.row([
        "µs / step, 64×64 tanh MLP acting".to_string(),
        format!("{mlp:.1}"),
        "–".into(),
        "–".into(),
    ]);
    print!("{}", t.markdown());
    if python {
        cross_engine(20);
    }
}

/// The shipped Ant actors, one trained here (PPO) and one in pybullet (SB3,
/// `benches/ant_sb3_pybullet.sh`), each evaluated in both engines over `episodes` episodes.
fn cross_engine(episodes: usize) {
    println!(
        "\nThe shipped Ant actors in both engines, {episodes} episodes each (seeds 0 … {}):\n",
        episodes - 1
    );
    let mut t = Table::new([
        "actor",
        "trained in",
        "here",
        "pybullet 3.2.7",
        "away / home",
    ]);
    for (name, home) in [
        ("ppo_actorAntBulletEnv-v0.pth", "rapier3d (ours)"),
        ("sb3_actorAntBulletEnv-v0.pth", "pybullet (SB3)"),
    ] {
        let actor = common::shipped(name);
        if !actor.exists() {
            continue;
        }
        let (ours, theirs) = both_engines(&actor.to_string_lossy(), episodes);
        let ratio = if home.starts_with("pybullet") {
            ours / theirs
        } else {
            theirs / ours
        };
        t.row([
            format!("Policies/{name}"),
            home.to_string(),
            format!("{ours:.1}"),
            format!("{theirs:.1}"),
            format!("{ratio:.2}"),
        ]);
    }
    print!("{}", t.markdown());
}

/// The actor's mean return over `episodes` episodes here and in pybullet.
fn both_engines(actor: &str, episodes: usize) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("test.csv");
    let n = episodes.to_string();
    let o = common::run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "AntBulletEnv-v0",
            "--actor",
            actor,
            "--episodes",
            &n,
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    common::assert_ok(&o);
    let returns = common::csv_column(&std::fs::read_to_string(&csv).unwrap(), 2);
    let ours = returns.iter().sum::<f64>() / returns.len() as f64;
    let weights = dir.path().join("actor.npz");
    let script = common::root().join("benches/ant_cross_engine.py");
    common::output_ok(
        Command::new(common::python()).arg(&script).args([
            "export",
            actor,
            weights.to_str().unwrap(),
        ]),
        "failed to start PyTorch",
        "the export failed",
    );
    let v = env_traces::pybullet_json(
        "benches/ant_cross_engine.py",
        &["run".into(), weights.to_string_lossy().into_owned(), n],
    );
    (ours, v["return"].as_f64().unwrap())
}
