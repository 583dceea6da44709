//! `--algo hypernca`: HyperNCA (Najarro et al. 2022, enajx/HyperNCA): CMA-ES evolves the parameters of
//! a neural cellular automaton (src/policy/nca) that grows the weights of a bias-free tanh MLP; a candidate's
//! fitness is the return of the network it grows.
//!
//! As the authors' `train_NCA.py` runs it: x₀ ~ U[−1, 1] (`x0`), σ₀ 0.1, λ 64, CMA-ES minimising the
//! negated reward; the seed grid is drawn once per run (`seed_type`); one episode per candidate, each on
//! its own environment seed (theirs are unseeded; here every seed derives from the run's `seed`, the
//! generation and the candidate, so runs reproduce); the fitness rules of their `fitnessRL`
//! (`fitness: authors`, [`authors_episode`]) or a plain episode (`fitness: plain`); a grid grown empty
//! scores the worst fitness; the run stops at generation 1,000 if the best reward is still below 0 on
//! LunarLander (500 on the Ant) (`early_abort`). The log keeps their two curves: the best reward ever
//! (`es.best.f`) and the population's mean reward. Two solutions are kept as theirs are: the best
//! candidate ever (`bestsolution`) and the CMA-ES mean at the generation with the best population mean
//! (`meansolution`, which their evaluation uses and which the saved actor is grown from).
//!
//! **Metamorphosis** (their `metamorphosis` branch): with `morphologies`, the NCA grows `nca_steps`
//! steps for `--env`, then continues from that pattern for `metamorphosis_steps` more for each further
//! morphology in turn; the fitness combines the rewards (`reward_type`: min, as their reported model,
//! sum or mean).
//!
//! Where their code stops the run, so does this one, with the generation and candidate named: an NCA
//! whose grid passes 10⁵ ("exploding"; `explode: worst` records the worst fitness instead). A NaN
//! reward is recorded as the worst fitness.
//!
//! Settings are the `hypernca:` mapping of the environment's entry in `hyperparameters.yml`.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::learner::{self, Learner, LogRecord, LoopFiles, TrainReport};
use crate::cma::{CmaEs, CmaOptions};
use crate::env::legacy_rng::RandomState;
use crate::env::{self, Env, EnvOptions};
use crate::error::{Error, Result};
use crate::limits;
use crate::policy::nca::authors::{self, RunConfig};
use crate::policy::nca::{self, authors_head, GrowError, Nca, NcaSpec, SeedType};
use crate::policy::{Actor, Head};
use crate::rollout;

/// How a candidate's episode is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fitness {
    /// The authors' `fitnessRL`: see [`authors_episode`].
    Authors,
    /// An ordinary episode: until it terminates or is truncated, the environment's reward.
    Plain,
}

/// How the rewards of several morphologies combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RewardType {
    Min,
    Sum,
    Mean,
}

/// What an exploding NCA does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Explode {
    /// Stop with an error naming the generation and the candidate (the authors raise).
    Error,
    /// Record the worst fitness and go on.
    Worst,
}

/// `hypernca:` in an environment's entry of `hyperparameters.yml`; every key is optional. The authors'
/// command-line flag is named where it differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HyperNcaConfig {
    /// λ (`--popsize`).
    pub popsize: usize,
    /// σ₀ (`--sigma_init`).
    pub sigma0: f64,
    /// The initial mean's distribution (`--x0_dist`): `U[-1,1]`, `U[0,1]` or `N[0,1]`.
    pub x0: String,
    /// Generations to run (`--iterations` overrides it).
    pub generations: usize,
    /// `--seed_type`: randomU2 (default), single_seed, ... (src/policy/nca's [`SeedType`]).
    pub seed_type: String,
    /// `--NCA_steps`.
    pub nca_steps: usize,
    /// `--NCA_channels`.
    pub channels: usize,
    /// `--update_net_channel_dims`.
    pub hidden: usize,
    /// `--policy_layers`.
    pub policy_layers: usize,
    /// `--size_substrate`; 0: the observation size (the policy's input is the substrate's width).
    pub size_substrate: usize,
    /// `--reading_channel`.
    pub reading_channel: usize,
    /// `--living_threshold`; 0: every cell stays alive.
    pub living_threshold: f64,
    /// `--NCA_bias`.
    pub bias: bool,
    /// `--normalise`.
    pub normalise: bool,
    /// `--replace`.
    pub replace: bool,
    /// `authors` (their `fitnessRL`) or `plain`.
    pub fitness: Fitness,
    /// Episodes per candidate and morphology (the authors: 1), averaged.
    pub episodes: usize,
    /// Stop at generation 1,000 if the best reward is below 0 (LunarLander) or 500 (the Ant).
    pub early_abort: bool,
    /// `error` (the authors) or `worst`.
    pub explode: Explode,
    /// Further environments for metamorphosis (the first morphology is `--env`); empty: none.
    pub morphologies: Vec<String>,
    /// The further NCA steps before each next morphology (`metamorphosis_NCA_steps`).
    pub metamorphosis_steps: usize,
    /// How the morphologies' rewards combine.
    pub reward_type: RewardType,
    /// Seeds the initial mean, the seed grid, CMA-ES's normals (NumPy's RandomState: below 2³²) and the
    /// episodes.
    pub seed: u64,
    /// Save the actor, the run folder and the checkpoint every this many generations.
    pub save_freq: usize,
}

