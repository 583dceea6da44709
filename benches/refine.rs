//! `cargo bench --bench refine`: PruVer's refinement on the same inputs in synapt-safety and in Python
//! (PyTorch + Gymnasium, one step at a time as PruVer runs it: tests/oracle/refine_oracle.py).
//!
//! The inputs: the shipped PPO CartPole-v0 actor, pruned at k = 0.78, and the failures of a random
//! campaign against `upright` (`always(abs(theta) <= 0.2)`). Prints a table of the time of each step
//! and whether both restored the same weights; docs/speed.md records its figures.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use synapt_safety::env;
use synapt_safety::falsify::catalog::Catalog;
use synapt_safety::policy::Actor;
use synapt_safety::refine::{self, EnvRef, Method, Thresholds};
use synapt_safety::report::Table;
use synapt_safety::trajectory::read_failures;

const ENV: &str = "CartPole-v0";

fn main() {
    let budget = std::env::var("REFINE_BENCH_BUDGET").unwrap_or_else(|_| "25".into());
    let dir = common::workdir_with("ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let d = dir.path();
    let dense_rel = "Policies/ppo_actorCartPole-v0.pth";
    common::assert_ok(&common::run_bin(
        d,
        &[
            "--prune",
            "--k",
            "0.78",
            "--episodes",
            "1",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            &budget,
            "--spec",
            "upright",
            "--env",
            ENV,
            "--actor",
            dense_rel,
        ],
    ));
    let dense_path = d.join(dense_rel);
    let pruned_path = d.join("Policies/ppo_actorCartPole-v0_0.78.pth");
    let failures_path =
        d.join("Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_random.csv");

    let probe = env::make(ENV).unwrap();
    let file = read_failures(
        &failures_path,
        ENV,
        probe.observation_names(),
        &probe.action_space(),
    )
    .unwrap();
    let spec = Catalog::load(None)
        .unwrap()
        .get(probe.as_ref(), Some("upright"))
        .unwrap();
    let dense = Actor::load(&dense_path).unwrap();
    let pruned = Actor::load(&pruned_path).unwrap();
    let req = refine::Request {
        env: EnvRef {
            id: ENV,
            options: env::EnvOptions::default(),
        },
        dense: &dense,
        pruned: &pruned,
        failures: &file.failures,
        spec: &spec,
        method: Method::Pruver,
        strategy: refine::Strategy::Pruver,
        tune: Default::default(),
        thresholds: Thresholds::default(),
        max_failures: None,
        progress: None,
    };
    // Best of 3.
    let mut best = None::<(f64, refine::Outcome)>;
    for _ in 0..3 {
        let t = Instant::now();
        let o = refine::refine(&req).unwrap();
        let s = t.elapsed().as_secs_f64();
        if best.as_ref().is_none_or(|(b, _)| s < *b) {
            best = Some((s, o));
        }
    }
    let (ours_total, ours) = best.unwrap();

    let t = Instant::now();
    let v = common::python_json(
        common::python_script(&common::oracle_script("refine_oracle.py"))
            .args(["--env", ENV, "--dense"])
            .arg(&dense_path)
            .arg("--pruned")
            .arg(&pruned_path)
            .arg("--failures")
            .arg(&failures_path)
            .args(["--spec-var", "theta", "--spec-bound", "0.2"]),
    );
    let py_wall = t.elapsed().as_secs_f64();
    let secs = |k: &str| v["seconds"][k].as_f64().unwrap();
    let py_counts: Vec<usize> = common::json_u64s(&v["restored_counts"])
        .into_iter()
        .map(|c| c as usize)
        .collect();

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "refinement, {ENV}: {} failures of `upright` (random campaign, budget {budget}) against the PPO \
         actor pruned at k = 0.78; {cores} cores, {cpu}",
        file.failures.len()
    );
    let episodes: usize = ours.recoveries.iter().map(|r| r.episodes).sum();
    let mut t = Table::new(["step", "synapt-safety s", "Python s", "speed-up"]);
    let row = |t: &mut Table, name: &str, a: f64, b: f64| {
        t.row([
            name.to_string(),
            format!("{a:.3}"),
            format!("{b:.3}"),
            format!("{:.0}×", b / a),
        ]);
    };
    row(
        &mut t,
        &format!("recovery states ({episodes} episodes)"),
        ours.timings.recovery,
        secs("recovery"),
    );
    row(&mut t, "gradient", ours.timings.gradient, secs("gradient"));
    row(
        &mut t,
        "restoration (re-running the failures)",
        ours.timings.restoration,
        secs("restoration"),
    );
    let py_total = secs("recovery") + secs("gradient") + secs("restoration");
    row(
        &mut t,
        "total (ours incl. replay check)",
        ours_total,
        py_total,
    );
    print!("{t}");
    println!(
        "restored per layer: synapt-safety {:?}, Python {:?} ({}); fixed {}/{} vs {}/{}; Python \
         process wall {py_wall:.1} s",
        ours.restored,
        py_counts,
        if ours.restored == py_counts {
            "same counts"
        } else {
            "DIFFERENT"
        },
        ours.fixed,
        ours.total,
        v["fixed"],
        v["failures"]
    );
}
