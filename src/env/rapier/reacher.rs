//! Roboschool's reachers from the pose-mimic project (ErikEkstedt/Gestures) on rapier3d:
//! `ReacherPlane-v0` (two hinges about z), `Reacher3D-v0` (shoulder about z then y, elbow about y)
//! and `SocialReacher-v0` (the plane arm whose target pose is set from outside: [`Reacher::set_target`]).
//!
//! As the seed's code runs them (`project/environments/reacher.py`, `gesture/environments/social.py`):
//! - one step is one Roboschool physics step of 0.0165/4 s (`frame_skip` 1), 300 steps an episode,
//!   done only at the time limit; torque `0.05 × 100 × power × clip(a, −1, 1)` on each hinge, power
//!   0.5;
//! - reset: every hinge at U(−0.01, 0.01), at rest, drawn with gym's seeding; then the targets;
//! - key points: the elbow and the hand (the bodies `robot_elbow` and `robot_hand`);
//! - ReacherPlane and Reacher3D ("hierarchical difference potential"): the elbow target on a circle
//!   (plane: radius 0.2 at the shoulder's height, uniform angle) or sphere (3-D: θ ~ U(0, π),
//!   φ ~ U(0, 2π)) around the shoulder, the hand target 0.2 from it the same way; reward
//!   `r1 Δ(−100 ‖elbow − t0‖) + r2 Δ(−100 ‖hand − t1‖)`; observation: targets (xyz, xyz), key points
//!   (xyz, xyz), key point − target (6), hinge angles, `0.1 q̇`;
//! - SocialReacher: observation = key points (elbow xy, hand xy), `0.1 q̇`, then the target (the
//!   coordination policy's input); reward `r1 Δ(−100 ‖target − key points‖)` over the 4-vector. Without
//!   a target set from outside, each episode draws a reachable pose (both hinges U(−π, π)).
//!
//! The seed's quirks, kept: the plane's elbow target lies 0.2 from the shoulder but the elbow 0.21, so
//! it is never reached exactly; the reward has no electricity or joint-limit cost. One change: the
//! seed's observation takes Roboschool's relative position of a hinge without limits (a division by
//! a zero range); ours is the angle wrapped to (−π, π].

use super::arm::{Arm, ArmPhysics};
use super::mjcf::{self, Geom, Shape};
use crate::env::legacy_rng::RandomState;
use crate::env::replay::{self, Rebuild, Recipe};
use crate::env::spec::Kwargs;
use crate::env::{Action, Env, EnvName, Info, Param, Snapshot, Space, Step};
use crate::error::{Error, Result};
use crate::render::solid::{self, Camera, Ground};

pub const PLANE_XML: &str = include_str!("../../../assets/mjcf/reacher_plane.xml");
pub const REACHER_3D_XML: &str = include_str!("../../../assets/mjcf/reacher_3d.xml");

/// The shoulder's position (the root body's origin), the upper arm to the elbow, the forearm.
pub const SHOULDER: [f64; 3] = [0.0, 0.0, 0.41];
pub const UPPER_ARM: f64 = 0.21;
pub const FOREARM: f64 = 0.2;
/// The seed's target radii (`r0, r1 = 0.2, 0.2`).
const TARGET_RADIUS: f64 = 0.2;
/// How far a target set from outside may be from the arm's reach (m).
pub const REACH_TOLERANCE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReacherKind {
    Plane,
    ThreeD,
    Social,
}

impl ReacherKind {
    /// The kind a registered reacher id names.
    pub fn of(id: &str) -> Option<ReacherKind> {
        match id {
            "ReacherPlane-v0" => Some(ReacherKind::Plane),
            "Reacher3D-v0" => Some(ReacherKind::ThreeD),
            "SocialReacher-v0" => Some(ReacherKind::Social),
            _ => None,
        }
    }

    pub fn hinges(self) -> usize {
        match self {
            ReacherKind::ThreeD => 3,
            _ => 2,
        }
    }

    /// Values of a target: elbow and hand xyz, or (SocialReacher) elbow and hand xy.
    pub fn target_len(self) -> usize {
        match self {
            ReacherKind::Social => 4,
            _ => 6,
        }
    }

