//! `--algo cosyne`: Cooperative Synapse NeuroEvolution (Gomez, Schmidhuber & Miikkulainen, "Accelerated
//! Neural Evolution through Cooperatively Coevolved Synapses", JMLR 9, 2008), seeded and exact to its
//! Algorithm 2, and the variant the seed repository (Hellisotherpeople/Python-Cooperative-Synapse-
//! NeuroEvolution, `CoSyne_RL`) actually runs, as a preset. docs/cosyne.md has both step by step.
//!
//! **The population** is an n × m matrix: row i is the subpopulation of synapse i (its m candidate
//! values), column j is network j. A network has one hidden layer (feed-forward, or Elman: the hidden
//! units read their previous outputs too). The genome is laid out per hidden neuron, as the paper lays
//! it out: the neuron's input weights and bias, its output weights, its recurrent weights; the output
//! layer's biases (when it has them) come last, as a segment of their own.
//!
//! **`variant: paper`**, one generation: build and evaluate the m networks; the top quarter are parents;
//! pairs of parents, drawn at random, give two offspring each by one-point crossover inside every
//! neuron's segment, and every offspring weight is perturbed with probability 0.3 by Cauchy noise of
//! scale 0.3; in every subpopulation, sorted by fitness, the l least fit entries are replaced by the
//! offspring's; then the other entries are marked for permutation (all of them, or with Eq. 1's
//! fitness-dependent probability) and the marked ones permuted among themselves.
//!
//! **`variant: repo`** is `CoSyne_RL`: a running fitness per synapse, two parents and one worst
//! network per generation, uniform crossover, U(−2, 2) mutation of 20 % of the weights drawn with
//! replacement, the permutation loop over synapse columns 0, 2, 4, … below the population size, and
//! evaluations of exactly 200 steps that ignore `done`.
//!
//! Evaluations run through the shared rollout pool, one network per item, so a run's files are the
//! same for any `--threads`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::learner::{self, Learner, LogRecord, LoopFiles, TrainReport};
use crate::env::classic::gomez;
use crate::env::legacy_rng::RandomState;
use crate::env::{self, EnvOptions, Perturbation, RngState, Space};
use crate::error::{Error, Result};
use crate::limits;
use crate::policy::{Activation, Actor, Dtype, Head, Linear};
use crate::rollout;

/// Which CoSyNE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Algorithm 2 of the paper.
    Paper,
    /// What the seed repository's `CoSyne_RL` runs.
    Repo,
}

/// How the survivors of a subpopulation are marked for permutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Permutation {
    /// Probability 1: every entry but the new offspring (what the paper used in every experiment).
    All,
    /// Eq. 1: 1 − ⁿ√((f − f_min) / (f_max − f_min)), f the fitness of the network the weight was in.
    Fitness,
}

/// What a network's evaluation scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fitness {
    /// The episode's return (the pole tasks: steps balanced).
    Return,
    /// Gruau's damping fitness on the pole tasks (episodes of 1,000 steps); a network that balances
    /// them is tested for 100,000 steps and on the 625 generalisation starts, and solves the task when
    /// it passes both.
    Damping,
}

/// `cosyne:` in an environment's entry of `hyperparameters.yml`; every key is optional, and the
/// defaults are the variant's (`variant` first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosyneConfig {
    pub variant: Variant,
    /// m: the networks of a generation, the size of every subpopulation.
    pub subpopulation: usize,
    /// Hidden units (one hidden layer).
    pub hidden: usize,
    /// Elman units: the hidden layer also reads its previous output.
    pub recurrent: bool,
    /// The hidden units' activation: relu, tanh, elu, elu(ALPHA), sigmoid, identity.
    pub activation: String,
    /// The output head: identity, tanh, clip (to the action box), argmax, softmax.
    pub head: String,
    /// Biases on the hidden units.
    pub bias: bool,
    /// Biases on the output units.
    pub output_bias: bool,
    /// Initial weights uniform in [−init_range, init_range] (the repo: [0, 1), whatever this says).
    pub init_range: f64,
    /// The fraction of networks that are parents (the paper: the top quarter).
    pub parents: f64,
    /// l: offspring per generation, replacing the l least fit (default: half the subpopulation; the
    /// paper leaves l open, and m/2 solved the pole tasks in fewer evaluations than m/4, docs/cosyne.md).
    pub offspring: Option<usize>,
    /// The probability that an offspring weight is mutated, and the Cauchy noise's scale.
    pub mutation_rate: f64,
    pub mutation_scale: f64,
    pub permutation: Permutation,
    pub fitness: Fitness,
    /// Episodes per evaluation (their mean return is the fitness).
    pub episodes: usize,
    /// Steps per episode (default: the environment's time limit).
    pub max_steps: Option<usize>,
    /// Run every episode for `max_steps` steps whatever `done` says (the repo's quirk).
    pub ignore_done: bool,
    /// Solved when an evaluation's fitness reaches this (the repo: its parent's re-evaluation).
    pub threshold: Option<f64>,
    /// Generations at most (`--iterations` overrides it).
    pub generations: usize,
    /// Stop once this many evaluations are spent, if set.
    pub max_evaluations: Option<usize>,
    pub seed: u64,
    /// Save the champion and the checkpoint every this many generations.
    pub save_freq: usize,
}

impl CosyneConfig {
    /// The variant's defaults: the paper's single-pole settings, or the repo's MountainCar run.
    pub fn defaults(variant: Variant) -> CosyneConfig {
        match variant {
            Variant::Paper => CosyneConfig {
                variant,
                subpopulation: 20,
                hidden: 1,
                recurrent: false,
                activation: "tanh".into(),
                head: "tanh".into(),
                bias: false,
                output_bias: false,
                init_range: 10.0,
                parents: 0.25,
                offspring: None,
                mutation_rate: 0.3,
                mutation_scale: 0.3,
                permutation: Permutation::All,
                fitness: Fitness::Return,
                episodes: 1,
                max_steps: None,
                ignore_done: false,
                threshold: None,
                generations: 1000,
                max_evaluations: None,
                seed: 0,
                save_freq: 10,
            },
            Variant::Repo => CosyneConfig {
                variant,
                subpopulation: 10,
                hidden: 20,
                recurrent: false,
                activation: "elu(2)".into(),
                head: "tanh".into(),
                bias: false,
                output_bias: false,
                init_range: 1.0,
                parents: 0.2,
                offspring: Some(1),
                mutation_rate: 0.2,
                mutation_scale: 2.0,
                permutation: Permutation::All,
                fitness: Fitness::Return,
                episodes: 1,
                max_steps: Some(200),
                ignore_done: true,
                threshold: Some(90.0),
                generations: 1100,
                max_evaluations: None,
                seed: 0,
                save_freq: 100,
            },
        }
    }

