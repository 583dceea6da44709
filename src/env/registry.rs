//! Environments by Gym id, wrapped in their time limits as `gym.make` does.

use std::fmt::Write;

use super::box2d::bipedal_walker::BipedalWalker;
use super::box2d::lunar_lander::LunarLander;
use super::bullet::swingup::BulletSwingup;
use super::classic::{
    cartpole::CartPole, cartpole_swingup::CartPoleSwingUp,
    mountain_car_continuous::MountainCarContinuous, pendulum::Pendulum,
};
use super::{Env, Promotion, Space, TimeLimit};
use crate::error::{Error, Result};

/// Every id `make` knows, in the order `--list-envs` lists them.
pub const ENV_IDS: &[&str] = &[
    "CartPole-v0",
    "CartPole-v1",
    "Pendulum-v0",
    "Pendulum-v1",
    "MountainCarContinuous-v0",
    "CartPoleSwingUp-v0",
    "CartPoleSwingUp-v1",
    "InvertedPendulumSwingupBulletEnv-v0",
    "InvertedPendulumSwingupLongRailBulletEnv-v0",
    "LunarLander-v2",
    "LunarLander-v3",
    "LunarLanderContinuous-v2",
    "LunarLanderContinuous-v3",
    "BipedalWalker-v3",
    "BipedalWalkerHardcore-v3",
];

/// Options that select between reference behaviours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvOptions {
    /// NumPy's float promotion rules (Pendulum-v0/v1, MountainCarContinuous-v0, the swing-ups and
    /// BipedalWalker's reward depend on them).
    pub promotion: Promotion,
}

/// Build the environment registered under `id`, with its time limit and default options.
pub fn make(id: &str) -> Result<Box<dyn Env>> {
    make_with(id, EnvOptions::default())
}

/// Build the environment registered under `id` with `options`.
pub fn make_with(id: &str, options: EnvOptions) -> Result<Box<dyn Env>> {
    let p = options.promotion;
    let (env, limit): (Box<dyn Env>, usize) = match id {
        // Same dynamics; Gymnasium registers v0 with 200 steps and v1 with 500.
        "CartPole-v0" => (Box::new(CartPole::new("CartPole-v0")), 200),
        "CartPole-v1" => (Box::new(CartPole::new("CartPole-v1")), 500),
        "Pendulum-v0" => (Box::new(Pendulum::v0(p)), 200),
        "Pendulum-v1" => (Box::new(Pendulum::with_promotion(p)), 200),
        "MountainCarContinuous-v0" => (Box::new(MountainCarContinuous::new(p)), 999),
        "CartPoleSwingUp-v0" => (Box::new(CartPoleSwingUp::with_promotion(false, p)), 500),
        "CartPoleSwingUp-v1" => (Box::new(CartPoleSwingUp::with_promotion(true, p)), 500),
        "InvertedPendulumSwingupBulletEnv-v0" => (Box::new(BulletSwingup::new(1.0)), 1000),
        "InvertedPendulumSwingupLongRailBulletEnv-v0" => (Box::new(BulletSwingup::new(2.0)), 1000),
        // Gymnasium 1.x's v3; the v2 ids, gone from Gymnasium, are the aliases PruVer's users type.
        "LunarLander-v2" => (Box::new(LunarLander::new("LunarLander-v2", false)), 1000),
        "LunarLander-v3" => (Box::new(LunarLander::new("LunarLander-v3", false)), 1000),
        "LunarLanderContinuous-v2" => (
            Box::new(LunarLander::new("LunarLanderContinuous-v2", true)),
            1000,
        ),
        "LunarLanderContinuous-v3" => (
            Box::new(LunarLander::new("LunarLanderContinuous-v3", true)),
            1000,
        ),
        "BipedalWalker-v3" => (
            Box::new(BipedalWalker::with_promotion("BipedalWalker-v3", false, p)),
            1600,
        ),
        "BipedalWalkerHardcore-v3" => (
            Box::new(BipedalWalker::with_promotion(
                "BipedalWalkerHardcore-v3",
                true,
                p,
            )),
            2000,
        ),
        _ => {
            let closest = closest_ids(id);
            let mut known = ENV_IDS.join(", ");
            if !closest.is_empty() {
                let c: Vec<String> = closest.iter().map(|c| format!("`{c}`")).collect();
                write!(known, "; the closest: {}", c.join(", ")).unwrap();
            }
            return Err(Error::UnknownEnv {
                id: id.to_string(),
                known,
            });
        }
    };
    Ok(Box::new(TimeLimit::new(env, limit)))
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

/// What `--list-envs` prints: each id with its spaces, observation names, perturbations and episode
/// limit.
pub fn list_envs() -> String {
    let mut out = String::new();
    for id in ENV_IDS {
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
