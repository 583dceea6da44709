//! PPO, in the two presets of `TrainConfig`. One iteration reads top to bottom: roll out, compute
//! advantages, update, log. `pruver` is PruVer's `ppoPolicyTraining.py` step for step (its quirks
//! included, each marked); `default` is CleanRL's and SB3's PPO with every trick switchable.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::Instant;

use tch::{Device, Kind, Reduction, Tensor};

use super::config::{Preset, TrainConfig};
use super::net::{self, Adam, Init, Params};
use super::normalize::{fold_into_first_layer, RewardScaler, RunningMeanStd};
use crate::env::rng::NpRng;
use crate::env::{self, Action, EnvOptions, Space};
use crate::error::{Error, Result};
use crate::policy::torch::tensor_values;
use crate::policy::{Actor, Scratch};
use crate::report::Summary;
use crate::rollout::{self, Draw, Segment, StepEnd, Worker};

/// PruVer's fixed diagonal covariance (`torch.full(size=(act_dim,), fill_value=0.5)`).
pub const PRUVER_VARIANCE: f64 = 0.5;
/// How many finished episodes the "recent return" averages (SB3's window).
const RECENT: usize = 100;
/// gSDE's variance floor (SB3's `StateDependentNoiseDistribution.epsilon`).
const SDE_EPSILON: f64 = 1e-6;

/// How the Gaussian's noise is drawn during a rollout (continuous actions).
#[derive(Debug, Clone, PartialEq)]
enum Noise {
    /// Independent at every step, with these standard deviations (PruVer's fixed ones or the learned
    /// log-std).
    Diagonal(Vec<f64>),
    /// gSDE: the noise is `φ(s)ᵀ E`, φ the actor's last hidden activations and `E` an exploration
    /// matrix (`[features × actions]`, row-major) drawn elementwise from N(0, `std`²) at the first
    /// step of a rollout and, with `every`, every that many steps.
    Sde { std: Vec<f64>, every: Option<usize> },
}

/// What one iteration did. Losses and entropy are means over the iteration's gradient steps; returns
/// and lengths are over the episodes that finished in it (NaN when none did).
#[derive(Debug, Clone, PartialEq)]
pub struct IterationLog {
    pub iteration: usize,
    /// Environment steps so far.
    pub timesteps: u64,
    /// Episodes finished so far.
    pub episodes: u64,
    pub batch_episodes: usize,
    pub return_mean: f64,
    pub return_std: f64,
    pub length_mean: f64,
    /// Mean return of the last 100 finished episodes.
    pub recent_return: f64,
    pub actor_loss: f64,
    pub critic_loss: f64,
    /// Mean entropy of the action distribution.
    pub entropy: f64,
    /// Mean standard deviation of the Gaussian (continuous actions).
    pub std: Option<f64>,
    pub approx_kl: f64,
    pub clip_fraction: f64,
    /// Wall seconds of training so far (earlier runs of a resumed training included).
    pub wall_s: f64,
    /// Environment steps per second in this iteration (rollout and update).
    pub steps_per_s: f64,
}

/// Where a worker stands between iterations, for checkpoints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkerState {
    pub env: env::Snapshot,
    pub obs: Vec<f64>,
    pub rng: env::RngState,
    pub ep_return: f64,
    pub ep_length: usize,
}

/// A PPO learner and everything it carries from one iteration to the next.
pub struct Trainer {
    pub env_id: String,
    pub cfg: TrainConfig,
    pub obs_space: Space,
    pub act_space: Space,
    device: Device,
    pub(crate) params: Params,
    pub(crate) adam: Adam,
    pub(crate) workers: Vec<Worker>,
    pub(crate) norm: Option<RunningMeanStd>,
    pub(crate) reward_scaler: Option<RewardScaler>,
    /// Minibatch shuffling.
    pub(crate) shuffle_rng: NpRng,
    pub iteration: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub(crate) recent: VecDeque<f64>,
    pub wall_s: f64,
}

