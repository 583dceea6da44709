//! The `--train` stage: PPO on libtorch. It writes PruVer's files (`Policies/ppo_actor<ENV>.pth`,
//! `ppo_critic<ENV>.pth`), a training checkpoint beside them, a CSV log and a learning curve in
//! `Graph/`.
//!
//! - `config.rs`: hyperparameters from `hyperparameters.yml`, the two presets' defaults, validation;
//! - `ppo.rs`: the algorithm (both presets), one iteration at a time;
//! - `net.rs`: the networks as one flat libtorch tensor, and Adam;
//! - `normalize.rs`: observation statistics and their folding into an exported actor;
//! - `checkpoint.rs`: the state that lets a run resume exactly.

pub mod checkpoint;
pub mod config;
pub mod net;
pub mod normalize;
pub mod ppo;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use checkpoint::Checkpoint;
pub use config::{Overrides, Preset, TrainConfig};
pub use ppo::{IterationLog, Trainer};

use crate::env::EnvOptions;
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use crate::policy::Actor;
use crate::report::Table;
use crate::Choice;

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

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub env_id: String,
    pub preset: Preset,
    /// The iteration the run started from (0 for a fresh run).
    pub resumed_from: usize,
    pub iteration: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// Steps per second of this run (not of earlier runs of a resumed training).
    pub steps_per_s: f64,
    pub last: Option<IterationLog>,
    /// Stopped early by Ctrl-C (after a complete iteration, files saved).
    pub interrupted: bool,
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

