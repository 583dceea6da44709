//! The pipeline as data: a [`Plan`] names the stages to run and their settings; [`Plan::run`] runs them
//! in pipeline order (train → test → prune → falsify → refine → convert → visualize → display), hands each
//! stage's outputs to the next, names the files, and closes the falsify → refine loop. The binary only
//! parses flags into a plan; `--reproduce` is a plan of its own ([`Job::Reproduce`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::config::{self, Hyperparameters};
use crate::convert;
use crate::device::DeviceChoice;
use crate::env::{self, EnvOptions};
use crate::error::{Error, Result};
use crate::falsify::bo::{Acquisition, GpModel, SearchRegion};
use crate::falsify::calibrate;
use crate::falsify::catalog::{Catalog, Spec};
use crate::falsify::search::Method as Search;
use crate::falsify::stage::{self, Report as Falsified};
use crate::libtorch::{Libtorch, LINKED};
use crate::policy::Actor;
use crate::prune::{self, PruneOptions, Sweep};
use crate::refine;
use crate::report::Table;
use crate::trajectory::{read_failures, RecordedFailure};
use crate::visualize::{self, VisualizeOptions};
use crate::Choice;
use crate::{display, evaluate, reproduce, train};

/// A stage, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Train,
    Test,
    Prune,
    Calibrate,
    Falsify,
    Refine,
    Convert,
    Visualize,
    Display,
}

impl Stage {
    /// The flag that asks for the stage.
    pub fn flag(self) -> &'static str {
        match self {
            Stage::Train => "--train",
            Stage::Test => "--test",
            Stage::Prune => "--prune",
            Stage::Calibrate => "--calibrate-box",
            Stage::Falsify => "--falsify",
            Stage::Refine => "--refine",
            Stage::Convert => "--convert",
            Stage::Visualize => "--visualize",
            Stage::Display => "--display",
        }
    }
}

/// What the binary runs.
#[derive(Debug, Clone)]
pub enum Job {
    /// `--list-envs`.
    ListEnvs,
    /// `--collect-targets N`: target poses of SocialReacher for pose mimicry.
    CollectTargets(crate::targets::CollectPlan),
    /// `--train-cnn`: pose mimicry's understanding CNN, from a target data set.
    TrainCnn(crate::understand::CnnPlan),
    /// `--mimic`: pose mimicry, poses reached with true and CNN targets.
    Mimic(crate::mimic::MimicPlan),
    /// Stages over one environment.
    Stages(Box<Plan>),
    /// `--reproduce`: PruVer's results on its three environments.
    Reproduce(ReproducePlan),
}

impl Job {
    /// Run the job, libtorch linked.
    pub fn run(&self, stop: &AtomicBool) -> Result<()> {
        self.run_with(stop, Some(&LINKED))
    }

    /// Run the job with `libtorch` for the work that needs it; without, that work is an error
    /// (see [`crate::libtorch`]).
    pub fn run_with(&self, stop: &AtomicBool, libtorch: Option<&'static Libtorch>) -> Result<()> {
        match self {
            Job::ListEnvs => {
                print!("{}", env::list_envs());
                Ok(())
            }
            Job::CollectTargets(plan) => crate::targets::run(plan),
            Job::TrainCnn(plan) => {
                let lt = libtorch.ok_or_else(|| crate::libtorch::missing("--train-cnn"))?;
                (lt.train_cnn)(plan, (lt.device)(plan.device)?, stop)
            }
            Job::Mimic(plan) => crate::mimic::run(plan, |cnn, t, rows| {
                let lt = libtorch.ok_or_else(|| crate::libtorch::missing("--mimic --cnn"))?;
                (lt.read_cnn)(cnn, t, rows, (lt.device)(plan.device)?)
            }),
            Job::Stages(plan) => plan.run_with(stop, libtorch),
            Job::Reproduce(r) => (libtorch
                .ok_or_else(|| crate::libtorch::missing("--reproduce"))?
                .reproduce)(r, stop),
        }
    }

    /// Whether the job needs libtorch: PPO training, refinement, `--reproduce`, the understanding
    /// CNN.
    pub fn needs_libtorch(&self) -> bool {
        match self {
            Job::ListEnvs | Job::CollectTargets(_) => false,
            Job::Stages(plan) => plan.needs_libtorch(),
            Job::Reproduce(_) | Job::TrainCnn(_) => true,
            Job::Mimic(plan) => plan.cnn.is_some(),
        }
    }

    /// Under `mpirun` with more than one rank ([`crate::dist`]): whether the job has work to share
    /// out and can, else a usage error that says what to run instead.
    pub fn check_ranks(&self) -> Result<()> {
        let one = |what: &str| {
            Err(Error::Usage(format!(
                "{what} runs in one process: run it without mpirun. Under mpirun, `--train` with a \
                 population learner (--algo es, cma, hypernca, cosyne, mk1, mk2, mk2.5, simple-cma), \
                 `--falsify` and `--reproduce` share their work out across ranks (docs/mpi.md)."
            )))
        };
        match self {
            Job::ListEnvs => one("--list-envs"),
            Job::CollectTargets(_) => one("--collect-targets"),
            Job::TrainCnn(_) => one("--train-cnn"),
            Job::Mimic(_) => one("--mimic"),
            Job::Reproduce(_) => {
                // Every rank would train a missing dense actor: train it once, first.
                let missing: Vec<&str> = reproduce::CASES
                    .iter()
                    .map(|c| c.env_id)
                    .filter(|id| !Path::new(&format!("Policies/ppo_actor{id}.pth")).exists())
                    .collect();
                match missing.first() {
                    None => Ok(()),
                    Some(id) => Err(Error::Usage(format!(
                        "--reproduce under mpirun needs the dense actors in Policies/, and {} \
                         {} missing: run `synapt-safety --reproduce` once without mpirun (it trains \
                         them first), or `synapt-safety --env {id} --train --ppo default`",
                        missing.join(", "),
                        if missing.len() > 1 { "are" } else { "is" }
                    ))),
                }
            }
            Job::Stages(plan) => plan.check_ranks(),
        }
    }
}

/// Files a plan reads or writes; `None` takes the default name (PruVer's, under `Policies/`).
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub actor: Option<PathBuf>,
    /// `--elite`: the member of the `.npy` elite population `actor` the stages take (`None`: 0).
    pub elite: Option<usize>,
    pub critic: Option<PathBuf>,
    pub pruned: Option<PathBuf>,
    pub refined: Option<PathBuf>,
    pub failures: Option<PathBuf>,
    /// `--prune`'s pruned actor.
    pub out: Option<PathBuf>,
    pub prune_csv: Option<PathBuf>,
    /// `--test`'s per-episode CSV.
    pub csv: Option<PathBuf>,
    /// Sweep CSVs `--visualize` overlays.
    pub overlay: Vec<PathBuf>,
    pub hyperparameters: Option<PathBuf>,
    pub specs: Option<PathBuf>,
    /// `--targets`: SocialReacher's episodes draw their target pose from this data set.
    pub targets: Option<PathBuf>,
}

