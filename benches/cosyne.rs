//! `cargo bench --bench cosyne [-- --runs 50 --tasks 1,2,3,4,5,mc --mc-seeds 10]`: CoSyNE on the
//! pole-balancing benchmarks it was published on, beside the paper's table (Gomez et al. 2008, Table 2:
//! mean evaluations to solve over 50 runs), and the seed repository's MountainCarContinuous setting
//! beside its README's claim. Not a test: it prints tables. Settings are the `cosyne:` entries of
//! `hyperparameters.yml` (the damping task is the non-Markov double pole's entry with
//! `fitness: damping`), so `--train --algo cosyne` runs exactly what is measured here. Beside it, CMA-ES
//! (`src/cma.rs`) on the same network, counted the same way, as the paper compares them.

use std::path::Path;
use std::time::Instant;

use synapt_safety::cma::{CmaEs, CmaOptions};
use synapt_safety::config::Hyperparameters;
use synapt_safety::env::classic::gomez;
use synapt_safety::env::{self, EnvOptions};
use synapt_safety::policy::{Activation, Actor, Dtype, Head, Linear};
use synapt_safety::report::Table;
use synapt_safety::rollout;
use synapt_safety::train::cosyne::{self, Cosyne, CosyneConfig, Fitness};
use synapt_safety::train::Learner;

struct Task {
    key: &'static str,
    name: &'static str,
    env: &'static str,
    damping: bool,
    /// The paper's mean evaluations (and its other methods, for the table).
    paper: f64,
    /// The paper's CMA-ES on the task.
    cma: &'static str,
    others: &'static str,
}

const TASKS: &[Task] = &[
    Task {
        key: "1",
        name: "1 pole, Markov",
        env: "SinglePole-v0",
        damping: false,
        paper: 98.0,
        cma: "283",
        others: "ESP 289",
    },
    Task {
        key: "2",
        name: "1 pole, non-Markov",
        env: "SinglePoleNoVel-v0",
        damping: false,
        paper: 127.0,
        cma: "–",
        others: "ESP 589",
    },
    Task {
        key: "3",
        name: "2 poles, Markov",
        env: "DoublePole-v0",
        damping: false,
        paper: 954.0,
        cma: "895",
        others: "ESP 3,800, NEAT 3,600",
    },
    Task {
        key: "4",
        name: "2 poles, non-Markov (standard)",
        env: "DoublePoleNoVel-v0",
        damping: false,
        paper: 1249.0,
        cma: "3,521",
        others: "–",
    },
    Task {
        key: "5",
        name: "2 poles, non-Markov (damping)",
        env: "DoublePoleNoVel-v0",
        damping: true,
        paper: 3416.0,
        cma: "6,061",
        others: "NEAT 6,929",
    },
];

struct Args {
    runs: u64,
    tasks: Vec<String>,
    mc_seeds: u64,
}

fn args() -> Args {
    let mut a = Args {
        runs: 50,
        tasks: ["1", "2", "3", "4", "5", "mc"].map(String::from).to_vec(),
        mc_seeds: 10,
    };
    let argv: Vec<String> = std::env::args()
        .skip(1)
        .filter(|s| s != "--bench")
        .collect();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let value = it.next().cloned().unwrap_or_default();
        match flag.as_str() {
            "--runs" => a.runs = value.parse().expect("--runs N"),
            "--tasks" => a.tasks = value.split(',').map(String::from).collect(),
            "--mc-seeds" => a.mc_seeds = value.parse().expect("--mc-seeds N"),
            other => panic!("unknown flag {other}; see the header of benches/cosyne.rs"),
        }
    }
    a
}

/// One run to its end; the state it ended in and its wall time.
fn run(env: &str, cfg: &CosyneConfig) -> (cosyne::State, f64) {
    let files = cosyne::Files::default_for(env);
    let t = Instant::now();
    let mut c = Cosyne::new(env, EnvOptions::default(), cfg.clone(), &files).expect("a valid run");
    while c.iteration() < c.total() {
        c.step().expect("a generation");
    }
    (c.state().clone(), t.elapsed().as_secs_f64())
}

