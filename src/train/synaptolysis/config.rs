//! The settings of the Synaptolysis learners: the `synaptolysis:` mapping of an environment's entry in
//! `hyperparameters.yml`, whose keys apply to every method, with per-method mappings (`mk1:`, `mk2:`,
//! `mk2.5:`, `simple-cma:`) over them. Every key is optional; the defaults are the authors' exp003
//! settings for the swing-up (docs/synaptolysis.md lists each with its source).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits;

/// Which Synaptolysis learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// The genetic algorithm whose only mutation deletes connections (`prune_bot.py`).
    Mk1,
    /// Covariance-guided deletion (`prune_bot_mk2.py`, the covariance version).
    Mk2,
    /// The "connection frequentist" estimation-of-distribution algorithm on masks (f5d6134).
    Mk25,
    /// The simple-CMA baseline (`cma.py`): a Gaussian per weight layer around the old mean.
    SimpleCma,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Mk1, Method::Mk2, Method::Mk25, Method::SimpleCma];

    /// The `--algo` name, also the key of the method's own mapping and its files' prefix.
    pub fn name(self) -> &'static str {
        match self {
            Method::Mk1 => "mk1",
            Method::Mk2 => "mk2",
            Method::Mk25 => "mk2.5",
            Method::SimpleCma => "simple-cma",
        }
    }

    /// Whether the genome is a binary mask over an all-ones network.
    pub fn is_mask(self) -> bool {
        self != Method::SimpleCma
    }
}

/// `variant:`: the authors' code as it ran, or with its bugs fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    Authors,
    Fixed,
}

/// `stop_on:`: which fitness statistic must reach `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopOn {
    /// The generation's best fitness (mk1, mk2.5 and simple-cma: `elite_max_fit`).
    Best,
    /// The mean fitness of the generation's elite (mk2).
    EliteMean,
}

/// `covariance:` of simple-cma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Covariance {
    /// One full covariance per weight layer (the authors' exp003 code).
    PerLayer,
    /// One full covariance over all weights (what the author meant to write).
    Joint,
}

/// The resolved settings of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub method: Method,
    pub variant: Variant,
    pub population: usize,
    /// Episodes per individual and generation; fitness is their mean return.
    pub episodes: usize,
    pub hidden_sizes: Vec<usize>,
    /// The elite is `ceil(keep_fraction · population)` (+ the all-time best agent).
    pub keep_fraction: f64,
    /// Masks: the fraction of connections removed from the all-ones network at the start.
    pub initial_prune: f64,
    /// Subtract the mean over layers of the fraction of connections kept (masks only).
    pub complexity_penalty: bool,
    /// mk1: the adaptive prune rate's clip.
    pub rate_min: f64,
    pub rate_max: f64,
    /// mk1: copy the elite into the next population unmutated (the fix of the authors' later code).
    pub elitism: bool,
    /// mk2: the expected fraction of each layer's connections deleted per generation.
    pub prune_fraction: f64,
    /// mk2: bias deletion by the covariance of the nodes a connection joins (`false`: the authors'
    /// code, whose softmax inside the sampling loop makes deletion uniform).
    pub covariance_guided: bool,
    /// mk2: episodes last max(200, best fitness so far) steps (a curriculum of a later revision of the
    /// authors' mk2; it never advances, the fitness staying below the episode's length).
    pub curriculum: bool,
    /// mk2.5: the noise on the elite's connection frequencies, and the clip of the resulting
    /// probabilities.
    pub noise: f64,
    pub p_min: f64,
    pub p_max: f64,
    /// mk2.5: the first `ceil(intact_fraction · population)` elites pass unchanged.
    pub intact_fraction: f64,
    /// simple-cma: the initial standard deviation of every weight (the mean starts at 0).
    pub sigma0: f64,
    pub covariance: Covariance,
    /// Stop when `stop_on` reaches it, checked every `check_every` generations from
    /// `min_generations` on (none: run all `max_generations`).
    pub threshold: Option<f64>,
    pub stop_on: StopOn,
    pub check_every: usize,
    pub min_generations: usize,
    pub max_generations: usize,
    /// Save the champion, the elite population and the checkpoint every this many generations.
    pub save_every: usize,
    pub seed: u32,
}

