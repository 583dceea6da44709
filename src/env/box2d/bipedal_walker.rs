//! BipedalWalker-v3 and BipedalWalkerHardcore-v3 (Gymnasium 1.x). `../shared/reference/environments.md`
//! §7 is the specification followed line by line, Gymnasium's `bipedal_walker.py` the ground truth.
//!
//! The terrain is pure Python arithmetic and is reproduced bit for bit, with every RNG draw in
//! Gymnasium's order (the render-only clouds included, since they consume the RNG). The walker runs on
//! the vendored box2d-rs with Box2D 2.3's code put back where it differs (`vendor/box2d-rs/PATCHES.md`),
//! so episodes are Gymnasium's to the last bit: observations, rewards, and whole heuristic episodes
//! (the tests below; the fidelity table of docs/fidelity.md for 100 seeds).
//!
//! What pybox2d does that Box2D alone does not, reproduced here: `revoluteJointDef(bodyA=, bodyB=)`
//! sets `referenceAngle = bodyB.angle - bodyA.angle` (the hips start at -0.05 and +0.05), and setting
//! `motorSpeed` or `maxMotorTorque` wakes the joint's bodies every time (see
//! [`World::set_revolute_motor`]).
//!
//! A deliberate difference: Gymnasium creates one Box2D world per environment and reuses it, destroying
//! and recreating the bodies on every reset; here every reset builds a fresh world. A reused world is
//! not a clean slate: its recycled broad-phase proxy ids change the order of contacts, and with the
//! feet resting across a vertex of two terrain edges that order changes the solution. Measured in Gymnasium 1.4: `reset(seed=0)` after a full seed-3 heuristic
//! episode and a `reset(seed=5)` returns the same reset observation as a fresh environment, but the
//! first step differs by up to 0.035 (knee speed), and the heuristic's return falls from 314.6 to
//! -25.3; most histories (finished episodes, any number of steps of another seed) leave it unchanged.
//! A fresh world reproduces what a freshly made Gymnasium environment does after `reset(seed)`, whatever
//! came before, which is also what makes episodes replayable (see the module docs of `box2d`).
use std::cell::RefCell;
use std::f64::consts::PI;
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
use crate::env::{Action, Env, Info, Param, Promotion, Snapshot, Space, Step};
use crate::error::Result;

pub const FPS: f64 = 50.0;
pub const SCALE: f64 = 30.0;
const MOTORS_TORQUE: f64 = 80.0;
const SPEED_HIP: f64 = 4.0;
const SPEED_KNEE: f64 = 6.0;
const LIDAR_RANGE: f64 = 160.0 / SCALE;
const INITIAL_RANDOM: f64 = 5.0;
pub const HULL_POLY: [(f64, f64); 5] = [
    (-30.0, 9.0),
    (6.0, 9.0),
    (34.0, 1.0),
    (34.0, -8.0),
    (-30.0, -8.0),
];
pub const LEG_DOWN: f64 = -8.0 / SCALE;
pub const LEG_W: f64 = 8.0 / SCALE;
pub const LEG_H: f64 = 34.0 / SCALE;
pub const VIEWPORT_W: f64 = 600.0;
pub const VIEWPORT_H: f64 = 400.0;
pub const TERRAIN_STEP: f64 = 14.0 / SCALE;
pub const TERRAIN_LENGTH: usize = 200;
pub const TERRAIN_HEIGHT: f64 = VIEWPORT_H / SCALE / 4.0;
const TERRAIN_GRASS: i64 = 10;
pub const TERRAIN_STARTPAD: i64 = 20;
const FRICTION: f32 = 2.5;

/// Body tags the contact listener reports: the terrain (edges and obstacles), the hull, and
/// `legs = [upper(-1), lower(-1), upper(+1), lower(+1)]`.
const TERRAIN: u8 = 1;
const HULL: u8 = 2;
const LEG: [u8; 4] = [3, 4, 5, 6];

/// The terrain `reset` generates: the 200 surface points and the hardcore obstacles (stumps, stair
/// steps, pit walls) as the four corners Gymnasium hands to `polygonShape`, in creation order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Terrain {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub obstacles: Vec<[(f64, f64); 4]>,
}

/// `np.sign` of a float64.
fn np_sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        v // 0.0 (or NaN)
    }
}

/// Gymnasium's `_generate_terrain(hardcore)`, drawing from `rng` in its order.
pub fn generate_terrain(rng: &mut NpRng, hardcore: bool) -> Terrain {
    const GRASS: i64 = 0;
    const STUMP: i64 = 1;
    const STAIRS: i64 = 2;
    const PIT: i64 = 3;
    const STATES: i64 = 4;
    const S: f64 = TERRAIN_STEP;
    let mut state = GRASS;
    let mut velocity = 0.0f64;
    let mut y = TERRAIN_HEIGHT;
    let mut counter = TERRAIN_STARTPAD;
    let mut oneshot = false;
    let mut t = Terrain::default();
    let (mut stair_steps, mut stair_width, mut stair_height) = (0i64, 0i64, 0i64);
    let mut original_y = 0.0f64;
    for i in 0..TERRAIN_LENGTH as i64 {
        let x = i as f64 * S;
        t.x.push(x);
        if state == GRASS && !oneshot {
            velocity = 0.8 * velocity + 0.01 * np_sign(TERRAIN_HEIGHT - y);
            if i > TERRAIN_STARTPAD {
                velocity += rng.uniform(-1.0, 1.0) / SCALE;
            }
            y += velocity;
        } else if state == PIT && oneshot {
            counter = rng.integers(3, 5);
            let poly = [(x, y), (x + S, y), (x + S, y - 4.0 * S), (x, y - 4.0 * S)];
            t.obstacles.push(poly);
            t.obstacles
                .push(poly.map(|p| (p.0 + S * counter as f64, p.1)));
            counter += 2;
            original_y = y;
        } else if state == PIT && !oneshot {
            y = original_y;
            if counter > 1 {
                y -= 4.0 * S;
            }
        } else if state == STUMP && oneshot {
            counter = rng.integers(1, 3);
            let c = counter as f64 * S;
            t.obstacles
                .push([(x, y), (x + c, y), (x + c, y + c), (x, y + c)]);
        } else if state == STAIRS && oneshot {
            stair_height = if rng.random() > 0.5 { 1 } else { -1 };
            stair_width = rng.integers(4, 5);
            stair_steps = rng.integers(3, 5);
            original_y = y;
            for s in 0..stair_steps {
                let x0 = x + (s * stair_width) as f64 * S;
                let x1 = x + ((1 + s) * stair_width) as f64 * S;
                let y0 = y + (s * stair_height) as f64 * S;
                let y1 = y + (-1 + s * stair_height) as f64 * S;
                t.obstacles.push([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]);
            }
            counter = stair_steps * stair_width;
        } else if state == STAIRS && !oneshot {
            let s = stair_steps * stair_width - counter - stair_height;
            let n = s as f64 / stair_width as f64;
            y = original_y + (n * stair_height as f64) * S;
        }
        oneshot = false;
        t.y.push(y);
        counter -= 1;
        if counter == 0 {
            counter = rng.integers(TERRAIN_GRASS / 2, TERRAIN_GRASS);
            if state == GRASS && hardcore {
                state = rng.integers(1, STATES);
            } else {
                state = GRASS;
            }
            oneshot = true;
        }
    }
    t
}

