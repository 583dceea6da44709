//! AntBulletEnv-v0 (pybullet_envs 3.2.7 on gym 0.18) on rapier3d, and HyperNCA's damaged and resized
//! ants as keyword arguments of the same constructor.
//!
//! The task is pybullet_envs' `WalkerBaseBulletEnv` with its `Ant` robot, line for line:
//! - torque `power × 100 × clip(a, −1, 1)` on each hinge (file order: hip_1, ankle_1, … ankle_4), in
//!   each of the 4 substeps of 0.0165 s;
//! - the 28 observations, float32 and clipped to ±5: `[z − z0, sin θ, cos θ, 0.3 v (rotated by −yaw),
//!   roll, pitch]`, then per hinge `2 (q − mid) / (hi − lo)` and `0.1 q̇`, then the four feet's floor
//!   contacts **of the previous step** (`calc_state` runs before the contacts are read); x and y are
//!   the mean over pybullet's parts **and the floor** (at 0, 0: the stadium's `floor` is one of
//!   `parts`), z the torso's;
//! - reward = alive (±1: torso z > 0.26) + progress (Φ_t − Φ_{t−1}, Φ = −distance to (1000, 0) /
//!   0.0165) + electricity (−2 · mean|a ⊙ 0.1 q̇| − 0.1 · mean a², unclipped a) + joints at limit
//!   (−0.1 per |q_rel| > 0.99); done once alive < 0 or an observation is not finite;
//! - reset: joints at U(−0.1, 0.1) from gym 0.18's seeding (MT19937), at rest; the ankles start outside
//!   their limits, as in pybullet.
//!
//! The physics is rapier's, not Bullet's: there is no bit-exact oracle across engines, and
//! `cargo bench --bench ant` measures the distance beside pybullet (docs/ant.md).

use super::body::{Physics, Robot};
use super::mjcf;
use crate::env::legacy_rng::RandomState;
use crate::env::replay::{self, Rebuild, Recipe};
use crate::env::spec::Kwargs;
use crate::env::{Action, Env, Info, Param, Snapshot, Space, Step};
use crate::error::Result;

/// pybullet_data's `mjcf/ant.xml`, which pybullet_envs loads (OpenAI gym's ant, MIT licence).
pub const ANT_XML: &str = include_str!("../../../assets/mjcf/ant.xml");

/// `WalkerBase.walk_target_x`: a target 1 km ahead.
const TARGET_X: f64 = 1e3;
/// pybullet_envs' `power_coef` of every ant joint.
const POWER_COEF: f64 = 100.0;
/// Substeps that receive the torque: all 4. (Only the first, as a cleared `TORQUE_CONTROL` force
/// would give, makes the random-action ant fall within about 70 steps, against pybullet's 799.)
const TORQUE_SUBSTEPS: usize = 4;
const ELECTRICITY_COST: f64 = -2.0;
const STALL_TORQUE_COST: f64 = -0.1;
const JOINTS_AT_LIMIT_COST: f64 = -0.1;
/// A damaged foot's length (HyperNCA's AsymFront and AsymCross ants: 0.4 → 0.25).
pub const DAMAGED_FOOT: f64 = 0.25;
/// The feet, in pybullet_envs' `foot_list` order, and their directions in the plane.
const FEET: [(&str, f64, f64); 4] = [
    ("front_left_foot", 1.0, 1.0),
    ("front_right_foot", -1.0, 1.0),
    ("left_back_foot", -1.0, -1.0),
    ("right_back_foot", 1.0, -1.0),
];

pub const OBSERVATION_NAMES: [&str; 28] = [
    "z_rel",
    "sin_to_target",
    "cos_to_target",
    "vx",
    "vy",
    "vz",
    "roll",
    "pitch",
    "hip_1",
    "hip_1_dot",
    "ankle_1",
    "ankle_1_dot",
    "hip_2",
    "hip_2_dot",
    "ankle_2",
    "ankle_2_dot",
    "hip_3",
    "hip_3_dot",
    "ankle_3",
    "ankle_3_dot",
    "hip_4",
    "hip_4_dot",
    "ankle_4",
    "ankle_4_dot",
    "front_left_foot_contact",
    "front_right_foot_contact",
    "left_back_foot_contact",
    "right_back_foot_contact",
];