    fn xml(self) -> &'static str {
        match self {
            ReacherKind::ThreeD => REACHER_3D_XML,
            _ => PLANE_XML,
        }
    }
}

/// The elbow and the hand for hinge angles `q`: Roboschool's kinematics of these arms, in f64 (the
/// arm itself runs in rapier's f32).
pub fn key_points(kind: ReacherKind, q: &[f64]) -> [[f64; 3]; 2] {
    // Each rotation: z by q[0], then (3-D) y by q[1]; the elbow turns about z (plane) or y (3-D).
    let rot = |v: [f64; 3], axis: usize, a: f64| -> [f64; 3] {
        let (s, c) = a.sin_cos();
        match axis {
            2 => [c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]],
            _ => [c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]],
        }
    };
    let (upper, fore) = match kind {
        ReacherKind::ThreeD => {
            let shoulder = |v| rot(rot(v, 1, q[1]), 2, q[0]);
            (
                shoulder([UPPER_ARM, 0.0, 0.0]),
                shoulder(rot([FOREARM, 0.0, 0.0], 1, q[2])),
            )
        }
        _ => (
            rot([UPPER_ARM, 0.0, 0.0], 2, q[0]),
            rot(rot([FOREARM, 0.0, 0.0], 2, q[1]), 2, q[0]),
        ),
    };
    let elbow = [
        SHOULDER[0] + upper[0],
        SHOULDER[1] + upper[1],
        SHOULDER[2] + upper[2],
    ];
    let hand = [elbow[0] + fore[0], elbow[1] + fore[1], elbow[2] + fore[2]];
    [elbow, hand]
}

/// SocialReacher's target for the pose with hinge angles `q`: elbow xy, hand xy.
fn social_target(q: [f64; 2]) -> Vec<f64> {
    let [e, h] = key_points(ReacherKind::Social, &q);
    vec![e[0], e[1], h[0], h[1]]
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// The settings an id and its keyword arguments make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReacherConfig {
    pub kind: ReacherKind,
    /// `power` (0.5): torque = 5 × power × clip(a) N m.
    pub power: f64,
    pub potential_constant: f64,
    /// The elbow's (`r1`) and the hand's (`r2`) reward weights; SocialReacher uses `r1` alone.
    pub r1: f64,
    pub r2: f64,
    /// Reset hinge angles are U(−noise, noise): 0.01.
    pub reset_noise: f64,
}

impl ReacherConfig {
    pub fn from_kwargs(kind: ReacherKind, k: &Kwargs) -> ReacherConfig {
        ReacherConfig {
            kind,
            power: k.float("power"),
            potential_constant: k.float("potential_constant"),
            r1: k.float("r1"),
            r2: k.float("r2"),
            reset_noise: k.float("reset_noise"),
        }
    }
}

const PLANE_NAMES: [&str; 22] = [
    "target_elbow_x",
    "target_elbow_y",
    "target_elbow_z",
    "target_hand_x",
    "target_hand_y",
    "target_hand_z",
    "elbow_x",
    "elbow_y",
    "elbow_z",
    "hand_x",
    "hand_y",
    "hand_z",
    "elbow_to_target_x",
    "elbow_to_target_y",
    "elbow_to_target_z",
    "hand_to_target_x",
    "hand_to_target_y",
    "hand_to_target_z",
    "shoulder",
    "elbow",
    "shoulder_dot",
    "elbow_dot",
];
const THREE_D_NAMES: [&str; 24] = [
    "target_elbow_x",
    "target_elbow_y",
    "target_elbow_z",
    "target_hand_x",
    "target_hand_y",
    "target_hand_z",
    "elbow_x",
    "elbow_y",
    "elbow_z",
    "hand_x",
    "hand_y",
    "hand_z",
    "elbow_to_target_x",
    "elbow_to_target_y",
    "elbow_to_target_z",
    "hand_to_target_x",
    "hand_to_target_y",
    "hand_to_target_z",
    "shoulder_z",
    "shoulder_y",
    "elbow",
    "shoulder_z_dot",
    "shoulder_y_dot",
    "elbow_dot",
];
const SOCIAL_NAMES: [&str; 10] = [
    "elbow_x",
    "elbow_y",
    "hand_x",
    "hand_y",
    "shoulder_dot",
    "elbow_dot",
    "target_elbow_x",
    "target_elbow_y",
    "target_hand_x",
    "target_hand_y",
];

