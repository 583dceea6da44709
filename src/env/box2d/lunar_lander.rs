//! LunarLander-v3 and LunarLanderContinuous-v3 (Gymnasium 1.x), with the v2 ids PruVer's users type as
//! aliases. Wind is off, as in Gymnasium's default. `../shared/reference/environments.md` §6 is the
//! specification followed line by line.
use std::cell::RefCell;
use std::rc::Rc;

use box2d_rs::b2_body::B2bodyType;
use box2d_rs::b2_fixture::{B2filter, B2fixtureDef};
use box2d_rs::b2_math::B2vec2;
use box2d_rs::b2_shape::ShapeDefPtr;
use box2d_rs::joints::b2_revolute_joint::B2revoluteJointDef;
use box2d_rs::shapes::b2_edge_shape::B2edgeShape;
use box2d_rs::shapes::b2_polygon_shape::B2polygonShape;

use super::{vec2, Rebuild, Recipe, Tags, World};
use crate::env::rng::NpRng;
use crate::env::{Action, Env, Info, Param, Snapshot, Space, Step};
use crate::error::Result;

pub const FPS: f64 = 50.0;
pub const SCALE: f64 = 30.0;
const MAIN_ENGINE_POWER: f64 = 13.0;
const SIDE_ENGINE_POWER: f64 = 0.6;
const INITIAL_RANDOM: f64 = 1000.0;
pub const LANDER_POLY: [(f64, f64); 6] = [
    (-14.0, 17.0),
    (-17.0, 0.0),
    (-17.0, -10.0),
    (17.0, -10.0),
    (17.0, 0.0),
    (14.0, 17.0),
];
pub const LEG_AWAY: f64 = 20.0;
pub const LEG_DOWN: f64 = 18.0;
pub const LEG_W: f64 = 2.0;
pub const LEG_H: f64 = 8.0;
const LEG_SPRING_TORQUE: f64 = 40.0;
const SIDE_ENGINE_HEIGHT: f64 = 14.0;
const SIDE_ENGINE_AWAY: f64 = 12.0;
const MAIN_ENGINE_Y_LOCATION: f64 = 4.0;
pub const W: f64 = 600.0 / SCALE;
pub const H: f64 = 400.0 / SCALE;
pub const CHUNKS: usize = 11;
/// The pad's height in the observation's frame: `helipad_y = H/4`.
pub const HELIPAD_Y: f64 = H / 4.0;

/// Body tags the contact listener reports.
const MOON: u8 = 1;
const LANDER: u8 = 2;
const LEG: [u8; 2] = [3, 4];

/// The terrain `reset` draws: 11 chunk heights after smoothing (the pad at 3.3, see the spec).
pub fn terrain(rng: &mut NpRng) -> [f64; CHUNKS] {
    let mut height = [0.0; CHUNKS + 1];
    for h in height.iter_mut() {
        *h = rng.uniform(0.0, H / 2.0);
    }
    for h in &mut height[CHUNKS / 2 - 2..=CHUNKS / 2 + 2] {
        *h = HELIPAD_Y;
    }
    // `height[i - 1]` wraps to `height[-1]`, the 12th draw, at i = 0 (Python indexing).
    std::array::from_fn(|i| {
        let prev = if i == 0 {
            height[CHUNKS]
        } else {
            height[i - 1]
        };
        0.33 * (prev + height[i] + height[i + 1])
    })
}

/// `chunk_x[i]`, the terrain's x coordinates.
pub fn chunk_x(i: usize) -> f64 {
    W / (CHUNKS - 1) as f64 * i as f64
}

/// Body indices in the world.
const LANDER_BODY: usize = 1;
const LEG_BODY: [usize; 2] = [2, 3];

pub struct LunarLander {
    id: &'static str,
    continuous: bool,
    rng: NpRng,
    world: Option<World>,
    smooth_y: [f64; CHUNKS],
    game_over: bool,
    ground_contact: [bool; 2],
    prev_shaping: Option<f64>,
    recipe: Recipe,
    /// The legs' half-length (Gymnasium's `LEG_H`, 8 px at 30 px/m): the `leg_h` keyword, a morphology
    /// HyperNCA's metamorphosis can vary (shorter legs: a damaged lander).
    leg_h: f64,
}

