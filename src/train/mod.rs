//! The `--train` stage. Every learner runs through one loop (`learner.rs`: log, progress, checkpoints,
//! Ctrl-C, learning curve) and hands over an [`Actor`] that the safety pipeline
//! takes as it is. PPO is the first learner, with PruVer's file names (`Policies/ppo_actor<ENV>.pth`,
//! `ppo_critic<ENV>.pth`, a training checkpoint beside them, `Graph/train_<ENV>.csv` and `.png`):
//!
//! - `learner.rs`: the `Learner` trait and the run loop every learner shares;
//! - `config.rs`: PPO's hyperparameters from `hyperparameters.yml`, the two presets' defaults, validation;
//! - `ppo.rs`: the algorithm (both presets), one iteration at a time;
//! - `net.rs`: the networks as one flat libtorch tensor, and Adam; network initialisation;
//! - `normalize.rs`: observation statistics and their folding into an exported actor;
//! - `checkpoint.rs`: the state that lets a PPO run resume exactly;
//! - `es.rs`: `--algo es`, the evolution strategy of Salimans et al.;
//! - `synaptolysis/`: `--algo mk1`, `mk2`, `mk2.5`, `simple-cma`, the learners of Synaptolysis;
//! - `cosyne.rs`: `--algo cosyne`, cooperative synapse neuroevolution (the paper's and the repo's);
//! - `cma.rs`: `--algo cma`, CMA-ES (src/cma.rs) on an actor's weights.

pub mod checkpoint;
pub mod cma;
pub mod config;
pub mod cosyne;
pub mod es;
pub mod hypernca;
pub mod learner;
pub mod net;
pub mod normalize;
pub mod ppo;
pub mod synaptolysis;
pub mod tensorboard;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use checkpoint::Checkpoint;
pub use config::{Overrides, Preset, TrainConfig};
pub use learner::{check_writable, run_loop, Learner, LogRecord, LoopFiles, TrainReport};
pub use ppo::{IterationLog, Trainer};

use crate::env::EnvOptions;
use crate::error::{Error, Result};
use crate::policy::Actor;
use crate::Choice;

/// Which learner `--train` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algo {
    #[default]
    Ppo,
    Es,
    /// The Synaptolysis learners.
    Synaptolysis(synaptolysis::Method),
    /// Cooperative Synapse NeuroEvolution.
    Cosyne,
    /// CMA-ES on the actor's weights.
    Cma,
    /// HyperNCA: CMA-ES on a neural cellular automaton that grows the actor's weights.
    HyperNca,
}

impl Choice for Algo {
    const ALL: &'static [Algo] = &[
        Algo::Ppo,
        Algo::Es,
        Algo::Synaptolysis(synaptolysis::Method::Mk1),
        Algo::Synaptolysis(synaptolysis::Method::Mk2),
        Algo::Synaptolysis(synaptolysis::Method::Mk25),
        Algo::Synaptolysis(synaptolysis::Method::SimpleCma),
        Algo::Cosyne,
        Algo::Cma,
        Algo::HyperNca,
    ];

    fn name(self) -> &'static str {
        match self {
            Algo::Ppo => "ppo",
            Algo::Es => "es",
            Algo::Synaptolysis(m) => m.name(),
            Algo::Cosyne => "cosyne",
            Algo::Cma => "cma",
            Algo::HyperNca => "hypernca",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Algo::Ppo => "PPO (--ppo chooses the preset), PruVer's learner",
            Algo::Es => {
                "The evolution strategy of Salimans et al. (2017): antithetic Gaussian perturbations, \
                 centred ranks; any architecture (the `es:` settings)"
            }
            Algo::Cosyne => {
                "CoSyNE, cooperative synapse neuroevolution (Gomez et al. 2008): the paper's \
                 Algorithm 2, or the seed repository's variant (the `cosyne:` settings, \
                 docs/cosyne.md); feed-forward or Elman networks"
            }
            Algo::Cma => {
                "CMA-ES (Hansen's tutorial as PyPI cmaes implements it; sep-CMA with `diagonal: true`) \
                 on the actor's weights; any architecture (the `cma:` settings, docs/cma.md)"
            }
            Algo::HyperNca => {
                "HyperNCA (Najarro et al. 2022): CMA-ES evolves a 3-D neural cellular automaton that \
                 grows a bias-free tanh network's weights; the authors' fitness rules and \
                 metamorphosis (the `hypernca:` settings, docs/hypernca.md)"
            }
            Algo::Synaptolysis(m) => match m {
                synaptolysis::Method::Mk1 => {
                    "Synaptolysis mk1: a genetic algorithm whose only mutation deletes connections of \
                     a binary-mask tanh network (the `synaptolysis:` settings, docs/synaptolysis.md)"
                }
                synaptolysis::Method::Mk2 => {
                    "Synaptolysis mk2: deletion guided by the covariance of the nodes a connection joins"
                }
                synaptolysis::Method::Mk25 => {
                    "Synaptolysis mk2.5: an estimation of distribution over masks (elite connection \
                     frequencies plus noise)"
                }
                synaptolysis::Method::SimpleCma => {
                    "Synaptolysis's baseline: a Gaussian search with a full covariance per layer around \
                     the old mean (real weights, same network)"
                }
            },
        }
    }
}

