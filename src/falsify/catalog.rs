//! The specifications an environment can be falsified against: the shipped `specifications.yml`
//! (compiled in, so the tool works from any directory), extended or overridden by a user file, and the
//! signals a formula may name.

use std::path::{Path, PathBuf};

use crate::env::{Env, Space};
use crate::error::{Error, Result};
use crate::falsify::spec::Formula;
use crate::rollout::Trajectory;

/// The shipped specifications.
pub const SHIPPED: &str = include_str!("../../specifications.yml");

/// PruVer's random-testing criterion, which every environment gets.
pub const RANDOM_TESTING: (&str, &str) = ("return_nonnegative", "at_end(return >= 0)");

/// A named specification, parsed against one environment's signals.
#[derive(Debug, Clone)]
pub struct Spec {
    pub name: String,
    pub text: String,
    pub formula: Formula,
}

/// Specifications by environment id, in file order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: Vec<(String, Vec<(String, String)>)>,
}

impl Catalog {
    /// The shipped specifications, then those of `user` (a name already defined is replaced).
    pub fn load(user: Option<&Path>) -> Result<Catalog> {
        let mut cat = Catalog::parse(SHIPPED, Path::new("specifications.yml (built in)"))?;
        if let Some(path) = user {
            let text = crate::yaml::read(path, "a specifications file")?;
            let extra = Catalog::parse(&text, path)?;
            for (env, specs) in extra.entries {
                for (name, formula) in specs {
                    cat.insert(&env, name, formula);
                }
            }
        }
        Ok(cat)
    }

    /// The specifications of a file's `text` (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Catalog> {
        let bad = |reason: String| Error::Config {
            path: PathBuf::from(path),
            reason,
        };
        crate::yaml::check(text).map_err(bad)?;
        let doc: serde_yaml::Mapping =
            serde_yaml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut cat = Catalog::default();
        for (env, specs) in doc {
            let env = env
                .as_str()
                .ok_or_else(|| bad(format!("environment ids must be strings, found {env:?}")))?
                .to_string();
            let specs = specs
                .as_mapping()
                .ok_or_else(|| bad(format!("`{env}` must map specification names to formulas")))?;
            for (name, formula) in specs {
                let (Some(name), Some(formula)) = (name.as_str(), formula.as_str()) else {
                    return Err(bad(format!(
                        "`{env}`: each specification is `name: formula`, both strings; found {name:?}: {formula:?}"
                    )));
                };
                check_name(name).map_err(|why| bad(format!("`{env}`: {why}")))?;
                cat.insert(&env, name.to_string(), formula.to_string());
            }
        }
        Ok(cat)
    }

    fn insert(&mut self, env: &str, name: String, formula: String) {
        let i = match self.entries.iter().position(|(e, _)| e == env) {
            Some(i) => i,
            None => {
                self.entries.push((env.to_string(), Vec::new()));
                self.entries.len() - 1
            }
        };
        let specs = &mut self.entries[i].1;
        match specs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = formula,
            None => specs.push((name, formula)),
        }
    }

    /// Every specification of `env_id` (its own, then PruVer's random-testing criterion), unparsed.
    pub fn names(&self, env_id: &str) -> Vec<(String, String)> {
        let entry = |id: &str| self.entries.iter().find(|(e, _)| e == id);
        let mut v = entry(env_id)
            .or_else(|| entry(crate::env::base_id(env_id)))
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        if !v.iter().any(|(n, _)| n == RANDOM_TESTING.0) {
            v.push((RANDOM_TESTING.0.into(), RANDOM_TESTING.1.into()));
        }
        v
    }

    /// The specification `name` of the environment (its first one when `name` is None), parsed against
    /// its signals. Errors name the specification, the column and what was expected.
    pub fn get(&self, env: &dyn Env, name: Option<&str>) -> Result<Spec> {
        let all = self.names(env.id());
        let (name, text) = match name {
            None => all[0].clone(),
            Some(n) => all.iter().find(|(k, _)| k == n).cloned().ok_or_else(|| {
                let known: Vec<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
                Error::Invalid(format!(
                    "--spec {n}: {} has no specification of that name; its specifications: {}",
                    env.id(),
                    known.join(", ")
                ))
            })?,
        };
        let formula = Formula::parse(&text, &signal_names(env)).map_err(|e| {
            Error::Invalid(format!(
                "specification `{name}` of {} (`{text}`): {e}",
                env.id()
            ))
        })?;
        Ok(Spec {
            name,
            text,
            formula,
        })
    }
}

/// A specification's name becomes part of file names (`<env>_<actor>_<spec>_<method>.csv`), so it
/// is kept to letters, digits, `_`, `-` and `.`, starts with a letter or digit, has no `..`, and is at
/// most 64 characters: no name can lead a file out of its folder.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "specification name {name:?}: names become part of file names, so they are letters, \
             digits, `_`, `-` and `.` (starting with a letter or digit, no `..`, at most 64)"
        ))
    }
}

/// The action's signal names: `action` for a discrete index or the first component, and
/// `action0`, `action1`, … for every component.
fn action_names(space: &Space) -> Vec<String> {
    let n = match space {
        Space::Discrete { .. } => 1,
        Space::Box { low, .. } => low.len(),
    };
    std::iter::once("action".to_string())
        .chain((0..n).map(|i| format!("action{i}")))
        .collect()
}

/// Every signal a formula over `env`'s episodes may name, in the order of [`signals`]' columns.
pub fn signal_names(env: &dyn Env) -> Vec<String> {
    env.observation_names()
        .iter()
        .map(|s| s.to_string())
        .chain(action_names(&env.action_space()))
        .chain(["reward", "return", "t"].map(String::from))
        .collect()
}

