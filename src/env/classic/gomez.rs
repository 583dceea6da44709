//! Gomez's pole-balancing benchmarks: one or two poles on one cart, as in Gomez, Schmidhuber &
//! Miikkulainen, *Accelerated Neural Evolution through Cooperatively Coevolved Synapses* (JMLR 9, 2008),
//! Appendix A (Wieland's equations for N unjoined poles), and as the ESP/NEAT/CoSyNE code runs them.
//!
//! | id | poles | observation |
//! |---|---|---|
//! | `SinglePole-v0` | 1 | x, x_dot, theta, theta_dot |
//! | `SinglePoleNoVel-v0` | 1 | x, theta |
//! | `DoublePole-v0` | 2 | x, x_dot, theta1, theta1_dot, theta2, theta2_dot |
//! | `DoublePoleNoVel-v0` | 2 | x, theta1, theta2 |
//!
//! The state `(x, ẋ, θ1, θ̇1[, θ2, θ̇2])` is f64, and so are the observations (no float32 rounding:
//! there is no Gymnasium reference). Per pole i, with g = −9.8 (the sign convention of the equations;
//! Gomez's and Stanley's C code use −9.8):
//!
//! ```text
//! ẍ  = (F − μc·sgn(ẋ) + Σ F̃i) / (M + Σ m̃i)
//! θ̈i = −(3 / (4 li)) · (ẍ cos θi + g sin θi + μp θ̇i / (mi li))
//! F̃i = mi li θ̇i² sin θi + (3/4) mi cos θi (μp θ̇i / (mi li) + g sin θi)
//! m̃i = mi (1 − (3/4) cos² θi)
//! ```
//!
//! M = 1 kg; pole 1: m = 0.1 kg, half length l = 0.5 m; pole 2: 0.01 kg, 0.05 m; μc = 5e-4 (the
//! `cart_friction` keyword: the widely copied C code, Stanley's and Gomez's `cartpole.cpp`, omits the
//! cart-friction term, which `cart_friction=0` reproduces), μp = 2e-6.
//!
//! Integration: classic RK4 with h = 0.01 s, two RK4 steps per env step (control every 0.02 s), the
//! force held. The evaluation order, which `tests/oracle/gomez_cartpole.py` repeats to the bit:
//! `k1 = f(s)`, `k2 = f(s + (h/2)·k1)`, `k3 = f(s + (h/2)·k2)`, `k4 = f(s + h·k3)`, then per component
//! `s + (h/6)·(k1 + 2·k2 + 2·k3 + k4)` summed left to right; `f` computes, per pole in order,
//! `ml = m·l`, `t = μp·θ̇/ml`, `F̃ = ml·θ̇·θ̇·sin θ + 0.75·m·cos θ·(t + g·sin θ)`,
//! `m̃ = m·(1 − 0.75·cos θ·cos θ)`, accumulates `(F − μc·sgn ẋ) + F̃1 [+ F̃2]` over `M + m̃1 [+ m̃2]`, and
//! `θ̈ = −0.75·(ẍ·cos θ + g·sin θ + t)/l` (Gomez's form of −3/(4l)·(…)).
//!
//! Action: Box(1) in [−1, 1]; F = 10·clip(a, −1, 1), and where |F| < 10/256, F = ±10/256 (the sign of
//! the clipped action, 0 counting as positive): the benchmark's minimum force.
//!
//! The start is fixed, whatever the seed: x = ẋ = 0, θ1 = 4° (`theta0_deg`), θ̇1 = θ2 = θ̇2 = 0.
//! `reset(seed)` keeps its signature and reseeds an RNG nothing draws from (snapshots carry it).
//! The episode fails (`terminated`) when |x| > 2.4 m or any |θi| exceeds 12° (one pole) or 36° (two).
//! Reward 1.0 per step, the failing step included (0.0 for steps after it), so the return is the number
//! of steps balanced; the registered time limit is the paper's success criterion, 100,000 steps.
//!
//! Observations are scaled as Gomez's ESP/NEAT code scales its network inputs (the paper's "inputs
//! scaled to [−1, 1]"): x/4.8, ẋ/2, θi/0.52, θ̇i/2; the NoVel ids drop the velocities. `info` reports
//! `wobble` = |x| + |ẋ| + |θ1| + |θ̇1| of the unscaled state after the step, what Gruau's damping fitness
//! ([`gruau_fitness`]) sums.
use std::f64::consts::PI;