/// The body and task an id and its keyword arguments make.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AntConfig {
    /// Each foot's reach along x (and along y, times `foot_aspect`), in [`FEET`] order: 0.4.
    pub feet: [f64; 4],
    /// The feet's y reach over their x reach: 1 (AntBulletBigEnv: 1.5).
    pub foot_aspect: f64,
    pub torso_radius: f64,
    /// The torso's height at reset.
    pub torso_z: f64,
    /// `WalkerBase.power`: 2.5 (HyperNCA's big ant 3, small 2).
    pub power: f64,
    /// Alive while the torso is above this height: 0.26 (HyperNCA's small ant 0.16).
    pub alive_z: f64,
    /// Reset joint angles are U(−noise, noise): 0.1 (HyperNCA's copy resets to 0, drawing nothing).
    pub reset_noise: f64,
    /// rapier's solver iterations a substep (4).
    pub solver_iterations: usize,
}

impl AntConfig {
    pub fn from_kwargs(k: &Kwargs) -> AntConfig {
        AntConfig {
            feet: [
                k.float("front_left_foot"),
                k.float("front_right_foot"),
                k.float("back_left_foot"),
                k.float("back_right_foot"),
            ],
            foot_aspect: k.float("foot_aspect"),
            torso_radius: k.float("torso_radius"),
            torso_z: k.float("torso_z"),
            power: k.float("power"),
            alive_z: k.float("alive_z"),
            reset_noise: k.float("reset_noise"),
            solver_iterations: match k.get("solver_iterations") {
                crate::env::Value::Steps(n) => n,
                v => panic!("solver_iterations is {v:?}"),
            },
        }
    }

    /// The ant's MJCF: pybullet_data's `ant.xml` with this torso and these feet.
    pub fn xml(&self) -> String {
        let legs = [
            (
                "front_left_leg",
                "aux_1",
                "hip_1",
                "ankle_1",
                "-1 1 0",
                "30 100",
            ),
            (
                "front_right_leg",
                "aux_2",
                "hip_2",
                "ankle_2",
                "1 1 0",
                "-100 -30",
            ),
            (
                "left_back_leg",
                "aux_3",
                "hip_3",
                "ankle_3",
                "-1 1 0",
                "-100 -30",
            ),
            (
                "right_back_leg",
                "aux_4",
                "hip_4",
                "ankle_4",
                "1 1 0",
                "30 100",
            ),
        ];
        let mut bodies = String::new();
        for (i, (leg, aux, hip, ankle, axis, range)) in legs.iter().enumerate() {
            let (foot, sx, sy) = FEET[i];
            let (dx, dy) = (sx * 0.2, sy * 0.2);
            let (fx, fy) = (sx * self.feet[i], sy * self.feet[i] * self.foot_aspect);
            bodies.push_str(&format!(
                r#"
      <body name="{leg}" pos="0 0 0">
        <geom fromto="0.0 0.0 0.0 {dx} {dy} 0.0" name="{aux}_geom" size="0.08" type="capsule"/>
        <body name="{aux}" pos="{dx} {dy} 0">
          <joint axis="0 0 1" name="{hip}" pos="0.0 0.0 0.0" range="-40 40" type="hinge"/>
          <geom fromto="0.0 0.0 0.0 {dx} {dy} 0.0" name="{aux}_leg_geom" size="0.08" type="capsule"/>
          <body pos="{dx} {dy} 0" name="{foot}">
            <joint axis="{axis}" name="{ankle}" pos="0.0 0.0 0.0" range="{range}" type="hinge"/>
            <geom fromto="0.0 0.0 0.0 {fx} {fy} 0.0" name="{foot}_geom" size="0.08" type="capsule"/>
          </body>
        </body>
      </body>"#
            ));
        }
        format!(
            r#"<mujoco model="ant">
  <compiler angle="degree" coordinate="local" inertiafromgeom="true"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom conaffinity="0" condim="3" density="5.0" friction="1.5 0.1 0.1" margin="0.01" rgba="0.8 0.6 0.4 1"/>
  </default>
  <worldbody>
    <body name="torso" pos="0 0 {z}">
      <geom name="torso_geom" pos="0 0 0" size="{r}" type="sphere"/>{bodies}
    </body>
  </worldbody>
  <actuator>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="hip_4" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="ankle_4" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="hip_1" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="ankle_1" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="hip_2" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="ankle_2" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="hip_3" gear="150"/>
    <motor ctrllimited="true" ctrlrange="-1.0 1.0" joint="ankle_3" gear="150"/>
  </actuator>
</mujoco>
"#,
            z = self.torso_z,
            r = self.torso_radius,
        )
    }