/// Gymnasium's `_generate_clouds()`: render-only, but its 110 draws move the RNG.
fn skip_clouds(rng: &mut NpRng) {
    for _ in 0..TERRAIN_LENGTH / 20 {
        rng.uniform(0.0, TERRAIN_LENGTH as f64);
        for _ in 0..5 {
            rng.uniform(0.0, 5.0 * TERRAIN_STEP);
            rng.uniform(0.0, 5.0 * TERRAIN_STEP);
        }
    }
}

/// The `referenceAngle` pybox2d's `revoluteJointDef(bodyA=a, bodyB=b, ...)` sets when none is given:
/// `bodyB.angle - bodyA.angle` in Python floats. (Box2D's own default is 0; the hips start at -0.05 and
/// +0.05, so their joint angles and limits count from there.)
fn reference_angle(world: &World, a: usize, b: usize) -> f32 {
    (world.body(b).borrow().get_angle() as f64 - world.body(a).borrow().get_angle() as f64) as f32
}

/// Body indices of the walker in the world: the hull, then `legs` in Gymnasium's order.
#[derive(Clone, Copy, Debug, Default)]
struct Walker {
    hull: usize,
    legs: [usize; 4],
}

/// The walker's bodies at one instant: `(centre, angle)` in metres and radians.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WalkerPose {
    pub hull: ((f64, f64), f64),
    /// Upper and lower segment of the first leg, then of the second.
    pub legs: [((f64, f64), f64); 4],
}

pub struct BipedalWalker {
    id: &'static str,
    hardcore: bool,
    promotion: Promotion,
    rng: NpRng,
    world: Option<World>,
    walker: Walker,
    terrain: Terrain,
    game_over: bool,
    /// `legs[1].ground_contact`, `legs[3].ground_contact`.
    ground_contact: [bool; 2],
    prev_shaping: Option<f64>,
    recipe: Recipe,
}

impl BipedalWalker {
    /// `id` is the registered id; `hardcore` selects the terrain with obstacles. Rewards follow
    /// NumPy 2, as current Gymnasium installs.
    pub fn new(id: &'static str, hardcore: bool) -> Self {
        Self::with_promotion(id, hardcore, Promotion::default())
    }

    /// As [`BipedalWalker::new`], under the given NumPy promotion rules. They only change the reward:
    /// NumPy 2 turns it into float32 at the first energy term (`reward -= 0.028 * np.float32`), NumPy 1
    /// keeps float64.
    pub fn with_promotion(id: &'static str, hardcore: bool, promotion: Promotion) -> Self {
        BipedalWalker {
            id,
            hardcore,
            promotion,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: NpRng::from_seed(0),
            world: None,
            walker: Walker::default(),
            terrain: Terrain::default(),
            game_over: false,
            ground_contact: [false; 2],
            prev_shaping: None,
            recipe: Recipe::default(),
        }
    }

    pub fn promotion(&self) -> Promotion {
        self.promotion
    }

    pub fn hardcore(&self) -> bool {
        self.hardcore
    }

    /// The terrain of this episode.
    pub fn terrain(&self) -> &Terrain {
        &self.terrain
    }

    fn world(&self) -> &World {
        self.world
            .as_ref()
            .unwrap_or_else(|| panic!("{}: call reset before step", self.id))
    }

    /// The hull's position, angle, velocity and angular velocity as Box2D holds them.
    pub fn hull_state(&self) -> ([f32; 2], f32, [f32; 2], f32) {
        let h = self.world().body(self.walker.hull).borrow();
        let (p, v) = (h.get_position(), h.get_linear_velocity());
        (
            [p.x, p.y],
            h.get_angle(),
            [v.x, v.y],
            h.get_angular_velocity(),
        )
    }

    /// Where the walker's bodies are, for drawing it: the hull's and the four leg segments' centres
    /// and angles (legs in Gymnasium's order: upper and lower of the first leg, then of the second).
    pub fn pose(&self) -> WalkerPose {
        let world = self.world();
        let at = |i: usize| {
            let b = world.body(i).borrow();
            let p = b.get_position();
            ((p.x as f64, p.y as f64), b.get_angle() as f64)
        };
        WalkerPose {
            hull: at(self.walker.hull),
            legs: self.walker.legs.map(at),
        }
    }

    /// Build the world of a new episode, drawing from `self.rng` as Gymnasium's `reset` does, and take
    /// the `step([0, 0, 0, 0])` that `reset` returns the observation of.
    fn build(&mut self) -> Vec<f64> {
        self.recipe = Recipe::start(&self.rng, self.perturbations().len());
        // A fresh world per reset, where Gymnasium reuses one: see the module docs.
        let mut world = World::new(-10.0);
        self.game_over = false;
        self.ground_contact = [false; 2];
        self.prev_shaping = None;
        self.terrain = generate_terrain(&mut self.rng, self.hardcore);
        skip_clouds(&mut self.rng);

        // The static bodies: Gymnasium's obstacles as its terrain loop makes them, then its 199
        // surface edges. The order matters: a foot resting across the vertex of two edges (both feet
        // do at reset) is a redundant system whose sequential-impulse solution depends on the order of
        // its contacts (the knee speed after one step is 0.035 off in the wrong order). Box2D 2.3 sorts
        // new pairs by proxy id, which the vendored engine does too (vendor/box2d-rs/PATCHES.md), so
        // creating the bodies in Gymnasium's order gives its contact order.
        let obstacles = self.terrain.obstacles.iter().map(|poly| {
            let mut shape = B2polygonShape::default();
            let pts: Vec<B2vec2> = poly.iter().map(|&(x, y)| vec2(x, y)).collect();
            shape.set(&pts);
            let shape: ShapeDefPtr = Rc::new(RefCell::new(shape));
            B2fixtureDef::<Tags> {
                shape: Some(shape),
                friction: FRICTION,
                ..Default::default()
            }
        });
        let edges = (0..TERRAIN_LENGTH - 1).map(|i| {
            let mut e = B2edgeShape::default();
            e.set_two_sided(
                vec2(self.terrain.x[i], self.terrain.y[i]),
                vec2(self.terrain.x[i + 1], self.terrain.y[i + 1]),
            );
            let shape: ShapeDefPtr = Rc::new(RefCell::new(e));
            B2fixtureDef::<Tags> {
                shape: Some(shape),
                friction: FRICTION,
                filter: B2filter {
                    category_bits: 0x0001,
                    ..Default::default()
                },
                ..Default::default()
            }
        });
        let statics: Vec<B2fixtureDef<Tags>> = obstacles.chain(edges).collect();
        for fixture in &statics {
            world.add_body(
                B2bodyType::B2StaticBody,
                (0.0, 0.0),
                0.0,
                TERRAIN,
                std::slice::from_ref(fixture),
            );
        }

        let init_x = TERRAIN_STEP * TERRAIN_STARTPAD as f64 / 2.0;
        let init_y = TERRAIN_HEIGHT + 2.0 * LEG_H;
        let walker_filter = B2filter {
            category_bits: 0x0020,
            mask_bits: 0x001,
            group_index: 0,
        };
        let mut hull_shape = B2polygonShape::default();
        let pts: Vec<B2vec2> = HULL_POLY
            .iter()
            .map(|&(x, y)| vec2(x / SCALE, y / SCALE))
            .collect();
        hull_shape.set(&pts);
        let hull = world.add_body(
            B2bodyType::B2DynamicBody,
            (init_x as f32, init_y as f32),
            0.0,
            HULL,
            &[B2fixtureDef {
                shape: Some(Rc::new(RefCell::new(hull_shape))),
                density: 5.0,
                friction: 0.1,
                restitution: 0.0,
                filter: walker_filter,
                ..Default::default()
            }],
        );
        let force = vec2(self.rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), 0.0);
        world
            .body(hull)
            .borrow_mut()
            .apply_force_to_center(force, true);