    /// Parents per generation: the top `parents` fraction, at least two.
    pub fn n_parents(&self) -> usize {
        ((self.subpopulation as f64 * self.parents).floor() as usize).max(2)
    }

    /// l: offspring per generation.
    pub fn n_offspring(&self) -> usize {
        self.offspring.unwrap_or(self.subpopulation / 2)
    }

    /// Check every value; errors name the key.
    pub fn validate(&self, file: &str, env_id: &str) -> Result<()> {
        let bad = |key: &str, what: String| {
            Err(Error::Invalid(format!(
                "{file}: `{env_id}` → cosyne → {key}: {what}"
            )))
        };
        let least = match self.variant {
            Variant::Paper => 4,
            Variant::Repo => 3,
        };
        if self.subpopulation < least {
            return bad(
                "subpopulation",
                format!(
                    "{} networks; the {} variant needs at least {least} (parents and the networks \
                     they replace must differ)",
                    self.subpopulation,
                    self.variant_name()
                ),
            );
        }
        if self.hidden == 0 {
            return bad("hidden", "needs at least one hidden unit".into());
        }
        if let Err(e) = limits::check_hidden(&[self.hidden]) {
            return bad("hidden", e);
        }
        if let Err(e) = limits::check_count(self.subpopulation) {
            return bad("subpopulation", e);
        }
        for (key, v) in [
            ("episodes", self.episodes),
            ("generations", self.generations),
            ("save_freq", self.save_freq),
        ] {
            if v == 0 {
                return bad(key, "must be a positive integer".into());
            }
        }
        if self.max_steps == Some(0) {
            return bad("max_steps", "must be a positive integer".into());
        }
        if self.max_evaluations == Some(0) {
            return bad("max_evaluations", "must be a positive integer".into());
        }
        if !(self.parents > 0.0 && self.parents <= 1.0) {
            return bad(
                "parents",
                format!("{} is not a fraction in (0, 1]", self.parents),
            );
        }
        if self.variant == Variant::Paper {
            let (l, m) = (self.n_offspring(), self.subpopulation);
            if l == 0 || l >= m {
                return bad(
                    "offspring",
                    format!("{l}: must be at least 1 and below the subpopulation size {m}"),
                );
            }
            if self.n_parents() > m {
                return bad(
                    "parents",
                    format!("{} parents of {m} networks", self.n_parents()),
                );
            }
        }
        if !(0.0..=1.0).contains(&self.mutation_rate) {
            return bad("mutation_rate", "must be a probability in [0, 1]".into());
        }
        for (key, v) in [
            ("mutation_scale", self.mutation_scale),
            ("init_range", self.init_range),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return bad(key, "must be a positive number".into());
            }
        }
        if self.threshold.is_some_and(|t| !t.is_finite()) {
            return bad("threshold", "must be a finite number".into());
        }
        if let Err(e) = Activation::parse(&self.activation) {
            return bad("activation", e.to_string());
        }
        if !Head::NAMES.contains(&self.head.as_str()) {
            return bad(
                "head",
                format!(
                    "unknown head `{}`; expected {}",
                    self.head,
                    Head::NAMES.join(", ")
                ),
            );
        }
        if self.variant == Variant::Repo && self.fitness == Fitness::Damping {
            return bad(
                "fitness",
                "the repo variant scores returns only; damping is the paper's".into(),
            );
        }
        Ok(())
    }

    fn variant_name(&self) -> &'static str {
        match self.variant {
            Variant::Paper => "paper",
            Variant::Repo => "repo",
        }
    }

    /// One line per setting, for the start of a run.
    pub fn describe(&self) -> String {
        let arch = format!(
            "1 hidden layer of {} {} unit{}{}, {} head, biases: hidden {}, output {}",
            self.hidden,
            self.activation,
            if self.hidden == 1 { "" } else { "s" },
            if self.recurrent { " (Elman)" } else { "" },
            self.head,
            self.bias,
            self.output_bias
        );
        let steps = match self.max_steps {
            Some(s) => format!(
                "{s} steps{}",
                if self.ignore_done {
                    ", done ignored"
                } else {
                    ""
                }
            ),
            None => "the environment's time limit".into(),
        };
        format!(
            "  variant {}: {} networks per generation, {}\n  \
             parents {}, offspring {}, mutation {} × Cauchy({}){}, permutation {:?}\n  \
             fitness {:?} over {} episode{} of {steps}; threshold {}; at most {} generations{}; seed {}\n",
            self.variant_name(),
            self.subpopulation,
            arch,
            match self.variant {
                Variant::Paper => self.n_parents(),
                Variant::Repo => 2,
            },
            match self.variant {
                Variant::Paper => self.n_offspring(),
                Variant::Repo => 1,
            },
            self.mutation_rate,
            self.mutation_scale,
            if self.variant == Variant::Repo {
                " (repo: U(−2, 2) on 20 % drawn with replacement)"
            } else {
                ""
            },
            self.permutation,
            self.fitness,
            self.episodes,
            if self.episodes == 1 { "" } else { "s" },
            self.threshold
                .map_or("solved at 100,000 steps (pole tasks) or none".into(), |t| {
                    t.to_string()
                }),
            self.generations,
            self.max_evaluations
                .map_or(String::new(), |e| format!(" or {e} evaluations")),
            self.seed
        )
    }
}

