//! Pendulum-v1 (Gymnasium 1.x) and Pendulum-v0 (gym 0.18, which PruVer's predecessor used), exact to
//! their references.
//!
//! The state `(theta, theta_dot)` is kept in f64 and never wrapped. Pendulum-v1 observes the float32
//! rounding of `[cos theta, sin theta, theta_dot]`, Pendulum-v0 the float64 values. The torque is a
//! float32 scalar in both, and how it mixes with Python floats depends on NumPy's promotion rules, hence
//! [`Promotion`].
use std::f64::consts::PI;

use crate::env::legacy_rng::RandomState;
use crate::env::npmath::{pow2_f32, pow2_f64, py_mod};
use crate::env::rng::NpRng;
pub use crate::env::Promotion;
use crate::env::{Action, Env, Info, Param, RngState, Snapshot, Space, Step};
use crate::error::Result;

const MAX_SPEED: f64 = 8.0;
const MAX_TORQUE: f32 = 2.0;
const DT: f64 = 0.05;
const G: f64 = 10.0;
const M: f64 = 1.0;
const L: f64 = 1.0;

/// `((x + np.pi) % (2 * np.pi)) - np.pi` with NumPy's float64 `%`.
#[inline]
fn angle_normalize(x: f64) -> f64 {
    py_mod(x + PI, 2.0 * PI) - PI
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// gym 0.18: `-3g/(2l) sin(theta + pi)`, speed clipped after the position update, float64
    /// observations, MT19937 seeding.
    V0,
    /// Gymnasium 1.x: `3g/(2l) sin(theta)`, speed clipped before the position update, float32
    /// observations, PCG64 seeding.
    V1,
}

#[derive(Debug, Clone)]
enum Rng {
    Pcg(NpRng),
    Legacy(Box<RandomState>),
}

impl Rng {
    fn new(version: Version, seed: u64) -> Self {
        match version {
            Version::V0 => Rng::Legacy(Box::new(RandomState::from_gym_seed(seed))),
            Version::V1 => Rng::Pcg(NpRng::from_seed(seed)),
        }
    }
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        match self {
            Rng::Pcg(r) => r.uniform(low, high),
            Rng::Legacy(r) => r.uniform(low, high),
        }
    }
    fn to_state(&self) -> RngState {
        match self {
            Rng::Pcg(r) => r.to_state(),
            Rng::Legacy(r) => r.to_state(),
        }
    }
    fn from_state(version: Version, s: &RngState) -> Result<Self> {
        Ok(match version {
            Version::V0 => Rng::Legacy(Box::new(RandomState::from_state(s)?)),
            Version::V1 => Rng::Pcg(NpRng::from_state(s)?),
        })
    }
}

pub struct Pendulum {
    version: Version,
    rng: Rng,
    /// `(theta, theta_dot)`.
    state: [f64; 2],
    has_state: bool,
    promotion: Promotion,
    /// `(g, m, l)`, the constants a perturbation may replace.
    physics: [f64; 3],
    /// The gravity `reset` restores (Gymnasium's `g` keyword argument, 10 by default).
    g: f64,
}

impl Pendulum {
    /// Pendulum-v1 as Gymnasium 1.x runs it, under NumPy 2.
    pub fn new() -> Self {
        Self::with_promotion(Promotion::default())
    }

    /// Pendulum-v1 under the given NumPy promotion rules.
    pub fn with_promotion(promotion: Promotion) -> Self {
        Self::build(Version::V1, promotion)
    }

    /// Pendulum-v0 as gym 0.18.0 runs it, under the given NumPy promotion rules.
    pub fn v0(promotion: Promotion) -> Self {
        Self::build(Version::V0, promotion)
    }

    fn build(version: Version, promotion: Promotion) -> Self {
        Pendulum {
            version,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: Rng::new(version, 0),
            state: [0.0; 2],
            has_state: false,
            promotion,
            physics: [G, M, L],
            g: G,
        }
    }

    /// With gravity `g` (Gymnasium's `gym.make("Pendulum-v1", g=...)`), which `reset` restores.
    pub fn with_g(mut self, g: f64) -> Self {
        self.g = g;
        self.physics[0] = g;
        self
    }

