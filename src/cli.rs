//! The command line, in PruVer's flag style: stage flags (`--train --test --prune --falsify --refine
//! --visualize --display`) that run in pipeline order, and their options. This is the binary's side:
//! flags, their constraints, and the [`Job`] they describe. The library knows no flags.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Parser;

use synapt_safety::device::DeviceChoice;
use synapt_safety::falsify::{bo, search};
use synapt_safety::pipeline::{
    ConvertSettings, FalsifySettings, Files, Job, Plan, PruneSettings, RefineSettings,
    ReproducePlan, Stage, TrainSettings,
};
use synapt_safety::{prune, refine, train, Choice};

/// clap's parser for a [`Choice`]: its names as the possible values, each with its help line.
fn choice<T: Choice + Clone>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::ALL
            .iter()
            .map(|c| PossibleValue::new(c.name()).help(c.help())),
    )
    .map(|name| T::from_name(&name).expect("clap checked the name"))
}

/// `--k`: strictly between 0 and 1 (NaN is refused too).
fn prune_fraction(s: &str) -> Result<f64, String> {
    let k: f64 = s.parse().map_err(|e| format!("{e}"))?;
    prune::check_k(k, "--k").map_err(|e| e.to_string())?;
    Ok(k)
}

/// A number above zero and finite.
fn positive_finite(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err("takes a positive number".into()),
    }
}

/// A count that must be at least 1.
fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("takes a positive integer".into()),
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "synapt-safety",
    version,
    about = "Sparse and safe deep-RL control policies: train, test, prune, falsify, refine, visualize.",
    long_about = "Sparse and safe deep-RL control policies: PruVer (AAAI 2023) and its NeurIPS 2021 \
predecessor in Rust.\n\nGive one or more stage flags; they run in pipeline order \
(train → test → prune → falsify → refine → convert → visualize → display), whatever order they are typed in. \
Policies are PyTorch .pth state_dicts in PruVer's FeedForwardActorNN layout (layer1 … layerN).",
    after_help = "Example: synapt-safety --test --env CartPole-v1 --actor Policies/bc_actorCartPole-v1.pth --episodes 10"
)]
pub struct Cli {
    /// Gym id of the environment (see --list-envs).
    #[arg(long, default_value = "LunarLanderContinuous-v2", value_name = "ID")]
    pub env: String,

    /// Actor .pth file [default: Policies/ppo_actor<ENV>.pth] (Policies/<ALGO>_actor<ENV>.pth with
    /// --algo), or a Synaptolysis elite population saved with np.save (.npy; see --elite).
    #[arg(long, value_name = "PATH")]
    pub actor: Option<PathBuf>,

    /// Which member of the .npy elite population --actor the stages take (0, the default, is the
    /// all-time best).
    #[arg(long, value_name = "K")]
    pub elite: Option<usize>,

    /// Critic .pth file [default: Policies/ppo_critic<ENV>.pth].
    #[arg(long, value_name = "PATH")]
    pub critic: Option<PathBuf>,

    /// Stage: train an actor and a critic with PPO.
    #[arg(long)]
    pub train: bool,

    /// Stage: evaluate the actor over --episodes deterministic episodes, episode i seeded with --seed + i.
    #[arg(long)]
    pub test: bool,

    /// Stage: one-shot pruning of the actor with prune fraction --k, written beside it as
    /// <actor stem>_<k>.pth (PruVer's name; other methods add _<method>), with a report and an
    /// evaluation before and after.
    #[arg(long)]
    pub prune: bool,

    /// Prune fraction k, a real number strictly between 0 and 1.
    #[arg(long, default_value_t = 0.7, value_name = "K", value_parser = prune_fraction)]
    pub k: f64,

    /// How --prune chooses weights: pruver (PruVer's dense ranks of |w| per layer), magnitude
    /// (torch's l1_unstructured), global (smallest |w| of all layers), random (seeded from --seed),
    /// neuron (removes hidden units; writes a smaller network).
    #[arg(long, value_parser = choice::<prune::Method>(), default_value = "pruver", value_name = "METHOD")]
    pub prune_method: prune::Method,

    /// Where --prune writes the pruned actor [default: <actor stem>_<k>.pth beside the actor]; without
    /// --prune, where --convert writes the ONNX file [default: <actor stem>.onnx beside the actor]. It
    /// must not be an input.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Prune at each k of a comma-separated list and evaluate each (implies --prune): a CSV and
    /// PruVer's "Prune percentage vs rewards" chart. `...` continues a step, as in 0.5,0.55,...,0.95.
    #[arg(long, value_name = "LIST", value_parser = prune::parse_k_list_arg)]
    pub sweep: Option<prune::KList>,