/// The `cosyne:` settings of `env_id`: `variant` chooses the defaults, the file's keys override them,
/// and `generations` and `seed` come from the command line when given.
pub fn resolve(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    generations: Option<usize>,
    seed: Option<u64>,
) -> Result<CosyneConfig> {
    let file = hyper.map_or_else(
        || "hyperparameters.yml".to_string(),
        |h| h.path.display().to_string(),
    );
    let section = hyper.and_then(|h| h.section(env_id).and_then(|s| s.cosyne.clone()));
    let fail = |e: String| Error::Invalid(format!("{file}: `{env_id}` → cosyne: {e}"));
    let mut cfg = match section {
        None => CosyneConfig::defaults(Variant::Paper),
        Some(v) => {
            let serde_yaml::Value::Mapping(map) = v else {
                return Err(fail("expected a mapping of settings".into()));
            };
            let variant = match map.get("variant") {
                None => Variant::Paper,
                Some(v) => serde_yaml::from_value(v.clone())
                    .map_err(|e| fail(format!("variant: {e} (expected `paper` or `repo`)")))?,
            };
            // The variant's defaults, with the file's keys laid over them.
            let mut merged = match serde_yaml::to_value(CosyneConfig::defaults(variant)) {
                Ok(serde_yaml::Value::Mapping(m)) => m,
                _ => unreachable!("a config serialises to a mapping"),
            };
            for (k, v) in map {
                if !merged.contains_key(&k) {
                    let key = k.as_str().unwrap_or("?").to_string();
                    let known: Vec<String> = merged
                        .keys()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect();
                    return Err(fail(format!(
                        "unknown key `{key}`; the keys are {}",
                        known.join(", ")
                    )));
                }
                merged.insert(k, v);
            }
            serde_yaml::from_value(serde_yaml::Value::Mapping(merged))
                .map_err(|e| fail(e.to_string()))?
        }
    };
    if let Some(g) = generations {
        cfg.generations = g;
    }
    if let Some(s) = seed {
        cfg.seed = s;
    }
    cfg.validate(&file, env_id)?;
    Ok(cfg)
}

// ------------------------------------------------------------------------------------------------
// The genome: where each synapse of a network sits.

/// What one synapse (one row of the population) is in the network.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// Hidden layer weight [unit, input].
    W1(usize, usize),
    B1(usize),
    /// Output layer weight [output, unit].
    W2(usize, usize),
    B2(usize),
    /// Context weight [unit, unit].
    R(usize, usize),
}

/// The network's shape and its genome layout.
#[derive(Debug, Clone)]
struct Layout {
    n_in: usize,
    hidden: usize,
    n_out: usize,
    slots: Vec<Slot>,
    /// The crossover segments: ranges of `slots`.
    segments: Vec<std::ops::Range<usize>>,
    activation: Activation,
    head: Head,
    bias: bool,
    output_bias: bool,
    recurrent: bool,
}

impl Layout {
    /// The paper's layout: per hidden neuron its inputs and bias, its outputs, its recurrent weights;
    /// the output biases last. The repo's: W1 as its `x · W1` matrix (inputs × hidden, row-major), then
    /// W2 (hidden × outputs), its synapse order.
    fn new(cfg: &CosyneConfig, obs: &Space, act: &Space) -> Result<Layout> {
        let (n_in, h, n_out) = (obs.size(), cfg.hidden, act.size());
        let action_box = match act {
            Space::Box { low, high } => Some((low.as_slice(), high.as_slice())),
            Space::Discrete { .. } => None,
        };
        let mut head = Head::parse(&cfg.head, action_box)?;
        if act.is_discrete() && !head.is_discrete() {
            head = Head::Argmax;
        }
        let mut slots = Vec::new();
        let mut segments = Vec::new();
        match cfg.variant {
            Variant::Paper => {
                for j in 0..h {
                    let start = slots.len();
                    slots.extend((0..n_in).map(|i| Slot::W1(j, i)));
                    if cfg.bias {
                        slots.push(Slot::B1(j));
                    }
                    slots.extend((0..n_out).map(|o| Slot::W2(o, j)));
                    if cfg.recurrent {
                        slots.extend((0..h).map(|k| Slot::R(j, k)));
                    }
                    segments.push(start..slots.len());
                }
                if cfg.output_bias {
                    let start = slots.len();
                    slots.extend((0..n_out).map(Slot::B2));
                    segments.push(start..slots.len());
                }
            }
            Variant::Repo => {
                for i in 0..n_in {
                    slots.extend((0..h).map(|j| Slot::W1(j, i)));
                }
                for j in 0..h {
                    slots.extend((0..n_out).map(|o| Slot::W2(o, j)));
                }
                if cfg.bias {
                    slots.extend((0..h).map(Slot::B1));
                }
                if cfg.output_bias {
                    slots.extend((0..n_out).map(Slot::B2));
                }
                if cfg.recurrent {
                    for j in 0..h {
                        slots.extend((0..h).map(|k| Slot::R(j, k)));
                    }
                }
                segments.push(0..slots.len());
            }
        }
        if cfg.variant == Variant::Paper {
            if let Some(seg) = segments.iter().find(|s| s.len() < 2) {
                let what = if cfg.output_bias && seg.start + n_out == slots.len() {
                    "the output biases' segment".to_string()
                } else {
                    format!(
                        "hidden unit {}'s segment",
                        segments.iter().position(|s| s == seg).unwrap()
                    )
                };
                return Err(Error::Invalid(format!(
                    "cosyne: {what} holds {} weight; one-point crossover inside a segment needs at \
                     least 2 (give the output layer no bias with `output_bias: false`, or more outputs \
                     or inputs)",
                    seg.len()
                )));
            }
        }
        Ok(Layout {
            n_in,
            hidden: h,
            n_out,
            slots,
            segments,
            activation: Activation::parse(&cfg.activation)?,
            head,
            bias: cfg.bias,
            output_bias: cfg.output_bias,
            recurrent: cfg.recurrent,
        })
    }

    fn n(&self) -> usize {
        self.slots.len()
    }