    /// The robot of this configuration.
    fn robot(&self) -> Robot {
        let model = mjcf::parse(&self.xml(), "the ant's MJCF").expect("the ant's MJCF is valid");
        Robot::new(
            model,
            Physics::LOCOMOTION.with_iterations(self.solver_iterations),
        )
        .expect("the ant builds")
    }
}

/// pybullet's `getEulerFromQuaternion` (roll, pitch, yaw) of `q` = (x, y, z, w).
fn euler(q: [f64; 4]) -> [f64; 3] {
    let [x, y, z, w] = q;
    let (squ, sqx, sqy, sqz) = (w * w, x * x, y * y, z * z);
    let sarg = -2.0 * (x * z - w * y);
    if sarg <= -0.99999 {
        [0.0, -0.5 * std::f64::consts::PI, 2.0 * x.atan2(-y)]
    } else if sarg >= 0.99999 {
        [0.0, 0.5 * std::f64::consts::PI, 2.0 * (-x).atan2(y)]
    } else {
        [
            (2.0 * (y * z + w * x)).atan2(squ - sqx - sqy + sqz),
            sarg.asin(),
            (2.0 * (x * y + w * z)).atan2(squ + sqx - sqy - sqz),
        ]
    }
}

pub struct Ant {
    id: &'static str,
    config: AntConfig,
    robot: Robot,
    /// The foot damaged by the perturbation in force (1..=4), if any.
    damaged: Option<usize>,
    rng: RandomState,
    recipe: Recipe<RandomState>,
    /// Joint angles of the episode's reset, before perturbation.
    q0: Vec<f64>,
    feet: [usize; 4],
    feet_contact: [f64; 4],
    initial_z: Option<f64>,
    potential: f64,
    joint_speeds: [f64; 8],
    joints_at_limit: usize,
    /// `body_xyz`'s x and y: the mean over the parts and the floor.
    body_xy: [f64; 2],
    under_way: bool,
}

impl Ant {
    pub fn new(id: &'static str, config: AntConfig) -> Ant {
        let robot = config.robot();
        let feet = FEET.map(|(name, _, _)| robot.model.body(name).expect("the ant has its feet"));
        Ant {
            id,
            config,
            robot,
            damaged: None,
            // Never OS entropy: an environment that was never seeded starts from seed 0.
            rng: RandomState::from_gym_seed(0),
            recipe: Recipe::default(),
            q0: vec![0.0; 8],
            feet,
            feet_contact: [0.0; 4],
            initial_z: None,
            potential: 0.0,
            joint_speeds: [0.0; 8],
            joints_at_limit: 0,
            body_xy: [0.0; 2],
            under_way: false,
        }
    }

    /// The body in force (for tests and drawing).
    pub fn robot(&self) -> &Robot {
        &self.robot
    }

    /// The episode's start from the RNG, as `reset` makes it.
    fn build(&mut self) -> Vec<f64> {
        self.recipe = Recipe::start(&self.rng, self.perturbations().len());
        if self.damaged.take().is_some() {
            self.robot = self.config.robot();
        }
        let noise = self.config.reset_noise;
        self.q0 = (0..self.robot.hinges.len())
            .map(|_| {
                if noise > 0.0 {
                    self.rng.uniform(-noise, noise)
                } else {
                    0.0
                }
            })
            .collect();
        self.start(&self.q0.clone(), [0.0; 3], 0.0)
    }

