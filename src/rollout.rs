//! The one place that steps environments. Testing, training, falsification and refinement all roll
//! out through here, so seeding, actions and time limits behave the same everywhere.
//!
//! Work fans out over one shared pool (rayon's global pool; the binary sizes it with `--threads`), and
//! every result comes back in item order, so every output is the same whatever the thread count.

use rayon::prelude::*;

use crate::env::{self, Env};
use crate::error::Result;
use crate::policy::fast::Fast;
use crate::policy::{Actor, Scratch};

/// The outcome of one episode.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
pub fn run_episode(env: &mut dyn Env, actor: &Actor, seed: u64, max_steps: usize) -> Episode {
    run_episode_observed(env, actor, seed, max_steps, |_| {})
}

/// [`run_episode`], handing every observation the actor acts on to `observe` first (a learner that
/// records what its network sees: Synaptolysis mk2's node statistics).
pub fn run_episode_observed(
    env: &mut dyn Env,
    actor: &Actor,
    seed: u64,
    max_steps: usize,
    observe: impl FnMut(&[f64]),
) -> Episode {
    run_episode_with(env, actor, seed, max_steps, observe, |_| {}, |_, s| done(s))
}

/// Whether a step ends the episode: it terminated or was truncated.
fn done(s: &crate::env::Step) -> bool {
    s.terminated || s.truncated
}

/// Run one episode of `actor` from `reset(seed)` for up to `max_steps` steps, handing every [`Step`]
/// to `on_step` (a learner that scores more than the return: CoSyNE's damping fitness reads `info`).
/// With `ignore_done`, the episode runs all `max_steps` steps whatever the environment says (the CoSyNE
/// repository's evaluation quirk); the returned episode still records whether it terminated.
///
/// [`Step`]: crate::env::Step
pub fn run_episode_stepped(
    env: &mut dyn Env,
    actor: &Actor,
    seed: u64,
    max_steps: usize,
    ignore_done: bool,
    on_step: impl FnMut(&crate::env::Step),
) -> Episode {
    run_episode_with(
        env,
        actor,
        seed,
        max_steps,
        |_| {},
        on_step,
        |_, s| done(s) && !ignore_done,
    )
}

/// Run one episode of `actor` from `reset(seed)` until `stop(t, step)` says so, `t` counting the steps
/// from 0 (a learner with its own rule for when an episode is over: HyperNCA's `fitnessRL` ignores
/// `done` for its first 101 steps, and stops early when the reward stays low), or after `max_steps`.
pub fn run_episode_until(
    env: &mut dyn Env,
    actor: &Actor,
    seed: u64,
    max_steps: usize,
    stop: impl FnMut(usize, &crate::env::Step) -> bool,
) -> Episode {
    run_episode_with(env, actor, seed, max_steps, |_| {}, |_| {}, stop)
}

/// The one episode loop: `observe` sees each observation before the actor acts on it, `on_step` each
/// step's result, and `stop(t, step)` (t from 0) ends the episode after that step. Feed-forward tanh networks act through [`Fast`], which skips the units that feed
/// nothing and is bit for bit [`Actor::act_with`]; a recurrent actor keeps its state in one
/// [`Scratch`] for the episode.
fn run_episode_with(
    env: &mut dyn Env,
    actor: &Actor,
    seed: u64,
    max_steps: usize,
    mut observe: impl FnMut(&[f64]),
    mut on_step: impl FnMut(&crate::env::Step),
    mut stop: impl FnMut(usize, &crate::env::Step) -> bool,
) -> Episode {
    let space = env.action_space();
    let mut scratch = Scratch::default();
    let mut fast = Fast::new(actor);
    let mut obs = env.reset(Some(seed));
    let mut ep = Episode {
        seed,
        ret: 0.0,
        length: 0,
        terminated: false,
        truncated: false,
    };
    while ep.length < max_steps {
        observe(&obs);
        let step = match fast.as_mut() {
            Some(f) => env.step(f.act(&obs, &space)),
            None => env.step(&actor.act_with(&obs, &space, &mut scratch)),
        };
        on_step(&step);
        ep.ret += step.reward;
        ep.length += 1;
        ep.terminated |= step.terminated;
        ep.truncated |= step.truncated;
        if stop(ep.length - 1, &step) {
            return ep;
        }
        obs = step.obs;
    }
    ep.truncated |= !ep.terminated;
    ep
}

/// Deterministic evaluation: `episodes` episodes of `actor` on `env_id`, episode i seeded with
/// `seed + i` (wrapping), spread over all cores. The result is the same whatever the core count.
pub fn evaluate(env_id: &str, actor: &Actor, episodes: usize, seed: u64) -> Result<Vec<Episode>> {
    evaluate_with(env_id, env::EnvOptions::default(), actor, episodes, seed)
}