const P_SHOULDER: Param = Param::offset(
    "shoulder",
    -0.5,
    0.5,
    "added to the shoulder's reset angle (rad)",
);
const P_ELBOW: Param = Param::offset("elbow", -0.5, 0.5, "added to the elbow's reset angle (rad)");
const P_SHOULDER_DOT: Param = Param::offset(
    "shoulder_dot",
    -2.0,
    2.0,
    "the shoulder's initial rate (rad/s)",
);
const P_ELBOW_DOT: Param =
    Param::offset("elbow_dot", -2.0, 2.0, "the elbow's initial rate (rad/s)");
const PLANE_PERTURBATIONS: [Param; 4] = [P_SHOULDER, P_ELBOW, P_SHOULDER_DOT, P_ELBOW_DOT];
const SOCIAL_PERTURBATIONS: [Param; 6] = [
    P_SHOULDER,
    P_ELBOW,
    P_SHOULDER_DOT,
    P_ELBOW_DOT,
    Param::offset(
        "target_shoulder",
        -std::f64::consts::PI,
        std::f64::consts::PI,
        "added to the drawn target pose's shoulder angle (rad; not to a target set from outside)",
    ),
    Param::offset(
        "target_elbow",
        -std::f64::consts::PI,
        std::f64::consts::PI,
        "added to the drawn target pose's elbow angle (rad; not to a target set from outside)",
    ),
];
const THREE_D_PERTURBATIONS: [Param; 6] = [
    Param::offset(
        "shoulder_z",
        -0.5,
        0.5,
        "added to the shoulder's reset angle about z (rad)",
    ),
    Param::offset(
        "shoulder_y",
        -0.5,
        0.5,
        "added to the shoulder's reset angle about y (rad)",
    ),
    Param::offset("elbow", -0.5, 0.5, "added to the elbow's reset angle (rad)"),
    Param::offset(
        "shoulder_z_dot",
        -2.0,
        2.0,
        "the shoulder's initial rate about z (rad/s)",
    ),
    Param::offset(
        "shoulder_y_dot",
        -2.0,
        2.0,
        "the shoulder's initial rate about y (rad/s)",
    ),
    Param::offset("elbow_dot", -2.0, 2.0, "the elbow's initial rate (rad/s)"),
];

/// SocialReacher's target poses from a data set (`--targets`): hinge angles, one pose an entry.
/// Each episode draws one uniformly (one draw of the environment's RNG) in place of a random pose,
/// as Gestures' training resamples its targets from the training set when an episode ends.
///
/// The poses are read once per command and live as long as the process: leaked, so that the
/// [`EnvOptions`](crate::env::EnvOptions) holding this stay `Copy` (every stage and worker copies
/// them). Two sets are equal when they are the same allocation.
#[derive(Debug, Clone, Copy)]
pub struct PoseSet {
    /// Where the poses came from (for messages).
    pub source: &'static str,
    pub angles: &'static [[f64; 2]],
}

impl PoseSet {
    /// A set of `angles` (at least one pose) read from `source`, for the rest of the process.
    pub fn leak(source: String, angles: Vec<[f64; 2]>) -> PoseSet {
        assert!(!angles.is_empty(), "a pose set holds at least one pose");
        PoseSet {
            source: Box::leak(source.into_boxed_str()),
            angles: Box::leak(angles.into_boxed_slice()),
        }
    }
}

impl PartialEq for PoseSet {
    fn eq(&self, other: &PoseSet) -> bool {
        std::ptr::eq(self.angles, other.angles)
    }
}

impl Eq for PoseSet {}