    /// Place the body, then take `calc_state` and the potential as pybullet_envs' `reset` does.
    fn start(&mut self, q: &[f64], push: [f64; 3], spin: f64) -> Vec<f64> {
        let root = self.robot.root_pos();
        self.robot.place(root, q);
        self.robot.push_root(push, spin);
        self.feet_contact = [0.0; 4];
        self.initial_z = None;
        self.under_way = true;
        let (obs, _) = self.calc_state();
        self.potential = self.calc_potential();
        obs
    }

    /// `WalkerBase.calc_state`: the observation, and the torso's height.
    fn calc_state(&mut self) -> (Vec<f64>, f64) {
        let mut j = Vec::with_capacity(16);
        self.joints_at_limit = 0;
        for (k, ((q, qd), h)) in self
            .robot
            .joint_state()
            .into_iter()
            .zip(&self.robot.hinges)
            .enumerate()
        {
            // pybullet holds the limits as float32.
            let [lo, hi] = h
                .range
                .expect("the ant's hinges are limited")
                .map(|v| v as f32 as f64);
            let mid = 0.5 * (lo + hi);
            let rel = (2.0 * (q - mid) / (hi - lo)) as f32 as f64;
            let speed = (0.1 * qd) as f32 as f64;
            if rel.abs() > 0.99 {
                self.joints_at_limit += 1;
            }
            self.joint_speeds[k] = speed;
            j.extend([rel, speed]);
        }
        let parts = self.robot.part_positions();
        // The stadium's floor, at the origin, is one of pybullet_envs' parts.
        let n = (parts.len() + 1) as f64;
        let x = parts.iter().map(|p| p[0]).sum::<f64>() / n;
        let y = parts.iter().map(|p| p[1]).sum::<f64>() / n;
        let (pos, quat) = self.robot.root_pose();
        let z = pos[2];
        let z0 = *self.initial_z.get_or_insert(z);
        let [roll, pitch, yaw] = euler(quat);
        self.body_xy = [x, y];
        let to_target = (0.0 - y).atan2(TARGET_X - x) - yaw;
        let v = self.robot.root_velocity();
        let (c, s) = ((-yaw).cos(), (-yaw).sin());
        let (vx, vy, vz) = (c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]);
        let more = [
            z - z0,
            to_target.sin(),
            to_target.cos(),
            0.3 * vx,
            0.3 * vy,
            0.3 * vz,
            roll,
            pitch,
        ];
        let obs = more
            .iter()
            .map(|v| *v as f32 as f64)
            .chain(j)
            .chain(self.feet_contact)
            .map(|v| v.clamp(-5.0, 5.0))
            .collect();
        (obs, z)
    }
}

impl Ant {
    /// `WalkerBase.calc_potential`: minus the distance to the target over the control step.
    fn calc_potential(&self) -> f64 {
        let [x, y] = self.body_xy;
        -(0.0 - y).hypot(TARGET_X - x) / self.robot.physics.dt
    }

