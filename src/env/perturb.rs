//! Perturbations: named, bounded parameters applied right after `reset`, which falsification searches
//! over. A parameter offsets a state variable, sets one, or replaces a physical constant for the episode.
//!
//! Bounds are search bounds: [`apply`] accepts any finite value, so a recorded counterexample still
//! replays after the bounds in a YAML file have changed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Env;
use crate::error::{Error, Result};

/// What a perturbation parameter acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParamKind {
    /// Added to a state variable of the initial state.
    Offset,
    /// Replaces a state variable of the initial state.
    Set,
    /// Replaces a physical constant until the next `reset`.
    Physical,
}

impl ParamKind {
    pub fn describe(self) -> &'static str {
        match self {
            ParamKind::Offset => "offset",
            ParamKind::Set => "set",
            ParamKind::Physical => "physical",
        }
    }
}

/// One perturbation parameter and its default search bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub low: f64,
    pub high: f64,
    /// The value that leaves the episode as `reset` made it: 0 for offsets, the constant for physical
    /// parameters, none for set parameters.
    pub nominal: Option<f64>,
    /// What it acts on, for `--list-envs`.
    pub doc: &'static str,
    /// Whether `--falsify` searches it when `--params` names none (initial-state parameters do;
    /// physical ones and alternative boxes, such as PruVer's, are searched only when named).
    pub searched_by_default: bool,
}

impl Param {
    pub const fn offset(name: &'static str, low: f64, high: f64, doc: &'static str) -> Param {
        Param {
            name,
            kind: ParamKind::Offset,
            low,
            high,
            nominal: Some(0.0),
            doc,
            searched_by_default: true,
        }
    }
    pub const fn set(name: &'static str, low: f64, high: f64, doc: &'static str) -> Param {
        Param {
            name,
            kind: ParamKind::Set,
            low,
            high,
            nominal: None,
            doc,
            searched_by_default: true,
        }
    }
    pub const fn physical(
        name: &'static str,
        nominal: f64,
        low: f64,
        high: f64,
        doc: &'static str,
    ) -> Param {
        Param {
            name,
            kind: ParamKind::Physical,
            low,
            high,
            nominal: Some(nominal),
            doc,
            searched_by_default: false,
        }
    }

    /// The same parameter, searched only when `--params` names it.
    pub const fn opt_in(mut self) -> Param {
        self.searched_by_default = false;
        self
    }
}

/// Perturbation values by parameter name, as a counterexample records them. Parameters not named are
/// left as `reset` made them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Perturbation(pub BTreeMap<String, f64>);

impl Perturbation {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: &str, value: f64) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One value per parameter of `params`, in their order (a falsifier's point in the search box).
    pub fn from_values(params: &[Param], values: &[f64]) -> Perturbation {
        Perturbation(
            params
                .iter()
                .zip(values)
                .map(|(p, &v)| (p.name.to_string(), v))
                .collect(),
        )
    }
}

/// Apply `perturbation` to `env`, which must have just been reset; returns the new observation.
/// Unknown names and non-finite values are errors that name them.
pub fn apply(env: &mut dyn Env, perturbation: &Perturbation) -> Result<Vec<f64>> {
    let params = env.perturbations();
    let mut values = vec![None; params.len()];
    for (name, &v) in &perturbation.0 {
        let Some(i) = params.iter().position(|p| p.name == name) else {
            return Err(Error::Invalid(format!(
                "{}: unknown perturbation parameter `{name}`; its parameters: {}",
                env.id(),
                names(&params)
            )));
        };
        if !v.is_finite() {
            return Err(Error::Invalid(format!(
                "{}: perturbation `{name}` = {v} is not a finite number",
                env.id()
            )));
        }
        values[i] = Some(v);
    }
    Ok(env.apply_perturbation(&values))
}

fn names(params: &[Param]) -> String {
    if params.is_empty() {
        return "none".into();
    }
    params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// The environment's parameters with bounds overridden by a YAML section's `perturbations:` map
/// (`name: [low, high]`). `path` names the file in errors.
pub fn with_bounds(
    env_id: &str,
    mut params: Vec<Param>,
    overrides: &BTreeMap<String, [f64; 2]>,
    path: &Path,
) -> Result<Vec<Param>> {
    for (name, &[low, high]) in overrides {
        let Some(p) = params.iter_mut().find(|p| p.name == name) else {
            return Err(Error::Config {
                path: path.to_path_buf(),
                reason: format!(
                    "{env_id}.perturbations: unknown parameter `{name}`; {env_id} has: {}",
                    names(&params)
                ),
            });
        };
        if !(low.is_finite() && high.is_finite() && low <= high) {
            return Err(Error::Config {
                path: path.to_path_buf(),
                reason: format!(
                    "{env_id}.perturbations.{name}: [{low}, {high}] is not a finite interval with low <= high"
                ),
            });
        }
        p.low = low;
        p.high = high;
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::make;

    #[test]
    fn unknown_names_and_bad_values_are_errors() {
        let mut env = make("CartPole-v0").unwrap();
        env.reset(Some(0));
        let err = apply(env.as_mut(), &Perturbation::new().with("y", 0.1))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`y`") && err.contains("x_dot"), "{err}");
        let err = apply(env.as_mut(), &Perturbation::new().with("x", f64::NAN))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a finite"), "{err}");
    }

    #[test]
    fn yaml_bounds_override() {
        let env = make("CartPole-v0").unwrap();
        let mut o = BTreeMap::new();
        o.insert("x".to_string(), [-0.2, 0.3]);
        let p = with_bounds("CartPole-v0", env.perturbations(), &o, Path::new("h.yml")).unwrap();
        let x = p.iter().find(|p| p.name == "x").unwrap();
        assert_eq!((x.low, x.high), (-0.2, 0.3));
        o.insert("z".to_string(), [0.0, 1.0]);
        let err = with_bounds("CartPole-v0", env.perturbations(), &o, Path::new("h.yml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("h.yml") && err.contains("`z`") && err.contains("theta_dot"));
        let mut o = BTreeMap::new();
        o.insert("x".to_string(), [1.0, 0.0]);
        assert!(with_bounds("CartPole-v0", env.perturbations(), &o, Path::new("h.yml")).is_err());
    }
}