use crate::env::rng::NpRng;
use crate::env::{Action, Env, Info, Param, Snapshot, Space, Step};
use crate::error::Result;

/// The four ids, in the registry's order.
pub const IDS: [&str; 4] = [
    "SinglePole-v0",
    "SinglePoleNoVel-v0",
    "DoublePole-v0",
    "DoublePoleNoVel-v0",
];

/// The paper's success criterion: balanced for this many steps (the registered time limit).
pub const SOLVED_STEPS: usize = 100_000;
/// Steps a network must balance from each of [`generalisation_starts`] (Gruau et al.'s test).
pub const GENERALISATION_STEPS: usize = 1000;
/// Starts of the 625 a network must balance for [`GENERALISATION_STEPS`] to pass the test.
pub const GENERALISATION_PASS: usize = 200;

/// The equations' sign convention: θ̈ has +g·sin θ inside −3/(4l)·(…), so g is negative.
const GRAVITY: f64 = -9.8;
const MASSCART: f64 = 1.0;
const MASSPOLE: [f64; 2] = [0.1, 0.01];
/// Half the poles' lengths.
const LENGTH: [f64; 2] = [0.5, 0.05];
/// μc, the default of the `cart_friction` keyword.
pub const CART_FRICTION: f64 = 5e-4;
/// μp, the pole hinges' friction.
const POLE_FRICTION: f64 = 2e-6;
const FORCE_MAG: f64 = 10.0;
/// The RK4 step (s); one env step is [`RK4_STEPS`] of them.
const TAU: f64 = 0.01;
const RK4_STEPS: usize = 2;
const X_THRESHOLD: f64 = 2.4;
/// θ1 at reset (degrees), the default of the `theta0_deg` keyword.
pub const THETA0_DEG: f64 = 4.0;
/// The input scaling of Gomez's ESP/NEAT code: x, ẋ, θ, θ̇ are divided by these.
pub const OBS_SCALE: [f64; 4] = [4.8, 2.0, 0.52, 2.0];

/// Degrees to radians, as the oracle computes it.
fn rad(deg: f64) -> f64 {
    deg * PI / 180.0
}

/// Gruau, Whitley & Pyeatt's (1996) "damping" fitness, as ESP and NEAT compute it over episodes of
/// 1000 steps: `0.1·steps/1000 + 0.9·0.75/wobble_last_100`, the second term 0 for episodes shorter
/// than 100 steps. `wobble_last_100` is the sum of the `wobble` info over the episode's last 100 steps.
pub fn gruau_fitness(steps: usize, wobble_last_100: f64) -> f64 {
    let f1 = steps as f64 / 1000.0;
    let f2 = if steps < 100 {
        0.0
    } else {
        0.75 / wobble_last_100
    };
    0.1 * f1 + 0.9 * f2
}