    /// `WalkerBaseBulletEnv.step` without the argument checks.
    fn physics_step(&mut self, a: &[f64]) -> Step {
        assert!(self.under_way, "{}: reset before step", self.id);
        self.recipe.actions.extend_from_slice(a);
        let torque: Vec<f64> = a
            .iter()
            .map(|v| self.config.power * POWER_COEF * v.clamp(-1.0, 1.0))
            .collect();
        self.robot.step(&torque, TORQUE_SUBSTEPS);
        let (obs, _) = self.calc_state();
        // `state[0] + initial_z`: the float32 height difference, back in float64.
        let z = obs[0] + self.initial_z.unwrap_or(0.0);
        let alive = if z > self.config.alive_z { 1.0 } else { -1.0 };
        let done = alive < 0.0 || obs.iter().any(|v| !v.is_finite());
        let old = self.potential;
        self.potential = self.calc_potential();
        let progress = self.potential - old;
        for (k, foot) in self.feet.iter().enumerate() {
            self.feet_contact[k] = if self.robot.touches_floor(*foot) {
                1.0
            } else {
                0.0
            };
        }
        let n = a.len() as f64;
        let electricity = ELECTRICITY_COST
            * (a.iter()
                .zip(&self.joint_speeds)
                .map(|(a, s)| (a * s).abs())
                .sum::<f64>()
                / n)
            + STALL_TORQUE_COST * (a.iter().map(|a| a * a).sum::<f64>() / n);
        let at_limit = JOINTS_AT_LIMIT_COST * self.joints_at_limit as f64;
        Step {
            obs,
            reward: alive + progress + electricity + at_limit,
            terminated: done,
            truncated: false,
            info: Info::NONE
                .with("alive", alive)
                .with("progress", progress)
                .with("electricity", electricity)
                .with("joints_at_limit", at_limit),
        }
    }
}

const PERTURBATIONS: [Param; 6] = [
    Param::offset(
        "hips",
        -0.1,
        0.1,
        "added to the four hip angles at reset (rad)",
    ),
    Param::offset(
        "ankles",
        -0.1,
        0.1,
        "added to the four ankle angles at reset (rad)",
    ),
    Param::offset(
        "push_x",
        -0.5,
        0.5,
        "the torso's initial velocity along x (m/s)",
    ),
    Param::offset(
        "push_y",
        -0.5,
        0.5,
        "the torso's initial velocity along y (m/s)",
    ),
    Param::offset(
        "spin",
        -0.5,
        0.5,
        "the torso's initial turning rate about z (rad/s)",
    ),
    Param::physical(
        "damaged_foot",
        0.0,
        0.0,
        4.0,
        "which foot is shortened to 0.25 for the episode (rounded: 0 none, 1 front-left, \
         2 front-right, 3 back-left, 4 back-right)",
    ),
];

impl Env for Ant {
    fn id(&self) -> &str {
        self.id
    }

    fn observation_space(&self) -> Space {
        Space::symmetric(vec![f64::INFINITY; 28])
    }

    fn action_space(&self) -> Space {
        Space::symmetric(vec![1.0; 8])
    }

    fn observation_names(&self) -> &'static [&'static str] {
        &OBSERVATION_NAMES
    }

    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        if let Some(seed) = seed {
            self.rng = RandomState::from_gym_seed(seed);
        }
        self.build()
    }

    fn step(&mut self, action: &Action) -> Step {
        match action {
            Action::Continuous(a) if a.len() == 8 => self.physics_step(a),
            other => panic!("{}: invalid action {other:?} (Box(-1, 1, (8,)))", self.id),
        }
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(1000)
    }

    fn perturbations(&self) -> Vec<Param> {
        PERTURBATIONS.to_vec()
    }

    fn apply_perturbation(&mut self, values: &[Option<f64>]) -> Vec<f64> {
        let get = |i: usize| values.get(i).copied().flatten().unwrap_or(0.0);
        let foot = get(5).round().clamp(0.0, 4.0) as usize;
        if foot > 0 {
            let mut damaged = self.config;
            damaged.feet[foot - 1] = DAMAGED_FOOT;
            self.robot = damaged.robot();
            self.damaged = Some(foot);
        }
        let q: Vec<f64> = self
            .q0
            .iter()
            .enumerate()
            .map(|(k, q)| q + if k % 2 == 0 { get(0) } else { get(1) })
            .collect();
        self.recipe.perturbed(values);
        self.start(&q, [get(2), get(3), 0.0], get(4))
    }

    fn snapshot(&self) -> Snapshot {
        self.recipe.snapshot(self.id, self.under_way, &self.rng)
    }

    fn restore(&mut self, s: &Snapshot) -> Result<()> {
        replay::restore(self, s)
    }

    fn solids(&self) -> Vec<mjcf::Geom> {
        self.robot.world_geoms()
    }
}