/// `--train`'s settings.
#[derive(Debug, Clone, Default)]
pub struct TrainSettings {
    /// The learner; it also names the default actor (`Policies/<algo>_actor<ENV>.pth`).
    pub algo: train::Algo,
    pub preset: Option<train::Preset>,
    pub resume: bool,
    pub iterations: Option<usize>,
    pub checkpoint: Option<PathBuf>,
    /// The size of the shared pool, for the report.
    pub threads: usize,
    /// `--tensorboard`: TensorBoard's log folder (`None`: `--no-tensorboard`).
    pub tensorboard: Option<PathBuf>,
}

/// `--prune`'s settings.
#[derive(Debug, Clone)]
pub struct PruneSettings {
    pub k: f64,
    pub method: prune::Method,
    /// `--sweep`: evaluate these prune fractions instead of writing one pruned actor.
    pub sweep: Option<Vec<f64>>,
}

/// `--falsify`'s settings.
#[derive(Debug, Clone)]
pub struct FalsifySettings {
    pub spec: Option<String>,
    pub methods: Vec<Search>,
    pub budget: usize,
    pub init_points: usize,
    pub acquisition: Acquisition,
    pub region: SearchRegion,
    /// `--bo-model`: which evaluations BO's GP takes.
    pub model: GpModel,
    pub runs: usize,
    /// `--params`: the perturbation parameters to search (empty: the initial-state ones).
    pub params: Vec<String>,
}

/// `--refine`'s settings.
#[derive(Debug, Clone)]
pub struct RefineSettings {
    pub method: refine::Method,
    /// `None`: tune, or pruver for a recurrent actor (tune trains feed-forward actors).
    pub strategy: Option<refine::Strategy>,
    /// Rounds of falsify → refine (with `--falsify`).
    pub rounds: usize,
    pub max_failures: Option<usize>,
}

/// `--convert`'s settings.
#[derive(Debug, Clone, Default)]
pub struct ConvertSettings {
    /// `--vnnlib`: a one-step property to write as VNN-LIB queries beside the ONNX file.
    pub property: Option<String>,
    /// `--vnnlib-box`: components of the input box to replace.
    pub input_box: Option<String>,
    /// `--vnnlib-eps`: one query per failure, over the box of this half-width around its recovery
    /// state.
    pub eps: Option<f64>,
}

/// Stages over one environment, and everything they need.
#[derive(Debug, Clone)]
pub struct Plan {
    pub env: String,
    /// In any order; they run in pipeline order.
    pub stages: Vec<Stage>,
    pub files: Files,
    pub episodes: usize,
    pub seed: u64,
    /// Whether `--seed` was given (training otherwise takes the YAML's seed).
    pub seed_given: bool,
    pub isdiscrete: bool,
    pub device: DeviceChoice,
    pub train: TrainSettings,
    pub prune: PruneSettings,
    pub falsify: FalsifySettings,
    pub refine: RefineSettings,
    pub convert: ConvertSettings,
    /// `--display`: how many of the worst failures to render.
    pub gifs: usize,
}

/// What earlier stages hand to later ones.
#[derive(Default)]
struct Handoff {
    /// `--test`'s evaluation of the dense actor, which `--prune` reuses.
    tested: Option<evaluate::TestReport>,
    /// The actor `--prune` wrote.
    pruned: Option<PathBuf>,
    /// Whether a sweep drew the chart.
    swept: bool,
    falsified: Option<Falsified>,
    refined: Option<PathBuf>,
    /// The box `--calibrate-box` found: every perturbation parameter, the searched ones scaled.
    calibrated: Option<Vec<env::Param>>,
}

/// The per-instance timeout, in seconds, of the VNN-COMP instance list `--convert --vnnlib` writes.
const VNNLIB_TIMEOUT_S: u32 = 300;

/// The hyperparameters file and the environment's options from it; libtorch and its device when
/// the plan needs them.
struct Context {
    hyperparameters: Option<Hyperparameters>,
    env_options: EnvOptions,
    libtorch: Option<(&'static Libtorch, tch::Device)>,
}

impl Context {
    /// Libtorch and its device, for `what`.
    fn libtorch(&self, what: &str) -> Result<(&'static Libtorch, tch::Device)> {
        self.libtorch.ok_or_else(|| crate::libtorch::missing(what))
    }
}

impl Plan {
    /// The dense actor: `--actor`, else the learner's (`Policies/ppo_actor<ENV>.pth` for PPO).
    pub fn actor_path(&self) -> PathBuf {
        self.files
            .actor
            .clone()
            .unwrap_or_else(|| self.train.algo.actor_path(&self.env))
    }

