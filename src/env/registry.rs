//! Environments by Gym id, wrapped in their time limits as `gym.make` does: the table of
//! [`EnvSpec`]s, and `make` from a name that may carry keyword arguments (`ID:key=value,...`).

use std::fmt::Write;

use super::box2d::bipedal_walker::BipedalWalker;
use super::box2d::lunar_lander::LunarLander;
use super::bullet::swingup::BulletSwingup;
use super::classic::{
    cartpole::CartPole, cartpole_swingup::CartPoleSwingUp, gomez, gomez::PoleBalancing,
    mountain_car_continuous::MountainCarContinuous, pendulum::Pendulum,
};
use super::rapier::ant::{Ant, AntConfig};
use super::rapier::reacher::{Reacher, ReacherConfig, ReacherKind};
use super::spec::{EnvName, EnvSpec, Kwarg, Kwargs, SceneKind, Value};
use super::{Env, Promotion, Space};
use crate::error::{Error, Result};

/// Every id `make` knows, in the order `--list-envs` lists them (the ids of [`SPECS`]).
pub const ENV_IDS: &[&str] = &[
    "CartPole-v0",
    "CartPole-v1",
    "Pendulum-v0",
    "Pendulum-v1",
    "MountainCarContinuous-v0",
    "CartPoleSwingUp-v0",
    "CartPoleSwingUp-v1",
    "InvertedPendulumBulletEnv-v0",
    "InvertedPendulumSwingupBulletEnv-v0",
    "InvertedPendulumSwingupLongRailBulletEnv-v0",
    "LunarLander-v2",
    "LunarLander-v3",
    "LunarLanderContinuous-v2",
    "LunarLanderContinuous-v3",
    "BipedalWalker-v3",
    "BipedalWalkerHardcore-v3",
    "SinglePole-v0",
    "SinglePoleNoVel-v0",
    "DoublePole-v0",
    "DoublePoleNoVel-v0",
    "AntBulletEnv-v0",
    "AntBulletAsymFrontEnv-v0",
    "AntBulletAsymCrossEnv-v0",
    "AntBulletBigEnv-v0",
    "AntBulletSmallEnv-v0",
    "ReacherPlane-v0",
    "Reacher3D-v0",
    "SocialReacher-v0",
];

const PENDULUM: &[Kwarg] = &[Kwarg {
    name: "g",
    default: Value::Float(10.0),
    doc: "gravity (m/s^2) that reset restores",
}];

const fn rail(default: f64) -> Kwarg {
    Kwarg {
        name: "rail",
        default: Value::Float(default),
        doc: "half-length of the slider's range (m)",
    }
}
const RAIL_1: &[Kwarg] = &[rail(1.0)];
const RAIL_2: &[Kwarg] = &[rail(2.0)];

const fn continuous(default: bool) -> Kwarg {
    Kwarg {
        name: "continuous",
        default: Value::Bool(default),
        doc: "Box(2) engine throttles instead of Discrete(4)",
    }
}
const LEG_H: Kwarg = Kwarg {
    name: "leg_h",
    default: Value::Float(8.0),
    doc: "the legs' half-length (px at 30 px/m; not Gymnasium's): shorter legs, a damaged lander",
};
const DISCRETE_LANDER: &[Kwarg] = &[continuous(false), LEG_H];
const CONTINUOUS_LANDER: &[Kwarg] = &[continuous(true), LEG_H];

const fn hardcore(default: bool) -> Kwarg {
    Kwarg {
        name: "hardcore",
        default: Value::Bool(default),
        doc: "terrain with stumps, pits and stairs",
    }
}
const WALKER: &[Kwarg] = &[hardcore(false)];
const HARDCORE_WALKER: &[Kwarg] = &[hardcore(true)];

const POLE_BALANCING: &[Kwarg] = &[
    Kwarg {
        name: "cart_friction",
        default: Value::NonNegative(gomez::CART_FRICTION),
        doc: "the cart's friction coefficient μc (0: the widely copied C code, which omits it)",
    },
    Kwarg {
        name: "theta0_deg",
        default: Value::NonNegative(gomez::THETA0_DEG),
        doc: "the long pole's start angle (degrees)",
    },
];