        let leg_fixture = |hx: f64| {
            let mut shape = B2polygonShape::default();
            shape.set_as_box(hx as f32, (LEG_H / 2.0) as f32);
            B2fixtureDef::<Tags> {
                shape: Some(Rc::new(RefCell::new(shape))),
                density: 1.0,
                restitution: 0.0,
                filter: walker_filter,
                ..Default::default()
            }
        };
        let mut legs = [0; 4];
        for (k, &i) in [-1.0f64, 1.0].iter().enumerate() {
            let leg = world.add_body(
                B2bodyType::B2DynamicBody,
                (init_x as f32, (init_y - LEG_H / 2.0 - LEG_DOWN) as f32),
                (i * 0.05) as f32,
                LEG[2 * k],
                &[leg_fixture(LEG_W / 2.0)],
            );
            let hip = B2revoluteJointDef::<Tags> {
                reference_angle: reference_angle(&world, hull, leg),
                local_anchor_a: vec2(0.0, LEG_DOWN),
                local_anchor_b: vec2(0.0, LEG_H / 2.0),
                enable_motor: true,
                enable_limit: true,
                max_motor_torque: MOTORS_TORQUE as f32,
                motor_speed: i as f32,
                lower_angle: -0.8,
                upper_angle: 1.1,
                ..Default::default()
            };
            let j = world.add_joint(hip, hull, leg);
            debug_assert_eq!(j, 2 * k);
            let lower = world.add_body(
                B2bodyType::B2DynamicBody,
                (
                    init_x as f32,
                    (init_y - LEG_H * 3.0 / 2.0 - LEG_DOWN) as f32,
                ),
                (i * 0.05) as f32,
                LEG[2 * k + 1],
                &[leg_fixture(0.8 * LEG_W / 2.0)],
            );
            let knee = B2revoluteJointDef::<Tags> {
                reference_angle: reference_angle(&world, leg, lower),
                local_anchor_a: vec2(0.0, -LEG_H / 2.0),
                local_anchor_b: vec2(0.0, LEG_H / 2.0),
                enable_motor: true,
                enable_limit: true,
                max_motor_torque: MOTORS_TORQUE as f32,
                motor_speed: 1.0,
                lower_angle: -1.6,
                upper_angle: -0.1,
                ..Default::default()
            };
            let j = world.add_joint(knee, leg, lower);
            debug_assert_eq!(j, 2 * k + 1);
            legs[2 * k] = leg;
            legs[2 * k + 1] = lower;
        }
        self.walker = Walker { hull, legs };
        self.world = Some(world);
        let obs = self.physics_step(&[0.0; 4]).obs;
        self.recipe.actions.clear();
        obs
    }

    /// The ten lidar fractions from the hull's origin: for each ray, the last fraction a terrain
    /// fixture reported (each report clips the ray, so the closest), 1 if none.
    fn lidar(&self) -> [f32; 10] {
        let world = self.world();
        let pos = world.body(self.walker.hull).borrow().get_position();
        std::array::from_fn(|i| {
            let a = 1.5 * i as f64 / 10.0;
            let p2 = vec2(
                pos.x as f64 + a.sin() * LIDAR_RANGE,
                pos.y as f64 - a.cos() * LIDAR_RANGE,
            );
            let mut fraction = 1.0f32;
            world.ray_cast(pos, p2, |fixture, _point, _normal, f| {
                if fixture.get_filter_data().category_bits & 1 == 0 {
                    return -1.0;
                }
                fraction = f;
                f
            });
            fraction
        })
    }

    /// Gymnasium's `state` list (Python floats) for the world as it is.
    fn state(&self) -> [f64; 24] {
        let lidar = self.lidar();
        let world = self.world();
        let h = world.body(self.walker.hull).borrow();
        let (vel, angle, omega) = (
            h.get_linear_velocity(),
            h.get_angle(),
            h.get_angular_velocity(),
        );
        drop(h);
        let joint = |j: usize| {
            let r = world.revolute(j);
            (r.get_joint_angle() as f64, r.get_joint_speed() as f64)
        };
        let (j0, j1, j2, j3) = (joint(0), joint(1), joint(2), joint(3));
        let contact = |c: bool| if c { 1.0 } else { 0.0 };
        let mut s = [0.0; 24];
        s[..14].copy_from_slice(&[
            angle as f64,
            2.0 * omega as f64 / FPS,
            0.3 * vel.x as f64 * (VIEWPORT_W / SCALE) / FPS,
            0.3 * vel.y as f64 * (VIEWPORT_H / SCALE) / FPS,
            j0.0,
            j0.1 / SPEED_HIP,
            j1.0 + 1.0,
            j1.1 / SPEED_KNEE,
            contact(self.ground_contact[0]),
            j2.0,
            j2.1 / SPEED_HIP,
            j3.0 + 1.0,
            j3.1 / SPEED_KNEE,
            contact(self.ground_contact[1]),
        ]);
        for (d, &l) in s[14..].iter_mut().zip(&lidar) {
            *d = l as f64;
        }
        s
    }

    /// The observation `np.array(state, dtype=np.float32)`.
    fn observe(&self) -> Vec<f64> {
        self.state().iter().map(|&v| v as f32 as f64).collect()
    }

    /// Gymnasium's `step` on a float32 action (each component rounded to f32 here).
    fn physics_step(&mut self, action: &[f64]) -> Step {
        let id = self.id;
        let world = self
            .world
            .take()
            .unwrap_or_else(|| panic!("{id}: call reset before step"));
        self.recipe.actions.extend_from_slice(action);
        let a: [f32; 4] = std::array::from_fn(|j| action[j] as f32);
        // `np.clip(np.abs(a), 0, 1)` (NaN stays NaN).
        let clipped = a.map(|v| v.abs().clamp(0.0, 1.0));
        for j in 0..4 {
            let speed = if j % 2 == 0 { SPEED_HIP } else { SPEED_KNEE };
            let sign = if a[j] > 0.0 {
                1.0
            } else if a[j] < 0.0 {
                -1.0
            } else {
                a[j] // np.sign: 0 (or NaN) stays
            };
            // `float(SPEED * np.sign(a))`, `float(MOTORS_TORQUE * clip)`: exact in float64 under
            // NumPy 1, rounded once to float32 under NumPy 2; Box2D rounds to f32 either way.
            world.set_revolute_motor(
                j,
                (speed * sign as f64) as f32,
                (MOTORS_TORQUE * clipped[j] as f64) as f32,
            );
        }

        let events = world.step();
        self.contact_events(&events);
        let pos_x = world.body(self.walker.hull).borrow().get_position().x as f64;
        self.world = Some(world);
        let state = self.state();

        let mut shaping = 130.0 * pos_x / SCALE;
        shaping -= 5.0 * state[0].abs();
        let delta = match self.prev_shaping {
            Some(prev) => shaping - prev,
            None => 0.0,
        };
        self.prev_shaping = Some(shaping);
        // `reward -= 0.00035 * MOTORS_TORQUE * np.clip(np.abs(a), 0, 1)` for each component.
        let energy = 0.00035 * MOTORS_TORQUE;
        let mut reward = match self.promotion {
            // NEP 50: the Python floats are cast to float32 and each operation is done in float32.
            Promotion::Numpy2 => {
                let mut r = delta as f32;
                for &c in &clipped {
                    r -= energy as f32 * c;
                }
                r as f64
            }
            Promotion::Numpy1 => {
                let mut r = delta;
                for &c in &clipped {
                    r -= energy * c as f64;
                }
                r
            }
        };

        let mut terminated = false;
        if self.game_over || pos_x < 0.0 {
            reward = -100.0;
            terminated = true;
        }
        if pos_x > (TERRAIN_LENGTH as f64 - TERRAIN_GRASS as f64) * TERRAIN_STEP {
            terminated = true;
        }
        Step {
            obs: state.iter().map(|&v| v as f32 as f64).collect(),
            reward,
            terminated,
            truncated: false,
            // Not in the observation: how far the hull has come. The legs' contacts are (obs[8],
            // obs[13]); they are named here for specifications.
            info: Info::NONE
                .with("hull_x", pos_x)
                .with("leg1_contact", self.ground_contact[0] as u8 as f64)
                .with("leg2_contact", self.ground_contact[1] as u8 as f64),
        }
    }

    /// Gymnasium's `ContactDetector`: the hull touching anything ends the episode; the lower legs
    /// report whether they touch the ground.
    fn contact_events(&mut self, events: &[(bool, u8, u8)]) {
        for &(begin, ta, tb) in events {
            if begin && (ta == HULL || tb == HULL) {
                self.game_over = true;
            }
            for (k, tag) in [LEG[1], LEG[3]].iter().enumerate() {
                if ta == *tag || tb == *tag {
                    self.ground_contact[k] = begin;
                }
            }
        }
    }

    /// Turn the whole walker rigidly by `dangle` about the hull's origin and add `(dvx, dvy)` to the
    /// velocity of every body of it. Zero changes leave the bodies untouched.
    fn shift(&self, dangle: f64, dvx: f64, dvy: f64) {
        let world = self.world();
        let hp = world.body(self.walker.hull).borrow().get_position();
        let (hx, hy) = (hp.x as f64, hp.y as f64);
        let (s, c) = dangle.sin_cos();
        for i in std::iter::once(self.walker.hull).chain(self.walker.legs) {
            let mut body = world.body(i).borrow_mut();
            if dangle != 0.0 {
                let (p, a) = (body.get_position(), body.get_angle());
                let (rx, ry) = (p.x as f64 - hx, p.y as f64 - hy);
                body.set_transform(
                    vec2(hx + c * rx - s * ry, hy + s * rx + c * ry),
                    (a as f64 + dangle) as f32,
                );
            }
            if dvx != 0.0 || dvy != 0.0 {
                let v = body.get_linear_velocity();
                body.set_linear_velocity(vec2(v.x as f64 + dvx, v.y as f64 + dvy));
            }
        }
    }
}

