//! Pendulum-v1, exact to Gymnasium 1.x.
//!
//! The state `(theta, theta_dot)` is kept in f64 and never wrapped; observations are the float32 rounding
//! of `[cos theta, sin theta, theta_dot]`. The torque is a float32 scalar in Gymnasium, and how it mixes
//! with Python floats depends on NumPy's promotion rules, hence [`Promotion`].
use std::f64::consts::PI;
use std::hint::black_box;

use crate::env::rng::NpRng;
use crate::env::{Action, Env, Space, Step};

const MAX_SPEED: f64 = 8.0;
const MAX_TORQUE: f32 = 2.0;
const DT: f64 = 0.05;
const G: f64 = 10.0;
const M: f64 = 1.0;
const L: f64 = 1.0;
/// `3 * g / (2 * l)` = 15.0.
const GRAVITY_COEF: f64 = 3.0 * G / (2.0 * L);
/// `3.0 / (m * l**2)` = 3.0.
const TORQUE_COEF: f64 = 3.0 / (M * (L * L));

/// Which NumPy's scalar promotion rules the Python side ran under. They decide how the float32 torque
/// `u` combines with Python floats in the cost and the dynamics (results differ around 1e-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Promotion {
    /// NumPy 2 (NEP 50), what Gymnasium 1.x installs: `u**2`, `0.001 * u**2` and `3.0 * u` are
    /// float32 operations.
    #[default]
    Numpy2,
    /// NumPy 1.x: those operations are float64 on the exact value of `u`.
    Numpy1,
}

/// `x ** 2` on a float64 scalar. Python and NumPy call libm's `pow`, which is not always the correctly
/// rounded `x * x` (about 0.1% of inputs differ by 1 ulp under glibc); calling the same libm makes the
/// cost bit-exact (this is the spec's "1e-10 reward quirk", no tolerance needed). `black_box` keeps the
/// compiler from folding `pow(x, 2.0)` into `x * x`. Costs ~20 ns a step, kept for exactness.
#[inline]
fn pow2_f64(x: f64) -> f64 {
    x.powf(black_box(2.0))
}

/// `u ** 2` on a NumPy 2 float32 scalar: libm's `powf`, likewise not always `u * u` rounded.
#[inline]
fn pow2_f32(u: f32) -> f32 {
    u.powf(black_box(2.0))
}

/// `((x + np.pi) % (2 * np.pi)) - np.pi` with NumPy's float64 `%` (the result takes the divisor's
/// sign; a zero remainder is +0.0).
#[inline]
fn angle_normalize(x: f64) -> f64 {
    let m = 2.0 * PI;
    let mut r = (x + PI) % m;
    if r != 0.0 {
        if r < 0.0 {
            r += m;
        }
    } else {
        r = 0.0;
    }
    r - PI
}

pub struct Pendulum {
    rng: NpRng,
    /// `(theta, theta_dot)`.
    state: [f64; 2],
    has_state: bool,
    promotion: Promotion,
}

impl Pendulum {
    /// Pendulum-v1 as Gymnasium 1.x runs it, under NumPy 2.
    pub fn new() -> Self {
        Self::with_promotion(Promotion::default())
    }

    /// Pendulum-v1 under the given NumPy promotion rules.
    pub fn with_promotion(promotion: Promotion) -> Self {
        Pendulum {
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: NpRng::from_seed(0),
            state: [0.0; 2],
            has_state: false,
            promotion,
        }
    }

    pub fn promotion(&self) -> Promotion {
        self.promotion
    }

    /// The full-precision state `(theta, theta_dot)` (Gymnasium's `env.unwrapped.state`).
    pub fn state(&self) -> [f64; 2] {
        self.state
    }

    fn obs(&self) -> Vec<f64> {
        let [theta, theta_dot] = self.state;
        // `np.array([np.cos(theta), np.sin(theta), thetadot], dtype=np.float32)`.
        vec![
            theta.cos() as f32 as f64,
            theta.sin() as f32 as f64,
            theta_dot as f32 as f64,
        ]
    }
}

