//! Fidelity and speed of the Box2D environments against Gymnasium (`cargo bench --bench box2d`).
//!
//! `tests/oracle/box2d_fidelity.py measure` runs 100 seeded episodes per environment in Gymnasium 1.4
//! (pybox2d 2.3.10): Gymnasium's own heuristic controller, open-loop random actions from a seeded NumPy
//! generator (so both sides feed identical actions whatever the state), and a PPO actor trained in
//! Gymnasium (`Policies/sb3_actor<ENV>.pth`, when shipped). This bench runs the same episodes here,
//! then prints the fidelity table, how far the first observations agree and how fast they drift apart,
//! and the steps per second of one core on both sides.
//!
//! The Python results are cached in `target/box2d-fidelity/<env>.json`; `BOX2D_REFRESH=1` remeasures.
//! `BOX2D_EPISODES=n` changes the number of episodes (100 by default); `BOX2D_ENVS=id,id` picks the
//! environments.
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use synapt_safety::env::box2d::lunar_lander::heuristic as lander_heuristic;
use synapt_safety::env::rng::NpRng;
use synapt_safety::env::{self, Action, Env, Space};
use synapt_safety::policy::{Actor, Scratch};
use synapt_safety::train::net::{init_actor, Init};

/// One episode's figures.
#[derive(Default, Clone)]
struct Episode {
    ret: f64,
    len: usize,
    landed: bool,
    observations: Vec<Vec<f64>>,
}

/// A controller: called with each observation.
type Policy<'a> = Box<dyn FnMut(&[f64]) -> Action + 'a>;

fn run(env: &mut dyn Env, seed: u64, mut policy: Policy, keep: bool) -> Episode {
    let mut obs = env.reset(Some(seed));
    let mut e = Episode::default();
    if keep {
        e.observations.push(obs.clone());
    }
    loop {
        let s = env.step(&policy(&obs));
        e.ret += s.reward;
        e.len += 1;
        if keep {
            e.observations.push(s.obs.clone());
        }
        // At rest (the +100 ending) between the flags (|x| <= 0.2 in the observation's frame).
        e.landed = s.terminated && s.reward == 100.0 && s.obs[0].abs() <= 0.2;
        obs = s.obs;
        if s.terminated || s.truncated {
            return e;
        }
    }
}

/// `np.random.default_rng(10_000 + seed)`: `uniform(-1, 1, size=d)` per step, or `integers(0, n)`.
fn random_policy<'a>(space: &Space, seed: u64) -> Policy<'a> {
    let mut rng = NpRng::from_seed(10_000 + seed);
    match space.clone() {
        Space::Discrete { n } => {
            Box::new(move |_| Action::Discrete(rng.integers(0, n as i64) as usize))
        }
        Space::Box { low, .. } => Box::new(move |_| {
            Action::Continuous(
                (0..low.len())
                    .map(|_| rng.uniform(-1.0, 1.0) as f32 as f64)
                    .collect(),
            )
        }),
    }
}

fn heuristic<'a>(id: &str, continuous: bool) -> Policy<'a> {
    if id.starts_with("LunarLander") {
        Box::new(move |o| lander_heuristic(o, continuous))
    } else {
        let mut h = synapt_safety::env::box2d::bipedal_walker::WalkerHeuristic::new();
        Box::new(move |o| h.act(o))
    }
}