impl Default for HyperNcaConfig {
    fn default() -> Self {
        HyperNcaConfig {
            popsize: 64,
            sigma0: 0.1,
            x0: "U[-1,1]".into(),
            generations: 10_000,
            seed_type: "randomU2".into(),
            nca_steps: 20,
            channels: 2,
            hidden: 4,
            policy_layers: 4,
            size_substrate: 0,
            reading_channel: 0,
            living_threshold: 0.0,
            bias: false,
            normalise: true,
            replace: false,
            fitness: Fitness::Authors,
            episodes: 1,
            early_abort: true,
            explode: Explode::Error,
            morphologies: Vec::new(),
            metamorphosis_steps: 20,
            reward_type: RewardType::Min,
            seed: 0,
            save_freq: 100,
        }
    }
}

impl HyperNcaConfig {
    /// Check every value; errors name the key.
    pub fn validate(&self, file: &str, env_id: &str) -> Result<()> {
        let bad = |key: &str, what: &str| {
            Err(Error::Invalid(format!(
                "{file}: `{env_id}` → hypernca → {key}: {what}"
            )))
        };
        if self.popsize < 2 {
            return bad("popsize", &format!("{} is below 2", self.popsize));
        }
        if !(self.sigma0 > 0.0 && self.sigma0.is_finite()) {
            return bad("sigma0", "must be a positive number");
        }
        if !["U[-1,1]", "U[0,1]", "N[0,1]"].contains(&self.x0.as_str()) {
            return bad(
                "x0",
                &format!("`{}`; expected U[-1,1], U[0,1] or N[0,1]", self.x0),
            );
        }
        for (key, v) in [
            ("generations", self.generations),
            ("nca_steps", self.nca_steps),
            ("channels", self.channels),
            ("hidden", self.hidden),
            ("episodes", self.episodes),
            ("save_freq", self.save_freq),
            ("metamorphosis_steps", self.metamorphosis_steps),
        ] {
            if v == 0 {
                return bad(key, "must be a positive integer");
            }
        }
        if self.policy_layers < 2 {
            return bad("policy_layers", "must be at least 2");
        }
        for (key, v) in [
            ("popsize", self.popsize),
            ("channels", self.channels),
            ("hidden", self.hidden),
            ("policy_layers", self.policy_layers),
            ("size_substrate", self.size_substrate),
        ] {
            if let Err(e) = limits::check_count(v) {
                return bad(key, &e);
            }
        }
        if self.reading_channel >= self.channels {
            return bad(
                "reading_channel",
                &format!(
                    "{} does not exist with {} channels",
                    self.reading_channel, self.channels
                ),
            );
        }
        if !self.living_threshold.is_finite() {
            return bad("living_threshold", "must be a finite number (0: all alive)");
        }
        if let Err(e) = SeedType::parse(&self.seed_type) {
            return bad("seed_type", &e);
        }
        if self.seed > u32::MAX as u64 {
            return bad("seed", "NumPy's RandomState takes seeds below 2³²");
        }
        Ok(())
    }

    /// One line per setting, for the start of a run.
    pub fn describe(&self) -> String {
        let morph = if self.morphologies.is_empty() {
            String::new()
        } else {
            format!(
                "\n  metamorphosis: then {} (+{} NCA steps each) · reward {:?}",
                self.morphologies.join(", "),
                self.metamorphosis_steps,
                self.reward_type
            )
        };
        format!(
            "  popsize {} · sigma0 {} · x0 {} · {} generations · fitness {:?} · {} episode(s)\n  \
             NCA: {} channels · {} update channels · {} steps · seed {} · bias {} · \
             normalise {} · replace {}\n  policy: {} bias-free tanh layers · seed {}{morph}\n",
            self.popsize,
            self.sigma0,
            self.x0,
            self.generations,
            self.fitness,
            self.episodes,
            self.channels,
            self.hidden,
            self.nca_steps,
            self.seed_type,
            self.bias,
            self.normalise,
            self.replace,
            self.policy_layers,
            self.seed
        )
    }
}

