//! `--algo cma`: CMA-ES (src/cma.rs, Hansen's tutorial as PyPI `cmaes` implements it) directly on an
//! actor's weights, any architecture.
//!
//! The search starts at the actor's PyTorch-style initialisation with step size `sigma0`; each
//! generation asks λ candidates, evaluates every one over the same `episodes` seeded episodes (the
//! generation's own seeds) through the shared rollout pool, and tells CMA-ES the negated mean returns.
//! The champion is the distribution's mean as an actor, evaluated with the candidates on the same seeds;
//! it is what is saved. `diagonal: true` runs sep-CMA (a diagonal C, for large networks). The normals
//! come from NumPy's legacy RandomState seeded with `seed`; the whole CMA-ES state, generator included,
//! is the checkpoint, so --resume goes on exactly.
//!
//! Settings are the `cma:` mapping of the environment's entry in `hyperparameters.yml`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::learner::{self, Learner, LogRecord, LoopFiles, TrainReport};
use super::net::{self, actor_at, n_params};
use crate::cma::{CmaEs, CmaOptions};
use crate::env::rng::NpRng;
use crate::env::{self, EnvOptions, Space};
use crate::error::{Error, Result};
use crate::limits;
use crate::policy::{Activation, Actor, Head};
use crate::report::Summary;
use crate::rollout;

/// `cma:` in an environment's entry of `hyperparameters.yml`; every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CmaConfig {
    /// λ, candidates per generation; absent: 4 + ⌊3 ln n⌋ for n weights.
    pub popsize: Option<usize>,
    /// The initial step size σ₀.
    pub sigma0: f64,
    /// sep-CMA: a diagonal covariance (Ros & Hansen 2008), for large networks.
    pub diagonal: bool,
    /// Episodes per candidate (episode i of a generation is seeded alike for every candidate).
    pub episodes: usize,
    /// Generations to run (`--iterations` overrides it).
    pub generations: usize,
    pub hidden_sizes: Vec<usize>,
    /// The hidden layers' activation: relu, tanh, elu, elu(ALPHA), sigmoid, identity.
    pub activation: String,
    /// Whether the layers have biases.
    pub bias: bool,
    /// The output head: identity, tanh, clip (to the action box), argmax, softmax.
    pub head: String,
    /// Seeds the initial actor, the normals (NumPy's RandomState: below 2³²) and the episodes.
    pub seed: u64,
    /// Save the actor and the checkpoint every this many generations.
    pub save_freq: usize,
}

impl Default for CmaConfig {
    fn default() -> Self {
        CmaConfig {
            popsize: None,
            sigma0: 0.5,
            diagonal: false,
            episodes: 3,
            generations: 50,
            hidden_sizes: vec![8],
            activation: "tanh".into(),
            bias: true,
            head: "identity".into(),
            seed: 0,
            save_freq: 10,
        }
    }
}

impl CmaConfig {
    /// Check every value; errors name the key.
    pub fn validate(&self, file: &str, env_id: &str) -> Result<()> {
        let bad = |key: &str, what: &str| {
            Err(Error::Invalid(format!(
                "{file}: `{env_id}` → cma → {key}: {what}"
            )))
        };
        if let Some(p) = self.popsize {
            if p < 2 {
                return bad("popsize", &format!("{p} is below 2"));
            }
        }
        if !(self.sigma0 > 0.0 && self.sigma0.is_finite()) {
            return bad("sigma0", "must be a positive number");
        }
        for (key, v) in [
            ("episodes", self.episodes),
            ("generations", self.generations),
            ("save_freq", self.save_freq),
        ] {
            if v == 0 {
                return bad(key, "must be a positive integer");
            }
        }
        if self.seed > u32::MAX as u64 {
            return bad("seed", "NumPy's RandomState takes seeds below 2³²");
        }
        if self.hidden_sizes.contains(&0) {
            return bad("hidden_sizes", "widths must be positive");
        }
        if let Err(e) = limits::check_hidden(&self.hidden_sizes) {
            return bad("hidden_sizes", &e);
        }
        if let Some(Err(e)) = self.popsize.map(limits::check_count) {
            return bad("popsize", &e);
        }
        if let Err(e) = Activation::parse(&self.activation) {
            return bad("activation", &e.to_string());
        }
        if !Head::NAMES.contains(&self.head.as_str()) {
            return bad(
                "head",
                &format!(
                    "unknown head `{}`; expected {}",
                    self.head,
                    Head::NAMES.join(", ")
                ),
            );
        }
        Ok(())
    }