    /// The critic: `--critic`, else `Policies/ppo_critic<ENV>.pth`.
    pub fn critic_path(&self) -> PathBuf {
        self.files
            .critic
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("Policies/ppo_critic{}.pth", self.env)))
    }

    /// Whether every MPI rank runs `stage`, sharing its work out ([`crate::dist`]): population
    /// training and falsification. Rank 0 alone runs the others.
    fn shared_stage(&self, stage: Stage) -> bool {
        match stage {
            Stage::Train => self.train.algo != train::Algo::Ppo,
            Stage::Falsify => true,
            _ => false,
        }
    }

    /// See [`Job::check_ranks`]: a stage shared out must not read what an earlier stage of the same
    /// command writes (only rank 0 writes files), and PPO trains in one process.
    fn check_ranks(&self) -> Result<()> {
        let has = |s: Stage| self.stages.contains(&s);
        if has(Stage::Train) && self.train.algo == train::Algo::Ppo {
            return Err(Error::Usage(
                "--train --algo ppo runs in one process (its environments step on --threads \
                 cores): run it without mpirun. Under mpirun, --train shares out the population \
                 learners (--algo es, cma, hypernca, cosyne, mk1, mk2, mk2.5, simple-cma) (docs/mpi.md)."
                    .into(),
            ));
        }
        if has(Stage::Falsify) {
            if let Some(before) = [Stage::Train, Stage::Prune, Stage::Calibrate]
                .into_iter()
                .find(|&s| has(s))
            {
                return Err(Error::Usage(format!(
                    "{} and --falsify in one mpirun command: under mpirun, --falsify reads an actor \
                     and a box that exist before the command starts (only rank 0 writes files). Run \
                     `synapt-safety {} ...` first, then `mpirun -n N synapt-safety --falsify --actor \
                     <its actor> ...` (docs/mpi.md).",
                    before.flag(),
                    before.flag()
                )));
            }
        }
        if !self.stages.iter().any(|&s| self.shared_stage(s)) {
            let flags: Vec<&str> = self.stages.iter().map(|s| s.flag()).collect();
            return Err(Error::Usage(format!(
                "nothing in `{}` is shared out across MPI ranks: run it without mpirun. Under \
                 mpirun, `--train` with a population learner and `--falsify` share their work out \
                 (docs/mpi.md).",
                flags.join(" ")
            )));
        }
        Ok(())
    }

    /// Whether a stage needs libtorch: `--train --algo ppo` and `--refine`.
    pub fn needs_libtorch(&self) -> bool {
        self.stages.contains(&Stage::Refine)
            || (self.stages.contains(&Stage::Train) && self.train.algo == train::Algo::Ppo)
    }

    /// Run the stages in pipeline order, libtorch linked.
    pub fn run(&self, stop: &AtomicBool) -> Result<()> {
        self.run_with(stop, Some(&LINKED))
    }

    /// Run the stages in pipeline order, with `libtorch` for the stages that need it (see
    /// [`crate::libtorch`]); a plan that needs it and has none is an error before any work.
    pub fn run_with(&self, stop: &AtomicBool, libtorch: Option<&'static Libtorch>) -> Result<()> {
        // One spelling per environment: reports and file names use the canonical name
        // (`CartPole-v1:max_episode_steps=500` is `CartPole-v1`). A name that does not parse is left
        // to the stages that need the environment (pruning without evaluation needs none).
        let canonical = env::canonical_name(&self.env).unwrap_or_else(|_| self.env.clone());
        if canonical != self.env {
            let plan = Plan {
                env: canonical,
                ..self.clone()
            };
            return plan.run_with(stop, libtorch);
        }
        let mut stages = self.stages.clone();
        stages.sort();
        stages.dedup();
        let libtorch = if self.needs_libtorch() {
            let lt = libtorch.ok_or_else(|| {
                crate::libtorch::missing(if self.stages.contains(&Stage::Refine) {
                    "--refine"
                } else {
                    "--train --algo ppo"
                })
            })?;
            Some((lt, (lt.device)(self.device)?))
        } else {
            None
        };
        // Read the hyperparameters now, so a broken file is reported before any work is done. The
        // default file is optional; a file named with --hyperparameters must exist.
        let hyperparameters =
            train::config::load_hyperparameters(self.files.hyperparameters.as_deref())?;
        let mut env_options = match &hyperparameters {
            Some(h) => h.env_options(&self.env)?,
            None => EnvOptions::default(),
        };
        if let Some(path) = &self.files.targets {
            let id = env::EnvName::parse(&self.env)?.spec.id;
            if id != "SocialReacher-v0" {
                return Err(Error::Usage(format!(
                    "--targets gives SocialReacher-v0's episodes their target poses; {} has none \
                     (use --env SocialReacher-v0)",
                    self.env
                )));
            }
            let t = crate::targets::Targets::read(path)?;
            println!("target poses: {} from {}", t.len(), path.display());
            env_options.targets = Some(t.pose_set(path));
        }
        println!(
            "synapt-safety {} · env {}{}",
            env!("CARGO_PKG_VERSION"),
            self.env,
            libtorch.map_or(String::new(), |(_, device)| format!(
                " · libtorch device {device:?}"
            ))
        );
        let cx = Context {
            hyperparameters,
            env_options,
            libtorch,
        };
        let mut h = Handoff::default();
        for stage in stages {
            // Under MPI, every rank runs the stages whose work is shared out (together: the work is
            // shared only inside them); rank 0 alone runs the rest.
            let shared = crate::dist::size() > 1 && self.shared_stage(stage);
            if crate::dist::size() > 1 && !shared && !crate::dist::writes_files() {
                continue;
            }
            let _sharing = shared.then(crate::dist::Sharing::begin);
            match stage {
                Stage::Train => self.train_stage(&cx, stop)?,
                Stage::Test => h.tested = Some(self.test_stage(&cx)?),
                Stage::Prune => self.prune_stage(&cx, &mut h)?,
                Stage::Calibrate => h.calibrated = Some(self.calibrate_stage(&cx)?),
                Stage::Falsify => {
                    // --prune --falsify falsifies the actor just pruned; --refine --falsify falsifies
                    // the pruned actor first, then (in --refine) the refined one.
                    let actor = h
                        .pruned
                        .clone()
                        .or_else(|| {
                            self.stages
                                .contains(&Stage::Refine)
                                .then(|| self.files.pruned.clone())
                                .flatten()
                        })
                        .unwrap_or_else(|| self.actor_path());
                    let req = self.falsify_request(&cx, &h, actor)?;
                    h.falsified = Some(falsify_stage(&req)?);
                }
                Stage::Refine => h.refined = self.refine_stage(&cx, &h)?,
                Stage::Convert => self.convert_stage(&cx, &h)?,
                Stage::Visualize => self.visualize_stage(&h)?,
                Stage::Display => self.display_stage(&cx, h.falsified.as_ref())?,
            }
        }
        Ok(())
    }

    fn test_stage(&self, cx: &Context) -> Result<evaluate::TestReport> {
        let report = evaluate::run(
            &self.env,
            cx.env_options,
            &self.actor_path(),
            self.files.elite,
            self.episodes,
            self.seed,
            self.isdiscrete,
        )?;
        println!();
        print!("{}", report.episode_table());
        println!();
        print!("{}", report.summary_table());
        if let Some(path) = &self.files.csv {
            report.write_csv(path)?;
            println!("\nper-episode results written to {}", path.display());
        }
        Ok(report)
    }

    fn prune_stage(&self, cx: &Context, h: &mut Handoff) -> Result<()> {
        let opts = PruneOptions {
            env_id: self.env.clone(),
            env_options: cx.env_options,
            method: self.prune.method,
            k: self.prune.k,
            seed: self.seed,
            episodes: self.episodes,
            isdiscrete: self.isdiscrete,
            elite: self.files.elite,
        };
        let actor = self.actor_path();
        println!();
        if let Some(ks) = &self.prune.sweep {
            let csv = self
                .files
                .prune_csv
                .clone()
                .unwrap_or_else(|| Sweep::default_csv(&self.env, self.prune.method));
            let (sweep, files) = prune::run_sweep(&opts, &actor, ks, &csv, &self.files.overlay)?;
            print!("{}", sweep.table());
            println!(
                "\nsweep written to {}; chart \"Prune percentage vs rewards\" to {}",
                files.csv.display(),
                files.png.display()
            );
            h.swept = true;
        } else {
            let report = prune::run(
                &opts,
                &actor,
                self.files.out.as_deref(),
                self.files.prune_csv.as_deref(),
                h.tested.take(),
            )?;
            print!("{}", report.render());
            if let Some(path) = &self.files.prune_csv {
                println!("per-episode returns written to {}", path.display());
            }
            h.pruned = Some(report.out);
        }
        Ok(())
    }

    fn visualize_stage(&self, h: &Handoff) -> Result<()> {
        let opts = VisualizeOptions {
            out_dir: PathBuf::from("Graph"),
            k: self.prune.k,
            method: self.prune.method,
            seed: self.seed,
            elite: self.files.elite,
        };
        println!();
        let overlay = &self.files.overlay;
        // `--visualize --overlay a.csv,b.csv` alone draws only the chart.
        if overlay.is_empty()
            || self.files.actor.is_some()
            || self.stages.contains(&Stage::Prune)
            || h.swept
        {
            let pruned = self.files.pruned.clone().or(h.pruned.clone());
            let refined = h.refined.clone().or(self.files.refined.clone());
            let report = visualize::run(
                &opts,
                &self.actor_path(),
                pruned.as_deref(),
                refined.as_deref(),
            )?;
            for f in &report.files {
                println!("wrote {}", f.display());
            }
            for n in &report.notes {
                println!("note: {n}");
            }
        }
        if !overlay.is_empty() && !h.swept {
            let out = visualize::overlay(overlay, &opts.out_dir.join("prune_vs_rewards.png"))?;
            println!("wrote {}", out.display());
        }
        Ok(())
    }

    /// `--calibrate-box`: the largest scaling of the box in which the dense actor has no failure
    /// under the campaign `--falsify` runs; returns every perturbation parameter with the searched
    /// ones scaled, for the campaigns of this command.
    fn calibrate_stage(&self, cx: &Context) -> Result<Vec<env::Param>> {
        let f = &self.falsify;
        let probe = env::make_with(&self.env, cx.env_options)?;
        let dense_path = self.actor_path();
        let dense = Actor::load_elite(&dense_path, self.files.elite, Some(&probe.action_space()))?;
        dense.check_fits(
            &probe.observation_space(),
            &probe.action_space(),
            &self.env,
            Path::new(&crate::policy::actor_label(&dense_path, self.files.elite)),
        )?;
        let spec =
            Catalog::load(self.files.specs.as_deref())?.get(probe.as_ref(), f.spec.as_deref())?;
        let all = config::perturbations(cx.hyperparameters.as_ref(), &self.env)?;
        let searched = crate::falsify::search::choose_params(&self.env, all.clone(), &f.params)?;
        let mut methods = f.methods.clone();
        methods.sort();
        methods.dedup();
        let settings = calibrate::Settings {
            env_id: &self.env,
            env_options: cx.env_options,
            spec: &spec,
            methods: &methods,
            budget: f.init_points + f.budget,
            init_points: f.init_points,
            acquisition: f.acquisition,
            region: f.region,
            model: f.model,
            seed: self.seed,
        };
        println!();
        println!(
            "calibrating the box for {} on {} against `{}`: {} (campaigns of {} evaluations, seed {})",
            crate::policy::actor_label(&dense_path, self.files.elite),
            self.env,
            spec.name,
            spec.text,
            settings.budget,
            self.seed
        );
        let c = calibrate::calibrate(&dense, &searched, &settings)?;
        println!();
        print!("{}", calibrate::trials_table(&c, &methods));
        let Some(scale) = c.scale else {
            return Err(Error::Invalid(format!(
                "--calibrate-box: the dense actor {} fails `{}` even in the box scaled by 1/{}: it is \
                 not safe near the nominal start, so failures of a pruned version would not be \
                 pruning's doing; choose another specification (--spec) or parameters (--params)",
                crate::policy::actor_label(&dense_path, self.files.elite),
                spec.name,
                1usize << calibrate::STEPS
            )));
        };
        let bounds: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{}: [{}, {}]", p.name, p.low, p.high))
            .collect();
        println!(
            "calibrated box (scale {scale}): {}\nto keep it, put it in hyperparameters.yml as \
             {}: {{perturbations: {{{}}}}}",
            bounds.join(", "),
            self.env,
            bounds.join(", ")
        );
        Ok(all
            .into_iter()
            .map(|p| {
                c.params
                    .iter()
                    .find(|q| q.name == p.name)
                    .cloned()
                    .unwrap_or(p)
            })
            .collect())
    }

    /// The `--falsify` request this plan describes, against `actor` (member `--elite` when it is the
    /// `--actor` elite population).
    fn falsify_request(&self, cx: &Context, h: &Handoff, actor: PathBuf) -> Result<stage::Request> {
        let f = &self.falsify;
        let elite = if actor == self.actor_path() {
            self.files.elite
        } else {
            None
        };
        let mut methods = f.methods.clone();
        methods.sort();
        methods.dedup();
        Ok(stage::Request {
            env_id: self.env.clone(),
            env_options: cx.env_options,
            actor_path: actor,
            elite,
            all_params: match &h.calibrated {
                Some(params) => params.clone(),
                None => config::perturbations(cx.hyperparameters.as_ref(), &self.env)?,
            },
            param_names: f.params.clone(),
            spec_name: f.spec.clone(),
            specs_file: self.files.specs.clone(),
            methods,
            budget: f.budget,
            init_points: f.init_points,
            acquisition: f.acquisition,
            region: f.region,
            model: f.model,
            seed: self.seed,
            runs: f.runs,
            out_dir: PathBuf::from("Failure_Trajectories"),
            graph_dir: PathBuf::from("Graph"),
            stem_suffix: String::new(),
        })
    }

    /// `--refine`: refine the pruned actor against the failures of --failures (or of the campaign that
    /// just ran), report, write the refined actor; with --falsify, re-falsify it and repeat up to
    /// --refine-rounds times. Returns the refined actor's path, if one was written.
    fn refine_stage(&self, cx: &Context, h: &Handoff) -> Result<Option<PathBuf>> {
        let Some(pruned_path) = self.files.pruned.clone().or(h.pruned.clone()) else {
            return Err(Error::Usage(
                "--refine needs the pruned actor: give --pruned PATH (or --prune in the same command)"
                    .into(),
            ));
        };
        let (lt, _) = cx.libtorch("--refine")?;
        let dense_path = self.actor_path();
        let probe = env::make_with(&self.env, cx.env_options)?;
        let (dense, pruned) = load_pair(
            &self.env,
            probe.as_ref(),
            (&dense_path, self.files.elite),
            &pruned_path,
        )?;
        let (mut failures, spec, source) = self.counterexamples(probe.as_ref(), h, "--refine")?;
        let Some(spec) = spec else {
            println!("\n{source}: no failures recorded: nothing to refine (no actor written)");
            return Ok(None);
        };
        let out =
            self.files.refined.clone().unwrap_or_else(|| {
                refine::refined_path_of(&dense_path, self.files.elite, &self.env)
            });
        prune::refuse_overwrite(&dense_path, &out, "the refined actor")?;
        prune::refuse_overwrite(&pruned_path, &out, "the refined actor")?;
        let r = &self.refine;
        let thresholds = config::refine_thresholds(cx.hyperparameters.as_ref(), &self.env);
        let env_ref = refine::EnvRef {
            id: &self.env,
            options: cx.env_options,
        };
        let (recovered, fixed_by) = refine::criteria(r.method, thresholds);
        let strategy = r.strategy.unwrap_or(if pruned.is_recurrent() {
            refine::Strategy::Pruver
        } else {
            refine::Strategy::Tune
        });
        println!();
        println!(
            "refining {} ({}) toward {} on {} with {} failures of `{}` from {source}",
            pruned_path.display(),
            pruned.shape_string(),
            crate::policy::actor_label(&dense_path, self.files.elite),
            self.env,
            failures.len(),
            spec.name
        );
        match strategy {
            refine::Strategy::Pruver => println!(
                "strategy pruver, method {}: a prefix is recoverable when, with the dense actor \
                 finishing the episode, {}; a failure is fixed when {}",
                r.method.name(),
                recovered.describe(&spec),
                fixed_by.describe(&spec)
            ),
            refine::Strategy::Tune => println!(
                "strategy tune, method {}: a failure is fixed when {}",
                r.method.name(),
                fixed_by.describe(&spec)
            ),
        }

        let falsifying = self.stages.contains(&Stage::Falsify);
        let mut rounds = Table::new([
            "round",
            "failures",
            "fixed",
            "restored this round",
            "sparsity",
            "refine s",
            "new failures (re-falsify)",
        ]);
        let mut current = pruned.clone();
        let mut written = None;
        let mut unfixed = None;
        let mut last_found = None;
        for round in 1..=r.rounds {
            let outcome = (lt.refine)(&refine::Request {
                env: env_ref,
                dense: &dense,
                pruned: &current,
                failures: &failures,
                spec: &spec,
                method: r.method,
                strategy,
                tune: refine::tune::Settings {
                    seed: self.seed.wrapping_add(round as u64),
                    ..Default::default()
                },
                thresholds,
                max_failures: r.max_failures,
                progress: Some(&|msg: &str| eprintln!("{msg}")),
            })?;
            println!();
            if !print_round(round, failures.len(), &outcome) && written.is_none() {
                println!("no actor written");
                return Ok(None);
            }
            current = outcome.refined.clone();
            current.save(&out)?;
            written = Some(out.clone());
            let sparsity = prune::overall_sparsity(&prune::layer_stats(&dense, &current));
            let restored_total: usize = outcome.restored.iter().sum();
            let mut row = vec![
                round.to_string(),
                if outcome.dense_fails.is_empty() {
                    outcome.total.to_string()
                } else {
                    format!(
                        "{} (+{} dense fails)",
                        outcome.total,
                        outcome.dense_fails.len()
                    )
                },
                format!("{}/{}", outcome.fixed, outcome.total),
                restored_total.to_string(),
                format!("{:.1}%", 100.0 * sparsity),
                format!("{:.3}", outcome.timings.total()),
            ];
            if !outcome.all_fixed {
                unfixed = Some((outcome.unfixed.clone(), outcome.total));
            }
            if !outcome.all_fixed || !falsifying {
                row.push("–".into());
                rounds.row(row);
                break;
            }
            // Close the loop: a fresh campaign, same specification and budget, a new seed.
            let mut req = self.falsify_request(cx, h, out.clone())?;
            req.spec_name = Some(spec.name.clone());
            req.seed = self.seed.wrapping_add(1000 * round as u64);
            req.stem_suffix = format!("_round{round}");
            println!();
            println!(
                "round {round}: re-falsifying the refined actor (seed {}, same budget)",
                req.seed
            );
            let report = falsify_stage(&req)?;
            let found = report.failure_count();
            last_found = Some(counts(&report));
            row.push(found.to_string());
            rounds.row(row);
            if found == 0 {
                break;
            }
            let next = failures.len();
            failures.extend(report.recorded_failures().into_iter().map(|mut f| {
                f.id += next;
                f
            }));
        }
        println!();
        print!("{}", refine::layer_table(&dense, &pruned, &current));
        println!();
        print!("{rounds}");
        // With campaigns: the dense actor gets one too (same seed and budget as the pruned one's), so
        // the final table compares all three.
        let (dense_found, pruned_found) = match h.falsified.as_ref() {
            Some(pruned_report) if falsifying => {
                let mut req = self.falsify_request(cx, h, dense_path.clone())?;
                req.spec_name = Some(spec.name.clone());
                let dense_report = stage::run(&req)?;
                (Some(counts(&dense_report)), Some(counts(pruned_report)))
            }
            _ => (None, None),
        };
        println!();
        println!(
            "{} seeded episodes each (seeds {}…){}",
            self.episodes,
            self.seed,
            if falsifying {
                format!(
                    "; failures found against `{}`, {} evaluations per method (the refined actor's \
                     with the last round's seed)",
                    spec.name,
                    self.falsify.init_points + self.falsify.budget
                )
            } else {
                String::new()
            }
        );
        let rows = [
            ("dense", &dense, dense_found),
            ("pruned", &pruned, pruned_found),
            ("refined", &current, last_found),
        ]
        .map(|(name, actor, failures)| refine::Row {
            name,
            actor,
            failures,
        });
        print!(
            "{}",
            refine::evaluation_table(env_ref, &dense, &rows, self.episodes, self.seed)?
        );
        println!();
        if let Some(out) = &written {
            println!("wrote {}", out.display());
        }
        if let Some((rows, total)) = unfixed {
            println!();
            println!(
                "still failing ({} of {total}; a failure is fixed when {}):",
                rows.len(),
                fixed_by.describe(&spec)
            );
            print!("{}", refine::unfixed_table(&rows));
            let (why, next) = match strategy {
                refine::Strategy::Pruver => (
                    "with every gradient-ranked weight restored down to p = 0.01",
                    "--refine-strategy tune (it trains the kept weights), a smaller --k, or \
                     --refine-method spec",
                ),
                refine::Strategy::Tune => (
                    "after every round of tuning",
                    "--refine-strategy pruver, a smaller --k, or --display --failures to watch them",
                ),
            };
            return Err(Error::Incomplete(format!(
                "{} of {total} failures still fail {why}; the actor that fixed the most was written to \
                 {} (exit 3). Try {next}",
                rows.len(),
                out.display()
            )));
        }
        Ok(written)
    }

    /// The counterexamples `stage` works on: those of --failures, else those of the campaign this
    /// command ran last; with their specification (`None` when there are none) and a name for where
    /// they came from.
    fn counterexamples(
        &self,
        probe: &dyn env::Env,
        h: &Handoff,
        stage: &str,
    ) -> Result<(Vec<RecordedFailure>, Option<Spec>, String)> {
        match (&self.files.failures, h.falsified.as_ref()) {
            (Some(path), _) => {
                let file = read_failures(
                    path,
                    &self.env,
                    probe.observation_names(),
                    &probe.action_space(),
                )?;
                let source = path.display().to_string();
                if file.failures.is_empty() {
                    return Ok((Vec::new(), None, source));
                }
                let catalog = Catalog::load(self.files.specs.as_deref())?;
                let spec = catalog.get(probe, Some(&file.spec))?;
                Ok((file.failures, Some(spec), source))
            }
            (None, Some(report)) => {
                let failures = report.recorded_failures();
                let spec = (!failures.is_empty()).then(|| report.spec.clone());
                Ok((failures, spec, "the campaign above".to_string()))
            }
            (None, None) => Err(Error::Usage(format!(
                "{stage} needs counterexamples: give --failures PATH (a CSV of --falsify) or \
                 --falsify in the same command"
            ))),
        }
    }

    /// `--convert`: the newest actor of the command (refined, else pruned, else --refined, --pruned,
    /// --actor) as ONNX, and with --vnnlib its property as VNN-LIB queries beside it.
    fn convert_stage(&self, cx: &Context, h: &Handoff) -> Result<()> {
        let (path, elite) = match h
            .refined
            .clone()
            .or(h.pruned.clone())
            .or(self.files.refined.clone())
            .or(self.files.pruned.clone())
        {
            Some(p) => (p, None),
            None => (self.actor_path(), self.files.elite),
        };
        let probe = env::make_with(&self.env, cx.env_options)?;
        let actions = probe.action_space();
        let actor = Actor::load_elite(&path, elite, Some(&actions))?;
        let label = crate::policy::actor_label(&path, elite);
        let space = probe.observation_space();
        actor.check_fits(&space, &actions, &self.env, Path::new(&label))?;
        // --out names the pruned actor when --prune runs; the ONNX file then goes beside it.
        let onnx = match (&self.files.out, self.stages.contains(&Stage::Prune)) {
            (Some(out), false) => out.clone(),
            _ => convert::default_onnx_path(&path, elite),
        };
        let mut conversion = convert::Conversion::new(&actor, onnx, &label, &self.env);
        if let Some(text) = &self.convert.property {
            let c = &self.convert;
            let mut q = convert::Queries {
                property: convert::Property::parse(text)?,
                actor: &actor,
                label: &label,
                env_id: &self.env,
                names: probe.observation_names(),
                space: &space,
                discrete: actions.is_discrete(),
                overrides: c.input_box.as_deref(),
                around: None,
            };
            q.check()?;
            let (recoveries, dense);
            if let Some(eps) = c.eps {
                let (failures, spec, source) =
                    self.counterexamples(probe.as_ref(), h, "--vnnlib-eps")?;
                let dense_label = crate::policy::actor_label(&self.actor_path(), self.files.elite);
                dense = Actor::load_elite(&self.actor_path(), self.files.elite, Some(&actions))?;
                dense.check_fits(&space, &actions, &self.env, Path::new(&dense_label))?;
                if dense.is_recurrent() {
                    return Err(Error::Invalid(format!(
                        "the dense actor {dense_label} is an Elman network: its recovery states \
                         depend on its context, which a box over observations leaves out"
                    )));
                }
                let thresholds = config::refine_thresholds(cx.hyperparameters.as_ref(), &self.env);
                let (recovered, _) = refine::criteria(self.refine.method, thresholds);
                let env_ref = refine::EnvRef {
                    id: &self.env,
                    options: cx.env_options,
                };
                recoveries = match spec {
                    Some(spec) => {
                        println!();
                        println!(
                            "{} failures of `{}` from {source}: boxes of half-width {eps} around \
                             the recovery state of each (a prefix is recoverable when, with \
                             {dense_label} finishing the episode, {})",
                            failures.len(),
                            spec.name,
                            recovered.describe(&spec)
                        );
                        refine::recovery_states(env_ref, &dense, &failures, recovered, &spec)?
                    }
                    None => Vec::new(),
                };
                q.around = Some(convert::Around {
                    eps,
                    recoveries: &recoveries,
                    dense: &dense,
                    source,
                });
            }
            conversion.add_queries(&q)?;
        }
        let mut inputs = vec![path.clone(), self.actor_path()];
        inputs.extend(
            [
                &self.files.failures,
                &self.files.hyperparameters,
                &self.files.specs,
            ]
            .into_iter()
            .flatten()
            .cloned(),
        );
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        conversion.check_outputs(&inputs)?;
        let written = conversion.write(VNNLIB_TIMEOUT_S)?;
        let (n, zeros) = conversion.weights;
        println!();
        println!(
            "converted {label} ({}, {zeros}/{n} weights zero) to ONNX (opset {}, IR {}): {}",
            actor.shape_string(),
            convert::onnx::OPSET,
            convert::onnx::IR_VERSION,
            convert::onnx::signature(&actor)
        );
        println!("wrote {}", written[0].display());
        match conversion.queries.len() {
            0 if self.convert.property.is_some() => {
                println!("no failures recorded: no VNN-LIB query written")
            }
            0 => {}
            1 if written.len() == 2 => println!("wrote {}", written[1].display()),
            n => println!(
                "wrote {n} VNN-LIB queries, one per failure, and VNN-COMP's instances.csv into {}/",
                conversion.queries_dir().display()
            ),
        }
        Ok(())
    }

    /// `--display`: replay and check the failures of --failures, render the worst to GIF.
    fn display_stage(&self, cx: &Context, falsified: Option<&Falsified>) -> Result<()> {
        let just_written =
            falsified.and_then(|r| r.results.first().map(|m| m.failures_file.clone()));
        let Some(failures) = self.files.failures.clone().or(just_written) else {
            return Err(Error::Usage(
                "--display replays a failures file: give --failures PATH (a CSV of --falsify in \
                 Failure_Trajectories/)"
                    .into(),
            ));
        };
        let report = display::run(&display::DisplayOptions {
            env_id: self.env.clone(),
            env_options: cx.env_options,
            failures,
            specs_file: self.files.specs.clone(),
            graph_dir: PathBuf::from("Graph"),
            gifs: self.gifs,
        })?;
        println!();
        print!("{}", report.render());
        for f in &report.files {
            println!("wrote {}", f.display());
        }
        Ok(())
    }

    /// `--train`: the learner `--algo` names.
    fn train_stage(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        match self.train.algo {
            train::Algo::Ppo => self.train_ppo(cx, stop),
            train::Algo::Es => self.train_es(cx, stop),
            train::Algo::Synaptolysis(m) => self.train_synaptolysis(m, cx, stop),
            train::Algo::Cosyne => self.train_cosyne(cx, stop),
            train::Algo::Cma => self.train_cma(cx, stop),
            train::Algo::HyperNca => self.train_hypernca(cx, stop),
        }
    }

    /// What every population learner's `--train` shares: its settings from the environment's entry
    /// (`--iterations` and `--seed` over them), the header, the run (fresh, or `--resume`d with
    /// `--iterations` as the new end), the report.
    fn train_population<C>(
        &self,
        cx: &Context,
        label: &str,
        resolve: impl FnOnce(
            Option<&crate::config::Hyperparameters>,
            &str,
            Option<usize>,
            Option<u64>,
        ) -> Result<C>,
        describe: impl FnOnce(&C) -> String,
        run: impl FnOnce(C, Option<Option<usize>>) -> Result<train::TrainReport>,
    ) -> Result<()> {
        let t = &self.train;
        let cfg = resolve(
            cx.hyperparameters.as_ref(),
            &self.env,
            t.iterations,
            self.seed_given.then_some(self.seed),
        )?;
        println!();
        let ranks = match crate::dist::size() {
            1 => String::new(),
            n => format!("{n} MPI ranks × "),
        };
        println!(
            "training {} with {label} on {ranks}{} threads{}:",
            self.env,
            t.threads,
            if t.resume { ", resuming" } else { "" }
        );
        if !t.resume {
            print!("{}", describe(&cfg));
        }
        print_trained(&run(cfg, t.resume.then_some(t.iterations))?)
    }

    /// `--train --algo hypernca`.
    fn train_hypernca(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        use train::hypernca;
        let default = hypernca::Files::default_for(&self.env);
        let files = hypernca::Files {
            actor: self.actor_path(),
            checkpoint: self.train.checkpoint.clone().unwrap_or(default.checkpoint),
            tensorboard: self.train.tensorboard.clone(),
            ..default
        };
        self.train_population(
            cx,
            "HyperNCA",
            hypernca::resolve,
            hypernca::HyperNcaConfig::describe,
            |cfg, resume| hypernca::run(&self.env, cx.env_options, cfg, &files, resume, stop),
        )
    }

    /// `--train --algo cma`.
    fn train_cma(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        use train::cma;
        let default = cma::CmaFiles::default_for(&self.env);
        let files = cma::CmaFiles {
            actor: self.actor_path(),
            checkpoint: self.train.checkpoint.clone().unwrap_or(default.checkpoint),
            tensorboard: self.train.tensorboard.clone(),
            ..default
        };
        self.train_population(
            cx,
            "CMA-ES",
            cma::resolve,
            cma::CmaConfig::describe,
            |cfg, resume| cma::run(&self.env, cx.env_options, cfg, &files, resume, stop),
        )
    }

    /// `--train --algo cosyne`.
    fn train_cosyne(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        use train::cosyne;
        let default = cosyne::Files::default_for(&self.env);
        let files = cosyne::Files {
            actor: self.actor_path(),
            checkpoint: self.train.checkpoint.clone().unwrap_or(default.checkpoint),
            tensorboard: self.train.tensorboard.clone(),
            ..default
        };
        self.train_population(
            cx,
            "CoSyNE",
            cosyne::resolve,
            cosyne::CosyneConfig::describe,
            |cfg, resume| cosyne::run(&self.env, cx.env_options, cfg, &files, resume, stop),
        )
    }

    /// `--train --algo mk1|mk2|mk2.5|simple-cma`.
    fn train_synaptolysis(
        &self,
        method: train::synaptolysis::Method,
        cx: &Context,
        stop: &AtomicBool,
    ) -> Result<()> {
        use train::synaptolysis as syn;
        let default = syn::Files::default_for(method, &self.env);
        let files = syn::Files {
            actor: self.actor_path(),
            checkpoint: self.train.checkpoint.clone().unwrap_or(default.checkpoint),
            tensorboard: self.train.tensorboard.clone(),
            ..default
        };
        self.train_population(
            cx,
            &format!("Synaptolysis {}", method.name()),
            |h, env, iterations, seed| syn::config::resolve(h, env, method, iterations, seed),
            |cfg| cfg.describe(),
            |cfg, resume| syn::run(&self.env, cx.env_options, cfg, &files, resume, stop),
        )
    }

    /// `--train --algo es`.
    fn train_es(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        use train::es;
        let default = es::EsFiles::default_for(&self.env);
        let files = es::EsFiles {
            actor: self.actor_path(),
            checkpoint: self.train.checkpoint.clone().unwrap_or(default.checkpoint),
            tensorboard: self.train.tensorboard.clone(),
            ..default
        };
        self.train_population(
            cx,
            "ES",
            es::resolve,
            es::EsConfig::describe,
            |cfg, resume| es::run(&self.env, cx.env_options, cfg, &files, resume, stop),
        )
    }

    /// `--train --algo ppo`: resolve the hyperparameters, train with Ctrl-C stopping after the
    /// current iteration, print the summary.
    fn train_ppo(&self, cx: &Context, stop: &AtomicBool) -> Result<()> {
        let (lt, device) = cx.libtorch("--train --algo ppo")?;
        let probe = env::make(&self.env)?;
        let discrete = probe.action_space().is_discrete();
        if self.isdiscrete && !discrete {
            return Err(Error::Invalid(format!(
                "--isdiscrete was given, but {} has a continuous action space",
                self.env
            )));
        }
        let t = &self.train;
        let overrides = train::Overrides {
            preset: t.preset,
            seed: self.seed_given.then_some(self.seed),
            iterations: t.iterations,
        };
        let (config, notes) =
            train::config::resolve(cx.hyperparameters.as_ref(), &self.env, discrete, &overrides)?;
        let [_, _, checkpoint, log, curve] = train::TrainOptions::default_paths(&self.env);
        let opts = train::TrainOptions {
            env_id: self.env.clone(),
            env_options: cx.env_options,
            config,
            actor: self.actor_path(),
            critic: self.critic_path(),
            checkpoint: t.checkpoint.clone().unwrap_or(checkpoint),
            log,
            curve,
            tensorboard: t.tensorboard.clone(),
            resume: t.resume,
            device,
            progress: true,
        };
        println!();
        for n in &notes {
            println!("note: {n}");
        }
        println!(
            "training {} with PPO ({}) on {} threads{}:",
            self.env,
            opts.config.preset.name(),
            t.threads,
            if t.resume { ", resuming" } else { "" }
        );
        print!("{}", opts.config.describe());
        print_trained(&(lt.train_ppo)(&opts, stop)?)
    }
}

