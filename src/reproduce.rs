//! `--reproduce`: PruVer's results regenerated from our own dense actors, on CartPole-v0,
//! LunarLanderContinuous-v2 and BipedalWalker-v3.
//!
//! Per environment: (train the dense actor if `Policies/` lacks it) → the prune sweep of PruVer's
//! "Prune percentage vs rewards" figure → prune at the paper's k → falsify the pruned actor, BO against
//! random for the same budget, over `runs` seeds, against each of the environment's specifications →
//! refine it against the failures of the refinement specification → re-falsify the refined and the
//! dense actors → evaluate all three → heatmaps and mask figures. Then the sweeps of the three
//! environments, overlaid with PruVer's hard-coded figure values, and the tables of docs/results.md
//! as CSVs and as Markdown (`Graph/reproduce/results.md`).
//!
//! `--quick` runs the same stages with small budgets: an end-to-end check, not a reproduction.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::config::{self, Hyperparameters};
use crate::env::{self, EnvOptions};
use crate::error::{Error, Result};
use crate::falsify::catalog::Catalog;
use crate::falsify::search::Method as Search;
use crate::falsify::stage::{self, Report as Falsified};
use crate::fsutil::{write_atomic, write_csv};
use crate::plot::{self, SweepSeries};
use crate::policy::Actor;
use crate::prune::{self, PruneOptions};
use crate::refine;
use crate::report::{dash_nan, Summary, Table};
use crate::rollout;
use crate::train;
use crate::visualize::{self, VisualizeOptions};
use crate::Choice;

/// One environment of the paper.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub env_id: &'static str,
    /// The prune fraction that is falsified and refined: PruVer's refinement scripts use 0.7 on
    /// LunarLander and 0.5 on BipedalWalker. PruVer refines no CartPole actor; 0.78 is where ours
    /// starts to fail (the README's main job).
    pub k: f64,
    /// The specification refinement repairs.
    pub refine_spec: &'static str,
    /// Perturbation parameters searched (empty: the environment's defaults). LunarLander uses PruVer's
    /// box (`LunarLanderTesting.py`).
    pub params: &'static [&'static str],
    /// PruVer's figure values (`plot.py: plot_rew_comp`): (k, mean return).
    pub pruver: &'static [(f64, f64)],
}

pub const CASES: [Case; 3] = [
    Case {
        env_id: "CartPole-v0",
        k: 0.78,
        refine_spec: "upright",
        params: &[],
        pruver: &[
            (0.95, 196.46),
            (0.96, 186.42),
            (0.97, 141.47),
            (0.98, 11.44),
            (0.99, 9.31),
        ],
    },
    Case {
        env_id: "LunarLanderContinuous-v2",
        k: 0.7,
        refine_spec: "not_fall",
        params: &["pruver_dx", "pruver_dy"],
        pruver: &[
            (0.6, 238.30),
            (0.65, 178.29),
            (0.7, 93.47),
            (0.75, 23.50),
            (0.8, -8.67),
            (0.85, -58.51),
            (0.9, -130.08),
            (0.95, -91.07),
        ],
    },
    Case {
        env_id: "BipedalWalker-v3",
        k: 0.5,
        refine_spec: "return_50",
        params: &[],
        pruver: &[
            (0.5, 200.88),
            (0.55, 139.43),
            (0.6, 85.12),
            (0.65, 44.69),
            (0.7, -53.15),
            (0.75, -79.15),
            (0.8, -17.92),
            (0.85, -39.02),
            (0.9, -119.38),
            (0.95, -92.70),
        ],
    },
];

/// Budgets: the paper's, or `--quick`'s.
#[derive(Debug, Clone)]
pub struct Budget {
    pub sweep: Vec<f64>,
    pub episodes: usize,
    pub runs: usize,
    pub init_points: usize,
    /// BO iterations after the initial design (each method gets `init_points + budget` evaluations).
    pub budget: usize,
    /// Refine against at most this many failures (evenly spaced; the rest are held out and checked
    /// at the end).
    pub refine_max_failures: Option<usize>,
}