/// Independent RNG streams of a run, all from its seed: a SplitMix64 step of the seed and a stream
/// tag, so no two streams share a PCG64 seed.
pub(crate) fn stream_seed(seed: u64, tag: u64) -> u64 {
    let mut z = seed ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const TAG_INIT: u64 = 1;
const TAG_SHUFFLE: u64 = 2;
const TAG_NOISE: u64 = 1000;

impl Trainer {
    /// A fresh learner: networks initialised from the seed, environment i reset with `seed + i`.
    pub fn new(
        env_id: &str,
        options: EnvOptions,
        cfg: TrainConfig,
        device: Device,
    ) -> Result<Trainer> {
        let probe = env::make_with(env_id, options)?;
        let (obs_space, act_space) = (probe.observation_space(), probe.action_space());
        let (obs_dim, act_dim) = (obs_space.size(), act_space.size());
        let mut sizes = vec![obs_dim];
        sizes.extend(&cfg.hidden_sizes);
        let mut rng = NpRng::from_seed(stream_seed(cfg.seed, TAG_INIT));
        let (actor_init, critic_init) = if cfg.preset == Preset::Default && cfg.ortho_init {
            let h = 2f64.sqrt();
            (
                Init::Orthogonal {
                    hidden_gain: h,
                    output_gain: 0.01,
                },
                Init::Orthogonal {
                    hidden_gain: h,
                    output_gain: 1.0,
                },
            )
        } else {
            (Init::TorchDefault, Init::TorchDefault)
        };
        let mut actor = net::init_actor(&[&sizes[..], &[act_dim]].concat(), actor_init, &mut rng);
        let mut critic = net::init_actor(&[&sizes[..], &[1]].concat(), critic_init, &mut rng);
        let activation = crate::policy::Activation::parse(&cfg.activation)?;
        for net in [&mut actor, &mut critic] {
            net.activations = vec![activation; net.layers.len() - 1];
        }
        // The learned log-std: one per action, or gSDE's `[features × actions]` matrix (SB3's
        // `full_std`), the features being the actor's last hidden layer.
        let n_std = if cfg.use_sde {
            sizes.last().copied().unwrap_or(obs_dim) * act_dim
        } else {
            act_dim
        };
        let log_std = (cfg.preset == Preset::Default && !act_space.is_discrete())
            .then(|| vec![cfg.log_std_init; n_std]);
        let params = Params::new(&actor, &critic, log_std.as_deref(), device);
        let adam = Adam::new(&params);
        let n_envs = match cfg.preset {
            Preset::Pruver => 1,
            Preset::Default => cfg.n_envs,
        };
        let cap = cfg.max_timesteps_per_episode.unwrap_or(usize::MAX);
        let workers = (0..n_envs)
            .map(|i| {
                let noise = NpRng::from_seed(stream_seed(cfg.seed, TAG_NOISE + i as u64));
                Worker::new(env_id, options, cfg.seed.wrapping_add(i as u64), noise, cap)
                    .map(|w| clipping(w, &cfg))
            })
            .collect::<Result<Vec<_>>>()?;
        let norm = (cfg.preset == Preset::Default && cfg.normalize_obs)
            .then(|| RunningMeanStd::new(obs_dim));
        let reward_scaler = (cfg.preset == Preset::Default && cfg.normalize_reward)
            .then(|| RewardScaler::new(workers.len()));
        Ok(Trainer {
            env_id: env_id.to_string(),
            shuffle_rng: NpRng::from_seed(stream_seed(cfg.seed, TAG_SHUFFLE)),
            cfg,
            obs_space,
            act_space,
            device,
            params,
            adam,
            workers,
            norm,
            reward_scaler,
            iteration: 0,
            timesteps: 0,
            episodes: 0,
            recent: VecDeque::new(),
            wall_s: 0.0,
        })
    }

    pub fn discrete(&self) -> bool {
        self.act_space.is_discrete()
    }

    /// The actor as it is trained (on normalised observations, if the run normalises).
    fn raw_actor(&self) -> Actor {
        self.params.mlp(&self.params.actor)
    }

    /// The actor to export: PruVer's `FeedForwardActorNN` on raw observations (a normaliser is folded
    /// into `layer1`).
    pub fn actor_mlp(&self) -> Actor {
        let a = self.raw_actor();
        match &self.norm {
            Some(n) => fold_into_first_layer(&a, n),
            None => a,
        }
    }

    /// The critic to export, on raw observations likewise.
    pub fn critic_mlp(&self) -> Actor {
        let c = self.params.mlp(&self.params.critic);
        match &self.norm {
            Some(n) => fold_into_first_layer(&c, n),
            None => c,
        }
    }

    pub fn normalizer(&self) -> Option<&RunningMeanStd> {
        self.norm.as_ref()
    }

    /// The Gaussian's standard deviations (continuous actions); with gSDE, those of the exploration
    /// matrix's entries.
    pub fn action_std(&self) -> Option<Vec<f64>> {
        if self.discrete() {
            return None;
        }
        Some(match self.params.log_std_values() {
            Some(ls) => ls.iter().map(|v| v.exp()).collect(),
            None => vec![PRUVER_VARIANCE.sqrt(); self.act_space.size()],
        })
    }

    /// One PPO iteration.
    pub fn iterate(&mut self) -> Result<IterationLog> {
        let start = Instant::now();
        self.iteration += 1;
        let (segments, stats) = match self.cfg.preset {
            Preset::Pruver => self.iterate_pruver()?,
            Preset::Default => self.iterate_default()?,
        };
        let steps: usize = segments.iter().map(|s| s.steps.len()).sum();
        let finished: Vec<rollout::FinishedEpisode> =
            segments.iter().flat_map(|s| s.episodes.clone()).collect();
        self.timesteps += steps as u64;
        self.episodes += finished.len() as u64;
        for e in &finished {
            if self.recent.len() == RECENT {
                self.recent.pop_front();
            }
            self.recent.push_back(e.ret);
        }
        let rets: Vec<f64> = finished.iter().map(|e| e.ret).collect();
        let lens: Vec<f64> = finished.iter().map(|e| e.length as f64).collect();
        let r = Summary::of(&rets);
        let secs = start.elapsed().as_secs_f64();
        self.wall_s += secs;
        let recent: Vec<f64> = self.recent.iter().copied().collect();
        Ok(IterationLog {
            iteration: self.iteration,
            timesteps: self.timesteps,
            episodes: self.episodes,
            batch_episodes: finished.len(),
            return_mean: r.mean,
            return_std: r.std,
            length_mean: Summary::of(&lens).mean,
            recent_return: Summary::of(&recent).mean,
            actor_loss: stats.actor_loss,
            critic_loss: stats.critic_loss,
            entropy: stats.entropy,
            std: self
                .action_std()
                .map(|s| s.iter().sum::<f64>() / s.len() as f64),
            approx_kl: stats.approx_kl,
            clip_fraction: stats.clip_fraction,
            wall_s: self.wall_s,
            steps_per_s: steps as f64 / secs.max(1e-9),
        })
    }

    // --------------------------------------------------------------------------------------------
    // pruver

    fn iterate_pruver(&mut self) -> Result<(Vec<Segment>, UpdateStats)> {
        let cfg = self.cfg.clone();
        let actor = self.raw_actor();
        let space = self.act_space.clone();
        let noise = Noise::Diagonal(vec![PRUVER_VARIANCE.sqrt(); space.size()]);
        let policy = move |obs: &[f64], draw: &mut Draw| sample(&actor, &space, &noise, obs, draw);
        let seg = rollout::collect_episodes(&mut self.workers[0], cfg.timesteps_per_batch, &policy);
        let batch = PruverBatch::from_segment(&seg, self.discrete(), cfg.gamma, self.device);
        let stats = pruver_update(
            &mut self.params,
            &mut self.adam,
            &batch,
            cfg.n_updates_per_iteration,
            cfg.lr,
            cfg.clip,
        );
        Ok((vec![seg], stats))
    }

    // --------------------------------------------------------------------------------------------
    // default

    fn iterate_default(&mut self) -> Result<(Vec<Segment>, UpdateStats)> {
        let cfg = self.cfg.clone();
        if let Some(last) = cfg.log_std_final {
            self.params
                .set_log_std(scheduled_log_std(&cfg, last, self.iteration));
        }
        let n_steps = cfg.timesteps_per_batch / self.workers.len();
        let actor = self.raw_actor();
        let space = self.act_space.clone();
        let std = self.action_std().unwrap_or_default();
        let noise = if cfg.use_sde {
            Noise::Sde {
                std,
                every: usize::try_from(cfg.sde_sample_freq).ok(),
            }
        } else {
            Noise::Diagonal(std)
        };
        let norm = self.norm.clone();
        let policy = move |obs: &[f64], draw: &mut Draw| match &norm {
            Some(n) => NORMED.with(|b| {
                let mut b = b.borrow_mut();
                n.normalize(obs, &mut b);
                sample(&actor, &space, &noise, &b, draw)
            }),
            None => sample(&actor, &space, &noise, obs, draw),
        };
        let segments = rollout::collect_steps(&mut self.workers, n_steps, &policy);

        // The normaliser learns from the new batch before the update, so the update, the next
        // rollout and the exported actor all see the same statistics.
        if let Some(n) = &mut self.norm {
            n.update(
                segments
                    .iter()
                    .flat_map(|s| s.steps.iter().map(|t| t.obs.as_slice())),
            );
        }
        let mut rewards: Vec<Vec<f64>> = segments
            .iter()
            .map(|s| s.steps.iter().map(|t| t.reward).collect())
            .collect();
        let ends: Vec<Vec<bool>> = segments
            .iter()
            .map(|s| {
                s.steps
                    .iter()
                    .map(|t| !matches!(t.end, StepEnd::Running))
                    .collect()
            })
            .collect();
        if let Some(scaler) = &mut self.reward_scaler {
            rewards = scaler.scale(&rewards, &ends, cfg.gamma);
        }
        let batch = self.default_batch(&segments, &rewards, &ends);
        let lr = learning_rate(&cfg, self.iteration);
        let discrete = self.discrete();
        let stats = default_update(
            &mut self.params,
            &mut self.adam,
            &batch,
            &cfg,
            lr,
            discrete,
            &mut self.shuffle_rng,
        );
        Ok((segments, stats))
    }

    /// Observations as a float32 tensor, normalised when the run normalises.
    fn obs_tensor<'a>(&self, obs: impl Iterator<Item = &'a [f64]>) -> Tensor {
        let d = self.obs_space.size();
        let mut flat: Vec<f32> = Vec::new();
        let mut buf = Vec::new();
        for o in obs {
            match &self.norm {
                Some(n) => {
                    n.normalize(o, &mut buf);
                    flat.extend(buf.iter().map(|&v| v as f32));
                }
                None => flat.extend(o.iter().map(|&v| v as f32)),
            }
        }
        let n = (flat.len() / d) as i64;
        Tensor::from_slice(&flat)
            .view([n, d as i64])
            .to_device(self.device)
    }

    /// GAE(λ) over each worker's segment (`rewards[w]`: its rewards as the learner sees them;
    /// `ends[w]`: where its episodes ended), bootstrapping from the critic where an episode was cut
    /// short (time limit, episode cap) and at the segment's end.
    fn default_batch(
        &self,
        segments: &[Segment],
        rewards: &[Vec<f64>],
        ends: &[Vec<bool>],
    ) -> DefaultBatch {
        let steps = || segments.iter().flat_map(|s| s.steps.iter());
        let obs = self.obs_tensor(steps().map(|t| t.obs.as_slice()));
        // Observations to bootstrap from: each truncation's last observation, then each worker's
        // current one (where its segment stops mid-episode).
        let mut boot: Vec<&[f64]> = Vec::new();
        for t in steps() {
            if let StepEnd::Truncated(o) = &t.end {
                boot.push(o);
            }
        }
        for w in &self.workers {
            boot.push(&w.obs);
        }
        let (values, boot_values) = tch::no_grad(|| {
            let v = self
                .params
                .forward(&self.params.critic, &obs)
                .squeeze_dim(-1);
            let b = self
                .params
                .forward(&self.params.critic, &self.obs_tensor(boot.iter().copied()))
                .squeeze_dim(-1);
            (tensor_values(&v), tensor_values(&b))
        });
        let n_trunc = boot.len() - self.workers.len();
        let (gamma, lam) = (self.cfg.gamma, self.cfg.lam);
        let mut adv = vec![0.0; values.len()];
        let mut trunc_i = 0;
        // Truncations are numbered in step order; walk each segment backwards with its own slice.
        let mut offset = 0;
        let mut trunc_at = Vec::new();
        for seg in segments {
            let mut idx = Vec::new();
            for t in &seg.steps {
                if matches!(t.end, StepEnd::Truncated(_)) {
                    idx.push(trunc_i);
                    trunc_i += 1;
                } else {
                    idx.push(usize::MAX);
                }
            }
            trunc_at.push(idx);
        }
        debug_assert_eq!(trunc_i, n_trunc);
        for (w, seg) in segments.iter().enumerate() {
            let n = seg.steps.len();
            let vals = &values[offset..offset + n];
            let next: Vec<f64> = (0..n)
                .map(|t| match &seg.steps[t].end {
                    StepEnd::Terminated => 0.0,
                    StepEnd::Truncated(_) => boot_values[trunc_at[w][t]],
                    StepEnd::Running if t + 1 == n => boot_values[n_trunc + w],
                    StepEnd::Running => vals[t + 1],
                })
                .collect();
            adv[offset..offset + n].copy_from_slice(&gae(
                &rewards[w],
                vals,
                &next,
                &ends[w],
                gamma,
                lam,
            ));
            offset += n;
        }
        let returns: Vec<f64> = adv.iter().zip(&values).map(|(a, v)| a + v).collect();
        let actions = action_tensor(steps().map(|t| &t.action), self.discrete(), self.device);
        let old_logp = tch::no_grad(|| {
            let views = self.params.views();
            let (out, latent) = views.actor_latent(&obs);
            log_prob(
                &out,
                &actions,
                dist(&views, &latent, self.cfg.use_sde),
                self.discrete(),
            )
            .0
        });
        let f = |v: &[f64]| {
            Tensor::from_slice(&v.iter().map(|&x| x as f32).collect::<Vec<_>>())
                .to_device(self.device)
        };
        DefaultBatch {
            obs,
            actions,
            old_logp,
            advantages: f(&adv),
            returns: f(&returns),
        }
    }
}

