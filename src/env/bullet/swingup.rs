//! InvertedPendulumSwingupBulletEnv-v0 (pybullet_envs 3.2.7 on gym 0.18), the same with the long
//! ±2 m rail that the Synaptolysis work trained on, and the balance task InvertedPendulumBulletEnv-v0.
//!
//! The two tasks are pybullet_envs' one `InvertedPendulum` robot with its `swingup` flag: the same XML
//! and physics; the swing-up starts hanging (theta = 3.1415 + U(-0.1, 0.1)), is rewarded cos(theta)
//! and never ends by itself; the balance task starts upright (theta = U(-0.1, 0.1)), is rewarded 1 per
//! step and terminates once |theta| > 0.2. Both draw that one uniform per reset and nothing else.
//!
//! pybullet simulates `inverted_pendulum.xml` as a two-link multibody (cart on a slider, pole on a
//! hinge) with Bullet's own settings, not the XML's: gravity 9.8, one 0.0165 s step per action, no
//! joint damping but Bullet's default link damping, and a slider limit enforced by an impulse. This is
//! that system written out: generalised coordinates (x, theta), the 2x2 mass matrix, damping, gravity
//! and the centrifugal term, semi-implicit Euler, and the limit as Bullet applies it. It matches
//! pybullet to about 1e-8 in x and 1e-7 in theta_dot over 300 steps, rail-end impacts included (see
//! docs/fidelity.md for the measured tolerance); it is not bit-exact, because pybullet's Featherstone
//! solver orders its floating-point operations differently.
use crate::env::classic::cartpole_swingup::{ACTION_SPACE, OBSERVATION_NAMES, STATE_OFFSETS};
use crate::env::legacy_rng::RandomState;
use crate::env::{Action, Env, Info, Param, Snapshot, Space, Step};
use crate::error::Result;

/// Cart mass: a capsule of radius 0.1 and half-length 0.1 at density 1000.
const CART_MASS: f64 = 10.471_975_980_099_77;
/// Pole mass: the capsule from (0, 0, 0) to (0.001, 0, 0.6), radius 0.049, density 1000.
const POLE_MASS: f64 = 5.018_591_545_810_472;
/// The pole's inertia about its centre of mass around the hinge axis (pybullet's box approximation).
const POLE_INERTIA: f64 = 0.266_539_501_548_270_94;
/// The pole's centre of mass in the hinge frame (x, z).
const COM_X: f64 = 0.0005;
const COM_Z: f64 = 0.3;
const GRAVITY: f64 = 9.8;
const DT: f64 = 0.0165;
/// Bullet's default linear and angular link damping.
const DAMPING: f64 = 0.04;
/// `slider torque = 100 * clip(a, -1, 1)`.
const FORCE_GAIN: f64 = 100.0;
/// The joint-limit constraint: ERP and the largest impulse per step.
const LIMIT_ERP: f64 = 0.2;
const LIMIT_MAX_IMPULSE: f64 = 100.0;
/// Bullet's `m_splitImpulsePenetrationThreshold` (0.04 m).
const SPLIT_IMPULSE_DEPTH: f64 = 0.04;
/// The reset angle is `3.1415 + U(-0.1, 0.1)`: 3.1415, not pi.
#[allow(clippy::approx_constant)]
const RESET_THETA: f64 = 3.1415;
/// The balance task terminates once `|theta| > 0.2` (`np.abs(self.robot.theta) > .2`).
const BALANCE_LIMIT: f64 = 0.2;

/// The balance task's offsets of the initial state `(x, x_dot, theta, theta_dot)`: the swing-up's, but
/// theta within the reset's own ±0.1, so that a perturbed start is still inside the termination bound.
const BALANCE_OFFSETS: [Param; 4] = [
    Param::offset("x", -0.2, 0.2, "added to the initial cart position (m)"),
    Param::offset(
        "x_dot",
        -0.2,
        0.2,
        "added to the initial cart velocity (m/s)",
    ),
    Param::offset(
        "theta",
        -0.1,
        0.1,
        "added to the initial pole angle (rad, 0 upright; the episode ends past ±0.2)",
    ),
    Param::offset(
        "theta_dot",
        -0.2,
        0.2,
        "added to the initial pole angular velocity (rad/s)",
    ),
];

