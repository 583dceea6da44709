//! Falsification campaigns: search an environment's perturbation box for episodes of a deterministic
//! actor that violate a specification, with GP-BO, uniform random sampling (the baseline BO must beat)
//! or PruVer's random testing (unperturbed episodes with fresh seeds).
//!
//! The environment's own randomness: BO and random search use one environment seed for the whole
//! campaign (`--seed`), so the robustness is a deterministic function of the perturbation, which is what
//! a GP models; the searched parameters set the whole initial state in the shipped boxes anyway. Random
//! testing has no perturbation to search, so evaluation i uses seed `--seed + i`, as PruVer's fresh
//! seeds did, but reproducibly.

use std::time::Instant;

use crate::env::{self, EnvOptions, Param, Perturbation};
use crate::error::{Error, Result};
use crate::falsify::bo::{self, Acquisition, BoOptions, GpModel, SearchRegion};
use crate::falsify::catalog::{signals, Spec};
use crate::policy::Actor;
use crate::rollout::{self, Trajectory};

/// How a campaign chooses what to evaluate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Method {
    Bo,
    Random,
    Test,
}

impl crate::Choice for Method {
    const ALL: &'static [Method] = &[Method::Bo, Method::Random, Method::Test];

    fn name(self) -> &'static str {
        match self {
            Method::Bo => "bo",
            Method::Random => "random",
            Method::Test => "test",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Method::Bo => "GP Bayesian optimisation of the robustness over the perturbation box",
            Method::Random => "Uniform samples of the box, the same number as BO evaluates",
            Method::Test => {
                "PruVer's random testing: unperturbed episodes, evaluation i seeded with --seed + i"
            }
        }
    }
}

/// What to falsify and how.
#[derive(Debug, Clone)]
pub struct Campaign<'a> {
    pub env_id: &'a str,
    pub env_options: EnvOptions,
    pub actor: &'a Actor,
    pub spec: &'a Spec,
    /// The searched parameters and their bounds.
    pub params: &'a [Param],
    pub method: Method,
    /// Evaluations in all (BO: `init_points` Latin-hypercube points, then the rest guided).
    pub budget: usize,
    pub init_points: usize,
    pub acquisition: Acquisition,
    pub region: SearchRegion,
    /// Which evaluations BO's GP takes.
    pub model: GpModel,
    pub seed: u64,
}

/// One evaluated episode.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    pub index: usize,
    pub seed: u64,
    /// The perturbation values, one per searched parameter.
    pub values: Vec<f64>,
    pub robustness: f64,
    pub ret: f64,
    pub length: usize,
}

impl Evaluation {
    pub fn failed(&self) -> bool {
        self.robustness < 0.0
    }
}

/// A campaign's outcome (it travels between MPI ranks, [`crate::dist`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub method: Method,
    pub evaluations: Vec<Evaluation>,
    /// Every failing episode, in evaluation order, with its evaluation index.
    pub failures: Vec<(usize, Trajectory)>,
    pub simulation_seconds: f64,
    pub surrogate_seconds: f64,
    pub wall_seconds: f64,
}

impl Outcome {
    pub fn first_failure(&self) -> Option<usize> {
        self.failures.first().map(|(i, _)| *i)
    }

    pub fn min_robustness(&self) -> f64 {
        self.evaluations
            .iter()
            .map(|e| e.robustness)
            .fold(f64::INFINITY, f64::min)
    }

    /// The lowest robustness seen after each evaluation (the convergence curve).
    pub fn best_so_far(&self) -> Vec<f64> {
        let mut best = f64::INFINITY;
        self.evaluations
            .iter()
            .map(|e| {
                best = best.min(e.robustness);
                best
            })
            .collect()
    }
}

/// Check a campaign's settings before any episode runs.
pub fn validate(c: &Campaign) -> Result<()> {
    if c.budget == 0 {
        return Err(Error::Invalid(
            "--budget 0: a campaign needs at least one evaluation".into(),
        ));
    }
    if c.method != Method::Test && c.params.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no perturbation parameters to search; choose some with --params (see --list-envs)",
            c.env_id
        )));
    }
    for p in c.params {
        if !(p.low.is_finite() && p.high.is_finite()) || p.low >= p.high {
            return Err(Error::Invalid(format!(
                "{}: the bounds of `{}` are [{}, {}]; they must be finite with low < high",
                c.env_id, p.name, p.low, p.high
            )));
        }
    }
    Ok(())
}