/// The fixed log-std of iteration `iteration` (from 1) under `log_std_final`: linear from
/// `log_std_init` at the first iteration to `last` at iteration `training_step`, `last` after it.
pub fn scheduled_log_std(cfg: &TrainConfig, last: f64, iteration: usize) -> f64 {
    let span = cfg.training_step.saturating_sub(1).max(1) as f64;
    let f = ((iteration.saturating_sub(1)) as f64 / span).min(1.0);
    cfg.log_std_init + (last - cfg.log_std_init) * f
}

/// The learning rate of iteration `iteration` (from 1): constant, or with `anneal_lr` decaying
/// linearly from `lr` to 0 at iteration `training_step + 1`, and 0 after it (a run driven past its
/// `training_step`, as the training bench does, stops learning rather than ascending the loss).
pub fn learning_rate(cfg: &TrainConfig, iteration: usize) -> f64 {
    if cfg.anneal_lr {
        cfg.lr * (1.0 - (iteration - 1) as f64 / cfg.training_step as f64).max(0.0)
    } else {
        cfg.lr
    }
}

/// GAE(λ) over one worker's consecutive steps: `δ_t = r_t + γ·next_t − V_t`, `A_t = δ_t + γλ·A_{t+1}`,
/// the recursion restarting where an episode ended. `next_t` is the value after step t: 0 after a
/// termination, the critic's value of the observation an episode was cut at, else of the next one.
pub fn gae(
    rewards: &[f64],
    values: &[f64],
    next: &[f64],
    episode_ends: &[bool],
    gamma: f64,
    lam: f64,
) -> Vec<f64> {
    let mut adv = vec![0.0; rewards.len()];
    let mut last = 0.0;
    for t in (0..rewards.len()).rev() {
        let delta = rewards[t] + gamma * next[t] - values[t];
        last = delta
            + if episode_ends[t] {
                0.0
            } else {
                gamma * lam * last
            };
        adv[t] = last;
    }
    adv
}