    /// The actor whose synapses are `genome`.
    fn actor(&self, genome: &[f64]) -> Actor {
        let (n_in, h, n_out) = (self.n_in, self.hidden, self.n_out);
        let mut w1 = vec![0.0; h * n_in];
        let mut b1 = vec![0.0; h];
        let mut w2 = vec![0.0; n_out * h];
        let mut b2 = vec![0.0; n_out];
        let mut r = vec![0.0; h * h];
        for (slot, &v) in self.slots.iter().zip(genome) {
            match *slot {
                Slot::W1(j, i) => w1[j * n_in + i] = v,
                Slot::B1(j) => b1[j] = v,
                Slot::W2(o, j) => w2[o * h + j] = v,
                Slot::B2(o) => b2[o] = v,
                Slot::R(j, k) => r[j * h + k] = v,
            }
        }
        Actor {
            layers: vec![
                Linear {
                    in_features: n_in,
                    out_features: h,
                    weight: w1,
                    bias: self.bias.then_some(b1),
                },
                Linear {
                    in_features: h,
                    out_features: n_out,
                    weight: w2,
                    bias: self.output_bias.then_some(b2),
                },
            ],
            activations: vec![self.activation],
            head: self.head.clone(),
            mask: None,
            recurrent: self.recurrent.then_some(r),
            dtype: Dtype::F64,
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Evaluation.

/// One network's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub fitness: f64,
    /// The mean return of its episodes.
    pub ret: f64,
    /// Steps run, all episodes.
    pub steps: u64,
    /// The longest episode, in steps.
    pub longest: usize,
}

/// The evaluation settings of a run.
#[derive(Debug, Clone)]
struct Evaluator {
    env_id: String,
    options: EnvOptions,
    episodes: usize,
    max_steps: usize,
    ignore_done: bool,
    fitness: Fitness,
    seed: u64,
}

/// The pole-balancing tasks of the paper (`env/classic/gomez.rs`).
pub const POLE_IDS: [&str; 4] = [
    "SinglePole-v0",
    "SinglePoleNoVel-v0",
    "DoublePole-v0",
    "DoublePoleNoVel-v0",
];

fn is_pole_balancing(id: &str) -> bool {
    POLE_IDS.contains(&id)
}

/// Gruau's episodes are 1,000 steps.
const DAMPING_STEPS: usize = gomez::GENERALISATION_STEPS;

impl Evaluator {
    /// Evaluation number `index` of the run (episode e seeded from the run's seed, the index and e).
    fn evaluate(&self, env: &mut dyn env::Env, actor: &Actor, index: u64) -> Evaluation {
        let mut sum = 0.0;
        let mut fit = 0.0;
        let mut steps = 0u64;
        let mut longest = 0;
        for e in 0..self.episodes as u64 {
            let seed = self
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(index.wrapping_mul(1_000_003))
                .wrapping_add(e);
            let ep = match self.fitness {
                Fitness::Return => rollout::run_episode_stepped(
                    env,
                    actor,
                    seed,
                    self.max_steps,
                    self.ignore_done,
                    |_| {},
                ),
                Fitness::Damping => {
                    let mut last = VecDeque::with_capacity(100);
                    let ep = rollout::run_episode_stepped(
                        env,
                        actor,
                        seed,
                        self.max_steps,
                        false,
                        |s| {
                            if last.len() == 100 {
                                last.pop_front();
                            }
                            last.push_back(s.info.get("wobble").unwrap_or(0.0));
                        },
                    );
                    // Summed oldest first, the order the steps came in.
                    let wobble: f64 = last.iter().sum();
                    fit += gomez::gruau_fitness(ep.length, wobble);
                    ep
                }
            };
            sum += ep.ret;
            steps += ep.length as u64;
            longest = longest.max(ep.length);
        }
        let n = self.episodes as f64;
        Evaluation {
            fitness: match self.fitness {
                Fitness::Return => sum / n,
                Fitness::Damping => fit / n,
            },
            ret: sum / n,
            steps,
            longest,
        }
    }
}

/// The damping task's solution test: balance 100,000 steps from the standard start, and 1,000 steps
/// from at least 200 of the 625 generalisation starts. Returns the starts balanced (`None` if the long
/// run fails) and the steps run.
pub fn damping_test(
    env_id: &str,
    options: EnvOptions,
    actor: &Actor,
) -> Result<(Option<usize>, u64)> {
    let base = env::base_id(env_id);
    let long = format!("{base}:max_episode_steps={}", gomez::SOLVED_STEPS);
    let mut env = env::make_with(&long, options)?;
    let ep = rollout::run_episode(env.as_mut(), actor, 0, gomez::SOLVED_STEPS);
    let mut steps = ep.length as u64;
    if ep.length < gomez::SOLVED_STEPS || ep.terminated {
        return Ok((None, steps));
    }
    let starts = gomez::generalisation_starts();
    let short = format!("{base}:max_episode_steps={}", gomez::GENERALISATION_STEPS);
    let results = rollout::par_map_shared(&short, options, &starts, |env, s| {
        env.reset(Some(0));
        let [x, x_dot, theta1, theta1_dot] = *s;
        // The long pole is `theta1` with two poles, `theta` with one.
        let two = env.perturbations().iter().any(|p| p.name == "theta1");
        let (angle, rate) = if two {
            ("theta1", "theta1_dot")
        } else {
            ("theta", "theta_dot")
        };
        let p = Perturbation::new()
            .with("x", x)
            .with("x_dot", x_dot)
            .with(angle, theta1)
            .with(rate, theta1_dot);
        let t = rollout::record_episode(env, actor, 0, &p, gomez::GENERALISATION_STEPS)?;
        Ok((t.actions.len(), t.terminated))
    })?;
    steps += results.iter().map(|r| r.0 as u64).sum::<u64>();
    let balanced = results
        .iter()
        .filter(|(n, terminated)| *n == gomez::GENERALISATION_STEPS && !terminated)
        .count();
    Ok((Some(balanced), steps))
}

// ------------------------------------------------------------------------------------------------
// The learner.

/// Where a CoSyNE run writes.
#[derive(Debug, Clone)]
pub struct Files {
    pub actor: PathBuf,
    pub checkpoint: PathBuf,
    pub log: PathBuf,
    pub curve: PathBuf,
    /// TensorBoard's log folder (`runs`): event files go to `<it>/<env>_<algo>_<seed>/`; `None` writes
    /// none (the default here; the command line's default is `runs`).
    pub tensorboard: Option<PathBuf>,
}

impl Files {
    /// `Policies/cosyne_actor<ENV>.pth` and `cosyne_checkpoint<ENV>.json`,
    /// `Graph/train_cosyne_<ENV>.csv` and `.png`.
    pub fn default_for(env_id: &str) -> Files {
        Files {
            actor: PathBuf::from(format!("Policies/cosyne_actor{env_id}.pth")),
            checkpoint: PathBuf::from(format!("Policies/cosyne_checkpoint{env_id}.json")),
            log: PathBuf::from(format!("Graph/train_cosyne_{env_id}.csv")),
            curve: PathBuf::from(format!("Graph/train_cosyne_{env_id}.png")),
            tensorboard: None,
        }
    }
}

/// Where a run stands when it found its solution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Solved {
    pub generation: usize,
    /// Evaluations up to and including the solving one.
    pub evaluations: u64,
    /// For the damping task: generalisation starts balanced.
    pub generalisation: Option<usize>,
}

/// Names the format, so another learner's checkpoint is refused clearly.
pub const FORMAT: &str = "synapt-safety CoSyNE checkpoint v1";

/// Everything a run needs to go on exactly where it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: String,
    pub env_id: String,
    pub config: CosyneConfig,
    pub generation: usize,
    pub evaluations: u64,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// Network j's synapses: `population[j]` (a column of the paper's matrix).
    pub population: Vec<Vec<f64>>,
    /// The repo variant's running fitness per synapse, `synapse_fitness[j][i]`.
    pub synapse_fitness: Vec<Vec<f64>>,
    pub rng: RngState,
    /// The best network so far, its evaluation and the evaluation's number.
    pub best: Option<(Vec<f64>, Evaluation)>,
    pub solved: Option<Solved>,
}