pub struct Reacher {
    id: &'static str,
    config: ReacherConfig,
    arm: Arm,
    elbow: usize,
    hand: usize,
    rng: RandomState,
    recipe: Recipe<RandomState>,
    /// The reset angles before perturbation.
    q0: Vec<f64>,
    /// The target in force (elbow then hand: xyz each, or xy for SocialReacher).
    target: Vec<f64>,
    /// A target set from outside, used by every episode from then on instead of a drawn one.
    fixed_target: Option<Vec<f64>>,
    /// SocialReacher's drawn target pose (its hinge angles), which perturbations turn.
    target_angles: [f64; 2],
    /// SocialReacher's poses to draw from, instead of random angles.
    poses: Option<PoseSet>,
    potential: [f64; 2],
    under_way: bool,
}

impl Reacher {
    pub fn new(id: &'static str, config: ReacherConfig) -> Reacher {
        let model = mjcf::parse(config.kind.xml(), "built-in reacher")
            .expect("the built-in reacher parses");
        let elbow = model.body("robot_elbow").expect("the arm has an elbow");
        let hand = model.body("robot_hand").expect("the arm has a hand");
        let physics = ArmPhysics {
            gravity: 9.81,
            dt: 0.0165 / 4.0,
            substeps: 1,
        };
        let arm = Arm::new(model, physics).expect("the built-in reacher builds");
        let n = config.kind.hinges();
        Reacher {
            id,
            config,
            arm,
            elbow,
            hand,
            rng: RandomState::from_gym_seed(0),
            recipe: Recipe::default(),
            q0: vec![0.0; n],
            target: vec![0.0; config.kind.target_len()],
            fixed_target: None,
            target_angles: [0.0; 2],
            poses: None,
            potential: [0.0; 2],
            under_way: false,
        }
    }

    /// The reacher a name `env::make` takes (`ID[:key=value,…]`), as the concrete type (for
    /// `set_target`, `rgb` and the arm) and without the time limit `make` wraps it in.
    pub fn from_name(name: &str) -> Result<Reacher> {
        let n = EnvName::parse(name)?;
        let kind = ReacherKind::of(n.spec.id).ok_or_else(|| {
            Error::Invalid(format!(
                "{name} is not a reacher (ReacherPlane-v0, Reacher3D-v0, SocialReacher-v0)"
            ))
        })?;
        Ok(Reacher::new(
            n.spec.id,
            ReacherConfig::from_kwargs(kind, &n.kwargs),
        ))
    }

    /// Draw SocialReacher's targets from `poses` (`None`: random reachable poses). Other reachers
    /// ignore it.
    pub fn with_poses(mut self, poses: Option<PoseSet>) -> Reacher {
        self.poses = poses.filter(|_| self.config.kind == ReacherKind::Social);
        self
    }

    /// The arm in force (for drawing and tests).
    pub fn arm(&self) -> &Arm {
        &self.arm
    }

    /// The target in force: elbow then hand, xyz each (xy for SocialReacher).
    pub fn target(&self) -> &[f64] {
        &self.target
    }

    /// The elbow and the hand, where the arm is now.
    pub fn current_key_points(&self) -> [[f64; 3]; 2] {
        [
            self.arm.body_position(self.elbow),
            self.arm.body_position(self.hand),
        ]
    }

    /// What Roboschool's camera sees of the arm (the seed's `get_rgb`): `height` rows of `width`
    /// RGB pixels, top row first, from above for the planar arms (+x right, +y up) and from
    /// (0.5, 0, 1) for Reacher3D, looking at (0, 0, 0.4); no target markers (SocialReacher's target
    /// image is this image of the arm in the target pose). 4 × 4 rays a pixel up to 100 × 100 pixels,
    /// 2 × 2 above.
    pub fn rgb(&self, width: usize, height: usize) -> Vec<u8> {
        let camera = match self.config.kind {
            ReacherKind::ThreeD => Camera::REACHER_3D,
            _ => Camera::OVERHEAD,
        };
        let samples = if width * height <= 100 * 100 { 4 } else { 2 };
        solid::render(
            &self.arm.world_geoms(),
            &camera,
            (width, height),
            samples,
            Some(Ground::PLAIN),
        )
    }