/// A training's notes, summary and files; a run stopped by Ctrl-C is an error that says where
/// `--resume` goes on from.
fn print_trained(report: &train::TrainReport) -> Result<()> {
    println!();
    for n in &report.notes {
        println!("note: {n}");
    }
    print!("{}", report.summary_table());
    println!();
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted: stopped after iteration {} of {}; the files above are complete, and \
             --resume goes on from {}",
            report.iteration,
            report.total,
            report.checkpoint.display()
        )));
    }
    Ok(())
}

/// The dense and the pruned actor, each checked against the environment and against each other. The
/// dense one is a path and, for a `.npy` elite population, the member (`--elite`).
pub fn load_pair(
    env_id: &str,
    probe: &dyn env::Env,
    (dense_path, elite): (&Path, Option<usize>),
    pruned_path: &Path,
) -> Result<(Actor, Actor)> {
    let actions = probe.action_space();
    let dense = Actor::load_elite(dense_path, elite, Some(&actions))?;
    let pruned = Actor::load_elite(pruned_path, None, Some(&actions))?;
    let dense_label = PathBuf::from(crate::policy::actor_label(dense_path, elite));
    for (m, p) in [(&dense, dense_label.as_path()), (&pruned, pruned_path)] {
        m.check_fits(&probe.observation_space(), &actions, env_id, p)?;
    }
    refine::check_shapes(&dense, &dense_label, &pruned, pruned_path)?;
    Ok((dense, pruned))
}

