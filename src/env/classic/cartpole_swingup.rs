//! CartPoleSwingUp-v0 / -v1, exact to the `gym-cartpole-swingup` 0.1.4 package that PruVer imports (on
//! gym 0.18.0).
//!
//! The package resets to a float32 state and steps it with NumPy scalars, so the types (hence the
//! roundings) follow NumPy's promotion rules: under NumPy 1 the first step promotes the state to float64
//! for good; under NumPy 2 it stays float32 forever, trig included. Float32 `np.sin`/`np.cos` are
//! NumPy's own ([`crate::env::npmath`]); the reward is always a float32 cosine. `Num` carries each
//! value's type through the step as Python does.
use std::f64::consts::PI;

use crate::env::legacy_rng::RandomState;
use crate::env::npmath::Num::{self, Py, F32, F64};
use crate::env::{Action, Env, Info, Param, Promotion, Snapshot, Space, Step};
use crate::error::Result;

const GRAVITY: f64 = 9.82;
const FORCEMAG: f64 = 10.0;
const DELTAT: f64 = 0.01;
const FRICTION: f64 = 0.1;
const X_THRESHOLD: f64 = 2.4;
const CART_MASS: f64 = 0.5;
const POLE_MASS: f64 = 0.5;
const POLE_LENGTH: f64 = 0.6;

// What every cart-pole swing-up shares, this package's and pybullet's (`crate::env::bullet::swingup`):
// the observation, the action space, and the initial-state offsets falsification searches.

/// `(x, x_dot, cos theta, sin theta, theta_dot)`, theta = 0 upright.
pub(crate) const OBSERVATION_NAMES: &[&str] =
    &["x", "x_dot", "cos_theta", "sin_theta", "theta_dot"];

/// The action space, `Box(-1, 1, (1,))`, as the panic on a wrong action names it.
pub(crate) const ACTION_SPACE: &str = "Box(-1, 1, (1,))";

/// Offsets of the initial state `(x, x_dot, theta, theta_dot)`, the first four perturbations.
pub(crate) const STATE_OFFSETS: [Param; 4] = [
    Param::offset("x", -0.2, 0.2, "added to the initial cart position (m)"),
    Param::offset(
        "x_dot",
        -0.2,
        0.2,
        "added to the initial cart velocity (m/s)",
    ),
    Param::offset(
        "theta",
        -0.2,
        0.2,
        "added to the initial pole angle (rad, 0 upright)",
    ),
    Param::offset(
        "theta_dot",
        -0.2,
        0.2,
        "added to the initial pole angular velocity (rad/s)",
    ),
];

/// The constants a perturbation may replace, and the two the package derives in `__post_init__`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Physics {
    cart_mass: f64,
    pole_mass: f64,
    pole_length: f64,
    friction: f64,
    masstotal: f64,
    mpl: f64,
}

impl Physics {
    fn new(cart_mass: f64, pole_mass: f64, pole_length: f64, friction: f64) -> Self {
        Physics {
            cart_mass,
            pole_mass,
            pole_length,
            friction,
            masstotal: cart_mass + pole_mass,
            mpl: pole_mass * pole_length,
        }
    }
    fn nominal() -> Self {
        Self::new(CART_MASS, POLE_MASS, POLE_LENGTH, FRICTION)
    }
}

pub struct CartPoleSwingUp {
    /// v1's reward is `(1 + cos theta) / 2`, v0's `cos theta`.
    v1: bool,
    rng: RandomState,
    /// `(x_pos, x_dot, theta, theta_dot)`, theta = 0 upright; all four of one NumPy type.
    state: [f64; 4],
    state_is_f32: bool,
    has_state: bool,
    promotion: Promotion,
    physics: Physics,
}

impl CartPoleSwingUp {
    /// CartPoleSwingUp-v0 (`v1 = false`) or -v1, under NumPy 2 (current NumPy).
    pub fn new(v1: bool) -> Self {
        Self::with_promotion(v1, Promotion::default())
    }

    pub fn with_promotion(v1: bool, promotion: Promotion) -> Self {
        CartPoleSwingUp {
            v1,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: RandomState::from_gym_seed(0),
            state: [0.0; 4],
            state_is_f32: true,
            has_state: false,
            promotion,
            physics: Physics::nominal(),
        }
    }