/// The fractions of each range [`generalisation_starts`] takes.
pub const GENERALISATION_FRACTIONS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Gruau et al.'s generalisation test: the 625 starts `(x, x_dot, theta1, theta1_dot)` where each
/// variable takes 0.05, 0.25, 0.5, 0.75 and 0.95 of its range (`low + frac·(high − low)`): x in
/// [−2.16, 2.16] m, ẋ in [−1.35, 1.35] m/s, θ1 in [−3.6°, 3.6°], θ̇1 in [−8.6°, 8.6°]/s (angles in
/// radians). x is the outermost loop and θ̇1 the innermost: start `i` has x at fraction `i / 125`,
/// ẋ at `i / 25 % 5`, θ1 at `i / 5 % 5`, θ̇1 at `i % 5`. θ2 = θ̇2 = 0 (the reset's). A network passes
/// when it balances at least [`GENERALISATION_PASS`] of them for [`GENERALISATION_STEPS`] steps.
pub fn generalisation_starts() -> Vec<[f64; 4]> {
    let ranges = [
        (-2.16, 2.16),
        (-1.35, 1.35),
        (rad(-3.6), rad(3.6)),
        (rad(-8.6), rad(8.6)),
    ];
    let at = |k: usize, frac: f64| {
        let (low, high) = ranges[k];
        low + frac * (high - low)
    };
    let f = GENERALISATION_FRACTIONS;
    let mut out = Vec::with_capacity(625);
    for &a in &f {
        for &b in &f {
            for &c in &f {
                for &d in &f {
                    out.push([at(0, a), at(1, b), at(2, c), at(3, d)]);
                }
            }
        }
    }
    out
}

/// The physical constants a perturbation may replace.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Physics {
    masscart: f64,
    masspole: [f64; 2],
    length: [f64; 2],
    force_mag: f64,
}

impl Physics {
    fn nominal() -> Self {
        Physics {
            masscart: MASSCART,
            masspole: MASSPOLE,
            length: LENGTH,
            force_mag: FORCE_MAG,
        }
    }
}

/// The four pole-balancing ids (see the module's documentation).
pub struct PoleBalancing {
    id: &'static str,
    poles: usize,
    velocities: bool,
    cart_friction: f64,
    theta0: f64,
    /// Reseeded by `reset(Some(seed))`, never drawn from: the start is fixed.
    rng: NpRng,
    /// `(x, x_dot, theta1, theta1_dot, theta2, theta2_dot)`; one pole uses the first four.
    state: [f64; 6],
    has_state: bool,
    /// The episode has failed.
    terminated: bool,
    physics: Physics,
}

impl PoleBalancing {
    /// One of [`IDS`], with the paper's cart friction and start angle.
    ///
    /// # Panics
    /// For any other id.
    pub fn new(id: &'static str) -> Self {
        let (poles, velocities) = match id {
            "SinglePole-v0" => (1, true),
            "SinglePoleNoVel-v0" => (1, false),
            "DoublePole-v0" => (2, true),
            "DoublePoleNoVel-v0" => (2, false),
            _ => panic!("{id} is not a pole-balancing id ({IDS:?})"),
        };
        PoleBalancing {
            id,
            poles,
            velocities,
            cart_friction: CART_FRICTION,
            theta0: rad(THETA0_DEG),
            rng: NpRng::from_seed(0),
            state: [0.0; 6],
            has_state: false,
            terminated: false,
            physics: Physics::nominal(),
        }
    }

    /// μc, the cart's friction coefficient (0: the C code's dynamics).
    pub fn with_cart_friction(mut self, mu_c: f64) -> Self {
        self.cart_friction = mu_c;
        self
    }

    /// The long pole's start angle, in degrees.
    pub fn with_theta0_deg(mut self, deg: f64) -> Self {
        self.theta0 = rad(deg);
        self
    }

    /// The number of poles.
    pub fn poles(&self) -> usize {
        self.poles
    }

    /// The unscaled state `(x, x_dot, theta1, theta1_dot[, theta2, theta2_dot])`.
    pub fn state(&self) -> &[f64] {
        &self.state[..self.dim()]
    }

    fn dim(&self) -> usize {
        2 + 2 * self.poles
    }

    /// The failure angle (rad): 12° for one pole, 36° for two.
    pub fn failure_angle(&self) -> f64 {
        rad(if self.poles == 1 { 12.0 } else { 36.0 })
    }

    fn obs(&self) -> Vec<f64> {
        let s = &self.state;
        let mut o = Vec::with_capacity(self.dim());
        o.push(s[0] / OBS_SCALE[0]);
        if self.velocities {
            o.push(s[1] / OBS_SCALE[1]);
        }
        for i in 0..self.poles {
            o.push(s[2 + 2 * i] / OBS_SCALE[2]);
            if self.velocities {
                o.push(s[3 + 2 * i] / OBS_SCALE[3]);
            }
        }
        o
    }

