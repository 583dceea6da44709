//! The hyperparameters of a training run: an environment's section of `hyperparameters.yml` (PruVer's
//! keys and this crate's), resolved against each preset's documented defaults and checked.

use std::fmt::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::config::Preset;
use crate::config::{EnvSection, Hyperparameters};
use crate::error::{Error, Result};
use crate::limits;
use crate::Choice;

/// Every hyperparameter of a run, resolved. Serialised into checkpoints, so a resumed run goes on with
/// the values it started with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub preset: Preset,
    /// Environment steps per iteration (all environments together). PruVer finishes the last
    /// episode, so its batches are at least this long.
    pub timesteps_per_batch: usize,
    /// Episodes are cut (truncated) after this many steps, on top of the environment's own limit.
    /// `None`: the environment's limit only.
    pub max_timesteps_per_episode: Option<usize>,
    pub gamma: f64,
    /// GAE λ (`default` only; PruVer carries `lam` but never reads it).
    pub lam: f64,
    /// Epochs over each batch.
    pub n_updates_per_iteration: usize,
    pub lr: f64,
    /// PPO's ratio clip ε.
    pub clip: f64,
    pub seed: u64,
    /// Number of iterations.
    pub training_step: usize,
    /// Hidden widths of the actor and the critic.
    pub hidden_sizes: Vec<usize>,
    /// Save actor, critic and checkpoint every this many iterations (and at the end).
    pub save_freq: usize,
    /// Environments stepped in parallel (`default` only).
    pub n_envs: usize,
    /// Minibatch size (`default` only; PruVer updates on the full batch).
    pub minibatch_size: usize,
    /// Global gradient-norm clip (`default` only).
    pub max_grad_norm: f64,
    /// Entropy bonus coefficient (`default` only).
    pub ent_coef: f64,
    /// Value-loss coefficient (`default` only).
    pub vf_coef: f64,
    /// Initial log-std of the Gaussian (`default` only; PruVer's variance is fixed at 0.5).
    pub log_std_init: f64,
    /// When set, the log-std is not learned: iteration i of `training_step` sets it on the line
    /// from `log_std_init` (the first) to this (the last), as Gestures' PPO anneals a fixed σ
    /// (`default` only, continuous actions, not with gSDE).
    #[serde(default)]
    pub log_std_final: Option<f64>,
    pub normalize_obs: bool,
    /// Scale rewards by the running standard deviation of the discounted return (SB3's
    /// `VecNormalize(norm_reward=True)`; `default` only).
    #[serde(default)]
    pub normalize_reward: bool,
    /// Clip sampled continuous actions to the action space before the environment sees them (SB3,
    /// CleanRL's `ClipAction`; `default` only). Every environment here clips its input itself, so
    /// only rewards that read the unclipped action (MountainCarContinuous's −0.1·a²) change. Off by
    /// default: actors are evaluated unclipped (PruVer, Gymnasium's `step`), and clipping in training
    /// takes away the penalty that keeps the actor's output in range.
    #[serde(default)]
    pub clip_actions: bool,
    pub normalize_advantage: bool,
    /// Decay the learning rate linearly to 0 over the run (`default` only).
    pub anneal_lr: bool,
    /// Orthogonal initialisation (`default` only; PruVer starts from PyTorch's default).
    pub ortho_init: bool,
    /// The hidden layers' activation of actor and critic (`default` only; PruVer's is ReLU,
    /// Gestures' tanh).
    #[serde(default = "relu")]
    pub activation: String,
    /// Generalised state-dependent exploration (gSDE, Raffin et al., CoRL 2021; SB3's `use_sde`): the
    /// action noise is the actor's last hidden features times an exploration matrix drawn from
    /// N(0, σ²), σ a learned `[features × actions]` matrix (`default` only, continuous actions).
    #[serde(default)]
    pub use_sde: bool,
    /// gSDE: new exploration matrices every this many steps of a rollout; -1 draws them only at the
    /// start of each rollout (SB3's `sde_sample_freq`).
    #[serde(default = "no_resample")]
    pub sde_sample_freq: i64,
}

fn no_resample() -> i64 {
    -1
}

