//! A fixed-base arm from an MJCF [`Model`] on rapier3d's multibody joints: the root body is hinged to
//! the world, every hinge is one reduced coordinate (rapier's Featherstone-style articulation, so a
//! chain of light links holds exactly, with no joint drift to tune away), and a body with several
//! hinges (Reacher3D's shoulder, about z then y) gets one massless link per hinge, as pybullet's
//! `loadMJCF` inserts them.
//!
//! Masses are pybullet's rule for MJCF (density 1000 whatever the file says, a capsule's inertia
//! that of its box with Bullet's margin: [`super::body::mass_of`]); `armature` and `damping` are
//! ignored, as pybullet and Roboschool ignore them; the arm has no contacts (its geoms are
//! `contype="0"`). A hinge's torque acts on its two links, equal and opposite, through the substeps of
//! a control step.

use rapier3d::prelude::*;

use super::body::mass_of;
use super::mjcf::{Geom, JointKind, Model};
use crate::error::{Error, Result};

fn v3(v: [f64; 3]) -> Vector {
    Vector::new(v[0] as f32, v[1] as f32, v[2] as f32)
}

fn f64s(v: Vector) -> [f64; 3] {
    [v.x as f64, v.y as f64, v.z as f64]
}

fn add(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// Time and gravity of an arm's scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArmPhysics {
    pub gravity: f64,
    /// One control step (s), split into `substeps`.
    pub dt: f64,
    pub substeps: usize,
}

impl ArmPhysics {
    /// Roboschool's scene as Gestures sets it: gravity 9.81, 0.0165 s in 4 substeps.
    pub const ROBOSCHOOL: ArmPhysics = ArmPhysics {
        gravity: 9.81,
        dt: 0.0165,
        substeps: 4,
    };
}

/// One hinge: the link it moves and the link (or the world) it turns against.
#[derive(Debug, Clone)]
struct ArmHinge {
    parent: RigidBodyHandle,
    child: RigidBodyHandle,
    /// The axis in the child's frame (the child turns about it).
    axis: [f64; 3],
}

/// An arm and its world. Rebuilt from the model at every [`Arm::place`], so an episode depends only
/// on its start and actions.
pub struct Arm {
    pub model: Model,
    pub physics: ArmPhysics,
    world: PhysicsWorld,
    hinges: Vec<ArmHinge>,
    /// Each MJCF body's rigid body and its origin in that body's frame.
    placement: Vec<(RigidBodyHandle, [f64; 3])>,
    /// Bullet's damping of each link (every MJCF body with geoms is one in pybullet).
    dampers: Vec<Damper>,
}

/// One pybullet link's share of Bullet's multibody damping: on its rigid body, a force
/// `−m v (k + k |v|)` at its centre of mass and a torque `−I ω (k + k |ω|)` in its axes, k = 0.04
/// (`btMultiBody`'s default linear and angular damping, both coefficients).
#[derive(Debug, Clone)]
struct Damper {
    rb: RigidBodyHandle,
    /// The centre of mass in the rigid body's frame.
    com: [f64; 3],
    mass: f64,
    /// Principal moments in the body's axes (the geoms' own, summed).
    inertia: [f64; 3],
}

/// `btMultiBody`'s default `m_linearDamping` and `m_angularDamping`.
const BULLET_LINK_DAMPING: f64 = 0.04;