    pub fn promotion(&self) -> Promotion {
        self.promotion
    }

    /// The full-precision state `(theta, theta_dot)` (the reference's `env.unwrapped.state`).
    pub fn state(&self) -> [f64; 2] {
        self.state
    }

    fn obs(&self) -> Vec<f64> {
        let [theta, theta_dot] = self.state;
        let obs = [theta.cos(), theta.sin(), theta_dot];
        match self.version {
            // `np.array([np.cos(theta), np.sin(theta), thetadot], dtype=np.float32)`.
            Version::V1 => obs.iter().map(|&v| v as f32 as f64).collect(),
            Version::V0 => obs.to_vec(),
        }
    }
}

impl Default for Pendulum {
    fn default() -> Self {
        Self::new()
    }
}

impl Env for Pendulum {
    fn id(&self) -> &str {
        match self.version {
            Version::V0 => "Pendulum-v0",
            Version::V1 => "Pendulum-v1",
        }
    }

    fn observation_space(&self) -> Space {
        Space::symmetric(vec![1.0, 1.0, MAX_SPEED])
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![MAX_TORQUE as f64])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &["cos_theta", "sin_theta", "theta_dot"]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = Rng::new(self.version, seed);
        }
        // `np_random.uniform(low=-high, high=high)` with high = [pi, 1.0]: theta, then theta_dot.
        let theta = self.rng.uniform(-PI, PI);
        let theta_dot = self.rng.uniform(-1.0, 1.0);
        self.state = [theta, theta_dot];
        self.has_state = true;
        self.physics = [self.g, M, L];
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let a = action.first(self.id(), "Box(-2, 2, (1,))");
        assert!(self.has_state, "{}: call reset before step", self.id());

        // `np.clip(u, -2.0, 2.0)[0]` on the float32 action: a float32 scalar (NaN stays NaN).
        let u = (a as f32).clamp(-MAX_TORQUE, MAX_TORQUE);
        let [th, thdot] = self.state;
        let [g, m, l] = self.physics;
        // `3. / (m * l ** 2)`, a Python float (3.0 unperturbed).
        let torque_coef = 3.0 / (m * pow2_f64(l));

        // The two places where `u` meets Python floats: the control cost and the torque term.
        let (u_cost, u_torque) = match self.promotion {
            // NEP 50: the Python float is cast to float32 and the operation is done in float32.
            Promotion::Numpy2 => (
                (0.001f32 * pow2_f32(u)) as f64,
                (torque_coef as f32 * u) as f64,
            ),
            // NumPy 1: float32 scalar (op) Python float is float64 on the exact value of u; u**2 is
            // the exact square (48 bits fit in an f64).
            Promotion::Numpy1 => {
                let u = u as f64;
                (0.001 * (u * u), torque_coef * u)
            }
        };
        let costs = pow2_f64(angle_normalize(th)) + 0.1 * pow2_f64(thdot) + u_cost;

        let (newth, newthdot) = match self.version {
            Version::V1 => {
                // `3 * g / (2 * l) * np.sin(th)`, left to right.
                let newthdot = thdot + (3.0 * g / (2.0 * l) * th.sin() + u_torque) * DT;
                // Gymnasium clips the speed before the position update.
                let newthdot = newthdot.clamp(-MAX_SPEED, MAX_SPEED);
                (th + newthdot * DT, newthdot)
            }
            Version::V0 => {
                // `-3 * g / (2 * l) * np.sin(th + np.pi)`: sin(th + pi) is not -sin(th) in the last bits.
                let newthdot = thdot + (-3.0 * g / (2.0 * l) * (th + PI).sin() + u_torque) * DT;
                // gym 0.18 moves with the unclipped speed, then clips it.
                let newth = th + newthdot * DT;
                (newth, newthdot.clamp(-MAX_SPEED, MAX_SPEED))
            }
        };
        self.state = [newth, newthdot];

        Step {
            obs: self.obs(),
            reward: -costs,
            terminated: false,
            truncated: false,
            info: Info::NONE,
        }
    }

    /// The predecessor's BO box over the observation `(cos theta, sin theta, theta_dot)`
    /// (`PendulumBO.py`). It wrote the first two values into the state `(theta, theta_dot)` as they
    /// were; here the angle is `atan2(sin, cos)` (a missing component comes from the reset angle), so
    /// the box [-1, 1] x [0, 1] covers the upper half circle, theta in [0, pi].
    fn perturbations(&self) -> Vec<Param> {
        vec![
            Param::set(
                "cos_theta",
                -1.0,
                1.0,
                "cos of the initial angle: theta = atan2(sin, cos)",
            ),
            Param::set(
                "sin_theta",
                0.0,
                1.0,
                "sin of the initial angle: theta = atan2(sin, cos)",
            ),
            Param::set(
                "theta_dot",
                -1.0,
                1.0,
                "initial angular velocity (rad/s), replaces the reset value",
            ),
            Param::physical("g", self.g, 8.0, 12.0, "gravity (m/s^2)"),
            Param::physical("m", M, 0.8, 1.2, "pendulum mass (kg)"),
            Param::physical("l", L, 0.8, 1.2, "pendulum length (m)"),
        ]
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(
            self.has_state,
            "{}: call reset before perturbing",
            self.id()
        );
        let get = |i: usize| values.get(i).copied().flatten();
        let theta = self.state[0];
        if get(0).is_some() || get(1).is_some() {
            let c = get(0).unwrap_or_else(|| theta.cos());
            let s = get(1).unwrap_or_else(|| theta.sin());
            self.state[0] = s.atan2(c);
        }
        if let Some(v) = get(2) {
            self.state[1] = v;
        }
        for (k, p) in self.physics.iter_mut().enumerate() {
            if let Some(v) = get(3 + k) {
                *p = v;
            }
        }
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            env: self.id().to_string(),
            state: self.state.to_vec(),
            physics: self.physics.to_vec(),
            flags: vec![self.has_state],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        s.check(self.id(), 2, 3, 1)?;
        self.rng = Rng::from_state(self.version, &s.rng)?;
        self.state.copy_from_slice(&s.state);
        self.physics.copy_from_slice(&s.physics);
        self.has_state = s.flags[0];
        Ok(())
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

    /// Spec section 12 / ref_gym018.json: Pendulum-v0, gym 0.18.0, NumPy 1.26.4, `env.seed(0)`.
    #[test]
    fn reference_trajectory_v0_numpy1() {
        let mut env = Pendulum::v0(Promotion::Numpy1);
        assert_eq!(
            env.reset(Some(0)),
            [-0.942235185718725, -0.3349520186438647, 0.9307818744846408]
        );
        assert_eq!(env.state(), [-2.8000383468574164, 0.9307818744846408]);
        let want: [([f64; 3], f64, [f64; 2]); 5] = [
            (
                [
                    -0.9289304579882803,
                    -0.37025424267884327,
                    0.7545678605017423,
                ],
                -7.927100233658928,
                [-2.7623099538323292, 0.7545678605017423],
            ),
            (
                [
                    -0.9227552782942106,
                    -0.38538642474816626,
                    0.32687717849260994,
                ],
                -7.6882935466513835,
                [-2.7459660949076987, 0.32687717849260994],
            ),
            (
                [
                    -0.9161140471063489,
                    -0.40091776300686194,
                    0.33783735993148534,
                ],
                -7.555014663364565,
                [-2.7290742269111243, 0.33783735993148534],
            ),
            (
                [-0.9213038589333833, -0.388843412589768, -0.2628509623236611],
                -7.463259544167098,
                [-2.742216775027307, -0.2628509623236611],
            ),
            (
                [
                    -0.9261768567909877,
                    -0.37708941903050813,
                    -0.25448352176598704,
                ],
                -7.530661904080612,
                [-2.7549409511156067, -0.25448352176598704],
            ),
        ];
        for (t, (obs, reward, state)) in want.iter().enumerate() {
            let s = env.step(&Action::Continuous(vec![ACTIONS[t]]));
            assert_eq!(&s.obs, obs, "step {t}");
            assert_eq!(s.reward, *reward, "step {t}");
            assert_eq!(&env.state(), state, "step {t}");
        }
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
