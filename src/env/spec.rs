//! Environments as data: an [`EnvSpec`] is one registered id with its time limit, the keyword
//! arguments its constructor takes (with defaults and a doc line) and the scene it is drawn as.
//!
//! A name is an id, optionally with keyword arguments, as `gym.make(id, **kwargs)` takes them:
//! `ID:key=value,key=value` (e.g. `InvertedPendulumSwingupBulletEnv-v0:rail=2`). Every environment
//! accepts `max_episode_steps`. [`EnvName::parse`] checks a name against its spec, and
//! [`EnvName::canonical`] writes it back: the bare id when every argument is at its default, else the
//! id with the non-default arguments in the spec's order. The built environment's `id()` is that
//! canonical name, so a variant flows through every stage and into file names as one string.

use std::fmt::{self, Write};

use super::{registry, Env, EnvOptions, Param, TimeLimit};
use crate::error::{Error, Result};

/// A keyword argument's value. Numbers are positive (a length, a gravity, a step count) or, where zero
/// means "off" (a friction coefficient), non-negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// `true` or `false` (`True`/`False`, as Python writes them, too).
    Bool(bool),
    /// A positive integer.
    Steps(usize),
    /// A positive finite number.
    Float(f64),
    /// A finite number, zero or more.
    NonNegative(f64),
    /// A number in `[low, high]` (a body's size, a gain): `Within(value, low, high)`.
    Within(f64, f64, f64),
}

impl Value {
    /// What a value of this kind must be, for error messages.
    pub fn expected(&self) -> String {
        match self {
            Value::Bool(_) => "true or false".into(),
            Value::Steps(_) => "a positive integer".into(),
            Value::Float(_) => "a positive finite number".into(),
            Value::NonNegative(_) => "a finite number >= 0".into(),
            Value::Within(_, lo, hi) => format!("a number in [{lo}, {hi}]"),
        }
    }

    /// Parse `text` as a value of the same kind as `self`.
    fn parse_like(&self, text: &str) -> Option<Value> {
        match self {
            Value::Bool(_) => match text {
                "true" | "True" => Some(Value::Bool(true)),
                "false" | "False" => Some(Value::Bool(false)),
                _ => None,
            },
            Value::Steps(_) => text
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .map(Value::Steps),
            Value::Float(_) => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .map(Value::Float),
            Value::NonNegative(_) => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                // -0 is 0: one spelling per value in canonical names.
                .map(|v| Value::NonNegative(v + 0.0)),
            Value::Within(_, lo, hi) => text
                .parse::<f64>()
                .ok()
                .filter(|v| (*lo..=*hi).contains(v))
                .map(|v| Value::Within(v + 0.0, *lo, *hi)),
        }
    }
}

impl fmt::Display for Value {
    /// The shortest text that parses back to the same value (`2` for 2.0, `1.5`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Steps(n) => write!(f, "{n}"),
            Value::Float(v) | Value::NonNegative(v) | Value::Within(v, _, _) => write!(f, "{v}"),
        }
    }
}

/// A keyword argument a constructor accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kwarg {
    pub name: &'static str,
    /// The default, which also fixes the kind of value accepted.
    pub default: Value,
    pub doc: &'static str,
}

/// The keyword argument every environment accepts: Gymnasium's `max_episode_steps`.
pub const MAX_EPISODE_STEPS: &str = "max_episode_steps";

/// The values of all of a spec's keyword arguments (the defaults where a name sets none), in the
/// spec's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Kwargs(Vec<(&'static str, Value)>);

impl Kwargs {
    /// The value of `name`.
    ///
    /// # Panics
    /// When the spec declares no `name`: a constructor reading an argument its spec does not declare.
    pub fn get(&self, name: &str) -> Value {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no keyword argument `{name}` declared"))
            .1
    }

