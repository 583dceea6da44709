//! `cargo bench --bench train [-- ENV ... --no-sb3 --seed S --hyperparameters PATH]`: PPO (`--ppo default`, the
//! `hyperparameters.yml` entries) against Stable-Baselines3's PPO with the RL Zoo's tuned
//! hyperparameters (`benches/train_sb3.py`, run here on the same machine), racing to a threshold of the
//! mean return over 100 deterministic episodes (seeds 0..99). Prints the environment steps and the
//! wall time to first reach it, and the evaluation at the end. Not a test: it prints a table.
//!
//! Both sides evaluate every `eval_every` steps with the clock paused, so the times are training
//! only (rollouts and updates). SB3 runs PyTorch on one thread, as libtorch does here.
//!
//! With no ENV, the classic races run; LunarLanderContinuous-v2 (≥ 200), BipedalWalker-v3 (≥ 250) and
//! InvertedPendulumSwingupLongRailBulletEnv-v0 (≥ 800; SB3 on pybullet itself) run when named (SB3
//! trains on Gymnasium's LunarLanderContinuous-v3, PruVer's v2 is no longer registered there).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Instant;

use synapt_safety::config::Hyperparameters;
use synapt_safety::report::{Summary, Table};
use synapt_safety::rollout;
use synapt_safety::train::{self, Overrides, Preset, Trainer};

struct Race {
    env: &'static str,
    threshold: f64,
    max_steps: u64,
    eval_every: u64,
    /// Raced only when named on the command line (the Box2D races take SB3 tens of minutes to hours).
    on_request: bool,
}

const RACES: &[Race] = &[
    Race {
        env: "CartPole-v1",
        threshold: 475.0,
        max_steps: 300_000,
        eval_every: 8_192,
        on_request: false,
    },
    Race {
        env: "Pendulum-v1",
        threshold: -200.0,
        max_steps: 600_000,
        eval_every: 8_192,
        on_request: false,
    },
    Race {
        env: "MountainCarContinuous-v0",
        threshold: 90.0,
        max_steps: 300_000,
        eval_every: 8_192,
        on_request: false,
    },
    Race {
        env: "LunarLanderContinuous-v2",
        threshold: 200.0,
        max_steps: 1_500_000,
        eval_every: 65_536,
        on_request: true,
    },
    Race {
        env: "BipedalWalker-v3",
        threshold: 250.0,
        max_steps: 6_000_000,
        eval_every: 327_680,
        on_request: true,
    },
    Race {
        env: "InvertedPendulumSwingupLongRailBulletEnv-v0",
        threshold: 800.0,
        max_steps: 2_000_000,
        eval_every: 65_536,
        on_request: true,
    },
];

struct Outcome {
    trainer: String,
    to_threshold: Option<(u64, f64)>,
    final_steps: u64,
    final_mean: f64,
    final_std: f64,
}