impl TrainConfig {
    /// The documented defaults of a preset: for `pruver`, the defaults of PruVer's `PPO` class
    /// (ppoPolicyTraining.py `_init_hyperparameters`); for `default`, SB3's PPO defaults, with
    /// PruVer's 128-128 networks and 8 parallel environments.
    pub fn defaults(preset: Preset) -> TrainConfig {
        let common = TrainConfig {
            preset,
            timesteps_per_batch: 2048,
            max_timesteps_per_episode: None,
            gamma: 0.99,
            lam: 0.95,
            n_updates_per_iteration: 10,
            lr: 3e-4,
            clip: 0.2,
            seed: 0,
            training_step: 200,
            hidden_sizes: vec![128, 128],
            save_freq: 10,
            n_envs: 8,
            minibatch_size: 64,
            max_grad_norm: 0.5,
            ent_coef: 0.0,
            vf_coef: 0.5,
            log_std_init: 0.0,
            log_std_final: None,
            normalize_obs: false,
            normalize_reward: false,
            clip_actions: false,
            normalize_advantage: true,
            anneal_lr: false,
            ortho_init: true,
            activation: relu(),
            use_sde: false,
            sde_sample_freq: -1,
        };
        match preset {
            Preset::Default => common,
            Preset::Pruver => TrainConfig {
                timesteps_per_batch: 4800,
                max_timesteps_per_episode: Some(1600),
                gamma: 0.95,
                n_updates_per_iteration: 5,
                lr: 0.005,
                n_envs: 1,
                normalize_obs: false,
                ortho_init: false,
                ..common
            },
        }
    }

    /// Apply the keys a section sets.
    fn apply(&mut self, s: &EnvSection) {
        macro_rules! set {
            ($($k:ident),*) => { $( if let Some(v) = &s.$k { self.$k = v.clone(); } )* };
        }
        set!(
            timesteps_per_batch,
            gamma,
            lam,
            n_updates_per_iteration,
            lr,
            clip,
            seed,
            training_step,
            hidden_sizes,
            save_freq,
            n_envs,
            minibatch_size,
            max_grad_norm,
            ent_coef,
            vf_coef,
            log_std_init,
            normalize_obs,
            normalize_reward,
            clip_actions,
            normalize_advantage,
            anneal_lr,
            ortho_init,
            activation,
            use_sde,
            sde_sample_freq
        );
        if let Some(m) = s.max_timesteps_per_episode {
            self.max_timesteps_per_episode = Some(m);
        }
        if let Some(f) = s.log_std_final {
            self.log_std_final = Some(f);
        }
    }

    /// Check every value; the error names the file, the section and the key.
    pub fn validate(&self, origin: &str) -> Result<()> {
        let bad = |key: &str, why: String| Err(Error::Invalid(format!("{origin}: `{key}` {why}")));
        for (key, v) in [
            ("timesteps_per_batch", self.timesteps_per_batch),
            ("n_updates_per_iteration", self.n_updates_per_iteration),
            ("training_step", self.training_step),
            ("save_freq", self.save_freq),
            ("n_envs", self.n_envs),
            ("minibatch_size", self.minibatch_size),
            (
                "max_timesteps_per_episode",
                self.max_timesteps_per_episode.unwrap_or(1),
            ),
        ] {
            if v == 0 {
                return bad(key, "is 0; it must be a positive integer".into());
            }
        }
        if self.hidden_sizes.is_empty() || self.hidden_sizes.contains(&0) {
            return bad(
                "hidden_sizes",
                format!(
                    "is {:?}; it must list one or more positive widths, e.g. [128, 128]",
                    self.hidden_sizes
                ),
            );
        }
        if let Err(e) = limits::check_hidden(&self.hidden_sizes) {
            return bad("hidden_sizes", format!("is too large: {e}"));
        }
        for (key, v) in [
            ("timesteps_per_batch", self.timesteps_per_batch),
            ("n_envs", self.n_envs),
        ] {
            if let Err(e) = limits::check_count(v) {
                return bad(key, format!("is too large: {e}"));
            }
        }
        // The unbounded ones reach libtorch as float32 scalars, so they must fit one.
        const F32: f64 = f32::MAX as f64;
        for (key, v, lo, hi, incl_lo) in [
            ("gamma", self.gamma, 0.0, 1.0, true),
            ("lam", self.lam, 0.0, 1.0, true),
            ("lr", self.lr, 0.0, F32, false),
            ("clip", self.clip, 0.0, F32, false),
            ("max_grad_norm", self.max_grad_norm, 0.0, F32, false),
            ("ent_coef", self.ent_coef, 0.0, F32, true),
            ("vf_coef", self.vf_coef, 0.0, F32, true),
        ] {
            let ok = v.is_finite() && (if incl_lo { v >= lo } else { v > lo }) && v <= hi;
            if !ok {
                let range = match (incl_lo, hi == F32) {
                    (true, false) => format!("in [{lo}, {hi}]"),
                    (false, true) => "a positive number (at most 3.4e38, a float32)".to_string(),
                    (true, true) => "a number ≥ 0 (at most 3.4e38, a float32)".to_string(),
                    (false, false) => format!("in ({lo}, {hi}]"),
                };
                return bad(key, format!("is {v:?}; it must be {range}"));
            }
        }
        // σ = e^log_std_init must be a positive float32.
        if !self.log_std_init.is_finite() || self.log_std_init.abs() > 80.0 {
            return bad(
                "log_std_init",
                format!(
                    "is {}; it must be in [-80, 80] (σ = e^log_std_init, a float32)",
                    self.log_std_init
                ),
            );
        }
        if let Err(e) = crate::policy::Activation::parse(&self.activation) {
            return bad("activation", format!("is `{}`: {e}", self.activation));
        }
        if let Some(f) = self.log_std_final {
            if !f.is_finite() || f.abs() > 80.0 {
                return bad(
                    "log_std_final",
                    format!("is {f}; it must be in [-80, 80] (σ = e^log_std_final, a float32)"),
                );
            }
            if self.use_sde {
                return bad(
                    "log_std_final",
                    "anneals a fixed σ, but `use_sde` is true: gSDE learns its own; drop one"
                        .into(),
                );
            }
        }
        if self.sde_sample_freq == 0 || self.sde_sample_freq < -1 {
            return bad(
                "sde_sample_freq",
                format!(
                    "is {}; it must be a positive number of steps, or -1 (new exploration \
                     matrices only at the start of each rollout)",
                    self.sde_sample_freq
                ),
            );
        }
        if self.preset == Preset::Default && self.timesteps_per_batch % self.n_envs != 0 {
            return bad(
                "timesteps_per_batch",
                format!(
                    "is {}, which the {} environments (`n_envs`) cannot share evenly; make it a \
                     multiple of n_envs",
                    self.timesteps_per_batch, self.n_envs
                ),
            );
        }
        Ok(())
    }

