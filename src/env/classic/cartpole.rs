//! CartPole-v0 / CartPole-v1, exact to Gymnasium 1.x.
//!
//! The state is kept in f64 as Gymnasium keeps it; observations are its float32 rounding. Every formula
//! below is written in Python's evaluation order, which bit-exactness depends on.
use crate::env::rng::NpRng;
use crate::env::{Action, Env, Info, Param, Snapshot, Space, Step};
use crate::error::Result;

const GRAVITY: f64 = 9.8;
const MASSCART: f64 = 1.0;
const MASSPOLE: f64 = 0.1;
/// Half the pole's length.
const LENGTH: f64 = 0.5;
const FORCE_MAG: f64 = 10.0;
/// Seconds between state updates.
const TAU: f64 = 0.02;
/// `12 * 2 * math.pi / 360`.
const THETA_THRESHOLD: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
const X_THRESHOLD: f64 = 2.4;

/// The physical constants a perturbation may replace, and the two Gymnasium derives from them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Physics {
    masscart: f64,
    masspole: f64,
    length: f64,
    force_mag: f64,
    total_mass: f64,
    polemass_length: f64,
}

impl Physics {
    /// Derived exactly as Gymnasium derives them (0.1 + 1.0 is 1.1000000000000001). Gymnasium computes
    /// them once in `__init__`; here they follow a perturbed mass or length, as physics wants.
    fn new(masscart: f64, masspole: f64, length: f64, force_mag: f64) -> Self {
        Physics {
            masscart,
            masspole,
            length,
            force_mag,
            total_mass: masspole + masscart,
            polemass_length: masspole * length,
        }
    }
    fn nominal() -> Self {
        Self::new(MASSCART, MASSPOLE, LENGTH, FORCE_MAG)
    }
}

pub struct CartPole {
    id: &'static str,
    rng: NpRng,
    /// `(x, x_dot, theta, theta_dot)`.
    state: [f64; 4],
    has_state: bool,
    /// Gymnasium's `steps_beyond_terminated is not None`: the pole has fallen in this episode.
    terminated: bool,
    physics: Physics,
}

impl CartPole {
    /// `id` is "CartPole-v0" or "CartPole-v1": the dynamics are the same, only the time limit
    /// (set by `make`) differs.
    pub fn new(id: &'static str) -> Self {
        CartPole {
            id,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: NpRng::from_seed(0),
            state: [0.0; 4],
            has_state: false,
            terminated: false,
            physics: Physics::nominal(),
        }
    }

    /// The full-precision state `(x, x_dot, theta, theta_dot)` (Gymnasium's `env.unwrapped.state`).
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    fn obs(&self) -> Vec<f64> {
        // Gymnasium returns `np.array(self.state, dtype=np.float32)`.
        self.state.iter().map(|&v| v as f32 as f64).collect()
    }
}

impl Env for CartPole {
    fn id(&self) -> &str {
        self.id
    }

    fn observation_space(&self) -> Space {
        // float32 bounds widened: 4.8 and 0.41887903 are not the f64 values 2*2.4 and 2*theta_threshold.
        Space::symmetric(vec![
            (X_THRESHOLD * 2.0) as f32 as f64,
            f64::INFINITY,
            (THETA_THRESHOLD * 2.0) as f32 as f64,
            f64::INFINITY,
        ])
    }