/// The constants a perturbation may replace.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Physics {
    cart_mass: f64,
    pole_mass: f64,
    force_gain: f64,
}

impl Physics {
    fn nominal() -> Self {
        Physics {
            cart_mass: CART_MASS,
            pole_mass: POLE_MASS,
            force_gain: FORCE_GAIN,
        }
    }
}

pub struct BulletSwingup {
    /// pybullet's `InvertedPendulum.swingup`: the swing-up, or the balance task.
    swingup: bool,
    /// The slider's half range: 1 (pybullet's XML) or 2 (the long rail).
    rail: f64,
    rng: RandomState,
    /// `(x, x_dot, theta, theta_dot)`; theta = 0 upright, never wrapped.
    state: [f64; 4],
    has_state: bool,
    physics: Physics,
}

impl BulletSwingup {
    /// `rail` is the slider's half range in metres: 1.0 for InvertedPendulumSwingupBulletEnv-v0, 2.0
    /// for the long-rail variant.
    pub fn new(rail: f64) -> Self {
        Self::with_task(true, rail)
    }

    /// InvertedPendulumBulletEnv-v0, the balance task, on a slider of half range `rail` (1.0 in
    /// pybullet's XML).
    pub fn balance(rail: f64) -> Self {
        Self::with_task(false, rail)
    }

    fn with_task(swingup: bool, rail: f64) -> Self {
        BulletSwingup {
            swingup,
            rail,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: RandomState::from_gym_seed(0),
            state: [0.0; 4],
            has_state: false,
            physics: Physics::nominal(),
        }
    }

    /// The full state `(x, x_dot, theta, theta_dot)` (pybullet's joint positions and velocities).
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    fn obs(&self) -> Vec<f64> {
        let [x, x_dot, theta, theta_dot] = self.state;
        vec![x, x_dot, theta.cos(), theta.sin(), theta_dot]
    }
}

impl Env for BulletSwingup {
    fn id(&self) -> &str {
        if !self.swingup {
            // Another rail is a keyword argument (the time limit's canonical name carries it).
            "InvertedPendulumBulletEnv-v0"
        } else if self.rail == 1.0 {
            "InvertedPendulumSwingupBulletEnv-v0"
        } else {
            "InvertedPendulumSwingupLongRailBulletEnv-v0"
        }
    }