/// One generation's line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationLog {
    pub generation: usize,
    pub evaluations: u64,
    pub timesteps: u64,
    pub episodes: u64,
    pub fitness_best: f64,
    pub fitness_mean: f64,
    pub fitness_std: f64,
    pub longest: usize,
    pub champion_fitness: f64,
    pub solved: Option<Solved>,
    pub wall_s: f64,
}

const CSV_HEADER: &str = "generation,evaluations,timesteps,episodes,fitness_best,fitness_mean,\
fitness_std,longest_episode,champion_fitness,solved_at_evaluation,generalisation,wall_s";

impl LogRecord for GenerationLog {
    fn iteration(&self) -> usize {
        self.generation
    }

    fn csv_row(&self) -> String {
        let (at, gen) = match self.solved {
            Some(s) => (
                s.evaluations.to_string(),
                s.generalisation.map_or(String::new(), |g| g.to_string()),
            ),
            None => (String::new(), String::new()),
        };
        format!(
            "{},{},{},{},{:?},{:?},{:?},{},{:?},{at},{gen},{:.3}\n",
            self.generation,
            self.evaluations,
            self.timesteps,
            self.episodes,
            self.fitness_best,
            self.fitness_mean,
            self.fitness_std,
            self.longest,
            self.champion_fitness,
            self.wall_s
        )
    }

    fn status(&self) -> String {
        match self.solved {
            Some(s) => format!("solved at evaluation {}", s.evaluations),
            None => format!(
                "{} evaluations · best {:.1} · longest episode {}",
                self.evaluations, self.fitness_best, self.longest
            ),
        }
    }
}

/// A CoSyNE run.
pub struct Cosyne {
    state: State,
    layout: Layout,
    evaluator: Evaluator,
    rng: RandomState,
    files: Files,
    /// `--iterations` may move the end of a resumed run.
    total: usize,
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Indices of `fitness` best first (ties: the lower index first).
fn ranked(fitness: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..fitness.len()).collect();
    order.sort_by(|&a, &b| fitness[b].total_cmp(&fitness[a]).then(a.cmp(&b)));
    order
}

/// Fisher–Yates over `v` (NumPy's `shuffle` order: from the end, j ≤ i).
fn shuffle<T>(rng: &mut RandomState, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.randint(0, i as i64 + 1) as usize;
        v.swap(i, j);
    }
}

impl Cosyne {
    fn build(state: State, files: &Files, total: usize) -> Result<Cosyne> {
        let probe = env::make_with(&state.env_id, EnvOptions::default())?;
        let cfg = &state.config;
        let layout = Layout::new(cfg, &probe.observation_space(), &probe.action_space())?;
        if cfg.fitness == Fitness::Damping && !is_pole_balancing(env::base_id(&state.env_id)) {
            return Err(Error::Invalid(format!(
                "cosyne: `fitness: damping` is Gruau's fitness for the pole-balancing tasks ({}); \
                 {} has no wobble to damp",
                POLE_IDS.join(", "),
                state.env_id
            )));
        }
        let env_limit = probe.max_episode_steps().unwrap_or(usize::MAX);
        let max_steps = match (cfg.max_steps, cfg.fitness) {
            (Some(s), _) => s,
            (None, Fitness::Damping) => DAMPING_STEPS,
            (None, Fitness::Return) => env_limit,
        };
        if max_steps == usize::MAX {
            return Err(Error::Invalid(format!(
                "cosyne: {} has no time limit; set `max_steps`",
                state.env_id
            )));
        }
        let rng = RandomState::from_state(&state.rng)?;
        let evaluator = Evaluator {
            env_id: state.env_id.clone(),
            options: EnvOptions::default(),
            episodes: cfg.episodes,
            max_steps,
            ignore_done: cfg.ignore_done,
            fitness: cfg.fitness,
            seed: cfg.seed,
        };
        Ok(Cosyne {
            state,
            layout,
            evaluator,
            rng,
            files: files.clone(),
            total,
        })
    }

    /// A fresh run: the initial population drawn from the seed.
    pub fn new(
        env_id: &str,
        options: EnvOptions,
        cfg: CosyneConfig,
        files: &Files,
    ) -> Result<Cosyne> {
        let probe = env::make_with(env_id, options)?;
        let layout = Layout::new(&cfg, &probe.observation_space(), &probe.action_space())?;
        let mut rng = RandomState::from_gym_seed(cfg.seed);
        let (m, n) = (cfg.subpopulation, layout.n());
        limits::check_values("cosyne → subpopulation: the population", m, n)
            .map_err(Error::Invalid)?;
        let population: Vec<Vec<f64>> = (0..m)
            .map(|_| {
                (0..n)
                    .map(|_| match cfg.variant {
                        Variant::Paper => rng.uniform(-cfg.init_range, cfg.init_range),
                        Variant::Repo => rng.random_sample(),
                    })
                    .collect()
            })
            .collect();
        let synapse_fitness = match cfg.variant {
            Variant::Paper => Vec::new(),
            Variant::Repo => vec![vec![1.0; n]; m],
        };
        let total = cfg.generations;
        let state = State {
            format: FORMAT.into(),
            env_id: env_id.to_string(),
            config: cfg,
            generation: 0,
            evaluations: 0,
            timesteps: 0,
            episodes: 0,
            wall_s: 0.0,
            population,
            synapse_fitness,
            rng: rng.to_state(),
            best: None,
            solved: None,
        };
        let mut c = Cosyne::build(state, files, total)?;
        c.evaluator.options = options;
        c.rng = rng;
        Ok(c)
    }

