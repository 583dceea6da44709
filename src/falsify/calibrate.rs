//! `--calibrate-box`: the largest scaling of the perturbation box in which the dense actor has no
//! failure under the campaign that will falsify its pruned version (same methods, budget and seed).
//!
//! A campaign in which nearly every sample fails the *dense* actor says nothing about what pruning
//! did. Calibration shrinks every searched parameter's interval toward its nominal value (an offset's 0,
//! a physical constant's value; the middle of a `set` interval) by one factor s: first s = 1 (the box as
//! given), then [`STEPS`] bisection steps on (0, 1]. The result is the largest s tried at which every
//! campaign found nothing (safety need not be monotone in s; the trials are all reported). Nothing is
//! written: calibration only runs campaigns.

use std::time::Instant;

use crate::env::{EnvOptions, Param};
use crate::error::{Error, Result};
use crate::falsify::bo::{Acquisition, GpModel, SearchRegion};
use crate::falsify::catalog::Spec;
use crate::falsify::search::{self, Campaign, Method};
use crate::policy::Actor;
use crate::report::Table;
use crate::Choice;

/// Bisection steps after the full box fails: the scale is found to 1/64.
pub const STEPS: usize = 6;

/// The interval of `p` scaled by `s` toward its nominal value (the middle when it has none, or when
/// the nominal value lies outside the interval).
pub fn scaled(p: &Param, s: f64) -> Param {
    let c = match p.nominal {
        Some(n) if p.low <= n && n <= p.high => n,
        _ => 0.5 * (p.low + p.high),
    };
    Param {
        low: c + s * (p.low - c),
        high: c + s * (p.high - c),
        ..p.clone()
    }
}

/// The campaign settings every trial uses.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    pub env_id: &'a str,
    pub env_options: EnvOptions,
    pub spec: &'a Spec,
    pub methods: &'a [Method],
    /// Evaluations per campaign.
    pub budget: usize,
    pub init_points: usize,
    pub acquisition: Acquisition,
    pub region: SearchRegion,
    pub model: GpModel,
    pub seed: u64,
}

/// One scale tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    pub scale: f64,
    /// Failures per method, in `methods` order.
    pub failures: Vec<usize>,
    pub seconds: f64,
}

impl Trial {
    pub fn safe(&self) -> bool {
        self.failures.iter().all(|&n| n == 0)
    }
}

/// What calibration found.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The largest safe scale tried (`None`: none was, down to 1/2^STEPS).
    pub scale: Option<f64>,
    /// The searched parameters at that scale.
    pub params: Vec<Param>,
    pub trials: Vec<Trial>,
}

/// Calibrate the box of `params` for `actor`.
pub fn calibrate(actor: &Actor, params: &[Param], s: &Settings) -> Result<Calibration> {
    let methods: Vec<Method> = s
        .methods
        .iter()
        .copied()
        .filter(|m| *m != Method::Test)
        .collect();
    if methods.is_empty() {
        return Err(Error::Usage(
            "--calibrate-box scales the box the campaign searches; --falsify-method test runs \
             unperturbed episodes and searches none (add bo or random)"
                .into(),
        ));
    }
    let trial = |scale: f64| -> Result<Trial> {
        let t = Instant::now();
        let box_: Vec<Param> = params.iter().map(|p| scaled(p, scale)).collect();
        let failures = methods
            .iter()
            .map(|&method| {
                search::run(&Campaign {
                    env_id: s.env_id,
                    env_options: s.env_options,
                    actor,
                    spec: s.spec,
                    params: &box_,
                    method,
                    budget: s.budget,
                    init_points: s.init_points,
                    acquisition: s.acquisition,
                    region: s.region,
                    model: s.model,
                    seed: s.seed,
                })
                .map(|o| o.failures.len())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Trial {
            scale,
            failures,
            seconds: t.elapsed().as_secs_f64(),
        })
    };
    let mut trials = vec![trial(1.0)?];
    let mut best = trials[0].safe().then_some(1.0);
    if best.is_none() {
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..STEPS {
            let mid = 0.5 * (lo + hi);
            let t = trial(mid)?;
            if t.safe() {
                lo = mid;
                best = Some(mid);
            } else {
                hi = mid;
            }
            trials.push(t);
        }
    }
    Ok(Calibration {
        scale: best,
        params: params
            .iter()
            .map(|p| scaled(p, best.unwrap_or(0.0)))
            .collect(),
        trials,
    })
}

/// One row per trial: the scale, failures per method, safe or not, seconds.
pub fn trials_table(c: &Calibration, methods: &[Method]) -> Table {
    let methods: Vec<Method> = methods
        .iter()
        .copied()
        .filter(|m| *m != Method::Test)
        .collect();
    let mut header = vec!["scale".to_string()];
    header.extend(methods.iter().map(|m| format!("{} failures", m.name())));
    header.extend(["dense actor".into(), "s".into()]);
    let mut t = Table::new(header);
    for tr in &c.trials {
        let mut row = vec![format!("{}", tr.scale)];
        row.extend(tr.failures.iter().map(|n| n.to_string()));
        row.push(if tr.safe() { "safe" } else { "fails" }.into());
        row.push(format!("{:.2}", tr.seconds));
        t.row(row);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_shrinks_toward_the_nominal_value_or_the_middle() {
        let off = Param::offset("x", -2.0, 1.0, "");
        let s = scaled(&off, 0.5);
        assert_eq!((s.low, s.high), (-1.0, 0.5));
        let set = Param::set("x", 0.0, 4.0, "");
        let s = scaled(&set, 0.25);
        assert_eq!((s.low, s.high), (1.5, 2.5));
        let phys = Param::physical("g", 10.0, 8.0, 20.0, "");
        let s = scaled(&phys, 0.5);
        assert_eq!((s.low, s.high), (9.0, 15.0));
        // A nominal value outside the interval: the middle.
        let odd = Param::offset("d", 1.0, 3.0, "");
        let s = scaled(&odd, 0.5);
        assert_eq!((s.low, s.high), (1.5, 2.5));
        assert_eq!(scaled(&off, 1.0), off);
    }
}