thread_local! {
    /// A normalised observation, reused across steps of a rollout thread.
    static NORMED: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Draw an action from the actor's distribution: a softmax over its outputs for discrete actions, or
/// a Gaussian around them shaped by `noise`, rounded to float32 (as a float32 sample from PyTorch is).
/// The Gaussian sample is not clipped: the environment clips, as in PruVer.
fn sample(actor: &Actor, space: &Space, noise: &Noise, obs: &[f64], draw: &mut Draw) -> Action {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        let (out, latent) = actor.forward_latent_with(obs, &mut s);
        let rng = &mut *draw.rng;
        match (space, noise) {
            (Space::Discrete { .. }, _) => {
                let max = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = out.iter().map(|z| (z - max).exp()).sum();
                let u = rng.random() * total;
                let mut acc = 0.0;
                for (i, z) in out.iter().enumerate() {
                    acc += (z - max).exp();
                    if u < acc {
                        return Action::Discrete(i);
                    }
                }
                Action::Discrete(out.len() - 1)
            }
            (Space::Box { .. }, Noise::Diagonal(std)) => Action::Continuous(
                out.iter()
                    .zip(std)
                    .map(|(m, s)| (m + s * net::standard_normal(rng)) as f32 as f64)
                    .collect(),
            ),
            (Space::Box { .. }, Noise::Sde { std, every }) => {
                let e = &mut *draw.state;
                if draw.t == 0 || every.is_some_and(|k| draw.t % k == 0) || e.len() != std.len() {
                    e.clear();
                    e.extend(std.iter().map(|s| s * net::standard_normal(rng)));
                }
                let k = out.len();
                Action::Continuous(
                    (0..k)
                        .map(|j| {
                            let n: f64 = latent
                                .iter()
                                .enumerate()
                                .map(|(i, f)| f * e[i * k + j])
                                .sum();
                            (out[j] + n) as f32 as f64
                        })
                        .collect(),
                )
            }
        }
    })
}

/// Actions as a tensor: int64 indices `[N]`, or float32 `[N, act_dim]`.
fn action_tensor<'a>(
    actions: impl Iterator<Item = &'a Action>,
    discrete: bool,
    device: Device,
) -> Tensor {
    if discrete {
        let v: Vec<i64> = actions
            .map(|a| match a {
                Action::Discrete(i) => *i as i64,
                Action::Continuous(_) => unreachable!("a continuous action in a discrete run"),
            })
            .collect();
        Tensor::from_slice(&v).to_device(device)
    } else {
        let mut v: Vec<f32> = Vec::new();
        let mut n = 0i64;
        for a in actions {
            match a {
                Action::Continuous(x) => v.extend(x.iter().map(|&x| x as f32)),
                Action::Discrete(_) => unreachable!("a discrete action in a continuous run"),
            }
            n += 1;
        }
        let d = v.len() as i64 / n.max(1);
        Tensor::from_slice(&v).view([n, d]).to_device(device)
    }
}

/// The Gaussian the actions of a batch were drawn from: PruVer's fixed one, the learned log-std, or
/// gSDE's. Categorical policies ignore it.
#[derive(Clone, Copy)]
enum Dist<'a> {
    /// PruVer's fixed variance (and every discrete policy, which ignores it).
    Fixed,
    /// A state-independent log-std `[act_dim]`.
    LogStd(&'a Tensor),
    /// gSDE: the log-std of the exploration matrix (flat, `[features × actions]` row-major) and the
    /// features the actions were drawn from.
    Sde {
        log_std: &'a Tensor,
        latent: &'a Tensor,
    },
}

/// The distribution a parameter view defines, for actions drawn with `latent` features.
fn dist<'a>(views: &'a net::Views, latent: &'a Tensor, sde: bool) -> Dist<'a> {
    match views.log_std() {
        None => Dist::Fixed,
        Some(log_std) if sde => Dist::Sde { log_std, latent },
        Some(ls) => Dist::LogStd(ls),
    }
}