impl LunarLander {
    /// `id` is one of the four registered ids; `continuous` selects the action space.
    pub fn new(id: &'static str, continuous: bool) -> Self {
        LunarLander {
            id,
            continuous,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: NpRng::from_seed(0),
            world: None,
            smooth_y: [0.0; CHUNKS],
            game_over: false,
            ground_contact: [false; 2],
            prev_shaping: None,
            recipe: Recipe::default(),
            leg_h: LEG_H,
        }
    }

    /// The lander with legs of half-length `leg_h` px (default [`LEG_H`]).
    pub fn with_leg_h(mut self, leg_h: f64) -> Self {
        self.leg_h = leg_h;
        self
    }

    /// The smoothed terrain heights of this episode.
    pub fn terrain_heights(&self) -> [f64; CHUNKS] {
        self.smooth_y
    }

    fn world(&self) -> &World {
        self.world
            .as_ref()
            .unwrap_or_else(|| panic!("{}: call reset before step", self.id))
    }

    fn lander(&self) -> std::cell::Ref<'_, box2d_rs::b2_body::B2body<Tags>> {
        self.world().body(LANDER_BODY).borrow()
    }

    /// The lander's position, angle, velocity and angular velocity as Box2D holds them.
    pub fn lander_state(&self) -> ([f32; 2], f32, [f32; 2], f32) {
        let l = self.lander();
        let (p, v) = (l.get_position(), l.get_linear_velocity());
        (
            [p.x, p.y],
            l.get_angle(),
            [v.x, v.y],
            l.get_angular_velocity(),
        )
    }

    /// Build the world of a new episode, drawing from `self.rng` as Gymnasium's `reset` does, and take
    /// the no-op step `reset` returns the observation of.
    fn build(&mut self) -> Vec<f64> {
        self.recipe = Recipe::start(&self.rng, self.perturbations().len());
        let mut world = World::new(-10.0);
        self.game_over = false;
        self.ground_contact = [false; 2];
        self.prev_shaping = None;
        self.smooth_y = terrain(&mut self.rng);

        // The moon: the edge (0,0)-(W,0) with the default fixture, then the ten terrain edges.
        let edge = |a: (f64, f64), b: (f64, f64), friction: f32| {
            let mut e = B2edgeShape::default();
            e.set_two_sided(vec2(a.0, a.1), vec2(b.0, b.1));
            let shape: ShapeDefPtr = Rc::new(RefCell::new(e));
            B2fixtureDef::<Tags> {
                shape: Some(shape),
                friction,
                density: 0.0,
                ..Default::default()
            }
        };
        let mut moon = vec![edge((0.0, 0.0), (W, 0.0), 0.2)];
        for i in 0..CHUNKS - 1 {
            moon.push(edge(
                (chunk_x(i), self.smooth_y[i]),
                (chunk_x(i + 1), self.smooth_y[i + 1]),
                0.1,
            ));
        }
        world.add_body(B2bodyType::B2StaticBody, (0.0, 0.0), 0.0, MOON, &moon);

        let (x0, y0) = (W / 2.0, H);
        let mut poly = B2polygonShape::default();
        let pts: Vec<B2vec2> = LANDER_POLY
            .iter()
            .map(|&(x, y)| vec2(x / SCALE, y / SCALE))
            .collect();
        poly.set(&pts);
        let lander = world.add_body(
            B2bodyType::B2DynamicBody,
            (x0 as f32, y0 as f32),
            0.0,
            LANDER,
            &[B2fixtureDef {
                shape: Some(Rc::new(RefCell::new(poly))),
                density: 5.0,
                friction: 0.1,
                restitution: 0.0,
                filter: B2filter {
                    category_bits: 0x0010,
                    mask_bits: 0x001,
                    group_index: 0,
                },
                ..Default::default()
            }],
        );
        let force = vec2(
            self.rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM),
            self.rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM),
        );
        world
            .body(lander)
            .borrow_mut()
            .apply_force_to_center(force, true);

        for (k, &i) in [-1.0f64, 1.0].iter().enumerate() {
            let mut boxed = B2polygonShape::default();
            boxed.set_as_box((LEG_W / SCALE) as f32, (self.leg_h / SCALE) as f32);
            let leg = world.add_body(
                B2bodyType::B2DynamicBody,
                ((x0 - i * LEG_AWAY / SCALE) as f32, y0 as f32),
                (i * 0.05) as f32,
                LEG[k],
                &[B2fixtureDef {
                    shape: Some(Rc::new(RefCell::new(boxed))),
                    density: 1.0,
                    restitution: 0.0,
                    filter: B2filter {
                        category_bits: 0x0020,
                        mask_bits: 0x001,
                        group_index: 0,
                    },
                    ..Default::default()
                }],
            );
            let (lower, upper) = if i < 0.0 {
                (0.9 - 0.5, 0.9)
            } else {
                (-0.9, -0.9 + 0.5)
            };
            let rjd = B2revoluteJointDef::<Tags> {
                local_anchor_a: B2vec2::zero(),
                local_anchor_b: vec2(i * LEG_AWAY / SCALE, LEG_DOWN / SCALE),
                enable_motor: true,
                enable_limit: true,
                max_motor_torque: LEG_SPRING_TORQUE as f32,
                motor_speed: (0.3 * i) as f32,
                lower_angle: lower as f32,
                upper_angle: upper as f32,
                // pybox2d's joint definitions set the reference angle to bodyB.angle − bodyA.angle
                // when given the bodies, so the limits hold relative to the leg's initial tilt.
                reference_angle: (i * 0.05) as f32,
                ..Default::default()
            };
            debug_assert_eq!(leg, LEG_BODY[k]);
            world.add_joint(rjd, lander, leg);
        }
        debug_assert_eq!(lander, LANDER_BODY);
        self.world = Some(world);
        let noop = if self.continuous {
            Action::Continuous(vec![0.0, 0.0])
        } else {
            Action::Discrete(0)
        };
        let obs = self.physics_step(&noop).obs;
        self.recipe.actions.clear();
        obs
    }

    /// Gymnasium's `step` without the argument checks.
    fn physics_step(&mut self, action: &Action) -> Step {
        let (throttle, side) = match action {
            Action::Continuous(a) => {
                let c = |v: f64| v.clamp(-1.0, 1.0);
                // `np.clip(action, -1, +1).astype(np.float64)` of a float32 action.
                let a0 = c(a[0] as f32 as f64);
                let a1 = c(a[1] as f32 as f64);
                self.recipe.actions.extend([a[0], a[1]]);
                (
                    (a0 > 0.0).then(|| (a0.clamp(0.0, 1.0) + 1.0) * 0.5),
                    (a1.abs() > 0.5).then(|| (a1.signum(), a1.abs().clamp(0.5, 1.0))),
                )
            }
            Action::Discrete(k) => {
                self.recipe.actions.push(*k as f64);
                (
                    (*k == 2).then_some(1.0),
                    (*k == 1 || *k == 3).then_some((*k as f64 - 2.0, 1.0)),
                )
            }
        };
        let world = self.world.take().expect("reset before step");
        let lander = world.body(LANDER_BODY);
        let angle = lander.borrow().get_angle() as f64;
        let tip = (angle.sin(), angle.cos());
        let side_dir = (-tip.1, tip.0);
        let d = [
            self.rng.uniform(-1.0, 1.0) / SCALE,
            self.rng.uniform(-1.0, 1.0) / SCALE,
        ];

        let mut m_power = 0.0;
        if let Some(p) = throttle {
            m_power = p;
            let ox = tip.0 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * d[0]) + side_dir.0 * d[1];
            let oy = -tip.1 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * d[0]) - side_dir.1 * d[1];
            let pos = lander.borrow().get_position();
            let at = vec2(pos.x as f64 + ox, pos.y as f64 + oy);
            let impulse = vec2(
                -ox * MAIN_ENGINE_POWER * m_power,
                -oy * MAIN_ENGINE_POWER * m_power,
            );
            lander.borrow_mut().apply_linear_impulse(impulse, at, true);
        }
        let mut s_power = 0.0;
        if let Some((direction, p)) = side {
            s_power = p;
            let ox =
                tip.0 * d[0] + side_dir.0 * (3.0 * d[1] + direction * SIDE_ENGINE_AWAY / SCALE);
            let oy =
                -tip.1 * d[0] - side_dir.1 * (3.0 * d[1] + direction * SIDE_ENGINE_AWAY / SCALE);
            let pos = lander.borrow().get_position();
            let at = vec2(
                pos.x as f64 + ox - tip.0 * 17.0 / SCALE,
                pos.y as f64 + oy + tip.1 * SIDE_ENGINE_HEIGHT / SCALE,
            );
            let impulse = vec2(
                -ox * SIDE_ENGINE_POWER * s_power,
                -oy * SIDE_ENGINE_POWER * s_power,
            );
            lander.borrow_mut().apply_linear_impulse(impulse, at, true);
        }

        for (begin, a, bb) in world.step() {
            if begin && (a == LANDER || bb == LANDER) {
                self.game_over = true;
            }
            for (k, tag) in LEG.iter().enumerate() {
                if a == *tag || bb == *tag {
                    self.ground_contact[k] = begin;
                }
            }
        }

        let awake = lander.borrow().is_awake();
        self.world = Some(world);
        let state = self.state();

        let shaping = -100.0 * (state[0] * state[0] + state[1] * state[1]).sqrt()
            - 100.0 * (state[2] * state[2] + state[3] * state[3]).sqrt()
            - 100.0 * state[4].abs()
            + 10.0 * state[6]
            + 10.0 * state[7];
        let mut reward = match self.prev_shaping {
            Some(prev) => shaping - prev,
            None => 0.0,
        };
        self.prev_shaping = Some(shaping);
        reward -= m_power * 0.30;
        reward -= s_power * 0.03;

        let mut terminated = false;
        if self.game_over || state[0].abs() >= 1.0 {
            terminated = true;
            reward = -100.0;
        }
        if !awake {
            terminated = true;
            reward = 100.0;
        }
        Step {
            obs: self.observe(),
            reward,
            terminated,
            truncated: false,
            info: Info::NONE,
        }
    }

    /// Move the lander and its legs together by `(dx, dy)`, and add `(dvx, dvy)` and `dangle`.
    fn shift(&self, dx: f64, dy: f64, dvx: f64, dvy: f64, dangle: f64, legs_too: bool) {
        let world = self.world();
        let lander_pos = world.body(LANDER_BODY).borrow().get_position();
        let mut bodies = vec![LANDER_BODY];
        if legs_too {
            bodies.extend(LEG_BODY);
        }
        for i in bodies {
            let body = world.body(i);
            let mut body = body.borrow_mut();
            let (p, a) = (body.get_position(), body.get_angle());
            // Rotate about the lander's origin so the legs keep their joints.
            // In f64 from Box2D's f32 values, as Python computes with `body.position`.
            let rx = p.x as f64 - lander_pos.x as f64;
            let ry = p.y as f64 - lander_pos.y as f64;
            let (s, c) = dangle.sin_cos();
            let np = (
                lander_pos.x as f64 + dx + c * rx - s * ry,
                lander_pos.y as f64 + dy + s * rx + c * ry,
            );
            body.set_transform(vec2(np.0, np.1), (a as f64 + dangle) as f32);
            let v = body.get_linear_velocity();
            body.set_linear_velocity(vec2(v.x as f64 + dvx, v.y as f64 + dvy));
        }
    }

    /// Gymnasium's `state` list: Python floats (f64) from Box2D's float32 values.
    fn state(&self) -> [f64; 8] {
        let l = self.lander();
        let (pos, vel) = (l.get_position(), l.get_linear_velocity());
        [
            (pos.x as f64 - W / 2.0) / (W / 2.0),
            (pos.y as f64 - (HELIPAD_Y + LEG_DOWN / SCALE)) / (H / 2.0),
            vel.x as f64 * (W / 2.0) / FPS,
            vel.y as f64 * (H / 2.0) / FPS,
            l.get_angle() as f64,
            20.0 * l.get_angular_velocity() as f64 / FPS,
            if self.ground_contact[0] { 1.0 } else { 0.0 },
            if self.ground_contact[1] { 1.0 } else { 0.0 },
        ]
    }

    /// The observation: `np.array(state, dtype=np.float32)`.
    fn observe(&self) -> Vec<f64> {
        self.state().iter().map(|&v| v as f32 as f64).collect()
    }
}

