//! Gymnasium's `TimeLimit`: `truncated` becomes true once `max_episode_steps` steps have been taken.
//! It also carries the name an environment built with keyword arguments goes by.

use super::{Action, Env, Param, Snapshot, Space, Step};
use crate::error::{Error, Result};

pub struct TimeLimit {
    inner: Box<dyn Env>,
    max_episode_steps: usize,
    elapsed: usize,
    /// The canonical name (`ID:key=value,...`) when it is not the inner environment's id.
    name: Option<String>,
}

impl TimeLimit {
    pub fn new(inner: Box<dyn Env>, max_episode_steps: usize) -> Self {
        TimeLimit {
            inner,
            max_episode_steps,
            elapsed: 0,
            name: None,
        }
    }

    /// As [`TimeLimit::new`], going by `name` (its `id()`, the id its snapshots carry and accept).
    pub fn named(inner: Box<dyn Env>, max_episode_steps: usize, name: String) -> Self {
        TimeLimit {
            name: Some(name),
            ..Self::new(inner, max_episode_steps)
        }
    }

    pub fn inner_mut(&mut self) -> &mut dyn Env {
        self.inner.as_mut()
    }
}

impl Env for TimeLimit {
    fn id(&self) -> &str {
        self.name.as_deref().unwrap_or_else(|| self.inner.id())
    }
    fn observation_space(&self) -> Space {
        self.inner.observation_space()
    }
    fn action_space(&self) -> Space {
        self.inner.action_space()
    }
    fn observation_names(&self) -> &'static [&'static str] {
        self.inner.observation_names()
    }
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        self.elapsed = 0;
        self.inner.reset(seed)
    }
    fn step(&mut self, action: &Action) -> Step {
        let mut step = self.inner.step(action);
        self.elapsed += 1;
        if self.elapsed >= self.max_episode_steps {
            step.truncated = true;
        }
        step
    }
    fn max_episode_steps(&self) -> Option<usize> {
        Some(self.max_episode_steps)
    }
    fn solids(&self) -> Vec<crate::env::rapier::mjcf::Geom> {
        self.inner.solids()
    }
    fn perturbations(&self) -> Vec<Param> {
        self.inner.perturbations()
    }
    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        self.inner.apply_perturbation(values)
    }
    fn snapshot(&self) -> Snapshot {
        let mut s = Snapshot {
            elapsed: Some(self.elapsed),
            ..self.inner.snapshot()
        };
        if let Some(name) = &self.name {
            s.env.clone_from(name);
        }
        s
    }
    fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        match &self.name {
            None => self.inner.restore(snapshot)?,
            Some(name) if snapshot.env == *name => {
                let inner = Snapshot {
                    env: self.inner.id().to_string(),
                    ..snapshot.clone()
                };
                self.inner.restore(&inner)?;
            }
            Some(name) => {
                return Err(Error::Invalid(format!(
                    "snapshot of {} does not fit {name}",
                    snapshot.env
                )))
            }
        }
        self.elapsed = snapshot.elapsed.unwrap_or(0);
        Ok(())
    }
}
