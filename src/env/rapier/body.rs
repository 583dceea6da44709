//! An articulated body from an MJCF [`Model`], built on rapier3d the way pybullet 3.2.7's `loadMJCF`
//! builds it for pybullet_envs, with the masses pybullet computes (not MuJoCo's):
//!
//! - every geom has density 1000 whatever its `density` says (pybullet ignores it): a sphere gets a
//!   solid sphere's inertia, a capsule its exact volume but the inertia of the box around it with
//!   Bullet's 0.04 m compound margin on each side (what `btCompoundShape::calculateLocalInertia`
//!   gives), about its centre, in its body's axes;
//! - a body without a joint is welded to its parent (one rigid body); a hinge joins two;
//! - hinges are driven by torque, applied as equal and opposite torques on the two bodies (rapier
//!   has no joint torque); limits hold as pybullet's MJCF limits do (a joint reset outside its
//!   range is not pushed back, only kept from moving further out); contacts between a body and
//!   any of its ancestors are off (pybullet's `URDF_USE_SELF_COLLISION_EXCLUDE_ALL_PARENTS`), others on;
//! - friction combines by product (Bullet's rule): geoms carry MJCF's first friction value, the floor
//!   0.8; restitution is the product too, so 0 against the ant's geoms.
//!
//! Parts are what pybullet_envs' `parts` holds: every MJCF body at its centre of mass, and for every
//! jointed body the zero-mass link pybullet inserts at the joint frame (`link0_N`).

use rapier3d::prelude::*;

use super::mjcf::{JointKind, Model, Shape};
use crate::error::{Error, Result};

/// Bullet's collision margin, added on every side of a compound's box when it computes inertia.
const COMPOUND_MARGIN: f64 = 0.04;
/// pybullet's density for every MJCF geom (kg/m³).
const DENSITY: f64 = 1000.0;
/// Bullet's default linear and angular damping of multibody links.
const LINK_DAMPING: f32 = 0.04;
/// The user data of the floor's collider.
const FLOOR: u128 = u128::MAX;

/// The physics of a scene: pybullet_envs' stadium floor and timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Physics {
    pub gravity: f64,
    /// One control step (s), split into `substeps`.
    pub dt: f64,
    pub substeps: usize,
    pub floor_friction: f64,
    pub floor_restitution: f64,
    /// rapier's solver iterations (its substeps) and the PGS iterations inside each. Impulse joints
    /// hold the ant's 97 kg torso on its 8 kg legs only as stiffly as they converge: 4 × 4 gives
    /// pybullet's random-action episodes best (docs/ant.md); more are stiffer and slower.
    pub solver_iterations: usize,
    pub pgs_iterations: usize,
}

impl Physics {
    /// pybullet_envs' locomotion scene: gravity 9.8, 0.0165 s in 4 substeps, floor friction 0.8 and
    /// restitution 0.5.
    pub const LOCOMOTION: Physics = Physics {
        gravity: 9.8,
        dt: 0.0165,
        substeps: 4,
        floor_friction: 0.8,
        floor_restitution: 0.5,
        solver_iterations: 4,
        pgs_iterations: 4,
    };

    /// The same with `iterations` solver iterations a substep.
    pub const fn with_iterations(mut self, iterations: usize) -> Physics {
        self.solver_iterations = iterations;
        self
    }
}

/// A body part, as pybullet_envs lists them: which rigid body and where in its frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub rigid: usize,
    pub local: [f64; 3],
}

/// A hinge: its bodies (indices of rigid bodies), axis in both bodies' frames (they are aligned at
/// q = 0), and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Hinge {
    pub name: String,
    pub parent: usize,
    pub child: usize,
    pub axis: [f64; 3],
    pub range: Option<[f64; 2]>,
    /// The MJCF body it moves, for forward kinematics.
    body: usize,
    joint: ImpulseJointHandle,
}

/// Which rigid body each MJCF body belongs to, and the body's origin in that rigid body's frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placement {
    rigid: usize,
    offset: [f64; 3],
}