impl Env for LunarLander {
    fn id(&self) -> &str {
        self.id
    }

    fn observation_space(&self) -> Space {
        let pi2 = (2.0 * std::f64::consts::PI) as f32 as f64;
        Space::Box {
            low: vec![-2.5, -2.5, -10.0, -10.0, -pi2, -10.0, 0.0, 0.0],
            high: vec![2.5, 2.5, 10.0, 10.0, pi2, 10.0, 1.0, 1.0],
        }
    }

    fn action_space(&self) -> Space {
        if self.continuous {
            Space::symmetric(vec![1.0; 2])
        } else {
            Space::Discrete { n: 4 }
        }
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &[
            "x",
            "y",
            "vx",
            "vy",
            "angle",
            "angular_velocity",
            "left_leg_contact",
            "right_leg_contact",
        ]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        self.build()
    }

    fn step(&mut self, action: &Action) -> Step {
        match (action, self.continuous) {
            (Action::Continuous(a), true) if a.len() == 2 => {}
            (Action::Discrete(k), false) if *k < 4 => {}
            (other, _) => panic!(
                "{}: invalid action {other:?} ({})",
                self.id,
                if self.continuous {
                    "Box(-1, 1, (2,))"
                } else {
                    "Discrete(4)"
                }
            ),
        }
        self.physics_step(action)
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(1000)
    }

