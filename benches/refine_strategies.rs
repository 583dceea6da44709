//! `cargo bench --bench refine_strategies`: PruVer's refinement (`--refine-strategy pruver`) against
//! ours (`tune`) on PruVer's experiment and its neighbours, each run as a user types it.
//!
//! Per environment and strategy: prune, falsify, refine, re-falsify the refined actor with a new seed
//! (`--falsify --refine`), then
//! - held out: a second campaign against the *pruned* actor (seed + 500, same budget) finds failures
//!   refinement never saw; how many the refined actor still fails (same criterion);
//! - Gymnasium: the refined `.pth` evaluated by PyTorch in Gymnasium 1.4 (tests/oracle/torch_actors.py),
//!   100 episodes, seeds 1000–1099, PruVer's evaluation of its refined actor (219.4 at 56.8%).
//!
//! Prints a Markdown table; docs/refine.md records it. `REFINE_BENCH_ONLY=LunarLander` runs the rows
//! whose name contains it.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::time::Instant;

use synapt_safety::env;
use synapt_safety::falsify::catalog::Catalog;
use synapt_safety::policy::Actor;
use synapt_safety::refine::{self, EnvRef, Method};
use synapt_safety::report::Table;
use synapt_safety::trajectory::read_failures;

struct Case {
    name: &'static str,
    env: &'static str,
    gymnasium: &'static str,
    /// The dense actor: a shipped one, or the authors' (tests/authors-actors).
    actor: &'static str,
    authors: bool,
    k: &'static str,
    /// Campaign flags (spec, methods, budget, seed).
    campaign: &'static [&'static str],
    seed: u64,
}

const PRUVER_SETTING: &[&str] = &[
    "--falsify-method",
    "test",
    "--spec",
    "return_nonnegative",
    "--budget",
    "95",
];

const CASES: &[Case] = &[
    Case {
        name: "LunarLander, authors' actor, PruVer's setting",
        env: "LunarLanderContinuous-v2",
        gymnasium: "LunarLanderContinuous-v3",
        actor: "ppo_actorLunarLanderContinuous-v2.pth",
        authors: true,
        k: "0.7",
        campaign: PRUVER_SETTING,
        seed: 1,
    },
    Case {
        name: "LunarLander, authors' actor, defaults (BO, not_fall)",
        env: "LunarLanderContinuous-v2",
        gymnasium: "LunarLanderContinuous-v3",
        actor: "ppo_actorLunarLanderContinuous-v2.pth",
        authors: true,
        k: "0.7",
        campaign: &[],
        seed: 1,
    },
    Case {
        name: "CartPole-v0, shipped actor, the main job's setting",
        env: "CartPole-v0",
        gymnasium: "CartPole-v0",
        actor: "ppo_actorCartPole-v0.pth",
        authors: false,
        k: "0.78",
        campaign: &[
            "--spec",
            "upright",
            "--falsify-method",
            "bo,random",
            "--budget",
            "100",
        ],
        seed: 0,
    },
    Case {
        name: "BipedalWalker-v3, shipped actor, PruVer's setting",
        env: "BipedalWalker-v3",
        gymnasium: "BipedalWalker-v3",
        actor: "ppo_actorBipedalWalker-v3.pth",
        authors: false,
        k: "0.5",
        campaign: PRUVER_SETTING,
        seed: 1,
    },
];

/// The cells of the row `skip` lines below the rounds table's header (its columns widen when the dense
/// actor fails too, so the header is found by its first and last words).
fn cells_after(out: &str, skip: usize) -> Vec<&str> {
    out.lines()
        .skip_while(|l| !(l.starts_with("round  failures") && l.ends_with("(re-falsify)")))
        .nth(skip)
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default()
}