impl Env for BipedalWalker {
    fn id(&self) -> &str {
        self.id
    }

    fn observation_space(&self) -> Space {
        let pi = PI as f32 as f64;
        let mut low = vec![
            -pi, -5.0, -5.0, -5.0, -pi, -5.0, -pi, -5.0, -0.0, -pi, -5.0, -pi, -5.0, -0.0,
        ];
        let mut high = vec![
            pi, 5.0, 5.0, 5.0, pi, 5.0, pi, 5.0, 5.0, pi, 5.0, pi, 5.0, 5.0,
        ];
        low.extend([-1.0; 10]);
        high.extend([1.0; 10]);
        Space::Box { low, high }
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![1.0; 4])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &[
            "hull_angle",
            "hull_angular_velocity",
            "vx",
            "vy",
            "hip1_angle",
            "hip1_speed",
            "knee1_angle",
            "knee1_speed",
            "leg1_contact",
            "hip2_angle",
            "hip2_speed",
            "knee2_angle",
            "knee2_speed",
            "leg2_contact",
            "lidar0",
            "lidar1",
            "lidar2",
            "lidar3",
            "lidar4",
            "lidar5",
            "lidar6",
            "lidar7",
            "lidar8",
            "lidar9",
        ]
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = NpRng::from_seed(seed);
        }
        self.build()
    }

    fn step(&mut self, action: &Action) -> Step {
        match action {
            Action::Continuous(a) if a.len() == 4 => self.physics_step(a),
            other => panic!("{}: invalid action {other:?} (Box(-1, 1, (4,)))", self.id),
        }
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(if self.hardcore { 2000 } else { 1600 })
    }

    /// Ours move the whole walker: hull and legs turn rigidly about the hull's origin (the joints keep
    /// their angles) and get the same velocity offset. The predecessor's (`BipadelBO.py` of
    /// britig/policy-refinement-bo, the NeurIPS BO box) wrote `x1, x2, x3` into `env.env.state[0]`,
    /// `[2]` and `[3]`; in its `bipedal_walker.py`, `self.state` is the observation list `step` built,
    /// so they replaced components of the first observation the policy sees and left the physics
    /// alone. `pred_*` do the same: the values replace `hull_angle`, `vx` and `vy` of the observation
    /// `apply_perturbation` returns (rounded to float32, as `torch.Tensor` did), in observation units
    /// (`vx` is 0.12 s/m times the hull's velocity), and the world is untouched.
    ///
    /// The default box is 1/4 of ±0.3 rad, ±1 m/s, ±1 m/s: `--calibrate-box` against `return_50` (BO,
    /// 205 evaluations, seed 0) finds the shipped dense actor safe up to a scale of 0.27 and failing
    /// 166–190 of 205 samples at 0.375 and above. (The NeurIPS 2021 release's walker fails even at
    /// 1/64: no box makes it safe on `return_50`.)
    fn perturbations(&self) -> Vec<Param> {
        vec![
            Param::offset(
                "hull_angle",
                -0.075,
                0.075,
                "walker angle (rad), added: hull and legs turn rigidly about the hull's origin",
            ),
            Param::offset(
                "vx",
                -0.25,
                0.25,
                "horizontal velocity (m/s), added to the hull and the four leg segments",
            ),
            Param::offset(
                "vy",
                -0.25,
                0.25,
                "vertical velocity (m/s), added to the hull and the four leg segments",
            ),
            Param::set(
                "pred_hull_angle",
                0.0,
                2.0 * PI,
                "the predecessor's: replaces hull_angle in the first observation only (physics untouched)",
            )
            .opt_in(),
            Param::set(
                "pred_vx",
                -1.0,
                1.0,
                "the predecessor's: replaces vx (observation units) in the first observation only",
            )
            .opt_in(),
            Param::set(
                "pred_vy",
                -1.0,
                1.0,
                "the predecessor's: replaces vy (observation units) in the first observation only",
            )
            .opt_in(),
        ]
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        let get = |i: usize| values.get(i).copied().flatten();
        let v = |i: usize| get(i).unwrap_or(0.0);
        if (0..3).any(|i| get(i).is_some()) {
            self.shift(v(0), v(1), v(2));
        }
        let mut obs = self.observe();
        for (param, component) in [(3, 0), (4, 2), (5, 3)] {
            if let Some(x) = get(param) {
                obs[component] = x as f32 as f64;
            }
        }
        self.recipe.perturbed(values);
        obs
    }

    fn snapshot(&self) -> Snapshot {
        self.recipe
            .snapshot(self.id, self.world.is_some(), &self.rng)
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        super::restore(self, s)
    }
}