fn pole_balancing(id: &'static str, k: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(
        PoleBalancing::new(id)
            .with_cart_friction(k.float("cart_friction"))
            .with_theta0_deg(k.float("theta0_deg")),
    )
}

fn cartpole(id: &'static str, _: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(CartPole::new(id))
}

fn pendulum_v0(_: &'static str, k: &Kwargs, o: EnvOptions) -> Box<dyn Env> {
    Box::new(Pendulum::v0(o.promotion).with_g(k.float("g")))
}

fn pendulum_v1(_: &'static str, k: &Kwargs, o: EnvOptions) -> Box<dyn Env> {
    Box::new(Pendulum::with_promotion(o.promotion).with_g(k.float("g")))
}

fn swingup_v0(_: &'static str, _: &Kwargs, o: EnvOptions) -> Box<dyn Env> {
    Box::new(CartPoleSwingUp::with_promotion(false, o.promotion))
}

fn swingup_v1(_: &'static str, _: &Kwargs, o: EnvOptions) -> Box<dyn Env> {
    Box::new(CartPoleSwingUp::with_promotion(true, o.promotion))
}

fn bullet_swingup(_: &'static str, k: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(BulletSwingup::new(k.float("rail")))
}

fn bullet_balance(_: &'static str, k: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(BulletSwingup::balance(k.float("rail")))
}

fn lunar_lander(id: &'static str, k: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(LunarLander::new(id, k.bool("continuous")).with_leg_h(k.float("leg_h")))
}

fn bipedal_walker(id: &'static str, k: &Kwargs, o: EnvOptions) -> Box<dyn Env> {
    Box::new(BipedalWalker::with_promotion(
        id,
        k.bool("hardcore"),
        o.promotion,
    ))
}

/// The ant's keyword arguments, with the defaults of one id: the feet's reach (front-left,
/// front-right, back-left, back-right), their aspect, the torso's radius and height, the power, the
/// alive height and the reset noise.
const fn ant(
    feet: [f64; 4],
    aspect: f64,
    radius: f64,
    z: f64,
    power: f64,
    alive: f64,
    noise: f64,
) -> [Kwarg; 11] {
    const fn foot(name: &'static str, reach: f64, doc: &'static str) -> Kwarg {
        Kwarg {
            name,
            default: Value::Within(reach, 0.05, 1.0),
            doc,
        }
    }
    [
        foot(
            "front_left_foot",
            feet[0],
            "front-left foot's reach along x (m; 0.4, HyperNCA's damaged feet 0.25)",
        ),
        foot(
            "front_right_foot",
            feet[1],
            "front-right foot's reach along x (m)",
        ),
        foot(
            "back_left_foot",
            feet[2],
            "back-left foot's reach along x (m)",
        ),
        foot(
            "back_right_foot",
            feet[3],
            "back-right foot's reach along x (m)",
        ),
        Kwarg {
            name: "foot_aspect",
            default: Value::Within(aspect, 0.25, 4.0),
            doc: "the feet's reach along y over their reach along x",
        },
        Kwarg {
            name: "torso_radius",
            default: Value::Within(radius, 0.05, 0.5),
            doc: "the torso sphere's radius (m)",
        },
        Kwarg {
            name: "torso_z",
            default: Value::Within(z, 0.3, 3.0),
            doc: "the torso's height at reset (m)",
        },
        Kwarg {
            name: "power",
            default: Value::Within(power, 0.1, 10.0),
            doc: "torque per unit action over 100 (N m)",
        },
        Kwarg {
            name: "alive_z",
            default: Value::Within(alive, 0.0, 2.0),
            doc: "alive (+1) while the torso is above this height (m), else -1 and done",
        },
        Kwarg {
            name: "reset_noise",
            default: Value::Within(noise, 0.0, 0.5),
            doc: "reset joint angles are U(-noise, noise) (rad; 0 draws nothing)",
        },
        Kwarg {
            name: "solver_iterations",
            default: Value::Steps(4),
            doc: "rapier's solver iterations a substep (more: stiffer joints, slower)",
        },
    ]
}
const ANT: &[Kwarg] = &ant([0.4; 4], 1.0, 0.25, 0.75, 2.5, 0.26, 0.1);
// HyperNCA's ants (its `bullet ants/` XMLs and robot classes): joints reset to exactly 0.
const ANT_ASYM_FRONT: &[Kwarg] = &ant([0.25, 0.25, 0.4, 0.4], 1.0, 0.25, 0.75, 2.5, 0.26, 0.0);
const ANT_ASYM_CROSS: &[Kwarg] = &ant([0.25, 0.4, 0.25, 0.4], 1.0, 0.25, 0.75, 2.5, 0.26, 0.0);
const ANT_BIG: &[Kwarg] = &ant([0.4; 4], 1.5, 0.25, 1.0, 3.0, 0.26, 0.0);
const ANT_SMALL: &[Kwarg] = &ant([0.2; 4], 1.0, 0.15, 0.75, 2.0, 0.16, 0.0);