fn python_side(id: &str, episodes: usize, actor: Option<&Path>) -> Value {
    let dir = common::root().join("target/box2d-fidelity");
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join(format!("{id}_{episodes}.json"));
    if cache.exists() && std::env::var_os("BOX2D_REFRESH").is_none() {
        return serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    }
    eprintln!("measuring {id} in Gymnasium ({episodes} episodes) ...");
    let mut cmd = common::python_script(&common::oracle_script("box2d_fidelity.py"));
    cmd.args(["measure", id, "--episodes", &episodes.to_string()]);
    if let Some(a) = actor {
        cmd.arg("--actor").arg(a);
    }
    let out = common::output_ok(
        &mut cmd,
        "python runs",
        &format!("box2d_fidelity.py measure {id} failed"),
    );
    std::fs::write(&cache, &out.stdout).unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn theirs(py: &Value, key: &str, field: &str) -> Vec<f64> {
    py[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match &e[field] {
            Value::Bool(b) => *b as u8 as f64,
            v => v.as_f64().unwrap_or(0.0),
        })
        .collect()
}

fn row(what: &str, gym: f64, ours: f64, target: &str, ok: bool) {
    println!(
        "  {what:<34} {gym:>11.2} {ours:>11.2} {:>9.2} {target:>14} {:>5}",
        ours - gym,
        if ok { "yes" } else { "NO" }
    );
}

fn within(gym: f64, ours: f64, rel: f64) -> bool {
    (ours - gym).abs() <= rel * gym.abs()
}

/// Steps per second of one core: `policy` on the `make`d environment, resetting as episodes end.
fn rate(env: &mut dyn Env, mut policy: Policy, steps: usize) -> f64 {
    let mut obs = env.reset(Some(0));
    let (t, mut ep) = (Instant::now(), 0);
    for _ in 0..steps {
        let s = env.step(&policy(&obs));
        obs = s.obs;
        if s.terminated || s.truncated {
            ep += 1;
            obs = env.reset(Some(ep));
        }
    }
    steps as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    let root = common::root();
    let episodes: usize = std::env::var("BOX2D_EPISODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let ids = [
        "LunarLanderContinuous-v3",
        "LunarLander-v3",
        "BipedalWalker-v3",
        "BipedalWalkerHardcore-v3",
    ];
    let only = std::env::var("BOX2D_ENVS").ok();
    let chosen = |id: &&&str| {
        only.as_ref()
            .is_none_or(|o| o.split(',').any(|x| x == **id))
    };
    for id in ids
        .iter()
        .filter(|id| env::ENV_IDS.contains(id))
        .filter(chosen)
    {
        let actor_path = root.join(format!("Policies/sb3_actor{id}.pth"));
        let actor_path = actor_path.exists().then_some(actor_path);
        let py = python_side(id, episodes, actor_path.as_deref());
        let mut e = env::make(id).unwrap();
        let space = e.action_space();
        let continuous = !space.is_discrete();

        let heur: Vec<Episode> = (0..episodes as u64)
            .map(|i| run(e.as_mut(), i, heuristic(id, continuous), false))
            .collect();
        let rand: Vec<Episode> = (0..episodes as u64)
            .map(|i| run(e.as_mut(), i, random_policy(&space, i), true))
            .collect();
        let actor = actor_path.as_ref().map(|p| Actor::load(p).unwrap());
        let acted: Vec<Episode> = match &actor {
            Some(a) => (0..episodes as u64)
                .map(|i| {
                    let mut s = Scratch::default();
                    let sp = space.clone();
                    run(
                        e.as_mut(),
                        i,
                        Box::new(move |o| a.act_with(o, &sp, &mut s)),
                        false,
                    )
                })
                .collect(),
            None => Vec::new(),
        };

        println!("\n{id}: Gymnasium {} (pybox2d 2.3.10) vs ours (vendored box2d-rs: Box2D 2.4.1 with 2.3's collision, joint, mass, integration and broad phase), {episodes} episodes, seeds 0..{}", py["gymnasium"].as_str().unwrap_or("?"), episodes - 1);
        println!(
            "  {:<34} {:>11} {:>11} {:>9} {:>14} {:>5}",
            "", "Gymnasium", "ours", "diff", "target", "met"
        );
        // A row of the table: the mean of `field` over Gymnasium's `key` episodes beside ours (landings
        // in percent), and whether the two meet `target`.
        let compare = |what: &str,
                       key: &str,
                       field: &str,
                       ours: Vec<f64>,
                       target: &str,
                       ok: &dyn Fn(f64, f64) -> bool| {
            let scale = if field == "landed" { 100.0 } else { 1.0 };
            let g = scale * mean(theirs(&py, key, field).into_iter());
            let o = scale * mean(ours.into_iter());
            row(what, g, o, target, ok(g, o));
        };
        let returns = |eps: &[Episode]| eps.iter().map(|e| e.ret).collect::<Vec<_>>();
        let landings = |eps: &[Episode]| eps.iter().map(|e| e.landed as u8 as f64).collect();
        let lander = id.starts_with("LunarLander");
        compare(
            "heuristic: mean return",
            "heuristic",
            "return",
            returns(&heur),
            "within 5%",
            &|g, o| within(g, o, 0.05),
        );
        if lander {
            compare(
                "heuristic: landings (%)",
                "heuristic",
                "landed",
                landings(&heur),
                "within 5 pts",
                &|g, o| (o - g).abs() <= 5.0,
            );
        }
        compare(
            "random actions: mean return",
            "random",
            "return",
            returns(&rand),
            "within 10%",
            &|g, o| within(g, o, 0.10),
        );
        compare(
            "random actions: mean length",
            "random",
            "length",
            rand.iter().map(|e| e.len as f64).collect(),
            "within 10%",
            &|g, o| within(g, o, 0.10),
        );
        if !acted.is_empty() {
            compare(
                "PPO actor (SB3): mean return",
                "actor",
                "return",
                returns(&acted),
                "within 10%",
                &|g, o| within(g, o, 0.10),
            );
            if lander {
                compare(
                    "PPO actor (SB3): landings (%)",
                    "actor",
                    "landed",
                    landings(&acted),
                    "",
                    &|_, _| true,
                );
            }
        }

        // The heuristic's episodes (closed loop) by length and return. (Gymnasium's walker heuristic
        // hands the environment a float64 array: NumPy computes its energy cost in float64 and its
        // motor torques round from float64, where our environments round actions to float32 first.)
        let same_heuristic = heur
            .iter()
            .zip(theirs(&py, "heuristic", "length"))
            .filter(|(e, n)| e.len as f64 == *n)
            .count();
        let heuristic_gap = heur
            .iter()
            .zip(theirs(&py, "heuristic", "return"))
            .map(|(e, r)| (e.ret - r).abs())
            .fold(0.0, f64::max);

        // Divergence of the open-loop random-action episodes: the largest |difference| over every
        // observation component and every episode still running on both sides, by step; and the
        // episodes identical to the last bit (every observation, and the length).
        let mut same_random = 0;
        let marks = [0usize, 1, 10, 50, 100, 200, 400, 1000, 1600];
        let mut worst = vec![0.0f64; marks.len()];
        let mut median_at = vec![Vec::new(); marks.len()];
        for (ep, ours) in rand.iter().enumerate() {
            let Some(obs) = py["random"][ep]["observations"].as_array() else {
                continue;
            };
            let mut max_so_far = 0.0f64;
            let mut identical = ours.observations.len() == obs.len();
            for (t, (a, b)) in ours.observations.iter().zip(obs).enumerate() {
                let b = common::json_f64s(b);
                identical &= *a == b;
                let d = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0, f64::max);
                max_so_far = max_so_far.max(d);
                if let Some(k) = marks.iter().position(|&m| m == t) {
                    worst[k] = worst[k].max(max_so_far);
                    median_at[k].push(max_so_far);
                }
            }
            same_random += usize::from(identical);
        }
        println!(
            "  same episodes: heuristic {same_heuristic}/{episodes} of the same length (returns within {heuristic_gap:.0e}), random actions {same_random}/{episodes} identical to the last bit"
        );
        println!("  largest |observation difference| up to step t (random actions, episodes still running):");
        print!("  {:<12}", "t");
        for m in marks {
            print!(" {m:>9}");
        }
        print!("\n  {:<12}", "worst");
        for w in &worst {
            print!(" {w:>9.1e}");
        }
        print!("\n  {:<12}", "median");
        for m in median_at.iter_mut() {
            m.sort_by(f64::total_cmp);
            match m.get(m.len() / 2) {
                Some(v) => print!(" {v:>9.1e}"),
                None => print!(" {:>9}", "-"),
            }
        }
        println!("\n  episodes running at t:");
        print!("  {:<12}", "");
        for k in &median_at {
            print!(" {:>9}", k.len());
        }
        println!();

        // Throughput, one core.
        let steps = 20_000;
        let ours_random = rate(e.as_mut(), random_policy(&space, 0), steps);
        // A 128x128 actor with small deterministic weights (the speed of a forward pass does not
        // depend on them).
        let big = init_actor(
            &[e.observation_space().size(), 128, 128, space.size()],
            Init::TorchDefault,
            &mut NpRng::from_seed(1),
        );
        let sp = space.clone();
        let mut s = Scratch::default();
        let ours_actor = rate(
            e.as_mut(),
            Box::new(move |o| big.act_with(o, &sp, &mut s)),
            steps,
        );
        let sps = &py["steps_per_second"];
        let (g_r, g_a) = (
            sps["random"].as_f64().unwrap(),
            sps["actor128"].as_f64().unwrap(),
        );
        println!("  steps per second, one core      Gymnasium        ours    ratio");
        println!(
            "  {:<30} {g_r:>11.0} {ours_random:>11.0} {:>7.1}x",
            "random actions",
            ours_random / g_r
        );
        println!(
            "  {:<30} {g_a:>11.0} {ours_actor:>11.0} {:>7.1}x",
            "128x128 actor",
            ours_actor / g_a
        );
        // What Gymnasium's step spends in Box2D's C++ alone: an engine doing the same arithmetic
        // (bit-exact) cannot step faster than that unless it beats Box2D's C++ at it.
        if let Some(engine) = py["box2d_step_seconds"].as_f64() {
            let (theirs_us, ours_us, engine_us) = (1e6 / g_r, 1e6 / ours_random, engine * 1e6);
            println!(
                "  Gymnasium's random-action step {theirs_us:.1} us, of which Box2D's C++ world.Step {engine_us:.1} us ({:.0}%); ours {ours_us:.1} us, whole step",
                100.0 * engine_us / theirs_us
            );
            println!(
                "  10x Gymnasium would take {:.1} us a step: {:.1}x faster than Box2D's C++ world.Step alone",
                theirs_us / 10.0,
                engine_us / (theirs_us / 10.0)
            );
        }
    }
}
