//! The forward pass of a sparse tanh network, skipping the tanh of hidden units that feed nothing.
//!
//! `rollout` steps every tanh network through it. A Synaptolysis network (or a pruned one) loses
//! whole hidden units as it loses connections: a unit whose outgoing
//! weights are all zero still computes `tanh(·)` in [`Actor::forward`], only for the result to be
//! multiplied by zero. Here such a unit holds `copysign(0, x)` instead: `0 · tanh(x)` and
//! `0 · copysign(0, x)` are the same signed zero (tanh keeps the sign of its argument), so every sum
//! downstream, and so every action, is bit for bit the one [`Actor::forward`] computes; the test below
//! checks it. tanh is most of a step's cost, and half the hidden units of an evolved mask are dead;
//! of the live ones, those with the same incoming weights share one tanh.

use super::{argmax, dot, Activation, Actor};
use crate::env::{Action, Space};

/// An actor with, per hidden layer, which units feed the next layer.
pub struct Fast<'a> {
    actor: &'a Actor,
    live: Vec<Vec<bool>>,
    /// Per layer with fewer than 8 inputs, its weights transposed (`in × out`): such a layer's
    /// [`dot`] adds its terms one by one from +0, so sweeping the inputs over all outputs at once
    /// adds the same terms in the same order (and vectorises).
    columns: Vec<Option<Vec<f64>>>,
    /// Per hidden layer and unit, the first live unit of that layer with the same incoming weights and
    /// bias (itself when none comes before): a mask over 5 inputs has 32 possible rows, so many units
    /// repeat one, and an equal sum has an equal tanh.
    same: Vec<Vec<usize>>,
    a: Vec<f64>,
    b: Vec<f64>,
    action: Action,
}

impl<'a> Fast<'a> {
    /// `None` unless every hidden activation is tanh (the only one the skip is exact for here) and
    /// the actor is feed-forward.
    pub fn new(actor: &'a Actor) -> Option<Fast<'a>> {
        if actor.is_recurrent() || !actor.activations.iter().all(|a| *a == Activation::Tanh) {
            return None;
        }
        let live = actor.layers[1..]
            .iter()
            .map(|next| {
                (0..next.in_features)
                    .map(|j| {
                        next.weight
                            .chunks_exact(next.in_features)
                            .any(|row| row[j] != 0.0)
                    })
                    .collect()
            })
            .collect();
        let columns = actor
            .layers
            .iter()
            .map(|l| {
                (l.in_features < 8).then(|| {
                    (0..l.in_features * l.out_features)
                        .map(|k| {
                            l.weight[(k % l.out_features) * l.in_features + k / l.out_features]
                        })
                        .collect()
                })
            })
            .collect();
        let same = actor.layers[..actor.layers.len() - 1]
            .iter()
            .zip(&live)
            .map(|(l, live): (_, &Vec<bool>)| {
                // Each row's bits once: this runs at the start of every episode.
                let keys: Vec<(Vec<u64>, Option<u64>)> = (0..l.out_features)
                    .map(|j| {
                        let row = &l.weight[j * l.in_features..(j + 1) * l.in_features];
                        let bias = l.bias.as_ref().map(|b| b[j].to_bits());
                        (row.iter().map(|w| w.to_bits()).collect(), bias)
                    })
                    .collect();
                (0..l.out_features)
                    .map(|j| (0..j).find(|&k| live[k] && keys[k] == keys[j]).unwrap_or(j))
                    .collect()
            })
            .collect();
        Some(Fast {
            actor,
            live,
            columns,
            same,
            a: Vec::new(),
            b: Vec::new(),
            action: Action::Discrete(0),
        })
    }

    /// The action [`Actor::act_with`] takes, bit for bit.
    pub fn act(&mut self, obs: &[f64], space: &Space) -> &Action {
        self.a.clear();
        self.a.extend_from_slice(obs);
        let last = self.actor.layers.len() - 1;
        for (i, layer) in self.actor.layers.iter().enumerate() {
            self.b.clear();
            match &self.columns[i] {
                Some(cols) => {
                    let n = layer.out_features;
                    self.b.resize(n, 0.0);
                    for (x, col) in self.a.iter().zip(cols.chunks_exact(n)) {
                        self.b.iter_mut().zip(col).for_each(|(v, w)| *v += x * w);
                    }
                }
                None => {
                    for row in layer.weight.chunks_exact(layer.in_features) {
                        self.b.push(dot(row, &self.a));
                    }
                }
            }
            if let Some(bias) = &layer.bias {
                self.b.iter_mut().zip(bias).for_each(|(v, c)| *v += c);
            }
            if i < last {
                for j in 0..self.b.len() {
                    let v = self.b[j];
                    self.b[j] = if !self.live[i][j] {
                        0f64.copysign(v)
                    } else if self.same[i][j] < j {
                        self.b[self.same[i][j]]
                    } else {
                        v.tanh()
                    };
                }
            } else {
                self.actor.head.apply(&mut self.b);
            }
            std::mem::swap(&mut self.a, &mut self.b);
        }
        match (space, &mut self.action) {
            (Space::Discrete { .. }, _) => self.action = Action::Discrete(argmax(&self.a)),
            (Space::Box { .. }, Action::Continuous(v)) => {
                v.clear();
                v.extend_from_slice(&self.a);
            }
            (Space::Box { .. }, _) => self.action = Action::Continuous(self.a.clone()),
        }
        &self.action
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Dtype, Head, Linear, Scratch};

    /// Random masks over random weights, observations that make some sums exactly ±0: the actions
    /// equal `Actor::act_with`'s to the bit, signed zeros included.
    #[test]
    fn equals_the_actor_bit_for_bit() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let space = Space::symmetric(vec![1.0, 1.0]);
        for trial in 0..200 {
            let sizes = [5, 16, 8, 2];
            let layers: Vec<Linear> = sizes
                .windows(2)
                .map(|w| Linear {
                    in_features: w[0],
                    out_features: w[1],
                    weight: (0..w[0] * w[1])
                        .map(|_| {
                            let keep = next() < 0.4;
                            let v = if trial % 2 == 0 {
                                1.0
                            } else {
                                next() * 2.0 - 1.0
                            };
                            if keep {
                                v
                            } else if next() < 0.5 {
                                0.0
                            } else {
                                -0.0
                            }
                        })
                        .collect(),
                    bias: None,
                })
                .collect();
            let actor = Actor {
                activations: vec![Activation::Tanh; 2],
                layers,
                head: Head::Tanh,
                mask: None,
                recurrent: None,
                dtype: Dtype::F64,
            };
            let mut fast = Fast::new(&actor).unwrap();
            let mut scratch = Scratch::default();
            for k in 0..20 {
                let obs: Vec<f64> = (0..5)
                    .map(|i| {
                        if (k + i) % 3 == 0 {
                            0.0
                        } else {
                            next() * 4.0 - 2.0
                        }
                    })
                    .collect();
                let (Action::Continuous(a), Action::Continuous(b)) = (
                    fast.act(&obs, &space).clone(),
                    actor.act_with(&obs, &space, &mut scratch),
                ) else {
                    panic!("continuous actions");
                };
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a), bits(&b), "trial {trial}, observation {k}");
            }
        }
    }
}