/// Gestures' reacher settings (its `Base` defaults and CLI).
const REACHER: &[Kwarg] = &[
    Kwarg {
        name: "power",
        default: Value::Within(0.5, 0.01, 10.0),
        doc: "torque per unit action over 5 (N m): 0.05 x 100 x power",
    },
    Kwarg {
        name: "potential_constant",
        default: Value::Within(100.0, 0.01, 1e4),
        doc: "the potential is minus this times the key points' distance to the target",
    },
    Kwarg {
        name: "r1",
        default: Value::Within(1.0, 0.0, 100.0),
        doc: "weight of the elbow's potential difference (SocialReacher: of the whole pose's)",
    },
    Kwarg {
        name: "r2",
        default: Value::Within(1.0, 0.0, 100.0),
        doc: "weight of the hand's potential difference (not used by SocialReacher)",
    },
    Kwarg {
        name: "reset_noise",
        default: Value::Within(0.01, 0.0, 3.2),
        doc: "reset hinge angles are U(-noise, noise) (rad)",
    },
];

fn reacher_env(id: &'static str, k: &Kwargs, options: EnvOptions) -> Box<dyn Env> {
    let kind = ReacherKind::of(id).expect("reacher_env builds the reacher ids");
    Box::new(Reacher::new(id, ReacherConfig::from_kwargs(kind, k)).with_poses(options.targets))
}

fn ant_env(id: &'static str, k: &Kwargs, _: EnvOptions) -> Box<dyn Env> {
    Box::new(Ant::new(id, AntConfig::from_kwargs(k)))
}