fn main() {
    let only = std::env::var("REFINE_BENCH_ONLY").ok();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("refinement strategies, {cores} cores; Gymnasium: 100 episodes, seeds 1000–1099\n");
    let mut t = Table::new([
        "experiment",
        "strategy",
        "sparsity",
        "failures fixed",
        "held-out still failing",
        "re-falsified",
        "Gymnasium mean return",
        "wall s",
    ]);
    for case in CASES {
        if only
            .as_ref()
            .is_some_and(|o| !case.name.contains(o.as_str()))
        {
            continue;
        }
        for strategy in ["pruver", "tune"] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            std::fs::create_dir_all(d.join("Policies")).unwrap();
            let dense_rel = format!("Policies/{}", case.actor);
            let source = if case.authors {
                common::root().join("tests/authors-actors").join(case.actor)
            } else {
                common::shipped(case.actor)
            };
            std::fs::copy(source, d.join(&dense_rel)).unwrap();
            let seed = case.seed.to_string();
            let mut args = vec![
                "--env",
                case.env,
                "--actor",
                &dense_rel,
                "--prune",
                "--k",
                case.k,
                "--falsify",
                "--refine",
                "--refine-strategy",
                strategy,
                "--seed",
                &seed,
                "--episodes",
                "1",
            ];
            args.extend_from_slice(case.campaign);
            let start = Instant::now();
            let o = common::run_bin(d, &args);
            let wall = start.elapsed().as_secs_f64();
            let out = common::stdout(&o);
            let round1 = cells_after(&out, 2);
            let refined_rel = format!("Policies/ppo_actor_refined{}.pth", case.env);
            let refined_path = d.join(&refined_rel);
            if round1.is_empty() || !refined_path.exists() {
                eprintln!(
                    "{}: {strategy}: no refinement:\n{out}\n{}",
                    case.name,
                    common::stderr(&o)
                );
                continue;
            }
            // cells: round, failures, fixed, restored, sparsity, refine s, new failures
            let fixed = round1[round1.len() - 5];
            let sparsity = round1[round1.len() - 3];
            let refalsified = round1[round1.len() - 1];

            // Held out: the pruned actor's failures of a campaign with another seed.
            let pruned_rel = format!(
                "Policies/{}_{}.pth",
                case.actor.trim_end_matches(".pth"),
                case.k
            );
            let held_seed = (case.seed + 500).to_string();
            let mut hargs = vec![
                "--env",
                case.env,
                "--actor",
                &pruned_rel,
                "--falsify",
                "--seed",
                &held_seed,
            ];
            hargs.extend_from_slice(case.campaign);
            let h = common::run_bin(d, &hargs);
            common::assert_ok(&h);
            let held = held_out(
                d,
                case,
                &pruned_rel,
                &dense_rel,
                &refined_path,
                &common::stdout(&h),
            );

            let v: serde_json::Value = serde_json::from_str(&common::run_oracle(
                "torch_actors.py",
                &[
                    "evaluate",
                    case.gymnasium,
                    refined_path.to_str().unwrap(),
                    "--episodes",
                    "100",
                    "--seed",
                    "1000",
                ],
            ))
            .unwrap();
            let returns: Vec<f64> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["return"].as_f64().unwrap())
                .collect();
            let mean = returns.iter().sum::<f64>() / returns.len() as f64;
            t.row([
                case.name.to_string(),
                strategy.to_string(),
                sparsity.to_string(),
                fixed.to_string(),
                held,
                refalsified.to_string(),
                format!("{mean:.1}"),
                format!("{wall:.1}"),
            ]);
            eprintln!("{}: {strategy} done in {wall:.1} s", case.name);
        }
    }
    print!("{}", t.markdown());
}

/// "n/m": of the m failures (the dense actor passes) a second campaign found against the pruned
/// actor, how many the refined actor still fails.
fn held_out(
    d: &Path,
    case: &Case,
    pruned_rel: &str,
    dense_rel: &str,
    refined: &Path,
    out: &str,
) -> String {
    let probe = env::make(case.env).unwrap();
    let spec_name = out
        .lines()
        .find_map(|l| l.split("against `").nth(1))
        .and_then(|s| s.split('`').next())
        .unwrap()
        .to_string();
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(d.join("Failure_Trajectories"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            let stem = pruned_rel
                .trim_start_matches("Policies/")
                .trim_end_matches(".pth");
            n.contains(stem) && !n.contains("evaluations") && n.ends_with(".csv")
        })
        .collect();
    let spec = Catalog::load(None)
        .unwrap()
        .get(probe.as_ref(), Some(&spec_name))
        .unwrap();
    let thresholds = refine::Thresholds::defaults(case.env);
    let (_, fixed_by) = refine::criteria(Method::Pruver, thresholds);
    let envr = EnvRef {
        id: case.env,
        options: env::EnvOptions::default(),
    };
    let dense = Actor::load(&d.join(dense_rel)).unwrap();
    let refined = Actor::load(refined).unwrap();
    let (mut still, mut total) = (0, 0);
    for f in files {
        let file = read_failures(
            &f,
            case.env,
            probe.observation_names(),
            &probe.action_space(),
        )
        .unwrap();
        let dense_ok = refine::check_fixed(envr, &dense, &file.failures, fixed_by, &spec).unwrap();
        let ok = refine::check_fixed(envr, &refined, &file.failures, fixed_by, &spec).unwrap();
        for (d, r) in dense_ok.iter().zip(&ok) {
            if *d {
                total += 1;
                still += usize::from(!*r);
            }
        }
    }
    format!("{still}/{total}")
}
