//! `--algo es`: the evolution strategy of Salimans et al. (2017, "Evolution Strategies as a Scalable
//! Alternative to Reinforcement Learning"), the simplest population learner, on any actor architecture.
//!
//! Each generation draws `population / 2` Gaussian directions ε and evaluates the actor at θ + σε and
//! θ − σε (antithetic pairs), every candidate over the same `episodes` seeds. Returns become centred
//! ranks in [−0.5, 0.5] (fitness shaping), and θ moves by `lr / (population · σ) · Σ rank · ε`. The
//! champion is θ itself, evaluated with the population on the same seeds. No gradients, so no libtorch:
//! the candidates run through the shared rollout pool as (individual, episode) pairs.
//!
//! Settings are the `es:` mapping of the environment's entry in `hyperparameters.yml`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::learner::{self, Learner, LogRecord, LoopFiles, TrainReport};
use super::net::{self, actor_at, n_params, standard_normal};
use crate::env::rng::NpRng;
use crate::env::{self, EnvOptions, RngState, Space};
use crate::error::{Error, Result};
use crate::limits;
use crate::policy::{Activation, Actor, Head};
use crate::report::Summary;
use crate::rollout;

/// `es:` in an environment's entry of `hyperparameters.yml`; every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EsConfig {
    /// Candidates per generation (an even number: antithetic pairs).
    pub population: usize,
    /// The standard deviation of the perturbations.
    pub sigma: f64,
    /// The step size on the rank-weighted direction.
    pub lr: f64,
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
    pub seed: u64,
    /// Save the actor and the checkpoint every this many generations.
    pub save_freq: usize,
}

impl Default for EsConfig {
    fn default() -> Self {
        EsConfig {
            population: 32,
            sigma: 0.1,
            lr: 0.03,
            episodes: 3,
            generations: 50,
            hidden_sizes: vec![16],
            activation: "tanh".into(),
            bias: true,
            head: "identity".into(),
            seed: 0,
            save_freq: 10,
        }
    }
}