const fn spec(
    id: &'static str,
    max_episode_steps: usize,
    kwargs: &'static [Kwarg],
    build: fn(&'static str, &Kwargs, EnvOptions) -> Box<dyn Env>,
    scene: fn(&Kwargs) -> SceneKind,
) -> EnvSpec {
    EnvSpec {
        id,
        max_episode_steps,
        kwargs,
        build,
        scene,
    }
}

/// The registered environments, in the order of [`ENV_IDS`].
pub static SPECS: &[EnvSpec] = &[
    // Same dynamics; Gymnasium registers v0 with 200 steps and v1 with 500.
    spec("CartPole-v0", 200, &[], cartpole, |_| SceneKind::CartPole),
    spec("CartPole-v1", 500, &[], cartpole, |_| SceneKind::CartPole),
    spec("Pendulum-v0", 200, PENDULUM, pendulum_v0, |_| {
        SceneKind::Pendulum
    }),
    spec("Pendulum-v1", 200, PENDULUM, pendulum_v1, |_| {
        SceneKind::Pendulum
    }),
    spec(
        "MountainCarContinuous-v0",
        999,
        &[],
        |_, _, o| Box::new(MountainCarContinuous::new(o.promotion)),
        |_| SceneKind::MountainCar,
    ),
    spec("CartPoleSwingUp-v0", 500, &[], swingup_v0, |_| {
        SceneKind::SwingUp
    }),
    spec("CartPoleSwingUp-v1", 500, &[], swingup_v1, |_| {
        SceneKind::SwingUp
    }),
    // pybullet's balance task: the swing-up's cart and pole, started upright; reward_threshold 950.
    spec(
        "InvertedPendulumBulletEnv-v0",
        1000,
        RAIL_1,
        bullet_balance,
        bullet_scene,
    ),
    // The long rail is the same constructor with rail=2.
    spec(
        "InvertedPendulumSwingupBulletEnv-v0",
        1000,
        RAIL_1,
        bullet_swingup,
        bullet_scene,
    ),
    spec(
        "InvertedPendulumSwingupLongRailBulletEnv-v0",
        1000,
        RAIL_2,
        bullet_swingup,
        bullet_scene,
    ),
    // Gymnasium 1.x's v3; the v2 ids, gone from Gymnasium, are the aliases PruVer's users type.
    spec(
        "LunarLander-v2",
        1000,
        DISCRETE_LANDER,
        lunar_lander,
        |_| SceneKind::LunarLander,
    ),
    spec(
        "LunarLander-v3",
        1000,
        DISCRETE_LANDER,
        lunar_lander,
        |_| SceneKind::LunarLander,
    ),
    spec(
        "LunarLanderContinuous-v2",
        1000,
        CONTINUOUS_LANDER,
        lunar_lander,
        |_| SceneKind::LunarLander,
    ),
    spec(
        "LunarLanderContinuous-v3",
        1000,
        CONTINUOUS_LANDER,
        lunar_lander,
        |_| SceneKind::LunarLander,
    ),
    spec(
        "BipedalWalker-v3",
        1600,
        WALKER,
        bipedal_walker,
        walker_scene,
    ),
    spec(
        "BipedalWalkerHardcore-v3",
        2000,
        HARDCORE_WALKER,
        bipedal_walker,
        walker_scene,
    ),
    // Gomez et al. 2008 (CoSyNE), Appendix A: the limit is the paper's success criterion.
    spec(
        "SinglePole-v0",
        gomez::SOLVED_STEPS,
        POLE_BALANCING,
        pole_balancing,
        |_| SceneKind::PoleBalancing {
            poles: 1,
            velocities: true,
        },
    ),
    spec(
        "SinglePoleNoVel-v0",
        gomez::SOLVED_STEPS,
        POLE_BALANCING,
        pole_balancing,
        |_| SceneKind::PoleBalancing {
            poles: 1,
            velocities: false,
        },
    ),
    spec(
        "DoublePole-v0",
        gomez::SOLVED_STEPS,
        POLE_BALANCING,
        pole_balancing,
        |_| SceneKind::PoleBalancing {
            poles: 2,
            velocities: true,
        },
    ),
    spec(
        "DoublePoleNoVel-v0",
        gomez::SOLVED_STEPS,
        POLE_BALANCING,
        pole_balancing,
        |_| SceneKind::PoleBalancing {
            poles: 2,
            velocities: false,
        },
    ),
    // pybullet_envs' AntBulletEnv-v0 on rapier3d; reward_threshold 2500.
    spec("AntBulletEnv-v0", 1000, ANT, ant_env, |_| SceneKind::Ant),
    spec(
        "AntBulletAsymFrontEnv-v0",
        1000,
        ANT_ASYM_FRONT,
        ant_env,
        |_| SceneKind::Ant,
    ),
    spec(
        "AntBulletAsymCrossEnv-v0",
        1000,
        ANT_ASYM_CROSS,
        ant_env,
        |_| SceneKind::Ant,
    ),
    spec("AntBulletBigEnv-v0", 1000, ANT_BIG, ant_env, |_| {
        SceneKind::Ant
    }),
    spec("AntBulletSmallEnv-v0", 1000, ANT_SMALL, ant_env, |_| {
        SceneKind::Ant
    }),
    // Roboschool's reachers (ErikEkstedt/Gestures) on rapier3d: 300 steps of 0.0165/4 s.
    spec("ReacherPlane-v0", 300, REACHER, reacher_env, |_| {
        SceneKind::Reacher
    }),
    spec("Reacher3D-v0", 300, REACHER, reacher_env, |_| {
        SceneKind::Reacher
    }),
    spec("SocialReacher-v0", 300, REACHER, reacher_env, |_| {
        SceneKind::Reacher
    }),
];

fn bullet_scene(k: &Kwargs) -> SceneKind {
    SceneKind::BulletSwingUp {
        rail: k.float("rail"),
    }
}

fn walker_scene(k: &Kwargs) -> SceneKind {
    SceneKind::BipedalWalker {
        hardcore: k.bool("hardcore"),
    }
}

/// The spec registered under `id` (a bare id, without keyword arguments).
pub fn spec_of(id: &str) -> Option<&'static EnvSpec> {
    SPECS.iter().find(|s| s.id == id)
}