/// Log-probabilities and entropies of `actions` under the distribution the actor's `out` defines: a
/// categorical over softmax(out) per row, or a Gaussian shaped by `dist`.
fn log_prob(out: &Tensor, actions: &Tensor, dist: Dist, discrete: bool) -> (Tensor, Tensor) {
    if discrete {
        let logp_all = out.log_softmax(-1, Kind::Float);
        let logp = logp_all
            .gather(-1, &actions.unsqueeze(-1), false)
            .squeeze_dim(-1);
        let entropy = -(logp_all.exp() * &logp_all).sum_dim_intlist(-1, false, Kind::Float);
        return (logp, entropy);
    }
    let k = out.size()[1] as f64;
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    match dist {
        Dist::LogStd(ls) => {
            let z = (actions - out) * (-ls).exp();
            let logp =
                (z.square() * -0.5 - ls - half_log_2pi).sum_dim_intlist(-1, false, Kind::Float);
            let entropy =
                (ls.sum(Kind::Float) + k * (0.5 + half_log_2pi)).expand([out.size()[0]], false);
            (logp, entropy)
        }
        Dist::Sde { log_std, latent } => {
            // SB3's StateDependentNoiseDistribution: Var[φᵀE]_j = Σ_i φ_i² σ_ij², the features
            // detached (its `learn_features=False`), plus a floor.
            let var = latent
                .detach()
                .square()
                .mm(&(log_std * 2.0).exp().view([latent.size()[1], -1]))
                + SDE_EPSILON;
            let log_s = var.log() * 0.5;
            let logp = ((actions - out).square() / &var * -0.5 - &log_s - half_log_2pi)
                .sum_dim_intlist(-1, false, Kind::Float);
            let entropy = (log_s + (0.5 + half_log_2pi)).sum_dim_intlist(-1, false, Kind::Float);
            (logp, entropy)
        }
        Dist::Fixed => {
            // PruVer's MultivariateNormal(mean, diag(0.5)): −½(k·log 2π + Mahalanobis) − ½·log det.
            let scale = PRUVER_VARIANCE.sqrt();
            let m = ((actions - out) / scale)
                .square()
                .sum_dim_intlist(-1, false, Kind::Float);
            let half_log_det = k * scale.ln();
            let logp = (m + k * 2.0 * half_log_2pi) * -0.5 - half_log_det;
            let entropy = Tensor::full(
                [out.size()[0]],
                k * (0.5 + half_log_2pi) + half_log_det,
                (Kind::Float, out.device()),
            );
            (logp, entropy)
        }
    }
}

/// Means over an iteration's gradient steps.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UpdateStats {
    pub actor_loss: f64,
    pub critic_loss: f64,
    pub entropy: f64,
    pub approx_kl: f64,
    pub clip_fraction: f64,
}

#[derive(Default)]
struct Accumulator {
    sums: [f64; 5],
    n: usize,
}

impl Accumulator {
    fn add(
        &mut self,
        actor: &Tensor,
        critic: &Tensor,
        entropy: &Tensor,
        ratio: &Tensor,
        clip: f64,
    ) {
        let log_ratio = ratio.log();
        let kl = ((ratio - 1.0) - log_ratio).mean(Kind::Float);
        let clipped = (ratio - 1.0)
            .abs()
            .gt(clip)
            .to_kind(Kind::Float)
            .mean(Kind::Float);
        for (s, t) in
            self.sums
                .iter_mut()
                .zip([actor, critic, &entropy.mean(Kind::Float), &kl, &clipped])
        {
            *s += t.double_value(&[]);
        }
        self.n += 1;
    }