    /// The full-precision state `(x_pos, x_dot, theta, theta_dot)` (the package's `env.state`).
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    fn nums(&self) -> [Num; 4] {
        self.state.map(|v| {
            if self.state_is_f32 {
                F32(v as f32)
            } else {
                F64(v)
            }
        })
    }

    fn obs(&self) -> Vec<f64> {
        let [x, x_dot, theta, theta_dot] = self.nums();
        // `np.array([x_pos, x_dot, np.cos(theta), np.sin(theta), theta_dot], dtype=np.float32)`.
        [x, x_dot, theta.cos(), theta.sin(), theta_dot]
            .iter()
            .map(|v| v.value() as f32 as f64)
            .collect()
    }
}

impl Env for CartPoleSwingUp {
    fn id(&self) -> &str {
        if self.v1 {
            "CartPoleSwingUp-v1"
        } else {
            "CartPoleSwingUp-v0"
        }
    }

    fn observation_space(&self) -> Space {
        Space::symmetric(vec![f32::MAX as f64; 5])
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![1.0])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        OBSERVATION_NAMES
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = RandomState::from_gym_seed(seed);
        }
        // `np_random.normal(loc=[0, 0, pi, 0], scale=[0.2] * 4).astype(np.float32)`.
        let loc = [0.0, 0.0, PI, 0.0];
        self.state = loc.map(|l| self.rng.normal(l, 0.2) as f32 as f64);
        self.state_is_f32 = true;
        self.has_state = true;
        self.physics = Physics::nominal();
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        // `np.clip(action, -1, 1)` on the float32 action (NaN stays NaN).
        let a = (action.first(self.id(), ACTION_SPACE) as f32).clamp(-1.0, 1.0);
        assert!(self.has_state, "{}: call reset before step", self.id());
        let p = self.promotion;
        let ph = self.physics;
        let [x_pos, x_dot, theta, theta_dot] = self.nums();

        // `_transition_fn`, term by term in Python's order.
        let action = F32(a).mul(Py(FORCEMAG), p);
        let sin_theta = theta.sin();
        let cos_theta = theta.cos();
        let theta_dot2 = theta_dot.pow2(p);
        let cos2 = cos_theta.pow2(p);

        let xdot_update = Py(-2.0 * ph.mpl)
            .mul(theta_dot2, p)
            .mul(sin_theta, p)
            .add(
                Py(3.0 * ph.pole_mass * GRAVITY)
                    .mul(sin_theta, p)
                    .mul(cos_theta, p),
                p,
            )
            .add(Py(4.0).mul(action, p), p)
            .sub(Py(4.0 * ph.friction).mul(x_dot, p), p)
            .div(
                Py(4.0 * ph.masstotal).sub(Py(3.0 * ph.pole_mass).mul(cos2, p), p),
                p,
            );
        let thetadot_update = Py(-3.0 * ph.mpl)
            .mul(theta_dot2, p)
            .mul(sin_theta, p)
            .mul(cos_theta, p)
            .add(Py(6.0 * ph.masstotal * GRAVITY).mul(sin_theta, p), p)
            .add(
                Py(6.0)
                    .mul(action.sub(Py(ph.friction).mul(x_dot, p), p), p)
                    .mul(cos_theta, p),
                p,
            )
            .div(
                Py(4.0 * ph.pole_length * ph.masstotal).sub(Py(3.0 * ph.mpl).mul(cos2, p), p),
                p,
            );

        // Explicit Euler with the old velocities.
        let dt = Py(DELTAT);
        let next = [
            x_pos.add(x_dot.mul(dt, p), p),
            x_dot.add(xdot_update.mul(dt, p), p),
            theta.add(theta_dot.mul(dt, p), p),
            theta_dot.add(thetadot_update.mul(dt, p), p),
        ];
        self.state_is_f32 = matches!(next[0], F32(_));
        debug_assert!(next
            .iter()
            .all(|n| matches!(n, F32(_)) == self.state_is_f32));
        self.state = next.map(Num::value);

        // `np.cos(next_state.theta, dtype=np.float32)`: theta rounded to float32, NumPy's cosine.
        let cos = F32(crate::env::npmath::np_cos_f32(next[2].value() as f32));
        let reward = if self.v1 {
            // `(1 + cos) / 2`: float32 under NumPy 2, float64 under NumPy 1.
            Py(1.0).add(cos, p).div(Py(2.0), p).value()
        } else {
            cos.value()
        };
        let x = match next[0] {
            F32(v) => F32(v.abs()),
            other => F64(other.value().abs()),
        };
        let terminated = Num::cmp(x, Py(X_THRESHOLD), p, |a, b| a > b);

        Step {
            obs: self.obs(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE,
        }
    }

    fn perturbations(&self) -> Vec<Param> {
        let mut params = STATE_OFFSETS.to_vec();
        params.extend([
            Param::physical("cart_mass", CART_MASS, 0.25, 0.75, "cart mass (kg)"),
            Param::physical("pole_mass", POLE_MASS, 0.25, 0.75, "pole mass (kg)"),
            Param::physical("pole_length", POLE_LENGTH, 0.4, 0.8, "pole length (m)"),
            Param::physical(
                "friction",
                FRICTION,
                0.05,
                0.15,
                "cart friction coefficient",
            ),
        ]);
        params
    }

    /// A state offset turns the whole state into float64 (as `np.array(state, dtype=np.float64) +
    /// offsets` would in Python); physical parameters leave it as it is.
    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(
            self.has_state,
            "{}: call reset before perturbing",
            self.id()
        );
        let get = |i: usize| values.get(i).copied().flatten();
        if (0..4).any(|i| get(i).is_some()) {
            for i in 0..4 {
                self.state[i] += get(i).unwrap_or(0.0);
            }
            self.state_is_f32 = false;
        }
        let ph = self.physics;
        self.physics = Physics::new(
            get(4).unwrap_or(ph.cart_mass),
            get(5).unwrap_or(ph.pole_mass),
            get(6).unwrap_or(ph.pole_length),
            get(7).unwrap_or(ph.friction),
        );
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        let ph = self.physics;
        Snapshot {
            env: self.id().to_string(),
            state: self.state.to_vec(),
            physics: vec![ph.cart_mass, ph.pole_mass, ph.pole_length, ph.friction],
            flags: vec![self.has_state, self.state_is_f32],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        s.check(self.id(), 4, 4, 2)?;
        self.rng = RandomState::from_state(&s.rng)?;
        self.state.copy_from_slice(&s.state);
        let f = &s.physics;
        self.physics = Physics::new(f[0], f[1], f[2], f[3]);
        self.has_state = s.flags[0];
        self.state_is_f32 = s.flags[1];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec section 12 / ref_gym018.json: gym-cartpole-swingup 0.1.4 on gym 0.18.0, NumPy 1.26.4,
    /// `env.seed(0); env.reset()`.
    #[test]
    fn reference_trajectory_numpy1() {
        let mut env = CartPoleSwingUp::with_promotion(false, Promotion::Numpy1);
        let obs = env.reset(Some(0));
        assert_eq!(
            obs,
            [
                -0.2828294038772583,
                0.17872381210327148,
                -0.9981828331947327,
                -0.06025771051645279,
                -0.13848146796226501
            ]
        );
        assert_eq!(
            env.state(),
            [
                -0.2828294038772583,
                0.17872381210327148,
                3.2018868923187256,
                -0.13848146796226501
            ]
        );
        let want = [
            (
                0.5,
                [
                    -0.2810421586036682,
                    0.2618035674095154,
                    -0.9982653260231018,
                    -0.05887535586953163,
                    -0.3605966866016388,
                ],
            ),
            (
                -1.0,
                [
                    -0.27842414379119873,
                    0.1051916852593422,
                    -0.9984711408615112,
                    -0.05527527257800102,
                    0.015799932181835175,
                ],
            ),
            (
                1.0,
                [
                    -0.27737221121788025,
                    0.2679768204689026,
                    -0.9984623789787292,
                    -0.05543302744626999,
                    -0.4041108191013336,
                ],
            ),
            (
                2.0,
                [
                    -0.27469244599342346,
                    0.43053117394447327,
                    -0.9986782670021057,
                    -0.051397692412137985,
                    -0.8234806656837463,
                ],
            ),
            (
                -0.3,
                [
                    -0.2703871428966522,
                    0.38502246141433716,
                    -0.9990676641464233,
                    -0.04317212104797363,
                    -0.722477376461029,
                ],
            ),
        ];
        for (t, (a, obs)) in want.iter().enumerate() {
            let s = env.step(&Action::Continuous(vec![*a]));
            assert_eq!(s.obs, obs, "step {t}");
            assert_eq!(s.reward, obs[2], "step {t}");
            assert!(!s.terminated);
        }
    }
}