/// The error for an id no spec has, naming the closest ones.
pub(crate) fn unknown(id: &str) -> Error {
    let closest = closest_ids(id);
    let mut known = ENV_IDS.join(", ");
    if !closest.is_empty() {
        let c: Vec<String> = closest.iter().map(|c| format!("`{c}`")).collect();
        write!(known, "; the closest: {}", c.join(", ")).unwrap();
    }
    Error::UnknownEnv {
        id: id.to_string(),
        known,
    }
}

/// Options that select between reference behaviours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvOptions {
    /// NumPy's float promotion rules (Pendulum-v0/v1, MountainCarContinuous-v0, the swing-ups and
    /// BipedalWalker's reward depend on them).
    pub promotion: Promotion,
    /// SocialReacher's target poses (`--targets`): each episode draws one from the set instead of a
    /// random reachable pose. Other environments ignore it.
    pub targets: Option<crate::env::rapier::reacher::PoseSet>,
}

/// Build the environment `name` (an id, or `ID:key=value,...`), with its time limit and default
/// options.
pub fn make(name: &str) -> Result<Box<dyn Env>> {
    make_with(name, EnvOptions::default())
}

/// Build the environment `name` (an id, or `ID:key=value,...`) with `options`. Its `id()` is the
/// canonical name (see [`EnvName::canonical`]).
pub fn make_with(name: &str, options: EnvOptions) -> Result<Box<dyn Env>> {
    Ok(EnvName::parse(name)?.make(options))
}

/// The canonical form of `name` (see [`EnvName::canonical`]): `CartPole-v1:max_episode_steps=500` is
/// `CartPole-v1`. For callers that want one spelling per environment in their file names.
pub fn canonical_name(name: &str) -> Result<String> {
    Ok(EnvName::parse(name)?.canonical())
}

/// The registered id of a name: `Pendulum-v1` for `Pendulum-v1:g=9`. Settings files key their entries
/// by id; a variant takes its own entry when there is one, else its id's.
pub fn base_id(name: &str) -> &str {
    name.split_once(':').map_or(name, |(id, _)| id)
}