    /// The hyperparameters as `key: value` lines, in the YAML's syntax.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let mut kv = |k: &str, v: String| writeln!(s, "  {k}: {v}").unwrap();
        kv("ppo", self.preset.name().into());
        kv("timesteps_per_batch", self.timesteps_per_batch.to_string());
        kv(
            "max_timesteps_per_episode",
            self.max_timesteps_per_episode
                .map_or("the environment's limit".into(), |m| m.to_string()),
        );
        kv("gamma", self.gamma.to_string());
        kv(
            "n_updates_per_iteration",
            self.n_updates_per_iteration.to_string(),
        );
        kv("lr", self.lr.to_string());
        kv("clip", self.clip.to_string());
        kv("seed", self.seed.to_string());
        kv("training_step", self.training_step.to_string());
        kv("hidden_sizes", format!("{:?}", self.hidden_sizes));
        kv("save_freq", self.save_freq.to_string());
        if self.preset == Preset::Default {
            kv("lam", self.lam.to_string());
            kv("n_envs", self.n_envs.to_string());
            kv("minibatch_size", self.minibatch_size.to_string());
            kv("max_grad_norm", self.max_grad_norm.to_string());
            kv("ent_coef", self.ent_coef.to_string());
            kv("vf_coef", self.vf_coef.to_string());
            kv("log_std_init", self.log_std_init.to_string());
            if let Some(f) = self.log_std_final {
                kv("log_std_final", f.to_string());
            }
            kv("normalize_obs", self.normalize_obs.to_string());
            kv("normalize_reward", self.normalize_reward.to_string());
            kv("clip_actions", self.clip_actions.to_string());
            kv("normalize_advantage", self.normalize_advantage.to_string());
            kv("anneal_lr", self.anneal_lr.to_string());
            kv("ortho_init", self.ortho_init.to_string());
            kv("activation", self.activation.clone());
            kv("use_sde", self.use_sde.to_string());
            if self.use_sde {
                kv("sde_sample_freq", self.sde_sample_freq.to_string());
            }
        }
        s
    }
}

fn relu() -> String {
    "relu".into()
}

/// Keys that only the `default` preset reads.
const DEFAULT_ONLY: &[&str] = &[
    "lam",
    "n_envs",
    "minibatch_size",
    "max_grad_norm",
    "ent_coef",
    "vf_coef",
    "log_std_init",
    "log_std_final",
    "normalize_obs",
    "normalize_reward",
    "clip_actions",
    "normalize_advantage",
    "anneal_lr",
    "ortho_init",
    "activation",
    "use_sde",
    "sde_sample_freq",
    "default",
];