    /// Go on from the checkpoint; `generations` moves the end when given.
    pub fn resume(
        env_id: &str,
        options: EnvOptions,
        generations: Option<usize>,
        files: &Files,
    ) -> Result<Cosyne> {
        let state: State = learner::load_checkpoint(&files.checkpoint, FORMAT)?;
        if state.env_id != env_id {
            return Err(Error::Invalid(format!(
                "--resume: {} is a checkpoint of {}, not {env_id}",
                files.checkpoint.display(),
                state.env_id
            )));
        }
        let file = files.checkpoint.display().to_string();
        state.config.validate(&file, env_id)?;
        let m = state.config.subpopulation;
        let total = generations.unwrap_or(state.config.generations);
        let mut state = state;
        state.config.generations = total;
        let mut c = Cosyne::build(state, files, total)?;
        c.evaluator.options = options;
        let n = c.layout.n();
        let bad_shape = c.state.population.len() != m
            || c.state.population.iter().any(|g| g.len() != n)
            || (c.state.config.variant == Variant::Repo
                && (c.state.synapse_fitness.len() != m
                    || c.state.synapse_fitness.iter().any(|g| g.len() != n)))
            || c.state.best.as_ref().is_some_and(|(g, _)| g.len() != n);
        if bad_shape {
            return Err(Error::Config {
                path: files.checkpoint.clone(),
                reason: format!(
                    "not a readable training checkpoint: the population is not {m} networks of {n} \
                     synapses"
                ),
            });
        }
        Ok(c)
    }

    pub fn config(&self) -> &CosyneConfig {
        &self.state.config
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// The champion: the solving network, else the best evaluated so far (before any generation, the
    /// first network).
    pub fn champion(&self) -> Actor {
        match &self.state.best {
            Some((g, _)) => self.layout.actor(g),
            None => self.layout.actor(&self.state.population[0]),
        }
    }

    /// Evaluate `genomes` as evaluations `first`, `first + 1`, … on the pool.
    fn evaluate(&self, genomes: &[&Vec<f64>], first: u64) -> Result<Vec<Evaluation>> {
        let items: Vec<(u64, Actor)> = genomes
            .iter()
            .enumerate()
            .map(|(k, g)| (first + k as u64, self.layout.actor(g)))
            .collect();
        let ev = &self.evaluator;
        rollout::par_map_shared(&ev.env_id, ev.options, &items, |env, (i, a)| {
            Ok(ev.evaluate(env, a, *i))
        })
    }

    /// Count evaluations in order, keep the best, and stop at the first that solves the task.
    fn account(
        &mut self,
        genomes: &[&Vec<f64>],
        evals: &[Evaluation],
        solving: &[bool],
    ) -> Result<()> {
        let cfg = &self.state.config;
        for ((g, e), &check) in genomes.iter().zip(evals).zip(solving) {
            if self.state.solved.is_some() {
                break;
            }
            self.state.evaluations += 1;
            self.state.timesteps += e.steps;
            self.state.episodes += cfg.episodes as u64;
            if self
                .state
                .best
                .as_ref()
                .is_none_or(|(_, b)| e.fitness > b.fitness)
            {
                self.state.best = Some(((*g).clone(), *e));
            }
            if !check {
                continue;
            }
            let solved = match cfg.fitness {
                Fitness::Return => match cfg.threshold {
                    Some(t) => e.fitness >= t,
                    None => {
                        is_pole_balancing(env::base_id(&self.state.env_id))
                            && e.longest >= gomez::SOLVED_STEPS
                    }
                },
                Fitness::Damping => {
                    if e.longest < DAMPING_STEPS {
                        false
                    } else {
                        let actor = self.layout.actor(g);
                        let (balanced, steps) =
                            damping_test(&self.state.env_id, self.evaluator.options, &actor)?;
                        self.state.timesteps += steps;
                        match balanced {
                            Some(b) if b >= gomez::GENERALISATION_PASS => {
                                self.state.solved = Some(Solved {
                                    generation: self.state.generation + 1,
                                    evaluations: self.state.evaluations,
                                    generalisation: Some(b),
                                });
                                self.state.best = Some(((*g).clone(), *e));
                            }
                            _ => {}
                        }
                        continue;
                    }
                }
            };
            if solved {
                self.state.solved = Some(Solved {
                    generation: self.state.generation + 1,
                    evaluations: self.state.evaluations,
                    generalisation: None,
                });
                self.state.best = Some(((*g).clone(), *e));
            }
        }
        Ok(())
    }

    /// One generation of Algorithm 2.
    fn paper_generation(&mut self) -> Result<Vec<f64>> {
        let (m, n) = (self.state.config.subpopulation, self.layout.n());
        let pop = self.state.population.clone();
        let refs: Vec<&Vec<f64>> = pop.iter().collect();
        let evals = self.evaluate(&refs, self.state.evaluations)?;
        self.account(&refs, &evals, &vec![true; m])?;
        let fitness: Vec<f64> = evals.iter().map(|e| e.fitness).collect();
        if self.state.solved.is_some() {
            return Ok(fitness);
        }
        let cfg = self.state.config.clone();
        let order = ranked(&fitness);
        let (n_par, l) = (cfg.n_parents(), cfg.n_offspring());
        let parents = &order[..n_par];
        // Offspring: pairs of distinct parents, one-point crossover inside every segment, then Cauchy
        // mutation of each weight with probability mutation_rate.
        let mut offspring: Vec<Vec<f64>> = Vec::with_capacity(l + 1);
        while offspring.len() < l {
            // Two distinct parents, uniformly.
            let ai = self.rng.randint(0, n_par as i64) as usize;
            let mut bi = self.rng.randint(0, n_par as i64 - 1) as usize;
            if bi >= ai {
                bi += 1;
            }
            let (a, b) = (parents[ai], parents[bi]);
            let (mut c1, mut c2) = (pop[a].clone(), pop[b].clone());
            for seg in &self.layout.segments {
                let cut = seg.start + self.rng.randint(1, seg.len() as i64) as usize;
                c1[cut..seg.end].copy_from_slice(&pop[b][cut..seg.end]);
                c2[cut..seg.end].copy_from_slice(&pop[a][cut..seg.end]);
            }
            offspring.push(c1);
            offspring.push(c2);
        }
        offspring.truncate(l);
        for child in &mut offspring {
            for w in child.iter_mut() {
                if self.rng.random_sample() < cfg.mutation_rate {
                    let u = self.rng.random_sample();
                    *w += cfg.mutation_scale * (std::f64::consts::PI * (u - 0.5)).tan();
                }
            }
        }
        // Every subpopulation sorted by fitness: the survivors first, the l least fit replaced.
        let survivors = &order[..m - l];
        let (fmin, fmax) = (fitness[order[m - 1]], fitness[order[0]]);
        let mut next: Vec<Vec<f64>> = vec![vec![0.0; n]; m];
        for i in 0..n {
            let mut row: Vec<f64> = survivors.iter().map(|&j| pop[j][i]).collect();
            // Mark, then permute the marked entries among their own positions.
            let marked: Vec<usize> = match cfg.permutation {
                Permutation::All => (0..row.len()).collect(),
                Permutation::Fitness => survivors
                    .iter()
                    .enumerate()
                    .filter(|(_, &j)| {
                        let p = if fmax > fmin {
                            1.0 - ((fitness[j] - fmin) / (fmax - fmin)).powf(1.0 / n as f64)
                        } else {
                            1.0
                        };
                        self.rng.random_sample() < p
                    })
                    .map(|(k, _)| k)
                    .collect(),
            };
            let mut values: Vec<f64> = marked.iter().map(|&k| row[k]).collect();
            shuffle(&mut self.rng, &mut values);
            for (&k, v) in marked.iter().zip(values) {
                row[k] = v;
            }
            for (j, v) in row.into_iter().enumerate() {
                next[j][i] = v;
            }
            for (k, child) in offspring.iter().enumerate() {
                next[m - l + k][i] = child[i];
            }
        }
        self.state.population = next;
        Ok(fitness)
    }

    /// One generation of the repo's `CoSyne_RL`.
    fn repo_generation(&mut self) -> Result<Vec<f64>> {
        let (m, n) = (self.state.config.subpopulation, self.layout.n());
        // 1. A network's fitness is the mean of its synapses' running fitness.
        let net: Vec<f64> = self
            .state
            .synapse_fitness
            .iter()
            .map(|f| f.iter().sum::<f64>() / n as f64)
            .collect();
        let order = ranked(&net);
        let (p1, p2, worst) = (order[0], order[1], order[m - 1]);
        // 3. Parent 1 is re-evaluated once: the run's "best fitness".
        let parent = self.state.population[p1].clone();
        let e1 = self.evaluate(&[&parent], self.state.evaluations)?;
        self.account(&[&parent], &e1, &[true])?;
        if self.state.solved.is_some() {
            return Ok(vec![e1[0].fitness]);
        }
        // 4–5. Uniform crossover, keep child 1; add U(−2, 2) to int(0.2 · size) weights of each layer,
        // drawn with replacement.
        let mut child: Vec<f64> = (0..n)
            .map(|i| {
                if self.rng.random_sample() < 0.5 {
                    self.state.population[p1][i]
                } else {
                    self.state.population[p2][i]
                }
            })
            .collect();
        let (h, n_in, n_out) = (self.layout.hidden, self.layout.n_in, self.layout.n_out);
        let cfg = self.state.config.clone();
        for (start, size) in [(0, n_in * h), (n_in * h, h * n_out)] {
            let k = (cfg.mutation_rate * size as f64) as usize;
            for _ in 0..k {
                let i = start + self.rng.randint(0, size as i64) as usize;
                child[i] += self.rng.uniform(-cfg.mutation_scale, cfg.mutation_scale);
            }
        }
        // 6. The child replaces the worst network; its synapses' fitness moves halfway to the child's.
        let ec = self.evaluate(&[&child], self.state.evaluations)?;
        self.account(&[&child], &ec, &[false])?;
        self.state.population[worst] = child;
        for f in &mut self.state.synapse_fitness[worst] {
            *f = (*f + ec[0].fitness) / 2.0;
        }
        // 7. The "permutation": synapse columns 0, 2, 4, … below the population size, (weight,
        // fitness) pairs shuffled across networks.
        for c in (0..m.min(n)).step_by(2) {
            let mut pairs: Vec<(f64, f64)> = (0..m)
                .map(|j| {
                    (
                        self.state.population[j][c],
                        self.state.synapse_fitness[j][c],
                    )
                })
                .collect();
            shuffle(&mut self.rng, &mut pairs);
            for (j, (w, f)) in pairs.into_iter().enumerate() {
                self.state.population[j][c] = w;
                self.state.synapse_fitness[j][c] = f;
            }
        }
        // 8. Every network once more; each synapse's fitness moves halfway to its network's.
        let pop = self.state.population.clone();
        let refs: Vec<&Vec<f64>> = pop.iter().collect();
        let evals = self.evaluate(&refs, self.state.evaluations)?;
        self.account(&refs, &evals, &vec![false; m])?;
        for (f, e) in self.state.synapse_fitness.iter_mut().zip(&evals) {
            for v in f.iter_mut() {
                *v = (*v + e.fitness) / 2.0;
            }
        }
        let mut all = vec![e1[0].fitness, ec[0].fitness];
        all.extend(evals.iter().map(|e| e.fitness));
        Ok(all)
    }

    fn budget_spent(&self) -> bool {
        self.state
            .config
            .max_evaluations
            .is_some_and(|b| self.state.evaluations >= b as u64)
    }
}

impl Learner for Cosyne {
    type Log = GenerationLog;

