//! `--refine-strategy tune` (ours): counterexample-guided distillation under the pruned actor's mask.
//!
//! PruVer's restoration (the parent module) only copies dense weights back; the weights it keeps are
//! never adjusted to the ones pruned around them, so it restores many weights to undo a small error.
//! This strategy keeps the pruned actor's sparsity pattern and trains the weights it has:
//!
//! 1. **Roll out** the current actor from every failure's seed and perturbation (round 0: the pruned
//!    actor, whose episodes are the recorded failures) and on `anchors` unperturbed episodes (seeds
//!    [`ANCHOR_SEED`] + k), and add every state it visits to the data set, labelled with the dense
//!    actor's output there (DAgger: the states the sparse actor itself reaches, so it learns what the
//!    dense actor would do where it goes wrong, and the anchors keep what already worked).
//! 2. **Stop** when every failure is fixed (the same criterion as PruVer's method).
//! 3. **Grow the mask** when a round fixed no more failures than the best before: the `grow` share of
//!    the still-pruned weights with the largest |∂L/∂W| of the distillation loss on the data set gets
//!    its dense value back (PruVer's gradient ranking, measured on the whole data set rather than one
//!    state per failure).
//! 4. **Train** the kept and restored weights and every bias: `updates` Adam steps on minibatches of the
//!    mean squared error between the actor's and the dense actor's outputs (softmax outputs for
//!    discrete actors); pruned positions stay exactly zero.
//!
//! Each round's rollouts run on all cores; training runs on one libtorch thread and draws its
//! minibatches from a seeded NumPy-compatible generator, so a seed gives the same actor for any
//! `--threads`. When rounds run out, the actor that fixed the most failures (the earliest of equals)
//! is the result.

use tch::nn::OptimizerConfig;
use tch::{Device, Kind, Reduction, Tensor};

use super::{Criterion, EnvRef};
use crate::env::rng::NpRng;
use crate::env::Perturbation;
use crate::error::{Error, Result};
use crate::falsify::catalog::Spec;
use crate::policy::torch::TchActor;
use crate::policy::{Actor, Dtype, Scratch};
use crate::rollout;
use crate::trajectory::RecordedFailure;

/// Anchor episode k is seeded `ANCHOR_SEED + k`: far from the seeds campaigns and evaluations use
/// (`--seed + i`), so what the refinement trains on is not what it is judged on.
pub const ANCHOR_SEED: u64 = 1_000_000;

/// The strategy's settings (`--refine-strategy tune`; the defaults are what the README's table used).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Rounds of roll out → train, at most.
    pub rounds: usize,
    /// Adam steps per round.
    pub updates: usize,
    pub batch: usize,
    pub lr: f64,
    /// Unperturbed episodes rolled out each round beside the failures.
    pub anchors: usize,
    /// Share of the still-pruned weights restored when a round fixes nothing new.
    pub grow: f64,
    /// Seeds the minibatch draws.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rounds: 12,
            updates: 400,
            batch: 256,
            lr: 1e-3,
            anchors: 16,
            grow: 0.05,
            seed: 0,
        }
    }
}

/// One round: the actor as it was before the round's training.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub round: usize,
    /// Failures the actor passes.
    pub fixed: usize,
    /// Mean return of the anchor episodes.
    pub anchor_return: f64,
    /// States in the data set after this round's rollouts.
    pub states: usize,
    /// Weights pruned in the input actor that are non-zero now.
    pub restored: usize,
    /// Distillation loss over the data set (before this round's training).
    pub loss: f64,
}

/// What the strategy returns: the best actor, each round, and whether every failure passes.
pub struct Tuned {
    pub actor: Actor,
    pub rounds: Vec<Round>,
    pub all_fixed: bool,
}

fn kind(dtype: Dtype) -> Kind {
    match dtype {
        Dtype::F32 => Kind::Float,
        Dtype::F64 => Kind::Double,
    }
}

/// The data set: states (row-major, `dim` wide) and the dense actor's outputs there.
struct Data {
    dim: usize,
    out: usize,
    x: Vec<f64>,
    y: Vec<f64>,
}

impl Data {
    fn len(&self) -> usize {
        self.x.len() / self.dim
    }