impl Budget {
    /// PruVer's: 5 + 200 evaluations, 100 evaluation episodes, 10 seeds per campaign; the sweep covers
    /// every k of PruVer's figure.
    pub fn paper() -> Budget {
        // i / 20 is correctly rounded, so these are the doubles of the literals 0.5, 0.55, … (not 0.6000000000000001).
        let mut sweep: Vec<f64> = (10..=19).map(|i| i as f64 / 20.0).collect();
        sweep.extend([0.96, 0.97, 0.98, 0.99]);
        Budget {
            sweep,
            episodes: 100,
            runs: 10,
            init_points: 5,
            budget: 200,
            // PruVer's refinement scripts take the failures of 100 random-testing episodes, so never
            // more than 100.
            refine_max_failures: Some(100),
        }
    }

    pub fn quick() -> Budget {
        Budget {
            sweep: vec![0.5, 0.7, 0.9],
            episodes: 3,
            runs: 2,
            init_points: 3,
            budget: 5,
            refine_max_failures: Some(8),
        }
    }
}

pub struct Options {
    pub cases: Vec<Case>,
    pub budget: Budget,
    pub seed: u64,
    pub hyperparameters: Option<Hyperparameters>,
    pub specs_file: Option<PathBuf>,
    /// The device of a training run, when a dense actor is missing.
    pub device: tch::Device,
    pub policies: PathBuf,
    pub failures: PathBuf,
    pub graph: PathBuf,
}

impl Options {
    /// Where the tables, the CSVs and the overlay go.
    pub fn out_dir(&self) -> PathBuf {
        self.graph.join("reproduce")
    }

    fn env_options(&self, env_id: &str) -> Result<EnvOptions> {
        match &self.hyperparameters {
            Some(h) => h.env_options(env_id),
            None => Ok(EnvOptions::default()),
        }
    }
}

/// One falsification row: a method's campaigns against one specification.
#[derive(Debug, Clone)]
pub struct FalsifyRow {
    pub env_id: String,
    pub spec: String,
    pub method: String,
    pub stats: stage::RunStats,
    pub evaluations_per_run: usize,
    pub seconds: f64,
}

/// One environment's refinement.
#[derive(Debug, Clone)]
pub struct RefineRow {
    pub env_id: String,
    pub k: f64,
    pub spec: String,
    /// Failures given to refinement, those the dense actor fails too (set aside), those refined
    /// against and how many of them are fixed, and those the cap held out and how many of them the
    /// refined actor passes.
    pub failures: usize,
    pub dense_fails: usize,
    pub refined_against: usize,
    pub fixed: usize,
    pub held_out: usize,
    pub held_out_fixed: usize,
    pub restored: Vec<usize>,
    pub sparsity: [f64; 3],
    pub returns: [Summary; 3],
    /// Failures found against the dense, pruned and refined actors by BO and random, one run each,
    /// same seed and budget.
    pub found: [usize; 3],
}

impl RefineRow {
    /// `fixed/refined against`, then `held out: passing/held out` and `+N dense fails` when there are
    /// any.
    pub fn fixed_cell(&self) -> String {
        let mut s = format!("{}/{}", self.fixed, self.refined_against);
        if self.held_out > 0 {
            s += &format!("; held out {}/{}", self.held_out_fixed, self.held_out);
        }
        if self.dense_fails > 0 {
            s += &format!(" (+{} dense fails)", self.dense_fails);
        }
        s
    }
}