    fn iteration(&self) -> usize {
        self.state.generation
    }

    /// The last generation: now, once solved or out of evaluations.
    fn total(&self) -> usize {
        if self.state.solved.is_some() || self.budget_spent() {
            self.state.generation
        } else {
            self.total
        }
    }

    fn save_freq(&self) -> usize {
        self.state.config.save_freq
    }

    fn log_header(&self) -> &'static str {
        CSV_HEADER
    }

    fn curve_columns(&self) -> [usize; 3] {
        // evaluations, fitness_mean, fitness_std
        [1, 5, 6]
    }

    fn curve_title(&self) -> String {
        format!(
            "{} · CoSyNE ({}) · seed {} · mean fitness of each generation's evaluations, ± std, \
             against evaluations",
            self.state.env_id,
            self.state.config.variant_name(),
            self.state.config.seed
        )
    }

    fn step(&mut self) -> Result<GenerationLog> {
        let t = Instant::now();
        let fitness = match self.state.config.variant {
            Variant::Paper => self.paper_generation()?,
            Variant::Repo => self.repo_generation()?,
        };
        self.state.generation += 1;
        self.state.wall_s += t.elapsed().as_secs_f64();
        self.state.rng = self.rng.to_state();
        let (mean, std) = mean_std(&fitness);
        let best = fitness.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let champion = self
            .state
            .best
            .as_ref()
            .map_or(f64::NAN, |(_, e)| e.fitness);
        Ok(GenerationLog {
            generation: self.state.generation,
            evaluations: self.state.evaluations,
            timesteps: self.state.timesteps,
            episodes: self.state.episodes,
            fitness_best: best,
            fitness_mean: mean,
            fitness_std: std,
            longest: self.state.best.as_ref().map_or(0, |(_, e)| e.longest),
            champion_fitness: champion,
            solved: self.state.solved,
            wall_s: self.state.wall_s,
        })
    }