impl TrainReport {
    pub fn summary_table(&self) -> Table {
        let mut t = Table::new([
            "env",
            "ppo",
            "iterations",
            "timesteps",
            "episodes",
            "wall time",
            "steps/s",
            "recent return",
            "last batch return",
        ]);
        let last = self.last.as_ref();
        let fmt = |v: f64| {
            if v.is_finite() {
                format!("{v:.2}")
            } else {
                "–".into()
            }
        };
        t.row([
            self.env_id.clone(),
            self.preset.name().to_string(),
            if self.resumed_from > 0 {
                format!("{} → {}", self.resumed_from, self.iteration)
            } else {
                self.iteration.to_string()
            },
            self.timesteps.to_string(),
            self.episodes.to_string(),
            format!("{:.1} s", self.wall_s),
            format!("{:.0}", self.steps_per_s),
            last.map_or("–".into(), |l| fmt(l.recent_return)),
            last.map_or("–".into(), |l| {
                if l.return_mean.is_finite() {
                    format!("{:.2} ± {:.2}", l.return_mean, l.return_std)
                } else {
                    "–".into()
                }
            }),
        ]);
        t
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

/// Create `path`'s directory and prove it takes a file, before any work is done.
fn check_writable(path: &Path, what: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        Error::Invalid(format!(
            "cannot write the {what} {}: its directory {} is not writable ({e})",
            path.display(),
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".synapt-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Read back the learning curve's points (timesteps, mean return) from the CSV log.
pub fn read_log(path: &Path) -> Result<Vec<(f64, f64, f64)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut pts = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c.len() < 5 {
            continue;
        }
        if let (Ok(t), Ok(m), Ok(s)) = (c[1].parse(), c[3].parse(), c[4].parse()) {
            pts.push((t, m, s));
        }
    }
    Ok(pts)
}

/// Keep the log's header and its rows up to `iteration` (a resumed run re-logs what came after).
fn truncate_log(path: &Path, iteration: usize) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut out = format!("{CSV_HEADER}\n");
    for line in text.lines().skip(1) {
        let it: Option<usize> = line.split(',').next().and_then(|s| s.parse().ok());
        if it.is_some_and(|i| i <= iteration) {
            out.push_str(line);
            out.push('\n');
        }
    }
    write_atomic(path, out.as_bytes())
}

/// Write the actor, the critic, the checkpoint and the learning curve (each atomically).
fn save_all(t: &Trainer, opts: &TrainOptions) -> Result<()> {
    t.actor_mlp().save(&opts.actor)?;
    t.critic_mlp().save(&opts.critic)?;
    Checkpoint::of(t).save(&opts.checkpoint)?;
    let pts = read_log(&opts.log)?;
    if !pts.is_empty() {
        crate::plot::learning_curve(
            &opts.curve,
            &pts,
            &format!(
                "{} · PPO ({}) · seed {} · mean return of the episodes that ended in each iteration, ± std",
                t.env_id,
                t.cfg.preset.name(),
                t.cfg.seed
            ),
        )?;
    }
    Ok(())
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
    // and one thread keeps every float sum in one order. `threads` is for the environments.
    tch::set_num_threads(1);
    let mut notes = Vec::new();
    let mut trainer = if opts.resume {
        let c = Checkpoint::load(&opts.checkpoint)?;
        notes.extend(check_resume(&c, opts)?);
        let mut t = c.restore(opts.env_options, opts.device, &opts.checkpoint)?;
        t.cfg.training_step = opts.config.training_step;
        truncate_log(&opts.log, t.iteration)?;
        t
    } else {
        write_atomic(&opts.log, format!("{CSV_HEADER}\n").as_bytes())?;
        Trainer::new(
            &opts.env_id,
            opts.env_options,
            opts.config.clone(),
            opts.device,
        )?
    };
    let start_iteration = trainer.iteration;
    let start_steps = trainer.timesteps;
    let start_wall = trainer.wall_s;
    let total = trainer.cfg.training_step;

    let bar = progress_bar(opts.progress, total as u64, start_iteration as u64);
    let mut log_file = std::fs::OpenOptions::new()
        .append(true)
        .open(&opts.log)
        .map_err(|e| Error::io(&opts.log, e))?;
    let mut last = None;
    let mut interrupted = false;
    while trainer.iteration < total {
        let l = trainer.iterate()?;
        log_file
            .write_all(csv_row(&l).as_bytes())
            .and_then(|_| log_file.flush())
            .map_err(|e| Error::io(&opts.log, e))?;
        bar.set_position(l.iteration as u64);
        bar.set_message(format!(
            "{} steps · recent return {} · {:.0} steps/s",
            l.timesteps,
            if l.recent_return.is_finite() {
                format!("{:.1}", l.recent_return)
            } else {
                "–".into()
            },
            l.steps_per_s
        ));
        let done = l.iteration >= total;
        interrupted = stop.load(Ordering::SeqCst) && !done;
        if l.iteration % trainer.cfg.save_freq == 0 || done || interrupted {
            save_all(&trainer, opts)?;
        }
        last = Some(l);
        if interrupted {
            break;
        }
    }
    if last.is_none() {
        // Nothing to do (already at training_step): still leave a consistent set of files.
        save_all(&trainer, opts)?;
    }
    bar.finish_and_clear();
    let run_wall = trainer.wall_s - start_wall;
    Ok(TrainReport {
        env_id: opts.env_id.clone(),
        preset: trainer.cfg.preset,
        resumed_from: start_iteration,
        iteration: trainer.iteration,
        timesteps: trainer.timesteps,
        episodes: trainer.episodes,
        wall_s: trainer.wall_s,
        steps_per_s: (trainer.timesteps - start_steps) as f64 / run_wall.max(1e-9),
        last,
        interrupted,
        files: vec![
            opts.actor.clone(),
            opts.critic.clone(),
            opts.checkpoint.clone(),
            opts.log.clone(),
            opts.curve.clone(),
        ],
        notes,
    })
}

fn progress_bar(show: bool, total: u64, pos: u64) -> indicatif::ProgressBar {
    let target = if show {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    };
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] iteration {pos}/{len} · {eta} left · {msg}",
        )
        .expect("a valid progress template")
        .progress_chars("=> "),
    );
    bar.set_position(pos);
    bar
}