    /// One line per setting, for the start of a run.
    pub fn describe(&self) -> String {
        format!(
            "  popsize {} · sigma0 {} · {} · {} episodes per candidate · {} generations\n  \
             network hidden {:?} · {} · bias {} · head {} · seed {}\n",
            self.popsize
                .map_or("4 + ⌊3 ln n⌋".to_string(), |p| p.to_string()),
            self.sigma0,
            if self.diagonal {
                "sep-CMA (diagonal C)"
            } else {
                "full C"
            },
            self.episodes,
            self.generations,
            self.hidden_sizes,
            self.activation,
            self.bias,
            self.head,
            self.seed
        )
    }
}

/// The `cma:` settings of `env_id` (defaults where the file says nothing), with `generations` and
/// `seed` overridden when given on the command line.
pub fn resolve(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    generations: Option<usize>,
    seed: Option<u64>,
) -> Result<CmaConfig> {
    let (mut cfg, file): (CmaConfig, String) =
        learner::settings(hyper, env_id, "cma", |s| s.cma.as_ref())?;
    if let Some(g) = generations {
        cfg.generations = g;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    cfg.validate(&file, env_id)?;
    Ok(cfg)
}

/// Names the format, so another learner's checkpoint is refused clearly.
pub const FORMAT: &str = "synapt-safety CMA-ES checkpoint v1";

/// Everything a run needs to go on exactly where it stopped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub env_id: String,
    pub config: CmaConfig,
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// The whole CMA-ES state (mean, σ, C, paths, cached eigendecomposition, the generator).
    pub state: CmaEs,
}

/// One generation's line of the log.
#[derive(Debug, Clone)]
pub struct GenerationLog {
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    /// The candidates' mean returns: their mean and std.
    pub return_mean: f64,
    pub return_std: f64,
    pub return_best: f64,
    /// The champion's (the mean's) mean return on the generation's seeds.
    pub champion_return: f64,
    /// σ after the generation's update.
    pub sigma: f64,
    pub wall_s: f64,
}

const CSV_HEADER: &str =
    "generation,timesteps,episodes,return_mean,return_std,return_best,champion_return,sigma,wall_s";

impl LogRecord for GenerationLog {
    fn iteration(&self) -> usize {
        self.generation
    }

    fn csv_row(&self) -> String {
        format!(
            "{},{},{},{:?},{:?},{:?},{:?},{:?},{:.3}\n",
            self.generation,
            self.timesteps,
            self.episodes,
            self.return_mean,
            self.return_std,
            self.return_best,
            self.champion_return,
            self.sigma,
            self.wall_s
        )
    }

    fn status(&self) -> String {
        format!(
            "{} steps · population {:.1} · champion {:.1} · σ {:.3}",
            self.timesteps, self.return_mean, self.champion_return, self.sigma
        )
    }
}

/// Where a CMA-ES run writes.
#[derive(Debug, Clone)]
pub struct CmaFiles {
    pub actor: PathBuf,
    pub checkpoint: PathBuf,
    pub log: PathBuf,
    pub curve: PathBuf,
    /// TensorBoard's log folder (`runs`): event files go to `<it>/<env>_<algo>_<seed>/`; `None` writes
    /// none (the default here; the command line's default is `runs`).
    pub tensorboard: Option<PathBuf>,
}

impl CmaFiles {
    /// `Policies/cma_actor<ENV>.pth` (with its `.arch.json`), `cma_checkpoint<ENV>.json`,
    /// `Graph/train_cma_<ENV>.csv` and `.png`.
    pub fn default_for(env_id: &str) -> CmaFiles {
        CmaFiles {
            actor: PathBuf::from(format!("Policies/cma_actor{env_id}.pth")),
            checkpoint: PathBuf::from(format!("Policies/cma_checkpoint{env_id}.json")),
            log: PathBuf::from(format!("Graph/train_cma_{env_id}.csv")),
            curve: PathBuf::from(format!("Graph/train_cma_{env_id}.png")),
            tensorboard: None,
        }
    }
}

/// A CMA-ES run.
pub struct Cma {
    pub env_id: String,
    options: EnvOptions,
    pub cfg: CmaConfig,
    /// The architecture; its values are the search's.
    template: Actor,
    es: CmaEs,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    checkpoint: PathBuf,
    actor_path: PathBuf,
}

/// The architecture `cfg` describes, initialised like PyTorch's `nn.Linear` (`net::initial_actor`).
fn initial_actor(cfg: &CmaConfig, obs: &Space, act: &Space, rng: &mut NpRng) -> Result<Actor> {
    let (h, bias) = (&cfg.hidden_sizes, cfg.bias);
    net::initial_actor(h, &cfg.activation, &cfg.head, bias, obs, act, rng)
}

