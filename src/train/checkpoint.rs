//! The training checkpoint: everything a run needs beyond the actor's weights to go on exactly where
//! it stopped (critic, log-std, Adam's moments, normaliser statistics, RNG streams, the environments
//! mid-episode). JSON, floats at full precision, written atomically; never part of the actor `.pth`.

use std::collections::VecDeque;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::config::TrainConfig;
use super::learner;
use super::normalize::{RewardScaler, RunningMeanStd};
use super::ppo::{self, Trainer, WorkerState};
use crate::env::rng::NpRng;
use crate::env::{EnvOptions, RngState};
use crate::error::{Error, Result};

/// Names the format, so an unrelated JSON file is refused clearly.
pub const FORMAT: &str = "synapt-safety PPO checkpoint v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub env_id: String,
    pub config: TrainConfig,
    /// Layer sizes, input first.
    pub actor_sizes: Vec<usize>,
    pub critic_sizes: Vec<usize>,
    pub iteration: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// Actor, critic and log-std in the learner's flat layout (float32 values, widened exactly).
    pub params: Vec<f64>,
    pub adam_m: Vec<f64>,
    pub adam_v: Vec<f64>,
    pub adam_steps: u64,
    pub normalizer: Option<RunningMeanStd>,
    /// The reward scaler's statistics and each environment's discounted return
    /// (`normalize_reward`).
    #[serde(default)]
    pub reward_scaler: Option<RewardScaler>,
    pub shuffle_rng: RngState,
    pub workers: Vec<WorkerState>,
    /// Returns of the most recent episodes (the progress bar's window).
    pub recent_returns: Vec<f64>,
}

impl Checkpoint {
    pub fn of(t: &Trainer) -> Checkpoint {
        let (adam_m, adam_v) = t.adam.state();
        Checkpoint {
            format: FORMAT.into(),
            env_id: t.env_id.clone(),
            config: t.cfg.clone(),
            actor_sizes: t.params.actor.sizes(),
            critic_sizes: t.params.critic.sizes(),
            iteration: t.iteration,
            timesteps: t.timesteps,
            episodes: t.episodes,
            wall_s: t.wall_s,
            params: t.params.values(),
            adam_m,
            adam_v,
            adam_steps: t.adam.steps,
            normalizer: t.norm.clone(),
            reward_scaler: t.reward_scaler.clone(),
            shuffle_rng: t.shuffle_rng.to_state(),
            workers: ppo::worker_states(&t.workers),
            recent_returns: t.recent.iter().copied().collect(),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        learner::save_checkpoint(path, self)
    }

    pub fn load(path: &Path) -> Result<Checkpoint> {
        learner::load_checkpoint(path, FORMAT)
    }

    /// Rebuild the learner. The shapes and lengths are checked, so a damaged file fails here rather
    /// than mid-run.
    pub fn restore(
        &self,
        options: EnvOptions,
        device: tch::Device,
        path: &Path,
    ) -> Result<Trainer> {
        let bad = |reason: String| Error::Config {
            path: path.to_path_buf(),
            reason,
        };
        // The stored settings are checked as the YAML's are: a damaged file must not reach the
        // trainer (a minibatch of 0 would loop forever).
        self.config.validate(&path.display().to_string())?;
        let mut t = Trainer::new(&self.env_id, options, self.config.clone(), device)?;
        if t.params.actor.sizes() != self.actor_sizes
            || t.params.critic.sizes() != self.critic_sizes
        {
            return Err(bad(format!(
                "the checkpoint's networks ({:?}, {:?}) do not fit {} with its hidden sizes ({:?}, {:?})",
                self.actor_sizes,
                self.critic_sizes,
                self.env_id,
                t.params.actor.sizes(),
                t.params.critic.sizes()
            )));
        }
        let n = t.params.len;
        if self.params.len() != n || self.adam_m.len() != n || self.adam_v.len() != n {
            return Err(bad(format!(
                "{} parameters and Adam moments of {} and {}, expected {n}",
                self.params.len(),
                self.adam_m.len(),
                self.adam_v.len()
            )));
        }
        if let Some((i, v)) = self.params.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(bad(format!("parameter {i} is {v}")));
        }
        if self.workers.len() != t.workers.len() {
            return Err(bad(format!(
                "{} environment states, expected {}",
                self.workers.len(),
                t.workers.len()
            )));
        }
        t.params.set_values(&self.params);
        t.adam
            .set_state(&self.adam_m, &self.adam_v, self.adam_steps);
        // A fresh learner has a normaliser and a reward scaler exactly when the configuration asks
        // for them, of the sizes it gives: the saved ones must be the same.
        let fits = |what: &str, saved: Option<usize>, fresh: Option<usize>| {
            if saved == fresh {
                Ok(())
            } else {
                Err(bad(format!(
                    "the {what} ({saved:?}) do not fit the configuration ({fresh:?})"
                )))
            }
        };
        let dim = |n: &Option<RunningMeanStd>| n.as_ref().map(|n| n.mean.len());
        fits(
            "normaliser statistics' components",
            dim(&self.normalizer),
            dim(&t.norm),
        )?;
        t.norm = self.normalizer.clone();
        let envs = |r: &Option<RewardScaler>| r.as_ref().map(|r| r.returns.len());
        fits(
            "reward scaler's environments",
            envs(&self.reward_scaler),
            envs(&t.reward_scaler),
        )?;
        t.reward_scaler = self.reward_scaler.clone();
        t.shuffle_rng = NpRng::from_state(&self.shuffle_rng).map_err(|e| bad(e.to_string()))?;
        t.workers = ppo::restore_workers(&self.env_id, options, &self.config, &self.workers)?;
        t.iteration = self.iteration;
        t.timesteps = self.timesteps;
        t.episodes = self.episodes;
        t.wall_s = self.wall_s;
        t.recent = self.recent_returns.iter().copied().collect::<VecDeque<_>>();
        Ok(t)
    }
}