impl Arm {
    /// Build `model` at rest with every hinge at 0. Refused: a root without hinges (a free body is
    /// [`super::body::Robot`]'s), slides, more than one root.
    pub fn new(model: Model, physics: ArmPhysics) -> Result<Arm> {
        let roots: Vec<_> = model.bodies.iter().filter(|b| b.parent.is_none()).collect();
        if roots.len() != 1 {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: an arm has one root body, found {}",
                model.name,
                roots.len()
            )));
        }
        if roots[0].joints.is_empty() {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: the root body `{}` has no hinge; an arm's root turns against the \
                 world",
                model.name, roots[0].name
            )));
        }
        if let Some((_, j)) = model.joints().find(|(_, j)| j.kind == JointKind::Slide) {
            return Err(Error::Invalid(format!(
                "MJCF model `{}`: joint `{}` is a slide; only hinges are built",
                model.name, j.name
            )));
        }
        let n = model.joints().count();
        let mut arm = Arm {
            model,
            physics,
            world: PhysicsWorld::new(),
            hinges: Vec::new(),
            placement: Vec::new(),
            dampers: Vec::new(),
        };
        arm.place(&vec![0.0; n], &vec![0.0; n]);
        Ok(arm)
    }

    /// Build the world afresh with the hinges at `q` (radians, in file order) turning at `qd`
    /// (rad/s).
    pub fn place(&mut self, q: &[f64], qd: &[f64]) {
        assert_eq!(q.len(), self.model.joints().count(), "one angle per hinge");
        assert_eq!(qd.len(), q.len(), "one velocity per hinge");
        let mut world = PhysicsWorld::new();
        world.gravity = Vector::new(0.0, 0.0, -self.physics.gravity as f32);
        world.integration_parameters.dt = (self.physics.dt / self.physics.substeps as f64) as f32;
        let ground = world.insert_body(RigidBodyBuilder::fixed());
        let mut placement: Vec<(RigidBodyHandle, [f64; 3])> = Vec::new();
        let mut hinges = Vec::new();
        let mut world_origin: Vec<[f64; 3]> = Vec::new();
        for b in &self.model.bodies {
            let (parent_rb, parent_offset, parent_origin) = match b.parent {
                None => (ground, [0.0; 3], [0.0; 3]),
                Some(p) => (placement[p].0, placement[p].1, world_origin[p]),
            };
            let origin = add(parent_origin, b.pos);
            world_origin.push(origin);
            if b.joints.is_empty() {
                placement.push((parent_rb, add(parent_offset, b.pos)));
                continue;
            }
            // One link per hinge; all share the body's origin, the last carries its geoms.
            let mut link_parent = parent_rb;
            let mut anchor = add(parent_offset, b.pos);
            for j in &b.joints {
                let link = world.insert_body(
                    RigidBodyBuilder::dynamic()
                        .translation(v3(origin))
                        .can_sleep(false),
                );
                let joint = RevoluteJointBuilder::new(v3(j.axis))
                    .local_anchor1(v3(add(anchor, j.pos)))
                    .local_anchor2(v3(j.pos))
                    .contacts_enabled(false);
                world
                    .insert_multibody_joint(link_parent, link, joint)
                    .expect("a chain of hinges is a tree");
                hinges.push(ArmHinge {
                    parent: link_parent,
                    child: link,
                    axis: j.axis,
                });
                link_parent = link;
                anchor = [0.0; 3];
            }
            placement.push((link_parent, [0.0; 3]));
        }
        // Mass from the geoms, on the rigid body each body belongs to.
        let mut mass: Vec<(RigidBodyHandle, MassProperties)> = Vec::new();
        let mut dampers = Vec::new();
        for (b, (rb, offset)) in self.model.bodies.iter().zip(&placement) {
            let mut d = Damper {
                rb: *rb,
                com: [0.0; 3],
                mass: 0.0,
                inertia: [0.0; 3],
            };
            for g in &b.geoms {
                let (m, c, i) = mass_of(&g.shape);
                d.mass += m;
                d.com = add(d.com, add(*offset, c).map(|v| v * m));
                d.inertia = add(d.inertia, i);
            }
            if d.mass > 0.0 {
                d.com = d.com.map(|v| v / d.mass);
                dampers.push(d);
            }
            for g in &b.geoms {
                let (m, c, i) = mass_of(&g.shape);
                let props = MassProperties::new(v3(add(*offset, c)), m as f32, v3(i));
                match mass.iter_mut().find(|(h, _)| h == rb) {
                    Some((_, sum)) => *sum += props,
                    None => mass.push((*rb, props)),
                }
            }
        }
        for (rb, props) in mass {
            world.bodies[rb].set_additional_mass_properties(props, true);
        }
        // No damping of our own (rapier's default is 0.1 a hinge): pybullet and Roboschool ignore
        // the file's.
        let handles: Vec<_> = world.multibody_joints().map(|(h, ..)| h).collect();
        for h in handles {
            if let Some((mb, _)) = world.multibody_joints.get_mut(h) {
                mb.damping_mut().fill(0.0);
            }
        }
        // The angles: one displacement of the whole articulation from zero.
        let disp: Vec<f32> = q.iter().map(|v| *v as f32).collect();
        if let Some(mb) = hinges
            .first()
            .and_then(|h| world.multibody_joints.rigid_body_link(h.child).copied())
            .and_then(|link| world.multibody_joints.get_multibody_mut(link.multibody))
        {
            // The first pass fixes the root (it takes the ground's type), the second places.
            mb.forward_kinematics(&world.bodies, false);
            mb.apply_displacements(&disp);
            for (v, w) in mb.generalized_velocity_mut().iter_mut().zip(qd) {
                *v = *w as f32;
            }
            mb.forward_kinematics(&world.bodies, false);
            mb.update_rigid_bodies(&mut world.bodies, true);
        }
        self.world = world;
        self.hinges = hinges;
        self.placement = placement;
        self.dampers = dampers;
    }

    fn multibody(&self) -> &Multibody {
        let link = self
            .world
            .multibody_joints
            .rigid_body_link(self.hinges[0].child)
            .expect("the first hinge's link is in the articulation");
        self.world
            .multibody_joints
            .get_multibody(link.multibody)
            .expect("the arm's articulation exists")
    }

    /// The hinge angles and velocities `(q, q̇)`, in file order.
    pub fn joint_state(&self) -> Vec<(f64, f64)> {
        let mb = self.multibody();
        self.hinges
            .iter()
            .map(|h| {
                let id = self
                    .world
                    .multibody_joints
                    .rigid_body_link(h.child)
                    .unwrap()
                    .id;
                let link = mb.link(id).unwrap();
                let q = link.joint.coords()[3] as f64;
                let qd = mb.joint_velocity(link)[0] as f64;
                (q, qd)
            })
            .collect()
    }

    /// One control step: `torque[i]` (N m) on hinge `i` through every substep, with Bullet's link
    /// damping taken anew before each.
    pub fn step(&mut self, torque: &[f64]) {
        assert_eq!(torque.len(), self.hinges.len(), "one torque per hinge");
        for _ in 0..self.physics.substeps {
            for rb in self.hinges.iter().flat_map(|h| [h.parent, h.child]) {
                if let Some(b) = self.world.bodies.get_mut(rb) {
                    b.reset_forces(true);
                    b.reset_torques(true);
                }
            }
            for (h, t) in self.hinges.iter().zip(torque) {
                let axis = *self.world.bodies[h.child].rotation() * v3(h.axis);
                let tau = axis * *t as f32;
                self.world.bodies[h.child].add_torque(tau, true);
                self.world.bodies[h.parent].add_torque(-tau, true);
            }
            let k = BULLET_LINK_DAMPING as f32;
            for d in &self.dampers {
                let b = &mut self.world.bodies[d.rb];
                let point = b.position().transform_point(v3(d.com));
                let v = b.velocity_at_point(point);
                b.add_force_at_point(-v * (d.mass as f32 * k * (1.0 + v.length())), point, true);
                let w = b.angvel();
                let rot = *b.rotation();
                let local = rot.inverse() * w;
                let i = v3(d.inertia);
                let tau = rot * Vector::new(i.x * local.x, i.y * local.y, i.z * local.z);
                b.add_torque(-tau * (k * (1.0 + w.length())), true);
            }
            self.world.step();
        }
    }

    /// The world position of MJCF body `body`'s origin.
    pub fn body_position(&self, body: usize) -> [f64; 3] {
        let (rb, offset) = self.placement[body];
        f64s(self.world.bodies[rb].position().transform_point(v3(offset)))
    }

    /// Every geom in world coordinates (the world's own first), for drawing.
    pub fn world_geoms(&self) -> Vec<Geom> {
        let mut out = self.model.world_geoms.clone();
        for (b, (rb, offset)) in self.model.bodies.iter().zip(&self.placement) {
            let pose = *self.world.bodies[*rb].position();
            let at = |p: [f64; 3]| f64s(pose.transform_point(v3(add(*offset, p))));
            out.extend(b.geoms.iter().map(|g| g.moved(at)));
        }
        out
    }

    /// Total mass (kg): the geoms' masses as the links carry them (rapier's own sums them only at
    /// the next step).
    pub fn mass(&self) -> f64 {
        self.dampers.iter().map(|d| d.mass).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane() -> Arm {
        let text = include_str!("../../../assets/mjcf/reacher_plane.xml");
        let model = super::super::mjcf::parse(text, "reacher_plane.xml").unwrap();
        Arm::new(model, ArmPhysics::ROBOSCHOOL).unwrap()
    }

    #[test]
    fn masses_are_pybullets() {
        // pybullet 3.2.7's loadMJCF: robot_arm 0.132470, robot_arm1 0.067021, the elbow and the hand
        // 0.065450 each.
        let arm = plane();
        assert!((arm.mass() - 0.330390).abs() < 1e-5, "{}", arm.mass());
    }

    #[test]
    fn a_placed_arm_reads_back_its_angles_and_rates() {
        let mut arm = plane();
        arm.place(&[0.7, -2.1], &[1.5, -0.25]);
        for ((q, qd), (wq, wqd)) in arm
            .joint_state()
            .into_iter()
            .zip([(0.7, 1.5), (-2.1, -0.25)])
        {
            assert!((q - wq).abs() < 1e-6 && (qd - wqd).abs() < 1e-6, "{q} {qd}");
        }
    }

    #[test]
    fn a_root_without_a_hinge_or_a_slide_is_refused() {
        let free =
            "<mujoco><worldbody><body name=\"b\"><geom size=\"0.1\"/></body></worldbody></mujoco>";
        let slide = "<mujoco><worldbody><body name=\"b\"><joint name=\"s\" type=\"slide\"/>\
                     <geom size=\"0.1\"/></body></worldbody></mujoco>";
        for (text, needle) in [(free, "has no hinge"), (slide, "is a slide")] {
            let model = super::super::mjcf::parse(text, "m").unwrap();
            let e = Arm::new(model, ArmPhysics::ROBOSCHOOL)
                .err()
                .unwrap()
                .to_string();
            assert!(e.contains(needle), "{e}");
        }
    }
}