    /// Set the target pose from outside (Gestures' `set_target`): elbow then hand, xy for
    /// SocialReacher (4 values), xyz for the others (6). It holds from now on, this episode (the
    /// potential is taken anew, so the change itself earns nothing) and every later one, until the
    /// next call. Refused: the wrong length, a value that is not finite, or a pose the arm cannot
    /// take (the elbow more than [`REACH_TOLERANCE`] off its circle or sphere around the shoulder,
    /// the hand off its own around the elbow, or, for the plane arm, off its plane).
    pub fn set_target(&mut self, target: &[f64]) -> Result<()> {
        let want = self.config.kind.target_len();
        if target.len() != want {
            return Err(Error::Invalid(format!(
                "{}: a target has {want} values (elbow then hand, {}), got {}",
                self.id,
                if want == 4 { "x y each" } else { "x y z each" },
                target.len()
            )));
        }
        if let Some(v) = target.iter().find(|v| !v.is_finite()) {
            return Err(Error::Invalid(format!(
                "{}: target value {v} is not finite",
                self.id
            )));
        }
        self.check_reach(target)?;
        self.aim(target);
        Ok(())
    }

    /// Set the target pose from outside as [`Reacher::set_target`] does, but take a pose out of
    /// the arm's reach too (the wrong length or a value that is not finite is still refused): pose
    /// mimicry feeds the policy what a CNN reads from an image, reachable or not, as the seed does.
    /// Returns whether the pose is within reach.
    pub fn set_target_anywhere(&mut self, target: &[f64]) -> Result<bool> {
        let want = self.config.kind.target_len();
        if target.len() != want || target.iter().any(|v| !v.is_finite()) {
            return self.set_target(target).map(|_| true);
        }
        let reachable = self.check_reach(target).is_ok();
        self.aim(target);
        Ok(reachable)
    }

    /// Whether the arm can take `target` (of the right length, finite), or why not.
    fn check_reach(&self, target: &[f64]) -> Result<()> {
        let want = self.config.kind.target_len();
        let half = want / 2;
        let (elbow, hand) = target.split_at(half);
        let shoulder = &SHOULDER[..half];
        let upper = dist(elbow, shoulder);
        let fore = dist(hand, elbow);
        if (upper - UPPER_ARM).abs() > REACH_TOLERANCE || (fore - FOREARM).abs() > REACH_TOLERANCE {
            return Err(Error::Invalid(format!(
                "{}: target {target:?} is out of reach: the elbow target is {upper:.3} m from the \
                 shoulder and the hand target {fore:.3} m from it; the arm's are {UPPER_ARM} and \
                 {FOREARM} (within {REACH_TOLERANCE})",
                self.id
            )));
        }
        if self.config.kind == ReacherKind::Plane {
            if let Some(z) = [target[2], target[5]]
                .into_iter()
                .find(|z| (z - SHOULDER[2]).abs() > REACH_TOLERANCE)
            {
                return Err(Error::Invalid(format!(
                    "{}: target {target:?} is out of reach: a target at z = {z} is off the plane \
                     arm's plane z = {}",
                    self.id, SHOULDER[2]
                )));
            }
        }
        Ok(())
    }

    fn aim(&mut self, target: &[f64]) {
        self.fixed_target = Some(target.to_vec());
        self.target = target.to_vec();
        if self.under_way {
            self.potential = self.calc_potential();
        }
    }