    fn add(&mut self, dense: &Actor, states: &[Vec<f64>]) {
        let mut scratch = Scratch::default();
        for s in states {
            self.x.extend_from_slice(s);
            self.y
                .extend_from_slice(dense.forward_with(s, &mut scratch));
        }
    }

    fn tensors(&self, rows: &[i64], k: Kind) -> (Tensor, Tensor) {
        let (d, o) = (self.dim, self.out);
        let mut x = Vec::with_capacity(rows.len() * d);
        let mut y = Vec::with_capacity(rows.len() * o);
        for &r in rows {
            let r = r as usize;
            x.extend_from_slice(&self.x[r * d..(r + 1) * d]);
            y.extend_from_slice(&self.y[r * o..(r + 1) * o]);
        }
        let n = rows.len() as i64;
        (
            Tensor::from_slice(&x).view([n, d as i64]).to_kind(k),
            Tensor::from_slice(&y).view([n, o as i64]).to_kind(k),
        )
    }
}

/// The distillation loss of `actor` on rows `rows` (softmax outputs when `discrete`).
fn loss(actor: &TchActor, data: &Data, rows: &[i64], k: Kind, discrete: bool) -> Tensor {
    let (x, y) = data.tensors(rows, k);
    let out = actor.forward_context(&x, None);
    if discrete {
        out.softmax(-1, k)
            .mse_loss(&y.softmax(-1, k), Reduction::Mean)
    } else {
        out.mse_loss(&y, Reduction::Mean)
    }
}

/// Each layer's weight tensor (shared with the optimiser) and its mask as a 0/1 tensor.
fn weights(actor: &TchActor, n: usize) -> Vec<Tensor> {
    let vars = actor.vs.variables();
    (1..=n)
        .map(|i| {
            vars.get(&format!("layer{i}.weight"))
                .expect("every layer has a weight")
                .shallow_clone()
        })
        .collect()
}

fn keep_tensors(masks: &[Vec<bool>], weights: &[Tensor], k: Kind) -> Vec<Tensor> {
    masks
        .iter()
        .zip(weights)
        .map(|(m, w)| {
            let keep: Vec<f64> = m.iter().map(|&b| f64::from(u8::from(b))).collect();
            Tensor::from_slice(&keep)
                .view(w.size().as_slice())
                .to_kind(k)
        })
        .collect()
}

