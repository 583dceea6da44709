//! The one place that steps environments. Testing, training, falsification and refinement all roll
//! out through here, so seeding, actions and time limits behave the same everywhere.

use crate::env::{self, Env};
use crate::error::Result;
use crate::policy::{Mlp, Scratch};

/// The outcome of one episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// The seed its `reset` used.
    pub seed: u64,
    /// The sum of rewards, accumulated in order as Python's `ret += reward` does.
    pub ret: f64,
    pub length: usize,
    pub terminated: bool,
    pub truncated: bool,
}

/// Run one deterministic episode of `actor` from `reset(seed)` until it terminates or is truncated.
/// An environment without a time limit stops after `max_steps`.
pub fn run_episode(env: &mut dyn Env, actor: &Mlp, seed: u64, max_steps: usize) -> Episode {
    let space = env.action_space();
    let mut scratch = Scratch::default();
    let mut obs = env.reset(Some(seed));
    let mut ep = Episode {
        seed,
        ret: 0.0,
        length: 0,
        terminated: false,
        truncated: false,
    };
    while ep.length < max_steps {
        let action = actor.act_with(&obs, &space, &mut scratch);
        let step = env.step(&action);
        ep.ret += step.reward;
        ep.length += 1;
        obs = step.obs;
        if step.terminated || step.truncated {
            ep.terminated = step.terminated;
            ep.truncated = step.truncated;
            return ep;
        }
    }
    ep.truncated = true;
    ep
}

/// Deterministic evaluation: `episodes` episodes of `actor` on `env_id`, episode i seeded with
/// `seed + i` (wrapping), spread over all cores. The result is the same whatever the core count.
pub fn evaluate(env_id: &str, actor: &Mlp, episodes: usize, seed: u64) -> Result<Vec<Episode>> {
    // Build one environment first so an unknown id fails before any thread starts.
    let probe = env::make(env_id)?;
    let max_steps = probe.max_episode_steps().unwrap_or(usize::MAX);
    drop(probe);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(episodes.max(1));
    let seeds: Vec<u64> = (0..episodes as u64).map(|i| seed.wrapping_add(i)).collect();
    let chunk = seeds.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || -> Result<Vec<Episode>> {
                    let mut env = env::make(env_id)?;
                    Ok(part
                        .iter()
                        .map(|&s| run_episode(env.as_mut(), actor, s, max_steps))
                        .collect())
                })
            })
            .collect();
        let mut all = Vec::with_capacity(episodes);
        for h in handles {
            all.extend(h.join().expect("an evaluation thread panicked")?);
        }
        Ok(all)
    })
}