    /// The force of action `a`: `force_mag·clip(a, −1, 1)`, at least `force_mag/256` in magnitude.
    fn force(&self, a: f64) -> f64 {
        let a = a.clamp(-1.0, 1.0);
        let f = self.physics.force_mag * a;
        let floor = self.physics.force_mag / 256.0;
        if f.abs() < floor {
            if a >= 0.0 {
                floor
            } else {
                -floor
            }
        } else {
            f
        }
    }

    /// The state's time derivative under `force` (the order is the module's).
    fn derivative(&self, s: &[f64; 6], force: f64) -> [f64; 6] {
        let p = &self.physics;
        let sgn = if s[1] > 0.0 {
            1.0
        } else if s[1] < 0.0 {
            -1.0
        } else {
            0.0
        };
        let mut num = force - self.cart_friction * sgn;
        let mut den = p.masscart;
        let mut trig = [(0.0, 0.0, 0.0); 2];
        for i in 0..self.poles {
            let (m, l) = (p.masspole[i], p.length[i]);
            let (theta, theta_dot) = (s[2 + 2 * i], s[3 + 2 * i]);
            let (c, sn) = (theta.cos(), theta.sin());
            let ml = m * l;
            let t = POLE_FRICTION * theta_dot / ml;
            let fi = ml * theta_dot * theta_dot * sn + 0.75 * m * c * (t + GRAVITY * sn);
            let mi = m * (1.0 - 0.75 * c * c);
            num += fi;
            den += mi;
            trig[i] = (c, sn, t);
        }
        let xacc = num / den;
        let mut d = [0.0; 6];
        d[0] = s[1];
        d[1] = xacc;
        for (i, &(c, sn, t)) in trig.iter().enumerate().take(self.poles) {
            d[2 + 2 * i] = s[3 + 2 * i];
            d[3 + 2 * i] = -0.75 * (xacc * c + GRAVITY * sn + t) / p.length[i];
        }
        d
    }

    /// One classic RK4 step of `TAU` (the order is the module's).
    fn rk4(&self, s: [f64; 6], force: f64) -> [f64; 6] {
        let n = self.dim();
        let (h, h2, h6) = (TAU, TAU / 2.0, TAU / 6.0);
        let along = |k: &[f64; 6], by: f64| {
            let mut y = s;
            for i in 0..n {
                y[i] = s[i] + by * k[i];
            }
            y
        };
        let k1 = self.derivative(&s, force);
        let k2 = self.derivative(&along(&k1, h2), force);
        let k3 = self.derivative(&along(&k2, h2), force);
        let k4 = self.derivative(&along(&k3, h), force);
        let mut out = s;
        for i in 0..n {
            out[i] = s[i] + h6 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
        out
    }

    fn failed(&self) -> bool {
        let fail = self.failure_angle();
        self.state[0].abs() > X_THRESHOLD
            || (0..self.poles).any(|i| self.state[2 + 2 * i].abs() > fail)
    }

    /// The physical constants in force, in the order of the physical perturbations.
    fn physics_values(&self) -> Vec<f64> {
        let p = &self.physics;
        let mut v = vec![p.masscart];
        for i in 0..self.poles {
            v.extend([p.masspole[i], p.length[i]]);
        }
        v.push(p.force_mag);
        v
    }

    fn set_physics(&mut self, v: &[f64]) {
        let p = &mut self.physics;
        p.masscart = v[0];
        for i in 0..self.poles {
            p.masspole[i] = v[1 + 2 * i];
            p.length[i] = v[2 + 2 * i];
        }
        p.force_mag = v[v.len() - 1];
    }
}

impl Env for PoleBalancing {
    fn id(&self) -> &str {
        self.id
    }