/// The wall time of each stage of one environment.
#[derive(Debug, Clone, Default)]
pub struct Timing {
    pub env_id: String,
    pub train: Option<f64>,
    pub sweep: f64,
    pub prune: f64,
    pub falsify: f64,
    pub refine: f64,
    pub refalsify: f64,
    pub evaluate: f64,
    pub visualize: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub falsify: Vec<FalsifyRow>,
    pub refine: Vec<RefineRow>,
    /// Our sweep of each environment, labelled with its id.
    pub sweeps: Vec<SweepSeries>,
    pub timing: Vec<Timing>,
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// Run every case, then write the overlay and the tables.
pub fn run(opts: &Options, stop: &AtomicBool) -> Result<Report> {
    // Check every input before the long work starts.
    let catalog = Catalog::load(opts.specs_file.as_deref())?;
    for c in &opts.cases {
        let e = env::make(c.env_id)?;
        catalog.get(e.as_ref(), Some(c.refine_spec))?;
        opts.env_options(c.env_id)?;
    }
    let mut report = Report::default();
    for (i, c) in opts.cases.iter().enumerate() {
        eprintln!("\n=== [{}/{}] {} ===", i + 1, opts.cases.len(), c.env_id);
        run_case(opts, &catalog, c, stop, &mut report)?;
        // The tables so far, rewritten after every environment: a long run that stops keeps them.
        write_outputs(opts, &report)?;
    }
    report.files.extend(output_files(opts));
    Ok(report)
}

fn dense_path(opts: &Options, env_id: &str) -> PathBuf {
    opts.policies.join(format!("ppo_actor{env_id}.pth"))
}

/// Train the dense actor with `--ppo default` when `Policies/` lacks it (resuming a checkpoint left by
/// an interrupted run). Returns the training's wall time.
fn ensure_dense(opts: &Options, c: &Case, stop: &AtomicBool) -> Result<Option<f64>> {
    let actor = dense_path(opts, c.env_id);
    if actor.exists() {
        return Ok(None);
    }
    let probe = env::make(c.env_id)?;
    let overrides = train::Overrides {
        preset: Some(train::Preset::Default),
        seed: None,
        iterations: None,
    };
    let (config, notes) = train::config::resolve(
        opts.hyperparameters.as_ref(),
        c.env_id,
        probe.action_space().is_discrete(),
        &overrides,
    )?;
    let [_, critic, checkpoint, log, curve] = train::TrainOptions::default_paths(c.env_id);
    let critic = opts.policies.join(critic.file_name().expect("a file name"));
    let checkpoint = opts
        .policies
        .join(checkpoint.file_name().expect("a file name"));
    let t_opts = train::TrainOptions {
        tensorboard: None,
        env_id: c.env_id.to_string(),
        env_options: opts.env_options(c.env_id)?,
        resume: checkpoint.exists(),
        config,
        actor: actor.clone(),
        critic,
        checkpoint,
        log: opts.graph.join(log.file_name().expect("a file name")),
        curve: opts.graph.join(curve.file_name().expect("a file name")),
        device: opts.device,
        progress: true,
    };
    for n in notes {
        eprintln!("note: {n}");
    }
    eprintln!(
        "{} is missing: training it with PPO (default), {} iterations of {} steps{} (the bar shows the \
         time left; Ctrl-C stops after the current iteration, and --reproduce resumes from {})",
        actor.display(),
        t_opts.config.training_step,
        t_opts.config.timesteps_per_batch,
        if t_opts.resume { ", resuming" } else { "" },
        t_opts.checkpoint.display()
    );
    let t0 = Instant::now();
    let r = train::run(&t_opts, stop)?;
    if r.interrupted {
        return Err(Error::Invalid(format!(
            "interrupted while training {}: run --reproduce again to resume from {}",
            c.env_id,
            t_opts.checkpoint.display()
        )));
    }
    Ok(Some(t0.elapsed().as_secs_f64()))
}

fn run_case(
    opts: &Options,
    catalog: &Catalog,
    c: &Case,
    stop: &AtomicBool,
    report: &mut Report,
) -> Result<()> {
    let b = &opts.budget;
    let env_options = opts.env_options(c.env_id)?;
    let mut timing = Timing {
        env_id: c.env_id.to_string(),
        ..Timing::default()
    };
    timing.train = ensure_dense(opts, c, stop)?;
    let dense_file = dense_path(opts, c.env_id);
    let prune_opts = |k: f64, episodes: usize| PruneOptions {
        env_id: c.env_id.to_string(),
        env_options,
        method: prune::Method::Pruver,
        k,
        seed: opts.seed,
        episodes,
        isdiscrete: false,
        elite: None,
    };

    // The sweep of PruVer's figure.
    let t0 = Instant::now();
    let csv = opts.out_dir().join(format!("prune_sweep_{}.csv", c.env_id));
    let (sweep, files) = prune::run_sweep(
        &prune_opts(c.k, b.episodes),
        &dense_file,
        &b.sweep,
        &csv,
        &[],
    )?;
    timing.sweep = t0.elapsed().as_secs_f64();
    eprintln!(
        "sweep of {} values of k written to {}",
        b.sweep.len(),
        files.csv.display()
    );
    report.files.extend([files.csv, files.png]);
    report.sweeps.push(SweepSeries {
        label: c.env_id.to_string(),
        points: sweep
            .points
            .iter()
            .map(|p| (p.k, p.summary.mean, p.summary.std))
            .collect(),
        dense: Some(sweep.dense.summary.mean),
    });

    // Prune at the paper's k (no evaluation: the last step evaluates all three actors together).
    let t0 = Instant::now();
    let pruned = prune::run(&prune_opts(c.k, 0), &dense_file, None, None, None)?;
    timing.prune = t0.elapsed().as_secs_f64();
    let pruned_file = pruned.out.clone();
    // On MPI ranks, rank 0 has written the pruned actor the campaigns read.
    crate::dist::barrier()?;
    eprintln!("pruned at k = {} → {}", c.k, pruned_file.display());
    report.files.push(pruned_file.clone());

    // Falsify the pruned actor against every specification: BO against random, `runs` seeds each.
    let all_params = config::perturbations(opts.hyperparameters.as_ref(), c.env_id)?;
    let request = |actor: &Path, spec: &str, runs: usize| stage::Request {
        env_id: c.env_id.to_string(),
        env_options,
        actor_path: actor.to_path_buf(),
        elite: None,
        all_params: all_params.clone(),
        param_names: c.params.iter().map(|s| s.to_string()).collect(),
        spec_name: Some(spec.to_string()),
        specs_file: opts.specs_file.clone(),
        methods: vec![Search::Bo, Search::Random],
        budget: b.budget,
        init_points: b.init_points,
        // The paper's search: GPyOpt's EI over the whole box, not our default trust region.
        acquisition: crate::falsify::bo::Acquisition::Ei { xi: 0.01 },
        region: crate::falsify::bo::SearchRegion::Global,
        model: crate::falsify::bo::GpModel::default(),
        seed: opts.seed,
        runs,
        out_dir: opts.failures.clone(),
        graph_dir: opts.graph.clone(),
        stem_suffix: String::new(),
    };
    let t0 = Instant::now();
    let mut refine_input: Option<Falsified> = None;
    for (spec, _) in catalog.names(c.env_id) {
        let f = stage::run(&request(&pruned_file, &spec, b.runs))?;
        eprintln!(
            "falsified `{spec}`: {} failures in the first runs ({:.1} s over all runs)",
            f.failure_count(),
            f.results
                .iter()
                .map(|r| r.runs.iter().map(|o| o.wall_seconds).sum::<f64>())
                .sum::<f64>()
        );
        for r in &f.results {
            report.files.push(r.failures_file.clone());
            report.falsify.push(falsify_row(c.env_id, &spec, r));
        }
        report.files.extend(f.figures.iter().cloned());
        if spec == c.refine_spec {
            refine_input = Some(f);
        }
    }
    timing.falsify = t0.elapsed().as_secs_f64();
    let falsified = refine_input.expect("the refinement specification was checked up front");

    // Refine against the first runs' failures of the refinement specification.
    let t0 = Instant::now();
    let dense = Actor::load(&dense_file)?;
    let pruned_mlp = pruned.pruned.clone();
    let thresholds = config::refine_thresholds(opts.hyperparameters.as_ref(), c.env_id);
    let failures = falsified.recorded_failures();
    let refined_file = refine::refined_path(&dense_file, c.env_id);
    // Refinement runs on rank 0 alone (libtorch's kernels may differ between machines, and the
    // ranks must not): the others take its actor from the file after it is written.
    let refine_here = crate::dist::writes_files();
    let _alone = crate::dist::Sharing::alone();
    let (refined, dense_fails, fixed, total, held_out, held_out_fixed) = if !refine_here {
        (pruned_mlp.clone(), 0, 0, 0, 0, 0)
    } else if failures.is_empty() {
        report.notes.push(format!(
            "{}: no failure of `{}` found against the pruned actor: the refined actor is the pruned one",
            c.env_id, c.refine_spec
        ));
        (pruned_mlp.clone(), 0, 0, 0, 0, 0)
    } else {
        let outcome = refine::refine(&refine::Request {
            env: refine::EnvRef {
                id: c.env_id,
                options: env_options,
            },
            dense: &dense,
            pruned: &pruned_mlp,
            failures: &failures,
            spec: &falsified.spec,
            method: refine::Method::Pruver,
            strategy: refine::Strategy::Pruver,
            tune: Default::default(),
            thresholds,
            max_failures: b.refine_max_failures,
            progress: Some(&|msg: &str| eprintln!("{}: {msg}", c.env_id)),
        })?;
        if !outcome.all_fixed {
            report.notes.push(format!(
                "{}: {} of {} failures still fail with every gradient-ranked weight restored",
                c.env_id,
                outcome.total - outcome.fixed,
                outcome.total
            ));
        }
        (
            outcome.refined,
            outcome.dense_fails.len(),
            outcome.fixed,
            outcome.total,
            outcome.held_out,
            outcome.held_out_fixed,
        )
    };
    refined.save(&refined_file)?;
    drop(_alone);
    crate::dist::barrier()?;
    let refined = match crate::dist::size() {
        1 => refined,
        _ => Actor::load(&refined_file)?,
    };
    timing.refine = t0.elapsed().as_secs_f64();
    report.files.push(refined_file.clone());
    eprintln!(
        "refined: {fixed}/{total} fixed ({held_out_fixed}/{held_out} held out pass; {dense_fails} \
         fail for the dense actor too) → {}",
        refined_file.display()
    );

    // Re-falsify the refined actor, and falsify the dense one, with the first run's seed and budget.
    let t0 = Instant::now();
    let dense_found = stage::run(&request(&dense_file, c.refine_spec, 1))?.failure_count();
    let refined_found = stage::run(&request(&refined_file, c.refine_spec, 1))?.failure_count();
    timing.refalsify = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let actors = [dense.clone(), pruned_mlp.clone(), refined.clone()];
    let episodes =
        rollout::evaluate_population(c.env_id, env_options, &actors, b.episodes, opts.seed)?;
    timing.evaluate = t0.elapsed().as_secs_f64();
    let returns =
        [0, 1, 2].map(|i| Summary::of(&episodes[i].iter().map(|e| e.ret).collect::<Vec<_>>()));
    let sparsity =
        [0, 1, 2].map(|i| prune::overall_sparsity(&prune::layer_stats(&dense, &actors[i])));
    let restored = refine::restored_count(&pruned_mlp, &refined);
    report.refine.push(RefineRow {
        env_id: c.env_id.to_string(),
        k: c.k,
        spec: c.refine_spec.to_string(),
        failures: total + held_out + dense_fails,
        refined_against: total,
        held_out,
        held_out_fixed,
        dense_fails,
        fixed,
        restored,
        sparsity,
        returns,
        found: [dense_found, falsified.failure_count(), refined_found],
    });

    let t0 = Instant::now();
    let vis = visualize::run(
        &VisualizeOptions {
            out_dir: opts.out_dir(),
            k: c.k,
            method: prune::Method::Pruver,
            seed: opts.seed,
            elite: None,
        },
        &dense_file,
        Some(&pruned_file),
        Some(&refined_file),
    )?;
    timing.visualize = t0.elapsed().as_secs_f64();
    report.files.extend(vis.files);
    report.timing.push(timing);
    Ok(())
}

fn falsify_row(env_id: &str, spec: &str, r: &stage::MethodResult) -> FalsifyRow {
    FalsifyRow {
        env_id: env_id.to_string(),
        spec: spec.to_string(),
        method: r.method.name().to_string(),
        stats: r.run_stats(),
        evaluations_per_run: r.runs[0].evaluations.len(),
        seconds: r.runs.iter().map(|o| o.wall_seconds).sum(),
    }
}

/// `x` to one decimal, or "–" when no run found a failure (NaN).
/// The tables of docs/results.md.
impl Report {
    pub fn falsify_table(&self) -> Table {
        let mut t = Table::new([
            "environment",
            "specification",
            "method",
            "runs with a failure",
            "mean evals to first",
            "median evals to first",
            "failures per run",
            "evaluations per run",
            "wall s",
        ]);
        for r in &self.falsify {
            t.row([
                r.env_id.clone(),
                r.spec.clone(),
                r.method.clone(),
                format!("{}/{}", r.stats.runs_with_failure, r.stats.runs),
                dash_nan(r.stats.mean_first),
                dash_nan(r.stats.median_first),
                format!("{:.1}", r.stats.failures_per_run),
                r.evaluations_per_run.to_string(),
                format!("{:.1}", r.seconds),
            ]);
        }
        t
    }

