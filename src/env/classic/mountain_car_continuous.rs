//! MountainCarContinuous-v0, exact to Gymnasium 1.x.
//!
//! Gymnasium stores the state as a float32 array after every step, so the rounding is part of the
//! dynamics; `reset` stores float64. The step then mixes float32 and float64 NumPy scalars with Python
//! floats, and the result types (hence the roundings) follow NumPy's promotion rules: `Num` carries
//! each value's type through the step exactly as Python does.
use crate::env::npmath::Num::{self, Py, F32, F64};
use crate::env::rng::NpRng;
use crate::env::{Action, Env, Info, Param, Promotion, Snapshot, Space, Step};
use crate::error::Result;

const MIN_ACTION: f64 = -1.0;
const MAX_ACTION: f64 = 1.0;
const MIN_POSITION: f64 = -1.2;
const MAX_POSITION: f64 = 0.6;
const MAX_SPEED: f64 = 0.07;
const GOAL_POSITION: f64 = 0.45;
const POWER: f64 = 0.0015;

pub struct MountainCarContinuous {
    rng: NpRng,
    /// `(position, velocity)` as Gymnasium's `self.state`: float64 after `reset`, float32 after a step.
    state: [f64; 2],
    state_is_f32: bool,
    has_state: bool,
    promotion: Promotion,
    power: f64,
}

impl MountainCarContinuous {
    pub fn new(promotion: Promotion) -> Self {
        MountainCarContinuous {
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: NpRng::from_seed(0),
            state: [0.0; 2],
            state_is_f32: false,
            has_state: false,
            promotion,
            power: POWER,
        }
    }

    /// `(position, velocity)`, Gymnasium's `env.unwrapped.state`.
    pub fn state(&self) -> [f64; 2] {
        self.state
    }

    fn obs(&self) -> Vec<f64> {
        self.state.iter().map(|&v| v as f32 as f64).collect()
    }
}

impl Env for MountainCarContinuous {
    fn id(&self) -> &str {
        "MountainCarContinuous-v0"
    }

    fn observation_space(&self) -> Space {
        let f = |v: f64| v as f32 as f64;
        Space::Box {
            low: vec![f(MIN_POSITION), f(-MAX_SPEED)],
            high: vec![f(MAX_POSITION), f(MAX_SPEED)],
        }
    }

