//! Environments in Gymnasium's shape: `reset(seed)`, `step(action)` returning observation, reward,
//! terminated and truncated; declared spaces; time limits as a wrapper; a registry by Gym id.
//!
//! Observations are `f64` vectors that hold exactly the values Gymnasium returns: where Gymnasium
//! returns float32, the value is the float32 rounding, widened. Dynamics keep the precision Python keeps.

pub mod classic;
pub mod registry;
pub mod rng;
pub mod time_limit;

pub use registry::{make, ENV_IDS};
pub use time_limit::TimeLimit;

/// A space, as Gymnasium declares it. Box bounds are widened from float32 where Gymnasium's are float32.
#[derive(Debug, Clone, PartialEq)]
pub enum Space {
    Discrete { n: usize },
    Box { low: Vec<f64>, high: Vec<f64> },
}

impl Space {
    /// The flat size: `n` actions for a discrete space (one logit each), the dimension of a box.
    pub fn size(&self) -> usize {
        match self {
            Space::Discrete { n } => *n,
            Space::Box { low, .. } => low.len(),
        }
    }

    pub fn is_discrete(&self) -> bool {
        matches!(self, Space::Discrete { .. })
    }
}

/// An action: an index for discrete spaces, a vector for boxes (the environment rounds it to float32
/// and clips it exactly where Gymnasium does).
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Discrete(usize),
    Continuous(Vec<f64>),
}

/// What `step` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub obs: Vec<f64>,
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
}

/// A Gymnasium-style environment.
pub trait Env: Send {
    /// The Gym id, e.g. `CartPole-v1`.
    fn id(&self) -> &str;
    fn observation_space(&self) -> Space;
    fn action_space(&self) -> Space;
    /// Names of the observation components, in order (`x`, `x_dot`, `theta`, ...).
    fn observation_names(&self) -> &'static [&'static str];
    /// `Some(seed)` reseeds the environment's RNG as Gymnasium's `reset(seed=...)` does. `None` keeps
    /// drawing from the current RNG; a fresh environment that was never seeded starts from seed 0,
    /// never from OS entropy, so every run is reproducible.
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64>;
    /// One step. The action must be of the action space's kind (the rollout guarantees it).
    fn step(&mut self, action: &Action) -> Step;
    /// The time limit that `make` wraps around the environment, if any.
    fn max_episode_steps(&self) -> Option<usize> {
        None
    }
}