impl Rebuild for BipedalWalker {
    type Rng = NpRng;

    fn per_step(&self) -> usize {
        4
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

    fn replay_step(&mut self, action: &[f64]) {
        self.physics_step(action);
    }
}

/// A number of the heuristic's state as Python holds it: a Python float, or a `np.float32` taken from
/// the observation (`min(s[k], SUPPORT_KNEE_ANGLE)` can return either).
#[derive(Clone, Copy, Debug, PartialEq)]
enum PyNum {
    Float(f64),
    F32(f32),
}

impl PyNum {
    /// `self + v` for a Python float `v`: float64, or float32 under NEP 50.
    fn add(self, v: f64) -> PyNum {
        match self {
            PyNum::Float(x) => PyNum::Float(x + v),
            PyNum::F32(x) => PyNum::F32(x + v as f32),
        }
    }

    /// The value as it enters float32 arithmetic with the observation (a Python float is cast).
    fn f32(self) -> f32 {
        match self {
            PyNum::Float(x) => x as f32,
            PyNum::F32(x) => x,
        }
    }

    /// `b < a`, compared in float32 when either is a float32 (NEP 50), in float64 otherwise.
    fn lt(b: PyNum, a: PyNum) -> bool {
        match (b, a) {
            (PyNum::Float(b), PyNum::Float(a)) => b < a,
            _ => b.f32() < a.f32(),
        }
    }

    /// Python's `min(a, b)`: `a` unless `b < a`.
    fn min(a: PyNum, b: PyNum) -> PyNum {
        if PyNum::lt(b, a) {
            b
        } else {
            a
        }
    }

    /// Python truthiness (`if x:`).
    fn truthy(self) -> bool {
        match self {
            PyNum::Float(x) => x != 0.0,
            PyNum::F32(x) => x != 0.0,
        }
    }
}

/// Gymnasium's `BipedalWalkerHeuristics.step_heuristic`, the hand-written walking gait of
/// `bipedal_walker.py`: stay on one leg, put the other down, push off, swap legs. Computed on the
/// float32 observation as NumPy 2 does (the observation's values meet Python floats in float32); the
/// action is float64, as `np.clip(0.5 * a, -1, 1)` returns it.
#[derive(Clone, Debug)]
pub struct WalkerHeuristic {
    state: u8,
    moving_leg: usize,
    supporting_leg: usize,
    supporting_knee_angle: PyNum,
}

impl Default for WalkerHeuristic {
    fn default() -> Self {
        Self::new()
    }
}

impl WalkerHeuristic {
    const STAY_ON_ONE_LEG: u8 = 1;
    const PUT_OTHER_DOWN: u8 = 2;
    const PUSH_OFF: u8 = 3;
    /// Will fall forward on higher speed.
    const SPEED: f64 = 0.29;
    const SUPPORT_KNEE_ANGLE: f64 = 0.1;

    pub fn new() -> Self {
        WalkerHeuristic {
            state: Self::STAY_ON_ONE_LEG,
            moving_leg: 0,
            supporting_leg: 1,
            supporting_knee_angle: PyNum::Float(Self::SUPPORT_KNEE_ANGLE),
        }
    }