    fn action_space(&self) -> Space {
        Space::Box {
            low: vec![MIN_ACTION],
            high: vec![MAX_ACTION],
        }
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &["position", "velocity"]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        // `np.array([np_random.uniform(low=-0.6, high=-0.4), 0])`: float64.
        self.state = [self.rng.uniform(-0.6, -0.4), 0.0];
        self.state_is_f32 = false;
        self.has_state = true;
        self.power = POWER;
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let a = action.first(self.id(), "Box(-1, 1, (1,))") as f32;
        assert!(
            self.has_state,
            "MountainCarContinuous-v0: call reset before step"
        );
        let p = self.promotion;
        let num = |v: f64| {
            if self.state_is_f32 {
                F32(v as f32)
            } else {
                F64(v)
            }
        };
        let (mut position, mut velocity) = (num(self.state[0]), num(self.state[1]));

        // `min(max(action[0], -1.0), 1.0)`: Python's max/min keep the float32 unless a bound wins
        // (a NaN action stays NaN).
        let mut force = F32(a);
        if MIN_ACTION > a as f64 {
            force = Py(MIN_ACTION);
        }
        if MAX_ACTION < force.value() {
            force = Py(MAX_ACTION);
        }

        // `velocity += force * self.power - 0.0025 * math.cos(3 * position)`.
        let push = Num::op(force, Py(self.power), p, |x, y| x * y);
        let three_pos = Num::op(Py(3.0), position, p, |x, y| x * y);
        let hill = Py(0.0025 * three_pos.value().cos());
        let incr = Num::op(push, hill, p, |x, y| x - y);
        velocity = Num::op(velocity, incr, p, |x, y| x + y);
        if Num::cmp(velocity, Py(MAX_SPEED), p, |x, y| x > y) {
            velocity = Py(MAX_SPEED);
        }
        if Num::cmp(velocity, Py(-MAX_SPEED), p, |x, y| x < y) {
            velocity = Py(-MAX_SPEED);
        }
        position = Num::op(position, velocity, p, |x, y| x + y);
        if Num::cmp(position, Py(MAX_POSITION), p, |x, y| x > y) {
            position = Py(MAX_POSITION);
        }
        if Num::cmp(position, Py(MIN_POSITION), p, |x, y| x < y) {
            position = Py(MIN_POSITION);
        }
        if Num::cmp(position, Py(MIN_POSITION), p, |x, y| x == y) && velocity.value() < 0.0 {
            velocity = Py(0.0);
        }
        // goal_velocity is the int 0: compared exactly.
        let terminated =
            Num::cmp(position, Py(GOAL_POSITION), p, |x, y| x >= y) && velocity.value() >= 0.0;

        // `reward -= math.pow(action[0], 2) * 0.1` on the unclipped action, from 0 or 100.0.
        let cost = crate::env::npmath::pow2_f64(a as f64) * 0.1;
        let reward = if terminated { 100.0 } else { 0.0 } - cost;

        // `np.array([position, velocity], dtype=np.float32)`.
        self.state = [
            position.value() as f32 as f64,
            velocity.value() as f32 as f64,
        ];
        self.state_is_f32 = true;
        Step {
            obs: self.obs(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE,
        }
    }

    fn perturbations(&self) -> Vec<Param> {
        vec![
            Param::set(
                "position",
                -0.6,
                -0.4,
                "initial position (m), replaces the reset value",
            ),
            Param::set(
                "velocity",
                -0.02,
                0.02,
                "initial velocity (m/step), replaces 0",
            ),
            Param::physical("power", POWER, 0.0012, 0.0018, "engine power"),
        ]
    }

    /// As assigning `env.unwrapped.state = np.array([position, velocity])` (float64) in Python.
    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(
            self.has_state,
            "MountainCarContinuous-v0: call reset before perturbing"
        );
        let get = |i: usize| values.get(i).copied().flatten();
        if get(0).is_some() || get(1).is_some() {
            if self.state_is_f32 {
                self.state_is_f32 = false;
            }
            self.state = [
                get(0).unwrap_or(self.state[0]),
                get(1).unwrap_or(self.state[1]),
            ];
        }
        if let Some(v) = get(2) {
            self.power = v;
        }
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            env: self.id().to_string(),
            state: self.state.to_vec(),
            physics: vec![self.power],
            flags: vec![self.has_state, self.state_is_f32],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        s.check(self.id(), 2, 1, 2)?;
        self.rng = NpRng::from_state(&s.rng)?;
        self.state.copy_from_slice(&s.state);
        self.power = s.physics[0];
        self.has_state = s.flags[0];
        self.state_is_f32 = s.flags[1];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [f64; 5] = [0.5, -1.0, 1.0, 2.0, -0.3];

    fn run(p: Promotion) -> (Vec<f64>, Vec<Step>) {
        let mut env = MountainCarContinuous::new(p);
        let obs = env.reset(Some(0));
        let steps = ACTIONS
            .iter()
            .map(|&a| env.step(&Action::Continuous(vec![a])))
            .collect();
        (obs, steps)
    }

    /// Spec section 12, Gymnasium 1.4.0, reset(seed=0).
    #[test]
    fn reference_trajectories() {
        let reset = [-0.47260767221450806, 0.0];
        let numpy2 = [
            [-0.47223860025405884, 0.0003690564481075853],
            [-0.4737532138824463, -0.0015146223595365882],
            [-0.4741402864456177, -0.00038707233034074306],
            [-0.4733969271183014, 0.0007433485006913543],
            [-0.47347867488861084, -8.174357935786247e-05],
        ];
        let numpy1 = [
            [-0.47223860025405884, 0.0003690564481075853],
            [-0.4737532138824463, -0.00151462247595191],
            [-0.4741402864456177, -0.00038707247585989535],
            [-0.4733969271183014, 0.0007433483842760324],
            [-0.47347867488861084, -8.174376125680283e-05],
        ];
        let rewards = [-0.025, -0.1, -0.1, -0.4, -0.009000000715255752];
        for (p, want) in [(Promotion::Numpy2, numpy2), (Promotion::Numpy1, numpy1)] {
            let (obs, steps) = run(p);
            assert_eq!(obs, reset);
            for (t, s) in steps.iter().enumerate() {
                assert_eq!(s.obs, want[t], "{p:?} step {t}");
                assert_eq!(s.reward, rewards[t], "{p:?} step {t}");
                assert!(!s.terminated);
            }
        }
    }
}