    /// CSV of --prune: per-episode returns before and after pruning; with --sweep, the sweep table
    /// (the chart goes beside it as .png) [default with --sweep:
    /// Graph/prune_sweep_<ENV>_<METHOD>.csv].
    #[arg(long, value_name = "PATH")]
    pub prune_csv: Option<PathBuf>,

    /// Sweep CSVs to overlay on the "Prune percentage vs rewards" chart (comma-separated): added to
    /// the chart of --sweep, or drawn by --visualize into Graph/prune_vs_rewards.png.
    #[arg(long, value_name = "CSV,...", value_delimiter = ',')]
    pub overlay: Vec<PathBuf>,

    /// A pruned version of --actor for --visualize: its heatmaps, and the mask figure of kept and
    /// pruned weights [default: the actor --prune just wrote].
    #[arg(long, value_name = "PATH")]
    pub pruned: Option<PathBuf>,

    /// The refined actor: where --refine writes it [default: ppo_actor_refined<ENV>.pth beside
    /// --actor], and what --visualize draws (the mask figure marks the weights refinement restored).
    #[arg(long, value_name = "PATH")]
    pub refined: Option<PathBuf>,

    /// Stage: search the environment's perturbation box for episodes of the actor (the one --prune
    /// just wrote, else --actor) that violate a safety specification. Failures go to
    /// Failure_Trajectories/<env>_<actor>_<spec>_<method>.csv, every evaluation to
    /// ..._evaluations.csv.
    #[arg(long)]
    pub falsify: bool,

    /// Stage: find the largest scaling of the perturbation box (every searched interval shrunk toward
    /// its nominal value) in which the dense --actor has no failure under the campaign --falsify
    /// runs (same --spec, methods, budget and seed): the box as given, then 6 bisection steps.
    /// --falsify then searches that box. Writes nothing.
    #[arg(long)]
    pub calibrate_box: bool,

    /// The specification to falsify, by name [default: the environment's first in
    /// specifications.yml]. Every environment also has return_nonnegative, PruVer's random-testing
    /// criterion.
    #[arg(long, value_name = "NAME")]
    pub spec: Option<String>,

    /// More specifications, in the format of specifications.yml; a name defined there is replaced.
    #[arg(long, value_name = "PATH")]
    pub specs: Option<PathBuf>,