/// The trajectory as signal columns, one sample per observation (T + 1 of them for T steps): sample i
/// holds observation i, the action taken at it (the last action again at the final observation), the
/// reward that led to it (0 at the start), the return so far, and i.
pub fn signals(traj: &Trajectory) -> Vec<Vec<f64>> {
    let n = traj.observations.len();
    let obs_dim = traj.observations[0].len();
    let mut cols: Vec<Vec<f64>> = (0..obs_dim)
        .map(|j| traj.observations.iter().map(|o| o[j]).collect())
        .collect();
    let action_at = |i: usize| -> Vec<f64> {
        match traj
            .actions
            .get(i.min(traj.actions.len().saturating_sub(1)))
        {
            Some(crate::env::Action::Discrete(a)) => vec![*a as f64],
            Some(crate::env::Action::Continuous(v)) => v.clone(),
            None => Vec::new(),
        }
    };
    let width = action_at(0).len().max(1);
    let actions: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut a = action_at(i);
            a.resize(width, 0.0);
            a
        })
        .collect();
    cols.push(actions.iter().map(|a| a[0]).collect());
    for j in 0..width {
        cols.push(actions.iter().map(|a| a[j]).collect());
    }
    let reward: Vec<f64> = (0..n)
        .map(|i| if i == 0 { 0.0 } else { traj.rewards[i - 1] })
        .collect();
    let mut ret = Vec::with_capacity(n);
    let mut acc = 0.0;
    for r in &reward {
        acc += r;
        ret.push(acc);
    }
    cols.push(reward);
    cols.push(ret);
    cols.push((0..n).map(|i| i as f64).collect());
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{make, Action, Perturbation};

    #[test]
    fn names_that_could_leave_a_folder_are_refused() {
        for ok in ["upright", "return_300", "spec-2.b", "A1"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            ".x",
            "x..y",
            "a b",
            "é",
            &"x".repeat(65),
            "-x",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_shipped_specification_parses_against_its_environment() {
        let cat = Catalog::load(None).unwrap();
        for id in crate::env::ENV_IDS {
            let env = make(id).unwrap();
            for (name, _) in cat.names(id) {
                cat.get(env.as_ref(), Some(&name))
                    .unwrap_or_else(|e| panic!("{id} {name}: {e}"));
            }
        }
        let cp = make("CartPole-v0").unwrap();
        assert_eq!(cat.get(cp.as_ref(), None).unwrap().name, "position");
        for id in crate::env::classic::gomez::IDS {
            let names: Vec<String> = cat.names(id).into_iter().map(|(n, _)| n).collect();
            assert_eq!(
                names,
                ["upright", "on_track", "balance_1000", "return_nonnegative"],
                "{id}"
            );
        }
    }

    #[test]
    fn a_variant_has_its_ids_specifications() {
        let cat = Catalog::load(None).unwrap();
        let env = make("CartPole-v0:max_episode_steps=100").unwrap();
        assert_eq!(cat.get(env.as_ref(), None).unwrap().name, "position");
        assert_eq!(
            cat.names("CartPole-v0:max_episode_steps=100"),
            cat.names("CartPole-v0")
        );
    }

    #[test]
    fn user_files_add_and_override() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.yml");
        std::fs::write(
            &p,
            "CartPole-v0:\n  position: always(abs(x) <= 1.0)\n  upright: always(abs(theta) <= 0.2)\n",
        )
        .unwrap();
        let cat = Catalog::load(Some(&p)).unwrap();
        let env = make("CartPole-v0").unwrap();
        assert_eq!(
            cat.get(env.as_ref(), None).unwrap().text,
            "always(abs(x) <= 1.0)"
        );
        assert_eq!(
            cat.get(env.as_ref(), Some("upright")).unwrap().text,
            "always(abs(theta) <= 0.2)"
        );
    }

    #[test]
    fn bad_specifications_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.yml");
        std::fs::write(&p, "CartPole-v0:\n  fast: always(speed <= 1)\n").unwrap();
        let cat = Catalog::load(Some(&p)).unwrap();
        let env = make("CartPole-v0").unwrap();
        let e = cat.get(env.as_ref(), Some("fast")).unwrap_err().to_string();
        assert!(
            e.contains("specification `fast` of CartPole-v0")
                && e.contains("unknown variable `speed`"),
            "{e}"
        );
        let e = cat.get(env.as_ref(), Some("nope")).unwrap_err().to_string();
        assert!(
            e.contains("position, upright, fast, return_nonnegative"),
            "{e}"
        );
        std::fs::write(&p, "CartPole-v0: [1, 2]\n").unwrap();
        let e = Catalog::load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("s.yml") && e.contains("must map"), "{e}");
    }

    #[test]
    fn signals_align_observations_actions_and_rewards() {
        let mut env = make("CartPole-v1").unwrap();
        let traj = crate::rollout::replay(
            env.as_mut(),
            0,
            &Perturbation::new(),
            &[Action::Discrete(1), Action::Discrete(0)],
        )
        .unwrap();
        let names = signal_names(env.as_ref());
        assert_eq!(
            names,
            [
                "x",
                "x_dot",
                "theta",
                "theta_dot",
                "action",
                "action0",
                "reward",
                "return",
                "t"
            ]
        );
        let cols = signals(&traj);
        assert_eq!(cols.len(), names.len());
        assert_eq!(
            cols[0],
            traj.observations.iter().map(|o| o[0]).collect::<Vec<_>>()
        );
        assert_eq!(cols[4], [1.0, 0.0, 0.0]);
        assert_eq!(cols[6], [0.0, 1.0, 1.0]);
        assert_eq!(cols[7], [0.0, 1.0, 2.0]);
        assert_eq!(cols[8], [0.0, 1.0, 2.0]);
    }
}