impl Rebuild for Ant {
    type Rng = RandomState;

    fn per_step(&self) -> usize {
        8
    }

    fn resume(&mut self, rng: RandomState, episode: bool) {
        self.rng = rng;
        self.under_way = episode;
    }

    fn build_world(&mut self) -> Vec<f64> {
        self.build()
    }

    fn replay_step(&mut self, action: &[f64]) {
        self.physics_step(action);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nominal() -> AntConfig {
        AntConfig {
            feet: [0.4; 4],
            foot_aspect: 1.0,
            torso_radius: 0.25,
            torso_z: 0.75,
            power: 2.5,
            alive_z: 0.26,
            reset_noise: 0.1,
            solver_iterations: 4,
        }
    }

    #[test]
    fn the_generated_ant_is_pybullet_datas() {
        let ours = mjcf::parse(&nominal().xml(), "ours").unwrap();
        let theirs = mjcf::parse(ANT_XML, "ant.xml").unwrap();
        assert_eq!(ours.bodies.len(), theirs.bodies.len());
        for (a, b) in ours.bodies.iter().zip(&theirs.bodies) {
            assert_eq!((&a.name, a.parent, a.pos), (&b.name, b.parent, b.pos));
            assert_eq!(a.joints, b.joints);
            let shapes =
                |x: &mjcf::Body| x.geoms.iter().map(|g| g.shape.clone()).collect::<Vec<_>>();
            assert_eq!(shapes(a), shapes(b));
        }
        assert_eq!(ours.motors, theirs.motors);
    }

    #[test]
    fn masses_are_pybullets() {
        let robot = nominal().robot();
        // pybullet 3.2.7: torso 65.4498, each aux and thigh 7.8316, each foot 13.5184: 182.18 kg.
        assert!((robot.mass() - 182.18).abs() < 0.01, "{}", robot.mass());
        assert_eq!(robot.parts.len(), 21);
    }

    #[test]
    fn euler_is_pybullets() {
        // A rotation of 0.3 about z, then 0.2 about y, then 0.1 about x (ZYX): pybullet gives back
        // (0.1, 0.2, 0.3).
        let (r, p, y) = (0.1f64, 0.2f64, 0.3f64);
        let (cr, sr, cp, sp, cy, sy) = (
            (r / 2.0).cos(),
            (r / 2.0).sin(),
            (p / 2.0).cos(),
            (p / 2.0).sin(),
            (y / 2.0).cos(),
            (y / 2.0).sin(),
        );
        let q = [
            sr * cp * cy - cr * sp * sy,
            cr * sp * cy + sr * cp * sy,
            cr * cp * sy - sr * sp * cy,
            cr * cp * cy + sr * sp * sy,
        ];
        let e = euler(q);
        for (a, b) in e.iter().zip([r, p, y]) {
            assert!((a - b).abs() < 1e-12, "{e:?}");
        }
    }

    #[test]
    fn a_placed_hinge_reads_back_its_angle() {
        let mut robot = nominal().robot();
        let q = [0.3, 0.9, -0.2, -1.0, 0.1, -0.7, -0.35, 1.2];
        let root = robot.root_pos();
        robot.place(root, &q);
        for ((got, _), want) in robot.joint_state().iter().zip(q) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn a_restored_snapshot_goes_on_bit_for_bit() {
        let mut a = Ant::new("AntBulletEnv-v0", nominal());
        a.reset(Some(3));
        a.apply_perturbation(&[Some(0.05), None, Some(0.3), None, None, Some(2.0)]);
        let act = |t: usize| {
            Action::Continuous((0..8).map(|k| ((t * 7 + k) as f64 * 0.37).sin()).collect())
        };
        for t in 0..20 {
            a.step(&act(t));
        }
        let snap = a.snapshot();
        let mut b = Ant::new("AntBulletEnv-v0", nominal());
        b.restore(&snap).unwrap();
        for t in 20..40 {
            let (x, y) = (a.step(&act(t)), b.step(&act(t)));
            assert_eq!(x, y, "step {t}");
        }
    }
}