/// Levenshtein distance over lower-cased characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != cb) as usize)
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known ids closest to `id` (a mistyped id, a wrong version, a different case), best first: at
/// most three, within an edit distance of a third of the id's length.
pub fn closest_ids(id: &str) -> Vec<&'static str> {
    let limit = (id.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &'static str)> = ENV_IDS
        .iter()
        .map(|&k| {
            // An id without its version, or a prefix of a long id, counts as close.
            let stem = k.rsplit_once("-v").map_or(k, |(s, _)| s);
            let d = if stem.eq_ignore_ascii_case(id) {
                1
            } else {
                distance(id, k)
            };
            (d, k)
        })
        .filter(|&(d, _)| d <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

fn space(s: &Space) -> String {
    match s {
        Space::Discrete { n } => format!("Discrete({n})"),
        Space::Box { low, high } => {
            let b: Vec<String> = low
                .iter()
                .zip(high)
                .map(|(l, h)| format!("[{}, {}]", num(*l), num(*h)))
                .collect();
            if b.len() > 1 && b.iter().all(|x| *x == b[0]) {
                format!("Box({}): {} each", low.len(), b[0])
            } else {
                format!("Box({}): {}", low.len(), b.join(" "))
            }
        }
    }
}

fn num(v: f64) -> String {
    if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        // float32 bounds print as their float32 value, e.g. 0.41887903.
        // Huge bounds (float32's largest, which some environments use for "unbounded") in
        // scientific notation, as NumPy prints them.
        let f = v as f32;
        match (f as f64 == v, v.abs() >= 1e6) {
            (true, false) => format!("{f}"),
            (true, true) => format!("{f:e}"),
            (false, false) => format!("{v}"),
            (false, true) => format!("{v:e}"),
        }
    }
}

/// What `--list-envs` prints: each id with its spaces, observation names, episode limit, keyword
/// arguments and perturbations.
pub fn list_envs() -> String {
    let mut out = String::new();
    for spec in SPECS {
        let id = spec.id;
        let env = make(id).expect("a registered id");
        writeln!(out, "{id}").unwrap();
        writeln!(
            out,
            "  observation  {}  ({})",
            space(&env.observation_space()),
            env.observation_names().join(", ")
        )
        .unwrap();
        writeln!(out, "  action       {}", space(&env.action_space())).unwrap();
        let limit = env
            .max_episode_steps()
            .map_or("none".to_string(), |n| n.to_string());
        writeln!(out, "  episode      {limit} steps").unwrap();
        writeln!(out, "  keyword arguments ({id}:key=value,...)").unwrap();
        out.push_str(&spec.describe_kwargs("    "));
        writeln!(out, "  perturbations").unwrap();
        for p in env.perturbations() {
            writeln!(
                out,
                "    {:<12} {:<8} [{}, {}]  {}",
                p.name,
                p.kind.describe(),
                num(p.low),
                num(p.high),
                p.doc
            )
            .unwrap();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_builds_with_its_own_id() {
        for id in ENV_IDS {
            let env = make(id).unwrap();
            assert_eq!(env.id(), *id);
            assert_eq!(
                env.observation_names().len(),
                env.observation_space().size()
            );
            assert!(!env.perturbations().is_empty(), "{id}");
        }
    }

    #[test]
    fn unknown_ids_suggest_the_closest() {
        assert_eq!(
            closest_ids("CartPole-v9")[..2],
            ["CartPole-v0", "CartPole-v1"]
        );
        assert_eq!(closest_ids("pendulum-v1")[0], "Pendulum-v1");
        assert_eq!(
            closest_ids("MountainCarContinuous")[0],
            "MountainCarContinuous-v0"
        );
        assert_eq!(closest_ids("CartPoleSwingup-v0")[0], "CartPoleSwingUp-v0");
        assert_eq!(
            closest_ids("LunarLanderContinuous")[0],
            "LunarLanderContinuous-v2"
        );
        assert!(closest_ids("BreakoutNoFrameskip-v4").is_empty());
        let err = match make("CartPole-v9") {
            Err(e) => e.to_string(),
            Ok(_) => panic!("CartPole-v9 is not registered"),
        };
        assert!(err.contains("unknown environment `CartPole-v9`"), "{err}");
        assert!(
            err.contains("the closest: `CartPole-v0`, `CartPole-v1`"),
            "{err}"
        );
    }

    #[test]
    fn list_shows_spaces_perturbations_and_limits() {
        let text = list_envs();
        for id in ENV_IDS {
            assert!(text.contains(id));
        }
        assert!(text.contains("Discrete(2)"));
        assert!(text.contains("masspole"));
        assert!(text.contains("999 steps"));
        assert!(text.contains("[-0.05, 0.05]"));
    }
}