/// The `hypernca:` settings of `env_id` (defaults where the file says nothing), with `generations` and
/// `seed` overridden when given on the command line.
pub fn resolve(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    generations: Option<usize>,
    seed: Option<u64>,
) -> Result<HyperNcaConfig> {
    let (mut cfg, file): (HyperNcaConfig, String) =
        learner::settings(hyper, env_id, "hypernca", |s| s.hypernca.as_ref())?;
    if let Some(g) = generations {
        cfg.generations = g;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    cfg.validate(&file, env_id)?;
    Ok(cfg)
}

/// One episode scored as the authors' `fitnessRL` scores it: from `reset(seed)`, act until, *after the
/// first 101 steps*, the episode is done or the reward has stayed below 0.01 for more than 50 steps in
/// a row (30 for pybullet environments). Before step 101 `done` is ignored and the environment keeps
/// being stepped (their quirk: a LunarLander that crashes early keeps scoring −100 a step until then).
/// Returns the summed reward and the steps taken.
pub fn authors_episode(env: &mut dyn Env, actor: &Actor, seed: u64) -> (f64, usize) {
    let patience = if env.id().contains("Bullet") { 30 } else { 50 };
    let mut low = 0usize;
    let ep = rollout::run_episode_until(env, actor, seed, usize::MAX, |t, step| {
        if t <= 100 {
            return false;
        }
        low = if step.reward < 0.01 { low + 1 } else { 0 };
        step.terminated || step.truncated || low > patience
    });
    (ep.ret, ep.length)
}

/// A seed for each (generation, candidate, morphology, episode), mixed from the run's seed
/// (splitmix64), so every evaluation meets its own environment, reproducibly.
fn episode_seed(run: u64, generation: usize, candidate: usize, k: usize) -> u64 {
    let mut z = run
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((generation as u64) << 32)
        .wrapping_add((candidate as u64) << 12)
        .wrapping_add(k as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) & 0x7FFF_FFFF
}

/// The morphologies' rewards combined by `reward_type`; NaN (from any of them) is the worst fitness,
/// −∞, since CMA-ES cannot rank NaN. `f64::min` would skip a NaN, so it is checked first.
fn combine(rewards: &[f64], reward_type: RewardType) -> f64 {
    if rewards.iter().any(|r| r.is_nan()) {
        return f64::NEG_INFINITY;
    }
    let r = match reward_type {
        RewardType::Min => rewards.iter().copied().fold(f64::INFINITY, f64::min),
        RewardType::Sum => rewards.iter().sum(),
        RewardType::Mean => rewards.iter().sum::<f64>() / rewards.len() as f64,
    };
    if r.is_nan() {
        f64::NEG_INFINITY
    } else {
        r
    }
}

/// What growing and running one candidate gave.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Eval {
    /// The combined reward; −∞ for an empty pattern or an exploded NCA under `explode: worst`.
    reward: f64,
    steps: u64,
    episodes: u64,
}

/// The morphologies of a run: `--env` first, then `morphologies`, and the NCA steps at which each reads
/// its network.
#[derive(Debug, Clone)]
pub struct Morphologies {
    pub ids: Vec<String>,
    pub heads: Vec<Head>,
    /// Cumulative NCA steps at which morphology k's network is read.
    pub read_at: Vec<usize>,
}

impl Morphologies {
    fn of(
        env_id: &str,
        options: EnvOptions,
        cfg: &HyperNcaConfig,
    ) -> Result<(Morphologies, NcaSpec)> {
        let mut ids = vec![env_id.to_string()];
        ids.extend(cfg.morphologies.iter().cloned());
        let mut heads = Vec::new();
        let mut dims: Option<(usize, usize)> = None;
        for id in &ids {
            let e = env::make_with(id, options)?;
            let (obs, act) = (e.observation_space(), e.action_space());
            let d = (obs.size(), act.size());
            if let Some(first) = dims {
                if first != d {
                    return Err(Error::Invalid(format!(
                        "hypernca → morphologies: {id} has {} observations and {} actions, {} has \
                         {} and {}; one network serves every morphology",
                        d.0, d.1, ids[0], first.0, first.1
                    )));
                }
            }
            dims = Some(d);
            heads.push(authors_head(id, &act));
        }
        let (obs_dim, act_dim) = dims.expect("at least one environment");
        let size = if cfg.size_substrate == 0 {
            obs_dim.max(act_dim)
        } else {
            cfg.size_substrate
        };
        if size != obs_dim {
            return Err(Error::Invalid(format!(
                "hypernca: {env_id} has {obs_dim} observations and {act_dim} actions; the grown \
                 policy's input is the substrate's width ({size}), so size_substrate must be \
                 {obs_dim} (or 0) and the actions no more than the observations"
            )));
        }
        let spec = NcaSpec {
            bias: cfg.bias,
            reading_channel: cfg.reading_channel,
            living_threshold: cfg.living_threshold,
            normalise: cfg.normalise,
            replace: cfg.replace,
            ..NcaSpec::new(cfg.channels, cfg.policy_layers, size, cfg.hidden, act_dim)
        };
        spec.check()
            .map_err(|e| Error::Invalid(format!("hypernca: {e}")))?;
        let read_at = (0..ids.len())
            .map(|k| cfg.nca_steps + k * cfg.metamorphosis_steps)
            .collect();
        Ok((
            Morphologies {
                ids,
                heads,
                read_at,
            },
            spec,
        ))
    }
}

/// Grow `params` from `seed`, reading a network for each morphology at its step.
pub fn grow_networks(
    spec: &NcaSpec,
    params: &[f64],
    seed: &[f64],
    morph: &Morphologies,
) -> std::result::Result<Vec<(Vec<f64>, Actor)>, GrowError> {
    let nca = Nca::new(spec, params).expect("the vector's length is the NCA's");
    let mut grid = seed.to_vec();
    let mut done = 0;
    let mut out = Vec::with_capacity(morph.ids.len());
    for (k, &at) in morph.read_at.iter().enumerate() {
        nca.grow(&mut grid, at - done, done, |_, _| {})?;
        done = at;
        out.push((
            grid.clone(),
            nca::grown_actor(&grid, spec, morph.heads[k].clone()),
        ));
    }
    Ok(out)
}