    fn stats(&self) -> UpdateStats {
        let m = |i: usize| self.sums[i] / self.n.max(1) as f64;
        UpdateStats {
            actor_loss: m(0),
            critic_loss: m(1),
            entropy: m(2),
            approx_kl: m(3),
            clip_fraction: m(4),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// PruVer's update

/// A PruVer batch: observations, actions, the log-probabilities the actions were drawn with, and the
/// discounted rewards-to-go.
pub struct PruverBatch {
    pub obs: Tensor,
    pub actions: Tensor,
    pub rtgs: Tensor,
    pub discrete: bool,
}

impl PruverBatch {
    /// From whole episodes (PruVer's rollout always ends on an episode boundary).
    pub fn from_segment(seg: &Segment, discrete: bool, gamma: f64, device: Device) -> PruverBatch {
        let mut obs: Vec<&[f64]> = Vec::new();
        let mut rewards: Vec<Vec<f64>> = vec![Vec::new()];
        for t in &seg.steps {
            obs.push(&t.obs);
            rewards.last_mut().unwrap().push(t.reward);
            if !matches!(t.end, StepEnd::Running) {
                rewards.push(Vec::new());
            }
        }
        if rewards.last().is_some_and(|r| r.is_empty()) {
            rewards.pop();
        }
        let d = obs.first().map_or(0, |o| o.len());
        let flat: Vec<f32> = obs
            .iter()
            .flat_map(|o| o.iter().map(|&v| v as f32))
            .collect();
        let obs_t = Tensor::from_slice(&flat)
            .view([obs.len() as i64, d as i64])
            .to_device(device);
        let actions = action_tensor(seg.steps.iter().map(|t| &t.action), discrete, device);
        PruverBatch::new(obs_t, actions, &rewards, gamma, discrete)
    }

    /// From tensors and per-episode rewards.
    pub fn new(
        obs: Tensor,
        actions: Tensor,
        episode_rewards: &[Vec<f64>],
        gamma: f64,
        discrete: bool,
    ) -> PruverBatch {
        // Rewards-to-go, summed backwards in Python floats (f64), then float32.
        let mut rtgs: Vec<f32> = Vec::new();
        for ep in episode_rewards {
            let mut acc = 0.0f64;
            let mut back: Vec<f32> = ep
                .iter()
                .rev()
                .map(|r| {
                    acc = r + acc * gamma;
                    acc as f32
                })
                .collect();
            back.reverse();
            rtgs.extend(back);
        }
        let rtgs = Tensor::from_slice(&rtgs).to_device(obs.device());
        PruverBatch {
            obs,
            actions,
            rtgs,
            discrete,
        }
    }
}

/// PruVer's log-probabilities: per-row ones for the rollout, and in the update PruVer's own quirk for
/// discrete actions. Its `FeedForwardActorNN` applies `softmax(dim=0)`, which for a batch normalises
/// over the batch rather than the actions; `Categorical` then renormalises each row and clamps the
/// probabilities to [ε, 1 − ε] (float32 ε) before the log. The update reproduces that exactly.
fn pruver_log_prob(
    out: &Tensor,
    actions: &Tensor,
    discrete: bool,
    per_row: bool,
) -> (Tensor, Tensor) {
    if !discrete {
        return log_prob(out, actions, Dist::Fixed, false);
    }
    let dim = if per_row { -1 } else { 0 };
    let p = out.softmax(dim, Kind::Float);
    let p = &p / p.sum_dim_intlist(-1, true, Kind::Float);
    let eps = f32::EPSILON as f64;
    let logits = p.clamp(eps, 1.0 - eps).log();
    let logp = logits
        .gather(-1, &actions.unsqueeze(-1), false)
        .squeeze_dim(-1);
    let entropy = -(&p * &logits).sum_dim_intlist(-1, false, Kind::Float);
    (logp, entropy)
}

/// One PruVer iteration's update: advantages `A = rtg − V` normalised once, then
/// `n_updates` full-batch epochs of the clipped surrogate (actor) and MSE to the rewards-to-go
/// (critic), each with its own Adam step. No entropy bonus, no gradient clipping.
pub fn pruver_update(
    params: &mut Params,
    adam: &mut Adam,
    batch: &PruverBatch,
    n_updates: usize,
    lr: f64,
    clip: f64,
) -> UpdateStats {
    // The log-probabilities the actions were drawn with, row by row (PruVer's `get_action` during the
    // rollout), from the same weights.
    let (old_logp, advantages) = tch::no_grad(|| {
        let out = params.forward(&params.actor, &batch.obs);
        let old = pruver_log_prob(&out, &batch.actions, batch.discrete, true).0;
        let v = params.forward(&params.critic, &batch.obs).squeeze();
        let a = &batch.rtgs - v;
        // torch's std is the unbiased one.
        let a = (&a - a.mean(Kind::Float)) / (a.std(true) + 1e-10);
        (old, a)
    });
    let mut acc = Accumulator::default();
    for _ in 0..n_updates {
        let views = params.views();
        let v = views.critic(&batch.obs).squeeze();
        let out = views.actor(&batch.obs);
        let (logp, entropy) = pruver_log_prob(&out, &batch.actions, batch.discrete, false);
        let ratios = (&logp - &old_logp).exp();
        let surr1 = &ratios * &advantages;
        let surr2 = ratios.clamp(1.0 - clip, 1.0 + clip) * &advantages;
        let actor_loss = -surr1.minimum(&surr2).mean(Kind::Float);
        let critic_loss = v.mse_loss(&batch.rtgs, Reduction::Mean);
        // The networks are disjoint, so one backward pass gives each its own loss's gradient, and one
        // elementwise Adam over both is PruVer's two Adam steps.
        net::zero_grad(params);
        (&actor_loss + &critic_loss).backward();
        adam.step(params, lr, None);
        let entropy = tch::no_grad(|| {
            if batch.discrete {
                pruver_log_prob(&out.detach(), &batch.actions, true, true).1
            } else {
                entropy
            }
        });
        acc.add(&actor_loss, &critic_loss, &entropy, &ratios.detach(), clip);
    }
    acc.stats()
}

// ------------------------------------------------------------------------------------------------
// The default preset's update

pub struct DefaultBatch {
    pub obs: Tensor,
    pub actions: Tensor,
    pub old_logp: Tensor,
    pub advantages: Tensor,
    pub returns: Tensor,
}

/// Epochs of shuffled minibatches: clipped surrogate on (per-minibatch normalised) advantages, an
/// entropy bonus, MSE of the value to the GAE returns, one Adam step on the clipped global gradient.
pub fn default_update(
    params: &mut Params,
    adam: &mut Adam,
    batch: &DefaultBatch,
    cfg: &TrainConfig,
    lr: f64,
    discrete: bool,
    rng: &mut NpRng,
) -> UpdateStats {
    let n = batch.obs.size()[0] as usize;
    let mut idx: Vec<i64> = (0..n as i64).collect();
    let mut acc = Accumulator::default();
    let epochs = cfg.n_updates_per_iteration;
    for epoch in 0..epochs {
        // Fisher–Yates from the run's shuffle stream; the batch is permuted once per epoch, so each
        // minibatch is a contiguous slice.
        for i in (1..n).rev() {
            let j = rng.integers(0, i as i64 + 1) as usize;
            idx.swap(i, j);
        }
        let perm = Tensor::from_slice(&idx).to_device(batch.obs.device());
        let [obs, act, old, adv_all, ret] = [
            &batch.obs,
            &batch.actions,
            &batch.old_logp,
            &batch.advantages,
            &batch.returns,
        ]
        .map(|t| t.index_select(0, &perm));
        let mut start = 0;
        while start < n {
            let len = cfg.minibatch_size.min(n - start);
            let at = start as i64;
            let slice = |t: &Tensor| t.narrow(0, at, len as i64);
            start += len;
            let mut adv = slice(&adv_all);
            if cfg.normalize_advantage && len > 1 {
                adv = (&adv - adv.mean(Kind::Float)) / (adv.std(true) + 1e-8);
            }
            let o = slice(&obs);
            let views = params.views();
            let (out, latent) = views.actor_latent(&o);
            let (logp, entropy) = log_prob(
                &out,
                &slice(&act),
                dist(&views, &latent, cfg.use_sde),
                discrete,
            );
            let ratio = (&logp - slice(&old)).exp();
            let surr1 = &ratio * &adv;
            let surr2 = ratio.clamp(1.0 - cfg.clip, 1.0 + cfg.clip) * &adv;
            let pg_loss = -surr1.minimum(&surr2).mean(Kind::Float);
            let v = views.critic(&o).squeeze_dim(-1);
            let v_loss = v.mse_loss(&slice(&ret), Reduction::Mean);
            let loss = &pg_loss - entropy.mean(Kind::Float) * cfg.ent_coef + &v_loss * cfg.vf_coef;
            net::zero_grad(params);
            loss.backward();
            if cfg.log_std_final.is_some() {
                params.freeze_log_std();
            }
            adam.step(params, lr, Some(cfg.max_grad_norm));
            // Statistics of the last epoch only (what CleanRL reports), which keeps a dozen small
            // libtorch calls out of every other step.
            if epoch + 1 == epochs {
                acc.add(
                    &pg_loss,
                    &v_loss,
                    &entropy.detach(),
                    &ratio.detach(),
                    cfg.clip,
                );
            }
        }
    }
    acc.stats()
}

/// Check a checkpoint's worker states against the run and rebuild the workers.
pub(crate) fn restore_workers(
    env_id: &str,
    options: EnvOptions,
    cfg: &TrainConfig,
    states: &[WorkerState],
) -> Result<Vec<Worker>> {
    let cap = cfg.max_timesteps_per_episode.unwrap_or(usize::MAX);
    states
        .iter()
        .map(|s| {
            let mut w = Worker::new(env_id, options, 0, NpRng::from_state(&s.rng)?, cap)?;
            w.env.restore(&s.env)?;
            if s.obs.len() != w.obs.len() || s.obs.iter().any(|v| !v.is_finite()) {
                return Err(Error::Invalid(format!(
                    "a worker's observation has {} values ({} finite); {env_id} observes {}",
                    s.obs.len(),
                    s.obs.iter().filter(|v| v.is_finite()).count(),
                    w.obs.len()
                )));
            }
            w.obs = s.obs.clone();
            w.ep_return = s.ep_return;
            w.ep_length = s.ep_length;
            Ok(clipping(w, cfg))
        })
        .collect::<Result<Vec<_>>>()
        .map_err(|e: Error| Error::Invalid(format!("restoring the environments: {e}")))
}

/// The worker, clipping its actions when the run does (`clip_actions`, `default` only).
fn clipping(w: Worker, cfg: &TrainConfig) -> Worker {
    if cfg.preset == Preset::Default && cfg.clip_actions {
        w.clip_actions()
    } else {
        w
    }
}

pub(crate) fn worker_states(workers: &[Worker]) -> Vec<WorkerState> {
    workers
        .iter()
        .map(|w| WorkerState {
            env: w.env.snapshot(),
            obs: w.obs.clone(),
            rng: w.rng.to_state(),
            ep_return: w.ep_return,
            ep_length: w.ep_length,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Activation;

    fn config(normalize_obs: bool) -> TrainConfig {
        TrainConfig {
            timesteps_per_batch: 512,
            n_envs: 4,
            minibatch_size: 128,
            n_updates_per_iteration: 2,
            hidden_sizes: vec![32, 32],
            normalize_obs,
            ..TrainConfig::defaults(Preset::Default)
        }
    }

    /// `log_std_final`: σ is not learned but set on the schedule, first iteration `log_std_init`, last
    /// `log_std_final` (Gestures' annealed σ), while the networks train.
    #[test]
    fn a_scheduled_log_std_is_set_not_learned() {
        let cfg = TrainConfig {
            log_std_init: -0.6,
            log_std_final: Some(-1.7),
            training_step: 3,
            ..config(false)
        };
        let mut t = Trainer::new("Pendulum-v1", EnvOptions::default(), cfg, Device::Cpu).unwrap();
        let before = t.params.values();
        for (i, want) in [-0.6, -1.15, -1.7, -1.7].into_iter().enumerate() {
            t.iterate().unwrap();
            let got = t.params.log_std_values().unwrap();
            assert_eq!(got, vec![want as f32 as f64], "iteration {}", i + 1);
        }
        let after = t.params.values();
        let n = after.len() - 1;
        assert_ne!(before[..n], after[..n], "the networks trained");
    }

    /// `activation` sets the hidden layers of both networks; ReLU without it.
    #[test]
    fn the_activation_key_sets_both_networks_hidden_layers() {
        let mut cfg = config(false);
        cfg.activation = "tanh".into();
        let t = Trainer::new("Pendulum-v1", EnvOptions::default(), cfg, Device::Cpu).unwrap();
        for net in [t.actor_mlp(), t.critic_mlp()] {
            assert_eq!(net.activations, vec![Activation::Tanh; 2]);
        }
        let relu = Trainer::new(
            "Pendulum-v1",
            EnvOptions::default(),
            config(false),
            Device::Cpu,
        )
        .unwrap();
        assert_eq!(relu.actor_mlp().activations, vec![Activation::Relu; 2]);
    }

    /// The exported actor takes raw observations and gives what the trained network gives on
    /// normalised ones (libtorch's forward pass, float32), for observations from the run itself.
    #[test]
    fn exported_actor_and_critic_fold_the_normaliser() {
        let mut t = Trainer::new(
            "Pendulum-v1",
            EnvOptions::default(),
            config(true),
            Device::Cpu,
        )
        .unwrap();
        for _ in 0..3 {
            t.iterate().unwrap();
        }
        let norm = t.normalizer().unwrap().clone();
        // Statistics moved away from the prior (θ̇ spreads over several units).
        assert!(norm.var[2] > 1.5, "{:?}", norm.var);
        let (actor, critic) = (t.actor_mlp(), t.critic_mlp());
        let raw: Vec<Vec<f64>> = t.workers.iter().map(|w| w.obs.clone()).collect();
        let normed = t.obs_tensor(raw.iter().map(|o| o.as_slice()));
        let want_a = tensor_values(&t.params.forward(&t.params.actor, &normed));
        let want_c = tensor_values(&t.params.forward(&t.params.critic, &normed));
        for (i, o) in raw.iter().enumerate() {
            let (a, c) = (actor.forward(o), critic.forward(o));
            assert!(
                (a[0] - want_a[i]).abs() < 1e-4,
                "actor {} vs {}",
                a[0],
                want_a[i]
            );
            assert!(
                (c[0] - want_c[i]).abs() < 1e-3 * want_c[i].abs().max(1.0),
                "critic {} vs {}",
                c[0],
                want_c[i]
            );
        }
        // Without normalisation the exported actor is the trained one, bit for bit.
        let mut u = Trainer::new(
            "Pendulum-v1",
            EnvOptions::default(),
            config(false),
            Device::Cpu,
        )
        .unwrap();
        u.iterate().unwrap();
        assert_eq!(u.actor_mlp(), u.raw_actor());
    }

    /// gSDE's action noise is the actor's last hidden activations times the exploration matrix, and
    /// the matrix is redrawn at a rollout's first step and every `sde_sample_freq` steps, not between.
    #[test]
    fn sde_noise_is_the_features_times_a_matrix_redrawn_on_schedule() {
        let actor = net::init_actor(&[3, 5, 2], Init::TorchDefault, &mut NpRng::from_seed(1));
        let space = Space::Box {
            low: vec![-1.0; 2],
            high: vec![1.0; 2],
        };
        let std: Vec<f64> = (0..10).map(|i| 0.1 + 0.05 * i as f64).collect();
        let obs = [0.3, -0.7, 1.1];
        let mut s = Scratch::default();
        let (out, latent) = actor.forward_latent_with(&obs, &mut s);
        let (out, latent) = (out.to_vec(), latent.to_vec());
        assert_eq!(latent.len(), 5);
        assert!(latent.iter().any(|&f| f > 0.0), "{latent:?}");
        let (mut rng, mut state) = (NpRng::from_seed(7), Vec::new());
        let mut matrices = Vec::new();
        for (every, t) in [
            (Some(3), 0),
            (Some(3), 1),
            (Some(3), 2),
            (Some(3), 3),
            (None, 4),
        ] {
            let noise = Noise::Sde {
                std: std.clone(),
                every,
            };
            let mut draw = Draw {
                rng: &mut rng,
                state: &mut state,
                t,
            };
            let Action::Continuous(a) = sample(&actor, &space, &noise, &obs, &mut draw) else {
                panic!("a continuous action")
            };
            for j in 0..2 {
                let n: f64 = (0..5).map(|i| latent[i] * state[i * 2 + j]).sum();
                assert_eq!(a[j], (out[j] + n) as f32 as f64, "t {t}");
            }
            matrices.push(state.clone());
        }
        assert_eq!(matrices[0], matrices[1]);
        assert_eq!(matrices[1], matrices[2]);
        assert_ne!(
            matrices[2], matrices[3],
            "redrawn at t = 3 with sde_sample_freq 3"
        );
        assert_eq!(
            matrices[3], matrices[4],
            "kept at t = 4 with sde_sample_freq -1"
        );
        // Each entry is drawn with its own standard deviation.
        let mut rng = NpRng::from_seed(7);
        let want: Vec<f64> = std
            .iter()
            .map(|s| s * net::standard_normal(&mut rng))
            .collect();
        assert_eq!(matrices[0], want);
    }

    /// gSDE's log-probability is the Gaussian with variance Σ_i φ_i² σ_ij² + ε per action, and no
    /// gradient reaches the features through it (SB3's `learn_features=False`).
    #[test]
    fn sde_log_prob_is_the_gaussian_of_the_feature_variance() {
        let phi = [[0.5, 0.0, 2.0], [1.5, 0.25, 0.0]];
        let log_std = [[-1.0, 0.5], [0.0, -2.0], [0.3, 0.1]];
        let mean = [[0.1, -0.2], [0.4, 0.0]];
        let act = [[0.3, -0.1], [0.0, 0.7]];
        let t = |rows: &[&[f64]]| {
            let flat: Vec<f32> = rows
                .iter()
                .flat_map(|r| r.iter().map(|&v| v as f32))
                .collect();
            Tensor::from_slice(&flat).view([rows.len() as i64, -1])
        };
        let latent = t(&[&phi[0], &phi[1]]).set_requires_grad(true);
        let ls = t(&[&log_std[0], &log_std[1], &log_std[2]])
            .view([-1])
            .set_requires_grad(true);
        let out = t(&[&mean[0], &mean[1]]);
        let (logp_t, entropy) = log_prob(
            &out,
            &t(&[&act[0], &act[1]]),
            Dist::Sde {
                log_std: &ls,
                latent: &latent,
            },
            false,
        );
        let (logp, entropy) = (tensor_values(&logp_t), tensor_values(&entropy));
        for n in 0..2 {
            let (mut lp, mut h) = (0.0, 0.0);
            for j in 0..2 {
                let var: f64 = (0..3)
                    .map(|i| phi[n][i] * phi[n][i] * (2.0 * log_std[i][j]).exp())
                    .sum::<f64>()
                    + SDE_EPSILON;
                let d = act[n][j] - mean[n][j];
                lp += -d * d / (2.0 * var) - 0.5 * (2.0 * std::f64::consts::PI * var).ln();
                h += 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * var).ln();
            }
            assert!((logp[n] - lp).abs() < 1e-4, "{} vs {lp}", logp[n]);
            assert!((entropy[n] - h).abs() < 1e-4, "{} vs {h}", entropy[n]);
        }
        logp_t.sum(Kind::Float).backward();
        assert!(ls.grad().defined() && !latent.grad().defined());
    }

    /// Clipping actions before the environment changes nothing where the environment clips its input
    /// itself (Pendulum: bit-identical training), and changes MountainCarContinuous, whose reward
    /// penalises the action as given.
    #[test]
    fn clipping_actions_matters_only_where_the_reward_reads_the_unclipped_action() {
        let run = |env: &str, clip_actions: bool| {
            let cfg = TrainConfig {
                clip_actions,
                log_std_init: 0.5,
                ..config(false)
            };
            let mut t = Trainer::new(env, EnvOptions::default(), cfg, Device::Cpu).unwrap();
            let logs: Vec<IterationLog> = (0..2).map(|_| t.iterate().unwrap()).collect();
            (t.params.values(), logs.last().unwrap().critic_loss)
        };
        assert_eq!(run("Pendulum-v1", true), run("Pendulum-v1", false));
        assert_ne!(
            run("MountainCarContinuous-v0", true),
            run("MountainCarContinuous-v0", false)
        );
    }

    #[test]
    fn an_annealed_learning_rate_stops_at_zero() {
        let cfg = TrainConfig {
            anneal_lr: true,
            lr: 1e-3,
            training_step: 4,
            ..config(false)
        };
        let lrs: Vec<f64> = (1..=7).map(|i| learning_rate(&cfg, i)).collect();
        for (got, want) in lrs.iter().zip([1e-3, 7.5e-4, 5e-4, 2.5e-4, 0.0, 0.0, 0.0]) {
            assert!((got - want).abs() < 1e-15, "{lrs:?}");
        }
        let flat = TrainConfig {
            anneal_lr: false,
            ..cfg
        };
        assert_eq!(learning_rate(&flat, 9), 1e-3);
    }

    #[test]
    fn gae_restarts_at_episode_ends_and_uses_the_bootstrap_values() {
        let (g, l) = (0.9, 0.5);
        // Steps 0-1: an episode that terminates; 2: cut by a time limit (bootstrap 4.0); 3: running,
        // bootstrapped by the segment's last value 2.0.
        let r = [1.0, 2.0, 3.0, 4.0];
        let v = [0.5, 1.0, 1.5, 2.5];
        let next = [1.0, 0.0, 4.0, 2.0];
        let ends = [false, true, true, false];
        let a = gae(&r, &v, &next, &ends, g, l);
        let d: Vec<f64> = (0..4).map(|t| r[t] + g * next[t] - v[t]).collect();
        let want = [d[0] + g * l * d[1], d[1], d[2], d[3]];
        for (x, y) in a.iter().zip(&want) {
            assert!((x - y).abs() < 1e-12, "{a:?} vs {want:?}");
        }
        // A whole segment with λ = 1 and no ends is the discounted return minus V.
        let a = gae(&r, &v, &[1.0, 1.5, 2.5, 0.0], &[false; 4], 1.0, 1.0);
        assert!((a[0] - (10.0 - 0.5)).abs() < 1e-12, "{a:?}");
    }
}