    /// The default box is 3/4 of the one PruVer's predecessor searched (±2 m, −3 m, ±2 m/s, [−2, 1] m/s,
    /// ±0.3 rad): `--calibrate-box` against `not_fall` (BO, 205 evaluations, seeds 0–3) finds both
    /// dense actors (ours and the NeurIPS 2021 release's) safe up to a scale of 0.98 or more, and the
    /// margin keeps a fresh seed's campaign from finding the dense actors' own failures.
    fn perturbations(&self) -> Vec<Param> {
        vec![
            Param::offset(
                "x",
                -1.5,
                1.5,
                "lander position (m, Box2D units), added with its legs; the pad is 4 m wide",
            ),
            Param::offset(
                "y",
                -2.25,
                0.0,
                "lander height (m), added with its legs; reset starts it at the top of the screen",
            ),
            Param::offset("vx", -1.5, 1.5, "lander horizontal velocity (m/s), added"),
            Param::offset("vy", -1.5, 0.75, "lander vertical velocity (m/s), added"),
            Param::offset(
                "angle",
                -0.225,
                0.225,
                "lander angle (rad), added; the legs turn with it",
            ),
            Param::offset(
                "pruver_dx",
                0.0,
                10.0,
                "PruVer's x offset (m): the lander body alone, legs left behind, plus its fixed +3 m/s to vx",
            )
            .opt_in(),
            Param::offset(
                "pruver_dy",
                0.0,
                20.0,
                "PruVer's y offset (m): the lander body alone, legs left behind, plus its fixed +3 m/s to vx",
            )
            .opt_in(),
        ]
    }