/// Names the format, so another learner's checkpoint is refused clearly.
pub const FORMAT: &str = "synapt-safety HyperNCA checkpoint v1";

/// Everything a run needs to go on exactly where it stopped. Rewards are kept as text (`{:?}`, exact),
/// since they may be −∞.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub env_id: String,
    pub config: HyperNcaConfig,
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    pub state: CmaEs,
    /// The seed grid (C·L·S², C-order).
    pub seed_grid: Vec<f64>,
    pub best_x: Vec<f64>,
    pub best_reward: String,
    pub mean_solution: Vec<f64>,
    pub best_mean_reward: String,
    pub rewards_best: Vec<String>,
    pub rewards_mean: Vec<String>,
}

fn text(v: f64) -> String {
    format!("{v:?}")
}

fn parse(s: &str, path: &std::path::Path) -> Result<f64> {
    s.parse::<f64>().map_err(|_| Error::Config {
        path: path.to_path_buf(),
        reason: format!("`{s}` is not a number"),
    })
}

/// One generation's line of the log.
#[derive(Debug, Clone)]
pub struct GenerationLog {
    pub generation: usize,
    pub timesteps: u64,
    pub episodes: u64,
    /// The best reward of any candidate so far (the authors' `rewards_best`, negated back).
    pub reward_best_ever: f64,
    /// This generation's best candidate.
    pub reward_best: f64,
    /// The population's mean and std (the authors' `rewards_mean`).
    pub reward_mean: f64,
    pub reward_std: f64,
    /// Candidates whose grid grew empty or (under `explode: worst`) exploded.
    pub failed: usize,
    pub sigma: f64,
    pub wall_s: f64,
}

const CSV_HEADER: &str = "generation,timesteps,episodes,reward_best_ever,reward_best,reward_mean,\
reward_std,failed,sigma,wall_s";

impl LogRecord for GenerationLog {
    fn iteration(&self) -> usize {
        self.generation
    }

    fn csv_row(&self) -> String {
        format!(
            "{},{},{},{:?},{:?},{:?},{:?},{},{:?},{:.3}\n",
            self.generation,
            self.timesteps,
            self.episodes,
            self.reward_best_ever,
            self.reward_best,
            self.reward_mean,
            self.reward_std,
            self.failed,
            self.sigma,
            self.wall_s
        )
    }

    fn status(&self) -> String {
        format!(
            "{} steps · best ever {:.1} · mean {:.1} · σ {:.3}",
            self.timesteps, self.reward_best_ever, self.reward_mean, self.sigma
        )
    }
}

/// Where a HyperNCA run writes.
#[derive(Debug, Clone)]
pub struct Files {
    pub actor: PathBuf,
    pub checkpoint: PathBuf,
    pub log: PathBuf,
    pub curve: PathBuf,
    /// TensorBoard's log folder (`runs`): event files go to `<it>/<env>_<algo>_<seed>/`; `None` writes
    /// none (the default here; the command line's default is `runs`).
    pub tensorboard: Option<PathBuf>,
    /// The run in the authors' layout (`nca_config.yml`, the two solutions, the two reward curves).
    pub run_dir: PathBuf,
}

impl Files {
    /// `Policies/hypernca_actor<ENV>.pth` (with its `.arch.json`), `hypernca_checkpoint<ENV>.json`, the
    /// run folder `Policies/hypernca_<ENV>/`, `Graph/train_hypernca_<ENV>.csv` and `.png`.
    pub fn default_for(env_id: &str) -> Files {
        Files {
            actor: PathBuf::from(format!("Policies/hypernca_actor{env_id}.pth")),
            checkpoint: PathBuf::from(format!("Policies/hypernca_checkpoint{env_id}.json")),
            log: PathBuf::from(format!("Graph/train_hypernca_{env_id}.csv")),
            curve: PathBuf::from(format!("Graph/train_hypernca_{env_id}.png")),
            run_dir: PathBuf::from(format!("Policies/hypernca_{env_id}")),
            tensorboard: None,
        }
    }
}

/// A HyperNCA run.
pub struct HyperNca {
    pub env_id: String,
    options: EnvOptions,
    pub cfg: HyperNcaConfig,
    pub spec: NcaSpec,
    pub morph: Morphologies,
    es: CmaEs,
    seed_grid: Vec<f64>,
    best_x: Vec<f64>,
    best_reward: f64,
    mean_solution: Vec<f64>,
    best_mean_reward: f64,
    rewards_best: Vec<f64>,
    rewards_mean: Vec<f64>,
    /// Set when the early abort stops the run.
    pub aborted: Option<String>,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    files: Files,
}

