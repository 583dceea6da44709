//! `hyperparameters.yml`: one section per environment id, with PruVer's keys. Unknown keys are errors
//! that list the valid ones; a file PruVer's Python reads is read here too (quoted keys, `!!float`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    /// Falsification search bounds overriding the environment's defaults: `name: [low, high]` (see
    /// `--list-envs` for the names; `env::perturb::with_bounds` checks them).
    pub perturbations: Option<BTreeMap<String, [f64; 2]>>,
    /// NumPy's float promotion rules the environment reproduces: 2 (the default, current Gymnasium) or
    /// 1 (what gym 0.18 and PruVer's predecessor ran on).
    pub numpy: Option<u8>,
    /// `--refine --refine-method pruver`: a prefix of a failure from which the dense actor still reaches
    /// this return is recoverable (PruVer: 200 on LunarLander). Without it, the specification decides.
    pub refine_recovery_return: Option<f64>,
    /// `--refine --refine-method pruver`: a failure is fixed when the refined actor's episode reaches this
    /// return (PruVer: 100 on LunarLander). Without it, the specification decides (robustness ≥ 0).
    pub refine_fixed_return: Option<f64>,

    // `--train` keys beyond PruVer's (src/train/config.rs documents each and its default). PruVer's
    // Python `exec`s every key as `self.<key> = <value>`, so numbers, booleans, lists and the
    // `default:` mapping stay readable there; `ppo: pruver` (a bare word) does not.
    /// PPO preset, `pruver` or `default` (`--ppo` overrides it).
    pub ppo: Option<Preset>,
    /// Hidden widths of the actor and the critic, e.g. `[128, 128]`.
    pub hidden_sizes: Option<Vec<usize>>,
    /// Save actor, critic and checkpoint every this many iterations.
    pub save_freq: Option<usize>,
    pub n_envs: Option<usize>,
    pub minibatch_size: Option<usize>,
    pub max_grad_norm: Option<f64>,
    pub ent_coef: Option<f64>,
    pub vf_coef: Option<f64>,
    pub log_std_init: Option<f64>,
    /// A fixed log-std, annealed linearly from `log_std_init` to this over the run (Gestures' PPO).
    pub log_std_final: Option<f64>,
    pub normalize_obs: Option<bool>,
    pub normalize_reward: Option<bool>,
    pub clip_actions: Option<bool>,
    pub normalize_advantage: Option<bool>,
    pub anneal_lr: Option<bool>,
    pub ortho_init: Option<bool>,
    /// The hidden layers' activation of actor and critic (`relu`, `tanh`, ...).
    pub activation: Option<String>,
    /// Generalised state-dependent exploration (gSDE) in place of the state-independent log-std.
    pub use_sde: Option<bool>,
    /// gSDE: draw new exploration matrices every this many steps; -1 only at the start of a rollout.
    pub sde_sample_freq: Option<i64>,
    /// `--algo es`: the evolution strategy's settings (`train/es.rs` reads and checks them).
    pub es: Option<serde_yaml::Value>,
    /// `--algo mk1`, `mk2`, `mk2.5`, `simple-cma`: the Synaptolysis learners' settings, with a mapping
    /// per method over the shared keys (`train/synaptolysis/config.rs` reads and checks them).
    pub synaptolysis: Option<serde_yaml::Value>,
    /// `--algo cosyne`: CoSyNE's settings (`train/cosyne.rs` reads and checks them).
    pub cosyne: Option<serde_yaml::Value>,
    /// `--algo cma`: CMA-ES's settings (`train/cma.rs` reads and checks them).
    pub cma: Option<serde_yaml::Value>,
    /// `--algo hypernca`: HyperNCA's settings (`train/hypernca.rs` reads and checks them).
    pub hypernca: Option<serde_yaml::Value>,
    /// Training keys that apply to `--ppo default` only, over the section's own: PruVer's values stay
    /// PruVer's, and the modern preset gets its own.
    pub default: Option<Box<EnvSection>>,
}

/// Which PPO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Pruver,
    Default,
}

impl crate::Choice for Preset {
    const ALL: &'static [Preset] = &[Preset::Pruver, Preset::Default];

    fn name(self) -> &'static str {
        match self {
            Preset::Pruver => "pruver",
            Preset::Default => "default",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Preset::Pruver => {
                "PruVer's trainer exactly: fixed Gaussian variance 0.5, normalised rewards-to-go − V, \
                 full-batch epochs, separate Adams, one environment"
            }
            Preset::Default => {
                "Today's careful PPO: GAE(λ), minibatches, advantage normalisation, gradient \
                 clipping, learned log-std, optional observation normalisation, parallel environments"
            }
        }
    }
}

/// The whole file, sections keyed by environment id (PruVer also keys `-sub` variants this way).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hyperparameters {
    pub path: PathBuf,
    pub sections: BTreeMap<String, EnvSection>,
}