    /// Search methods, comma-separated: bo (GP Bayesian optimisation), random (uniform sampling of
    /// the box), test (PruVer's random testing: unperturbed episodes, seeds --seed + i).
    #[arg(
        long,
        value_parser = choice::<search::Method>(),
        value_delimiter = ',',
        default_value = "bo",
        value_name = "METHODS"
    )]
    pub falsify_method: Vec<search::Method>,

    /// BO iterations after the initial design; every method gets --init-points + --budget
    /// evaluations (PruVer: 5 + 200).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub budget: usize,

    /// Latin-hypercube points before BO's first model.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub init_points: usize,

    /// BO's acquisition function: ei (expected improvement), lcb (lower confidence bound, κ = 2),
    /// pi (probability of improvement).
    #[arg(long, value_enum, default_value = "ei", value_name = "ACQ")]
    pub acquisition: AcquisitionChoice,

    /// Where BO maximises the acquisition: trust (TuRBO's trust region around the best point, which
    /// grows while the search improves on it and shrinks while it does not: many failures close to
    /// the worst ones) or global (the whole box at every iteration, as GPyOpt does: failures more
    /// spread out).
    #[arg(long, value_enum, default_value = "trust", value_name = "REGION")]
    pub bo_region: RegionChoice,

    /// Which evaluations BO's GP is fitted on: local (every one up to 256; beyond, the 128 nearest
    /// the best point, TuRBO's local model, so 1,505 evaluations take seconds) or all (every one,
    /// always: an iteration's cost grows as n³).
    #[arg(long, value_enum, default_value = "local", value_name = "MODEL")]
    pub bo_model: ModelChoice,

    /// Repeat each campaign with seeds --seed, --seed + 1, …, and report how often and how soon each
    /// method finds a failure.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub runs: usize,

    /// Perturbation parameters to search, comma-separated (see --list-envs) [default: the
    /// environment's initial-state parameters].
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub params: Vec<String>,

    /// Stage: counterexample-guided refinement of the pruned actor (--pruned, else the one --prune
    /// just wrote) against the dense --actor: restore dense weights, ranked by the gradient of the
    /// pruned-vs-dense action error at recovery states, until every failure in --failures is fixed.
    /// Writes Policies/ppo_actor_refined<ENV>.pth (or --refined).
    #[arg(long)]
    pub refine: bool,

    /// A failures file of --falsify (Failure_Trajectories/<env>_<actor>_<spec>_<method>.csv), for
    /// --refine and --display [default with --falsify: the file it just wrote].
    #[arg(long, value_name = "PATH")]
    pub failures: Option<PathBuf>,

    /// How --refine judges a failure fixed: pruver (the episode's return reaches the environment's
    /// `refine_fixed_return`, PruVer's rule) or spec (the specification's robustness is ≥ 0).
    #[arg(long, value_parser = choice::<refine::Method>(), default_value = "pruver", value_name = "METHOD")]
    pub refine_method: refine::Method,

    /// How --refine changes the pruned actor: tune (ours: train the kept weights toward the dense
    /// actor on the states the failures visit, restoring weights only when that stalls) or pruver
    /// (PruVer's gradient-ranked restoration of dense weights, exact; --reproduce uses it)
    /// [default: tune; pruver for recurrent actors].
    #[arg(long, value_parser = choice::<refine::Strategy>(), value_name = "STRATEGY")]
    pub refine_strategy: Option<refine::Strategy>,

    /// --refine --falsify: repeat falsify → refine until a campaign finds no failure or N rounds
    /// have run.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = refine_rounds)]
    pub refine_rounds: usize,

    /// --refine against at most N of the failures (those the dense actor passes), evenly spaced over
    /// the file; the others are held out and checked against the refined actor at the end [default:
    /// all; --reproduce: 100, --quick: 8]. Each failure refined against costs a recovery search and a
    /// re-run per restoration step.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub refine_max_failures: Option<u64>,

    /// Stage: write the actor (the one --refine or --prune just wrote, else --refined, --pruned,
    /// --actor) as an ONNX network, opset 13, to <actor stem>.onnx beside it (or --out, when --prune
    /// is not given): input `obs` [batch, n], output `action` [batch, m]. See docs/convert.md.
    #[arg(long)]
    pub convert: bool,

    /// --convert: a one-step property of the actor to write as VNN-LIB queries beside the ONNX file,
    /// for verifiers such as α,β-CROWN or Marabou: e.g. 'y0 in [-1, 1]', 'argmax = 1' or
    /// 'argmax = dense' (docs/convert.md has the syntax). The input box is the observation space's
    /// (see --vnnlib-box), or with --vnnlib-eps one box around each failure's recovery state.
    #[arg(long, value_name = "PROPERTY")]
    pub vnnlib: Option<String>,

    /// --vnnlib: replace components of the input box, comma-separated: NAME=LO..HI or INDEX=LO..HI
    /// entries, or one LO..HI per observation component, in order.
    #[arg(long, value_name = "BOX", allow_hyphen_values = true)]
    pub vnnlib_box: Option<String>,

    /// --vnnlib: one query per failure of --failures (or of --falsify), over the box of half-width EPS
    /// around its recovery state, found as --refine finds it, with --actor as the dense actor.
    #[arg(long, value_name = "EPS", value_parser = positive_finite)]
    pub vnnlib_eps: Option<f64>,

    /// Stage: figures into Graph/: a heatmap per weight matrix and a histogram of |w| per layer for
    /// --actor (and --pruned, --refined), and with them a mask figure per layer.
    #[arg(long)]
    pub visualize: bool,

    /// Stage: replay every failure of --failures from its seed, perturbation and actions, check the
    /// return and the robustness equal the record (exit 1 when one diverges), and render the worst
    /// --gifs of them to animated GIFs in Graph/.
    #[arg(long)]
    pub display: bool,

    /// Regenerate PruVer's results on CartPole-v0, LunarLanderContinuous-v2 and BipedalWalker-v3
    /// from the dense actors in Policies/ (trained first where one is missing): the prune sweep
    /// beside PruVer's figure values, BO against random over 10 seeds for every specification,
    /// refinement, re-falsification, figures, and the tables of Graph/reproduce/results.md. Takes
    /// no other stage.
    #[arg(long)]
    pub reproduce: bool,

    /// With --reproduce: the same stages on small budgets (3 values of k, 3 episodes, 3 + 5
    /// evaluations, 2 runs), an end-to-end check in minutes, not a reproduction.
    #[arg(long)]
    pub quick: bool,

    /// How many of the worst failures --display renders to GIF.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub gifs: usize,

    /// Declare the action space discrete. It is inferred from the environment; giving it for a
    /// continuous environment is an error.
    #[arg(long)]
    pub isdiscrete: bool,

    /// Number of episodes to evaluate.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub episodes: usize,

    /// Base seed: episode i is reset with seed + i; every random draw of a run derives from it.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,

    /// Hyperparameters file, keyed by environment id (PruVer's entries) [default: hyperparameters.yml,
    /// read when it exists].
    #[arg(long, value_name = "PATH")]
    pub hyperparameters: Option<PathBuf>,

    /// Where libtorch computes: cpu, cuda, or auto (CUDA when libtorch sees a GPU).
    #[arg(long, value_parser = choice::<DeviceChoice>(), default_value = "auto", value_name = "DEVICE")]
    pub device: DeviceChoice,

    /// Also write the per-episode results of --test to this CSV file.
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,

    /// List the known environment ids and exit.
    #[arg(long)]
    pub list_envs: bool,

    /// Record N target poses of SocialReacher-v0 (its key points and the RGB image of each, from
    /// random-action episodes) to --targets as a NumPy .npz, and exit (docs/reachers.md).
    #[arg(long, value_name = "N")]
    pub collect_targets: Option<usize>,

    /// --collect-targets: the images' size in pixels a side (8 to 256).
    #[arg(long, default_value_t = 40, value_name = "PX")]
    pub image_size: usize,

    /// A target data set of SocialReacher-v0: --collect-targets writes it [default:
    /// Targets/<ENV>_n<N>_<PX>x<PX>_seed<S>.npz]; --train, --test and --falsify draw each episode's
    /// target pose from it; --train-cnn learns from its images; --mimic takes its poses in turn.
    #[arg(long, value_name = "PATH")]
    pub targets: Option<PathBuf>,

    /// Train pose mimicry's understanding CNN (image → target key points) on --targets' images, and
    /// exit; writes --cnn and Graph/understanding_<ENV>.csv (docs/mimicry.md).
    #[arg(long)]
    pub train_cnn: bool,

    /// The understanding CNN: written by --train-cnn [default:
    /// Policies/understanding_<ENV>.pth]; with --mimic, also mimic with the targets it reads from
    /// the images.
    #[arg(long, value_name = "PATH")]
    pub cnn: Option<PathBuf>,

    /// --train-cnn: passes over the training images (the seed's 200).
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = positive)]
    pub epochs: usize,

    /// Pose mimicry: give --actor --targets' poses in turn and count those it reaches (distance
    /// < 0.1 for 50 frames), with the true targets and, with --cnn, the CNN's; writes
    /// Graph/mimic_<ENV>_update<F>.{csv,png} (and .gif with --display), and exit.
    #[arg(long)]
    pub mimic: bool,

    /// --mimic: how many poses.
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = positive)]
    pub poses: usize,

    /// --mimic: frames each target holds before the next (the seed's --update-target).
    #[arg(long, default_value_t = 300, value_name = "F", value_parser = positive)]
    pub update_target: usize,

    /// --mimic: data set rows between successive poses (1: the recorded trajectory) [default:
    /// spread over the set].
    #[arg(long, value_name = "S", value_parser = positive)]
    pub target_stride: Option<usize>,

    /// The learner --train runs; it also names the default --actor (Policies/<ALGO>_actor<ENV>.pth).
    #[arg(long, value_parser = choice::<train::Algo>(), default_value = "ppo", value_name = "ALGO")]
    pub algo: train::Algo,

    /// PPO preset for --train: pruver (PruVer's trainer exactly) or default (GAE, minibatches,
    /// gradient clipping, learned log-std, parallel environments) [default: the `ppo` key of the
    /// environment's hyperparameters, else default].
    #[arg(long, value_parser = choice::<train::Preset>(), value_name = "PRESET")]
    pub ppo: Option<train::Preset>,

    /// --train: continue from the training checkpoint (--checkpoint) instead of starting afresh.
    #[arg(long)]
    pub resume: bool,

    /// --train: number of PPO iterations to reach [default: `training_step` of the environment's
    /// hyperparameters].
    #[arg(long, value_name = "N", value_parser = positive)]
    pub iterations: Option<usize>,

    /// --train: the training checkpoint (critic, log-std, optimiser and normaliser state, RNGs)
    /// [default: Policies/ppo_checkpoint<ENV>.json].
    #[arg(long, value_name = "PATH")]
    pub checkpoint: Option<PathBuf>,

    /// Threads that step --train's environments [default: all cores]; libtorch runs on one. The
    /// trained files do not depend on it: a seed gives the same bytes on the same machine.
    #[arg(long, value_name = "N", value_parser = positive)]
    pub threads: Option<usize>,

    /// Under `mpirun` (a build with `--features mpi`, docs/mpi.md): how long rank 0 waits for another
    /// rank's share of a generation or a campaign study after finishing its own, before it stops the
    /// run naming the ranks that did not answer.
    #[arg(long, value_name = "SECONDS", default_value_t = synapt_safety::dist::DEFAULT_TIMEOUT_S, value_parser = clap::value_parser!(u64).range(1..))]
    pub mpi_timeout: u64,

    /// Write the run as one self-contained HTML page: the command, version and seed, everything it
    /// printed, and every figure, GIF and CSV it wrote, embedded where the run names them [default
    /// path: Graph/report.html; --reproduce always writes Graph/reproduce/report.html].
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "Graph/report.html")]
    pub report: Option<PathBuf>,

    /// --train: TensorBoard's log folder. Each run writes its event files to
    /// DIR/<env>_<algo>_<seed>/ as it trains (every number of the training log, per step), so
    /// `tensorboard --logdir runs` shows live curves.
    #[arg(long, default_value = "runs", value_name = "DIR")]
    pub tensorboard: PathBuf,

    /// --train: write no TensorBoard event files.
    #[arg(long)]
    pub no_tensorboard: bool,

    /// Whether --seed was typed on the command line (it then overrides the hyperparameters' `seed`).
    #[arg(skip)]
    pub seed_given: bool,
}

