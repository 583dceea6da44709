//! Environments in Gymnasium's shape: `reset(seed)`, `step(action)` returning observation, reward,
//! terminated and truncated; declared spaces; time limits as a wrapper; a registry of [`EnvSpec`]s by
//! Gym id, whose keyword arguments make variants (`ID:key=value,...`).
//!
//! Observations are `f64` vectors that hold exactly the values Gymnasium returns: where Gymnasium
//! returns float32, the value is the float32 rounding, widened. Dynamics keep the precision Python keeps.

pub mod box2d;
pub mod bullet;
pub mod classic;
pub mod legacy_rng;
pub mod npmath;
pub mod perturb;
pub mod rapier;
pub mod registry;
pub mod replay;
pub mod rng;
pub mod snapshot;
pub mod spec;
pub mod time_limit;

pub use perturb::{Param, ParamKind, Perturbation};
pub use registry::{
    base_id, canonical_name, closest_ids, list_envs, make, make_with, spec_of, EnvOptions, ENV_IDS,
    SPECS,
};
pub use snapshot::{RngState, Snapshot};
pub use spec::{EnvName, EnvSpec, Kwarg, Kwargs, SceneKind, Value};
pub use time_limit::TimeLimit;

use crate::error::Result;

/// Which NumPy's scalar promotion rules the Python reference ran under. Where a float32 scalar (an
/// action, or a float32 state) meets a Python float, NumPy 1 computed in float64 on the float32's exact
/// value, and NumPy 2 (NEP 50) casts the Python float to float32 and computes in float32. Results differ
/// around 1e-10..1e-8. Environments whose reference gives the same result under both ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Promotion {
    /// NumPy 2 (NEP 50): what current Gymnasium installs, the default.
    #[default]
    Numpy2,
    /// NumPy 1.x: what gym 0.18 and the PyPI packages of its time ran on.
    Numpy1,
}

/// A space, as Gymnasium declares it. Box bounds are widened from float32 where Gymnasium's are float32.
#[derive(Debug, Clone, PartialEq)]
pub enum Space {
    Discrete { n: usize },
    Box { low: Vec<f64>, high: Vec<f64> },
}

impl Space {
    /// `Box(-high, high)`, the bounds most of Gymnasium's boxes have (negation is exact, so the low
    /// bounds are the values Gymnasium declares).
    pub fn symmetric(high: Vec<f64>) -> Space {
        Space::Box {
            low: high.iter().map(|h| -h).collect(),
            high,
        }
    }

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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    Discrete(usize),
    Continuous(Vec<f64>),
}

impl Action {
    /// The first value of a continuous action, for environments that act on one value. Any other
    /// action is a caller's error: the panic names the environment `id` and its action `space`.
    #[track_caller]
    pub fn first(&self, id: &str, space: &str) -> f64 {
        match self {
            Action::Continuous(v) if !v.is_empty() => v[0],
            other => panic!("{id}: invalid action {other:?} ({space})"),
        }
    }
}

/// What `step` returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub obs: Vec<f64>,
    pub reward: f64,
    pub terminated: bool,
    pub truncated: bool,
    /// Named signals beside the observation (Gymnasium's `info`), for specifications to read.
    pub info: Info,
}

/// Gymnasium's `info` dict, for the numbers an environment computes but does not observe (a distance
/// travelled, a foot contact). At most [`Info::CAPACITY`] entries in a fixed array, so stepping stays
/// free of allocation; most environments report nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Info {
    len: u8,
    entries: [(&'static str, f64); Info::CAPACITY],
}

impl Info {
    pub const CAPACITY: usize = 4;

    /// No entries.
    pub const NONE: Info = Info {
        len: 0,
        entries: [("", 0.0); Info::CAPACITY],
    };

    /// `self` with `name = value` added.
    ///
    /// # Panics
    /// When [`Info::CAPACITY`] entries are already there (an environment's fixed set outgrew it).
    pub fn with(mut self, name: &'static str, value: f64) -> Info {
        let n = self.len as usize;
        assert!(
            n < Self::CAPACITY,
            "Info holds at most {} entries",
            Self::CAPACITY
        );
        self.entries[n] = (name, value);
        self.len += 1;
        self
    }

    /// The value reported under `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The entries in the order the environment reports them.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        self.entries[..self.len as usize].iter().copied()
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
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

    /// The perturbation parameters falsification searches over, with their default bounds, in the
    /// order [`Env::apply_perturbation`] takes their values.
    fn perturbations(&self) -> Vec<Param> {
        Vec::new()
    }

    /// Apply perturbation values right after `reset` (one entry per [`Env::perturbations`] parameter,
    /// `None` leaves it alone) and return the new observation. Physical parameters hold until the next
    /// `reset`, which restores the nominal ones. Callers go through [`perturb::apply`], which checks
    /// names and values.
    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64>;

    /// The full state: enough to continue bit for bit after [`Env::restore`] (dynamics state, physical
    /// parameters in force, RNG, episode flags).
    fn snapshot(&self) -> Snapshot;

    /// Continue from a snapshot taken from an environment of the same id.
    fn restore(&mut self, snapshot: &Snapshot) -> Result<()>;

    /// The bodies as geoms in world coordinates, for the 3-D view (`crate::render::solid`); empty
    /// for the environments drawn in 2-D.
    fn solids(&self) -> Vec<rapier::mjcf::Geom> {
        Vec::new()
    }
}
