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

use crate::env::rng::NpRng;
use crate::env::{Env, Snapshot};
use crate::error::{Error, Result};

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

/// What an episode is made of, enough to rebuild it exactly (see the module docs): the RNG as it was
/// before `reset` drew from it, the perturbation values in force, and the actions taken since.
#[derive(Clone, Debug, Default)]
pub struct Recipe {
    rng: Option<NpRng>,
    perturbation: Vec<Option<f64>>,
    /// Actions taken since `reset`, flattened (a fixed number of values per step).
    pub actions: Vec<f64>,
}

/// A Box2D environment whose snapshots are [`Recipe`]s, as [`restore`] rebuilds it.
pub(crate) trait Rebuild: Env {
    /// Action values a step.
    fn per_step(&self) -> usize;
    /// Continue from `rng`; without an episode under way (`episode` false) there is no world.
    fn resume(&mut self, rng: NpRng, episode: bool);
    /// Build the world of a new episode from the RNG, as `reset` does.
    fn build_world(&mut self) -> Vec<f64>;
    /// Step with `action` (`per_step` values), as `step` does once the action is checked.
    fn replay_step(&mut self, action: &[f64]);
}

/// [`Env::restore`] of a Box2D environment: take the snapshot's RNG and, when an episode was under
/// way, rebuild its world, apply the perturbation it had and replay its actions.
pub(crate) fn restore(env: &mut impl Rebuild, s: &Snapshot) -> Result<()> {
    let per_step = env.per_step();
    let replay = Recipe::read(s, env.id(), env.perturbations().len(), per_step)?;
    env.resume(replay.rng, replay.episode.is_some());
    let Some((values, actions)) = replay.episode else {
        return Ok(());
    };
    env.build_world();
    if values.iter().any(Option::is_some) {
        env.apply_perturbation(&values);
    }
    for a in actions.chunks(per_step) {
        env.replay_step(a);
    }
    Ok(())
}

/// What a snapshot holds, checked: the RNG to continue from and, when an episode was under way, the
/// perturbation values to apply after `reset` and the actions to replay.
pub struct Replay {
    pub rng: NpRng,
    pub episode: Option<(Vec<Option<f64>>, Vec<f64>)>,
}

impl Recipe {
    /// The recipe of an episode about to draw from `rng`, for an environment with `params`
    /// perturbation parameters.
    pub fn start(rng: &NpRng, params: usize) -> Recipe {
        Recipe {
            rng: Some(rng.clone()),
            perturbation: vec![None; params],
            actions: Vec::new(),
        }
    }

    /// Record the values `apply_perturbation` applied (a `None` leaves a parameter as it was).
    pub fn perturbed(&mut self, values: &[Option<f64>]) {
        for (slot, v) in self.perturbation.iter_mut().zip(values) {
            if v.is_some() {
                *slot = *v;
            }
        }
    }

    /// The snapshot of environment `id`: the actions as its state, the perturbation as its physics
    /// (with presence flags after the flag saying whether an episode is under way). `rng` is the
    /// environment's RNG, used when no episode has started.
    pub fn snapshot(&self, id: &str, under_way: bool, rng: &NpRng) -> Snapshot {
        let mut physics = Vec::with_capacity(self.perturbation.len());
        let mut flags = vec![under_way];
        for p in &self.perturbation {
            physics.push(p.unwrap_or(0.0));
            flags.push(p.is_some());
        }
        Snapshot {
            env: id.to_string(),
            state: self.actions.clone(),
            physics,
            flags,
            rng: self.rng.as_ref().unwrap_or(rng).to_state(),
            elapsed: None,
        }
    }

    /// Read back a snapshot of environment `id`, which has `params` perturbation parameters and
    /// takes `per_step` action values a step.
    pub fn read(s: &Snapshot, id: &str, params: usize, per_step: usize) -> Result<Replay> {
        if s.env != id
            || s.physics.len() != params
            || s.flags.len() != params + 1
            || s.state.len() % per_step != 0
        {
            return Err(Error::Invalid(format!(
                "snapshot of {} does not fit {id}",
                s.env
            )));
        }
        let rng = NpRng::from_state(&s.rng)?;
        let episode = s.flags[0].then(|| {
            let values = (0..params)
                .map(|i| s.flags[i + 1].then_some(s.physics[i]))
                .collect();
            (values, s.state.clone())
        });
        Ok(Replay { rng, episode })
    }
}