/// What the command line says about training, beside the YAML.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--ppo`.
    pub preset: Option<Preset>,
    /// `--seed`, when given on the command line.
    pub seed: Option<u64>,
    /// `--iterations`.
    pub iterations: Option<usize>,
}

/// The run's hyperparameters: the preset's defaults, then the section's keys, then (for `default`) the
/// section's `default:` overrides, then the command line. The notes say where the values came from,
/// including a missing section.
pub fn resolve(
    hyper: Option<&Hyperparameters>,
    env_id: &str,
    discrete_env: bool,
    over: &Overrides,
) -> Result<(TrainConfig, Vec<String>)> {
    let mut notes = Vec::new();
    let section = hyper.and_then(|h| h.section(env_id));
    let file = hyper.map_or_else(
        || "hyperparameters.yml".to_string(),
        |h| h.path.display().to_string(),
    );
    let preset = over
        .preset
        .or(section.and_then(|s| s.ppo))
        .unwrap_or(Preset::Default);
    let mut cfg = TrainConfig::defaults(preset);
    match section {
        None => {
            notes.push(format!(
            "{file} has no `{env_id}` entry{}: training with the documented defaults of --ppo {} \
             (docs/training.md)",
            if hyper.is_none() { " (no such file)" } else { "" },
            preset.name()
        ))
        }
        Some(s) => {
            if let Some(d) = &s.default {
                check_nested(d, &file, env_id)?;
            }
            if let Some(d) = s.discrete {
                if d != discrete_env {
                    return Err(Error::Invalid(format!(
                        "{file}: `{env_id}.discrete` is {d}, but {env_id} has a {} action space",
                        if discrete_env {
                            "discrete"
                        } else {
                            "continuous"
                        }
                    )));
                }
            }
            cfg.apply(s);
            match preset {
                Preset::Default => {
                    if let Some(d) = &s.default {
                        cfg.apply(d);
                    }
                }
                Preset::Pruver => {
                    let ignored: Vec<&str> = DEFAULT_ONLY
                        .iter()
                        .copied()
                        .filter(|k| section_sets(s, k))
                        .collect();
                    if !ignored.is_empty() {
                        notes.push(format!(
                            "{file}: `{env_id}` sets {}, which --ppo pruver does not use",
                            ignored.join(", ")
                        ));
                    }
                }
            }
        }
    }
    if let Some(seed) = over.seed {
        cfg.seed = seed;
    }
    if let Some(n) = over.iterations {
        cfg.training_step = n;
    }
    let origin = if section.is_some() {
        format!("{file}, section `{env_id}`")
    } else {
        "the training defaults".to_string()
    };
    cfg.validate(&origin)?;
    if cfg.preset == Preset::Default && cfg.log_std_final.is_some() && discrete_env {
        return Err(Error::Invalid(format!(
            "{origin}: `log_std_final` anneals a Gaussian's σ, but {env_id} has a discrete action \
             space"
        )));
    }
    if cfg.preset == Preset::Default && cfg.use_sde && discrete_env {
        return Err(Error::Invalid(format!(
            "{origin}: `use_sde` is true, but {env_id} has a discrete action space; gSDE explores \
             continuous actions only"
        )));
    }
    Ok((cfg, notes))
}

fn section_sets(s: &EnvSection, key: &str) -> bool {
    match key {
        "lam" => s.lam.is_some(),
        "n_envs" => s.n_envs.is_some(),
        "minibatch_size" => s.minibatch_size.is_some(),
        "max_grad_norm" => s.max_grad_norm.is_some(),
        "ent_coef" => s.ent_coef.is_some(),
        "vf_coef" => s.vf_coef.is_some(),
        "log_std_init" => s.log_std_init.is_some(),
        "log_std_final" => s.log_std_final.is_some(),
        "normalize_obs" => s.normalize_obs.is_some(),
        "normalize_reward" => s.normalize_reward.is_some(),
        "clip_actions" => s.clip_actions.is_some(),
        "normalize_advantage" => s.normalize_advantage.is_some(),
        "anneal_lr" => s.anneal_lr.is_some(),
        "ortho_init" => s.ortho_init.is_some(),
        "activation" => s.activation.is_some(),
        "use_sde" => s.use_sde.is_some(),
        "sde_sample_freq" => s.sde_sample_freq.is_some(),
        "default" => s.default.is_some(),
        _ => false,
    }
}