impl Cma {
    /// A fresh run: the mean at the seeded initial actor.
    pub fn new(env_id: &str, options: EnvOptions, cfg: CmaConfig, files: &CmaFiles) -> Result<Cma> {
        let probe = env::make_with(env_id, options)?;
        let mut rng = NpRng::from_seed(cfg.seed);
        let template = initial_actor(
            &cfg,
            &probe.observation_space(),
            &probe.action_space(),
            &mut rng,
        )?;
        template.check_fits(
            &probe.observation_space(),
            &probe.action_space(),
            env_id,
            &files.actor,
        )?;
        let theta: Vec<f64> = template
            .layers
            .iter()
            .flat_map(|l| l.weight.iter().chain(l.bias.iter().flatten()).copied())
            .collect();
        let es = CmaEs::new(
            theta,
            cfg.sigma0,
            CmaOptions {
                popsize: cfg.popsize,
                diagonal: cfg.diagonal,
                seed: cfg.seed as u32,
                ..CmaOptions::default()
            },
        )?;
        Ok(Cma {
            env_id: env_id.to_string(),
            options,
            cfg,
            template,
            es,
            timesteps: 0,
            episodes: 0,
            wall_s: 0.0,
            checkpoint: files.checkpoint.clone(),
            actor_path: files.actor.clone(),
        })
    }

    /// Go on from a checkpoint; `generations` (if given) moves the end. Refuses another environment,
    /// another architecture or a damaged file.
    pub fn resume(
        env_id: &str,
        options: EnvOptions,
        generations: Option<usize>,
        files: &CmaFiles,
    ) -> Result<Cma> {
        let c: Checkpoint = learner::load_checkpoint(&files.checkpoint, FORMAT)?;
        if c.env_id != env_id {
            return Err(Error::Invalid(format!(
                "--resume: {} is a checkpoint of {}, not {env_id}",
                files.checkpoint.display(),
                c.env_id
            )));
        }
        c.config
            .validate(&files.checkpoint.display().to_string(), env_id)?;
        let mut run = Cma::new(env_id, options, c.config.clone(), files)?;
        c.state.check().map_err(|e| Error::Config {
            path: files.checkpoint.clone(),
            reason: e.to_string(),
        })?;
        if c.state.dim() != n_params(&run.template) {
            return Err(Error::Config {
                path: files.checkpoint.clone(),
                reason: format!(
                    "the search has {} weights; the architecture has {}",
                    c.state.dim(),
                    n_params(&run.template)
                ),
            });
        }
        run.es = c.state;
        run.timesteps = c.timesteps;
        run.episodes = c.episodes;
        run.wall_s = c.wall_s;
        if let Some(g) = generations {
            run.cfg.generations = g;
        }
        Ok(run)
    }

    /// The champion: the mean as an actor.
    pub fn champion(&self) -> Actor {
        actor_at(&self.template, self.es.mean())
    }
}

impl Learner for Cma {
    type Log = GenerationLog;

    fn iteration(&self) -> usize {
        self.es.generation()
    }

    fn total(&self) -> usize {
        self.cfg.generations
    }

    fn save_freq(&self) -> usize {
        self.cfg.save_freq
    }

    fn log_header(&self) -> &'static str {
        CSV_HEADER
    }

    fn curve_columns(&self) -> [usize; 3] {
        // timesteps, return_mean, return_std
        [1, 3, 4]
    }

    fn curve_title(&self) -> String {
        format!(
            "{} · CMA-ES · seed {} · mean return of the population in each generation, ± std",
            self.env_id, self.cfg.seed
        )
    }

    fn step(&mut self) -> Result<GenerationLog> {
        let start = Instant::now();
        let candidates = self.es.ask();
        let mut actors: Vec<Actor> = candidates
            .iter()
            .map(|x| actor_at(&self.template, x))
            .collect();
        actors.push(self.champion());
        // Every candidate meets the same episodes; each generation has its own.
        let seed = self
            .cfg
            .seed
            .wrapping_add(1_000_003u64.wrapping_mul(self.es.generation() as u64 + 1));
        let results = rollout::evaluate_population(
            &self.env_id,
            self.options,
            &actors,
            self.cfg.episodes,
            seed,
        )?;
        let returns: Vec<f64> = results
            .iter()
            .map(|eps| eps.iter().map(|e| e.ret).sum::<f64>() / eps.len() as f64)
            .collect();
        let (population, champion) = returns.split_at(candidates.len());
        let fitness: Vec<f64> = population.iter().map(|r| -r).collect();
        self.es.tell(&candidates, &fitness)?;
        self.timesteps += results
            .iter()
            .flatten()
            .map(|e| e.length as u64)
            .sum::<u64>();
        self.episodes += results.iter().map(|r| r.len() as u64).sum::<u64>();
        self.wall_s += start.elapsed().as_secs_f64();
        let s = Summary::of(population);
        Ok(GenerationLog {
            generation: self.es.generation(),
            timesteps: self.timesteps,
            episodes: self.episodes,
            return_mean: s.mean,
            return_std: s.std,
            return_best: population.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            champion_return: champion[0],
            sigma: self.es.sigma(),
            wall_s: self.wall_s,
        })
    }

    /// The champion actor (with its architecture file) and the checkpoint.
    fn save(&self) -> Result<()> {
        self.champion().save(&self.actor_path)?;
        learner::save_checkpoint(
            &self.checkpoint,
            &Checkpoint {
                format: FORMAT.into(),
                env_id: self.env_id.clone(),
                config: self.cfg.clone(),
                generation: self.es.generation(),
                timesteps: self.timesteps,
                episodes: self.episodes,
                wall_s: self.wall_s,
                state: self.es.clone(),
            },
        )
    }
}