impl HyperNca {
    /// A fresh run: x₀, the seed grid and CMA-ES from the run's seed.
    pub fn new(
        env_id: &str,
        options: EnvOptions,
        cfg: HyperNcaConfig,
        files: &Files,
    ) -> Result<HyperNca> {
        let (morph, spec) = Morphologies::of(env_id, options, &cfg)?;
        let mut rng = RandomState::from_int_seed(cfg.seed as u32);
        let n = spec.n_params();
        let x0: Vec<f64> = (0..n)
            .map(|_| match cfg.x0.as_str() {
                "U[0,1]" => rng.random_sample(),
                "N[0,1]" => rng.gauss(),
                _ => 2.0 * rng.random_sample() - 1.0,
            })
            .collect();
        let seed_type = SeedType::parse(&cfg.seed_type).map_err(Error::Invalid)?;
        let seed_grid = seed_type.generate(&spec, env_id, &mut rng);
        let es = CmaEs::new(
            x0.clone(),
            cfg.sigma0,
            CmaOptions {
                popsize: Some(cfg.popsize),
                seed: cfg.seed as u32,
                ..CmaOptions::default()
            },
        )?;
        Ok(HyperNca {
            env_id: env_id.to_string(),
            options,
            spec,
            morph,
            es,
            seed_grid,
            best_x: x0.clone(),
            best_reward: f64::NEG_INFINITY,
            mean_solution: x0,
            best_mean_reward: f64::NEG_INFINITY,
            rewards_best: Vec::new(),
            rewards_mean: Vec::new(),
            aborted: None,
            timesteps: 0,
            episodes: 0,
            wall_s: 0.0,
            files: files.clone(),
            cfg,
        })
    }

    /// Go on from a checkpoint; `generations` (if given) moves the end. Refuses another environment or
    /// a damaged file.
    pub fn resume(
        env_id: &str,
        options: EnvOptions,
        generations: Option<usize>,
        files: &Files,
    ) -> Result<HyperNca> {
        let path = &files.checkpoint;
        let c: Checkpoint = learner::load_checkpoint(path, FORMAT)?;
        if c.env_id != env_id {
            return Err(Error::Invalid(format!(
                "--resume: {} is a checkpoint of {}, not {env_id}",
                path.display(),
                c.env_id
            )));
        }
        c.config.validate(&path.display().to_string(), env_id)?;
        let mut run = HyperNca::new(env_id, options, c.config.clone(), files)?;
        let damaged = |reason: String| Error::Config {
            path: path.clone(),
            reason,
        };
        c.state.check().map_err(|e| damaged(e.to_string()))?;
        let n = run.spec.n_params();
        for (what, len, want) in [
            ("the search", c.state.dim(), n),
            ("best_x", c.best_x.len(), n),
            ("mean_solution", c.mean_solution.len(), n),
            ("seed_grid", c.seed_grid.len(), run.spec.grid_len()),
            ("rewards_mean", c.rewards_mean.len(), c.generation),
            ("rewards_best", c.rewards_best.len(), c.generation),
        ] {
            if len != want {
                return Err(damaged(format!("{what} has {len} values; expected {want}")));
            }
        }
        if c.state.popsize() != c.config.popsize || c.state.generation() != c.generation {
            return Err(damaged(
                "the CMA-ES state does not match the settings".into(),
            ));
        }
        run.es = c.state;
        run.seed_grid = c.seed_grid;
        run.best_x = c.best_x;
        run.best_reward = parse(&c.best_reward, path)?;
        run.mean_solution = c.mean_solution;
        run.best_mean_reward = parse(&c.best_mean_reward, path)?;
        run.rewards_best = c
            .rewards_best
            .iter()
            .map(|s| parse(s, path))
            .collect::<Result<_>>()?;
        run.rewards_mean = c
            .rewards_mean
            .iter()
            .map(|s| parse(s, path))
            .collect::<Result<_>>()?;
        run.timesteps = c.timesteps;
        run.episodes = c.episodes;
        run.wall_s = c.wall_s;
        if let Some(g) = generations {
            run.cfg.generations = g;
        }
        Ok(run)
    }

    /// The seed grid the run grows from.
    pub fn seed_grid(&self) -> &[f64] {
        &self.seed_grid
    }

    /// The NCA parameters the champion is grown from (the authors' `meansolution`).
    pub fn mean_solution(&self) -> &[f64] {
        &self.mean_solution
    }

    /// The run's settings in the authors' terms, for its folder.
    fn run_config(&self) -> RunConfig {
        let cfg = &self.cfg;
        let morph = !cfg.morphologies.is_empty();
        RunConfig {
            environments: self.morph.ids.clone(),
            channels: cfg.channels,
            layers: cfg.policy_layers,
            size: self.spec.size,
            hidden: cfg.hidden,
            bias: cfg.bias,
            reading_channel: cfg.reading_channel,
            living_channel: self.spec.living_channel,
            living_threshold: cfg.living_threshold,
            normalise: cfg.normalise,
            replace: cfg.replace,
            steps: cfg.nca_steps,
            metamorphosis_steps: morph.then_some(cfg.metamorphosis_steps),
            reward_type: morph.then(|| format!("{:?}", cfg.reward_type).to_lowercase()),
            seed_types: vec![cfg.seed_type.clone()],
            random_seed: false,
            co_evolve_seed: false,
            random_seed_env: true,
            random_seed_value: Some(cfg.seed as i64),
            popsize: Some(cfg.popsize),
            generations: Some(cfg.generations),
            seeds: vec![self.seed_grid.clone()],
            seeds_size: Vec::new(),
        }
    }