impl EsConfig {
    /// Check every value; errors name the key.
    pub fn validate(&self, file: &str, env_id: &str) -> Result<()> {
        let bad = |key: &str, what: &str| {
            Err(Error::Invalid(format!(
                "{file}: `{env_id}` → es → {key}: {what}"
            )))
        };
        if self.population < 2 || self.population % 2 != 0 {
            return bad(
                "population",
                &format!("{} is not an even number ≥ 2", self.population),
            );
        }
        if !(self.sigma > 0.0 && self.sigma.is_finite()) {
            return bad("sigma", "must be a positive number");
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return bad("lr", "must be a positive number");
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
        if self.hidden_sizes.contains(&0) {
            return bad("hidden_sizes", "widths must be positive");
        }
        if let Err(e) = limits::check_hidden(&self.hidden_sizes) {
            return bad("hidden_sizes", &e);
        }
        if let Err(e) = limits::check_count(self.population) {
            return bad("population", &e);
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
            "  population {} · sigma {} · lr {} · {} episodes per candidate · {} generations\n  \
             network hidden {:?} · {} · bias {} · head {} · seed {}\n",
            self.population,
            self.sigma,
            self.lr,
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

/// The `es:` settings of `env_id` (defaults where the file says nothing), with `generations` and
/// `seed` overridden when given on the command line.
pub fn resolve(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    generations: Option<usize>,
    seed: Option<u64>,
) -> Result<EsConfig> {
    let (mut cfg, file): (EsConfig, String) =
        learner::settings(hyper, env_id, "es", |s| s.es.as_ref())?;
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
pub const FORMAT: &str = "synapt-safety ES checkpoint v1";

/// Everything a run needs to go on exactly where it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub env_id: String,
    pub config: EsConfig,
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// The mean of the search distribution, layer by layer (weight, then bias).
    pub theta: Vec<f64>,
    pub rng: RngState,
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
    /// The champion's (θ's) mean return on the generation's seeds.
    pub champion_return: f64,
    pub wall_s: f64,
}

const CSV_HEADER: &str =
    "generation,timesteps,episodes,return_mean,return_std,return_best,champion_return,wall_s";

impl LogRecord for GenerationLog {
    fn iteration(&self) -> usize {
        self.generation
    }

    fn csv_row(&self) -> String {
        format!(
            "{},{},{},{:?},{:?},{:?},{:?},{:.3}\n",
            self.generation,
            self.timesteps,
            self.episodes,
            self.return_mean,
            self.return_std,
            self.return_best,
            self.champion_return,
            self.wall_s
        )
    }

    fn status(&self) -> String {
        format!(
            "{} steps · population {:.1} · champion {:.1}",
            self.timesteps, self.return_mean, self.champion_return
        )
    }
}

/// Where an ES run writes.
#[derive(Debug, Clone)]
pub struct EsFiles {
    pub actor: PathBuf,
    pub checkpoint: PathBuf,
    pub log: PathBuf,
    pub curve: PathBuf,
    /// TensorBoard's log folder (`runs`): event files go to `<it>/<env>_<algo>_<seed>/`; `None` writes
    /// none (the default here; the command line's default is `runs`).
    pub tensorboard: Option<PathBuf>,
}

impl EsFiles {
    /// `Policies/es_actor<ENV>.pth` (with its `.arch.json`), `es_checkpoint<ENV>.json`,
    /// `Graph/train_es_<ENV>.csv` and `.png`.
    pub fn default_for(env_id: &str) -> EsFiles {
        EsFiles {
            actor: PathBuf::from(format!("Policies/es_actor{env_id}.pth")),
            checkpoint: PathBuf::from(format!("Policies/es_checkpoint{env_id}.json")),
            log: PathBuf::from(format!("Graph/train_es_{env_id}.csv")),
            curve: PathBuf::from(format!("Graph/train_es_{env_id}.png")),
            tensorboard: None,
        }
    }
}

/// An ES run.
pub struct Es {
    pub env_id: String,
    options: EnvOptions,
    pub cfg: EsConfig,
    /// The architecture; its values are θ's.
    template: Actor,
    theta: Vec<f64>,
    rng: NpRng,
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    checkpoint: PathBuf,
    actor_path: PathBuf,
}

/// The architecture `cfg` describes, initialised like PyTorch's `nn.Linear` (`net::initial_actor`).
fn initial_actor(cfg: &EsConfig, obs: &Space, act: &Space, rng: &mut NpRng) -> Result<Actor> {
    let (h, bias) = (&cfg.hidden_sizes, cfg.bias);
    net::initial_actor(h, &cfg.activation, &cfg.head, bias, obs, act, rng)
}

/// Centred ranks in [−0.5, 0.5] (ties broken by index, so the order is reproducible).
fn centred_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let n = (x.len() - 1).max(1) as f64;
    for (rank, &i) in idx.iter().enumerate() {
        r[i] = rank as f64 / n - 0.5;
    }
    r
}

impl Es {
    /// A fresh run: θ initialised from the seed.
    pub fn new(env_id: &str, options: EnvOptions, cfg: EsConfig, files: &EsFiles) -> Result<Es> {
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
        let theta = template
            .layers
            .iter()
            .flat_map(|l| l.weight.iter().chain(l.bias.iter().flatten()).copied())
            .collect::<Vec<f64>>();
        limits::check_values("es → population", cfg.population, theta.len())
            .map_err(Error::Invalid)?;
        Ok(Es {
            env_id: env_id.to_string(),
            options,
            cfg,
            template,
            theta,
            rng,
            generation: 0,
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
        files: &EsFiles,
    ) -> Result<Es> {
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
        let mut es = Es::new(env_id, options, c.config.clone(), files)?;
        if c.theta.len() != n_params(&es.template) {
            return Err(Error::Config {
                path: files.checkpoint.clone(),
                reason: format!(
                    "θ has {} values; the architecture has {}",
                    c.theta.len(),
                    n_params(&es.template)
                ),
            });
        }
        es.theta = c.theta;
        es.rng = NpRng::from_state(&c.rng)?;
        es.generation = c.generation;
        es.timesteps = c.timesteps;
        es.episodes = c.episodes;
        es.wall_s = c.wall_s;
        if let Some(g) = generations {
            es.cfg.generations = g;
        }
        Ok(es)
    }

    /// The champion: θ as an actor.
    pub fn champion(&self) -> Actor {
        actor_at(&self.template, &self.theta)
    }
}

impl Learner for Es {
    type Log = GenerationLog;

    fn iteration(&self) -> usize {
        self.generation
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
            "{} · ES · seed {} · mean return of the population in each generation, ± std",
            self.env_id, self.cfg.seed
        )
    }

    fn step(&mut self) -> Result<GenerationLog> {
        let start = Instant::now();
        let (half, sigma) = (self.cfg.population / 2, self.cfg.sigma);
        let n = self.theta.len();
        let directions: Vec<Vec<f64>> = (0..half)
            .map(|_| (0..n).map(|_| standard_normal(&mut self.rng)).collect())
            .collect();
        let mut actors: Vec<Actor> = Vec::with_capacity(2 * half + 1);
        for eps in &directions {
            for sign in [1.0, -1.0] {
                let theta: Vec<f64> = self
                    .theta
                    .iter()
                    .zip(eps)
                    .map(|(t, e)| t + sign * sigma * e)
                    .collect();
                actors.push(actor_at(&self.template, &theta));
            }
        }
        actors.push(self.champion());
        // Every candidate meets the same episodes; each generation has its own.
        let seed = self
            .cfg
            .seed
            .wrapping_add(1_000_003u64.wrapping_mul(self.generation as u64 + 1));
        let results = rollout::evaluate_population(
            &self.env_id,
            self.options,
            &actors,
            self.cfg.episodes,
            seed,
        )?;
        let fitness: Vec<f64> = results
            .iter()
            .map(|eps| eps.iter().map(|e| e.ret).sum::<f64>() / eps.len() as f64)
            .collect();
        let (population, champion) = fitness.split_at(2 * half);
        let ranks = centred_ranks(population);
        let scale = self.cfg.lr / (self.cfg.population as f64 * sigma);
        for (i, eps) in directions.iter().enumerate() {
            let w = scale * (ranks[2 * i] - ranks[2 * i + 1]);
            for (t, e) in self.theta.iter_mut().zip(eps) {
                *t += w * e;
            }
        }
        self.generation += 1;
        self.timesteps += results
            .iter()
            .flatten()
            .map(|e| e.length as u64)
            .sum::<u64>();
        self.episodes += results.iter().map(|r| r.len() as u64).sum::<u64>();
        self.wall_s += start.elapsed().as_secs_f64();
        let s = Summary::of(population);
        Ok(GenerationLog {
            generation: self.generation,
            timesteps: self.timesteps,
            episodes: self.episodes,
            return_mean: s.mean,
            return_std: s.std,
            return_best: population.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            champion_return: champion[0],
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
                generation: self.generation,
                timesteps: self.timesteps,
                episodes: self.episodes,
                wall_s: self.wall_s,
                theta: self.theta.clone(),
                rng: self.rng.to_state(),
            },
        )
    }
}

/// Run ES to its `generations` (from scratch with `cfg`, or from the checkpoint with `resume`, where
/// `generations` moves the end), through the shared run loop.
pub fn run(
    env_id: &str,
    options: EnvOptions,
    cfg: EsConfig,
    files: &EsFiles,
    resume: Option<Option<usize>>,
    stop: &AtomicBool,
) -> Result<TrainReport> {
    // Settings are checked (building the run) before anything is created.
    let mut es = match resume {
        Some(generations) => Es::resume(env_id, options, generations, files)?,
        None => Es::new(env_id, options, cfg, files)?,
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
        events: learner::events_dir(files.tensorboard.as_deref(), env_id, "es", es.cfg.seed),
    };
    let (start_steps, start_wall) = (es.timesteps, es.wall_s);
    let out = learner::run_loop(&mut es, &loop_files, resume.is_some(), true, stop)?;
    let last = out.last.as_ref();
    Ok(TrainReport {
        env_id: env_id.to_string(),
        learner: ("algo", "es".into()),
        resumed_from: out.resumed_from,
        iteration: es.generation,
        total: es.cfg.generations,
        timesteps: es.timesteps,
        episodes: es.episodes,
        wall_s: es.wall_s,
        steps_per_s: (es.timesteps - start_steps) as f64 / (es.wall_s - start_wall).max(1e-9),
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
    fn centred_ranks_span_minus_half_to_half() {
        assert_eq!(centred_ranks(&[3.0, 1.0, 2.0]), [0.5, -0.5, 0.0]);
        assert_eq!(centred_ranks(&[1.0, 1.0]), [-0.5, 0.5]);
    }

    #[test]
    fn theta_round_trips_through_the_actor() {
        let cfg = EsConfig {
            bias: false,
            hidden_sizes: vec![5, 3],
            ..EsConfig::default()
        };
        let obs = Space::Box {
            low: vec![-1.0; 4],
            high: vec![1.0; 4],
        };
        let act = Space::Discrete { n: 2 };
        let a = initial_actor(&cfg, &obs, &act, &mut NpRng::from_seed(1)).unwrap();
        assert_eq!(n_params(&a), 4 * 5 + 5 * 3 + 3 * 2);
        let theta: Vec<f64> = (0..n_params(&a)).map(|i| i as f64 * 0.25).collect();
        let b = actor_at(&a, &theta);
        assert_eq!(b.layers[1].weight[0], 20.0 * 0.25);
        assert!(b.layers.iter().all(|l| l.bias.is_none()));
        assert_eq!(b.activations, vec![Activation::Tanh; 2]);
    }

    #[test]
    fn bad_settings_name_their_key() {
        for (cfg, key) in [
            (
                EsConfig {
                    population: 3,
                    ..EsConfig::default()
                },
                "population",
            ),
            (
                EsConfig {
                    sigma: 0.0,
                    ..EsConfig::default()
                },
                "sigma",
            ),
            (
                EsConfig {
                    activation: "swish".into(),
                    ..EsConfig::default()
                },
                "activation",
            ),
            (
                EsConfig {
                    episodes: 0,
                    ..EsConfig::default()
                },
                "episodes",
            ),
        ] {
            let e = cfg
                .validate("h.yml", "CartPole-v1")
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("es → {key}")), "{e}");
        }
    }
}