    /// One row per environment's refinement.
    pub fn refine_table(&self) -> Table {
        let mut t = Table::new([
            "environment",
            "k",
            "specification",
            "fixed / refined against",
            "restored per layer",
            "sparsity pruned → refined",
            "return dense",
            "return pruned",
            "return refined",
            "failures dense / pruned / refined",
        ]);
        for r in &self.refine {
            let ret = |s: &Summary| format!("{:.1} ± {:.1}", s.mean, s.std);
            t.row([
                r.env_id.clone(),
                r.k.to_string(),
                r.spec.clone(),
                r.fixed_cell(),
                r.restored
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" / "),
                format!(
                    "{:.1}% → {:.1}%",
                    100.0 * r.sparsity[1],
                    100.0 * r.sparsity[2]
                ),
                ret(&r.returns[0]),
                ret(&r.returns[1]),
                ret(&r.returns[2]),
                format!("{} / {} / {}", r.found[0], r.found[1], r.found[2]),
            ]);
        }
        t
    }

    pub fn sweep_table(&self, cases: &[Case]) -> Table {
        let mut t = Table::new(["k", "environment", "ours", "PruVer (paper)"]);
        for sw in &self.sweeps {
            let (env_id, points, dense) = (&sw.label, &sw.points, sw.dense.unwrap_or(f64::NAN));
            let pruver = cases
                .iter()
                .find(|c| c.env_id == env_id)
                .map_or(&[][..], |c| c.pruver);
            t.row([
                "dense".to_string(),
                env_id.clone(),
                format!("{dense:.1}"),
                "–".into(),
            ]);
            for (k, mean, std) in points {
                let theirs = pruver
                    .iter()
                    .find(|(pk, _)| (pk - k).abs() < 1e-9)
                    .map_or_else(|| "–".to_string(), |(_, v)| format!("{v:.2}"));
                t.row([
                    format!("{k}"),
                    env_id.clone(),
                    format!("{mean:.1} ± {std:.1}"),
                    theirs,
                ]);
            }
        }
        t
    }