    /// Write the run folder (once a candidate has scored a finite reward: the authors' file name
    /// carries it), removing a best solution of an earlier save whose name carried a lower reward.
    fn save_run_folder(&self) -> Result<()> {
        if !self.best_reward.is_finite() {
            return Ok(());
        }
        let neg = |v: &[f64]| v.iter().map(|r| -r).collect::<Vec<f64>>();
        let files = authors::write_run(
            &self.files.run_dir,
            &self.run_config(),
            &self.mean_solution,
            &self.best_x,
            &neg(&self.rewards_best),
            &neg(&self.rewards_mean),
            self.best_reward,
        )?;
        let stale = std::fs::read_dir(&self.files.run_dir)
            .map_err(|e| Error::io(&self.files.run_dir, e))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p != &files.best
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with("_bestsolution.npy"))
            });
        for p in stale {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
        Ok(())
    }

    /// The champion: the first morphology's network grown from `meansolution`; `None` if that growth
    /// explodes.
    pub fn champion(&self) -> Option<Actor> {
        grow_networks(
            &self.spec,
            &self.mean_solution,
            &self.seed_grid,
            &self.morph,
        )
        .ok()
        .map(|mut v| v.remove(0).1)
    }

    /// Grow and run one candidate on every morphology.
    fn evaluate(
        &self,
        params: &[f64],
        generation: usize,
        candidate: usize,
        envs: &mut [Box<dyn Env>],
    ) -> Result<Eval> {
        let nets = match grow_networks(&self.spec, params, &self.seed_grid, &self.morph) {
            Ok(n) => n,
            Err(e) => {
                return match self.cfg.explode {
                    Explode::Worst => Ok(Eval {
                        reward: f64::NEG_INFINITY,
                        steps: 0,
                        episodes: 0,
                    }),
                    Explode::Error => Err(Error::Invalid(format!(
                        "HyperNCA on {}: generation {}, candidate {candidate}: {e}; \
                         `explode: worst` in the hypernca settings scores such candidates as the \
                         worst instead",
                        self.env_id,
                        generation + 1
                    ))),
                };
            }
        };
        let mut rewards = Vec::with_capacity(nets.len());
        let (mut steps, mut episodes) = (0u64, 0u64);
        for (k, ((grid, actor), env)) in nets.iter().zip(envs.iter_mut()).enumerate() {
            if nca::is_empty(grid) {
                return Ok(Eval {
                    reward: f64::NEG_INFINITY,
                    steps,
                    episodes,
                });
            }
            let max_steps = env.max_episode_steps().unwrap_or(usize::MAX);
            let mut sum = 0.0;
            for e in 0..self.cfg.episodes {
                let seed = episode_seed(
                    self.cfg.seed,
                    generation,
                    candidate,
                    k * self.cfg.episodes + e,
                );
                let (r, n) = match self.cfg.fitness {
                    Fitness::Authors => authors_episode(env.as_mut(), actor, seed),
                    Fitness::Plain => {
                        let ep = rollout::run_episode(env.as_mut(), actor, seed, max_steps);
                        (ep.ret, ep.length)
                    }
                };
                sum += r;
                steps += n as u64;
                episodes += 1;
            }
            rewards.push(sum / self.cfg.episodes as f64);
        }
        Ok(Eval {
            reward: combine(&rewards, self.cfg.reward_type),
            steps,
            episodes,
        })
    }
}

impl Learner for HyperNca {
    type Log = GenerationLog;

    fn iteration(&self) -> usize {
        self.es.generation()
    }

    fn total(&self) -> usize {
        if self.aborted.is_some() {
            self.es.generation()
        } else {
            self.cfg.generations
        }
    }

    fn save_freq(&self) -> usize {
        self.cfg.save_freq
    }