impl Algo {
    /// The learner's actor for `env_id`: `Policies/<algo>_actor<ENV>.pth` (PruVer's name for PPO).
    pub fn actor_path(self, env_id: &str) -> PathBuf {
        PathBuf::from(format!("Policies/{}_actor{env_id}.pth", self.name()))
    }
}

/// Where a training run reads and writes, and how it runs.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub env_id: String,
    pub env_options: EnvOptions,
    pub config: TrainConfig,
    pub actor: PathBuf,
    pub critic: PathBuf,
    pub checkpoint: PathBuf,
    /// The per-iteration CSV log.
    pub log: PathBuf,
    /// The learning-curve PNG.
    pub curve: PathBuf,
    /// TensorBoard's log folder: event files go to `<it>/<env>_ppo_<seed>/`; `None` writes none.
    pub tensorboard: Option<PathBuf>,
    pub resume: bool,
    pub device: tch::Device,
    /// Draw a progress bar on stderr (when it is a terminal).
    pub progress: bool,
}

impl TrainOptions {
    /// PruVer's file names for `env_id`: `Policies/ppo_actor<ENV>.pth`, `ppo_critic<ENV>.pth`, and
    /// beside them `ppo_checkpoint<ENV>.json`; `Graph/train_<ENV>.csv` and `.png`.
    pub fn default_paths(env_id: &str) -> [PathBuf; 5] {
        [
            PathBuf::from(format!("Policies/ppo_actor{env_id}.pth")),
            PathBuf::from(format!("Policies/ppo_critic{env_id}.pth")),
            PathBuf::from(format!("Policies/ppo_checkpoint{env_id}.json")),
            PathBuf::from(format!("Graph/train_{env_id}.csv")),
            PathBuf::from(format!("Graph/train_{env_id}.png")),
        ]
    }
}

const CSV_HEADER: &str = "iteration,timesteps,episodes,return_mean,return_std,length_mean,\
actor_loss,critic_loss,entropy,std,approx_kl,clip_fraction,wall_s";

fn csv_row(l: &IterationLog) -> String {
    // Full precision; an iteration in which no episode ended leaves its return cells empty.
    let f = |v: f64| {
        if v.is_finite() {
            format!("{v:?}")
        } else {
            String::new()
        }
    };
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{},{:.3}\n",
        l.iteration,
        l.timesteps,
        l.episodes,
        f(l.return_mean),
        f(l.return_std),
        f(l.length_mean),
        f(l.actor_loss),
        f(l.critic_loss),
        f(l.entropy),
        l.std.map_or(String::new(), f),
        f(l.approx_kl),
        f(l.clip_fraction),
        l.wall_s
    )
}

