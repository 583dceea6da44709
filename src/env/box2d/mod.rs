//! The Box2D environments of Gymnasium (LunarLander, BipedalWalker) on box2d-rs, a Rust port of Box2D
//! 2.4.1, vendored with Box2D 2.3's code put back wherever the two differ for these environments
//! (`vendor/box2d-rs/PATCHES.md`: the revolute joint, edge and polygon collision, polygon mass, the
//! broad phase's pair order, velocity integration and sweep advance). Gymnasium runs pybox2d 2.3.10,
//! and with these patches episodes here are Gymnasium's to the last bit on x86-64 (docs/fidelity.md's
//! fidelity table; `tests/env_box2d.rs`).
//!
//! Everything Gymnasium computes in Python (engine impulses, observations, rewards, terrain) is computed
//! here in f64 as Python does, and rounded to f32 exactly where pybox2d hands a value to Box2D.
//!
//! A Box2D world cannot be copied, so a snapshot holds the recipe of the episode instead: the RNG as it
//! was before `reset` drew from it, the perturbation, and the actions taken. Restoring rebuilds the world
//! and replays them, which is exact because every episode here starts from a fresh world (as Gymnasium's
//! LunarLander-v3 does; its BipedalWalker reuses one world, see `bipedal_walker` for why we do not).

pub mod bipedal_walker;
pub mod lunar_lander;

pub(crate) use crate::env::replay::{restore, Rebuild, Recipe};

use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

use box2d_rs::b2_body::{B2body, B2bodyDef, B2bodyType, BodyPtr};
use box2d_rs::b2_contact::B2contactDynTrait;
use box2d_rs::b2_fixture::{B2fixture, B2fixtureDef, FixturePtr};
use box2d_rs::b2_joint::{
    B2JointDefEnum, B2jointPtr, B2jointTraitDyn, JointAsDerived, JointAsDerivedMut,
};
use box2d_rs::b2_math::B2vec2;
use box2d_rs::b2_world::{B2world, B2worldPtr};
use box2d_rs::b2_world_callbacks::B2contactListener;
use box2d_rs::b2rs_common::UserDataType;
use box2d_rs::joints::b2_revolute_joint::{B2revoluteJoint, B2revoluteJointDef};

/// What box2d-rs attaches to bodies: a tag naming the body, which the contact listener reports.
#[derive(Default, Clone, Copy, Debug)]
pub struct Tags;

impl UserDataType for Tags {
    type Fixture = ();
    type Body = u8;
    type Joint = ();
}

/// Contacts that began and ended during a step, as pairs of body tags, in Box2D's callback order.
#[derive(Default, Debug)]
pub struct Contacts {
    pub events: Vec<(bool, u8, u8)>,
}

struct Listener(Rc<RefCell<Contacts>>);

impl Listener {
    fn tags(contact: &dyn B2contactDynTrait<Tags>) -> (u8, u8) {
        let base = contact.get_base();
        let tag = |f: box2d_rs::b2_fixture::FixturePtr<Tags>| {
            f.borrow()
                .get_body()
                .borrow()
                .get_user_data()
                .unwrap_or_default()
        };
        (tag(base.get_fixture_a()), tag(base.get_fixture_b()))
    }
}

impl B2contactListener<Tags> for Listener {
    fn begin_contact(&mut self, contact: &mut dyn B2contactDynTrait<Tags>) {
        let (a, b) = Self::tags(contact);
        self.0.borrow_mut().events.push((true, a, b));
    }
    fn end_contact(&mut self, contact: &mut dyn B2contactDynTrait<Tags>) {
        let (a, b) = Self::tags(contact);
        self.0.borrow_mut().events.push((false, a, b));
    }
}

/// A Box2D world with its contact log, its bodies (by index, in creation order) and its joints.
pub struct World {
    world: B2worldPtr<Tags>,
    contacts: Rc<RefCell<Contacts>>,
    bodies: Vec<BodyPtr<Tags>>,
    joints: Vec<B2jointPtr<Tags>>,
}

// SAFETY: a `World` owns its whole graph of `Rc`s (the world, its bodies, fixtures, joints and the
// contact log) and never hands a clone of one out: `body`, `joint` and `revolute` lend references tied
// to `&self`, and `ray_cast` lends each fixture to its callback for the duration of one call. Moving a
// `World` to another thread moves the whole graph at once, so no two threads ever touch the same
// reference counts.
unsafe impl Send for World {}

impl World {
    pub fn new(gravity: f32) -> World {
        let world = B2world::new(B2vec2::new(0.0, gravity));
        let contacts = Rc::new(RefCell::new(Contacts::default()));
        world
            .borrow_mut()
            .set_contact_listener(Rc::new(RefCell::new(Listener(contacts.clone()))));
        World {
            world,
            contacts,
            bodies: Vec::new(),
            joints: Vec::new(),
        }
    }