    /// The champion (with its architecture file) and the checkpoint.
    fn save(&self) -> Result<()> {
        self.champion().save(&self.files.actor)?;
        learner::save_checkpoint(&self.files.checkpoint, &self.state)
    }
}

/// Run CoSyNE to its generations, its solution or its evaluation budget (from scratch with `cfg`, or
/// from the checkpoint with `resume`, where `generations` moves the end), through the shared run loop.
pub fn run(
    env_id: &str,
    options: EnvOptions,
    cfg: CosyneConfig,
    files: &Files,
    resume: Option<Option<usize>>,
    stop: &AtomicBool,
) -> Result<TrainReport> {
    // Settings are checked (building the run) before anything is created.
    let mut c = match resume {
        Some(generations) => Cosyne::resume(env_id, options, generations, files)?,
        None => Cosyne::new(env_id, options, cfg, files)?,
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
        events: learner::events_dir(
            files.tensorboard.as_deref(),
            env_id,
            "cosyne",
            c.state.config.seed,
        ),
    };
    let (start_steps, start_wall) = (c.state.timesteps, c.state.wall_s);
    let out = learner::run_loop(&mut c, &loop_files, resume.is_some(), true, stop)?;
    let s = &c.state;
    let mut notes = Vec::new();
    match s.solved {
        Some(sv) => notes.push(format!(
            "solved at evaluation {} (generation {}){}",
            sv.evaluations,
            sv.generation,
            sv.generalisation.map_or(String::new(), |g| format!(
                "; generalisation: {g} of 625 starts balanced"
            ))
        )),
        None if s.config.threshold.is_none()
            && s.config.fitness == Fitness::Return
            && !is_pole_balancing(env::base_id(env_id)) =>
        {
            notes.push(format!(
                "{env_id} has no solution criterion here (no `threshold`): the champion is the best \
                 of {} evaluations",
                s.evaluations
            ))
        }
        None => notes.push(format!(
            "not solved in {} evaluations; the champion is the best network evaluated",
            s.evaluations
        )),
    }
    Ok(TrainReport {
        env_id: env_id.to_string(),
        learner: ("algo", format!("cosyne ({})", s.config.variant_name())),
        resumed_from: out.resumed_from,
        iteration: s.generation,
        total: c.total,
        timesteps: s.timesteps,
        episodes: s.episodes,
        wall_s: s.wall_s,
        steps_per_s: (s.timesteps - start_steps) as f64 / (s.wall_s - start_wall).max(1e-9),
        last: vec![
            ("evaluations", s.evaluations.to_string()),
            (
                "champion fitness",
                s.best
                    .as_ref()
                    .map_or("–".into(), |(_, e)| format!("{:.2}", e.fitness)),
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
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(cfg: CosyneConfig) -> Cosyne {
        let files = Files::default_for("SinglePole-v0");
        Cosyne::new("SinglePole-v0", EnvOptions::default(), cfg, &files).unwrap()
    }

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    /// One generation without mutation: every subpopulation keeps its survivors' values (permuted
    /// among themselves), and each offspring is, segment by segment, a prefix of one parent and the
    /// rest of another.
    #[test]
    fn a_generation_permutes_survivors_and_crosses_parents_segment_by_segment() {
        let cfg = CosyneConfig {
            subpopulation: 8,
            hidden: 2,
            mutation_rate: 0.0,
            ..CosyneConfig::defaults(Variant::Paper)
        };
        let mut c = learner(cfg);
        let before = c.state.population.clone();
        let fitness = c.paper_generation().unwrap();
        let order = ranked(&fitness);
        let (m, l) = (8, c.state.config.n_offspring());
        let after = &c.state.population;
        let mut moved = false;
        for i in 0..c.layout.n() {
            let kept: Vec<f64> = order[..m - l].iter().map(|&j| before[j][i]).collect();
            let now: Vec<f64> = after[..m - l].iter().map(|g| g[i]).collect();
            moved |= kept != now;
            assert_eq!(sorted(kept), sorted(now), "synapse {i}");
        }
        assert!(moved, "permutation with probability 1 moves entries");
        let parents: Vec<&Vec<f64>> = order[..c.state.config.n_parents()]
            .iter()
            .map(|&j| &before[j])
            .collect();
        for child in &after[m - l..] {
            for seg in &c.layout.segments {
                let ok = parents.iter().any(|a| {
                    parents.iter().any(|b| {
                        (seg.start + 1..seg.end).any(|cut| {
                            child[seg.start..cut] == a[seg.start..cut]
                                && child[cut..seg.end] == b[cut..seg.end]
                        })
                    })
                });
                assert!(ok, "segment {seg:?} of {child:?}");
            }
        }
    }

    /// The paper's genome: per hidden neuron its inputs and bias, its output weights, its context
    /// weights; every synapse lands in its place in the actor.
    #[test]
    fn the_genome_maps_onto_the_actor_neuron_by_neuron() {
        let cfg = CosyneConfig {
            hidden: 2,
            recurrent: true,
            bias: true,
            ..CosyneConfig::defaults(Variant::Paper)
        };
        // 4 inputs + bias + 1 output + 2 context weights per neuron.
        let c = learner(cfg);
        // 4 inputs + bias + 1 output + 2 context weights per neuron.
        assert_eq!(c.layout.segments, vec![0..8, 8..16]);
        let genome: Vec<f64> = (0..16).map(|k| k as f64).collect();
        let a = c.layout.actor(&genome);
        assert_eq!(
            a.layers[0].weight,
            [0.0, 1.0, 2.0, 3.0, 8.0, 9.0, 10.0, 11.0]
        );
        assert_eq!(a.layers[0].bias.as_deref(), Some(&[4.0, 12.0][..]));
        assert_eq!(a.layers[1].weight, [5.0, 13.0]);
        assert_eq!(a.recurrent.as_deref(), Some(&[6.0, 7.0, 14.0, 15.0][..]));
    }
}