    /// Targets drawn for an episode, as the seed draws them.
    fn draw_target(&mut self) -> Vec<f64> {
        let r = TARGET_RADIUS;
        match self.config.kind {
            ReacherKind::Plane => {
                let [x0, y0, z0] = SHOULDER;
                let a = 2.0 * std::f64::consts::PI * self.rng.random_sample();
                let (x, y) = (x0 + r * a.cos(), y0 + r * a.sin());
                let b = 2.0 * std::f64::consts::PI * self.rng.random_sample();
                vec![x, y, z0, x + r * b.cos(), y + r * b.sin(), z0]
            }
            ReacherKind::ThreeD => {
                let mut out = Vec::with_capacity(6);
                let mut c = SHOULDER;
                for _ in 0..2 {
                    let theta = std::f64::consts::PI * self.rng.random_sample();
                    let phi = 2.0 * std::f64::consts::PI * self.rng.random_sample();
                    c = [
                        c[0] + r * theta.sin() * phi.cos(),
                        c[1] + r * theta.sin() * phi.sin(),
                        c[2] + r * theta.cos(),
                    ];
                    out.extend(c);
                }
                out
            }
            ReacherKind::Social => {
                let pi = std::f64::consts::PI;
                self.target_angles = match self.poses {
                    Some(set) => {
                        let n = set.angles.len();
                        set.angles[((self.rng.random_sample() * n as f64) as usize).min(n - 1)]
                    }
                    None => [self.rng.uniform(-pi, pi), self.rng.uniform(-pi, pi)],
                };
                social_target(self.target_angles)
            }
        }
    }

    fn build(&mut self) -> Vec<f64> {
        self.recipe = Recipe::start(&self.rng, self.perturbations().len());
        let noise = self.config.reset_noise;
        self.q0 = (0..self.config.kind.hinges())
            .map(|_| self.rng.uniform(-noise, noise))
            .collect();
        // Drawn even when a target is set from outside, so the RNG's stream does not depend on it.
        let drawn = self.draw_target();
        self.target = self.fixed_target.clone().unwrap_or(drawn);
        let n = self.q0.len();
        self.start(&self.q0.clone(), &vec![0.0; n])
    }

    fn start(&mut self, q: &[f64], qd: &[f64]) -> Vec<f64> {
        self.arm.place(q, qd);
        self.under_way = true;
        self.potential = self.calc_potential();
        self.observe()
    }

    /// The potentials: elbow and hand (SocialReacher: the whole pose, and 0).
    fn calc_potential(&self) -> [f64; 2] {
        let [e, h] = self.current_key_points();
        let k = self.config.potential_constant;
        match self.config.kind {
            ReacherKind::Social => {
                let kp = [e[0], e[1], h[0], h[1]];
                [-k * dist(&self.target, &kp), 0.0]
            }
            _ => [
                -k * dist(&e, &self.target[..3]),
                -k * dist(&h, &self.target[3..]),
            ],
        }
    }

    fn observe(&self) -> Vec<f64> {
        let [e, h] = self.current_key_points();
        let joints = self.arm.joint_state();
        // Roboschool's joint readings are float32.
        let speeds = joints.iter().map(|(_, qd)| (0.1 * qd) as f32 as f64);
        match self.config.kind {
            ReacherKind::Social => [e[0], e[1], h[0], h[1]]
                .into_iter()
                .chain(speeds)
                .chain(self.target.iter().copied())
                .collect(),
            _ => {
                let t = &self.target;
                let to = [
                    e[0] - t[0],
                    e[1] - t[1],
                    e[2] - t[2],
                    h[0] - t[3],
                    h[1] - t[4],
                    h[2] - t[5],
                ];
                let angles = joints.iter().map(|(q, _)| {
                    let pi = std::f64::consts::PI;
                    let w = (q + pi).rem_euclid(2.0 * pi) - pi;
                    (if w <= -pi { w + 2.0 * pi } else { w }) as f32 as f64
                });
                t.iter()
                    .copied()
                    .chain(e)
                    .chain(h)
                    .chain(to)
                    .chain(angles)
                    .chain(speeds)
                    .collect()
            }
        }
    }

    fn physics_step(&mut self, a: &[f64]) -> Step {
        assert!(self.under_way, "{}: reset before step", self.id);
        self.recipe.actions.extend_from_slice(a);
        self.recipe.actions.extend_from_slice(&self.target);
        let torque: Vec<f64> = a
            .iter()
            .map(|v| 0.05 * 100.0 * self.config.power * v.clamp(-1.0, 1.0))
            .collect();
        self.arm.step(&torque);
        let old = self.potential;
        self.potential = self.calc_potential();
        let obs = self.observe();
        let [e, h] = self.current_key_points();
        let (reward, info) = match self.config.kind {
            ReacherKind::Social => {
                let kp = [e[0], e[1], h[0], h[1]];
                (
                    self.config.r1 * (self.potential[0] - old[0]),
                    Info::NONE.with("distance", dist(&self.target, &kp)),
                )
            }
            _ => (
                self.config.r1 * (self.potential[0] - old[0])
                    + self.config.r2 * (self.potential[1] - old[1]),
                Info::NONE
                    .with("elbow_distance", dist(&e, &self.target[..3]))
                    .with("hand_distance", dist(&h, &self.target[3..])),
            ),
        };
        Step {
            obs,
            reward,
            terminated: false,
            truncated: false,
            info,
        }
    }
}