/// Report one refinement round as it ran. Returns false when no failure was left that refinement can
/// fix (nothing was restored).
fn print_round(round: usize, n_failures: usize, outcome: &refine::Outcome) -> bool {
    if !outcome.dense_fails.is_empty() {
        let ids: Vec<String> = outcome.dense_fails.iter().map(|i| i.to_string()).collect();
        println!(
            "round {round}: {} of the {n_failures} failures fail for the dense actor too (failure {}): \
             restoring dense weights cannot fix them, so they are set aside",
            ids.len(),
            ids.join(", ")
        );
    }
    if outcome.total == 0 {
        println!("round {round}: no failure left that refinement can fix; nothing to restore");
    } else if outcome.passed_before == outcome.total {
        println!(
            "round {round}: the actor already passes all {} failures; nothing to restore",
            outcome.total
        );
    } else {
        if outcome.held_out > 0 {
            println!(
                "round {round}: refining against {} of the {} failures the dense actor passes \
                 (evenly spaced, --refine-max-failures); the other {} are held out",
                outcome.total,
                outcome.total + outcome.held_out,
                outcome.held_out
            );
        }
        let t = outcome.timings;
        if outcome.rounds.is_empty() {
            println!(
                "round {round}: {}",
                refine::recovery_summary(&outcome.recoveries)
            );
            println!();
            print!("{}", refine::steps_table(outcome));
            let episodes: usize = outcome.recoveries.iter().map(|r| r.episodes).sum();
            println!(
                "time: replay check {:.3} s, recovery states {:.3} s ({episodes} episodes), \
                 gradient {:.3} s, restoration {:.3} s ({} re-runs of the failures)",
                t.replay_check, t.recovery, t.gradient, t.restoration, outcome.checks
            );
        } else {
            println!(
                "round {round}: tune: each round rolls the actor out from every failure and {} anchor \
                 episodes, then trains its kept weights toward the dense actor's outputs",
                refine::tune::Settings::default().anchors
            );
            println!();
            print!("{}", refine::steps_table(outcome));
            println!(
                "time: replay check {:.3} s, rounds {:.3} s",
                t.replay_check, t.restoration
            );
        }
    }
    if outcome.held_out > 0 {
        println!(
            "round {round}: the refined actor also passes {} of the {} held-out failures",
            outcome.held_out_fixed, outcome.held_out
        );
    }
    outcome.total > 0
}