/// `--acquisition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AcquisitionChoice {
    Ei,
    Lcb,
    Pi,
}

impl AcquisitionChoice {
    pub fn acquisition(self) -> bo::Acquisition {
        use bo::Acquisition;
        match self {
            AcquisitionChoice::Ei => Acquisition::Ei { xi: 0.01 },
            AcquisitionChoice::Lcb => Acquisition::Lcb { kappa: 2.0 },
            AcquisitionChoice::Pi => Acquisition::Pi { xi: 0.01 },
        }
    }
}

/// `--bo-region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegionChoice {
    Trust,
    Global,
}

/// `--bo-model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelChoice {
    Local,
    All,
}

impl ModelChoice {
    pub fn model(self) -> bo::GpModel {
        match self {
            ModelChoice::Local => bo::GpModel::Local,
            ModelChoice::All => bo::GpModel::All,
        }
    }
}

impl RegionChoice {
    pub fn region(self) -> bo::SearchRegion {
        use bo::SearchRegion;
        match self {
            RegionChoice::Trust => SearchRegion::Trust,
            RegionChoice::Global => SearchRegion::Global,
        }
    }
}

impl Cli {
    /// Where `--report` goes: its path, or `--reproduce`'s default.
    pub fn report_path(&self) -> Option<PathBuf> {
        self.report.clone().or_else(|| {
            self.reproduce
                .then(|| PathBuf::from("Graph/reproduce/report.html"))
        })
    }