    /// The number `name` holds (panics, as [`Kwargs::get`], when it is not a declared number).
    pub fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Value::Float(v) | Value::NonNegative(v) | Value::Within(v, _, _) => v,
            v => panic!("keyword argument `{name}` is {v:?}, not a number"),
        }
    }

    /// The flag `name` holds (panics when it is not a declared flag).
    pub fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            Value::Bool(b) => b,
            v => panic!("keyword argument `{name}` is {v:?}, not a flag"),
        }
    }

    /// The step count `name` holds (panics when it is not a declared count).
    pub fn steps(&self, name: &str) -> usize {
        match self.get(name) {
            Value::Steps(n) => n,
            v => panic!("keyword argument `{name}` is {v:?}, not a step count"),
        }
    }

    /// The arguments in the spec's order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Value)> + '_ {
        self.0.iter().copied()
    }
}

/// How an environment is drawn (the renderer in `crate::render` draws each kind).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SceneKind {
    /// Gymnasium's CartPole.
    CartPole,
    /// Gymnasium's Pendulum.
    Pendulum,
    /// Gymnasium's MountainCar.
    MountainCar,
    /// `gym-cartpole-swingup`: the pole tip at `x − L sin θ`.
    SwingUp,
    /// pybullet's inverted pendulum (the swing-ups and the balance task): the pole tip at
    /// `x + L sin θ`; `rail` is the slider's half range.
    BulletSwingUp { rail: f64 },
    /// Gymnasium's LunarLander.
    LunarLander,
    /// Gymnasium's BipedalWalker, drawn from a replay of the episode.
    BipedalWalker { hardcore: bool },
    /// Gomez's pole balancing: CartPole's cart with `poles` poles (the second one short), from
    /// scaled observations with or without the `velocities`.
    PoleBalancing { poles: usize, velocities: bool },
    /// pybullet's Ant on rapier3d (a 3-D body).
    Ant,
    /// Roboschool's reachers on rapier3d (3-D bodies), drawn from a replay of the episode.
    Reacher,
}

/// A registered environment: its id, time limit, keyword arguments, constructor and scene.
pub struct EnvSpec {
    /// The Gym id.
    pub id: &'static str,
    /// The time limit `gym.make` wraps it in (the default of `max_episode_steps`).
    pub max_episode_steps: usize,
    /// The keyword arguments the constructor reads, besides `max_episode_steps`, in the order a
    /// canonical name writes them.
    pub kwargs: &'static [Kwarg],
    /// The environment without its time limit; `id` is the spec's id.
    pub build: fn(id: &'static str, kwargs: &Kwargs, options: EnvOptions) -> Box<dyn Env>,
    /// How it is drawn.
    pub scene: fn(kwargs: &Kwargs) -> SceneKind,
}

impl fmt::Debug for EnvSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvSpec")
            .field("id", &self.id)
            .field("max_episode_steps", &self.max_episode_steps)
            .field("kwargs", &self.kwargs)
            .finish_non_exhaustive()
    }
}

impl EnvSpec {
    /// Every keyword argument accepted: the spec's, then `max_episode_steps`.
    pub fn accepted(&self) -> Vec<Kwarg> {
        let mut all = self.kwargs.to_vec();
        all.push(Kwarg {
            name: MAX_EPISODE_STEPS,
            default: Value::Steps(self.max_episode_steps),
            doc: "steps before the episode is truncated (Gymnasium's TimeLimit)",
        });
        all
    }

    /// The defaults of every accepted argument.
    pub fn defaults(&self) -> Kwargs {
        Kwargs(
            self.accepted()
                .iter()
                .map(|k| (k.name, k.default))
                .collect(),
        )
    }

    /// The default environment's perturbation parameters and their default box.
    pub fn perturbations(&self) -> Vec<Param> {
        (self.build)(self.id, &self.defaults(), EnvOptions::default()).perturbations()
    }