/// [`evaluate`] with the environment's options (`numpy:` of `hyperparameters.yml`).
pub fn evaluate_with(
    env_id: &str,
    options: env::EnvOptions,
    actor: &Actor,
    episodes: usize,
    seed: u64,
) -> Result<Vec<Episode>> {
    let max_steps = env::make_with(env_id, options)?
        .max_episode_steps()
        .unwrap_or(usize::MAX);
    let seeds: Vec<u64> = (0..episodes as u64).map(|i| seed.wrapping_add(i)).collect();
    par_map(env_id, options, &seeds, |env, &s| {
        Ok(run_episode(env, actor, s, max_steps))
    })
}

/// Deterministic evaluation of a population: `episodes` episodes of every actor (episode i seeded with
/// `seed + i`), the (individual, episode) pairs shared out over the pool. `result[a][i]` is actor a's
/// episode i, whatever the thread count.
pub fn evaluate_population(
    env_id: &str,
    options: env::EnvOptions,
    actors: &[Actor],
    episodes: usize,
    seed: u64,
) -> Result<Vec<Vec<Episode>>> {
    let max_steps = env::make_with(env_id, options)?
        .max_episode_steps()
        .unwrap_or(usize::MAX);
    let pairs: Vec<(usize, u64)> = (0..actors.len())
        .flat_map(|a| (0..episodes as u64).map(move |i| (a, seed.wrapping_add(i))))
        .collect();
    let mut flat = par_map_shared(env_id, options, &pairs, |env, &(a, s)| {
        Ok(run_episode(env, &actors[a], s, max_steps))
    })?
    .into_iter();
    Ok((0..actors.len())
        .map(|_| flat.by_ref().take(episodes).collect())
        .collect())
}

/// A recorded episode: `reset(seed)`, a perturbation, then actions. Replaying the seed, the perturbation
/// and the actions reproduces every observation and reward bit for bit (what a counterexample stores).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trajectory {
    pub seed: u64,
    pub perturbation: env::Perturbation,
    /// The observation after reset and perturbation, then one per step.
    pub observations: Vec<Vec<f64>>,
    pub actions: Vec<crate::env::Action>,
    pub rewards: Vec<f64>,
    pub terminated: bool,
    pub truncated: bool,
}

impl Trajectory {
    fn start(env: &mut dyn Env, seed: u64, perturbation: &env::Perturbation) -> Result<Self> {
        env.reset(Some(seed));
        let obs = env::perturb::apply(env, perturbation)?;
        Ok(Trajectory {
            seed,
            perturbation: perturbation.clone(),
            observations: vec![obs],
            actions: Vec::new(),
            rewards: Vec::new(),
            terminated: false,
            truncated: false,
        })
    }

    /// Step once; returns whether the episode is over.
    fn push(&mut self, env: &mut dyn Env, action: crate::env::Action) -> bool {
        let step = env.step(&action);
        self.actions.push(action);
        self.rewards.push(step.reward);
        self.observations.push(step.obs);
        self.terminated = step.terminated;
        self.truncated = step.truncated;
        step.terminated || step.truncated
    }

    /// The return, summed in order as Python's `ret += reward` does.
    pub fn ret(&self) -> f64 {
        self.rewards.iter().fold(0.0, |a, r| a + r)
    }
}

/// Run `actor` from `reset(seed)` plus `perturbation` until the episode ends (or `max_steps`), recording
/// everything.
pub fn record_episode(
    env: &mut dyn Env,
    actor: &Actor,
    seed: u64,
    perturbation: &env::Perturbation,
    max_steps: usize,
) -> Result<Trajectory> {
    let space = env.action_space();
    let mut scratch = Scratch::default();
    let mut traj = Trajectory::start(env, seed, perturbation)?;
    for _ in 0..max_steps {
        let obs = traj.observations.last().expect("the initial observation");
        let action = actor.act_with(obs, &space, &mut scratch);
        if traj.push(env, action) {
            break;
        }
    }
    Ok(traj)
}

/// Replay `actions` from `reset(seed)` plus `perturbation`, stopping early if the episode ends.
pub fn replay(
    env: &mut dyn Env,
    seed: u64,
    perturbation: &env::Perturbation,
    actions: &[crate::env::Action],
) -> Result<Trajectory> {
    let mut traj = Trajectory::start(env, seed, perturbation)?;
    for a in actions {
        if traj.push(env, a.clone()) {
            break;
        }
    }
    Ok(traj)
}