/// The world of one articulated body on a floor: rapier's sets, and how MJCF maps onto them.
pub struct Robot {
    pub model: Model,
    pub physics: Physics,
    pub world: PhysicsWorld,
    /// Rigid-body handles, index = rigid body; 0 is the root.
    pub rigid: Vec<RigidBodyHandle>,
    pub hinges: Vec<Hinge>,
    pub parts: Vec<Part>,
    /// Each MJCF body's colliders (for contacts).
    pub colliders: Vec<Vec<ColliderHandle>>,
    pub floor: ColliderHandle,
    placement: Vec<Placement>,
    /// The root's origin at reset (the root MJCF body's `pos`).
    root_pos: [f64; 3],
}

/// Contacts between a body and its ancestors are off.
struct AncestorFilter<'a> {
    model: &'a Model,
}

impl PhysicsHooks for AncestorFilter<'_> {
    fn filter_contact_pair(&self, c: &PairFilterContext) -> Option<SolverFlags> {
        let a = c.colliders[c.collider1].user_data;
        let b = c.colliders[c.collider2].user_data;
        if a != FLOOR && b != FLOOR {
            let (a, b) = (a as usize, b as usize);
            if self.model.is_ancestor(a, b) || self.model.is_ancestor(b, a) {
                return None;
            }
        }
        Some(SolverFlags::COMPUTE_RIGID_IMPULSES)
    }
}

fn v3(v: [f64; 3]) -> Vector {
    Vector::new(v[0] as f32, v[1] as f32, v[2] as f32)
}

fn add(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// Mass, centre and principal inertia of a geom with pybullet's rules, in its body's frame.
pub(super) fn mass_of(shape: &Shape) -> (f64, [f64; 3], [f64; 3]) {
    use std::f64::consts::PI;
    match *shape {
        Shape::Sphere { center, radius } => {
            let m = DENSITY * 4.0 / 3.0 * PI * radius.powi(3);
            let i = 0.4 * m * radius * radius;
            (m, center, [i; 3])
        }
        Shape::Capsule { a, b, radius } => {
            let len =
                ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2) + (b[2] - a[2]).powi(2)).sqrt();
            let m = DENSITY * (PI * radius * radius * len + 4.0 / 3.0 * PI * radius.powi(3));
            let center = [
                (a[0] + b[0]) / 2.0,
                (a[1] + b[1]) / 2.0,
                (a[2] + b[2]) / 2.0,
            ];
            let l: Vec<f64> = (0..3)
                .map(|k| (b[k] - a[k]).abs() + 2.0 * radius + 2.0 * COMPOUND_MARGIN)
                .collect();
            let i = [
                m / 12.0 * (l[1] * l[1] + l[2] * l[2]),
                m / 12.0 * (l[0] * l[0] + l[2] * l[2]),
                m / 12.0 * (l[0] * l[0] + l[1] * l[1]),
            ];
            (m, center, i)
        }
    }
}