/// Run CMA-ES to its `generations` (from scratch with `cfg`, or from the checkpoint with `resume`,
/// where `generations` moves the end), through the shared run loop.
pub fn run(
    env_id: &str,
    options: EnvOptions,
    cfg: CmaConfig,
    files: &CmaFiles,
    resume: Option<Option<usize>>,
    stop: &AtomicBool,
) -> Result<TrainReport> {
    // Settings are checked (building the run) before anything is created.
    let mut run = match resume {
        Some(generations) => Cma::resume(env_id, options, generations, files)?,
        None => Cma::new(env_id, options, cfg, files)?,
    };
    for (p, what) in [
        (&files.actor, "actor"),
        (&files.checkpoint, "checkpoint"),
        (&files.log, "training log"),
        (&files.curve, "learning curve"),
    ] {
        learner::check_writable(p, what)?;
    }
    let loop_files = LoopFiles {
        log: files.log.clone(),
        curve: files.curve.clone(),
        events: learner::events_dir(files.tensorboard.as_deref(), env_id, "cma", run.cfg.seed),
    };
    let (start_steps, start_wall) = (run.timesteps, run.wall_s);
    let out = learner::run_loop(&mut run, &loop_files, resume.is_some(), true, stop)?;
    let last = out.last.as_ref();
    Ok(TrainReport {
        env_id: env_id.to_string(),
        learner: ("algo", "cma".into()),
        resumed_from: out.resumed_from,
        iteration: run.es.generation(),
        total: run.cfg.generations,
        timesteps: run.timesteps,
        episodes: run.episodes,
        wall_s: run.wall_s,
        steps_per_s: (run.timesteps - start_steps) as f64 / (run.wall_s - start_wall).max(1e-9),
        last: vec![
            (
                "population return",
                last.map_or("–".into(), |l| {
                    format!("{:.2} ± {:.2}", l.return_mean, l.return_std)
                }),
            ),
            (
                "champion return",
                last.map_or("–".into(), |l| format!("{:.2}", l.champion_return)),
            ),
            ("sigma", format!("{:.4}", run.es.sigma())),
        ],
        interrupted: out.interrupted,
        files: vec![
            files.actor.clone(),
            crate::policy::arch::sidecar(&files.actor),
            files.checkpoint.clone(),
            files.log.clone(),
            files.curve.clone(),
        ],
        checkpoint: files.checkpoint.clone(),
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_name_their_key() {
        for (cfg, key) in [
            (
                CmaConfig {
                    popsize: Some(1),
                    ..CmaConfig::default()
                },
                "popsize",
            ),
            (
                CmaConfig {
                    sigma0: 0.0,
                    ..CmaConfig::default()
                },
                "sigma0",
            ),
            (
                CmaConfig {
                    activation: "swish".into(),
                    ..CmaConfig::default()
                },
                "activation",
            ),
            (
                CmaConfig {
                    seed: 1 << 40,
                    ..CmaConfig::default()
                },
                "seed",
            ),
        ] {
            let e = cfg
                .validate("h.yml", "CartPole-v1")
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("cma → {key}")), "{e}");
        }
        let unknown: std::result::Result<CmaConfig, _> = serde_yaml::from_str("{lambda: 4}");
        let e = unknown.unwrap_err().to_string();
        assert!(e.contains("sigma0") && e.contains("popsize"), "{e}");
    }
}