impl Hyperparameters {
    pub fn load(path: &Path) -> Result<Hyperparameters> {
        let text = crate::yaml::read(path, "a hyperparameters file")?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Hyperparameters> {
        let bad = |reason: String| Error::Config {
            path: path.to_path_buf(),
            reason,
        };
        crate::yaml::check(text).map_err(bad)?;
        let sections: BTreeMap<String, EnvSection> =
            serde_yaml::from_str(text).map_err(|e| bad(e.to_string()))?;
        Ok(Hyperparameters {
            path: path.to_path_buf(),
            sections,
        })
    }

    /// The section for `env_id`, if the file has one.
    pub fn section(&self, env_id: &str) -> Option<&EnvSection> {
        self.sections
            .get(env_id)
            .or_else(|| self.sections.get(crate::env::base_id(env_id)))
    }

    /// The environment options (NumPy promotion) of `env_id`'s section.
    pub fn env_options(&self, env_id: &str) -> Result<crate::env::EnvOptions> {
        use crate::env::Promotion;
        let promotion = match self.section(env_id).and_then(|s| s.numpy) {
            None | Some(2) => Promotion::Numpy2,
            Some(1) => Promotion::Numpy1,
            Some(n) => {
                return Err(Error::Config {
                    path: self.path.clone(),
                    reason: format!("{env_id}.numpy: {n} is not a NumPy major version (1 or 2)"),
                })
            }
        };
        Ok(crate::env::EnvOptions {
            promotion,
            targets: None,
        })
    }

    /// `--refine`'s return thresholds for `env_id`: the section's, else the built-in defaults
    /// (PruVer's on LunarLander, none elsewhere).
    pub fn refine_thresholds(&self, env_id: &str) -> crate::refine::Thresholds {
        let d = crate::refine::Thresholds::defaults(env_id);
        let s = self.section(env_id);
        crate::refine::Thresholds {
            recovery_return: s
                .and_then(|s| s.refine_recovery_return)
                .or(d.recovery_return),
            fixed_return: s.and_then(|s| s.refine_fixed_return).or(d.fixed_return),
        }
    }

    /// `env_id`'s perturbation parameters with the section's bounds applied; unknown names and bad
    /// intervals are errors naming the file.
    pub fn perturbations(&self, env_id: &str) -> Result<Vec<crate::env::Param>> {
        let env = crate::env::make(env_id)?;
        match self.section(env_id).and_then(|s| s.perturbations.as_ref()) {
            Some(o) => crate::env::perturb::with_bounds(env_id, env.perturbations(), o, &self.path),
            None => Ok(env.perturbations()),
        }
    }
}

/// The environment's perturbation parameters, with the bounds the hyperparameters file sets (the
/// environment's own without a file).
pub fn perturbations(h: Option<&Hyperparameters>, env_id: &str) -> Result<Vec<crate::env::Param>> {
    match h {
        Some(h) => h.perturbations(env_id),
        None => Ok(crate::env::make(env_id)?.perturbations()),
    }
}

/// `--refine-method pruver`'s return thresholds for `env_id`: the file's, else PruVer's defaults.
pub fn refine_thresholds(h: Option<&Hyperparameters>, env_id: &str) -> crate::refine::Thresholds {
    match h {
        Some(h) => h.refine_thresholds(env_id),
        None => crate::refine::Thresholds::defaults(env_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refine_thresholds_come_from_the_section_else_pruvers_lunarlander_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("hyperparameters.yml");
        let shipped = Hyperparameters::load(&path).unwrap();
        let lunar = shipped.refine_thresholds("LunarLanderContinuous-v2");
        assert_eq!(
            (lunar.recovery_return, lunar.fixed_return),
            (Some(200.0), Some(100.0))
        );
        let none = shipped.refine_thresholds("CartPole-v0");
        assert_eq!((none.recovery_return, none.fixed_return), (None, None));
        let own = Hyperparameters::parse(
            "CartPole-v0:\n  refine_fixed_return: 195\nLunarLander-v3:\n  gamma: 0.99\n",
            Path::new("h.yml"),
        )
        .unwrap();
        let c = own.refine_thresholds("CartPole-v0");
        assert_eq!((c.recovery_return, c.fixed_return), (None, Some(195.0)));
        // An entry without the keys still gets PruVer's LunarLander values.
        let l = own.refine_thresholds("LunarLander-v3");
        assert_eq!(
            (l.recovery_return, l.fixed_return),
            (Some(200.0), Some(100.0))
        );
    }

    #[test]
    fn a_variant_takes_its_own_entry_else_its_ids() {
        let h = Hyperparameters::parse(
            "Pendulum-v1:\n  numpy: 1\n  gamma: 0.9\nPendulum-v1:g=9:\n  gamma: 0.5\n",
            Path::new("h.yml"),
        )
        .unwrap();
        assert_eq!(h.section("Pendulum-v1:g=9").unwrap().gamma, Some(0.5));
        assert_eq!(h.section("Pendulum-v1:g=8").unwrap().gamma, Some(0.9));
        assert_eq!(
            h.env_options("Pendulum-v1:g=8").unwrap().promotion,
            crate::env::Promotion::Numpy1
        );
        assert!(h.section("CartPole-v1:max_episode_steps=9").is_none());
    }

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
    fn perturbation_bounds_and_numpy_from_yaml() {
        use crate::env::Promotion;
        let text = "Pendulum-v0:\n  numpy: 1\n  perturbations:\n    theta_dot: [-2.0, 2.0]\n";
        let h = Hyperparameters::parse(text, Path::new("h.yml")).unwrap();
        assert_eq!(
            h.env_options("Pendulum-v0").unwrap().promotion,
            Promotion::Numpy1
        );
        assert_eq!(
            h.env_options("CartPole-v0").unwrap().promotion,
            Promotion::Numpy2
        );
        let p = h.perturbations("Pendulum-v0").unwrap();
        let t = p.iter().find(|p| p.name == "theta_dot").unwrap();
        assert_eq!((t.low, t.high), (-2.0, 2.0));
        let bad = "Pendulum-v0:\n  numpy: 3\n  perturbations:\n    omega: [0, 1]\n";
        let h = Hyperparameters::parse(bad, Path::new("h.yml")).unwrap();
        let e = h.env_options("Pendulum-v0").unwrap_err().to_string();
        assert!(e.contains("h.yml") && e.contains("numpy"), "{e}");
        let e = h.perturbations("Pendulum-v0").unwrap_err().to_string();
        assert!(
            e.contains("h.yml") && e.contains("`omega`") && e.contains("cos_theta"),
            "{e}"
        );
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