    fn action_space(&self) -> Space {
        Space::Discrete { n: 2 }
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &["x", "x_dot", "theta", "theta_dot"]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        // `np_random.uniform(low=-0.05, high=0.05, size=(4,))`.
        self.state = self.rng.uniform_array([-0.05; 4], [0.05; 4]);
        self.has_state = true;
        self.terminated = false;
        self.physics = Physics::nominal();
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let Physics {
            masspole,
            length,
            force_mag,
            total_mass,
            polemass_length,
            ..
        } = self.physics;
        let force = match action {
            Action::Discrete(1) => force_mag,
            Action::Discrete(0) => -force_mag,
            other => panic!("{}: invalid action {other:?} (Discrete(2))", self.id),
        };
        assert!(self.has_state, "{}: call reset before step", self.id);

        let [x, x_dot, theta, theta_dot] = self.state;
        let costheta = theta.cos();
        let sintheta = theta.sin();
        // `np.square(v)` is v * v.
        let temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass;
        let thetaacc = (GRAVITY * sintheta - costheta * temp)
            / (length * (4.0 / 3.0 - masspole * (costheta * costheta) / total_mass));
        let xacc = temp - polemass_length * thetaacc * costheta / total_mass;

        // Explicit Euler (Gymnasium's default "euler" integrator).
        let x = x + TAU * x_dot;
        let x_dot = x_dot + TAU * xacc;
        let theta = theta + TAU * theta_dot;
        let theta_dot = theta_dot + TAU * thetaacc;
        self.state = [x, x_dot, theta, theta_dot];

        // Four comparisons as in Python, not a range test: a NaN state does not terminate there.
        #[allow(clippy::manual_range_contains)]
        let terminated = x < -X_THRESHOLD
            || x > X_THRESHOLD
            || theta < -THETA_THRESHOLD
            || theta > THETA_THRESHOLD;

        // 1.0 per step including the one the pole falls in; 0.0 for steps taken after that (Gymnasium
        // warns about those; its state keeps evolving).
        let reward = if !terminated {
            1.0
        } else if !self.terminated {
            self.terminated = true;
            1.0
        } else {
            0.0
        };

        Step {
            obs: self.obs(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE,
        }
    }

    /// The predecessor's BO box (`CartpoleBO.py`): it assigns `env.env.state` after `reset`, each
    /// state variable in ±0.05 (the support of `reset` itself), and declares masspole, length and
    /// force_mag boxes that its objective never applied; here they act.
    fn perturbations(&self) -> Vec<Param> {
        vec![
            Param::set(
                "x",
                -0.05,
                0.05,
                "cart position (m), replaces the reset value",
            ),
            Param::set(
                "x_dot",
                -0.05,
                0.05,
                "cart velocity (m/s), replaces the reset value",
            ),
            Param::set(
                "theta",
                -0.05,
                0.05,
                "pole angle (rad), replaces the reset value",
            ),
            Param::set(
                "theta_dot",
                -0.05,
                0.05,
                "pole angular velocity (rad/s), replaces the reset value",
            ),
            Param::physical("masscart", MASSCART, 0.5, 1.5, "cart mass (kg)"),
            Param::physical("masspole", MASSPOLE, 0.05, 0.15, "pole mass (kg)"),
            Param::physical("length", LENGTH, 0.4, 0.6, "half the pole's length (m)"),
            Param::physical("force_mag", FORCE_MAG, 8.0, 12.0, "push force (N)"),
        ]
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(self.has_state, "{}: call reset before perturbing", self.id);
        for (s, v) in self.state.iter_mut().zip(values) {
            if let Some(v) = v {
                *s = *v;
            }
        }
        let p = self.physics;
        let get = |i: usize, d: f64| values.get(i).copied().flatten().unwrap_or(d);
        self.physics = Physics::new(
            get(4, p.masscart),
            get(5, p.masspole),
            get(6, p.length),
            get(7, p.force_mag),
        );
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        let p = self.physics;
        Snapshot {
            env: self.id.to_string(),
            state: self.state.to_vec(),
            physics: vec![p.masscart, p.masspole, p.length, p.force_mag],
            flags: vec![self.has_state, self.terminated],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        s.check(self.id, 4, 4, 2)?;
        self.rng = NpRng::from_state(&s.rng)?;
        self.state.copy_from_slice(&s.state);
        self.physics = Physics::new(s.physics[0], s.physics[1], s.physics[2], s.physics[3]);
        self.has_state = s.flags[0];
        self.terminated = s.flags[1];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec section 12 / ref_gymnasium.json: CartPole-v1, Gymnasium 1.4.0, NumPy 2.4.6, reset(seed=0).
    #[test]
    fn reference_trajectory_seed0() {
        let mut env = CartPole::new("CartPole-v1");
        let obs = env.reset(Some(0));
        assert_eq!(
            obs,
            [
                0.013696168549358845,
                -0.023021329194307327,
                -0.04590264707803726,
                -0.04834723472595215
            ]
        );
        assert_eq!(
            env.state(),
            [
                0.013696168732145436,
                -0.02302132862361297,
                -0.045902647606380534,
                -0.04834723644714709
            ]
        );
        let steps: [(usize, [f64; 4], [f64; 4]); 5] = [
            (
                1,
                [
                    0.013235742226243019,
                    0.17272774875164032,
                    -0.04686959087848663,
                    -0.3551521897315979,
                ],
                [
                    0.013235742159673177,
                    0.17272774640672584,
                    -0.04686959233532348,
                    -0.3551522026891103,
                ],
            ),
            (
                0,
                [
                    0.016690297052264214,
                    -0.021697547286748886,
                    -0.05397263541817665,
                    -0.07760915160179138,
                ],
                [
                    0.016690297087807695,
                    -0.0216975470094809,
                    -0.05397263638910568,
                    -0.07760914862031953,
                ],
            ),
            (
                1,
                [
                    0.016256345435976982,
                    0.17415492236614227,
                    -0.05552481859922409,
                    -0.38682031631469727,
                ],
                [
                    0.016256346147618075,
                    0.17415492608010963,
                    -0.05552481936151207,
                    -0.38682031895485985,
                ],
            ),
            (
                1,
                [
                    0.01973944529891014,
                    0.3700193166732788,
                    -0.06326122581958771,
                    -0.6964800357818604,
                ],
                [
                    0.019739444669220268,
                    0.37001930859055,
                    -0.06326122574060927,
                    -0.6964800310295141,
                ],
            ),
            (
                0,
                [
                    0.027139831334352493,
                    0.17582906782627106,
                    -0.0771908238530159,
                    -0.42436373233795166,
                ],
                [
                    0.02713983084103127,
                    0.1758290672242379,
                    -0.07719082636119956,
                    -0.42436373161406565,
                ],
            ),
        ];
        for (a, obs, state) in steps {
            let s = env.step(&Action::Discrete(a));
            assert_eq!(s.obs, obs);
            assert_eq!(env.state(), state);
            assert_eq!(s.reward, 1.0);
            assert!(!s.terminated && !s.truncated);
        }
    }

    #[test]
    fn reward_after_termination_is_zero() {
        let mut env = CartPole::new("CartPole-v1");
        env.reset(Some(3));
        let mut fell = false;
        for _ in 0..200 {
            let s = env.step(&Action::Discrete(1));
            if fell {
                assert_eq!(s.reward, 0.0);
            } else {
                assert_eq!(s.reward, 1.0);
            }
            fell |= s.terminated;
        }
        assert!(fell);
        // A reset starts a fresh episode.
        env.reset(None);
        assert_eq!(env.step(&Action::Discrete(0)).reward, 1.0);
    }

    #[test]
    fn unseeded_starts_from_seed_zero() {
        let mut a = CartPole::new("CartPole-v0");
        let mut b = CartPole::new("CartPole-v0");
        assert_eq!(a.reset(None), b.reset(Some(0)));
        assert_eq!(a.reset(None), b.reset(None));
    }

    #[test]
    fn spaces() {
        let env = CartPole::new("CartPole-v1");
        let high = vec![
            4.800000190734863,
            f64::INFINITY,
            0.41887903213500977,
            f64::INFINITY,
        ];
        let low: Vec<f64> = high.iter().map(|h| -h).collect();
        assert_eq!(env.observation_space(), Space::Box { low, high });
        assert_eq!(env.action_space(), Space::Discrete { n: 2 });
    }

    #[test]
    #[should_panic]
    fn rejects_out_of_range_action() {
        let mut env = CartPole::new("CartPole-v1");
        env.reset(Some(0));
        env.step(&Action::Discrete(2));
    }
}