/// Run a campaign.
pub fn run(c: &Campaign) -> Result<Outcome> {
    validate(c)?;
    let start = Instant::now();
    let mut env = env::make_with(c.env_id, c.env_options)?;
    let max_steps = env.max_episode_steps().unwrap_or(usize::MAX);
    let mut out = Outcome {
        method: c.method,
        evaluations: Vec::new(),
        failures: Vec::new(),
        simulation_seconds: 0.0,
        surrogate_seconds: 0.0,
        wall_seconds: 0.0,
    };
    // One evaluation: the episode from `seed` with the perturbation at unit-cube point `u`.
    let mut evaluate = |u: &[f64], seed: u64, out: &mut Outcome| -> Result<f64> {
        let t = Instant::now();
        let values: Vec<f64> = c
            .params
            .iter()
            .zip(u)
            .map(|(p, &u)| p.low + u * (p.high - p.low))
            .collect();
        let pert = Perturbation::from_values(c.params, &values);
        let traj = rollout::record_episode(env.as_mut(), c.actor, seed, &pert, max_steps)?;
        let robustness = c.spec.formula.robustness(&signals(&traj));
        let index = out.evaluations.len();
        if !robustness.is_finite() {
            let at: Vec<String> = c
                .params
                .iter()
                .zip(&values)
                .map(|(p, v)| format!("{} = {v}", p.name))
                .collect();
            return Err(Error::Invalid(format!(
                "the specification `{}` has robustness {robustness} on evaluation {index} (seed \
                 {seed}{}{}), and a search needs a finite number: a division by zero in `{}`, or a \
                 bounded interval that lies past the episode's end? No file was written.",
                c.spec.name,
                if at.is_empty() { "" } else { ", " },
                at.join(", "),
                c.spec.text
            )));
        }
        out.evaluations.push(Evaluation {
            index,
            seed,
            values,
            robustness,
            ret: traj.ret(),
            length: traj.actions.len(),
        });
        if robustness < 0.0 {
            out.failures.push((index, traj));
        }
        out.simulation_seconds += t.elapsed().as_secs_f64();
        Ok(robustness)
    };
    match c.method {
        Method::Test => {
            for i in 0..c.budget {
                evaluate(&[], c.seed.wrapping_add(i as u64), &mut out)?;
            }
        }
        Method::Random => {
            let mut rng = env::rng::NpRng::from_seed(c.seed);
            for _ in 0..c.budget {
                let u: Vec<f64> = (0..c.params.len()).map(|_| rng.random()).collect();
                evaluate(&u, c.seed, &mut out)?;
            }
        }
        Method::Bo => {
            let opts = BoOptions {
                init_points: c.init_points.min(c.budget),
                iterations: c.budget.saturating_sub(c.init_points),
                acquisition: c.acquisition,
                region: c.region,
                model: c.model,
                seed: c.seed,
                ..BoOptions::default()
            };
            // An evaluation that fails (it cannot with a checked perturbation, but errors are not
            // swallowed) stops the search and is returned.
            let failure = std::cell::RefCell::new(None);
            let (_, timing) = bo::minimize(
                c.params.len(),
                &opts,
                |u| match evaluate(u, c.seed, &mut out) {
                    Ok(r) => r,
                    Err(e) => {
                        *failure.borrow_mut() = Some(e);
                        f64::NAN
                    }
                },
                |_| failure.borrow().is_some(),
            );
            if let Some(e) = failure.into_inner() {
                return Err(e);
            }
            out.surrogate_seconds = timing.surrogate_seconds;
        }
    }
    out.wall_seconds = start.elapsed().as_secs_f64();
    Ok(out)
}

