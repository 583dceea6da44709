//! Normalisation for the `default` preset: running mean and variance of the observations (Chan et al.'s
//! parallel update, as SB3's `RunningMeanStd`), the algebra that folds the normaliser into a network's
//! first layer so an exported actor works on raw observations, and SB3's `VecNormalize` reward
//! scaling.
//!
//! Normalised observations are not clipped: clipping would make the fold inexact.

use serde::{Deserialize, Serialize};

use crate::policy::Actor;

/// Added to the variance before its square root, as SB3 and Gymnasium do.
pub const EPS: f64 = 1e-8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningMeanStd {
    pub mean: Vec<f64>,
    pub var: Vec<f64>,
    /// Starts at 1e-4 rather than 0 (SB3's choice), so the first update needs no special case.
    pub count: f64,
}

impl RunningMeanStd {
    pub fn new(dim: usize) -> Self {
        RunningMeanStd {
            mean: vec![0.0; dim],
            var: vec![1.0; dim],
            count: 1e-4,
        }
    }

    /// Merge a batch of observations (population variance of the batch).
    pub fn update<'a>(&mut self, batch: impl IntoIterator<Item = &'a [f64]> + Clone) {
        let dim = self.mean.len();
        let n = batch.clone().into_iter().count() as f64;
        if n == 0.0 {
            return;
        }
        let mut bmean = vec![0.0; dim];
        for x in batch.clone() {
            bmean.iter_mut().zip(x).for_each(|(m, v)| *m += v);
        }
        bmean.iter_mut().for_each(|m| *m /= n);
        let mut bvar = vec![0.0; dim];
        for x in batch {
            for ((s, v), m) in bvar.iter_mut().zip(x).zip(&bmean) {
                *s += (v - m) * (v - m);
            }
        }
        bvar.iter_mut().for_each(|s| *s /= n);
        let total = self.count + n;
        for i in 0..dim {
            let delta = bmean[i] - self.mean[i];
            let m2 =
                self.var[i] * self.count + bvar[i] * n + delta * delta * self.count * n / total;
            self.mean[i] += delta * n / total;
            self.var[i] = m2 / total;
        }
        self.count = total;
    }

    /// The divisor of each component, √(var + ε).
    pub fn scale(&self) -> Vec<f64> {
        self.var.iter().map(|v| (v + EPS).sqrt()).collect()
    }

    /// `(x − mean) / √(var + ε)`, componentwise.
    pub fn normalize(&self, x: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend(
            x.iter()
                .zip(&self.mean)
                .zip(&self.var)
                .map(|((x, m), v)| (x - m) / (v + EPS).sqrt()),
        );
    }
}

/// `net` with the normaliser folded into `layer1`: `W' = W / s` column by column and `b' = b − W' m`,
/// so that `fold(net)(x) = net((x − m) / s)` for every raw observation x. Computed in f64 and rounded
/// to the network's float32.
pub fn fold_into_first_layer(net: &Actor, norm: &RunningMeanStd) -> Actor {
    let mut out = net.clone();
    let scale = norm.scale();
    let l = &mut out.layers[0];
    let n_in = l.in_features;
    let bias = l
        .bias
        .as_mut()
        .expect("normalised networks are trained with biases");
    for (row, b) in l.weight.chunks_exact_mut(n_in).zip(bias.iter_mut()) {
        let mut shift = 0.0;
        for ((w, s), m) in row.iter_mut().zip(&scale).zip(&norm.mean) {
            *w /= s;
            shift += *w * m;
        }
        *b -= shift;
    }
    if net.dtype == crate::policy::Dtype::F32 {
        l.weight.iter_mut().for_each(|w| *w = *w as f32 as f64);
        l.bias
            .iter_mut()
            .flatten()
            .for_each(|b| *b = *b as f32 as f64);
    }
    out
}

/// SB3's `VecNormalize(norm_reward=True)`: each environment's reward is divided by the running
/// standard deviation of its discounted return (`R ← γR + r`, reset when an episode ends), and
/// clipped to ±[`REWARD_CLIP`]. The learner sees the scaled rewards; logs and evaluations keep the
/// environment's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardScaler {
    pub rms: RunningMeanStd,
    /// Each environment's discounted return so far in its episode.
    pub returns: Vec<f64>,
}

/// SB3's `VecNormalize.clip_reward`.
pub const REWARD_CLIP: f64 = 10.0;

impl RewardScaler {
    pub fn new(n_envs: usize) -> Self {
        RewardScaler {
            rms: RunningMeanStd::new(1),
            returns: vec![0.0; n_envs],
        }
    }

