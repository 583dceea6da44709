//! `cargo bench --bench falsify [-- --seeds N --first-seed S --case NAME ... --no-gpyopt --timeout SECS
//! --gpyopt-timeout SECS --iterations N]`:
//! `synapt-safety --falsify` (GP-BO) against GPyOpt 1.2.6 itself, PruVer's predecessor's falsifier
//! (`benches/falsify_gpyopt.py`, in its own virtual environment made by `benches/gpyopt_setup.sh`),
//! side by side on this machine with the same actor, specification, box and budget (5 initial points
//! + 200 BO iterations, or `--iterations N`). Not a test: it prints a table.
//!
//! Per campaign: the wall time (of the whole process, and of the campaign alone as each tool reports
//! it), the time per BO iteration outside the simulation ((campaign − simulation) / iterations), the
//! failures found (robustness < 0) and the evaluations to the first one. Our evaluations come from the
//! `_bo_evaluations.csv` the binary writes; GPyOpt's from the script's JSON.
//!
//! "Same objective" is checked, not assumed: every point of our first campaign is evaluated again by
//! the GPyOpt script's objective (Gymnasium + a NumPy forward pass of the exported actor), and the two
//! robustness values must agree within 1e-9.
//!
//! Cases (`--case`, default `cartpole`, `pendulum` and `lunar`):
//! - `cartpole`: CartPole-v0, `Policies/ppo_actorCartPole-v0.pth` pruned at k = 0.75 (PruVer's
//!   prune), `upright: always(abs(theta) <= 0.2)`, box x, x_dot, theta, theta_dot ∈ [−0.05, 0.05].
//! - `cartpole-position`: the same actor against `position: always(abs(x) <= 2.4)`, which no point
//!   of this box violates (the pole falls first); timing only.
//! - `pendulum`: Pendulum-v1, `Policies/ppo_actorPendulum-v1.pth` pruned at k = 0.3,
//!   `return_300: at_end(return >= -300)`, box cos θ ∈ [−1, 1], sin θ ∈ [0, 1], θ̇ ∈ [−1, 1].
//! - `lunar`: LunarLanderContinuous-v3, `Policies/ppo_actorLunarLanderContinuous-v2.pth` pruned at
//!   k = 0.7 (PruVer's), `flags: always(abs(x) <= 0.4)`, the lander moved with its legs by x ∈ [−2, 2],
//!   y ∈ [−3, 0], vx ∈ [−2, 2], vy ∈ [−2, 1], angle ∈ [−0.3, 0.3]. Our Box2D steps as pybox2d does,
//!   so this case too must agree within 1e-9.
//!
//! GPyOpt's environment has NumPy 1 (GPy needs it), whose float32 promotion differs from NumPy 2 in
//! Pendulum's last bits; our side is given `numpy: 1` for the environment, so both simulate the same
//! Gymnasium.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use synapt_safety::falsify::catalog::Catalog;
use synapt_safety::policy::Actor;
use synapt_safety::report::{median, Table};

const BIN: &str = env!("CARGO_BIN_EXE_synapt-safety");
const INIT_POINTS: usize = 5;
/// BO iterations after the initial design (`--iterations N`, default PruVer's 200).
const ITERATIONS: usize = 200;

struct Case {
    name: &'static str,
    env: &'static str,
    actor: &'static str,
    k: Option<f64>,
    spec: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "cartpole",
        env: "CartPole-v0",
        actor: "Policies/ppo_actorCartPole-v0.pth",
        k: Some(0.75),
        spec: "upright",
    },
    Case {
        name: "cartpole-position",
        env: "CartPole-v0",
        actor: "Policies/ppo_actorCartPole-v0.pth",
        k: Some(0.75),
        spec: "position",
    },
    Case {
        name: "pendulum",
        env: "Pendulum-v1",
        actor: "Policies/ppo_actorPendulum-v1.pth",
        k: Some(0.3),
        spec: "return_300",
    },
    Case {
        name: "lunar",
        env: "LunarLanderContinuous-v3",
        actor: "Policies/ppo_actorLunarLanderContinuous-v2.pth",
        k: Some(0.7),
        spec: "flags",
    },
];