impl Config {
    /// The authors' settings for `method` (`variant` sets the defaults its fixes change).
    pub fn defaults(method: Method, variant: Variant) -> Config {
        let fixed = variant == Variant::Fixed;
        Config {
            method,
            variant,
            population: 256,
            episodes: if method == Method::SimpleCma { 8 } else { 6 },
            hidden_sizes: vec![32],
            keep_fraction: 0.125,
            initial_prune: if method == Method::Mk2 { 0.001 } else { 0.25 },
            complexity_penalty: method.is_mask(),
            rate_min: 0.001,
            rate_max: 0.125,
            elitism: fixed,
            prune_fraction: 0.01,
            covariance_guided: fixed,
            curriculum: false,
            noise: 0.1,
            p_min: 0.05,
            p_max: 0.95,
            intact_fraction: 1.0 / 16.0,
            sigma0: 1.0,
            covariance: if fixed {
                Covariance::Joint
            } else {
                Covariance::PerLayer
            },
            threshold: None,
            stop_on: if method == Method::Mk2 {
                StopOn::EliteMean
            } else {
                StopOn::Best
            },
            check_every: if method == Method::Mk2 { 1 } else { 50 },
            min_generations: 100,
            max_generations: 1024,
            save_every: 50,
            seed: 0,
        }
    }

    /// The elite's size without the all-time best: `ceil(keep_fraction · population)`.
    pub fn keep(&self) -> usize {
        ((self.keep_fraction * self.population as f64).ceil() as usize).max(1)
    }

    /// Check every value; errors name the key.
    pub fn validate(&self, file: &str, env_id: &str) -> Result<()> {
        let key = |k: &str| format!("{file}: `{env_id}` → synaptolysis → {k}");
        let bad = |k: &str, what: String| Err(Error::Invalid(format!("{}: {what}", key(k))));
        if self.population < 2 {
            return bad("population", format!("{} is below 2", self.population));
        }
        for (k, v) in [
            ("episodes", self.episodes),
            ("check_every", self.check_every),
            ("max_generations", self.max_generations),
            ("save_every", self.save_every),
        ] {
            if v == 0 {
                return bad(k, "must be a positive integer".into());
            }
        }
        if self.hidden_sizes.is_empty() || self.hidden_sizes.contains(&0) {
            return bad(
                "hidden_sizes",
                format!(
                    "{:?}: at least one hidden layer, each of positive width",
                    self.hidden_sizes
                ),
            );
        }
        if let Err(e) = limits::check_hidden(&self.hidden_sizes) {
            return bad("hidden_sizes", e);
        }
        if let Err(e) = limits::check_count(self.population) {
            return bad("population", e);
        }
        let unit = |k: &str, v: f64, lo_open: bool| {
            let ok = v.is_finite() && v <= 1.0 && if lo_open { v > 0.0 } else { v >= 0.0 };
            if ok {
                Ok(())
            } else {
                bad(
                    k,
                    format!("{v} is not in {}0, 1]", if lo_open { "(" } else { "[" }),
                )
            }
        };
        unit("keep_fraction", self.keep_fraction, true)?;
        if self.keep() >= self.population {
            return bad(
                "keep_fraction",
                format!(
                    "keeps {} of a population of {}: nothing left to search with",
                    self.keep(),
                    self.population
                ),
            );
        }
        unit("initial_prune", self.initial_prune, false)?;
        unit("rate_min", self.rate_min, false)?;
        unit("rate_max", self.rate_max, false)?;
        if self.rate_min > self.rate_max {
            return bad(
                "rate_min",
                format!("{} exceeds rate_max {}", self.rate_min, self.rate_max),
            );
        }
        unit("prune_fraction", self.prune_fraction, false)?;
        unit("p_min", self.p_min, false)?;
        unit("p_max", self.p_max, false)?;
        if self.p_min > self.p_max {
            return bad(
                "p_min",
                format!("{} exceeds p_max {}", self.p_min, self.p_max),
            );
        }
        unit("intact_fraction", self.intact_fraction, false)?;
        if !(self.noise >= 0.0 && self.noise.is_finite()) {
            return bad(
                "noise",
                format!("{} is not a non-negative number", self.noise),
            );
        }
        if !(self.sigma0 > 0.0 && self.sigma0.is_finite()) {
            return bad(
                "sigma0",
                format!("{} is not a positive number", self.sigma0),
            );
        }
        if let Some(t) = self.threshold {
            if !t.is_finite() {
                return bad("threshold", format!("{t} is not a finite number"));
            }
        }
        Ok(())
    }