/// The searched parameters among `all` (an environment's, with any YAML bounds): those named, in that
/// order, or every initial-state parameter (the predecessor's boxes).
pub fn choose_params(env_id: &str, all: Vec<Param>, names: &[String]) -> Result<Vec<Param>> {
    if names.is_empty() {
        return Ok(all.into_iter().filter(|p| p.searched_by_default).collect());
    }
    names
        .iter()
        .map(|n| {
            all.iter().find(|p| p.name == n).cloned().ok_or_else(|| {
                let known: Vec<&str> = all.iter().map(|p| p.name).collect();
                Error::Invalid(format!(
                    "--params: {env_id} has no perturbation parameter `{n}`; its parameters: {}",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::falsify::catalog::Catalog;
    use std::path::Path;

    fn shipped_actor() -> Actor {
        Actor::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("Policies/bc_actorCartPole-v1.pth"))
            .unwrap()
    }

    fn campaign<'a>(
        actor: &'a Actor,
        spec: &'a Spec,
        params: &'a [Param],
        method: Method,
        budget: usize,
    ) -> Campaign<'a> {
        Campaign {
            env_id: "CartPole-v0",
            env_options: EnvOptions::default(),
            actor,
            spec,
            params,
            method,
            budget,
            init_points: 5,
            acquisition: Acquisition::default(),
            region: SearchRegion::default(),
            model: GpModel::default(),
            seed: 3,
        }
    }

    #[test]
    fn campaigns_are_reproducible_and_failures_are_negative_robustness() {
        let actor = shipped_actor();
        let env = env::make("CartPole-v0").unwrap();
        // A specification the actor can violate inside the box: the cart stays within 0.1 m.
        let spec = Spec {
            name: "tight".into(),
            text: "always(abs(x) <= 0.1)".into(),
            formula: crate::falsify::spec::Formula::parse(
                "always(abs(x) <= 0.1)",
                &crate::falsify::catalog::signal_names(env.as_ref()),
            )
            .unwrap(),
        };
        let params = choose_params("CartPole-v0", env.perturbations(), &[]).unwrap();
        assert_eq!(
            params.iter().map(|p| p.name).collect::<Vec<_>>(),
            ["x", "x_dot", "theta", "theta_dot"]
        );
        for method in [Method::Bo, Method::Random, Method::Test] {
            let a = run(&campaign(&actor, &spec, &params, method, 25)).unwrap();
            let b = run(&campaign(&actor, &spec, &params, method, 25)).unwrap();
            assert_eq!(a.evaluations, b.evaluations, "{method:?}");
            assert_eq!(a.evaluations.len(), 25);
            let failing: Vec<usize> = a
                .evaluations
                .iter()
                .filter(|e| e.failed())
                .map(|e| e.index)
                .collect();
            let recorded: Vec<usize> = a.failures.iter().map(|(i, _)| *i).collect();
            assert_eq!(failing, recorded);
            for e in &a.evaluations {
                for (v, p) in e.values.iter().zip(&params) {
                    assert!((p.low..=p.high).contains(v));
                }
            }
        }
        // BO drives the robustness lower than its initial design.
        let bo = run(&campaign(&actor, &spec, &params, Method::Bo, 40)).unwrap();
        let init_best = bo.best_so_far()[4];
        assert!(
            bo.min_robustness() < init_best,
            "{} vs {init_best}",
            bo.min_robustness()
        );
    }

    #[test]
    fn bad_campaigns_are_refused_before_running() {
        let actor = shipped_actor();
        let cat = Catalog::load(None).unwrap();
        let env = env::make("CartPole-v0").unwrap();
        let spec = cat.get(env.as_ref(), None).unwrap();
        let mut params = choose_params("CartPole-v0", env.perturbations(), &[]).unwrap();
        let e = run(&campaign(&actor, &spec, &params, Method::Bo, 0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("--budget 0"), "{e}");
        params[1].high = params[1].low;
        let e = run(&campaign(&actor, &spec, &params, Method::Random, 5))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`x_dot`") && e.contains("low < high"), "{e}");
        let e = choose_params("CartPole-v0", env.perturbations(), &["mass".into()])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no perturbation parameter `mass`") && e.contains("masspole"),
            "{e}"
        );
    }
}