    /// x up to ±1 (4.8 m, twice the track), angles up to twice the failure angle, velocities unbounded.
    fn observation_space(&self) -> Space {
        let x = X_THRESHOLD * 2.0 / OBS_SCALE[0];
        let theta = self.failure_angle() * 2.0 / OBS_SCALE[2];
        let mut high = vec![x];
        if self.velocities {
            high.push(f64::INFINITY);
        }
        for _ in 0..self.poles {
            high.push(theta);
            if self.velocities {
                high.push(f64::INFINITY);
            }
        }
        Space::symmetric(high)
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![1.0])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        match (self.poles, self.velocities) {
            (1, true) => &["x", "x_dot", "theta", "theta_dot"],
            (1, false) => &["x", "theta"],
            (_, true) => &["x", "x_dot", "theta1", "theta1_dot", "theta2", "theta2_dot"],
            (_, false) => &["x", "theta1", "theta2"],
        }
    }

    /// The benchmark's fixed start, whatever the seed (which only reseeds the unused RNG).
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        self.state = [0.0, 0.0, self.theta0, 0.0, 0.0, 0.0];
        self.has_state = true;
        self.terminated = false;
        self.physics = Physics::nominal();
        self.obs()
    }

    fn step(&mut self, action: &Action) -> Step {
        let a = action.first(self.id, "Box(1)");
        assert!(self.has_state, "{}: call reset before step", self.id);
        let force = self.force(a);
        for _ in 0..RK4_STEPS {
            self.state = self.rk4(self.state, force);
        }
        let terminated = self.failed();
        let reward = if !terminated {
            1.0
        } else if !self.terminated {
            self.terminated = true;
            1.0
        } else {
            0.0
        };
        let s = &self.state;
        let wobble = s[0].abs() + s[1].abs() + s[2].abs() + s[3].abs();
        Step {
            obs: self.obs(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE.with("wobble", wobble),
        }
    }

    /// Set-values of the state in half of Gruau's generalisation ranges (x ±1.08 m, ẋ ±0.675 m/s,
    /// θ1 ±1.8°, θ̇1 ±4.3°/s), in which a network that passes the generalisation test should be safe;
    /// the short pole's θ2 ±1.8° and θ̇2 ±4.3°/s only when named (the test starts it at rest). The
    /// NoVel ids have the same parameters: their state has the velocities. Physical constants within
    /// ±50% (the cart), and masses, half lengths and the force within modest boxes.
    fn perturbations(&self) -> Vec<Param> {
        let (th, thd) = (rad(1.8), rad(4.3));
        let mut v = vec![
            Param::set("x", -1.08, 1.08, "cart position (m), replaces the start"),
            Param::set(
                "x_dot",
                -0.675,
                0.675,
                "cart velocity (m/s), replaces the start",
            ),
        ];
        if self.poles == 1 {
            v.extend([
                Param::set("theta", -th, th, "pole angle (rad), replaces the start"),
                Param::set(
                    "theta_dot",
                    -thd,
                    thd,
                    "pole angular velocity (rad/s), replaces the start",
                ),
                Param::physical("masscart", MASSCART, 0.5, 1.5, "cart mass (kg)"),
                Param::physical("masspole", MASSPOLE[0], 0.05, 0.15, "pole mass (kg)"),
                Param::physical("length", LENGTH[0], 0.4, 0.6, "half the pole's length (m)"),
            ]);
        } else {
            v.extend([
                Param::set(
                    "theta1",
                    -th,
                    th,
                    "long pole's angle (rad), replaces the start",
                ),
                Param::set(
                    "theta1_dot",
                    -thd,
                    thd,
                    "long pole's angular velocity (rad/s), replaces the start",
                ),
                Param::set(
                    "theta2",
                    -th,
                    th,
                    "short pole's angle (rad), replaces the start",
                )
                .opt_in(),
                Param::set(
                    "theta2_dot",
                    -thd,
                    thd,
                    "short pole's angular velocity (rad/s), replaces the start",
                )
                .opt_in(),
                Param::physical("masscart", MASSCART, 0.5, 1.5, "cart mass (kg)"),
                Param::physical(
                    "masspole1",
                    MASSPOLE[0],
                    0.05,
                    0.15,
                    "long pole's mass (kg)",
                ),
                Param::physical(
                    "length1",
                    LENGTH[0],
                    0.4,
                    0.6,
                    "long pole's half length (m)",
                ),
                Param::physical(
                    "masspole2",
                    MASSPOLE[1],
                    0.005,
                    0.015,
                    "short pole's mass (kg)",
                ),
                Param::physical(
                    "length2",
                    LENGTH[1],
                    0.04,
                    0.06,
                    "short pole's half length (m)",
                ),
            ]);
        }
        v.push(Param::physical(
            "force_mag",
            FORCE_MAG,
            8.0,
            12.0,
            "push force at |action| = 1 (N)",
        ));
        v
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        assert!(self.has_state, "{}: call reset before perturbing", self.id);
        let n = self.dim();
        for (s, v) in self.state[..n].iter_mut().zip(values) {
            if let Some(v) = v {
                *s = *v;
            }
        }
        let mut phys = self.physics_values();
        for (p, v) in phys.iter_mut().zip(values.iter().skip(n)) {
            if let Some(v) = v {
                *p = *v;
            }
        }
        self.set_physics(&phys);
        self.obs()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            env: self.id.to_string(),
            state: self.state().to_vec(),
            physics: self.physics_values(),
            flags: vec![self.has_state, self.terminated],
            rng: self.rng.to_state(),
            elapsed: None,
        }
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        let n = self.dim();
        s.check(self.id, n, 2 + 2 * self.poles, 2)?;
        self.rng = NpRng::from_state(&s.rng)?;
        self.state = [0.0; 6];
        self.state[..n].copy_from_slice(&s.state);
        self.set_physics(&s.physics);
        self.has_state = s.flags[0];
        self.terminated = s.flags[1];
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(a: f64) -> Action {
        Action::Continuous(vec![a])
    }

    #[test]
    fn names_spaces_and_the_fixed_start() {
        for id in IDS {
            let mut env = PoleBalancing::new(id);
            let n = env.observation_names().len();
            assert_eq!(env.observation_space().size(), n, "{id}");
            let obs = env.reset(Some(3));
            assert_eq!(obs, env.reset(Some(99)), "{id}: the start ignores the seed");
            assert_eq!(obs.len(), n);
            let theta = env
                .observation_names()
                .iter()
                .position(|&s| s.starts_with("theta"));
            assert_eq!(obs[theta.unwrap()], 4.0 * PI / 180.0 / 0.52, "{id}");
            assert_eq!(env.state()[2], 4.0 * PI / 180.0);
            assert_eq!(env.action_space(), Space::symmetric(vec![1.0]));
        }
        let mut e = PoleBalancing::new("DoublePole-v0").with_theta0_deg(1.0);
        e.reset(None);
        assert_eq!(e.state(), [0.0, 0.0, PI / 180.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn the_force_has_a_floor_and_a_ceiling() {
        let env = PoleBalancing::new("SinglePole-v0");
        assert_eq!(env.force(0.5), 5.0);
        assert_eq!(env.force(3.0), 10.0);
        assert_eq!(env.force(-7.0), -10.0);
        assert_eq!(env.force(0.0), 10.0 / 256.0);
        assert_eq!(env.force(-0.0), 10.0 / 256.0);
        assert_eq!(env.force(0.001), 10.0 / 256.0);
        assert_eq!(env.force(-0.001), -10.0 / 256.0);
        // Exactly at the floor, the action's own force.
        assert_eq!(env.force(1.0 / 256.0), 10.0 / 256.0);
        assert_eq!(env.force(-0.01), -0.1);
    }

    /// Pushing one way, the pole falls the other: 12° ends the single-pole episode (first), 36° the
    /// double-pole one; the reward is 1.0 up to and including the failing step, 0.0 after.
    #[test]
    fn the_pole_fails_at_its_angle_and_the_return_counts_steps() {
        for (id, fail) in [("SinglePole-v0", 12.0), ("DoublePoleNoVel-v0", 36.0)] {
            let mut env = PoleBalancing::new(id);
            env.reset(Some(0));
            let mut t = 0;
            let mut ret = 0.0;
            loop {
                t += 1;
                let angle = |e: &PoleBalancing| {
                    (0..e.poles())
                        .map(|i| e.state()[2 + 2 * i].abs())
                        .fold(0.0, f64::max)
                };
                let prev = angle(&env);
                let s = env.step(&push(-1.0));
                ret += s.reward;
                assert!(env.state()[0].abs() <= 2.4, "{id}: the angle fails first");
                if s.terminated {
                    assert!(angle(&env) > fail * PI / 180.0, "{id}");
                    assert!(prev <= fail * PI / 180.0, "{id}");
                    break;
                }
                assert!(t < 1000, "{id}");
            }
            assert_eq!(ret, t as f64, "{id}");
            let s = env.step(&push(-1.0));
            assert!(s.terminated);
            assert_eq!(s.reward, 0.0);
            env.reset(None);
            assert_eq!(env.step(&push(0.0)).reward, 1.0);
        }
        // The cart leaving the track fails too.
        let mut env = PoleBalancing::new("SinglePole-v0");
        env.reset(None);
        let mut values = vec![None; env.perturbations().len()];
        values[0] = Some(2.39);
        values[1] = Some(1.0);
        values[2] = Some(0.0);
        env.apply_perturbation(&values);
        let s = env.step(&push(0.0));
        assert!(s.terminated && env.state()[2].abs() < 0.01);
    }

    #[test]
    fn observations_are_scaled_and_wobble_is_unscaled() {
        for id in IDS {
            let mut env = PoleBalancing::new(id);
            env.reset(None);
            let s = env.step(&push(0.3));
            let st = env.state().to_vec();
            let mut want = vec![st[0] / 4.8];
            let vel = !id.contains("NoVel");
            if vel {
                want.push(st[1] / 2.0);
            }
            for i in 0..env.poles() {
                want.push(st[2 + 2 * i] / 0.52);
                if vel {
                    want.push(st[3 + 2 * i] / 2.0);
                }
            }
            assert_eq!(s.obs, want, "{id}");
            let wobble = st[0].abs() + st[1].abs() + st[2].abs() + st[3].abs();
            assert_eq!(s.info.get("wobble"), Some(wobble));
            assert_eq!(s.info.len(), 1);
        }
    }

    /// Cart friction slows a coasting cart; without it (the C code) a cart with upright poles coasts.
    #[test]
    fn cart_friction_is_a_keyword() {
        let coast = |mu: f64| {
            let mut env = PoleBalancing::new("DoublePole-v0")
                .with_cart_friction(mu)
                .with_theta0_deg(0.0);
            env.reset(None);
            env.apply_perturbation(&[None, Some(1.0)]);
            env.physics.force_mag = 0.0;
            env.step(&push(0.0));
            env.state()[1]
        };
        assert_eq!(coast(0.0), 1.0);
        assert!(coast(CART_FRICTION) < 1.0);
    }

    #[test]
    fn snapshots_round_trip() {
        for id in IDS {
            let mut env = PoleBalancing::new(id);
            env.reset(Some(5));
            let params = env.perturbations();
            let values: Vec<Option<f64>> = params
                .iter()
                .map(|p| Some(p.low + 0.3 * (p.high - p.low)))
                .collect();
            env.apply_perturbation(&values);
            for t in 0..20 {
                env.step(&push((t as f64 * 0.7).sin()));
            }
            let snap = env.snapshot();
            assert_eq!(snap.physics.len(), params.len() - snap.state.len());
            let mut other = PoleBalancing::new(id);
            other.reset(Some(1));
            other.restore(&snap).unwrap();
            assert_eq!(other.snapshot(), snap);
            for t in 0..50 {
                let a = push((t as f64 * 0.3).cos());
                assert_eq!(env.step(&a), other.step(&a), "{id} {t}");
            }
            let wrong = if id == "SinglePole-v0" {
                "DoublePole-v0"
            } else {
                "SinglePole-v0"
            };
            assert!(PoleBalancing::new(wrong).restore(&snap).is_err());
        }
    }

    #[test]
    fn perturbations_set_the_state_and_replace_the_physics() {
        let mut env = PoleBalancing::new("DoublePoleNoVel-v0");
        env.reset(None);
        let names: Vec<&str> = env.perturbations().iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "x",
                "x_dot",
                "theta1",
                "theta1_dot",
                "theta2",
                "theta2_dot",
                "masscart",
                "masspole1",
                "length1",
                "masspole2",
                "length2",
                "force_mag"
            ]
        );
        let v: Vec<Option<f64>> = (0..12).map(|i| Some(0.01 * (i + 1) as f64)).collect();
        let obs = env.apply_perturbation(&v);
        assert_eq!(env.state(), [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
        assert_eq!(obs, [0.01 / 4.8, 0.03 / 0.52, 0.05 / 0.52]);
        assert_eq!(env.physics_values(), [0.07, 0.08, 0.09, 0.1, 0.11, 0.12]);
        env.reset(None);
        assert_eq!(env.physics, Physics::nominal());
        let single = PoleBalancing::new("SinglePoleNoVel-v0");
        let p: Vec<&str> = single.perturbations().iter().map(|p| p.name).collect();
        assert_eq!(
            p,
            [
                "x",
                "x_dot",
                "theta",
                "theta_dot",
                "masscart",
                "masspole",
                "length",
                "force_mag"
            ]
        );
    }

    #[test]
    fn generalisation_starts_are_gruaus_grid() {
        let s = generalisation_starts();
        assert_eq!(s.len(), 625);
        let d = PI / 180.0;
        let (th, thd) = (3.6 * PI / 180.0, 8.6 * PI / 180.0);
        assert_eq!(
            s[0],
            [
                -2.16 + 0.05 * 4.32,
                -1.35 + 0.05 * 2.7,
                -th + 0.05 * (th + th),
                -thd + 0.05 * (thd + thd)
            ]
        );
        // The middle of every range is 0 exactly.
        assert_eq!(s[312], [0.0; 4]);
        // θ̇1 innermost, then θ1, ẋ, and x outermost.
        assert_eq!(s[1][..3], s[0][..3]);
        assert!(s[1][3] > s[0][3]);
        assert_eq!(s[5][0..2], s[0][0..2]);
        assert!(s[5][2] > s[0][2]);
        assert!(s[25][1] > s[0][1] && s[25][0] == s[0][0]);
        assert!(s[125][0] > s[124][0]);
        assert!((s[624][0] - 0.95 * 4.32 + 2.16).abs() < 1e-15);
        assert!((s[624][2] - 3.6 * 0.9 * d).abs() < 1e-15);
        assert!((s[624][3] - 8.6 * 0.9 * d).abs() < 1e-15);
        assert!((s[624][1] - 1.35 * 0.9).abs() < 1e-15);
    }

    #[test]
    fn gruau_fitness_values() {
        assert_eq!(gruau_fitness(50, 1.0), 0.1 * 0.05);
        assert_eq!(gruau_fitness(99, 0.0), 0.1 * 0.099);
        assert_eq!(gruau_fitness(1000, 7.5), 0.1 * 1.0 + 0.9 * 0.1);
        assert_eq!(gruau_fitness(100, 0.75), 0.1 * 0.1 + 0.9);
        assert!((gruau_fitness(500, 3.0) - (0.05 + 0.225)).abs() < 1e-15);
    }

    #[test]
    #[should_panic]
    fn rejects_a_discrete_action() {
        let mut env = PoleBalancing::new("SinglePole-v0");
        env.reset(Some(0));
        env.step(&Action::Discrete(0));
    }
}