    pub fn timing_table(&self) -> Table {
        let mut t = Table::new([
            "environment",
            "train s",
            "sweep s",
            "prune s",
            "falsify s",
            "refine s",
            "re-falsify s",
            "evaluate s",
            "visualize s",
        ]);
        for r in &self.timing {
            t.row([
                r.env_id.clone(),
                r.train
                    .map_or_else(|| "shipped".to_string(), |s| format!("{s:.1}")),
                format!("{:.1}", r.sweep),
                format!("{:.2}", r.prune),
                format!("{:.1}", r.falsify),
                format!("{:.1}", r.refine),
                format!("{:.1}", r.refalsify),
                format!("{:.1}", r.evaluate),
                format!("{:.1}", r.visualize),
            ]);
        }
        t
    }
}

const OVERLAY: &str = "prune_vs_rewards.png";
const FALSIFY_CSV: &str = "falsification.csv";
const REFINE_CSV: &str = "refinement.csv";
const TIMING_CSV: &str = "timing.csv";
const RESULTS_MD: &str = "results.md";

/// The overlay chart, the CSVs and `results.md`.
fn write_outputs(opts: &Options, report: &Report) -> Result<()> {
    let dir = opts.out_dir();
    let b = &opts.budget;
    // Ours and PruVer's, one chart.
    let mut series = Vec::new();
    for sw in &report.sweeps {
        series.push(SweepSeries {
            label: format!("{} (ours)", sw.label),
            ..sw.clone()
        });
    }
    for c in &opts.cases {
        series.push(SweepSeries {
            label: format!("{} (PruVer's figure)", c.env_id),
            points: c.pruver.iter().map(|&(k, m)| (k, m, 0.0)).collect(),
            dense: None,
        });
    }
    let png = dir.join(OVERLAY);
    plot::prune_vs_rewards(
        &png,
        &series,
        &format!(
            "PruVer's magnitude pruning, {} deterministic episodes per point; PruVer's values from its plot.py",
            b.episodes
        ),
    )?;

    let f = |x: f64| format!("{x}");
    let falsify_csv = dir.join(FALSIFY_CSV);
    write_csv(
        &falsify_csv,
        [
            "env",
            "spec",
            "method",
            "runs",
            "runs_with_failure",
            "mean_evals_to_first",
            "median_evals_to_first",
            "failures_per_run",
            "evaluations_per_run",
            "wall_s",
        ],
        report.falsify.iter().map(|r| {
            vec![
                r.env_id.clone(),
                r.spec.clone(),
                r.method.clone(),
                r.stats.runs.to_string(),
                r.stats.runs_with_failure.to_string(),
                f(r.stats.mean_first),
                f(r.stats.median_first),
                f(r.stats.failures_per_run),
                r.evaluations_per_run.to_string(),
                f(r.seconds),
            ]
        }),
    )?;
    let refine_csv = dir.join(REFINE_CSV);
    write_csv(
        &refine_csv,
        [
            "env",
            "k",
            "spec",
            "failures",
            "dense_fails",
            "refined_against",
            "fixed",
            "held_out",
            "held_out_fixed",
            "restored_per_layer",
            "sparsity_dense",
            "sparsity_pruned",
            "sparsity_refined",
            "return_dense",
            "return_pruned",
            "return_refined",
            "found_dense",
            "found_pruned",
            "found_refined",
        ],
        report.refine.iter().map(|r| {
            let mut row = vec![
                r.env_id.clone(),
                f(r.k),
                r.spec.clone(),
                r.failures.to_string(),
                r.dense_fails.to_string(),
                r.refined_against.to_string(),
                r.fixed.to_string(),
                r.held_out.to_string(),
                r.held_out_fixed.to_string(),
                r.restored
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ];
            row.extend(r.sparsity.iter().map(|&s| f(s)));
            row.extend(r.returns.iter().map(|s| f(s.mean)));
            row.extend(r.found.iter().map(|n| n.to_string()));
            row
        }),
    )?;
    let timing_csv = dir.join(TIMING_CSV);
    write_csv(
        &timing_csv,
        [
            "env",
            "train_s",
            "sweep_s",
            "prune_s",
            "falsify_s",
            "refine_s",
            "refalsify_s",
            "evaluate_s",
            "visualize_s",
        ],
        report.timing.iter().map(|t| {
            vec![
                t.env_id.clone(),
                t.train.map_or_else(String::new, f),
                f(t.sweep),
                f(t.prune),
                f(t.falsify),
                f(t.refine),
                f(t.refalsify),
                f(t.evaluate),
                f(t.visualize),
            ]
        }),
    )?;
    let md_path = dir.join(RESULTS_MD);
    write_atomic(&md_path, markdown(opts, report).as_bytes())?;
    Ok(())
}