impl Default for Pendulum {
    fn default() -> Self {
        Self::new()
    }
}

impl Env for Pendulum {
    fn id(&self) -> &str {
        "Pendulum-v1"
    }

    fn observation_space(&self) -> Space {
        Space::Box {
            low: vec![-1.0, -1.0, -MAX_SPEED],
            high: vec![1.0, 1.0, MAX_SPEED],
        }
    }

    fn action_space(&self) -> Space {
        Space::Box {
            low: vec![-MAX_TORQUE as f64],
            high: vec![MAX_TORQUE as f64],
        }
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &["cos_theta", "sin_theta", "theta_dot"]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        // `np_random.uniform(low=-high, high=high)` with high = [pi, 1.0]: theta, then theta_dot.
        self.state = self.rng.uniform_array([-PI, -1.0], [PI, 1.0]);
        self.has_state = true;
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let a = match action {
            Action::Continuous(v) if !v.is_empty() => v[0],
            other => panic!("Pendulum-v1: invalid action {other:?} (Box(-2, 2, (1,)))"),
        };
        assert!(self.has_state, "Pendulum-v1: call reset before step");

        // `np.clip(u, -2.0, 2.0)[0]` on the float32 action: a float32 scalar (NaN stays NaN).
        let u = (a as f32).clamp(-MAX_TORQUE, MAX_TORQUE);
        let [th, thdot] = self.state;

        // The two places where `u` meets Python floats: the control cost and the torque term.
        let (u_cost, u_torque) = match self.promotion {
            // NEP 50: the Python float is cast to float32 and the operation is done in float32.
            Promotion::Numpy2 => (
                (0.001f32 * pow2_f32(u)) as f64,
                (TORQUE_COEF as f32 * u) as f64,
            ),
            // NumPy 1: float32 scalar (op) Python float is float64 on the exact value of u; u**2 is
            // the exact square (48 bits fit in an f64).
            Promotion::Numpy1 => {
                let u = u as f64;
                (0.001 * (u * u), TORQUE_COEF * u)
            }
        };
        let costs = pow2_f64(angle_normalize(th)) + 0.1 * pow2_f64(thdot) + u_cost;

        let newthdot = thdot + (GRAVITY_COEF * th.sin() + u_torque) * DT;
        // Gymnasium 1.x clips the speed before the position update (gym's v0 did it after).
        let newthdot = newthdot.clamp(-MAX_SPEED, MAX_SPEED);
        let newth = th + newthdot * DT;
        self.state = [newth, newthdot];

        Step {
            obs: self.obs(),
            reward: -costs,
            terminated: false,
            truncated: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [f64; 5] = [0.5, -1.0, 2.0, -2.0, 3.0];
    const RESET_OBS: [f64; 3] = [0.652016282081604, 0.758204996585846, -0.46042656898498535];
    // Spec section 12 / ref_gymnasium.json: Gymnasium 1.4.0, reset(seed=0), the actions above.
    // Observations are the same under NumPy 1.26.4 and 2.4.6.
    const OBS: [[f64; 3]; 5] = [
        [0.6450428366661072, 0.7641464471817017, 0.18322716653347015],
        [0.6215834617614746, 0.7833479642868042, 0.6063370108604431],
        [0.5613945722579956, 0.8275482654571533, 1.4938479661941528],
        [0.48410898447036743, 0.875007688999176, 1.8145091533660889],
        [0.3586360812187195, 0.9334774613380432, 2.7707648277282715],
    ];
    const STATES_NUMPY2: [[f64; 2]; 5] = [
        [0.8697170195591025, 0.18322716268832495],
        [0.9000338689356823, 0.6063369875315955],
        [0.9747262669039959, 1.493847959366272],
        [1.0654517241307118, 1.8145091445343178],
        [1.2039899701499037, 2.770764920383838],
    ];
    const REWARDS_NUMPY2: [f64; 5] = [
        -0.762005309285809,
        -0.760764913472947,
        -0.8508254196662115,
        -1.1772494681528678,
        -1.4684317202029633,
    ];
    // The NumPy 1.26.4 table of the spec.
    const REWARDS_NUMPY1: [f64; 5] = [
        -0.7620053092739346,
        -0.7607649134254495,
        -0.8508254194762217,
        -1.177249467962878,
        -1.4684317200129735,
    ];

    fn run(promotion: Promotion) -> (Vec<Step>, Vec<[f64; 2]>) {
        let mut env = Pendulum::with_promotion(promotion);
        assert_eq!(env.reset(Some(0)), RESET_OBS);
        assert_eq!(env.state(), [0.8605556614246863, -0.4604265724722594]);
        let mut steps = Vec::new();
        let mut states = Vec::new();
        for a in ACTIONS {
            steps.push(env.step(&Action::Continuous(vec![a])));
            states.push(env.state());
        }
        (steps, states)
    }

    #[test]
    fn reference_trajectory_numpy2() {
        let (steps, states) = run(Promotion::Numpy2);
        for (t, s) in steps.iter().enumerate() {
            assert_eq!(s.obs, OBS[t], "step {t}");
            assert_eq!(s.reward, REWARDS_NUMPY2[t], "step {t}");
            assert_eq!(states[t], STATES_NUMPY2[t], "step {t}");
            assert!(!s.terminated && !s.truncated);
        }
    }

    #[test]
    fn reference_trajectory_numpy1() {
        let (steps, _) = run(Promotion::Numpy1);
        for (t, s) in steps.iter().enumerate() {
            assert_eq!(s.obs, OBS[t], "step {t}");
            assert_eq!(s.reward, REWARDS_NUMPY1[t], "step {t}");
        }
    }

    #[test]
    fn numpy1_and_numpy2_differ_only_slightly() {
        let mut a = Pendulum::with_promotion(Promotion::Numpy1);
        let mut b = Pendulum::new();
        assert_eq!(b.promotion(), Promotion::Numpy2);
        a.reset(Some(42));
        let mut differ = 0;
        for t in 0..1000 {
            // One step of each from the same state (whole trajectories drift apart: the system is chaotic).
            // The float32 `3.0 * u` moves theta_dot by up to ~2e-8, the cost moves by less.
            b.state = a.state;
            b.has_state = true;
            let act = Action::Continuous(vec![((t * 37) % 61) as f64 / 10.0 - 3.0]);
            let (sa, sb) = (a.step(&act), b.step(&act));
            assert!((sa.reward - sb.reward).abs() < 1e-8, "step {t}");
            for (x, y) in a.state.iter().zip(&b.state) {
                assert!((x - y).abs() < 1e-7, "step {t}");
            }
            differ += (sa.reward != sb.reward) as usize;
        }
        assert!(differ > 100);
    }

    #[test]
    fn angle_normalize_is_python_modulo() {
        assert_eq!(angle_normalize(0.0), 0.0);
        assert_eq!(angle_normalize(-PI), -PI);
        assert_eq!(angle_normalize(PI), -PI);
        assert!((angle_normalize(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-12);
        assert!((angle_normalize(-3.0 * PI / 2.0) - PI / 2.0).abs() < 1e-12);
        assert!((angle_normalize(-7.0) - (-7.0 + 2.0 * PI)).abs() < 1e-12);
    }

    /// glibc's `pow(x, 2.0)` is not always `x * x`; NumPy scalars use `pow`, so must we.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn squares_are_libm_pow() {
        let differs = (1..200_000)
            .map(|i| 1.0 + i as f64 * 1.2345e-5)
            .filter(|&x| pow2_f64(x) != x * x)
            .count();
        assert!(differs > 0);
    }

    #[test]
    fn spaces() {
        let env = Pendulum::new();
        assert_eq!(
            env.observation_space(),
            Space::Box {
                low: vec![-1.0, -1.0, -8.0],
                high: vec![1.0, 1.0, 8.0]
            }
        );
        assert_eq!(
            env.action_space(),
            Space::Box {
                low: vec![-2.0],
                high: vec![2.0]
            }
        );
    }
}