    fn log_header(&self) -> &'static str {
        CSV_HEADER
    }

    fn curve_columns(&self) -> [usize; 3] {
        // timesteps, reward_mean, reward_std
        [1, 5, 6]
    }

    fn curve_title(&self) -> String {
        format!(
            "{} · HyperNCA · seed {} · mean reward of the population in each generation, ± std",
            self.env_id, self.cfg.seed
        )
    }

    fn step(&mut self) -> Result<GenerationLog> {
        let start = Instant::now();
        let generation = self.es.generation();
        let candidates = self.es.ask();
        // Every id was built once when the run was (Morphologies::of), so a worker's can be too.
        let (ids, options) = (&self.morph.ids, self.options);
        let this = &*self;
        // Collected whole, then checked in order: an error names the first failing candidate, whatever
        // the schedule.
        let items: Vec<(usize, &Vec<f64>)> = candidates.iter().enumerate().collect();
        let evals: Vec<Eval> = crate::dist::map(
            &items,
            crate::dist::Local::Parallel,
            || {
                ids.iter()
                    .map(|id| env::make_with(id, options).expect("built once already"))
                    .collect::<Vec<_>>()
            },
            |envs, &(i, x)| this.evaluate(x, generation, i, envs),
        )?;
        let rewards: Vec<f64> = evals.iter().map(|e| e.reward).collect();
        let fitness: Vec<f64> = rewards.iter().map(|r| -r).collect();
        self.es.tell(&candidates, &fitness)?;
        // The best candidate ever (pycma's es.best) and the mean at the best population mean.
        let (gen_best, best_i) =
            rewards
                .iter()
                .enumerate()
                .fold(
                    (f64::NEG_INFINITY, 0),
                    |(b, bi), (i, &r)| {
                        if r > b {
                            (r, i)
                        } else {
                            (b, bi)
                        }
                    },
                );
        if gen_best > self.best_reward || self.rewards_best.is_empty() {
            self.best_reward = gen_best;
            self.best_x = candidates[best_i].clone();
        }
        let mean = rewards.iter().sum::<f64>() / rewards.len() as f64;
        let std = if mean.is_finite() {
            (rewards.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / rewards.len() as f64)
                .sqrt()
        } else {
            f64::NAN
        };
        if mean >= self.best_mean_reward || self.rewards_mean.is_empty() {
            self.best_mean_reward = mean;
            self.mean_solution = self.es.mean().to_vec();
        }
        self.rewards_best.push(self.best_reward);
        self.rewards_mean.push(mean);
        self.timesteps += evals.iter().map(|e| e.steps).sum::<u64>();
        self.episodes += evals.iter().map(|e| e.episodes).sum::<u64>();
        self.wall_s += start.elapsed().as_secs_f64();
        let g = self.es.generation();
        if self.cfg.early_abort && g == 1000 {
            let floor = if self.env_id.contains("Lander") {
                Some(0.0)
            } else if self.env_id.contains("Ant") {
                Some(500.0)
            } else {
                None
            };
            if let Some(floor) = floor.filter(|f| self.best_reward < *f) {
                self.aborted = Some(format!(
                    "stopped at generation 1000: the best reward {:.1} is below {floor} (the \
                     authors' early abort; `early_abort: false` runs on)",
                    self.best_reward
                ));
            }
        }
        Ok(GenerationLog {
            generation: g,
            timesteps: self.timesteps,
            episodes: self.episodes,
            reward_best_ever: self.best_reward,
            reward_best: gen_best,
            reward_mean: mean,
            reward_std: std,
            failed: rewards.iter().filter(|r| **r == f64::NEG_INFINITY).count(),
            sigma: self.es.sigma(),
            wall_s: self.wall_s,
        })
    }

    /// The champion actor (with its architecture file) and the checkpoint.
    fn save(&self) -> Result<()> {
        if let Some(actor) = self.champion() {
            actor.save(&self.files.actor)?;
        }
        self.save_run_folder()?;
        learner::save_checkpoint(
            &self.files.checkpoint,
            &Checkpoint {
                format: FORMAT.into(),
                env_id: self.env_id.clone(),
                config: self.cfg.clone(),
                generation: self.es.generation(),
                timesteps: self.timesteps,
                episodes: self.episodes,
                wall_s: self.wall_s,
                state: self.es.clone(),
                seed_grid: self.seed_grid.clone(),
                best_x: self.best_x.clone(),
                best_reward: text(self.best_reward),
                mean_solution: self.mean_solution.clone(),
                best_mean_reward: text(self.best_mean_reward),
                rewards_best: self.rewards_best.iter().map(|v| text(*v)).collect(),
                rewards_mean: self.rewards_mean.iter().map(|v| text(*v)).collect(),
            },
        )
    }
}