/// What `write_outputs` writes.
fn output_files(opts: &Options) -> Vec<PathBuf> {
    [OVERLAY, FALSIFY_CSV, REFINE_CSV, TIMING_CSV, RESULTS_MD]
        .iter()
        .map(|f| opts.out_dir().join(f))
        .collect()
}

fn markdown(opts: &Options, report: &Report) -> String {
    let b = &opts.budget;
    let mut s = String::new();
    s.push_str(&format!(
        "# Results of `synapt-safety --reproduce{}`\n\n\
         Seed {}; {} evaluation episodes per actor; falsification: {} + {} evaluations per campaign, \
         {} runs (seeds {}…).\n\n",
        if b.runs < Budget::paper().runs { " --quick" } else { "" },
        opts.seed,
        b.episodes,
        b.init_points,
        b.budget,
        b.runs,
        opts.seed
    ));
    s.push_str("## Prune percentage vs rewards\n\n![](prune_vs_rewards.png)\n\n");
    s.push_str(&report.sweep_table(&opts.cases).markdown());
    s.push_str("\n## Failures found against the pruned actors: BO against random\n\n");
    s.push_str(&report.falsify_table().markdown());
    s.push_str("\n## Refinement\n\n");
    s.push_str(&report.refine_table().markdown());
    s.push_str("\n## Wall time of each stage\n\n");
    s.push_str(&report.timing_table().markdown());
    if !report.notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in &report.notes {
            s.push_str(&format!("- {n}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paper_sweep_is_the_literal_values_of_k() {
        // Multiplying by 0.05 gives 0.6000000000000001 and 0.7000000000000001, which PruVer's rule
        // (ceil(max rank × k)) and the file names would carry.
        assert_eq!(
            Budget::paper().sweep,
            vec![0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99]
        );
    }

    #[test]
    fn every_pruver_figure_value_has_a_k_in_the_paper_sweep() {
        let ks = Budget::paper().sweep;
        for c in CASES {
            for (k, _) in c.pruver {
                assert!(ks.contains(k), "{}: k = {k}", c.env_id);
            }
            assert!(ks.contains(&c.k) || c.env_id == "CartPole-v0");
        }
    }
}