    /// Two lines for the start of a run.
    pub fn describe(&self) -> String {
        let m = self.method;
        let specific = match m {
            Method::Mk1 => format!(
                "initial prune {} · rate clipped to [{}, {}] · elitism {}",
                self.initial_prune, self.rate_min, self.rate_max, self.elitism
            ),
            Method::Mk2 => format!(
                "initial prune {} · {} deleted per generation · covariance-guided {} · curriculum {}",
                self.initial_prune, self.prune_fraction, self.covariance_guided, self.curriculum
            ),
            Method::Mk25 => format!(
                "initial prune {} · noise {} · p in [{}, {}] · intact {}",
                self.initial_prune, self.noise, self.p_min, self.p_max, self.intact_fraction
            ),
            Method::SimpleCma => format!(
                "sigma0 {} · covariance {:?}",
                self.sigma0, self.covariance
            ),
        };
        let stop = match self.threshold {
            Some(t) => format!(
                "stop when {:?} ≥ {t} (checked every {} from generation {})",
                self.stop_on, self.check_every, self.min_generations
            ),
            None => "no threshold".into(),
        };
        format!(
            "  {} ({:?}) · population {} · {} episodes · hidden {:?} · elite {} · seed {}\n  {specific}\n  \
             {stop} · at most {} generations\n",
            m.name(),
            self.variant,
            self.population,
            self.episodes,
            self.hidden_sizes,
            self.keep(),
            self.seed,
            self.max_generations
        )
    }
}

/// The keys a mapping may hold; all optional (`deny_unknown_fields` names a misspelt one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Raw {
    variant: Option<Variant>,
    population: Option<usize>,
    episodes: Option<usize>,
    hidden_sizes: Option<Vec<usize>>,
    keep_fraction: Option<f64>,
    initial_prune: Option<f64>,
    complexity_penalty: Option<bool>,
    rate_min: Option<f64>,
    rate_max: Option<f64>,
    elitism: Option<bool>,
    prune_fraction: Option<f64>,
    covariance_guided: Option<bool>,
    curriculum: Option<bool>,
    noise: Option<f64>,
    p_min: Option<f64>,
    p_max: Option<f64>,
    intact_fraction: Option<f64>,
    sigma0: Option<f64>,
    covariance: Option<Covariance>,
    threshold: Option<f64>,
    stop_on: Option<StopOn>,
    check_every: Option<usize>,
    min_generations: Option<usize>,
    max_generations: Option<usize>,
    save_every: Option<usize>,
    seed: Option<u32>,
}

impl Raw {
    fn apply(self, c: &mut Config) {
        macro_rules! set {
            ($($f:ident),*) => { $(if let Some(v) = self.$f { c.$f = v; })* };
        }
        set!(
            population,
            episodes,
            hidden_sizes,
            keep_fraction,
            initial_prune,
            complexity_penalty,
            rate_min,
            rate_max,
            elitism,
            prune_fraction,
            covariance_guided,
            curriculum,
            noise,
            p_min,
            p_max,
            intact_fraction,
            sigma0,
            covariance,
            stop_on,
            check_every,
            min_generations,
            max_generations,
            save_every,
            seed
        );
        if self.threshold.is_some() {
            c.threshold = self.threshold;
        }
    }
}

/// The settings of `method` on `env_id`: its defaults, the section's `synaptolysis:` keys, the
/// method's own mapping, then `--iterations` (the most generations) and `--seed`.
pub fn resolve(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    method: Method,
    generations: Option<usize>,
    seed: Option<u64>,
) -> Result<Config> {
    let file = hyper.map_or_else(
        || "hyperparameters.yml".to_string(),
        |h| h.path.display().to_string(),
    );
    let at = |k: &str, e: serde_yaml::Error| {
        Error::Invalid(format!("{file}: `{env_id}` → synaptolysis{k}: {e}"))
    };
    let (mut shared, mut own) = (Raw::default(), Raw::default());
    if let Some(value) = hyper.and_then(|h| h.section(env_id).and_then(|s| s.synaptolysis.clone()))
    {
        let serde_yaml::Value::Mapping(mut map) = value else {
            return Err(Error::Invalid(format!(
                "{file}: `{env_id}` → synaptolysis: expected a mapping of settings"
            )));
        };
        let mut own_value = None;
        for m in Method::ALL {
            if let Some(v) = map.remove(m.name()) {
                if m == method {
                    own_value = Some(v);
                }
            }
        }
        shared = serde_yaml::from_value(serde_yaml::Value::Mapping(map)).map_err(|e| at("", e))?;
        if let Some(v) = own_value {
            own = serde_yaml::from_value(v).map_err(|e| at(&format!(" → {}", method.name()), e))?;
        }
    }
    // The method's mapping wins over the shared keys: its variant picks the defaults, and its keys
    // are applied last.
    let variant = own.variant.or(shared.variant).unwrap_or(Variant::Authors);
    let mut cfg = Config::defaults(method, variant);
    shared.apply(&mut cfg);
    own.apply(&mut cfg);
    if let Some(g) = generations {
        cfg.max_generations = g;
    }
    if let Some(s) = seed {
        cfg.seed = u32::try_from(s).map_err(|_| {
            Error::Invalid(format!(
                "--seed {s}: the Synaptolysis learners seed NumPy's legacy generator, which takes \
                 seeds below 2^32"
            ))
        })?;
    }
    cfg.validate(&file, env_id)?;
    Ok(cfg)
}