    /// Parse the process's arguments, noting whether `--seed` was given.
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        cli.seed_given =
            matches.value_source("seed") == Some(clap::parser::ValueSource::CommandLine);
        cli
    }

    /// `--threads`, else every core.
    pub fn threads_or_all_cores(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// The stage flags given, in pipeline order.
    fn stages(&self) -> Vec<Stage> {
        [
            (self.train, Stage::Train),
            (self.test, Stage::Test),
            (self.prune || self.sweep.is_some(), Stage::Prune),
            (self.calibrate_box, Stage::Calibrate),
            (self.falsify, Stage::Falsify),
            (self.refine, Stage::Refine),
            (self.convert, Stage::Convert),
            (self.visualize, Stage::Visualize),
            (self.display, Stage::Display),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect()
    }

    /// The flags that only mean something together, checked before any work is done. `Err` is the
    /// message of a usage error.
    fn check(&self) -> Result<(), String> {
        let stages = self.stages();
        // (given, what it needs, message when the need is not met)
        let needs: [(bool, bool, String); 13] = [
            (
                self.ppo.is_some(),
                self.algo == train::Algo::Ppo,
                format!(
                    "--ppo chooses PPO's preset, but --algo is {}: drop one",
                    self.algo.name()
                ),
            ),
            (
                self.quick,
                self.reproduce,
                "--quick applies to --reproduce, which was not given".into(),
            ),
            (
                self.reproduce,
                stages.is_empty(),
                format!(
                    "--reproduce runs every stage itself: drop {}",
                    stages.first().map_or("", |s| s.flag())
                ),
            ),
            (
                !self.reproduce,
                !stages.is_empty(),
                "no stage given: pass one or more of --train --test --prune --falsify --refine \
                 --convert --visualize --display, or --reproduce (see --help)"
                    .into(),
            ),
            (
                self.refine,
                self.pruned.is_some() || self.prune,
                "--refine needs the pruned actor: give --pruned PATH (or --prune in the same \
                 command)"
                    .into(),
            ),
            (
                self.refine,
                self.failures.is_some() || self.falsify,
                "--refine needs counterexamples: give --failures PATH (a CSV of --falsify in \
                 Failure_Trajectories/) or --falsify in the same command"
                    .into(),
            ),
            (
                self.display,
                self.failures.is_some() || self.falsify,
                "--display needs counterexamples: give --failures PATH (a CSV of --falsify in \
                 Failure_Trajectories/) or --falsify in the same command"
                    .into(),
            ),
            (
                self.refine_rounds > 1,
                self.refine && self.falsify,
                "--refine-rounds repeats falsify → refine: give it with --refine --falsify".into(),
            ),
            (
                self.refine_max_failures.is_some(),
                self.refine || self.reproduce,
                "--refine-max-failures applies to --refine (or --reproduce), which was not given"
                    .into(),
            ),
            (
                self.vnnlib.is_some(),
                self.convert,
                "--vnnlib writes VNN-LIB queries beside the ONNX file of --convert, which was not \
                 given"
                    .into(),
            ),
            (
                self.vnnlib_box.is_some() || self.vnnlib_eps.is_some(),
                self.vnnlib.is_some(),
                format!(
                    "{} sets the input box of --vnnlib's property, which was not given",
                    if self.vnnlib_box.is_some() {
                        "--vnnlib-box"
                    } else {
                        "--vnnlib-eps"
                    }
                ),
            ),
            (
                self.vnnlib_eps.is_some(),
                self.failures.is_some() || self.falsify,
                "--vnnlib-eps puts a box around each failure's recovery state: give --failures PATH \
                 (a CSV of --falsify) or --falsify in the same command"
                    .into(),
            ),
            (
                self.sweep.is_some() && self.out.is_some(),
                false,
                "--out names the one pruned actor of --prune; --sweep writes no actors (its CSV goes \
                 to --prune-csv)"
                    .into(),
            ),
        ];
        if let Some((_, _, message)) = needs.into_iter().find(|(given, met, _)| *given && !met) {
            return Err(message);
        }
        let actor = self
            .actor
            .clone()
            .unwrap_or_else(|| self.algo.actor_path(&self.env));
        let npy = synapt_safety::policy::is_npy(&actor);
        if self.train && npy {
            return Err(format!(
                "--train --algo {} writes a .pth actor, but --actor {} names a .npy elite \
                 population: give a .pth path",
                self.algo.name(),
                actor.display()
            ));
        }
        if let Some(k) = self.elite {
            if self.reproduce || !npy {
                return Err(format!(
                    "--elite {k} chooses a member of a .npy elite population, but the actor {} is \
                     not a .npy file (give --actor ELITES.npy)",
                    if self.reproduce {
                        "of --reproduce".to_string()
                    } else {
                        actor.display().to_string()
                    }
                ));
            }
        }
        self.check_outputs_are_not_inputs()?;
        if !self.train {
            let given = [
                ("--ppo", self.ppo.is_some()),
                ("--resume", self.resume),
                ("--iterations", self.iterations.is_some()),
                ("--checkpoint", self.checkpoint.is_some()),
            ];
            if let Some((flag, _)) = given.iter().find(|(_, on)| *on) {
                return Err(format!("{flag} applies to --train, which was not given"));
            }
        }
        Ok(())
    }

    /// No file a command writes is one of the files it reads, and no two of its outputs are one file
    /// (by any path: links and `..` included). Each stage checks its own defaults again when it runs.
    fn check_outputs_are_not_inputs(&self) -> Result<(), String> {
        let actor = self
            .actor
            .clone()
            .unwrap_or_else(|| self.algo.actor_path(&self.env));
        let mut outputs: Vec<(&str, PathBuf)> = Vec::new();
        let mut inputs: Vec<(&str, PathBuf)> = Vec::new();
        if self.train {
            outputs.push(("--actor", actor.clone()));
            outputs.extend(self.critic.clone().map(|p| ("--critic", p)));
            outputs.extend(self.checkpoint.clone().map(|p| ("--checkpoint", p)));
        } else {
            inputs.push(("--actor", actor.clone()));
        }
        outputs.extend(self.csv.clone().map(|p| ("--csv", p)));
        outputs.extend(self.out.clone().map(|p| ("--out", p)));
        outputs.extend(self.prune_csv.clone().map(|p| ("--prune-csv", p)));
        outputs.extend(self.report.clone().map(|p| ("--report", p)));
        match (&self.refined, self.refine) {
            (Some(p), true) => outputs.push(("--refined", p.clone())),
            (Some(p), false) => inputs.push(("--refined", p.clone())),
            (None, _) => {}
        }
        inputs.extend(self.pruned.clone().map(|p| ("--pruned", p)));
        inputs.extend(self.failures.clone().map(|p| ("--failures", p)));
        inputs.extend(
            self.hyperparameters
                .clone()
                .map(|p| ("--hyperparameters", p)),
        );
        inputs.extend(self.specs.clone().map(|p| ("--specs", p)));
        inputs.extend(self.overlay.iter().map(|p| ("--overlay", p.clone())));
        let same = synapt_safety::fsutil::same_file;
        for (i, (flag, out)) in outputs.iter().enumerate() {
            if let Some((other, _)) = outputs[..i].iter().find(|(_, o)| same(o, out)) {
                return Err(format!(
                    "{other} and {flag} name one file, {}: give each output its own path",
                    out.display()
                ));
            }
            if let Some((input, p)) = inputs.iter().find(|(_, p)| same(p, out)) {
                return Err(format!(
                    "{flag} {} is the input {input} {}: a command never writes over what it reads; \
                     name another output",
                    out.display(),
                    p.display()
                ));
            }
        }
        Ok(())
    }

    /// What the command line asks for, or the message of a usage error.
    pub fn job(self) -> Result<Job, String> {
        if self.list_envs {
            return Ok(Job::ListEnvs);
        }
        if let Some(count) = self.collect_targets {
            if let Some(s) = self.stages().first() {
                return Err(format!(
                    "--collect-targets runs alone: drop {} (or run it in its own command)",
                    s.flag()
                ));
            }
            if let Some((flag, _)) = [
                ("--reproduce", self.reproduce),
                ("--train-cnn", self.train_cnn),
                ("--mimic", self.mimic),
            ]
            .iter()
            .find(|(_, on)| *on)
            {
                return Err(format!("--collect-targets runs alone: drop {flag}"));
            }
            if count == 0 {
                return Err("--collect-targets 0: collect at least one pose".into());
            }
            if !synapt_safety::targets::IMAGE_SIZES.contains(&self.image_size) {
                return Err(format!(
                    "--image-size {}: images are {} to {} pixels a side",
                    self.image_size,
                    synapt_safety::targets::IMAGE_SIZES.start(),
                    synapt_safety::targets::IMAGE_SIZES.end()
                ));
            }
            let path = self.targets.clone().unwrap_or_else(|| {
                synapt_safety::targets::CollectPlan::default_path(
                    &self.env,
                    count,
                    self.image_size,
                    self.seed,
                )
            });
            return Ok(Job::CollectTargets(synapt_safety::targets::CollectPlan {
                env: self.env.clone(),
                count,
                size: self.image_size,
                seed: self.seed,
                path,
                threads: self.threads_or_all_cores(),
            }));
        }
        if self.train_cnn || self.mimic {
            return self.pose_job();
        }
        let mimicry_flags = [
            ("--cnn", self.cnn.is_some()),
            ("--target-stride", self.target_stride.is_some()),
        ];
        if let Some((flag, _)) = mimicry_flags.iter().find(|(_, on)| *on) {
            return Err(format!(
                "{flag} applies to --train-cnn or --mimic, neither of which was given"
            ));
        }
        if self.targets.is_some() {
            let stages = self.stages();
            let takes = [Stage::Train, Stage::Test, Stage::Falsify, Stage::Calibrate];
            if !stages.iter().any(|s| takes.contains(s)) || self.reproduce {
                return Err(
                    "--targets names a target data set: --collect-targets writes it; --train, \
                     --test, --falsify, --train-cnn and --mimic read it"
                        .into(),
                );
            }
        }
        self.check()?;
        let threads = self.threads_or_all_cores();
        let refine_max_failures = self.refine_max_failures.map(|n| n as usize);
        if self.reproduce {
            return Ok(Job::Reproduce(ReproducePlan {
                quick: self.quick,
                seed: self.seed,
                refine_max_failures,
                hyperparameters: self.hyperparameters,
                specs: self.specs,
                device: self.device,
            }));
        }
        Ok(Job::Stages(Box::new(Plan {
            stages: self.stages(),
            env: self.env,
            files: Files {
                actor: self.actor,
                elite: self.elite,
                critic: self.critic,
                pruned: self.pruned,
                refined: self.refined,
                failures: self.failures,
                out: self.out,
                prune_csv: self.prune_csv,
                csv: self.csv,
                overlay: self.overlay,
                hyperparameters: self.hyperparameters,
                specs: self.specs,
                targets: self.targets,
            },
            episodes: self.episodes,
            seed: self.seed,
            seed_given: self.seed_given,
            isdiscrete: self.isdiscrete,
            device: self.device,
            train: TrainSettings {
                algo: self.algo,
                preset: self.ppo,
                resume: self.resume,
                iterations: self.iterations,
                checkpoint: self.checkpoint,
                threads,
                tensorboard: (!self.no_tensorboard).then_some(self.tensorboard),
            },
            prune: PruneSettings {
                k: self.k,
                method: self.prune_method,
                sweep: self.sweep.map(|l| l.0),
            },
            falsify: FalsifySettings {
                spec: self.spec,
                methods: self.falsify_method,
                budget: self.budget,
                init_points: self.init_points,
                acquisition: self.acquisition.acquisition(),
                region: self.bo_region.region(),
                model: self.bo_model.model(),
                runs: self.runs,
                params: self.params,
            },
            refine: RefineSettings {
                method: self.refine_method,
                strategy: self.refine_strategy,
                rounds: self.refine_rounds,
                max_failures: refine_max_failures,
            },
            convert: ConvertSettings {
                property: self.vnnlib,
                input_box: self.vnnlib_box,
                eps: self.vnnlib_eps,
            },
            gifs: self.gifs,
        })))
    }
}

impl Cli {
    /// `--train-cnn` or `--mimic`: each runs alone, on a data set.
    fn pose_job(self) -> Result<Job, String> {
        let (flag, other) = if self.train_cnn {
            ("--train-cnn", self.mimic.then_some("--mimic"))
        } else {
            ("--mimic", None)
        };
        if let Some(other) = other {
            return Err(format!("{flag} and {other} run alone: one per command"));
        }
        // --display with --mimic draws the GIF; every other stage is its own command.
        if let Some(s) = self
            .stages()
            .into_iter()
            .find(|&s| !(self.mimic && s == Stage::Display))
        {
            return Err(format!(
                "{flag} runs alone: drop {} (or run it in its own command)",
                s.flag()
            ));
        }
        if self.reproduce {
            return Err(format!("{flag} runs alone: drop --reproduce"));
        }
        let env = match synapt_safety::env::EnvName::parse(&self.env) {
            Ok(name) if name.spec.id == "SocialReacher-v0" => name.canonical(),
            _ => {
                return Err(format!(
                    "{flag} works on SocialReacher-v0's poses, not {}: add --env SocialReacher-v0",
                    self.env
                ))
            }
        };
        let Some(targets) = self.targets.clone() else {
            return Err(format!(
                "{flag} needs a target data set: give --targets PATH (written by \
                 `synapt-safety --collect-targets N --env SocialReacher-v0`)"
            ));
        };
        if self.train_cnn {
            let (cnn, log) = synapt_safety::understand::CnnPlan::default_paths(&env);
            let cnn = self.cnn.clone().unwrap_or(cnn);
            for (what, out) in [("--cnn", &cnn), ("the log", &log)] {
                if synapt_safety::fsutil::same_file(out, &targets) {
                    return Err(format!(
                        "{what} {} is the input --targets: a command never writes over what it \
                         reads; name another output",
                        out.display()
                    ));
                }
            }
            return Ok(Job::TrainCnn(synapt_safety::understand::CnnPlan {
                env,
                targets,
                cnn,
                log,
                epochs: self.epochs,
                seed: self.seed,
                device: self.device,
            }));
        }
        Ok(Job::Mimic(synapt_safety::mimic::MimicPlan {
            actor: self
                .actor
                .clone()
                .unwrap_or_else(|| self.algo.actor_path(&env)),
            env,
            targets,
            cnn: self.cnn.clone(),
            poses: self.poses,
            update: self.update_target,
            stride: self.target_stride,
            seed: self.seed,
            display: self.display,
            device: self.device,
        }))
    }
}

/// `--refine-rounds`: at least one.
fn refine_rounds(s: &str) -> Result<usize, String> {
    positive(s).map_err(|_| "--refine-rounds takes a positive integer".into())
}