    /// Ours move the lander and its legs rigidly; PruVer's (`LunarLanderTesting.py`) add to
    /// `lander.position` alone and add 3 to `lander.linearVelocity[0]`.
    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        let get = |i: usize| values.get(i).copied().flatten();
        let v = |i: usize| get(i).unwrap_or(0.0);
        if (0..5).any(|i| get(i).is_some()) {
            self.shift(v(0), v(1), v(2), v(3), v(4), true);
        }
        if get(5).is_some() || get(6).is_some() {
            self.shift(v(5), v(6), 3.0, 0.0, 0.0, false);
        }
        self.recipe.perturbed(values);
        self.observe()
    }

    fn snapshot(&self) -> Snapshot {
        self.recipe
            .snapshot(self.id, self.world.is_some(), &self.rng)
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        super::restore(self, s)
    }
}

impl Rebuild for LunarLander {
    type Rng = NpRng;

    fn per_step(&self) -> usize {
        if self.continuous {
            2
        } else {
            1
        }
    }

    fn resume(&mut self, rng: NpRng, episode: bool) {
        self.rng = rng;
        if !episode {
            self.world = None;
        }
    }

    fn build_world(&mut self) -> Vec<f64> {
        self.build()
    }

    /// The recipe holds a discrete action as its index.
    fn replay_step(&mut self, action: &[f64]) {
        let action = if self.continuous {
            Action::Continuous(action.to_vec())
        } else {
            Action::Discrete(action[0] as usize)
        };
        self.physics_step(&action);
    }
}