impl Robot {
    /// Build `model` on the floor of `physics`, at rest with every joint at 0.
    pub fn new(model: Model, physics: Physics) -> Result<Robot> {
        if model.bodies.iter().filter(|b| b.parent.is_none()).count() != 1 {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: one root body is supported, found {}",
                model.name,
                model.bodies.iter().filter(|b| b.parent.is_none()).count()
            )));
        }
        if let Some((_, j)) = model.joints().find(|(_, j)| j.kind == JointKind::Slide) {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: joint `{}` is a slide; only hinges are built",
                model.name, j.name
            )));
        }
        // A free-floating body: its root moves freely and each body has at most one hinge (fixed-base
        // arms with several hinges a body are `super::arm`'s).
        if let Some(b) = model
            .bodies
            .iter()
            .find(|b| b.joints.len() > 1 || (b.parent.is_none() && !b.joints.is_empty()))
        {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: body `{}` has {} joint(s){}; a free-floating body is built with at \
                 most one hinge a body and none on its root",
                model.name,
                b.name,
                b.joints.len(),
                if b.parent.is_none() { " on the root" } else { "" }
            )));
        }
        let mut world = PhysicsWorld::new();
        world.gravity = Vector::new(0.0, 0.0, -physics.gravity as f32);
        world.integration_parameters.dt = (physics.dt / physics.substeps as f64) as f32;
        world.integration_parameters.num_solver_iterations = physics.solver_iterations;
        world.integration_parameters.num_internal_pgs_iterations = physics.pgs_iterations;

        let floor = world.insert_collider(
            ColliderBuilder::halfspace(rapier3d::na::Unit::new_unchecked(Vector::Z))
                .friction(physics.floor_friction as f32)
                .friction_combine_rule(CoefficientCombineRule::Multiply)
                .restitution(physics.floor_restitution as f32)
                .restitution_combine_rule(CoefficientCombineRule::Multiply)
                .user_data(FLOOR),
            None,
        );

        // Rigid bodies: the root, and one per jointed body; welded bodies join their parent's.
        let mut placement: Vec<Placement> = Vec::with_capacity(model.bodies.len());
        let mut origins: Vec<[f64; 3]> = Vec::new(); // world origin of each rigid body at q = 0
        let mut body_world: Vec<[f64; 3]> = Vec::with_capacity(model.bodies.len());
        for b in &model.bodies {
            let world_pos = match b.parent {
                None => b.pos,
                Some(p) => add(body_world[p], b.pos),
            };
            body_world.push(world_pos);
            let p = match (b.parent, b.joints.first()) {
                (None, _) | (Some(_), Some(_)) => {
                    origins.push(world_pos);
                    Placement {
                        rigid: origins.len() - 1,
                        offset: [0.0; 3],
                    }
                }
                (Some(parent), None) => {
                    let pp = placement[parent];
                    Placement {
                        rigid: pp.rigid,
                        offset: add(pp.offset, b.pos),
                    }
                }
            };
            placement.push(p);
        }
        let root_pos = origins[0];
        let mut rigid = Vec::with_capacity(origins.len());
        for o in &origins {
            rigid.push(
                world.insert_body(
                    RigidBodyBuilder::dynamic()
                        .translation(v3(*o))
                        .linear_damping(LINK_DAMPING)
                        .angular_damping(LINK_DAMPING)
                        .can_sleep(false),
                ),
            );
        }
        let mut colliders = vec![Vec::new(); model.bodies.len()];
        for (i, b) in model.bodies.iter().enumerate() {
            let pl = placement[i];
            for g in &b.geoms {
                let (mass, center, inertia) = mass_of(&g.shape);
                let shape = match g.shape {
                    Shape::Sphere { center, radius } => {
                        ColliderBuilder::ball(radius as f32).translation(v3(add(pl.offset, center)))
                    }
                    Shape::Capsule { a, b, radius } => ColliderBuilder::capsule_from_endpoints(
                        v3(add(pl.offset, a)),
                        v3(add(pl.offset, b)),
                        radius as f32,
                    ),
                };
                // Mass properties are in the collider's frame: the sphere's is at its centre, the
                // capsule's at the body's frame.
                let com = match g.shape {
                    Shape::Sphere { .. } => [0.0; 3],
                    Shape::Capsule { .. } => add(pl.offset, center),
                };
                let h = world.insert_collider(
                    shape
                        .mass_properties(MassProperties::new(v3(com), mass as f32, v3(inertia)))
                        .friction(g.friction as f32)
                        .friction_combine_rule(CoefficientCombineRule::Multiply)
                        .restitution(0.0)
                        .restitution_combine_rule(CoefficientCombineRule::Multiply)
                        .active_hooks(ActiveHooks::FILTER_CONTACT_PAIRS)
                        .user_data(i as u128),
                    Some(rigid[pl.rigid]),
                );
                colliders[i].push(h);
            }
        }
        let mut hinges = Vec::new();
        for (i, b) in model.bodies.iter().enumerate() {
            let (Some(parent), Some(j)) = (b.parent, b.joints.first()) else {
                continue;
            };
            let pp = placement[parent];
            let child = placement[i].rigid;
            let anchor1 = add(add(pp.offset, b.pos), j.pos);
            // The limits are set before every substep (`Robot::hold_limits`).
            let builder = RevoluteJointBuilder::new(v3(j.axis).normalize())
                .local_anchor1(v3(anchor1))
                .local_anchor2(v3(j.pos))
                .contacts_enabled(false);
            let joint = world.insert_impulse_joint(rigid[pp.rigid], rigid[child], builder);
            hinges.push(Hinge {
                name: j.name.clone(),
                parent: pp.rigid,
                child,
                axis: j.axis,
                range: j.range,
                body: i,
                joint,
            });
        }
        let mut parts = Vec::new();
        for (i, b) in model.bodies.iter().enumerate() {
            let pl = placement[i];
            if !b.joints.is_empty() {
                parts.push(Part {
                    name: format!("link0_{}", parts.len() + 1),
                    rigid: pl.rigid,
                    local: pl.offset,
                });
            }
            let (mut m, mut c) = (0.0, [0.0; 3]);
            for g in &b.geoms {
                let (gm, gc, _) = mass_of(&g.shape);
                m += gm;
                for k in 0..3 {
                    c[k] += gm * gc[k];
                }
            }
            let com = if m > 0.0 { c.map(|v| v / m) } else { [0.0; 3] };
            parts.push(Part {
                name: b.name.clone(),
                rigid: pl.rigid,
                local: add(pl.offset, com),
            });
        }
        let mut robot = Robot {
            model,
            physics,
            world,
            rigid,
            hinges,
            parts,
            colliders,
            floor,
            placement,
            root_pos,
        };
        // Collision detection only: contacts exist before the first step.
        robot.settle_contacts();
        Ok(robot)
    }

    fn settle_contacts(&mut self) {
        let dt = self.world.integration_parameters.dt;
        self.world.integration_parameters.dt = 0.0;
        self.step_world();
        self.world.integration_parameters.dt = dt;
    }

    fn step_world(&mut self) {
        let hooks = AncestorFilter { model: &self.model };
        self.world.step_with_events(&hooks, &());
    }

    /// Put the body at rest with the root at `root` (its reset position, unrotated) and the hinges at
    /// `q` (radians, in hinge order), every velocity zero.
    pub fn place(&mut self, root: [f64; 3], q: &[f64]) {
        assert_eq!(q.len(), self.hinges.len(), "one angle per hinge");
        let mut poses: Vec<Pose> = Vec::with_capacity(self.model.bodies.len());
        let mut hinge = 0;
        for (i, b) in self.model.bodies.iter().enumerate() {
            let pose = match b.parent {
                None => Pose::from_translation(v3(root)),
                Some(p) => {
                    let mut pose = poses[p] * Pose::from_translation(v3(b.pos));
                    if let Some(j) = b.joints.first() {
                        debug_assert_eq!(self.hinges[hinge].body, i);
                        let rot =
                            Rotation::from_axis_angle(v3(j.axis).normalize(), q[hinge] as f32);
                        pose = pose
                            * Pose::from_translation(v3(j.pos))
                            * Pose::from_rotation(rot)
                            * Pose::from_translation(-v3(j.pos));
                        hinge += 1;
                    }
                    pose
                }
            };
            poses.push(pose);
        }
        for (i, b) in self.model.bodies.iter().enumerate() {
            if b.parent.is_none() || !b.joints.is_empty() {
                let rb = &mut self.world.bodies[self.rigid[self.placement[i].rigid]];
                rb.set_position(poses[i], true);
                rb.set_linvel(Vector::ZERO, true);
                rb.set_angvel(Vector::ZERO, true);
                rb.reset_forces(true);
                rb.reset_torques(true);
            }
        }
        self.settle_contacts();
    }

    /// The root's reset position (the root body's MJCF `pos`).
    pub fn root_pos(&self) -> [f64; 3] {
        self.root_pos
    }

    /// The hinge angles and velocities `(q, q̇)`.
    pub fn joint_state(&self) -> Vec<(f64, f64)> {
        self.hinges
            .iter()
            .map(|h| {
                let p = &self.world.bodies[self.rigid[h.parent]];
                let c = &self.world.bodies[self.rigid[h.child]];
                let axis = v3(h.axis).normalize();
                let rel = p.rotation().inverse() * *c.rotation();
                let q = 2.0 * (Vector::new(rel.x, rel.y, rel.z).dot(axis)).atan2(rel.w);
                // Wrapped to (-pi, pi]: a hinge never turns a full circle here.
                let q = q as f64;
                let q = if q > std::f64::consts::PI {
                    q - 2.0 * std::f64::consts::PI
                } else if q <= -std::f64::consts::PI {
                    q + 2.0 * std::f64::consts::PI
                } else {
                    q
                };
                let world_axis = *p.rotation() * axis;
                let qd = (c.angvel() - p.angvel()).dot(world_axis) as f64;
                (q, qd)
            })
            .collect()
    }

    /// One control step: `torque[i]` on hinge `i` during the first `torque_substeps` substeps, as an
    /// impulse at the start of each (semi-implicit Euler, as Bullet integrates a joint torque), so
    /// that the limits see it before the solver runs.
    pub fn step(&mut self, torque: &[f64], torque_substeps: usize) {
        assert_eq!(torque.len(), self.hinges.len(), "one torque per hinge");
        let h = self.world.integration_parameters.dt;
        for s in 0..self.physics.substeps {
            if s < torque_substeps {
                for (k, t) in torque.iter().enumerate() {
                    let hinge = &self.hinges[k];
                    let (p, c) = (self.rigid[hinge.parent], self.rigid[hinge.child]);
                    let axis = *self.world.bodies[p].rotation() * v3(hinge.axis).normalize();
                    let impulse = axis * (*t as f32 * h);
                    self.world.bodies[c].apply_torque_impulse(impulse, true);
                    self.world.bodies[p].apply_torque_impulse(-impulse, true);
                }
            }
            self.hold_limits();
            self.step_world();
        }
    }

    /// Joint limits as pybullet holds MJCF ones: a hinge inside its range stops at the limits, but one
    /// already past a limit (the ant's ankles at reset) is not pushed back, only kept from moving
    /// further out. Before each substep rapier's limits are the range widened to the current angle.
    fn hold_limits(&mut self) {
        for (k, (q, _)) in self.joint_state().into_iter().enumerate() {
            let hinge = &self.hinges[k];
            let Some([lo, hi]) = hinge.range else {
                continue;
            };
            let limits = [lo.min(q) as f32, hi.max(q) as f32];
            if let Some(j) = self.world.impulse_joints.get_mut(hinge.joint, false) {
                j.data.set_limits(JointAxis::AngX, limits);
            }
        }
    }

    /// The world position of every part.
    pub fn part_positions(&self) -> Vec<[f64; 3]> {
        self.parts
            .iter()
            .map(|p| {
                let pose = self.world.bodies[self.rigid[p.rigid]].position();
                let w = pose.transform_point(v3(p.local));
                [w.x as f64, w.y as f64, w.z as f64]
            })
            .collect()
    }

    /// The root's pose: position, and rotation as a quaternion (x, y, z, w).
    pub fn root_pose(&self) -> ([f64; 3], [f64; 4]) {
        let b = &self.world.bodies[self.rigid[0]];
        let t = b.translation();
        let r = b.rotation();
        (
            [t.x as f64, t.y as f64, t.z as f64],
            [r.x as f64, r.y as f64, r.z as f64, r.w as f64],
        )
    }

    /// The root's linear velocity (of its centre of mass, its origin here).
    pub fn root_velocity(&self) -> [f64; 3] {
        let v = self.world.bodies[self.rigid[0]].linvel();
        [v.x as f64, v.y as f64, v.z as f64]
    }

    /// Give the root a velocity (a push) and a spin about z.
    pub fn push_root(&mut self, linvel: [f64; 3], spin_z: f64) {
        let b = &mut self.world.bodies[self.rigid[0]];
        b.set_linvel(v3(linvel), true);
        b.set_angvel(Vector::new(0.0, 0.0, spin_z as f32), true);
    }

    /// Whether any collider of MJCF body `body` touches the floor (a contact point within the
    /// prediction distance, as Bullet's manifolds hold points within its breaking threshold).
    pub fn touches_floor(&self, body: usize) -> bool {
        self.colliders[body].iter().any(|c| {
            self.world
                .narrow_phase
                .contact_pair(*c, self.floor)
                .is_some_and(|p| p.manifolds().iter().any(|m| !m.points.is_empty()))
        })
    }

    /// Every geom in world coordinates, for drawing.
    pub fn world_geoms(&self) -> Vec<super::mjcf::Geom> {
        let mut out = Vec::new();
        for (b, pl) in self.model.bodies.iter().zip(&self.placement) {
            let pose = *self.world.bodies[self.rigid[pl.rigid]].position();
            let at = |p: [f64; 3]| {
                let w = pose.transform_point(v3(add(pl.offset, p)));
                [w.x as f64, w.y as f64, w.z as f64]
            };
            out.extend(b.geoms.iter().map(|g| g.moved(at)));
        }
        out
    }

    /// Total mass (kg), for tests and reports.
    pub fn mass(&self) -> f64 {
        self.rigid
            .iter()
            .map(|h| self.world.bodies[*h].mass() as f64)
            .sum()
    }
}