    fn observation_space(&self) -> Space {
        Space::symmetric(vec![f64::INFINITY; 5])
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
        // `restoreState` puts the cart at rest at 0; then the hinge is reset, at rest.
        let u = self.rng.uniform(-0.1, 0.1);
        let theta = if self.swingup { RESET_THETA + u } else { u };
        self.state = [0.0, 0.0, theta, 0.0];
        self.has_state = true;
        self.physics = Physics::nominal();
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let a = action.first(self.id(), ACTION_SPACE) as f32;
        // pybullet_envs asserts `np.isfinite(a).all()`.
        assert!(a.is_finite(), "{}: non-finite action {a}", self.id());
        assert!(self.has_state, "{}: call reset before step", self.id());
        let Physics {
            cart_mass: mc,
            pole_mass: mp,
            force_gain,
        } = self.physics;
        // Same geometry, other density: the inertia scales with the mass.
        let inertia = POLE_INERTIA * (mp / POLE_MASS);
        let force = force_gain * a.clamp(-1.0, 1.0) as f64;
        let [x, x_dot, theta, theta_dot] = self.state;

        let (s, c) = theta.sin_cos();
        // The pole's centre of mass relative to the hinge, and its derivative in theta.
        let (px, _pz) = (COM_X * c + COM_Z * s, -COM_X * s + COM_Z * c);
        let (dpx, dpz) = (-COM_X * s + COM_Z * c, -COM_X * c - COM_Z * s);

        // Mass matrix of (x, theta) and its inverse.
        let m00 = mc + mp;
        let m01 = mp * dpx;
        let m11 = inertia + mp * (COM_X * COM_X + COM_Z * COM_Z);
        let det = m00 * m11 - m01 * m01;
        let (i00, i01, i11) = (m11 / det, -m01 / det, m00 / det);

        // Bullet's link damping: force -m v (k + k|v|) at each centre of mass, torque likewise.
        let cart_damp = -mc * x_dot * (DAMPING + DAMPING * x_dot.abs());
        let (vx, vz) = (x_dot + dpx * theta_dot, dpz * theta_dot);
        let speed = (vx * vx + vz * vz).sqrt();
        let k = DAMPING + DAMPING * speed;
        let (fpx, fpz) = (-mp * vx * k, -mp * vz * k);
        let torque_damp = -inertia * theta_dot * (DAMPING + DAMPING * theta_dot.abs());

        let qx = force + cart_damp + fpx + mp * px * theta_dot * theta_dot;
        let qt = fpx * dpx + fpz * dpz + torque_damp - mp * GRAVITY * dpz;
        let x_acc = i00 * qx + i01 * qt;
        let theta_acc = i01 * qx + i11 * qt;

        let mut x_dot = x_dot + x_acc * DT;
        let mut theta_dot = theta_dot + theta_acc * DT;

        // The slider limit: active only once the cart is past the end at the start of the step, with
        // an impulse of at most 100 N s. Within 4 cm of the end it pulls the velocity towards one that
        // closes 20% of the overshoot per step; deeper, Bullet splits the impulse (its split-impulse
        // penetration threshold), the velocity target is 0 and the position is never corrected: the
        // cart rests where it stopped while pushed outwards.
        let target = |over: f64| {
            if over < SPLIT_IMPULSE_DEPTH {
                LIMIT_ERP * over / DT
            } else {
                0.0
            }
        };
        let over_high = x - self.rail;
        let over_low = -self.rail - x;
        if over_high >= 0.0 {
            let target = -target(over_high);
            if x_dot > target {
                let p = ((x_dot - target) / i00).min(LIMIT_MAX_IMPULSE);
                x_dot -= i00 * p;
                theta_dot -= i01 * p;
            }
        } else if over_low >= 0.0 {
            let target = target(over_low);
            if x_dot < target {
                let p = ((target - x_dot) / i00).min(LIMIT_MAX_IMPULSE);
                x_dot += i00 * p;
                theta_dot += i01 * p;
            }
        }

        let x = x + x_dot * DT;
        let theta = theta + theta_dot * DT;
        self.state = [x, x_dot, theta, theta_dot];

        let (reward, terminated) = if self.swingup {
            (theta.cos(), false)
        } else {
            (1.0, theta.abs() > BALANCE_LIMIT)
        };
        Step {
            obs: self.obs(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE,
        }
    }

    fn perturbations(&self) -> Vec<Param> {
        let mut params = if self.swingup {
            STATE_OFFSETS.to_vec()
        } else {
            BALANCE_OFFSETS.to_vec()
        };
        params.extend([
            Param::physical("cart_mass", CART_MASS, 8.0, 13.0, "cart mass (kg)"),
            Param::physical(
                "pole_mass",
                POLE_MASS,
                4.0,
                6.0,
                "pole mass (kg); its inertia scales with it",
            ),
            Param::physical(
                "force_gain",
                FORCE_GAIN,
                80.0,
                120.0,
                "force per unit action (N)",
            ),
        ]);
        params
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(
            self.has_state,
            "{}: call reset before perturbing",
            self.id()
        );
        let get = |i: usize| values.get(i).copied().flatten();
        for i in 0..4 {
            if let Some(v) = get(i) {
                self.state[i] += v;
            }
        }
        let ph = &mut self.physics;
        ph.cart_mass = get(4).unwrap_or(ph.cart_mass);
        ph.pole_mass = get(5).unwrap_or(ph.pole_mass);
        ph.force_gain = get(6).unwrap_or(ph.force_gain);
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        let ph = self.physics;
        Snapshot {
            env: self.id().to_string(),
            state: self.state.to_vec(),
            physics: vec![ph.cart_mass, ph.pole_mass, ph.force_gain],
            flags: vec![self.has_state],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        s.check(self.id(), 4, 3, 1)?;
        self.rng = RandomState::from_state(&s.rng)?;
        self.state.copy_from_slice(&s.state);
        self.physics = Physics {
            cart_mass: s.physics[0],
            pole_mass: s.physics[1],
            force_gain: s.physics[2],
        };
        self.has_state = s.flags[0];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec section 12 / ref_gym018.json (pybullet 3.2.7, `env.seed(0); env.reset()`), within the
    /// model's tolerance.
    #[test]
    fn reference_trajectory() {
        let mut env = BulletSwingup::new(1.0);
        let obs = env.reset(Some(0));
        assert_eq!(obs[..2], [0.0, 0.0]);
        assert!((obs[2] + 0.996022478).abs() < 1e-9 && (obs[3] - 0.0891023186).abs() < 1e-9);
        let want = [
            (
                0.5,
                [
                    0.00116081326,
                    0.070352319,
                    -0.996277818,
                    0.086200397,
                    0.176553618,
                ],
            ),
            (
                -1.0,
                [
                    0.00017508577,
                    -0.0597410601,
                    -0.996182559,
                    0.0872943813,
                    -0.0665529673,
                ],
            ),
            (
                1.0,
                [
                    0.0014512966,
                    0.0773461108,
                    -0.99653246,
                    0.083204908,
                    0.248752597,
                ],
            ),
            (
                2.0,
                [
                    0.00498562102,
                    0.21420148,
                    -0.997261472,
                    0.0739564559,
                    0.562252922,
                ],
            ),
            (
                -0.3,
                [
                    0.00790566312,
                    0.176972248,
                    -0.997847168,
                    0.065582238,
                    0.508769667,
                ],
            ),
        ];
        for (t, (a, obs)) in want.iter().enumerate() {
            let s = env.step(&Action::Continuous(vec![*a]));
            for (g, w) in s.obs.iter().zip(obs) {
                assert!((g - w).abs() < 1e-7, "step {t}: {:?} vs {obs:?}", s.obs);
            }
            assert!((s.reward - obs[2]).abs() < 1e-7);
        }
    }

    /// InvertedPendulumBulletEnv-v0 (pybullet 3.2.7, `env.seed(0); env.reset()`, then a constant
    /// push 1.0): the same draw puts the pole at U(-0.1, 0.1) without the swing-up's 3.1415, every
    /// step is worth 1.0, and the sixth step, the first with |theta| > 0.2, terminates.
    #[test]
    fn balance_reference_episode() {
        let mut env = BulletSwingup::balance(1.0);
        assert_eq!(env.id(), "InvertedPendulumBulletEnv-v0");
        env.reset(Some(0));
        assert_eq!(env.state(), [0.0, 0.0, -0.089_127_988_749_843_36, 0.0]);
        let mut swingup = BulletSwingup::new(1.0);
        swingup.reset(Some(0));
        assert_eq!(swingup.state()[2], RESET_THETA + env.state()[2]);
        let want = [
            (1, -0.094_340_665_729_567_15),
            (2, -0.104_794_086_170_741_75),
            (6, -0.200_549_362_128_036_2),
        ];
        for t in 1..=6 {
            let s = env.step(&Action::Continuous(vec![1.0]));
            assert_eq!(s.reward, 1.0);
            assert_eq!(s.terminated, t == 6, "step {t}");
            assert!(!s.truncated);
            if let Some((_, theta)) = want.iter().find(|(n, _)| *n == t) {
                assert!((env.state()[2] - theta).abs() < 1e-7, "step {t}");
            }
        }
        // pybullet keeps stepping after `done`, and so does this.
        assert!(env.step(&Action::Continuous(vec![1.0])).terminated);
        assert_eq!(env.perturbations()[2].high, 0.1);
    }

    /// The balance task steps the swing-up's physics, rail limit included; only the reward and the
    /// end differ.
    #[test]
    fn balance_is_the_swingups_physics() {
        for rail in [1.0, 2.0] {
            let mut balance = BulletSwingup::balance(rail);
            let mut swingup = BulletSwingup::new(rail);
            balance.reset(Some(3));
            swingup.reset(Some(3));
            let start = [rail - 0.01, 1.5, 0.15, -0.7];
            balance.state = start;
            swingup.state = start;
            for t in 0..40 {
                let a = Action::Continuous(vec![((t as f64) * 0.3).sin() * 1.2]);
                let (b, s) = (balance.step(&a), swingup.step(&a));
                assert_eq!(b.obs, s.obs, "rail {rail} step {t}");
                assert_eq!(b.reward, 1.0);
                assert_eq!(s.reward, swingup.state[2].cos());
                assert_eq!(b.terminated, balance.state[2].abs() > 0.2);
            }
        }
    }
}