/// Gymnasium's `heuristic(env, s)` for LunarLander, on a float32 observation as NumPy 2 computes it
/// (float32 arithmetic throughout): a discrete action, or the two continuous components.
pub fn heuristic(s: &[f64], continuous: bool) -> Action {
    let s: Vec<f32> = s.iter().map(|&v| v as f32).collect();
    let mut angle_targ = s[0] * 0.5 + s[2] * 1.0;
    angle_targ = angle_targ.clamp(-0.4, 0.4);
    let hover_targ = 0.55 * s[0].abs();
    let mut angle_todo = (angle_targ - s[4]) * 0.5 - s[5] * 1.0;
    let mut hover_todo = (hover_targ - s[1]) * 0.5 - s[3] * 0.5;
    if s[6] != 0.0 || s[7] != 0.0 {
        angle_todo = 0.0;
        hover_todo = -s[3] * 0.5;
    }
    if continuous {
        let a = [hover_todo * 20.0 - 1.0, -angle_todo * 20.0];
        Action::Continuous(a.iter().map(|&v| v.clamp(-1.0, 1.0) as f64).collect())
    } else {
        Action::Discrete(if hover_todo > angle_todo.abs() && hover_todo > 0.05 {
            2
        } else if angle_todo < -0.05 {
            3
        } else if angle_todo > 0.05 {
            1
        } else {
            0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gymnasium 1.4.0 (pybox2d 2.3.10), `reset(seed=0)` and five actions (reference-tables.md).
    const GYM_OBS: [[f64; 8]; 6] = [
        [
            0.005706119351089001,
            1.3990336656570435,
            0.5779653191566467,
            -0.5282996892929077,
            -0.006605303846299648,
            -0.13091765344142914,
            0.0,
            0.0,
        ],
        [
            0.011412525549530983,
            1.3865712881088257,
            0.5771848559379578,
            -0.5539261698722839,
            -0.013074668124318123,
            -0.1293994039297104,
            0.0,
            0.0,
        ],
        [
            0.017098236829042435,
            1.3743476867675781,
            0.5752462148666382,
            -0.5433421730995178,
            -0.019675401970744133,
            -0.13202700018882751,
            0.0,
            0.0,
        ],
        [
            0.022737503051757812,
            1.3619327545166016,
            0.5724049210548401,
            -0.5519198775291443,
            -0.028054995462298393,
            -0.16760757565498352,
            0.0,
            0.0,
        ],
        [
            0.028311634436249733,
            1.3489246368408203,
            0.5642127990722656,
            -0.5782738327980042,
            -0.03478192910552025,
            -0.13455145061016083,
            0.0,
            0.0,
        ],
        [
            0.03382263332605362,
            1.3363465070724487,
            0.5568076372146606,
            -0.5591796040534973,
            -0.04042920842766762,
            -0.11295586824417114,
            0.0,
            0.0,
        ],
    ];
    const GYM_ACTIONS: [[f64; 2]; 5] = [
        [0.0, 0.0],
        [1.0, 0.0],
        [0.5, 0.8],
        [-1.0, -0.9],
        [0.75, -0.6],
    ];
    const GYM_REWARDS: [f64; 5] = [
        -1.0992279298227459,
        1.1265712961614553,
        -0.24045861874583577,
        -0.6867753041744789,
        2.2792346358760027,
    ];

    #[test]
    fn first_steps_agree_with_gymnasium() {
        let mut env = LunarLander::new("LunarLanderContinuous-v3", true);
        let mut worst = 0.0f64;
        let obs = env.reset(Some(0));
        let check = |worst: &mut f64, got: &[f64], want: &[f64; 8]| {
            for (g, w) in got.iter().zip(want) {
                *worst = worst.max((g - w).abs());
            }
        };
        check(&mut worst, &obs, &GYM_OBS[0]);
        // The terrain and the initial push come from the RNG: x and vx are exact.
        assert_eq!((obs[0], obs[2]), (GYM_OBS[0][0], GYM_OBS[0][2]));
        for (t, a) in GYM_ACTIONS.iter().enumerate() {
            let s = env.step(&Action::Continuous(a.to_vec()));
            check(&mut worst, &s.obs, &GYM_OBS[t + 1]);
            worst = worst.max((s.reward - GYM_REWARDS[t]).abs());
            assert!(!s.terminated);
        }
        // The patched box2d-rs against Box2D 2.3.10: bit for bit on x86-64 (see `tests/env_box2d.rs`).
        let limit = if cfg!(target_arch = "x86_64") {
            0.0
        } else {
            1e-6
        };
        assert!(worst <= limit, "{worst}");
    }

    #[test]
    fn terrain_pad_and_heuristic_landing() {
        let mut rng = NpRng::from_seed(0);
        let t = terrain(&mut rng);
        // The pad: chunks 4..=6 smoothed from three helipad heights, 0.33 * 3 * H/4.
        for y in &t[4..=6] {
            assert!((y - 0.33 * 3.0 * HELIPAD_Y).abs() < 1e-12);
        }
        // Gymnasium's heuristic lands seed 0 on the pad and comes to rest (+100).
        for continuous in [true, false] {
            let mut env = LunarLander::new("LunarLander-v3", continuous);
            let mut obs = env.reset(Some(0));
            let (mut ret, mut last) = (0.0, None);
            for _ in 0..1000 {
                let s = env.step(&heuristic(&obs, continuous));
                ret += s.reward;
                obs = s.obs.clone();
                if s.terminated {
                    last = Some(s);
                    break;
                }
            }
            let last = last.expect("the episode ends before the time limit");
            assert_eq!(last.reward, 100.0);
            assert!(obs[0].abs() <= 0.2 && ret > 200.0, "{obs:?} {ret}");
        }
    }

    #[test]
    fn discrete_actions_fire_the_engines() {
        // 0 nothing, 2 the main engine; 1 turns the lander anticlockwise and 3 clockwise (the
        // heuristic fires 1 when the angle must grow).
        let spin = |a: usize| {
            let mut env = LunarLander::new("LunarLander-v3", false);
            env.reset(Some(3));
            for _ in 0..10 {
                env.step(&Action::Discrete(a));
            }
            env.lander_state()
        };
        let (none, left, main, right) = (spin(0), spin(1), spin(2), spin(3));
        assert!(main.2[1] > none.2[1] + 1.0, "main engine slows the fall");
        assert!(
            left.3 > none.3 && right.3 < none.3,
            "side engines turn opposite ways: {none:?} {left:?} {right:?}"
        );
    }

    /// The rigid offset as benches/falsify_gpyopt.py applies it through pybox2d (`body.transform`,
    /// `body.linearVelocity`) after Gymnasium's `reset(seed=7)`: its observation, to float32 rounding.
    #[test]
    fn perturbation_matches_pybox2d() {
        let want = [
            0.0460866,
            1.2589912,
            -0.33640522,
            -0.112404265,
            0.10454148,
            0.08979161,
            0.0,
            0.0,
        ];
        let mut env = LunarLander::new("LunarLanderContinuous-v3", true);
        env.reset(Some(7));
        let vals = [0.5, -1.0, 0.3, -0.2, 0.1].map(Some);
        let obs = env.apply_perturbation(&vals);
        for (a, b) in obs.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{obs:?}");
        }
        // The legs moved with the lander: still at their joints.
        let w = env.world();
        let l = w.body(LANDER_BODY).borrow();
        for leg in LEG_BODY {
            let anchor = w.body(leg).borrow().get_position();
            let d = (anchor.x - l.get_position().x).hypot(anchor.y - l.get_position().y);
            assert!(d < 1.0, "{d}");
        }
    }
}