/// `f` applied to every item on the shared pool, each worker with its own environment (an item's
/// result must not depend on what the environment ran before: every rollout starts with
/// `reset(seed)`). The output is in item order, whatever the schedule.
pub fn par_map<T: Sync, R: Send>(
    env_id: &str,
    options: env::EnvOptions,
    items: &[T],
    f: impl Fn(&mut dyn Env, &T) -> Result<R> + Sync,
) -> Result<Vec<R>> {
    // Build one environment first, so an unknown id fails before any work is shared out.
    env::make_with(env_id, options)?;
    items
        .par_iter()
        .map_init(
            || env::make_with(env_id, options).expect("built once already"),
            |e, item| f(e.as_mut(), item),
        )
        .collect()
}

/// [`par_map`] for results that can travel between processes: while a [`crate::dist::Sharing`] is held on MPI
/// ranks, the items are shared out across the ranks as well as the cores, and every rank gets every
/// result, in item order.
pub fn par_map_shared<T, R>(
    env_id: &str,
    options: env::EnvOptions,
    items: &[T],
    f: impl Fn(&mut dyn Env, &T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send + serde::Serialize + serde::de::DeserializeOwned,
{
    env::make_with(env_id, options)?;
    crate::dist::map(
        items,
        crate::dist::Local::Parallel,
        || env::make_with(env_id, options).expect("built once already"),
        |e, item| f(e.as_mut(), item),
    )
}

/// Replay `prefix` from `reset(seed)` plus `perturbation`, then let `actor` take over until the episode
/// ends or has `max_steps` steps in all: what refinement's recovery search asks of every prefix. A
/// recurrent actor reads every observation of the prefix too (its actions there are not taken), so it
/// takes over with the state it would have had watching the episode.
pub fn replay_then(
    env: &mut dyn Env,
    seed: u64,
    perturbation: &env::Perturbation,
    prefix: &[crate::env::Action],
    actor: &Actor,
    max_steps: usize,
) -> Result<Trajectory> {
    let space = env.action_space();
    let mut scratch = Scratch::default();
    let mut traj = Trajectory::start(env, seed, perturbation)?;
    for a in prefix {
        if actor.is_recurrent() {
            let obs = traj.observations.last().expect("the initial observation");
            actor.forward_with(obs, &mut scratch);
        }
        if traj.push(env, a.clone()) {
            return Ok(traj);
        }
    }
    while traj.actions.len() < max_steps {
        let obs = traj.observations.last().expect("the initial observation");
        let action = actor.act_with(obs, &space, &mut scratch);
        if traj.push(env, action) {
            break;
        }
    }
    Ok(traj)
}

// ------------------------------------------------------------------------------------------------
// Training rollouts: stochastic actions, many environments at once. The learner (src/train) decides
// what the actions are; this is where they meet the environments, so time limits, episode caps and
// resets behave as they do everywhere else.

/// One environment being stepped for training, with the state that outlives a rollout: the current
/// observation, the episode in progress, and the RNG of its action noise.
pub struct Worker {
    pub env: Box<dyn Env>,
    /// The observation the next action answers.
    pub obs: Vec<f64>,
    /// The RNG the policy draws this environment's actions from.
    pub rng: crate::env::rng::NpRng,
    /// What the policy keeps for this environment between steps (gSDE's exploration matrix; empty
    /// otherwise). The policy redraws it at the first step of each rollout, so it never outlives one
    /// and checkpoints need not carry it.
    pub policy_state: Vec<f64>,
    /// Return and length of the episode in progress.
    pub ep_return: f64,
    pub ep_length: usize,
    /// The learner's own cap on episode length (PruVer's `max_timesteps_per_episode`), on top of the
    /// environment's time limit: reaching it truncates the episode.
    pub max_episode_steps: usize,
    /// Bounds continuous actions are clipped to before the environment sees them (SB3's and CleanRL's
    /// `ClipAction`); the segment keeps the action as drawn, whose log-probability the learner needs.
    pub clip: Option<(Vec<f64>, Vec<f64>)>,
}

impl Worker {
    /// Build `env_id`, reset it with `seed` and draw its actions from `rng`.
    pub fn new(
        env_id: &str,
        options: env::EnvOptions,
        seed: u64,
        rng: crate::env::rng::NpRng,
        max_episode_steps: usize,
    ) -> Result<Worker> {
        let mut env = env::make_with(env_id, options)?;
        let obs = env.reset(Some(seed));
        Ok(Worker {
            env,
            obs,
            rng,
            policy_state: Vec::new(),
            ep_return: 0.0,
            ep_length: 0,
            max_episode_steps,
            clip: None,
        })
    }

    /// Clip continuous actions to the environment's action space from now on (no-op for discrete
    /// spaces).
    pub fn clip_actions(mut self) -> Worker {
        if let env::Space::Box { low, high } = self.env.action_space() {
            self.clip = Some((low, high));
        }
        self
    }

    /// One step with `action`; a finished episode is recorded in `seg` and the environment is reset
    /// (unseeded: its RNG carries on, so the episodes of a run are all different and reproducible).
    fn step(&mut self, action: env::Action, seg: &mut Segment) {
        let step = match (&self.clip, &action) {
            (Some((lo, hi)), env::Action::Continuous(a)) => {
                let clipped = a
                    .iter()
                    .zip(lo.iter().zip(hi))
                    .map(|(v, (l, h))| v.clamp(*l, *h));
                self.env.step(&env::Action::Continuous(clipped.collect()))
            }
            _ => self.env.step(&action),
        };
        self.ep_return += step.reward;
        self.ep_length += 1;
        let capped = self.ep_length >= self.max_episode_steps;
        let end = if step.terminated {
            StepEnd::Terminated
        } else if step.truncated || capped {
            StepEnd::Truncated(step.obs.clone())
        } else {
            StepEnd::Running
        };
        let obs = std::mem::replace(&mut self.obs, step.obs);
        seg.steps.push(TrainStep {
            obs,
            action,
            reward: step.reward,
            end: end.clone(),
        });
        if !matches!(end, StepEnd::Running) {
            seg.episodes.push(FinishedEpisode {
                ret: self.ep_return,
                length: self.ep_length,
            });
            self.ep_return = 0.0;
            self.ep_length = 0;
            self.obs = self.env.reset(None);
        }
    }
}

/// How a training step ended its episode.
#[derive(Debug, Clone, PartialEq)]
pub enum StepEnd {
    Running,
    /// A terminal state: the value after it is zero.
    Terminated,
    /// Cut short by a time limit or the episode cap: the observation it was cut at, to bootstrap from.
    Truncated(Vec<f64>),
}

/// One transition of a training rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainStep {
    pub obs: Vec<f64>,
    pub action: env::Action,
    pub reward: f64,
    pub end: StepEnd,
}

/// An episode that ended during a rollout (its return counts every step, including those of earlier
/// rollouts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FinishedEpisode {
    pub ret: f64,
    pub length: usize,
}