    /// The action for observation `obs` (24 float32 values), advancing the gait's state.
    pub fn act(&mut self, obs: &[f64]) -> Action {
        let s: Vec<f32> = obs.iter().map(|&v| v as f32).collect();
        let support = PyNum::Float(Self::SUPPORT_KNEE_ANGLE);
        let moving_s_base = 4 + 5 * self.moving_leg;
        let supporting_s_base = 4 + 5 * self.supporting_leg;

        let mut hip_targ: [Option<PyNum>; 2] = [None, None];
        let mut knee_targ: [Option<PyNum>; 2] = [None, None];

        if self.state == Self::STAY_ON_ONE_LEG {
            hip_targ[self.moving_leg] = Some(PyNum::Float(1.1));
            knee_targ[self.moving_leg] = Some(PyNum::Float(-0.6));
            self.supporting_knee_angle = self.supporting_knee_angle.add(0.03);
            if s[2] > Self::SPEED as f32 {
                self.supporting_knee_angle = self.supporting_knee_angle.add(0.03);
            }
            self.supporting_knee_angle = PyNum::min(self.supporting_knee_angle, support);
            knee_targ[self.supporting_leg] = Some(self.supporting_knee_angle);
            if s[supporting_s_base] < 0.10 {
                // The supporting leg is behind.
                self.state = Self::PUT_OTHER_DOWN;
            }
        }
        if self.state == Self::PUT_OTHER_DOWN {
            hip_targ[self.moving_leg] = Some(PyNum::Float(0.1));
            knee_targ[self.moving_leg] = Some(support);
            knee_targ[self.supporting_leg] = Some(self.supporting_knee_angle);
            if s[moving_s_base + 4] != 0.0 {
                self.state = Self::PUSH_OFF;
                self.supporting_knee_angle = PyNum::min(PyNum::F32(s[moving_s_base + 2]), support);
            }
        }
        if self.state == Self::PUSH_OFF {
            knee_targ[self.moving_leg] = Some(self.supporting_knee_angle);
            knee_targ[self.supporting_leg] = Some(PyNum::Float(1.0));
            if s[supporting_s_base + 2] > 0.88 || s[2] > (1.2 * Self::SPEED) as f32 {
                self.state = Self::STAY_ON_ONE_LEG;
                self.moving_leg = 1 - self.moving_leg;
                self.supporting_leg = 1 - self.moving_leg;
            }
        }

        // Everything below meets the observation, so it is float32 (a todo left at the Python float
        // 0.0 becomes float32 at its first `-=`).
        let mut hip_todo = [0.0f32; 2];
        let mut knee_todo = [0.0f32; 2];
        let target = |t: Option<PyNum>| t.filter(|t| t.truthy()).map(PyNum::f32);
        if let Some(t) = target(hip_targ[0]) {
            hip_todo[0] = 0.9 * (t - s[4]) - 0.25 * s[5];
        }
        if let Some(t) = target(hip_targ[1]) {
            hip_todo[1] = 0.9 * (t - s[9]) - 0.25 * s[10];
        }
        if let Some(t) = target(knee_targ[0]) {
            knee_todo[0] = 4.0 * (t - s[6]) - 0.25 * s[7];
        }
        if let Some(t) = target(knee_targ[1]) {
            knee_todo[1] = 4.0 * (t - s[11]) - 0.25 * s[12];
        }

        // PID to keep the head straight; vertical speed damps oscillations.
        hip_todo[0] -= 0.9 * (0.0 - s[0]) - 1.5 * s[1];
        hip_todo[1] -= 0.9 * (0.0 - s[0]) - 1.5 * s[1];
        knee_todo[0] -= 15.0 * s[3];
        knee_todo[1] -= 15.0 * s[3];

        let a = [hip_todo[0], knee_todo[0], hip_todo[1], knee_todo[1]];
        Action::Continuous(
            a.iter()
                .map(|&v| np_clip(0.5 * v as f64, -1.0, 1.0))
                .collect(),
        )
    }
}

/// `np.clip` of a float64 (NaN stays NaN).
fn np_clip(v: f64, lo: f64, hi: f64) -> f64 {
    v.clamp(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    // ref_gymnasium.json (spec §12): Gymnasium 1.4.0, NumPy 2.4.6, Box2D 2.3.10, reset(seed=0).
    const NORMAL_RESET: [f64; 24] = [
        0.002747287740930915,
        -2.5883757189149037e-05,
        0.002013495424762368,
        -0.015999827533960342,
        0.09179489314556122,
        -0.0026571243070065975,
        0.8603634834289551,
        0.0033659960608929396,
        1.0,
        0.032199565321207047,
        -0.0026569466572254896,
        0.8539148569107056,
        0.0018791467882692814,
        1.0,
        0.44081419706344604,
        0.44582030177116394,
        0.46142297983169556,
        0.48955038189888,
        0.5341030359268188,
        0.6024612784385681,
        0.709149181842804,
        0.885932207107544,
        1.0,
        1.0,
    ];
    const NORMAL_STEPS: [([f64; 4], [f64; 24], f64); 5] = [
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.0052295587956905365,
                -1.3480423149303533e-05,
                -0.0016096277395263314,
                -0.0011864693369716406,
                0.43520283699035645,
                0.06260190159082413,
                0.11512267589569092,
                -0.08080437034368515,
                1.0,
                0.33798882365226746,
                0.06795671582221985,
                0.11663669347763062,
                -0.08800376206636429,
                1.0,
                0.4498506486415863,
                0.4549593925476074,
                0.4708818793296814,
                0.499585896730423,
                0.5450518131256104,
                0.6148114204406738,
                0.7236863374710083,
                0.904093325138092,
                1.0,
                1.0,
            ],
            -0.0784253254532814,
        ),
        (
            [1.0, -1.0, 0.5, -0.5],
            [
                -0.02323143184185028,
                -0.036049582064151764,
                -0.028230205178260803,
                -0.03403569385409355,
                0.5133782625198364,
                0.9999980926513672,
                -0.0013049840927124023,
                -1.0000001192092896,
                0.0,
                0.41737842559814453,
                1.0000008344650269,
                -0.0016775131225585938,
                -0.9999990463256836,
                0.0,
                0.44817113876342773,
                0.4532608091831207,
                0.46912387013435364,
                0.49772071838378906,
                0.5430169105529785,
                0.6125160455703735,
                0.7209844589233398,
                0.9007179141044617,
                1.0,
                1.0,
            ],
            -0.193820983171463,
        ),
        (
            [0.3, 0.3, -0.3, -0.3],
            [
                -0.040649376809597015,
                -0.03492552042007446,
                -0.024012496694922447,
                -0.04331104829907417,
                0.5670789480209351,
                0.6842619180679321,
                0.022475838661193848,
                0.17805229127407074,
                0.0,
                0.4812757968902588,
                0.8138430118560791,
                -0.11796331405639648,
                -0.9999999403953552,
                0.0,
                0.4460574686527252,
                0.45112311840057373,
                0.4669113755226135,
                0.49537333846092224,
                0.5404559373855591,
                0.6096272468566895,
                0.7175841927528381,
                0.8964698910713196,
                1.0,
                1.0,
            ],
            -0.1373647153377533,
        ),
        (
            [-1.0, 1.0, -1.0, 1.0],
            [
                -0.024005470797419548,
                0.03318725526332855,
                0.023477455601096153,
                -0.029184119775891304,
                0.5016429424285889,
                -0.79985111951828,
                0.12732064723968506,
                0.4380432367324829,
                1.0,
                0.4003080427646637,
                -1.000000238418579,
                0.005574226379394531,
                0.9999998211860657,
                0.0,
                0.4447283446788788,
                0.4497789144515991,
                0.46552011370658875,
                0.49389728903770447,
                0.5388454794883728,
                0.6078107357025146,
                0.7154459953308105,
                0.8937987089157104,
                1.0,
                1.0,
            ],
            -0.011847194284200668,
        ),
        (
            [0.1, 0.2, 0.3, 0.4],
            [
                -0.015431470237672329,
                0.01718389242887497,
                0.009284617379307747,
                -0.036901410669088364,
                0.5125090479850769,
                0.006850630044937134,
                0.09403610229492188,
                -0.17854326963424683,
                1.0,
                0.3431517481803894,
                -0.6930693984031677,
                0.10610729455947876,
                0.4532857835292816,
                1.0,
                0.44302085041999817,
                0.4480520188808441,
                0.4637327790260315,
                0.4920009970664978,
                0.5367766618728638,
                0.6054770946502686,
                0.7126990556716919,
                0.8903670310974121,
                1.0,
                1.0,
            ],
            0.02128377929329872,
        ),
    ];
    const HARDCORE_RESET: [f64; 24] = [
        0.002747372491285205,
        -2.0155102902208455e-05,
        0.0015678626950830221,
        -0.015999864786863327,
        0.0918734148144722,
        -0.0020690462552011013,
        0.8603184819221497,
        0.0029316795989871025,
        1.0,
        0.03227974846959114,
        -0.0020689035300165415,
        0.8538671135902405,
        0.0014632485108450055,
        1.0,
        0.4408141076564789,
        0.4458202123641968,
        0.4614228904247284,
        0.48955029249191284,
        0.5341029167175293,
        0.6024611592292786,
        0.7091490626335144,
        0.8859320282936096,
        1.0,
        1.0,
    ];
    const HARDCORE_STEPS: [([f64; 4], [f64; 24], f64); 5] = [
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.005230208858847618,
                -8.656234967929777e-06,
                -0.0020568473264575005,
                -0.0012053694808855653,
                0.43532633781433105,
                0.06340331584215164,
                0.11503171920776367,
                -0.08136623352766037,
                1.0,
                0.33810433745384216,
                0.06856554001569748,
                0.11656349897384644,
                -0.08831489086151123,
                1.0,
                0.44984492659568787,
                0.4549535810947418,
                0.47087588906288147,
                0.4995795488357544,
                0.5450448989868164,
                0.6148036122322083,
                0.7236771583557129,
                0.9040818214416504,
                1.0,
                1.0,
            ],
            -0.07876496016979218,
        ),
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.005195260513573885,
                9.96868620859459e-05,
                -0.001524788443930447,
                -0.017886655405163765,
                0.43876245617866516,
                0.04557374492287636,
                0.10925674438476562,
                -0.04513031616806984,
                0.0,
                0.342256098985672,
                0.0498245470225811,
                0.110099196434021,
                -0.05001279339194298,
                0.0,
                0.4490131735801697,
                0.45411238074302673,
                0.4700052738189697,
                0.4986558258533478,
                0.5440371036529541,
                0.613666832447052,
                0.7223390936851501,
                0.9024102091789246,
                1.0,
                1.0,
            ],
            -0.00103197421412915,
        ),
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.005148495547473431,
                0.0001004732766887173,
                -0.001520900521427393,
                -0.03389185667037964,
                0.44232210516929626,
                0.04550235718488693,
                0.10380572080612183,
                -0.04493516683578491,
                0.0,
                0.3462792634963989,
                0.04973442479968071,
                0.10405218601226807,
                -0.049754392355680466,
                0.0,
                0.4474259316921234,
                0.4525071382522583,
                0.4683438241481781,
                0.49689310789108276,
                0.5421139597892761,
                0.6114975214004517,
                0.7197856307029724,
                0.8992202281951904,
                1.0,
                1.0,
            ],
            -0.0008881730027496815,
        ),
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.005098510533571243,
                0.00010125139669980854,
                -0.0015170529950410128,
                -0.04989698901772499,
                0.4459306001663208,
                0.045432910323143005,
                0.09843224287033081,
                -0.044737402349710464,
                0.0,
                0.3502509593963623,
                0.04964956268668175,
                0.09814584255218506,
                -0.04950696602463722,
                0.0,
                0.44508740305900574,
                0.4501420259475708,
                0.46589595079421997,
                0.49429604411125183,
                0.5392805337905884,
                0.6083014607429504,
                0.7160236239433289,
                0.8945203423500061,
                1.0,
                1.0,
            ],
            -0.0008514098008163273,
        ),
        (
            [0.0, 0.0, 0.0, 0.0],
            [
                -0.005416711792349815,
                -0.0006423374870792031,
                -0.004954760428518057,
                -0.063221275806427,
                0.464284211397171,
                0.23124946653842926,
                0.0633167028427124,
                -0.29544535279273987,
                1.0,
                0.3687058985233307,
                0.2315167933702469,
                0.0629187822341919,
                -0.29527774453163147,
                1.0,
                0.4421207904815674,
                0.44714173674583435,
                0.4627906382083893,
                0.4910014271736145,
                0.5356861352920532,
                0.604246973991394,
                0.7112511396408081,
                0.8885581493377686,
                1.0,
                1.0,
            ],
            -0.005140900146216154,
        ),
    ];

    fn continuous(a: &[f64]) -> Action {
        Action::Continuous(a.to_vec())
    }

    /// Max |ours - Gymnasium| over the reset observation and five steps (observations and rewards).
    fn compare(
        hardcore: bool,
        reset: &[f64; 24],
        steps: &[([f64; 4], [f64; 24], f64); 5],
    ) -> (f64, f64, f64) {
        let id = if hardcore {
            "BipedalWalkerHardcore-v3"
        } else {
            "BipedalWalker-v3"
        };
        let mut env = BipedalWalker::new(id, hardcore);
        let obs = env.reset(Some(0));
        let dev = |a: &[f64], b: &[f64]| {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max)
        };
        let reset_lidar = dev(&obs[14..], &reset[14..]);
        let mut max_obs = dev(&obs, reset);
        let mut max_reward = 0.0f64;
        for (t, (a, want, r)) in steps.iter().enumerate() {
            let s = env.step(&continuous(a));
            assert!(!s.terminated && !s.truncated);
            let d = dev(&s.obs, want);
            eprintln!(
                "{id} step {}: max |obs dev| {d:.3e}, reward {} vs {r} ({:.3e})",
                t + 1,
                s.reward,
                (s.reward - r).abs()
            );
            max_obs = max_obs.max(d);
            max_reward = max_reward.max((s.reward - r).abs());
        }
        (max_obs, max_reward, reset_lidar)
    }

    #[test]
    fn matches_gymnasium_reference_trajectories() {
        for (hardcore, reset, steps) in [
            (false, &NORMAL_RESET, &NORMAL_STEPS),
            (true, &HARDCORE_RESET, &HARDCORE_STEPS),
        ] {
            let (obs, reward, lidar) = compare(hardcore, reset, steps);
            eprintln!(
                "hardcore={hardcore}: max obs deviation {obs:.3e}, max reward deviation {reward:.3e}, \
                 reset lidar deviation {lidar:.3e}"
            );
            // Bit for bit on x86-64 (see `tests/env_box2d.rs` for why not everywhere).
            let limit = if cfg!(target_arch = "x86_64") {
                0.0
            } else {
                1e-4
            };
            assert!(
                obs <= limit,
                "hardcore={hardcore}: observation deviation {obs}"
            );
            assert!(
                reward <= limit,
                "hardcore={hardcore}: reward deviation {reward}"
            );
            assert!(
                lidar <= limit,
                "hardcore={hardcore}: lidar at reset {lidar}"
            );
        }
    }

    /// Gymnasium 1.4 `BipedalWalker(hardcore=...).reset(seed=...)`: `terrain_y` at indices 0, 21, 50,
    /// 100, 150, 199, the sum of `terrain_y` (in order), `len(env.terrain)` (199 edges plus the
    /// obstacles) and the next `np_random.random()`.
    #[test]
    fn terrain_and_rng_order_match_gymnasium() {
        #[allow(clippy::type_complexity)]
        let cases: [(bool, u64, [f64; 6], f64, usize, f64); 6] = [
            (
                false,
                0,
                [
                    3.3333333333333335,
                    3.3179857809175917,
                    3.393428719285324,
                    3.3844441206524767,
                    3.2880646668277964,
                    3.385954677118604,
                ],
                671.3167682378141,
                199,
                0.9739844048523552,
            ),
            (
                false,
                1,
                [
                    3.3333333333333335,
                    3.363364246421729,
                    3.512233438849948,
                    3.3057279628520195,
                    3.342027543708206,
                    3.409257741567259,
                ],
                669.3531814108627,
                199,
                0.11317416004642233,
            ),
            (
                false,
                7,
                [
                    3.3333333333333335,
                    3.359814253397972,
                    3.2322712574426196,
                    3.3671512558372285,
                    3.3755134569902596,
                    3.340603730690994,
                ],
                668.3039874696558,
                199,
                0.7764735240652465,
            ),
            (
                true,
                0,
                [
                    3.3333333333333335,
                    3.1,
                    2.4413650610722426,
                    5.300593792791734,
                    3.282891129753178,
                    4.944566947960184,
                ],
                715.5294701750346,
                226,
                0.4723003367500115,
            ),
            (
                true,
                1,
                [
                    3.3333333333333335,
                    3.3333333333333335,
                    5.658397382725081,
                    5.983641437130071,
                    2.4296716620704455,
                    3.2816791883583454,
                ],
                845.5225479018276,
                228,
                0.6115797303718215,
            ),
            (
                true,
                7,
                [
                    3.3333333333333335,
                    3.3333333333333335,
                    4.50903094625252,
                    3.7079146962798197,
                    4.115658135474291,
                    4.2299576493007285,
                ],
                774.2159251318549,
                228,
                0.6580260816117258,
            ),
        ];
        for (hardcore, seed, ys, sum, bodies, next) in cases {
            let mut env = BipedalWalker::new("BipedalWalker-v3", hardcore);
            env.reset(Some(seed));
            let t = env.terrain();
            for (k, &i) in [0, 21, 50, 100, 150, 199].iter().enumerate() {
                assert_eq!(
                    t.y[i], ys[k],
                    "hardcore={hardcore} seed={seed} terrain_y[{i}]"
                );
            }
            assert_eq!(t.y.iter().fold(0.0, |a, y| a + y), sum);
            assert_eq!(t.x.len(), TERRAIN_LENGTH);
            assert_eq!(t.x[199], 199.0 * TERRAIN_STEP);
            assert_eq!(t.obstacles.len() + TERRAIN_LENGTH - 1, bodies);
            // Steps draw nothing: the RNG is where reset left it.
            env.step(&continuous(&[0.3, -0.2, 0.1, 0.5]));
            assert_eq!(env.rng.random(), next, "hardcore={hardcore} seed={seed}");
        }
    }

    fn random_actions(n: usize, seed: u64) -> Vec<Action> {
        let mut rng = NpRng::from_seed(seed);
        (0..n)
            .map(|_| continuous(&rng.uniform_array([-1.0; 4], [1.0; 4])))
            .collect()
    }

    #[test]
    fn snapshot_restore_replays_bit_for_bit() {
        for hardcore in [false, true] {
            let mut env = BipedalWalker::new("BipedalWalkerHardcore-v3", hardcore);
            env.reset(Some(3));
            let p = env.perturbations();
            let mut values = vec![None; p.len()];
            values[0] = Some(0.1);
            values[1] = Some(-0.4);
            values[4] = Some(0.25);
            env.apply_perturbation(&values);
            let actions = random_actions(150, 11);
            for a in &actions[..100] {
                env.step(a);
            }
            let snap = env.snapshot();
            let first: Vec<Step> = actions[100..].iter().map(|a| env.step(a)).collect();
            // Into another episode, then back.
            env.reset(Some(9));
            env.step(&actions[0]);
            env.restore(&snap).unwrap();
            let again: Vec<Step> = actions[100..].iter().map(|a| env.step(a)).collect();
            assert_eq!(first, again);
            // A fresh environment restores it too.
            let mut other = BipedalWalker::new("BipedalWalkerHardcore-v3", hardcore);
            other.restore(&snap).unwrap();
            let third: Vec<Step> = actions[100..].iter().map(|a| other.step(a)).collect();
            assert_eq!(first, third);
        }
    }

    #[test]
    fn perturbations_move_the_walker_or_the_first_observation() {
        let mut env = BipedalWalker::new("BipedalWalker-v3", false);
        let base = env.reset(Some(0));
        let n = env.perturbations().len();
        let a = continuous(&[0.2, -0.3, 0.4, 0.1]);
        let next = env.step(&a);

        // Nominal offsets change nothing.
        env.reset(Some(0));
        let mut zero = vec![None; n];
        zero[..3].copy_from_slice(&[Some(0.0); 3]);
        assert_eq!(env.apply_perturbation(&zero), base);
        assert_eq!(env.step(&a), next);

        // Rigid rotation and velocity offsets.
        env.reset(Some(0));
        let mut v = vec![None; n];
        v[0] = Some(0.2);
        v[1] = Some(0.5);
        v[2] = Some(-0.5);
        let obs = env.apply_perturbation(&v);
        assert!((obs[0] - base[0] - 0.2).abs() < 1e-6);
        assert!((obs[2] - base[2] - 0.3 * 0.5 * 20.0 / 50.0).abs() < 1e-6);
        assert!((obs[3] - base[3] + 0.3 * 0.5 * (400.0 / 30.0) / 50.0).abs() < 1e-6);
        for i in [4, 6, 9, 11] {
            assert!((obs[i] - base[i]).abs() < 1e-5, "joint angle {i} moved");
        }

        // The predecessor's: the first observation only.
        env.reset(Some(0));
        let mut v = vec![None; n];
        v[3] = Some(4.0);
        v[4] = Some(0.5);
        v[5] = Some(-0.25);
        let obs = env.apply_perturbation(&v);
        assert_eq!((obs[0], obs[2], obs[3]), (4.0, 0.5, -0.25));
        assert_eq!(obs[4..], base[4..]);
        assert_eq!(env.step(&a), next);
    }

    #[test]
    fn numpy1_rewards_are_float64_numpy2_float32() {
        let actions = random_actions(40, 5);
        let mut a = BipedalWalker::new("BipedalWalker-v3", false);
        let mut b = BipedalWalker::with_promotion("BipedalWalker-v3", false, Promotion::Numpy1);
        assert_eq!(a.reset(Some(2)), b.reset(Some(2)));
        let mut differ = false;
        for act in &actions {
            let (sa, sb) = (a.step(act), b.step(act));
            assert_eq!(sa.obs, sb.obs);
            assert_eq!(sa.reward as f32 as f64, sa.reward);
            assert!((sa.reward - sb.reward).abs() < 1e-6);
            differ |= sa.reward != sb.reward;
        }
        assert!(differ);
    }

    #[test]
    #[should_panic(expected = "Box(-1, 1, (4,))")]
    fn wrong_action_panics() {
        let mut env = BipedalWalker::new("BipedalWalker-v3", false);
        env.reset(Some(0));
        env.step(&continuous(&[0.0; 3]));
    }

    /// The heuristic as `bipedal_walker.py`'s `__main__` runs it: a zero action first, then the
    /// heuristic on each observation, for up to `limit` steps (the registered time limit).
    fn heuristic_episode(hardcore: bool, seed: u64) -> (f64, usize) {
        let mut env = BipedalWalker::new("BipedalWalker-v3", hardcore);
        let limit = env.max_episode_steps().unwrap();
        env.reset(Some(seed));
        let mut h = WalkerHeuristic::new();
        let mut a = continuous(&[0.0; 4]);
        let mut ret = 0.0;
        for t in 1..=limit {
            let s = env.step(&a);
            ret += s.reward;
            if s.terminated {
                return (ret, t);
            }
            a = h.act(&s.obs);
        }
        (ret, limit)
    }

    #[test]
    fn heuristic_episodes_are_gymnasiums() {
        // Gymnasium 1.4 with the same loop under its TimeLimit, a fresh environment per seed,
        // seeds 0..4: return (to 0.01) and steps. The gait is chaotic, so these only come out equal
        // when every step is (fed Gymnasium's observations, the heuristic returns Python's actions
        // bit for bit: checked on 9796 steps of 16 episodes).
        let gymnasium = [
            (
                false,
                [
                    (314.63, 1591),
                    (-20.91, 430),
                    (-40.18, 346),
                    (148.38, 1245),
                    (-37.69, 345),
                ],
            ),
            (
                true,
                [
                    (-43.44, 375),
                    (-63.42, 256),
                    (-80.86, 205),
                    (-70.67, 219),
                    (-51.69, 333),
                ],
            ),
        ];
        for (hardcore, episodes) in gymnasium {
            for (seed, (want, want_steps)) in episodes.into_iter().enumerate() {
                let (ret, steps) = heuristic_episode(hardcore, seed as u64);
                eprintln!(
                    "heuristic hardcore={hardcore} seed {seed}: return {ret:.2} in {steps} steps"
                );
                assert_eq!(
                    (format!("{ret:.2}"), steps),
                    (format!("{want:.2}"), want_steps),
                    "hardcore={hardcore} seed {seed}"
                );
            }
        }
    }

    #[test]
    fn heuristic_state_machine_types() {
        // `min(np.float32, 0.1)` keeps the float32, which then accumulates in float32.
        let k = PyNum::min(PyNum::F32(0.05), PyNum::Float(0.1));
        assert_eq!(k, PyNum::F32(0.05));
        assert_eq!(k.add(0.03), PyNum::F32(0.05f32 + 0.03f32));
        // Equal in float32: Python's min returns its first argument.
        assert_eq!(
            PyNum::min(PyNum::F32(0.1), PyNum::Float(0.1)),
            PyNum::F32(0.1)
        );
        assert_eq!(
            PyNum::min(PyNum::Float(0.13), PyNum::Float(0.1)),
            PyNum::Float(0.1)
        );
        let mut h = WalkerHeuristic::new();
        let Action::Continuous(a) = h.act(&[0.0; 24]) else {
            unreachable!()
        };
        assert_eq!(a.len(), 4);
        assert!(a.iter().all(|v| (-1.0..=1.0).contains(v)));
    }
}