/// Failures found per method, as the final table shows them.
fn counts(r: &Falsified) -> String {
    r.results
        .iter()
        .map(|m| format!("{} {}", m.method.name(), m.runs[0].failures.len()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `--falsify`: campaigns of each method against one specification, files and report.
fn falsify_stage(req: &stage::Request) -> Result<Falsified> {
    let report = stage::run(req)?;
    println!();
    println!(
        "falsifying {} on {} against `{}`: {}",
        crate::policy::actor_label(&req.actor_path, req.elite),
        req.env_id,
        report.spec.name,
        report.spec.text
    );
    let box_desc: Vec<String> = report
        .params
        .iter()
        .map(|p| format!("{} ∈ [{}, {}]", p.name, p.low, p.high))
        .collect();
    println!("perturbations: {}", box_desc.join(", "));
    println!();
    print!("{}", report.summary_table());
    if req.runs > 1 {
        println!();
        print!("{}", report.runs_table());
    }
    println!();
    for r in &report.results {
        println!("wrote {}", r.failures_file.display());
        println!("wrote {}", r.evaluations_file.display());
    }
    for f in &report.figures {
        println!("wrote {}", f.display());
    }
    Ok(report)
}

/// `--reproduce [--quick]`.
#[derive(Debug, Clone)]
pub struct ReproducePlan {
    pub quick: bool,
    pub seed: u64,
    pub refine_max_failures: Option<usize>,
    pub hyperparameters: Option<PathBuf>,
    pub specs: Option<PathBuf>,
    pub device: DeviceChoice,
}

impl ReproducePlan {
    /// PruVer's results, all three environments, then the tables.
    pub fn run(&self, stop: &AtomicBool) -> Result<()> {
        let device = self.device.resolve()?;
        let hyperparameters = train::config::load_hyperparameters(self.hyperparameters.as_deref())?;
        let mut budget = if self.quick {
            reproduce::Budget::quick()
        } else {
            reproduce::Budget::paper()
        };
        if let Some(n) = self.refine_max_failures {
            budget.refine_max_failures = Some(n);
        }
        println!(
            "synapt-safety {} · --reproduce{} · libtorch device {device:?}",
            env!("CARGO_PKG_VERSION"),
            if self.quick { " --quick" } else { "" }
        );
        let opts = reproduce::Options {
            cases: reproduce::CASES.to_vec(),
            budget,
            seed: self.seed,
            hyperparameters,
            specs_file: self.specs.clone(),
            device,
            policies: PathBuf::from("Policies"),
            failures: PathBuf::from("Failure_Trajectories"),
            graph: PathBuf::from("Graph"),
        };
        // On MPI ranks every rank runs it: the sweeps' evaluations and the campaigns are shared out.
        let _sharing = (crate::dist::size() > 1).then(crate::dist::Sharing::begin);
        let report = reproduce::run(&opts, stop)?;
        println!("\nPrune percentage vs rewards (ours beside PruVer's figure values)\n");
        print!("{}", report.sweep_table(&opts.cases));
        println!("\nFailures found against the pruned actors: BO against random, same budget\n");
        print!("{}", report.falsify_table());
        println!("\nRefinement\n");
        print!("{}", report.refine_table());
        println!("\nWall time of each stage\n");
        print!("{}", report.timing_table());
        for n in &report.notes {
            println!("note: {n}");
        }
        println!();
        for f in &report.files {
            println!("wrote {}", f.display());
        }
        Ok(())
    }
}