/// The consecutive steps one worker took in one rollout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Segment {
    pub steps: Vec<TrainStep>,
    pub episodes: Vec<FinishedEpisode>,
}

/// What a training policy gets for one environment's step beside the observation.
pub struct Draw<'w> {
    /// The environment's noise stream: the policy's only source of randomness.
    pub rng: &'w mut crate::env::rng::NpRng,
    /// [`Worker::policy_state`].
    pub state: &'w mut Vec<f64>,
    /// The step's index within the rollout (0 at its first step).
    pub t: usize,
}

/// `policy(observation, draw)` gives the action to take.
pub type Policy<'a> = dyn Fn(&[f64], &mut Draw) -> env::Action + Sync + 'a;

/// Step every worker `n_steps` times (PPO's fixed-length rollout), on the shared pool. Each worker's
/// segment depends only on its own environment and RNG, so the result is the same whatever the thread
/// count.
pub fn collect_steps(workers: &mut [Worker], n_steps: usize, policy: &Policy) -> Vec<Segment> {
    let run = |w: &mut Worker| {
        let mut seg = Segment {
            steps: Vec::with_capacity(n_steps),
            episodes: Vec::new(),
        };
        for t in 0..n_steps {
            let mut draw = Draw {
                rng: &mut w.rng,
                state: &mut w.policy_state,
                t,
            };
            let action = policy(&w.obs, &mut draw);
            w.step(action, &mut seg);
        }
        seg
    };
    workers.par_iter_mut().map(run).collect()
}

/// Run whole episodes until at least `min_steps` steps are collected (PruVer's rollout: the last
/// episode is finished, so a batch ends on an episode boundary and is usually a little longer).
pub fn collect_episodes(worker: &mut Worker, min_steps: usize, policy: &Policy) -> Segment {
    let mut seg = Segment::default();
    while seg.steps.len() < min_steps {
        loop {
            let mut draw = Draw {
                rng: &mut worker.rng,
                state: &mut worker.policy_state,
                t: seg.steps.len(),
            };
            let action = policy(&worker.obs, &mut draw);
            worker.step(action, &mut seg);
            if worker.ep_length == 0 {
                break;
            }
        }
    }
    seg
}