/// Run HyperNCA to its `generations` (from scratch with `cfg`, or from the checkpoint with `resume`,
/// where `generations` moves the end), through the shared run loop.
pub fn run(
    env_id: &str,
    options: EnvOptions,
    cfg: HyperNcaConfig,
    files: &Files,
    resume: Option<Option<usize>>,
    stop: &AtomicBool,
) -> Result<TrainReport> {
    // Settings are checked (building the run) before anything is created.
    let mut run = match resume {
        Some(generations) => HyperNca::resume(env_id, options, generations, files)?,
        None => HyperNca::new(env_id, options, cfg, files)?,
    };
    for (p, what) in [
        (&files.actor, "actor"),
        (&files.checkpoint, "checkpoint"),
        (&files.log, "training log"),
        (&files.curve, "learning curve"),
        (&files.run_dir.join("nca_config.yml"), "run folder"),
    ] {
        learner::check_writable(p, what)?;
    }
    let loop_files = LoopFiles {
        log: files.log.clone(),
        curve: files.curve.clone(),
        events: learner::events_dir(
            files.tensorboard.as_deref(),
            env_id,
            "hypernca",
            run.cfg.seed,
        ),
    };
    let (start_steps, start_wall) = (run.timesteps, run.wall_s);
    let out = learner::run_loop(&mut run, &loop_files, resume.is_some(), true, stop)?;
    let champion = run.champion();
    let mut notes: Vec<String> = run.aborted.iter().cloned().collect();
    if champion.is_none() {
        notes.push(
            "the mean solution's NCA explodes, so no actor was written; the checkpoint holds the run"
                .into(),
        );
    }
    Ok(TrainReport {
        env_id: env_id.to_string(),
        learner: ("algo", "hypernca".into()),
        resumed_from: out.resumed_from,
        iteration: run.es.generation(),
        total: run.cfg.generations,
        timesteps: run.timesteps,
        episodes: run.episodes,
        wall_s: run.wall_s,
        steps_per_s: (run.timesteps - start_steps) as f64 / (run.wall_s - start_wall).max(1e-9),
        last: vec![
            ("best reward ever", format!("{:.2}", run.best_reward)),
            (
                "best population mean",
                format!("{:.2}", run.best_mean_reward),
            ),
            ("sigma", format!("{:.4}", run.es.sigma())),
            (
                "NCA / policy parameters",
                format!("{} / {}", run.spec.n_params(), run.spec.policy_weights()),
            ),
        ],
        interrupted: out.interrupted,
        files: vec![
            files.actor.clone(),
            crate::policy::arch::sidecar(&files.actor),
            files.checkpoint.clone(),
            files.run_dir.clone(),
            files.log.clone(),
            files.curve.clone(),
        ],
        checkpoint: files.checkpoint.clone(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Space;

    #[test]
    fn bad_settings_name_their_key() {
        for (cfg, key) in [
            (
                HyperNcaConfig {
                    popsize: 1,
                    ..HyperNcaConfig::default()
                },
                "popsize",
            ),
            (
                HyperNcaConfig {
                    x0: "U[-2,2]".into(),
                    ..HyperNcaConfig::default()
                },
                "x0",
            ),
            (
                HyperNcaConfig {
                    seed_type: "activations".into(),
                    ..HyperNcaConfig::default()
                },
                "seed_type",
            ),
            (
                HyperNcaConfig {
                    reading_channel: 2,
                    ..HyperNcaConfig::default()
                },
                "reading_channel",
            ),
            (
                HyperNcaConfig {
                    nca_steps: 0,
                    ..HyperNcaConfig::default()
                },
                "nca_steps",
            ),
        ] {
            let e = cfg
                .validate("h.yml", "LunarLander-v2")
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("hypernca → {key}")), "{e}");
        }
    }

    /// NaN scores the worst fitness (CMA-ES cannot rank NaN), whichever way the rewards combine.
    #[test]
    fn a_nan_reward_scores_the_worst() {
        for t in [RewardType::Min, RewardType::Sum, RewardType::Mean] {
            assert_eq!(combine(&[12.0, f64::NAN], t), f64::NEG_INFINITY, "{t:?}");
            assert_eq!(combine(&[f64::NAN], t), f64::NEG_INFINITY, "{t:?}");
        }
        assert_eq!(combine(&[3.0, -1.0], RewardType::Min), -1.0);
        assert_eq!(combine(&[3.0, -1.0], RewardType::Sum), 2.0);
        assert_eq!(combine(&[3.0, -1.0], RewardType::Mean), 1.0);
    }

    /// All-zero parameters grow 0/0 = NaN weights (the update's maximum is 0). On the continuous lander
    /// NaN throttles fire no engine, as NumPy's comparisons make them in Gymnasium, so the episode
    /// still scores a finite reward: the run goes on.
    #[test]
    fn a_nan_network_still_scores() {
        let cfg = HyperNcaConfig {
            popsize: 4,
            policy_layers: 3,
            nca_steps: 3,
            ..HyperNcaConfig::default()
        };
        let files = Files::default_for("LunarLanderContinuous-v2");
        let run = HyperNca::new(
            "LunarLanderContinuous-v2",
            EnvOptions::default(),
            cfg,
            &files,
        )
        .unwrap();
        let zeros = vec![0.0; run.spec.n_params()];
        let nets = grow_networks(&run.spec, &zeros, &run.seed_grid, &run.morph).unwrap();
        let first = &nets[0].1.layers[0].weight;
        assert!(first.iter().all(|v| v.is_nan()), "the grid grows NaN");
        let mut envs = vec![env::make("LunarLanderContinuous-v2").unwrap()];
        let e = run.evaluate(&zeros, 0, 0, &mut envs).unwrap();
        assert!(e.reward.is_finite() && e.steps > 100, "{e:?}");
    }

    #[test]
    fn episode_seeds_differ_and_repeat() {
        let a = episode_seed(0, 3, 5, 0);
        assert_eq!(a, episode_seed(0, 3, 5, 0));
        assert_ne!(a, episode_seed(0, 3, 6, 0));
        assert_ne!(a, episode_seed(0, 4, 5, 0));
        assert_ne!(a, episode_seed(1, 3, 5, 0));
    }

    #[test]
    fn the_authors_action_mapping() {
        let unit = Space::Box {
            low: vec![-1.0; 2],
            high: vec![1.0; 2],
        };
        let wide = Space::Box {
            low: vec![-2.0],
            high: vec![2.0],
        };
        assert_eq!(
            authors_head("LunarLander-v2", &Space::Discrete { n: 4 }),
            Head::Argmax
        );
        assert_eq!(authors_head("LunarLanderContinuous-v2", &unit), Head::Tanh);
        assert!(matches!(
            authors_head("Pendulum-v1", &wide),
            Head::Clip { .. }
        ));
    }
}
