//! `hyperparameters.yml`: one section per environment id, with PruVer's keys. Unknown keys are errors
//! that list the valid ones; a file PruVer's Python reads is read here too (quoted keys, `!!float`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// One environment's section, PruVer's keys. Every key is optional; stages document their defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSection {
    pub timesteps_per_batch: Option<usize>,
    pub max_timesteps_per_episode: Option<usize>,
    pub gamma: Option<f64>,
    /// GAE λ. PruVer's file carries it for MuJoCo entries, but PruVer's trainer never reads it.
    pub lam: Option<f64>,
    pub n_updates_per_iteration: Option<usize>,
    pub lr: Option<f64>,
    pub clip: Option<f64>,
    pub seed: Option<u64>,
    /// Number of PPO iterations.
    pub training_step: Option<usize>,
    pub discrete: Option<bool>,
}

/// The whole file, sections keyed by environment id (PruVer also keys `-sub` variants this way).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hyperparameters {
    pub path: PathBuf,
    pub sections: BTreeMap<String, EnvSection>,
}

impl Hyperparameters {
    pub fn load(path: &Path) -> Result<Hyperparameters> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Hyperparameters> {
        let sections: BTreeMap<String, EnvSection> =
            serde_yaml::from_str(text).map_err(|e| Error::Config {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        Ok(Hyperparameters {
            path: path.to_path_buf(),
            sections,
        })
    }

    /// The section for `env_id`, if the file has one.
    pub fn section(&self, env_id: &str) -> Option<&EnvSection> {
        self.sections.get(env_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_carries_pruvers_entries() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("hyperparameters.yml");
        let h = Hyperparameters::load(&path).unwrap();
        let lunar = h.section("LunarLanderContinuous-v2").unwrap();
        assert_eq!(lunar.timesteps_per_batch, Some(2048));
        assert_eq!(lunar.max_timesteps_per_episode, Some(300));
        assert_eq!(lunar.lr, Some(3e-4));
        assert_eq!(lunar.training_step, Some(448));
        assert_eq!(lunar.seed, Some(741));
        let cartpole = h.section("CartPole-v0").unwrap();
        assert_eq!(cartpole.discrete, Some(true));
        assert_eq!(cartpole.clip, Some(0.1));
        assert_eq!(cartpole.lr, Some(1e-4));
        assert_eq!(
            h.section("BipedalWalker-v3").unwrap().training_step,
            Some(1600)
        );
        assert_eq!(h.section("Pendulum-v1").unwrap().seed, Some(741));
    }

    #[test]
    fn pruver_syntax_quoted_keys_and_float_tags() {
        let text = "CartPole-v0:\n    'lr': !!float 1e-4\n    'clip': 0.1\n";
        let h = Hyperparameters::parse(text, Path::new("h.yml")).unwrap();
        assert_eq!(h.section("CartPole-v0").unwrap().lr, Some(1e-4));
    }

    #[test]
    fn unknown_keys_are_errors_that_list_the_valid_keys() {
        let text = "CartPole-v0:\n  learning_rate: 0.1\n";
        let err = Hyperparameters::parse(text, Path::new("h.yml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("h.yml"), "{err}");
        assert!(err.contains("learning_rate"), "{err}");
        assert!(err.contains("timesteps_per_batch"), "{err}");
    }

    #[test]
    fn wrong_types_are_errors() {
        let text = "CartPole-v0:\n  timesteps_per_batch: many\n";
        let err = Hyperparameters::parse(text, Path::new("h.yml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("timesteps_per_batch"), "{err}");
    }
}