impl Env for Reacher {
    fn id(&self) -> &str {
        self.id
    }

    fn observation_space(&self) -> Space {
        Space::symmetric(vec![f64::INFINITY; self.observation_names().len()])
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![1.0; self.config.kind.hinges()])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        match self.config.kind {
            ReacherKind::Plane => &PLANE_NAMES,
            ReacherKind::ThreeD => &THREE_D_NAMES,
            ReacherKind::Social => &SOCIAL_NAMES,
        }
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = RandomState::from_gym_seed(seed);
        }
        self.build()
    }

    fn step(&mut self, action: &Action) -> Step {
        let n = self.config.kind.hinges();
        match action {
            Action::Continuous(a) if a.len() == n => self.physics_step(a),
            other => panic!("{}: invalid action {other:?} (Box(-1, 1, ({n},)))", self.id),
        }
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(300)
    }

    fn perturbations(&self) -> Vec<Param> {
        match self.config.kind {
            ReacherKind::ThreeD => THREE_D_PERTURBATIONS.to_vec(),
            ReacherKind::Plane => PLANE_PERTURBATIONS.to_vec(),
            ReacherKind::Social => SOCIAL_PERTURBATIONS.to_vec(),
        }
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        let n = self.config.kind.hinges();
        let get = |i: usize| values.get(i).copied().flatten().unwrap_or(0.0);
        let q: Vec<f64> = (0..n).map(|k| self.q0[k] + get(k)).collect();
        let qd: Vec<f64> = (0..n).map(|k| get(n + k)).collect();
        if self.config.kind == ReacherKind::Social && self.fixed_target.is_none() {
            let [a, b] = self.target_angles;
            self.target = social_target([a + get(2 * n), b + get(2 * n + 1)]);
        }
        self.recipe.perturbed(values);
        self.start(&q, &qd)
    }

    fn snapshot(&self) -> Snapshot {
        self.recipe.snapshot(self.id, self.under_way, &self.rng)
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        replay::restore(self, s)
    }

    /// The arm, and the targets as the seed's target spheres (red: the elbow's, green: the hand's).
    fn solids(&self) -> Vec<Geom> {
        let mut out = self.arm.world_geoms();
        let half = self.target.len() / 2;
        for (k, rgba) in [[0.9, 0.2, 0.2, 1.0], [0.2, 0.9, 0.2, 1.0]]
            .iter()
            .enumerate()
        {
            let t = &self.target[k * half..(k + 1) * half];
            let center = [t[0], t[1], if half == 3 { t[2] } else { SHOULDER[2] }];
            out.push(Geom {
                name: format!("target{k}"),
                shape: Shape::Sphere {
                    center,
                    radius: 0.02,
                },
                friction: 0.0,
                rgba: *rgba,
            });
        }
        out
    }
}

impl Rebuild for Reacher {
    type Rng = RandomState;

    /// The action and the target in force at each step: a target set mid-episode replays too.
    fn per_step(&self) -> usize {
        self.config.kind.hinges() + self.config.kind.target_len()
    }

    fn resume(&mut self, rng: RandomState, episode: bool) {
        self.rng = rng;
        self.under_way = episode;
    }

    fn build_world(&mut self) -> Vec<f64> {
        self.build()
    }

    fn replay_step(&mut self, recorded: &[f64]) {
        let (a, target) = recorded.split_at(self.config.kind.hinges());
        if target != self.target.as_slice() {
            self.target = target.to_vec();
            self.potential = self.calc_potential();
        }
        self.physics_step(a);
    }
}