/// Run the strategy. `failures` are those to fix (the dense actor passes each); `progress` hears of
/// each round.
#[allow(clippy::too_many_arguments)]
pub fn tune(
    env: EnvRef,
    dense: &Actor,
    pruned: &Actor,
    failures: &[RecordedFailure],
    fixed_by: Criterion,
    spec: &Spec,
    settings: Settings,
    progress: &dyn Fn(&str),
) -> Result<Tuned> {
    if pruned.is_recurrent() {
        return Err(Error::Usage(
            "--refine-strategy tune trains feed-forward actors; refine a recurrent (Elman) actor with \
             --refine-strategy pruver"
                .into(),
        ));
    }
    let space = env.make()?.action_space();
    let discrete = space.is_discrete();
    let k = kind(pruned.dtype);
    let mut masks: Vec<Vec<bool>> = pruned
        .layers
        .iter()
        .map(|l| l.weight.iter().map(|w| *w != 0.0).collect())
        .collect();
    let mut data = Data {
        dim: dense.input_dim(),
        out: dense.layers.last().map_or(0, |l| l.out_features),
        x: Vec::new(),
        y: Vec::new(),
    };
    let episodes: Vec<(u64, Perturbation)> = failures
        .iter()
        .map(|f| (f.seed, f.perturbation.clone()))
        .chain((0..settings.anchors as u64).map(|i| (ANCHOR_SEED + i, Perturbation::new())))
        .collect();
    let threads = tch::get_num_threads();
    tch::set_num_threads(1);
    let result = (|| {
        let mut cur = pruned.clone();
        let ta = TchActor::from_mlp(&cur, Device::Cpu);
        let mut opt = tch::nn::Adam::default()
            .build(&ta.vs, settings.lr)
            .map_err(|e| Error::Invalid(format!("--refine-strategy tune: libtorch's Adam: {e}")))?;
        let ws = weights(&ta, masks.len());
        let mut keep = keep_tensors(&masks, &ws, k);
        let mut rng = NpRng::from_seed(settings.seed);
        let mut rounds = Vec::new();
        let mut best: Option<(usize, Actor)> = None;
        let mut best_fixed_before = 0;
        for round in 0..=settings.rounds {
            let trajs = rollout::par_map(env.id, env.options, &episodes, |e, (seed, p)| {
                let cap = e.max_episode_steps().unwrap_or(usize::MAX);
                rollout::record_episode(e, &cur, *seed, p, cap)
            })?;
            let fixed = trajs[..failures.len()]
                .iter()
                .filter(|t| fixed_by.ok(t, spec))
                .count();
            let anchor_return = if settings.anchors == 0 {
                f64::NAN
            } else {
                trajs[failures.len()..].iter().map(|t| t.ret()).sum::<f64>()
                    / settings.anchors as f64
            };
            for t in &trajs {
                // The last observation answers no action.
                data.add(dense, &t.observations[..t.actions.len()]);
            }
            let all: Vec<i64> = (0..data.len() as i64).collect();
            let full_loss = tch::no_grad(|| loss(&ta, &data, &all, k, discrete).double_value(&[]));
            let restored = super::restored_count(pruned, &cur).iter().sum();
            let r = Round {
                round,
                fixed,
                anchor_return,
                states: data.len(),
                restored,
                loss: full_loss,
            };
            progress(&format!(
                "refine (tune): round {round}: {fixed}/{} fixed, anchors' mean return {anchor_return:.1}, \
                 {} states, {restored} weights restored, loss {full_loss:.3e}",
                failures.len(),
                r.states
            ));
            rounds.push(r);
            if best.as_ref().is_none_or(|(b, _)| fixed > *b) {
                best = Some((fixed, cur.clone()));
            }
            if fixed == failures.len() || round == settings.rounds {
                break;
            }
            // A round that fixed nothing new: restore the still-pruned weights the data set needs most.
            if round >= 2 && fixed <= best_fixed_before {
                opt.zero_grad();
                grow(
                    &ta,
                    &ws,
                    &mut masks,
                    dense,
                    &data,
                    &all,
                    k,
                    discrete,
                    settings.grow,
                );
                keep = keep_tensors(&masks, &ws, k);
            }
            best_fixed_before = best_fixed_before.max(fixed);
            for _ in 0..settings.updates {
                let rows: Vec<i64> = (0..settings.batch)
                    .map(|_| rng.integers(0, data.len() as i64))
                    .collect();
                let l = loss(&ta, &data, &rows, k, discrete);
                opt.zero_grad();
                l.backward();
                // A pruned weight gets no gradient, so Adam's moments there stay zero and so does the
                // weight (its update is exactly 0).
                tch::no_grad(|| {
                    for (w, keep) in ws.iter().zip(&keep) {
                        let mut g = w.grad();
                        let _ = g.f_mul_(keep);
                    }
                });
                opt.step();
            }
            cur = ta.to_mlp(pruned.dtype);
        }
        let (fixed, actor) = best.expect("round 0 always runs");
        Ok(Tuned {
            actor,
            rounds,
            all_fixed: fixed == failures.len(),
        })
    })();
    tch::set_num_threads(threads);
    result
}

/// Restore the `share` of still-pruned weights (at least one per layer that has any) with the largest
/// |∂L/∂W| of the loss over the whole data set, to their dense values.
#[allow(clippy::too_many_arguments)]
fn grow(
    ta: &TchActor,
    ws: &[Tensor],
    masks: &mut [Vec<bool>],
    dense: &Actor,
    data: &Data,
    all: &[i64],
    k: Kind,
    discrete: bool,
    share: f64,
) {
    loss(ta, data, all, k, discrete).backward();
    let grads = ta.weight_grads();
    tch::no_grad(|| {
        for (i, ((m, g), w)) in masks.iter_mut().zip(&grads).zip(ws).enumerate() {
            let mut pruned: Vec<usize> = (0..m.len()).filter(|&j| !m[j]).collect();
            if pruned.is_empty() {
                continue;
            }
            pruned.sort_by(|&a, &b| g[b].abs().total_cmp(&g[a].abs()).then(a.cmp(&b)));
            let n = ((pruned.len() as f64 * share).ceil() as usize).clamp(1, pruned.len());
            let flat = w.view([-1]);
            for &j in &pruned[..n] {
                m[j] = true;
                let _ = flat.get(j as i64).fill_(dense.layers[i].weight[j]);
            }
        }
    });
}