/// One campaign's outcome.
#[derive(Debug, Clone)]
struct Run {
    tool: String,
    seed: u64,
    /// Spawn to exit, measured here.
    process_s: f64,
    /// The campaign as the tool times it (ours: the summary table's `wall s`; GPyOpt: construction and
    /// `run_optimization`).
    campaign_s: f64,
    simulation_s: f64,
    evaluations: usize,
    failures: usize,
    /// 0-based index of the first failing evaluation.
    first_failure: Option<usize>,
    min_robustness: f64,
    /// How spread out the failures are: see `failure_spacing`.
    spacing: f64,
    /// Set when the process ran past the timeout or failed.
    problem: Option<String>,
}

impl Run {
    fn failed(tool: &str, seed: u64, process_s: f64, why: String) -> Run {
        Run {
            tool: tool.to_string(),
            seed,
            process_s,
            campaign_s: f64::NAN,
            simulation_s: f64::NAN,
            evaluations: 0,
            failures: 0,
            first_failure: None,
            min_robustness: f64::NAN,
            spacing: f64::NAN,
            problem: Some(why),
        }
    }

    /// Seconds per BO iteration outside the simulation.
    fn per_iteration_s(&self) -> f64 {
        (self.campaign_s - self.simulation_s) / self.evaluations.saturating_sub(INIT_POINTS) as f64
    }
}

/// The median, over the failures, of the distance to the nearest other failure, in the box scaled to
/// the unit cube (NaN with fewer than two failures). A search that finds many failures close together
/// (a local one) has a small spacing; one that finds them across the failure region, a large one.
fn failure_spacing(failures: &[&[f64]], bounds: &[(f64, f64)]) -> f64 {
    let unit: Vec<Vec<f64>> = failures
        .iter()
        .map(|p| {
            p.iter()
                .zip(bounds)
                .map(|(v, (lo, hi))| (v - lo) / (hi - lo))
                .collect()
        })
        .collect();
    let nearest: Vec<f64> = unit
        .iter()
        .enumerate()
        .map(|(i, a)| {
            unit.iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, b)| {
                    a.iter()
                        .zip(b)
                        .map(|(x, y)| (x - y).powi(2))
                        .sum::<f64>()
                        .sqrt()
                })
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    if nearest.len() < 2 {
        return f64::NAN;
    }
    median(nearest)
}

/// Run `cmd` to completion or `timeout`; returns (stdout, stderr, success, seconds).
fn run_timed(
    cmd: &mut Command,
    timeout: Duration,
) -> std::io::Result<(String, String, Option<bool>, f64)> {
    let t = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes on threads so a chatty child never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let ho = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let he = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break Some(st);
        }
        if t.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let secs = t.elapsed().as_secs_f64();
    let (out, err) = (ho.join().unwrap(), he.join().unwrap());
    Ok((out, err, status.map(|s| s.success()), secs))
}

/// The `bo` or `random` row of the binary's summary table: (wall s, simulation s).
fn summary_times(stdout: &str, method: &str) -> Option<(f64, f64)> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(method))?;
    let cells: Vec<&str> = line.split_whitespace().collect();
    // method evaluations failures first min wall simulation surrogate
    let n = cells.len();
    Some((cells[n - 3].parse().ok()?, cells[n - 2].parse().ok()?))
}

/// Every evaluation of a `_evaluations.csv`: (seed, parameter values, robustness).
fn read_evaluations(path: &Path) -> Vec<(u64, Vec<f64>, f64)> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (seed, rob) = (col("seed"), col("robustness"));
    let params: Vec<usize> = (0..headers.len())
        .filter(|&i| {
            ![
                "evaluation",
                "seed",
                "robustness",
                "return",
                "length",
                "failed",
            ]
            .contains(&&headers[i])
        })
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[seed].parse().unwrap(),
                params.iter().map(|&i| rec[i].parse().unwrap()).collect(),
                rec[rob].parse().unwrap(),
            )
        })
        .collect()
}