    /// Scale one rollout: `rewards[w][t]` and `ends[w][t]` are environment w's t-th step (every
    /// environment takes the same number of steps). As `VecNormalize.step_wait`, step by step: the
    /// returns advance, the statistics merge the batch of all environments' returns, the rewards are
    /// scaled with the updated statistics, and the returns of ended episodes restart.
    pub fn scale(&mut self, rewards: &[Vec<f64>], ends: &[Vec<bool>], gamma: f64) -> Vec<Vec<f64>> {
        let n = rewards.first().map_or(0, |r| r.len());
        let mut out: Vec<Vec<f64>> = rewards
            .iter()
            .map(|r| Vec::with_capacity(r.len()))
            .collect();
        for t in 0..n {
            for (ret, r) in self.returns.iter_mut().zip(rewards) {
                *ret = *ret * gamma + r[t];
            }
            self.rms
                .update(self.returns.iter().map(std::slice::from_ref));
            let s = self.rms.scale()[0];
            for (w, o) in out.iter_mut().enumerate() {
                o.push((rewards[w][t] / s).clamp(-REWARD_CLIP, REWARD_CLIP));
                if ends[w][t] {
                    self.returns[w] = 0.0;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::rng::NpRng;
    use crate::train::net::{init_actor, Init};

    #[test]
    fn running_statistics_equal_the_batch_statistics() {
        let xs: Vec<Vec<f64>> = (0..50)
            .map(|i| vec![i as f64, (i as f64 * 0.3).sin() * 5.0 + 2.0])
            .collect();
        let mut r = RunningMeanStd::new(2);
        // Three uneven batches.
        for part in [&xs[..7], &xs[7..30], &xs[30..]] {
            r.update(part.iter().map(|v| v.as_slice()));
        }
        for d in 0..2 {
            let n = xs.len() as f64;
            let mean = xs.iter().map(|x| x[d]).sum::<f64>() / n;
            let var = xs.iter().map(|x| (x[d] - mean).powi(2)).sum::<f64>() / n;
            // The 1e-4 prior count pulls the mean and variance negligibly.
            assert!((r.mean[d] - mean).abs() < 1e-4 * mean.abs().max(1.0), "{d}");
            assert!(
                (r.var[d] - var).abs() < 1e-4 * var,
                "{d}: {} vs {var}",
                r.var[d]
            );
        }
    }

    /// The folded network on raw observations equals the network on normalised observations.
    #[test]
    fn folding_is_exact_up_to_float32_rounding() {
        let mut rng = NpRng::from_seed(7);
        let net = init_actor(&[3, 32, 32, 2], Init::TorchDefault, &mut rng);
        let mut norm = RunningMeanStd::new(3);
        let obs: Vec<Vec<f64>> = (0..200)
            .map(|_| {
                vec![
                    rng.uniform(-1.0, 1.0) * 0.1 + 3.0,
                    rng.uniform(-8.0, 8.0),
                    rng.uniform(0.0, 1.0) * 100.0,
                ]
            })
            .collect();
        norm.update(obs.iter().map(|v| v.as_slice()));
        let folded = fold_into_first_layer(&net, &norm);
        let mut xn = Vec::new();
        for x in &obs {
            norm.normalize(x, &mut xn);
            let want = net.forward(&xn);
            let got = folded.forward(x);
            for (a, b) in got.iter().zip(&want) {
                assert!((a - b).abs() < 1e-4 * b.abs().max(1.0), "{a} vs {b}");
            }
        }
    }

    /// Two environments by hand: the returns advance and restart per environment, the statistics see
    /// every environment's return at each step, and a spike after a quiet stretch is clipped.
    #[test]
    fn reward_scaling_follows_vecnormalize_step_by_step() {
        let n = 400;
        let mut rewards = vec![vec![0.01; n], vec![-0.02; n]];
        (rewards[0][0], rewards[0][1], rewards[1][1]) = (1.0, 2.0, 0.5);
        rewards[0][n - 1] = 1e3;
        let mut ends = vec![vec![false; n]; 2];
        ends[0][1] = true;
        ends[1][n / 2] = true;
        let mut s = RewardScaler::new(2);
        let got = s.scale(&rewards, &ends, 0.5);
        let mut rms = RunningMeanStd::new(1);
        let mut ret = [0.0, 0.0];
        for t in 0..n {
            for w in 0..2 {
                ret[w] = ret[w] * 0.5 + rewards[w][t];
            }
            rms.update([&ret[0..1], &ret[1..2]]);
            for w in 0..2 {
                let want = (rewards[w][t] / (rms.var[0] + EPS).sqrt()).clamp(-10.0, 10.0);
                assert_eq!(got[w][t], want, "env {w} step {t}");
                if ends[w][t] {
                    ret[w] = 0.0;
                }
            }
        }
        assert_eq!(got[0][n - 1], REWARD_CLIP);
        assert_eq!(s.returns.to_vec(), ret.to_vec());
        assert!((ret[0] - (1e3 + 0.01)).abs() < 1e-9, "{ret:?}");
    }
}