/// The CoSyNE network of `cfg` (one tanh hidden layer without biases, tanh output, Elman when
/// recurrent) from a flat vector: layer 1, layer 2, then the context weights.
fn network(x: &[f64], n_in: usize, cfg: &CosyneConfig) -> Actor {
    let h = cfg.hidden;
    let (w1, rest) = x.split_at(h * n_in);
    let (w2, r) = rest.split_at(h);
    let linear = |i: usize, o: usize, w: &[f64]| Linear {
        in_features: i,
        out_features: o,
        weight: w.to_vec(),
        bias: None,
    };
    let mut a = Actor::new(vec![linear(n_in, h, w1), linear(h, 1, w2)], Dtype::F64);
    a.activations = vec![Activation::Tanh];
    a.head = Head::Tanh;
    a.recurrent = cfg.recurrent.then(|| r.to_vec());
    a
}

/// The CMA-ES baseline on the same network and task: `src/cma.rs` (PyPI cmaes's constants), mean 0,
/// σ0 1, default λ; evaluations counted candidate by candidate to the first that solves (as CoSyNE's),
/// at most `budget`. Returns the evaluations when solved.
fn cma_run(task: &Task, cfg: &CosyneConfig, seed: u32, budget: u64) -> Option<u64> {
    let n_in = env::make(task.env).unwrap().observation_space().size();
    let h = cfg.hidden;
    let n = h * n_in + h + if cfg.recurrent { h * h } else { 0 };
    let opts = CmaOptions {
        seed,
        ..Default::default()
    };
    let mut es = CmaEs::new(vec![0.0; n], 1.0, opts).unwrap();
    let mut used = 0u64;
    let limit = if task.damping {
        gomez::GENERALISATION_STEPS
    } else {
        gomez::SOLVED_STEPS
    };
    while used < budget {
        let xs = es.ask();
        let results = rollout::par_map(task.env, EnvOptions::default(), &xs, |e, x| {
            let actor = network(x, n_in, cfg);
            let mut last = std::collections::VecDeque::with_capacity(100);
            let ep = rollout::run_episode_stepped(e, &actor, 0, limit, false, |s| {
                if last.len() == 100 {
                    last.pop_front();
                }
                last.push_back(s.info.get("wobble").unwrap_or(0.0));
            });
            let fitness = if task.damping {
                gomez::gruau_fitness(ep.length, last.iter().sum())
            } else {
                ep.length as f64
            };
            Ok((fitness, ep.length))
        })
        .unwrap();
        for (x, &(_, steps)) in xs.iter().zip(&results) {
            used += 1;
            let solved = steps >= limit
                && (!task.damping || {
                    let actor = network(x, n_in, cfg);
                    let (b, _) =
                        cosyne::damping_test(task.env, EnvOptions::default(), &actor).unwrap();
                    b.is_some_and(|b| b >= gomez::GENERALISATION_PASS)
                });
            if solved {
                return Some(used);
            }
        }
        let f: Vec<f64> = results.iter().map(|r| -r.0).collect();
        es.tell(&xs, &f).unwrap();
    }
    None
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

fn main() {
    let a = args();
    let hyper =
        Hyperparameters::load(Path::new("hyperparameters.yml")).expect("hyperparameters.yml");
    let threads = rayon::current_num_threads();
    println!(
        "CoSyNE (variant paper) on Gomez's pole balancing: {} runs per task (seeds 0…{}), {threads} \
         threads; solved = a network balances 100,000 steps (damping: and ≥ 200 of 625 generalisation \
         starts)\n",
        a.runs,
        a.runs - 1
    );
    let mut t = Table::new(vec![
        "task",
        "network",
        "solved",
        "evaluations (mean)",
        "median",
        "paper",
        "ours / paper",
        "wall s per run (mean)",
        "CMA-ES here: solved, mean (median)",
        "paper's CMA-ES",
        "others in the paper",
    ]);
    for task in TASKS.iter().filter(|t| a.tasks.iter().any(|k| k == t.key)) {
        let mut cfg = cosyne::resolve(Some(&hyper), task.env, None, None).expect("settings");
        if task.damping {
            cfg.fitness = Fitness::Damping;
        }
        let mut evals = Vec::new();
        let mut walls = Vec::new();
        let mut solved = 0;
        for seed in 0..a.runs {
            cfg.seed = seed;
            let (s, wall) = run(task.env, &cfg);
            walls.push(wall);
            if let Some(sv) = s.solved {
                solved += 1;
                evals.push(sv.evaluations as f64);
            }
        }
        let m = mean(&evals);
        // The CMA-ES baseline, at most as many evaluations as CoSyNE's generation cap allows.
        let budget = (cfg.generations * cfg.subpopulation) as u64;
        // Not on the damping task: every candidate that balances 1,000 steps would take its
        // generalisation test one at a time, minutes per run.
        let cma: Vec<f64> = if task.damping {
            Vec::new()
        } else {
            (0..a.runs)
                .filter_map(|seed| cma_run(task, &cfg, seed as u32, budget))
                .map(|e| e as f64)
                .collect()
        };
        eprintln!(
            "{}: {solved}/{} solved, mean {m:.0} evaluations, {:.1} s; CMA-ES {}/{}, mean {:.0}",
            task.name,
            a.runs,
            walls.iter().sum::<f64>(),
            cma.len(),
            a.runs,
            mean(&cma)
        );
        t.row(vec![
            task.name.into(),
            format!(
                "{}→{}{}→1, m = {}",
                match task.env {
                    "SinglePole-v0" => 4,
                    "SinglePoleNoVel-v0" => 2,
                    "DoublePole-v0" => 6,
                    _ => 3,
                },
                cfg.hidden,
                if cfg.recurrent { "↺" } else { "" },
                cfg.subpopulation
            ),
            format!("{solved}/{}", a.runs),
            format!("{m:.0}"),
            format!("{:.0}", median(&evals)),
            format!("{:.0}", task.paper),
            format!("{:.2}", m / task.paper),
            format!("{:.3}", mean(&walls)),
            if task.damping {
                "not run".into()
            } else {
                format!(
                    "{}/{}, {:.0} ({:.0})",
                    cma.len(),
                    a.runs,
                    mean(&cma),
                    median(&cma)
                )
            },
            task.cma.into(),
            task.others.into(),
        ]);
    }
    print!("{t}");

    if a.tasks.iter().any(|k| k == "mc") {
        let env = "MountainCarContinuous-v0";
        let cfg = cosyne::resolve(Some(&hyper), env, None, None).expect("settings");
        println!(
            "\nThe seed repository's CoSyne_RL setting on {env} (variant {:?}): solved = parent 1's \
             evaluation > 90 (200 steps, done ignored); at most {} generations\n",
            cfg.variant, cfg.generations
        );
        let mut t = Table::new(vec!["seed", "solved at generation", "evaluations", "CPU s"]);
        let mut solved = 0;
        let mut cpu = Vec::new();
        for seed in 0..a.mc_seeds {
            let mut c = cfg.clone();
            c.seed = seed;
            let (s, wall) = run(env, &c);
            cpu.push(wall);
            solved += s.solved.is_some() as usize;
            t.row(vec![
                seed.to_string(),
                s.solved.map_or("–".into(), |sv| sv.generation.to_string()),
                s.evaluations.to_string(),
                format!("{wall:.2}"),
            ]);
        }
        print!("{t}");
        println!(
            "solved {solved}/{} (the repo's measured: 5/10, at generations 115, 47, 20, 449, 45; \
             \"~2 s of CPU\"); mean wall {:.2} s per run",
            a.mc_seeds,
            mean(&cpu)
        );
    }
}