fn ours(race: &Race, hyper: &Hyperparameters, seed: u64) -> Outcome {
    let probe = synapt_safety::env::make(race.env).unwrap();
    let discrete = probe.action_space().is_discrete();
    let over = Overrides {
        preset: Some(Preset::Default),
        seed: Some(seed),
        iterations: None,
    };
    let (cfg, _) = train::config::resolve(Some(hyper), race.env, discrete, &over).unwrap();
    tch::set_num_threads(1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let opts = hyper.env_options(race.env).unwrap();
    let mut t = Trainer::new(race.env, opts, cfg, tch::Device::Cpu).unwrap();
    let mut next_eval = race.eval_every;
    let mut last = (0, f64::NAN, f64::NAN);
    let mut reached = None;
    while t.timesteps < race.max_steps {
        t.iterate().unwrap();
        if t.timesteps >= next_eval || t.timesteps >= race.max_steps {
            next_eval += race.eval_every;
            // Not counted: `wall_s` only accumulates inside `iterate`.
            let eps = rollout::evaluate(race.env, &t.actor_mlp(), 100, 0).unwrap();
            let s = Summary::of(&eps.iter().map(|e| e.ret).collect::<Vec<_>>());
            last = (t.timesteps, s.mean, s.std);
            eprintln!(
                "ours {}: {} steps, {:.1} s training: {:.1} ± {:.1}",
                race.env, t.timesteps, t.wall_s, s.mean, s.std
            );
            if s.mean >= race.threshold {
                reached = Some((t.timesteps, t.wall_s));
                break;
            }
        }
    }
    Outcome {
        trainer: format!("synapt-safety PPO (default, {} env threads)", threads),
        to_threshold: reached,
        final_steps: last.0,
        final_mean: last.1,
        final_std: last.2,
    }
}

fn sb3(race: &Race, seed: u64) -> Option<Outcome> {
    let python = common::python_path();
    let script = common::root().join("benches/train_sb3.py");
    let out = Command::new(&python)
        .arg(script)
        .args([
            race.env.to_string(),
            race.threshold.to_string(),
            race.max_steps.to_string(),
            race.eval_every.to_string(),
            seed.to_string(),
        ])
        // Its progress (every evaluation) shows as it runs; the result is the last stdout line.
        .stderr(std::process::Stdio::inherit())
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(_) => {
            eprintln!(
                "SB3 on {} failed, its error is above (is stable-baselines3 installed? \
                 scripts/requirements.txt)",
                race.env
            );
            return None;
        }
        Err(e) => {
            eprintln!("cannot run {}: {e}", python.to_string_lossy());
            return None;
        }
    };
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last()?).ok()?;
    Some(Outcome {
        trainer: v["trainer"].as_str()?.to_string(),
        to_threshold: v["reached"].as_bool()?.then(|| {
            (
                v["steps_to_threshold"].as_u64().unwrap(),
                v["seconds_to_threshold"].as_f64().unwrap(),
            )
        }),
        final_steps: v["final_steps"].as_u64()?,
        final_mean: v["final_mean"].as_f64()?,
        final_std: v["final_std"].as_f64()?,
    })
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let no_sb3 = args.iter().any(|a| a == "--no-sb3");
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .map_or(0, |s| s.parse().expect("--seed takes an integer"));
    let hyper_path = args
        .iter()
        .position(|a| a == "--hyperparameters")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| common::root().join("hyperparameters.yml"), |p| p.into());
    let envs: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.starts_with("--")
                && a.parse::<u64>().is_err()
                && !(*i > 0 && args[i - 1] == "--hyperparameters")
        })
        .map(|(_, a)| a)
        .collect();
    let hyper = Hyperparameters::load(&hyper_path).expect("the hyperparameters file");
    let mut table = Table::new([
        "environment",
        "threshold",
        "trainer",
        "steps to threshold",
        "wall s to threshold",
        "final eval (100 episodes)",
        "at steps",
    ]);
    let started = Instant::now();
    for race in RACES.iter().filter(|r| {
        if envs.is_empty() {
            !r.on_request
        } else {
            envs.iter().any(|e| *e == r.env)
        }
    }) {
        eprintln!("racing {} to {} ...", race.env, race.threshold);
        let mut outcomes = vec![ours(race, &hyper, seed)];
        if !no_sb3 {
            outcomes.extend(sb3(race, seed));
        }
        for o in outcomes {
            table.row([
                race.env.to_string(),
                format!("≥ {}", race.threshold),
                o.trainer,
                o.to_threshold
                    .map_or(format!("not in {}", race.max_steps), |t| t.0.to_string()),
                o.to_threshold.map_or("–".into(), |t| format!("{:.1}", t.1)),
                format!("{:.1} ± {:.1}", o.final_mean, o.final_std),
                o.final_steps.to_string(),
            ]);
        }
    }
    println!("{table}");
    println!(
        "seed {seed}; evaluations every few thousand steps, clock paused; total {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