/// Refuse to resume into a different network or algorithm.
fn check_resume(c: &Checkpoint, opts: &TrainOptions) -> Result<Vec<String>> {
    let path = &opts.checkpoint;
    if c.env_id != opts.env_id {
        return Err(Error::Invalid(format!(
            "--resume: {} is a checkpoint of {}, not {}",
            path.display(),
            c.env_id,
            opts.env_id
        )));
    }
    if c.config.preset != opts.config.preset {
        return Err(Error::Invalid(format!(
            "--resume: {} was trained with --ppo {}, not {}",
            path.display(),
            c.config.preset.name(),
            opts.config.preset.name()
        )));
    }
    let shape = |s: &[usize]| {
        s.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("→")
    };
    if c.actor_sizes.len() < 2 || c.critic_sizes.len() < 2 {
        return Err(Error::Config {
            path: path.to_path_buf(),
            reason: format!(
                "a damaged checkpoint: its networks' sizes ({:?}, {:?}) name no input and output",
                c.actor_sizes, c.critic_sizes
            ),
        });
    }
    let mut want = vec![c.actor_sizes[0]];
    want.extend(&opts.config.hidden_sizes);
    want.push(*c.actor_sizes.last().unwrap());
    if want != c.actor_sizes {
        return Err(Error::Invalid(format!(
            "--resume: the checkpoint {} holds a {} actor, but the configuration asks for {} \
             (hidden_sizes {:?})",
            path.display(),
            shape(&c.actor_sizes),
            shape(&want),
            opts.config.hidden_sizes
        )));
    }
    if opts.actor.exists() {
        let a = Actor::load(&opts.actor)?;
        let mut sizes = vec![a.input_dim()];
        sizes.extend(a.layers.iter().map(|l| l.out_features));
        if sizes != c.actor_sizes {
            return Err(Error::Invalid(format!(
                "--resume: the actor {} is {}, but the checkpoint {} holds a {} actor; they are not \
                 from the same run",
                opts.actor.display(),
                shape(&sizes),
                path.display(),
                shape(&c.actor_sizes)
            )));
        }
    }
    let mut notes = Vec::new();
    let mut theirs = c.config.clone();
    theirs.training_step = opts.config.training_step;
    if theirs != opts.config {
        notes.push(format!(
            "--resume goes on with the hyperparameters saved in {} (the configuration now differs)",
            path.display()
        ));
    }
    Ok(notes)
}

impl LogRecord for IterationLog {
    fn iteration(&self) -> usize {
        self.iteration
    }

    fn csv_row(&self) -> String {
        csv_row(self)
    }

    fn status(&self) -> String {
        format!(
            "{} steps · recent return {} · {:.0} steps/s",
            self.timesteps,
            if self.recent_return.is_finite() {
                format!("{:.1}", self.recent_return)
            } else {
                "–".into()
            },
            self.steps_per_s
        )
    }
}

/// A PPO run: the trainer and where it saves.
struct PpoRun<'a> {
    trainer: Trainer,
    opts: &'a TrainOptions,
}

impl Learner for PpoRun<'_> {
    type Log = IterationLog;

    fn iteration(&self) -> usize {
        self.trainer.iteration
    }

    fn total(&self) -> usize {
        self.trainer.cfg.training_step
    }

    fn save_freq(&self) -> usize {
        self.trainer.cfg.save_freq
    }

    fn log_header(&self) -> &'static str {
        CSV_HEADER
    }

    fn curve_columns(&self) -> [usize; 3] {
        // timesteps, return_mean, return_std
        [1, 3, 4]
    }

    fn curve_title(&self) -> String {
        let t = &self.trainer;
        format!(
            "{} · PPO ({}) · seed {} · mean return of the episodes that ended in each iteration, ± std",
            t.env_id,
            t.cfg.preset.name(),
            t.cfg.seed
        )
    }

    fn step(&mut self) -> Result<IterationLog> {
        self.trainer.iterate()
    }

    fn diverged(&self) -> Option<String> {
        let flat = &self.trainer.params.flat;
        let finite = tch::no_grad(|| flat.isfinite().all().int64_value(&[]) == 1);
        (!finite).then(|| "the networks' parameters are no longer finite (NaN or ±inf)".to_string())
    }

    /// The actor, the critic and the checkpoint.
    fn save(&self) -> Result<()> {
        let (t, opts) = (&self.trainer, self.opts);
        t.actor_mlp().save(&opts.actor)?;
        t.critic_mlp().save(&opts.critic)?;
        Checkpoint::of(t).save(&opts.checkpoint)
    }
}