/// The `default:` mapping holds training keys only.
fn check_nested(d: &EnvSection, file: &str, env_id: &str) -> Result<()> {
    let misplaced: Vec<&str> = [
        ("ppo", d.ppo.is_some()),
        ("default", d.default.is_some()),
        ("discrete", d.discrete.is_some()),
        ("perturbations", d.perturbations.is_some()),
        ("numpy", d.numpy.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect();
    if misplaced.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{file}: `{env_id}.default` sets {}, which belong in the `{env_id}` section itself; \
             `default:` holds training keys that apply to --ppo default only",
            misplaced.join(", ")
        )))
    }
}

/// Load the hyperparameters file the way the CLI does: a named file must exist, the default one is
/// read when it exists.
pub fn load_hyperparameters(named: Option<&Path>) -> Result<Option<Hyperparameters>> {
    match named {
        Some(p) => Hyperparameters::load(p).map(Some),
        None => {
            let p = Path::new("hyperparameters.yml");
            p.exists().then(|| Hyperparameters::load(p)).transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Hyperparameters {
        Hyperparameters::parse(text, Path::new("h.yml")).unwrap()
    }

    #[test]
    fn pruvers_entry_drives_both_presets_and_default_overrides_apply_to_default_only() {
        let h = parse(
            "Pendulum-v1:\n  'timesteps_per_batch': 2048\n  'lr': !!float 3e-4\n  'seed': 741\n  \
             'training_step': 500\n  'default': {'lr': 0.001, 'n_envs': 4, 'gamma': 0.9}\n",
        );
        let o = Overrides::default();
        let (d, notes) = resolve(Some(&h), "Pendulum-v1", false, &o).unwrap();
        assert_eq!(
            (d.preset, d.lr, d.n_envs, d.gamma),
            (Preset::Default, 0.001, 4, 0.9)
        );
        assert_eq!(
            (d.timesteps_per_batch, d.seed, d.training_step),
            (2048, 741, 500)
        );
        assert!(notes.is_empty(), "{notes:?}");
        let o = Overrides {
            preset: Some(Preset::Pruver),
            seed: Some(5),
            iterations: Some(3),
        };
        let (p, notes) = resolve(Some(&h), "Pendulum-v1", false, &o).unwrap();
        assert_eq!((p.lr, p.gamma, p.seed, p.training_step), (3e-4, 0.95, 5, 3));
        assert_eq!(p.max_timesteps_per_episode, Some(1600));
        assert!(
            notes[0].contains("default") && notes[0].contains("does not use"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_missing_entry_falls_back_to_the_defaults_and_says_so() {
        let h = parse("CartPole-v0:\n  lr: 0.1\n");
        let (c, notes) = resolve(Some(&h), "CartPole-v1", true, &Overrides::default()).unwrap();
        assert_eq!(c, TrainConfig::defaults(Preset::Default));
        assert!(notes[0].contains("no `CartPole-v1` entry"), "{notes:?}");
    }

    #[test]
    fn zero_sizes_and_bad_numbers_are_named() {
        for (yaml, key) in [
            ("timesteps_per_batch: 0", "timesteps_per_batch"),
            ("hidden_sizes: [128, 0]", "hidden_sizes"),
            ("lr: -0.1", "lr"),
            ("gamma: 1.5", "gamma"),
            ("n_envs: 3", "timesteps_per_batch"),
            ("default: {minibatch_size: 0}", "minibatch_size"),
            ("sde_sample_freq: 0", "sde_sample_freq"),
            ("sde_sample_freq: -2", "sde_sample_freq"),
            ("log_std_final: 100", "log_std_final"),
            ("log_std_final: -1\n  use_sde: true", "log_std_final"),
            ("activation: swish", "activation"),
        ] {
            let h = parse(&format!("CartPole-v1:\n  {yaml}\n"));
            let e = resolve(Some(&h), "CartPole-v1", true, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("h.yml") && e.contains(&format!("`{key}`")),
                "{yaml}: {e}"
            );
        }
        let h = parse("CartPole-v1:\n  discrete: false\n");
        let e = resolve(Some(&h), "CartPole-v1", true, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("discrete"), "{e}");
        let h = parse("CartPole-v1:\n  use_sde: true\n");
        let e = resolve(Some(&h), "CartPole-v1", true, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`use_sde`") && e.contains("discrete"), "{e}");
        let h = parse("CartPole-v1:\n  log_std_final: -1\n");
        let e = resolve(Some(&h), "CartPole-v1", true, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`log_std_final`") && e.contains("discrete"),
            "{e}"
        );
        let h = parse("CartPole-v1:\n  default: {numpy: 1}\n");
        let e = resolve(Some(&h), "CartPole-v1", true, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("numpy"), "{e}");
    }
}