    /// The default environment's observation names.
    pub fn observation_names(&self) -> &'static [&'static str] {
        (self.build)(self.id, &self.defaults(), EnvOptions::default()).observation_names()
    }

    /// `key=default  doc`, one line per accepted argument, for `--list-envs` and error messages.
    pub fn describe_kwargs(&self, indent: &str) -> String {
        let mut out = String::new();
        for k in self.accepted() {
            let kv = format!("{}={}", k.name, k.default);
            writeln!(
                out,
                "{indent}{kv:<24} {}  ({})",
                k.doc,
                k.default.expected()
            )
            .unwrap();
        }
        out
    }
}

/// An environment name parsed against its spec: the spec and the value of every keyword argument.
#[derive(Debug, Clone)]
pub struct EnvName {
    pub spec: &'static EnvSpec,
    pub kwargs: Kwargs,
}

fn malformed(name: &str, why: &str) -> Error {
    Error::Invalid(format!(
        "environment `{name}`: {why}; write ID or ID:key=value,key=value (see --list-envs)"
    ))
}

impl EnvName {
    /// Parse `ID` or `ID:key=value,...`: an unknown id, an unknown or repeated key, a missing or
    /// unparsable value are errors that say what is accepted.
    pub fn parse(name: &str) -> Result<EnvName> {
        let (id, args) = match name.split_once(':') {
            Some((id, args)) => (id, Some(args)),
            None => (name, None),
        };
        let spec = registry::spec_of(id).ok_or_else(|| registry::unknown(id))?;
        let accepted = spec.accepted();
        let mut kwargs = spec.defaults();
        let mut seen: Vec<&str> = Vec::new();
        if let Some(args) = args {
            if args.trim().is_empty() {
                return Err(malformed(name, "nothing after `:`"));
            }
            for item in args.split(',') {
                let Some((key, text)) = item.split_once('=') else {
                    return Err(malformed(
                        name,
                        &format!("`{}` is not key=value", item.trim()),
                    ));
                };
                let (key, text) = (key.trim(), text.trim());
                let Some(i) = accepted.iter().position(|k| k.name == key) else {
                    return Err(Error::Invalid(format!(
                        "environment `{name}`: {id} takes no keyword argument `{key}`; it \
                         accepts (with their defaults):\n{}",
                        spec.describe_kwargs("  ").trim_end()
                    )));
                };
                if seen.contains(&key) {
                    return Err(malformed(name, &format!("`{key}` is given twice")));
                }
                seen.push(key);
                let k = accepted[i];
                let value = k.default.parse_like(text).ok_or_else(|| {
                    Error::Invalid(format!(
                        "environment `{name}`: {key}={text} is not valid; {key} takes {} \
                         (default {})",
                        k.default.expected(),
                        k.default
                    ))
                })?;
                kwargs.0[i].1 = value;
            }
        }
        Ok(EnvName { spec, kwargs })
    }

    /// The bare id when every argument is at its default, else `ID:k=v,...` with the non-default
    /// arguments in the spec's order.
    pub fn canonical(&self) -> String {
        let changed: Vec<String> = self
            .spec
            .accepted()
            .iter()
            .zip(self.kwargs.iter())
            .filter(|(k, (_, v))| k.default != *v)
            .map(|(_, (n, v))| format!("{n}={v}"))
            .collect();
        if changed.is_empty() {
            self.spec.id.to_string()
        } else {
            format!("{}:{}", self.spec.id, changed.join(","))
        }
    }

    /// The time limit in force.
    pub fn max_episode_steps(&self) -> usize {
        self.kwargs.steps(MAX_EPISODE_STEPS)
    }

    /// How the environment is drawn.
    pub fn scene(&self) -> SceneKind {
        (self.spec.scene)(&self.kwargs)
    }