/// Train until `config.training_step` iterations (from scratch, or from the checkpoint with
/// `resume`), saving every `save_freq` iterations and at the end. Setting `stop` ends the run after the
/// current iteration, with every file saved.
pub fn run(opts: &TrainOptions, stop: &AtomicBool) -> Result<TrainReport> {
    for (p, what) in [
        (&opts.actor, "actor"),
        (&opts.critic, "critic"),
        (&opts.checkpoint, "checkpoint"),
        (&opts.log, "training log"),
        (&opts.curve, "learning curve"),
    ] {
        check_writable(p, what)?;
    }
    // libtorch computes on one thread: for 128-wide networks and minibatches of hundreds, its
    // intra-op threads cost more in hand-offs than they gain (several times slower on 2 busy cores),
    // and one thread keeps every float sum in one order. The shared pool steps the environments.
    tch::set_num_threads(1);
    let mut notes = Vec::new();
    let trainer = if opts.resume {
        let c = Checkpoint::load(&opts.checkpoint)?;
        notes.extend(check_resume(&c, opts)?);
        let mut t = c.restore(opts.env_options, opts.device, &opts.checkpoint)?;
        t.cfg.training_step = opts.config.training_step;
        t
    } else {
        Trainer::new(
            &opts.env_id,
            opts.env_options,
            opts.config.clone(),
            opts.device,
        )?
    };
    let start_steps = trainer.timesteps;
    let start_wall = trainer.wall_s;
    let mut run = PpoRun { trainer, opts };
    let files = LoopFiles {
        log: opts.log.clone(),
        curve: opts.curve.clone(),
        events: learner::events_dir(
            opts.tensorboard.as_deref(),
            &opts.env_id,
            "ppo",
            run.trainer.cfg.seed,
        ),
    };
    let out = run_loop(&mut run, &files, opts.resume, opts.progress, stop)?;
    let trainer = run.trainer;
    let run_wall = trainer.wall_s - start_wall;
    let fmt = |v: f64| {
        if v.is_finite() {
            format!("{v:.2}")
        } else {
            "–".into()
        }
    };
    let last = out.last.as_ref();
    Ok(TrainReport {
        env_id: opts.env_id.clone(),
        learner: ("ppo", trainer.cfg.preset.name().to_string()),
        resumed_from: out.resumed_from,
        iteration: trainer.iteration,
        total: trainer.cfg.training_step,
        timesteps: trainer.timesteps,
        episodes: trainer.episodes,
        wall_s: trainer.wall_s,
        steps_per_s: (trainer.timesteps - start_steps) as f64 / run_wall.max(1e-9),
        last: vec![
            (
                "recent return",
                last.map_or("–".into(), |l| fmt(l.recent_return)),
            ),
            (
                "last batch return",
                last.map_or("–".into(), |l| {
                    if l.return_mean.is_finite() {
                        format!("{:.2} ± {:.2}", l.return_mean, l.return_std)
                    } else {
                        "–".into()
                    }
                }),
            ),
        ],
        interrupted: out.interrupted,
        files: vec![
            opts.actor.clone(),
            opts.critic.clone(),
            opts.checkpoint.clone(),
            opts.log.clone(),
            opts.curve.clone(),
        ],
        checkpoint: opts.checkpoint.clone(),
        notes,
    })
}