    /// The body `add_body` numbered `i`.
    pub fn body(&self, i: usize) -> &RefCell<B2body<Tags>> {
        &self.bodies[i]
    }

    /// The joint `add_joint` numbered `i`.
    pub fn joint(&self, i: usize) -> &RefCell<dyn B2jointTraitDyn<Tags>> {
        &*self.joints[i]
    }

    /// The joint `add_joint` numbered `i`, as the revolute joint it is (all joints `add_joint` makes are).
    pub fn revolute(&self, i: usize) -> Ref<'_, B2revoluteJoint<Tags>> {
        Ref::map(self.joints[i].borrow(), |j| match j.as_derived() {
            JointAsDerived::ERevoluteJoint(r) => r,
            _ => unreachable!("add_joint makes revolute joints only"),
        })
    }

    /// The revolute joint numbered `i`, mutably.
    pub fn revolute_mut(&self, i: usize) -> RefMut<'_, B2revoluteJoint<Tags>> {
        RefMut::map(self.joints[i].borrow_mut(), |j| match j.as_derived_mut() {
            JointAsDerivedMut::ERevoluteJoint(r) => r,
            _ => unreachable!("add_joint makes revolute joints only"),
        })
    }

    /// `joint.motorSpeed = speed; joint.maxMotorTorque = torque` on the revolute joint `i` as pybox2d
    /// (Box2D 2.3.10) does it: both setters wake the joint's bodies on every call, so a sleeping walker
    /// wakes even when the values do not change (box2d-rs, like Box2D 2.4.1, wakes only on a change).
    /// Remaining difference: on a change Box2D 2.4.1 also restarts an awake body's sleep timer, which
    /// 2.3.10 leaves running; it only matters to a body that has kept still for most of the 0.5 s
    /// Box2D waits before putting it to sleep.
    pub fn set_revolute_motor(&self, i: usize, speed: f32, max_torque: f32) {
        let (a, b) = {
            let j = self.joints[i].borrow();
            (j.get_base().get_body_a(), j.get_base().get_body_b())
        };
        for body in [a, b] {
            let awake = body.borrow().is_awake();
            if !awake {
                body.borrow_mut().set_awake(true);
            }
        }
        let mut j = self.revolute_mut(i);
        j.set_motor_speed(speed);
        j.set_max_motor_torque(max_torque);
    }

    /// `world.RayCast(callback, p1, p2)`: `callback(fixture, point, normal, fraction)` for each fixture
    /// the segment hits, in Box2D's order; it returns -1 to ignore the fixture, 0 to stop, the fraction
    /// to clip the ray there, or 1 to go on unclipped.
    pub fn ray_cast(
        &self,
        p1: B2vec2,
        p2: B2vec2,
        mut callback: impl FnMut(&B2fixture<Tags>, B2vec2, B2vec2, f32) -> f32,
    ) {
        self.world.borrow().ray_cast(
            |f: FixturePtr<Tags>, point: B2vec2, normal: B2vec2, fraction: f32| {
                callback(&f.borrow(), point, normal, fraction)
            },
            p1,
            p2,
        );
    }

    /// Add a joint between bodies `a` and `b` (indices); returns its index.
    pub fn add_joint(&mut self, def: B2revoluteJointDef<Tags>, a: usize, b: usize) -> usize {
        let mut def = def;
        def.base.body_a = Some(self.bodies[a].clone());
        def.base.body_b = Some(self.bodies[b].clone());
        let j = self
            .world
            .borrow_mut()
            .create_joint(&B2JointDefEnum::RevoluteJoint(def));
        self.joints.push(j);
        self.joints.len() - 1
    }

    /// Add a body of `kind` at `position` and `angle`, tagged `tag`, with the given fixtures; returns
    /// its index.
    pub fn add_body(
        &mut self,
        kind: B2bodyType,
        position: (f32, f32),
        angle: f32,
        tag: u8,
        fixtures: &[B2fixtureDef<Tags>],
    ) -> usize {
        let def = B2bodyDef::<Tags> {
            body_type: kind,
            position: B2vec2::new(position.0, position.1),
            angle,
            user_data: Some(tag),
            ..Default::default()
        };
        let body = B2world::create_body(self.world.clone(), &def);
        for f in fixtures {
            B2body::create_fixture(body.clone(), f);
        }
        self.bodies.push(body);
        self.bodies.len() - 1
    }

    /// `world.Step(1/50, 6*30, 2*30)`, as both Box2D environments step; returns the contact events.
    pub fn step(&self) -> Vec<(bool, u8, u8)> {
        self.world.borrow_mut().step(1.0 / 50.0, 6 * 30, 2 * 30);
        std::mem::take(&mut self.contacts.borrow_mut().events)
    }
}

/// A point in Box2D's f32 from Python floats.
#[inline]
pub fn vec2(x: f64, y: f64) -> B2vec2 {
    B2vec2::new(x as f32, y as f32)
}