struct Setup<'a> {
    work: &'a Path,
    hyper: &'a Path,
    actor: &'a Path,
    case: &'a Case,
    /// The searched parameters' bounds, in the evaluations files' column order.
    bounds: Vec<(f64, f64)>,
    timeout: Duration,
    gpyopt_timeout: Duration,
    /// BO iterations after the initial design.
    iterations: usize,
}

/// One campaign of `synapt-safety --falsify`: `bo` (its default trust region), `bo-global` (`--bo-region
/// global`, GPyOpt's search region) or `random`; returns the outcome and its evaluations file.
fn ours(s: &Setup, variant: &str, seed: u64) -> (Run, Option<PathBuf>) {
    let dir = s.work.join(format!("ours-{variant}-{seed}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (method, region) = match variant {
        "bo-global" => ("bo", "global"),
        m => (m, "trust"),
    };
    let tool = match variant {
        "bo-global" => "synapt-safety bo, global region".to_string(),
        m => format!("synapt-safety {m}"),
    };
    let mut cmd = Command::new(BIN);
    cmd.current_dir(&dir).args([
        "--hyperparameters",
        &s.hyper.to_string_lossy(),
        "--falsify",
        "--env",
        s.case.env,
        "--actor",
        &s.actor.to_string_lossy(),
        "--spec",
        s.case.spec,
        "--budget",
        &s.iterations.to_string(),
        "--init-points",
        &INIT_POINTS.to_string(),
        "--falsify-method",
        method,
        "--seed",
        &seed.to_string(),
        "--bo-region",
        region,
    ]);
    let (out, err, ok, secs) = run_timed(&mut cmd, s.timeout).expect("the release binary runs");
    match ok {
        None => {
            return (
                Run::failed(
                    &tool,
                    seed,
                    secs,
                    format!("timed out after {:.0} s", s.timeout.as_secs_f64()),
                ),
                None,
            )
        }
        Some(false) => {
            return (
                Run::failed(&tool, seed, secs, format!("failed: {}", err.trim())),
                None,
            )
        }
        Some(true) => {}
    }
    let (campaign_s, simulation_s) =
        summary_times(&out, method).unwrap_or_else(|| panic!("no `{method}` row in:\n{out}"));
    let csv = std::fs::read_dir(dir.join("Failure_Trajectories"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy()
                .ends_with(&format!("_{method}_evaluations.csv"))
        })
        .expect("the binary wrote its evaluations");
    let evals = read_evaluations(&csv);
    let failing: Vec<usize> = (0..evals.len()).filter(|&i| evals[i].2 < 0.0).collect();
    (
        Run {
            tool,
            seed,
            process_s: secs,
            campaign_s,
            simulation_s,
            evaluations: evals.len(),
            failures: failing.len(),
            first_failure: failing.first().copied(),
            min_robustness: evals.iter().map(|e| e.2).fold(f64::INFINITY, f64::min),
            spacing: failure_spacing(
                &failing.iter().map(|&i| &evals[i].1[..]).collect::<Vec<_>>(),
                &s.bounds,
            ),
            problem: None,
        },
        Some(csv),
    )
}

fn gpyopt(s: &Setup, python: &Path, json_actor: &Path, formula: &str, seed: u64) -> Run {
    let script = common::root().join("benches/falsify_gpyopt.py");
    let mut cmd = Command::new(python);
    cmd.current_dir(s.work)
        .arg(&script)
        .args(["run", s.case.env])
        .arg(json_actor)
        .args([s.case.spec, formula, &seed.to_string()])
        .args(["--init", &INIT_POINTS.to_string()])
        .args(["--max-iter", &s.iterations.to_string()]);
    let (out, err, ok, secs) =
        run_timed(&mut cmd, s.gpyopt_timeout).expect("the GPyOpt python runs");
    match ok {
        None => {
            return Run::failed(
                "GPyOpt",
                seed,
                secs,
                format!("timed out after {:.0} s", s.gpyopt_timeout.as_secs_f64()),
            )
        }
        Some(false) => {
            return Run::failed("GPyOpt", seed, secs, format!("failed: {}", err.trim()));
        }
        Some(true) => {}
    }
    let v: serde_json::Value = serde_json::from_str(out.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("GPyOpt's JSON: {e}\n{out}\n{err}"));
    Run {
        tool: v["tool"].as_str().unwrap().to_string(),
        seed,
        process_s: secs,
        campaign_s: v["wall_seconds"].as_f64().unwrap(),
        simulation_s: v["simulation_seconds"].as_f64().unwrap(),
        evaluations: v["evaluations"].as_u64().unwrap() as usize,
        failures: v["failures"].as_u64().unwrap() as usize,
        first_failure: v["first_failure"].as_u64().map(|i| i as usize),
        min_robustness: v["min_robustness"].as_f64().unwrap(),
        spacing: {
            let points: Vec<Vec<f64>> = v["points"]
                .as_array()
                .expect("the GPyOpt script lists its points")
                .iter()
                .map(common::json_f64s)
                .collect();
            let robustness = common::json_f64s(&v["robustness"]);
            let failing: Vec<&[f64]> = points
                .iter()
                .zip(&robustness)
                .filter(|(_, r)| **r < 0.0)
                .map(|(p, _)| &p[..])
                .collect();
            failure_spacing(&failing, &s.bounds)
        },
        problem: None,
    }
}

/// Evaluate our campaign's points with the GPyOpt script's objective; returns (points, max |Δ|,
/// points where the two disagree on failing).
fn check_same_objective(
    s: &Setup,
    python: &Path,
    json_actor: &Path,
    formula: &str,
    csv: &Path,
) -> (usize, f64, usize) {
    let evals = read_evaluations(csv);
    let pts: Vec<serde_json::Value> = evals
        .iter()
        .map(|(seed, values, _)| serde_json::json!({"seed": seed, "values": values}))
        .collect();
    let path = s.work.join("check_points.json");
    std::fs::write(&path, serde_json::to_string(&pts).unwrap()).unwrap();
    let out = common::output_ok(
        Command::new(python)
            .arg(common::root().join("benches/falsify_gpyopt.py"))
            .args(["check", s.case.env])
            .arg(json_actor)
            .args([s.case.spec, formula])
            .arg(&path),
        "the GPyOpt python runs",
        "falsify_gpyopt.py check failed",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs = v["evaluations"].as_array().unwrap();
    assert_eq!(theirs.len(), evals.len());
    let mut worst = 0.0f64;
    let mut disagree = 0;
    for ((seed, values, ours), t) in evals.iter().zip(theirs) {
        let t = t["robustness"].as_f64().unwrap();
        let d = (ours - t).abs();
        disagree += usize::from((*ours < 0.0) != (t < 0.0));
        worst = worst.max(d);
        assert!(
            d <= 1e-9,
            "{} {}: at seed {seed}, point {values:?}, synapt-safety's robustness is {ours} but the \
             GPyOpt objective's is {t}: the two sides do not falsify the same thing",
            s.case.env,
            s.case.spec
        );
    }
    (evals.len(), worst, disagree)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

fn gpyopt_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SYNAPT_GPYOPT_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let setup = common::root().join("benches/gpyopt_setup.sh");
    let out = Command::new("bash")
        .arg(&setup)
        .stderr(Stdio::inherit())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("benches/gpyopt_setup.sh failed; GPyOpt's side is skipped");
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines().last().map(|l| PathBuf::from(l.trim()))
}

/// A failure spacing for the tables.
fn spacing(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{x:.3}")
    }
}

fn opt_first(r: &Run) -> String {
    match (&r.problem, r.first_failure) {
        (Some(_), _) => String::new(),
        (None, Some(i)) => (i + 1).to_string(),
        (None, None) => "–".into(),
    }
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let seeds: u64 = value("--seeds").map_or(3, |s| s.parse().expect("--seeds N"));
    let first_seed: u64 =
        value("--first-seed").map_or(123456, |s| s.parse().expect("--first-seed S"));
    // A campaign past its timeout is killed and reported as such.
    let timeout = Duration::from_secs_f64(
        value("--timeout").map_or(300.0, |s| s.parse().expect("--timeout SECS")),
    );
    let gpyopt_timeout = Duration::from_secs_f64(
        value("--gpyopt-timeout").map_or(3600.0, |s| s.parse().expect("--gpyopt-timeout SECS")),
    );
    let no_gpyopt = args.iter().any(|a| a == "--no-gpyopt");
    let iterations: usize =
        value("--iterations").map_or(ITERATIONS, |s| s.parse().expect("--iterations N"));
    let names: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i > 0 && args[i - 1] == "--case")
        .map(|(_, a)| a.as_str())
        .collect();
    let cases: Vec<&Case> = if names.is_empty() {
        CASES
            .iter()
            .filter(|c| ["cartpole", "pendulum", "lunar"].contains(&c.name))
            .collect()
    } else {
        names
            .iter()
            .map(|n| {
                CASES.iter().find(|c| c.name == *n).unwrap_or_else(|| {
                    let known: Vec<&str> = CASES.iter().map(|c| c.name).collect();
                    panic!("--case {n}: known cases: {}", known.join(", "))
                })
            })
            .collect()
    };

    let root = common::root();
    let python = if no_gpyopt { None } else { gpyopt_python() };
    let versions: Option<serde_json::Value> = python.as_ref().and_then(|p| {
        let out = Command::new(p)
            .arg(root.join("benches/falsify_gpyopt.py"))
            .arg("versions")
            .output()
            .ok()?;
        serde_json::from_slice(&out.stdout).ok()
    });
    // Both sides simulate with the GPyOpt environment's NumPy promotion rules.
    let numpy_major = versions
        .as_ref()
        .and_then(|v| v["numpy"].as_str())
        .and_then(|s| s.split('.').next())
        .unwrap_or("2")
        .to_string();

    let machine = format!(
        "machine: {} × {} · load average at start {} · synapt-safety {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model(),
        load_average(),
        env!("CARGO_PKG_VERSION"),
    );
    let versions_line = versions.as_ref().map(|v| {
        format!(
            "GPyOpt side: Python {}, GPyOpt {}, GPy {}, NumPy {}, SciPy {}, Gymnasium {}",
            v["python"].as_str().unwrap_or("?"),
            v["GPyOpt"].as_str().unwrap_or("?"),
            v["GPy"].as_str().unwrap_or("?"),
            v["numpy"].as_str().unwrap_or("?"),
            v["scipy"].as_str().unwrap_or("?"),
            v["gymnasium"].as_str().unwrap_or("?"),
        )
    });
    eprintln!("{machine}");

    let catalog = Catalog::load(None).unwrap();
    let mut table = Table::new([
        "case",
        "tool",
        "seed",
        "process s",
        "campaign s",
        "ms/iteration (no sim)",
        "evaluations",
        "failures",
        "evals to 1st failure",
        "min robustness",
        "failure spacing",
        "speed-up",
    ]);
    let mut summary = Table::new([
        "case",
        "tool",
        "runs",
        "campaign s (mean)",
        "ms/iteration (mean)",
        "failures (mean)",
        "evals to 1st failure (mean)",
        "failure spacing (mean)",
        "speed-up (campaign, process)",
    ]);
    let mut checks = Vec::new();
    let mut notes = Vec::new();

    for case in cases {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path();
        let hyper = work.join("hyperparameters.yml");
        std::fs::write(&hyper, format!("{}:\n  numpy: {numpy_major}\n", case.env)).unwrap();
        let dense = root.join(case.actor);
        let actor = match case.k {
            Some(k) => {
                let out = work.join(format!(
                    "{}_{k}.pth",
                    dense.file_stem().unwrap().to_string_lossy()
                ));
                common::output_ok(
                    Command::new(BIN)
                        .current_dir(work)
                        .args(["--prune", "--env", case.env, "--episodes", "10", "--k"])
                        .arg(k.to_string())
                        .arg("--actor")
                        .arg(&dense)
                        .arg("--out")
                        .arg(&out),
                    "the release binary runs",
                    "--prune",
                );
                out
            }
            None => dense.clone(),
        };
        // The actor for the NumPy side, exported with our own loader (no torch in GPyOpt's venv).
        let mlp = Actor::load(&actor).unwrap();
        let json_actor = work.join("actor.json");
        let layers: Vec<serde_json::Value> = mlp
            .layers
            .iter()
            .map(|l| {
                let w: Vec<&[f64]> = l.weight.chunks_exact(l.in_features).collect();
                serde_json::json!({"weight": w, "bias": l.bias})
            })
            .collect();
        std::fs::write(
            &json_actor,
            serde_json::to_string(&serde_json::json!({ "layers": layers })).unwrap(),
        )
        .unwrap();
        let env = synapt_safety::env::make(case.env).unwrap();
        let spec = catalog.get(env.as_ref(), Some(case.spec)).unwrap();
        let label = format!(
            "{} · {} · {}{}",
            case.env,
            case.spec,
            mlp.shape_string(),
            case.k.map_or(String::new(), |k| format!(" pruned {k}"))
        );
        let setup = Setup {
            work,
            hyper: &hyper,
            actor: &actor,
            case,
            bounds: env
                .perturbations()
                .iter()
                .filter(|p| p.searched_by_default)
                .map(|p| (p.low, p.high))
                .collect(),
            timeout,
            gpyopt_timeout,
            iterations,
        };

        let mut by_tool: Vec<(String, Vec<Run>)> = Vec::new();
        let push = |run: Run, by_tool: &mut Vec<(String, Vec<Run>)>| {
            let key = if run.tool.starts_with("GPyOpt") {
                "GPyOpt".to_string()
            } else {
                run.tool.clone()
            };
            match by_tool.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(run),
                None => by_tool.push((key, vec![run])),
            }
        };
        for r in 0..seeds {
            let seed = first_seed + r;
            eprintln!("{label}: seed {seed}: synapt-safety");
            let (bo, bo_csv) = ours(&setup, "bo", seed);
            let (global, _) = ours(&setup, "bo-global", seed);
            let (random, random_csv) = ours(&setup, "random", seed);
            // The same-objective check on BO's points, or the random campaign's if BO did not finish.
            let checked = bo_csv
                .as_ref()
                .map(|c| ("bo", c))
                .or(random_csv.as_ref().map(|c| ("random", c)));
            if let (Some(py), Some((method, csv)), 0) = (&python, checked, r) {
                let (n, worst, disagree) =
                    check_same_objective(&setup, py, &json_actor, &spec.text, csv);
                checks.push(format!(
                    "{label}: the GPyOpt objective re-evaluated the {n} points of our {method} campaign (seed {seed}): max |Δ robustness| = {worst:e}; failing on one side only: {disagree}"
                ));
            }
            push(bo, &mut by_tool);
            push(global, &mut by_tool);
            push(random, &mut by_tool);
            if let Some(py) = &python {
                eprintln!("{label}: seed {seed}: GPyOpt");
                push(
                    gpyopt(&setup, py, &json_actor, &spec.text, seed),
                    &mut by_tool,
                );
            }
        }

        let gp_runs: Vec<Run> = by_tool
            .iter()
            .find(|(k, _)| k == "GPyOpt")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        // GPyOpt first, then ours, then the random reference.
        by_tool.sort_by_key(|(k, _)| match k.as_str() {
            "GPyOpt" => 0,
            "synapt-safety bo" => 1,
            "synapt-safety random" => 3,
            _ => 2,
        });
        for (key, runs) in &by_tool {
            for run in runs {
                let speed = match gp_runs.iter().find(|g| g.seed == run.seed) {
                    Some(g) if key == "synapt-safety bo" && run.problem.is_none() => format!(
                        "{:.0}× ({:.0}×)",
                        g.campaign_s / run.campaign_s,
                        g.process_s / run.process_s
                    ),
                    _ => String::new(),
                };
                let tool = if key == "synapt-safety random" {
                    "synapt-safety random (reference)".to_string()
                } else {
                    run.tool.clone()
                };
                if let Some(p) = &run.problem {
                    notes.push(format!("{label}: {tool} seed {}: {p}", run.seed));
                    table.row([
                        label.clone(),
                        tool,
                        run.seed.to_string(),
                        format!("{:.2}", run.process_s),
                        p.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                    continue;
                }
                table.row([
                    label.clone(),
                    tool,
                    run.seed.to_string(),
                    format!("{:.2}", run.process_s),
                    format!("{:.3}", run.campaign_s),
                    if key == "synapt-safety random" {
                        "–".into()
                    } else {
                        format!("{:.2}", 1e3 * run.per_iteration_s())
                    },
                    run.evaluations.to_string(),
                    run.failures.to_string(),
                    opt_first(run),
                    format!("{:.4}", run.min_robustness),
                    spacing(run.spacing),
                    speed,
                ]);
            }
            let ok: Vec<&Run> = runs.iter().filter(|r| r.problem.is_none()).collect();
            if ok.is_empty() {
                continue;
            }
            let firsts: Vec<f64> = ok
                .iter()
                .filter_map(|r| r.first_failure.map(|i| (i + 1) as f64))
                .collect();
            let gp_ok: Vec<&Run> = gp_runs.iter().filter(|r| r.problem.is_none()).collect();
            let speed = if key == "synapt-safety bo" && !gp_ok.is_empty() {
                format!(
                    "{:.0}× ({:.0}×)",
                    mean(gp_ok.iter().map(|r| r.campaign_s))
                        / mean(ok.iter().map(|r| r.campaign_s)),
                    mean(gp_ok.iter().map(|r| r.process_s)) / mean(ok.iter().map(|r| r.process_s))
                )
            } else {
                String::new()
            };
            summary.row([
                label.clone(),
                if key == "synapt-safety random" {
                    "synapt-safety random (reference)".to_string()
                } else {
                    ok[0].tool.clone()
                },
                format!("{}/{}", ok.len(), runs.len()),
                format!("{:.3}", mean(ok.iter().map(|r| r.campaign_s))),
                if key == "synapt-safety random" {
                    "–".into()
                } else {
                    format!("{:.2}", 1e3 * mean(ok.iter().map(|r| r.per_iteration_s())))
                },
                format!("{:.1}", mean(ok.iter().map(|r| r.failures as f64))),
                if firsts.is_empty() {
                    "–".into()
                } else {
                    format!(
                        "{:.1} ({}/{} runs)",
                        mean(firsts.iter().copied()),
                        firsts.len(),
                        ok.len()
                    )
                },
                spacing(mean(ok.iter().map(|r| r.spacing).filter(|x| !x.is_nan()))),
                speed,
            ]);
        }
    }

    println!();
    println!("{machine}");
    if let Some(v) = versions_line {
        println!("{v}");
    }
    println!(
        "budget: {INIT_POINTS} initial points + {iterations} BO iterations (EI), same box, actor and \
         specification on both sides; seeds {first_seed}..{}\nfailure spacing: median distance from a \
         failure to the nearest other one, in the box scaled to the unit cube",
        first_seed + seeds - 1
    );
    println!();
    print!("{table}");
    println!();
    print!("{summary}");
    println!();
    for c in &checks {
        println!("{c}");
    }
    for n in &notes {
        println!("note: {n}");
    }
}
