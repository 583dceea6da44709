//! Snapshots of environments whose worlds cannot be copied (Box2D's, rapier's): the recipe of the
//! episode instead, that is the RNG as it was before `reset` drew from it, the perturbation, and the
//! actions taken. Restoring rebuilds the world and replays them, which is exact because every episode
//! starts from a freshly built world and the engines are deterministic.

use super::legacy_rng::RandomState;
use super::rng::NpRng;
use super::{Env, RngState, Snapshot};
use crate::error::{Error, Result};

/// An environment RNG a snapshot can hold.
pub trait ReplayRng: Clone {
    fn to_state(&self) -> RngState;
    fn from_state(state: &RngState) -> Result<Self>;
}

impl ReplayRng for NpRng {
    fn to_state(&self) -> RngState {
        NpRng::to_state(self)
    }
    fn from_state(state: &RngState) -> Result<Self> {
        NpRng::from_state(state)
    }
}

impl ReplayRng for RandomState {
    fn to_state(&self) -> RngState {
        RandomState::to_state(self)
    }
    fn from_state(state: &RngState) -> Result<Self> {
        RandomState::from_state(state)
    }
}

/// What an episode is made of, enough to rebuild it exactly (see the module docs): the RNG as it was
/// before `reset` drew from it, the perturbation values in force, and the actions taken since.
#[derive(Clone, Debug)]
pub struct Recipe<R = NpRng> {
    rng: Option<R>,
    perturbation: Vec<Option<f64>>,
    /// Actions taken since `reset`, flattened (a fixed number of values per step).
    pub actions: Vec<f64>,
}

/// An environment whose snapshots are [`Recipe`]s, as [`restore`] rebuilds it.
pub(crate) trait Rebuild: Env {
    /// The environment's RNG.
    type Rng: ReplayRng;
    /// Action values a step.
    fn per_step(&self) -> usize;
    /// Continue from `rng`; without an episode under way (`episode` false) there is no world.
    fn resume(&mut self, rng: Self::Rng, episode: bool);
    /// Build the world of a new episode from the RNG, as `reset` does.
    fn build_world(&mut self) -> Vec<f64>;
    /// Step with `action` (`per_step` values), as `step` does once the action is checked.
    fn replay_step(&mut self, action: &[f64]);
}

/// [`Env::restore`] of an environment rebuilt from its recipe: take the snapshot's RNG and, when an
/// episode was under way, rebuild its world, apply the perturbation it had and replay its actions.
pub(crate) fn restore<E: Rebuild>(env: &mut E, s: &Snapshot) -> Result<()> {
    let per_step = env.per_step();
    let replay = Recipe::<E::Rng>::read(s, env.id(), env.perturbations().len(), per_step)?;
    env.resume(replay.rng, replay.episode.is_some());
    let Some((values, actions)) = replay.episode else {
        return Ok(());
    };
    env.build_world();
    if values.iter().any(Option::is_some) {
        env.apply_perturbation(&values);
    }
    for a in actions.chunks(per_step) {
        env.replay_step(a);
    }
    Ok(())
}

/// What a snapshot holds, checked: the RNG to continue from and, when an episode was under way, the
/// perturbation values to apply after `reset` and the actions to replay.
pub struct Replay<R = NpRng> {
    pub rng: R,
    pub episode: Option<(Vec<Option<f64>>, Vec<f64>)>,
}

impl<R> Default for Recipe<R> {
    fn default() -> Self {
        Recipe {
            rng: None,
            perturbation: Vec::new(),
            actions: Vec::new(),
        }
    }
}

impl<R: ReplayRng> Recipe<R> {
    /// The recipe of an episode about to draw from `rng`, for an environment with `params`
    /// perturbation parameters.
    pub fn start(rng: &R, params: usize) -> Recipe<R> {
        Recipe {
            rng: Some(rng.clone()),
            perturbation: vec![None; params],
            actions: Vec::new(),
        }
    }

    /// Record the values `apply_perturbation` applied (a `None` leaves a parameter as it was).
    pub fn perturbed(&mut self, values: &[Option<f64>]) {
        for (slot, v) in self.perturbation.iter_mut().zip(values) {
            if v.is_some() {
                *slot = *v;
            }
        }
    }

    /// The snapshot of environment `id`: the actions as its state, the perturbation as its physics
    /// (with presence flags after the flag saying whether an episode is under way). `rng` is the
    /// environment's RNG, used when no episode has started.
    pub fn snapshot(&self, id: &str, under_way: bool, rng: &R) -> Snapshot {
        let mut physics = Vec::with_capacity(self.perturbation.len());
        let mut flags = vec![under_way];
        for p in &self.perturbation {
            physics.push(p.unwrap_or(0.0));
            flags.push(p.is_some());
        }
        Snapshot {
            env: id.to_string(),
            state: self.actions.clone(),
            physics,
            flags,
            rng: self.rng.as_ref().unwrap_or(rng).to_state(),
            elapsed: None,
        }
    }

    /// Read back a snapshot of environment `id`, which has `params` perturbation parameters and
    /// takes `per_step` action values a step.
    pub fn read(s: &Snapshot, id: &str, params: usize, per_step: usize) -> Result<Replay<R>> {
        if s.env != id
            || s.physics.len() != params
            || s.flags.len() != params + 1
            || s.state.len() % per_step != 0
        {
            return Err(Error::Invalid(format!(
                "snapshot of {} does not fit {id}",
                s.env
            )));
        }
        let rng = R::from_state(&s.rng)?;
        let episode = s.flags[0].then(|| {
            let values = (0..params)
                .map(|i| s.flags[i + 1].then_some(s.physics[i]))
                .collect();
            (values, s.state.clone())
        });
        Ok(Replay { rng, episode })
    }
}