    /// Build the environment in its time limit; its `id()` is [`EnvName::canonical`].
    pub fn make(&self, options: EnvOptions) -> Box<dyn Env> {
        let inner = (self.spec.build)(self.spec.id, &self.kwargs, options);
        let name = self.canonical();
        let limit = self.max_episode_steps();
        if name == inner.id() {
            Box::new(TimeLimit::new(inner, limit))
        } else {
            Box::new(TimeLimit::named(inner, limit, name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::box2d::bipedal_walker::WalkerHeuristic;
    use crate::env::box2d::lunar_lander::heuristic;
    use crate::env::{make, Action, Step, ENV_IDS, SPECS};

    fn err(name: &str) -> String {
        match make(name) {
            Err(e) => e.to_string(),
            Ok(env) => panic!("{name} built {}", env.id()),
        }
    }

    /// Step `a` and `b` side by side from `seed` with actions from `policy`, until both end; the
    /// steps must be equal (observation, reward, flags, info) and the ids may differ.
    fn same_episodes(
        a: &mut dyn Env,
        b: &mut dyn Env,
        seed: u64,
        mut policy: impl FnMut(&[f64]) -> Action,
    ) -> usize {
        let mut obs = a.reset(Some(seed));
        assert_eq!(obs, b.reset(Some(seed)));
        for t in 1.. {
            let act = policy(&obs);
            let (sa, sb): (Step, Step) = (a.step(&act), b.step(&act));
            assert_eq!(sa, sb, "step {t}");
            if sa.terminated || sa.truncated {
                return t;
            }
            obs = sa.obs;
        }
        unreachable!()
    }

    #[test]
    fn the_table_is_the_registry() {
        let ids: Vec<&str> = SPECS.iter().map(|s| s.id).collect();
        assert_eq!(ids, ENV_IDS);
        for spec in SPECS {
            let env = make(spec.id).unwrap();
            assert_eq!(env.id(), spec.id);
            assert_eq!(env.max_episode_steps(), Some(spec.max_episode_steps));
            assert_eq!(env.perturbations(), spec.perturbations());
            assert_eq!(env.observation_names(), spec.observation_names());
            let name = EnvName::parse(spec.id).unwrap();
            assert_eq!(name.kwargs, spec.defaults());
            assert_eq!(name.canonical(), spec.id);
            assert_eq!(spec.accepted().last().unwrap().name, MAX_EPISODE_STEPS);
        }
    }

    #[test]
    fn names_are_canonical() {
        let id = |name: &str| make(name).unwrap().id().to_string();
        let rail = "InvertedPendulumSwingupBulletEnv-v0";
        assert_eq!(id(&format!("{rail}:rail=2")), format!("{rail}:rail=2"));
        assert_eq!(id(&format!("{rail}:rail=2.0")), format!("{rail}:rail=2"));
        assert_eq!(id(&format!("{rail}:rail=1")), rail);
        assert_eq!(
            id(&format!("{rail}:rail = 1.5 ")),
            format!("{rail}:rail=1.5")
        );
        assert_eq!(
            id("InvertedPendulumBulletEnv-v0:rail=2.0"),
            "InvertedPendulumBulletEnv-v0:rail=2"
        );
        assert_eq!(
            EnvName::parse("InvertedPendulumBulletEnv-v0:rail=2")
                .unwrap()
                .scene(),
            SceneKind::BulletSwingUp { rail: 2.0 }
        );
        assert_eq!(
            id("InvertedPendulumSwingupLongRailBulletEnv-v0:rail=1"),
            "InvertedPendulumSwingupLongRailBulletEnv-v0:rail=1"
        );
        assert_eq!(id("CartPole-v1:max_episode_steps=500"), "CartPole-v1");
        assert_eq!(
            id("CartPole-v1:max_episode_steps=50"),
            "CartPole-v1:max_episode_steps=50"
        );
        // The spec's order, whatever order they were given in.
        assert_eq!(
            id("Pendulum-v1:max_episode_steps=50,g=9.81"),
            "Pendulum-v1:g=9.81,max_episode_steps=50"
        );
        assert_eq!(
            id("LunarLander-v3:continuous=True"),
            "LunarLander-v3:continuous=true"
        );
        assert_eq!(
            id("LunarLanderContinuous-v3:continuous=true"),
            "LunarLanderContinuous-v3"
        );
        assert_eq!(
            crate::env::canonical_name("Pendulum-v1:g=10.0,max_episode_steps=200").unwrap(),
            "Pendulum-v1"
        );
        // A canonical name parses back to itself.
        for name in [
            "Pendulum-v1:g=9.81,max_episode_steps=50",
            "BipedalWalker-v3:hardcore=true",
        ] {
            assert_eq!(id(&id(name)), id(name));
        }
    }

    /// `cart_friction` takes 0 (the C code's dynamics), unlike the positive-only numbers.
    #[test]
    fn non_negative_arguments_take_zero() {
        let id = |name: &str| make(name).unwrap().id().to_string();
        assert_eq!(
            id("DoublePole-v0:cart_friction=0"),
            "DoublePole-v0:cart_friction=0"
        );
        assert_eq!(
            id("DoublePole-v0:cart_friction=-0"),
            "DoublePole-v0:cart_friction=0"
        );
        assert_eq!(id("DoublePole-v0:cart_friction=0.0005"), "DoublePole-v0");
        assert_eq!(
            id("SinglePole-v0:theta0_deg=2.0,cart_friction=1e-3"),
            "SinglePole-v0:cart_friction=0.001,theta0_deg=2"
        );
        for bad in ["-1e-4", "nan", "inf", "x"] {
            let e = err(&format!("DoublePole-v0:cart_friction={bad}"));
            assert!(
                e.contains("a finite number >= 0 (default 0.0005)"),
                "{bad}: {e}"
            );
        }
        let mut a = make("SinglePole-v0:cart_friction=0").unwrap();
        let mut b = make("SinglePole-v0").unwrap();
        a.reset(None);
        b.reset(None);
        let act = Action::Continuous(vec![0.5]);
        assert_ne!(a.step(&act).obs, b.step(&act).obs);
    }

    #[test]
    fn the_long_rail_is_the_swingup_with_rail_2() {
        let mut a = make("InvertedPendulumSwingupBulletEnv-v0:rail=2").unwrap();
        let mut b = make("InvertedPendulumSwingupLongRailBulletEnv-v0").unwrap();
        assert_eq!(a.perturbations(), b.perturbations());
        assert_eq!(
            EnvName::parse(a.id()).unwrap().scene(),
            SceneKind::BulletSwingUp { rail: 2.0 }
        );
        for seed in [0, 7] {
            let mut t = 0.0f64;
            let n = same_episodes(a.as_mut(), b.as_mut(), seed, |_| {
                t += 1.0;
                Action::Continuous(vec![(t * 0.05).sin()])
            });
            assert_eq!(n, 1000);
        }
        // rail=1 is the short one, which a push to the right drives off its end sooner.
        let mut short = make("InvertedPendulumSwingupLongRailBulletEnv-v0:rail=1").unwrap();
        let mut plain = make("InvertedPendulumSwingupBulletEnv-v0").unwrap();
        same_episodes(short.as_mut(), plain.as_mut(), 3, |_| {
            Action::Continuous(vec![1.0])
        });
    }

    #[test]
    fn max_episode_steps_truncates_there() {
        let mut env = make("CartPole-v1:max_episode_steps=50").unwrap();
        assert_eq!(env.max_episode_steps(), Some(50));
        // Balancing by the pole's angle keeps CartPole up well past 50 steps.
        let balance = |o: &[f64]| Action::Discrete((o[2] + 0.5 * o[3] > 0.0) as usize);
        let mut plain = make("CartPole-v1").unwrap();
        env.reset(Some(1));
        let mut obs = plain.reset(Some(1));
        for t in 1..=50 {
            let act = balance(&obs);
            let (s, p) = (env.step(&act), plain.step(&act));
            assert_eq!(
                (&s.obs, s.reward, s.terminated),
                (&p.obs, p.reward, p.terminated)
            );
            assert!(!p.terminated && !p.truncated, "step {t}");
            assert_eq!(s.truncated, t == 50, "step {t}");
            obs = p.obs;
        }
        // Pendulum never terminates: exactly 50 steps, every seed.
        let mut env = make("Pendulum-v1:max_episode_steps=50").unwrap();
        for seed in 0..3 {
            let n = same_episodes(
                env.as_mut(),
                make("Pendulum-v1:max_episode_steps=50").unwrap().as_mut(),
                seed,
                |_| Action::Continuous(vec![0.5]),
            );
            assert_eq!(n, 50);
        }
    }

    #[test]
    fn variants_by_flag_equal_their_registered_ids() {
        for (name, registered, continuous) in [
            (
                "LunarLander-v3:continuous=true",
                "LunarLanderContinuous-v3",
                true,
            ),
            (
                "LunarLanderContinuous-v2:continuous=false",
                "LunarLander-v2",
                false,
            ),
        ] {
            let mut a = make(name).unwrap();
            let mut b = make(registered).unwrap();
            assert_eq!(a.action_space(), b.action_space());
            for seed in [0, 5] {
                same_episodes(a.as_mut(), b.as_mut(), seed, |o| heuristic(o, continuous));
            }
        }
        let mut a = make("BipedalWalker-v3:hardcore=true,max_episode_steps=300").unwrap();
        let mut b = make("BipedalWalkerHardcore-v3:max_episode_steps=300").unwrap();
        let mut h = WalkerHeuristic::new();
        same_episodes(a.as_mut(), b.as_mut(), 2, |o| h.act(o));
    }

    #[test]
    fn pendulum_takes_gymnasiums_g() {
        let mut moon = make("Pendulum-v1:g=1.62").unwrap();
        let mut earth = make("Pendulum-v1:g=10").unwrap();
        assert_eq!(earth.id(), "Pendulum-v1");
        let g = |env: &dyn Env| {
            env.perturbations()
                .iter()
                .find(|p| p.name == "g")
                .unwrap()
                .nominal
        };
        assert_eq!(g(moon.as_ref()), Some(1.62));
        assert_eq!(g(earth.as_ref()), Some(10.0));
        assert_eq!(moon.reset(Some(0)), earth.reset(Some(0)));
        let a = Action::Continuous(vec![0.0]);
        assert_ne!(moon.step(&a).obs, earth.step(&a).obs);
        // reset restores the keyword's gravity, not the module's constant.
        let mut again = make("Pendulum-v1:g=1.62").unwrap();
        same_episodes(moon.as_mut(), again.as_mut(), 4, |_| {
            Action::Continuous(vec![0.3])
        });
    }

    #[test]
    fn snapshots_carry_the_canonical_name() {
        let name = "InvertedPendulumSwingupBulletEnv-v0:rail=1.5,max_episode_steps=20";
        let mut a = make(name).unwrap();
        a.reset(Some(3));
        let act = Action::Continuous(vec![0.2]);
        a.step(&act);
        let snap = a.snapshot();
        assert_eq!(snap.env, a.id());
        let mut b = make(a.id()).unwrap();
        b.restore(&snap).unwrap();
        assert_eq!(a.step(&act), b.step(&act));
        for other in [
            "InvertedPendulumSwingupBulletEnv-v0",
            "InvertedPendulumSwingupLongRailBulletEnv-v0",
        ] {
            let e = make(other).unwrap().restore(&snap).unwrap_err().to_string();
            assert!(e.contains("does not fit"), "{e}");
        }
        let plain = make("CartPole-v1").unwrap().snapshot();
        let e = make("CartPole-v1:max_episode_steps=9")
            .unwrap()
            .restore(&plain)
            .unwrap_err();
        assert!(e.to_string().contains("does not fit"), "{e}");
    }

    #[test]
    fn bad_names_say_what_is_accepted() {
        let e = err("InvertedPendulumSwingupBulletEnv-v0:length=2");
        assert!(e.contains("takes no keyword argument `length`"), "{e}");
        assert!(
            e.contains("rail=1") && e.contains("max_episode_steps=1000"),
            "{e}"
        );
        let e = err("CartPole-v1:max_episode_steps=-3");
        assert!(
            e.contains("max_episode_steps=-3 is not valid") && e.contains("a positive integer"),
            "{e}"
        );
        for bad in ["0", "1.5", "", "many"] {
            let e = err(&format!("CartPole-v1:max_episode_steps={bad}"));
            assert!(e.contains("a positive integer (default 500)"), "{bad}: {e}");
        }
        for bad in ["0", "-2", "nan", "inf", "two"] {
            let e = err(&format!("InvertedPendulumSwingupBulletEnv-v0:rail={bad}"));
            assert!(e.contains(&format!("rail={bad} is not valid")), "{e}");
            assert!(e.contains("a positive finite number (default 1)"), "{e}");
        }
        let e = err("LunarLander-v3:continuous=yes");
        assert!(
            e.contains("continuous=yes") && e.contains("true or false (default false)"),
            "{e}"
        );
        for (name, needle) in [
            ("CartPole-v1:", "nothing after `:`"),
            ("CartPole-v1: ", "nothing after `:`"),
            (
                "CartPole-v1:max_episode_steps",
                "`max_episode_steps` is not key=value",
            ),
            ("CartPole-v1:max_episode_steps=5,", "`` is not key=value"),
            (
                "CartPole-v1:max_episode_steps=5,max_episode_steps=6",
                "given twice",
            ),
            ("CartPole-v1:=5", "takes no keyword argument ``"),
        ] {
            let e = err(name);
            assert!(e.contains(needle), "{name}: {e}");
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
        let e = err("CartPole-v1:max_episode_steps=5,");
        assert!(e.contains("write ID or ID:key=value,key=value"), "{e}");
        let e = err("CartPol-v1:max_episode_steps=5");
        assert!(
            e.contains("unknown environment `CartPol-v1`")
                && e.contains("the closest: `CartPole-v1`"),
            "{e}"
        );
        let e = err(":max_episode_steps=5");
        assert!(e.contains("unknown environment ``"), "{e}");
    }

    #[test]
    fn the_walker_reports_its_info_and_the_gymnasium_classics_none() {
        let mut env = make("BipedalWalker-v3").unwrap();
        let mut h = WalkerHeuristic::new();
        let mut obs = env.reset(Some(0));
        let mut first = None;
        for _ in 0..200 {
            let s = env.step(&h.act(&obs));
            let names: Vec<&str> = s.info.iter().map(|(n, _)| n).collect();
            assert_eq!(names, ["hull_x", "leg1_contact", "leg2_contact"]);
            assert_eq!(s.info.get("leg1_contact"), Some(s.obs[8]));
            assert_eq!(s.info.get("leg2_contact"), Some(s.obs[13]));
            first.get_or_insert(s.info.get("hull_x").unwrap());
            obs = s.obs;
        }
        // The heuristic walks forward.
        let x = env.step(&h.act(&obs)).info.get("hull_x").unwrap();
        assert!(x > first.unwrap() + 1.0, "{x} {first:?}");
        for id in ["CartPole-v1", "Pendulum-v1", "LunarLander-v3"] {
            let mut env = make(id).unwrap();
            env.reset(Some(0));
            let a = match env.action_space() {
                crate::env::Space::Discrete { .. } => Action::Discrete(0),
                s => Action::Continuous(vec![0.0; s.size()]),
            };
            assert!(env.step(&a).info.is_empty(), "{id}");
        }
        // The pole-balancing ids report Gruau's wobble, |x| + |ẋ| + |θ1| + |θ̇1|.
        let mut env = make("DoublePoleNoVel-v0").unwrap();
        env.reset(Some(0));
        let s = env.step(&Action::Continuous(vec![0.5]));
        assert_eq!(
            s.info.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            ["wobble"]
        );
    }
}
