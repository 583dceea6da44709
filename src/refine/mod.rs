//! `--refine`: counterexample-guided refinement of a pruned actor, PruVer's algorithm
//! (britig/PruVer `LunarLanderRefinement.py`), reproducible and parallel.
//!
//! 1. **Replay check.** Every recorded failure is replayed from its seed, perturbation and actions; its
//!    return and robustness must come back bit for bit, or the failure is named and the run stops.
//! 2. **Recovery states.** For each failure and j = 0, 1, …, replay its first j actions and let the
//!    *dense* actor finish the episode (a prefix whose last action is the one the dense actor takes
//!    there gives the episode of the prefix before, so it is not run again). The first j from which the dense actor no longer recovers (return
//!    below the recovery threshold, or the specification violated) marks the point of no return; the
//!    recovery state is the observation just before it, the last one from which the dense actor still
//!    saves the episode.
//! 3. **Gradients.** One backward pass, through libtorch, of the MSE between the pruned and the dense
//!    actions at the recovery states (softmax outputs for discrete actors, as PruVer's network has),
//!    with respect to the pruned actor's weights.
//! 4. **Restoration.** |∂L/∂W| is ranked per layer with dense ranks (`rankdata(method="dense") − 1`).
//!    For p = 0.95, 0.93, … while p ≥ 0, layer by layer in order, every weight whose rank is at least
//!    ⌈max_rank · p⌉ gets its dense value back, and every failure is re-run from its seed and
//!    perturbation with the refined actor. It stops as soon as every failure is fixed.
//!
//! Rollouts use the plain-Rust forward pass, spread over all cores; the result does not depend on the
//! core count.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tch::{Device, Kind, Reduction, Tensor};

use crate::env::{self, Env, EnvOptions};
use crate::error::{Error, Result};
use crate::falsify::catalog::{signals, Spec};
use crate::policy::torch::TchActor;
use crate::policy::{Actor, Dtype};
use crate::prune;
use crate::report::{Summary, Table};
use crate::rollout::{self, Trajectory};
use crate::trajectory::{divergence, RecordedFailure};

pub mod tune;

/// How `--refine` changes the pruned actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Pruver,
    Tune,
}

impl crate::Choice for Strategy {
    const ALL: &'static [Strategy] = &[Strategy::Pruver, Strategy::Tune];

    fn name(self) -> &'static str {
        match self {
            Strategy::Pruver => "pruver",
            Strategy::Tune => "tune",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Strategy::Pruver => {
                "PruVer's: restore dense weights, ranked by one gradient at the recovery states, until \
                 every failure is fixed (nothing else changes)"
            }
            Strategy::Tune => {
                "Ours: keep the pruned actor's sparsity pattern and train its weights toward the dense \
                 actor's outputs on the states the failures and anchor episodes visit (DAgger), \
                 restoring gradient-ranked weights only when a round fixes nothing new"
            }
        }
    }
}

/// How `--refine` judges a failure fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Pruver,
    Spec,
}

impl crate::Choice for Method {
    const ALL: &'static [Method] = &[Method::Pruver, Method::Spec];

    fn name(self) -> &'static str {
        match self {
            Method::Pruver => "pruver",
            Method::Spec => "spec",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Method::Pruver => {
                "PruVer's rule: the episode's return reaches the environment's `refine_fixed_return` \
                 (and a prefix is recoverable when the dense actor reaches `refine_recovery_return`); \
                 where the YAML gives no threshold, the specification decides"
            }
            Method::Spec => {
                "The specification's robustness is ≥ 0, for recovery and for fixing alike"
            }
        }
    }
}

/// The return thresholds of `--refine-method pruver`, from `hyperparameters.yml`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Thresholds {
    pub recovery_return: Option<f64>,
    pub fixed_return: Option<f64>,
}

impl Thresholds {
    /// PruVer's values for LunarLander (200 to recover, 100 to count as fixed); none elsewhere.
    pub fn defaults(env_id: &str) -> Thresholds {
        if env_id.starts_with("LunarLander") {
            Thresholds {
                recovery_return: Some(200.0),
                fixed_return: Some(100.0),
            }
        } else {
            Thresholds::default()
        }
    }
}

/// When an episode counts as good.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Criterion {
    /// The return reaches this value.
    Return(f64),
    /// The specification's robustness is ≥ 0.
    Spec,
}

impl Criterion {
    pub fn ok(self, traj: &Trajectory, spec: &Spec) -> bool {
        match self {
            Criterion::Return(t) => traj.ret() >= t,
            Criterion::Spec => spec.formula.robustness(&signals(traj)) >= 0.0,
        }
    }

    pub fn describe(self, spec: &Spec) -> String {
        match self {
            Criterion::Return(t) => format!("return ≥ {t}"),
            Criterion::Spec => format!("`{}` holds (robustness ≥ 0)", spec.name),
        }
    }
}

/// The recovery and fixed criteria of a method.
pub fn criteria(method: Method, t: Thresholds) -> (Criterion, Criterion) {
    match method {
        Method::Spec => (Criterion::Spec, Criterion::Spec),
        Method::Pruver => (
            t.recovery_return.map_or(Criterion::Spec, Criterion::Return),
            t.fixed_return.map_or(Criterion::Spec, Criterion::Return),
        ),
    }
}

/// The environment every rollout of a refinement runs in.
#[derive(Debug, Clone, Copy)]
pub struct EnvRef<'a> {
    pub id: &'a str,
    pub options: EnvOptions,
}

impl EnvRef<'_> {
    fn make(&self) -> Result<Box<dyn Env>> {
        env::make_with(self.id, self.options)
    }
}

fn max_steps(env: &dyn Env) -> usize {
    env.max_episode_steps().unwrap_or(usize::MAX)
}

/// Replay every failure from its seed, perturbation and actions; observations, rewards, the episode's
/// end, the return and the robustness must equal the record bit for bit (as `--display` checks). The
/// error names each failure that diverges and its first difference.
pub fn check_replays(env: EnvRef, failures: &[RecordedFailure], spec: &Spec) -> Result<()> {
    let diverged = rollout::par_map(env.id, env.options, failures, |e, f| {
        let t = rollout::replay(e, f.seed, &f.perturbation, &f.actions)?;
        let robustness = spec.formula.robustness(&signals(&t));
        Ok(
            divergence(f, &t, robustness, e.observation_names()).map(|why| {
                format!(
                    "failure {} (evaluation {}, seed {}): {why}",
                    f.id, f.evaluation, f.seed
                )
            }),
        )
    })?;
    let diverged: Vec<String> = diverged.into_iter().flatten().collect();
    if diverged.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "{} of {} recorded failures do not replay as recorded on {} (was the file edited, or recorded \
         with other environment options such as `numpy:`?):\n  {}",
        diverged.len(),
        failures.len(),
        env.id,
        diverged.join("\n  ")
    )))
}

/// Where a failure stops being recoverable by the dense actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    pub failure: usize,
    /// The first j whose prefix the dense actor cannot recover from (`None`: it recovers from every
    /// prefix, and the state before the failure's last action is used).
    pub no_return: Option<usize>,
    /// The observation index of the recovery state in the recorded failure.
    pub index: usize,
    pub state: Vec<f64>,
    /// Episodes run to find it (prefixes whose next recorded action is the dense actor's own are
    /// skipped: they replay the episode of the prefix before).
    pub episodes: usize,
}

/// The recovery state of every failure (step 2).
pub fn recovery_states(
    env: EnvRef,
    dense: &Actor,
    failures: &[RecordedFailure],
    recovered: Criterion,
    spec: &Spec,
) -> Result<Vec<Recovery>> {
    let space = env.make()?.action_space();
    rollout::par_map(env.id, env.options, failures, |e, f| {
        let cap = max_steps(e);
        let n = f.actions.len();
        let mut scratch = crate::policy::Scratch::default();
        let mut episodes = 0;
        for j in 0..=n {
            // Where the dense actor would itself take the recorded action j − 1, prefix j gives the
            // very episode prefix j − 1 gave (same actions, same states), which was recoverable: skip it.
            if j > 0
                && dense.act_with(&f.observations[j - 1], &space, &mut scratch) == f.actions[j - 1]
            {
                continue;
            }
            episodes += 1;
            let t = rollout::replay_then(e, f.seed, &f.perturbation, &f.actions[..j], dense, cap)?;
            if !recovered.ok(&t, spec) {
                let index = j.saturating_sub(1);
                return Ok(Recovery {
                    failure: f.id,
                    no_return: Some(j),
                    index,
                    state: f.observations[index].clone(),
                    episodes,
                });
            }
        }
        let index = n.saturating_sub(1);
        Ok(Recovery {
            failure: f.id,
            no_return: None,
            index,
            state: f.observations[index].clone(),
            episodes,
        })
    })
}

fn kind(dtype: Dtype) -> Kind {
    match dtype {
        Dtype::F32 => Kind::Float,
        Dtype::F64 => Kind::Double,
    }
}

/// ∂/∂W of `MSE(pruned(s), dense(s))` over the recovery states, per layer (step 3). Discrete actors
/// compare softmax outputs, as PruVer's discrete network ends in a softmax.
///
/// A recurrent (Elman) actor's output at a recovery state depends on the episode before it: `contexts`
/// holds, per state, each actor's hidden output of the step before ([`recurrent_contexts`]), fed in as
/// a constant (backpropagation truncated to the recovery step itself).
pub fn gradients(
    dense: &Actor,
    pruned: &Actor,
    states: &[Vec<f64>],
    contexts: Option<Contexts>,
    discrete: bool,
) -> Vec<Vec<f64>> {
    let n = states.len() as i64;
    let d = dense.input_dim() as i64;
    let flat: Vec<f64> = states.iter().flatten().copied().collect();
    let x = Tensor::from_slice(&flat)
        .view([n, d])
        .to_kind(kind(pruned.dtype));
    let head = |t: Tensor| {
        if discrete {
            t.softmax(-1, t.kind())
        } else {
            t
        }
    };
    let context = |rows: &[Vec<f64>], actor: &Actor| {
        let h = actor.layers[0].out_features as i64;
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Tensor::from_slice(&flat)
            .view([n, h])
            .to_kind(kind(actor.dtype))
    };
    let (cd, cp) = match contexts {
        Some((cd, cp)) => (Some(context(cd, dense)), Some(context(cp, pruned))),
        None => (None, None),
    };
    let td = TchActor::from_mlp(dense, Device::Cpu);
    let target =
        tch::no_grad(|| head(td.forward_context(&x.to_kind(kind(dense.dtype)), cd.as_ref())))
            .to_kind(kind(pruned.dtype));
    let tp = TchActor::from_mlp(pruned, Device::Cpu);
    let loss = head(tp.forward_context(&x, cp.as_ref())).mse_loss(&target, Reduction::Mean);
    loss.backward();
    tp.weight_grads()
}

/// Per recovery state, the dense and the pruned recurrent actor's hidden output of the step before.
pub type Contexts<'a> = (&'a [Vec<f64>], &'a [Vec<f64>]);

/// A recurrent actor's hidden output just before each recovery state: the actor run over the
/// failure's recorded observations up to it (zeros at the episode's first step).
pub fn recurrent_contexts(
    actor: &Actor,
    failures: &[RecordedFailure],
    recoveries: &[Recovery],
) -> Vec<Vec<f64>> {
    let h = actor.layers[0].out_features;
    recoveries
        .iter()
        .map(|r| {
            let f = failures
                .iter()
                .find(|f| f.id == r.failure)
                .expect("every recovery comes from a failure");
            let mut scratch = crate::policy::Scratch::default();
            for obs in &f.observations[..r.index] {
                actor.forward_with(obs, &mut scratch);
            }
            match scratch.state() {
                [] => vec![0.0; h],
                s => s.to_vec(),
            }
        })
        .collect()
}

/// `scipy.stats.rankdata(|g|, method="dense") − 1`: equal magnitudes share a rank.
pub fn dense_ranks(values: &[f64]) -> Vec<usize> {
    let mut distinct: Vec<f64> = values.iter().map(|v| v.abs()).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    values
        .iter()
        .map(|v| {
            distinct
                .binary_search_by(|d| d.total_cmp(&v.abs()))
                .expect("every magnitude is among the distinct ones")
        })
        .collect()
}

/// One restoration step of step 4: after layer `layer` at fraction `p`.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreStep {
    pub p: f64,
    /// 0-based layer index.
    pub layer: usize,
    /// Weights pruned in the input actor that hold their dense value again, all layers, so far.
    pub restored: usize,
    /// Failures the actor now passes.
    pub fixed: usize,
}

/// Whether `actor` passes each failure: the episode from its seed and perturbation, run to the end.
pub fn check_fixed(
    env: EnvRef,
    actor: &Actor,
    failures: &[RecordedFailure],
    fixed: Criterion,
    spec: &Spec,
) -> Result<Vec<bool>> {
    rollout::par_map(env.id, env.options, failures, |e, f| {
        let cap = max_steps(e);
        let t = rollout::record_episode(e, actor, f.seed, &f.perturbation, cap)?;
        Ok(fixed.ok(&t, spec))
    })
}

/// A failure the refined actor still fails, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfixed {
    pub failure: usize,
    pub seed: u64,
    /// The refined and the dense actor's return and robustness on the failure's episode.
    pub refined: (f64, f64),
    pub dense: (f64, f64),
}

/// The failures of `failures` that `actor` does not pass, with its and the dense actor's return and
/// robustness on each.
pub fn unfixed(
    env: EnvRef,
    actor: &Actor,
    dense: &Actor,
    failures: &[RecordedFailure],
    fixed: Criterion,
    spec: &Spec,
) -> Result<Vec<Unfixed>> {
    let rows = rollout::par_map(env.id, env.options, failures, |e, f| {
        let cap = max_steps(e);
        let t = rollout::record_episode(e, actor, f.seed, &f.perturbation, cap)?;
        if fixed.ok(&t, spec) {
            return Ok(None);
        }
        let d = rollout::record_episode(e, dense, f.seed, &f.perturbation, cap)?;
        let score = |t: &Trajectory| (t.ret(), spec.formula.robustness(&signals(t)));
        Ok(Some(Unfixed {
            failure: f.id,
            seed: f.seed,
            refined: score(&t),
            dense: score(&d),
        }))
    })?;
    Ok(rows.into_iter().flatten().collect())
}

/// The failures still failing, one row each.
pub fn unfixed_table(rows: &[Unfixed]) -> Table {
    let mut t = Table::new([
        "failure",
        "seed",
        "refined return",
        "refined robustness",
        "dense return",
        "dense robustness",
    ]);
    for r in rows {
        t.row([
            r.failure.to_string(),
            r.seed.to_string(),
            format!("{:.2}", r.refined.0),
            format!("{:.4}", r.refined.1),
            format!("{:.2}", r.dense.0),
            format!("{:.4}", r.dense.1),
        ]);
    }
    t
}

/// Weights restored per layer: zero in the pruned actor, non-zero in the refined one.
pub fn restored_count(pruned: &Actor, refined: &Actor) -> Vec<usize> {
    pruned
        .layers
        .iter()
        .zip(&refined.layers)
        .map(|(p, r)| {
            p.weight
                .iter()
                .zip(&r.weight)
                .filter(|(a, b)| **a == 0.0 && **b != 0.0)
                .count()
        })
        .collect()
}

/// Step 4: restore dense weights by gradient rank until `check` says every failure passes; `on_step`
/// sees each step as it is taken. Returns the refined actor, the steps taken, and whether every failure
/// passes.
pub fn restore(
    dense: &Actor,
    pruned: &Actor,
    grads: &[Vec<f64>],
    total: usize,
    mut check: impl FnMut(&Actor) -> Result<usize>,
    mut on_step: impl FnMut(&RestoreStep),
) -> Result<(Actor, Vec<RestoreStep>, bool)> {
    let ranks: Vec<Vec<usize>> = grads.iter().map(|g| dense_ranks(g)).collect();
    let mut cur = pruned.clone();
    let mut steps = Vec::new();
    let mut fixed = usize::MAX;
    let mut p = 0.95f64;
    while p >= 0.0 {
        for (l, rank) in ranks.iter().enumerate() {
            let max_rank = rank.iter().copied().max().unwrap_or(0);
            // NumPy's `ceil(max(rank) * p)`, in float64.
            let bound = (max_rank as f64 * p).ceil() as usize;
            let mut changed = false;
            for (i, &r) in rank.iter().enumerate() {
                let w = &mut cur.layers[l].weight[i];
                if r >= bound && *w != dense.layers[l].weight[i] {
                    *w = dense.layers[l].weight[i];
                    changed = true;
                }
            }
            // Re-running the failures with an unchanged actor cannot change the answer.
            if changed || fixed == usize::MAX {
                fixed = check(&cur)?;
            }
            let step = RestoreStep {
                p,
                layer: l,
                restored: restored_count(pruned, &cur).iter().sum(),
                fixed,
            };
            on_step(&step);
            steps.push(step);
            if fixed == total {
                return Ok((cur, steps, true));
            }
        }
        // PruVer's `p = p - 0.02`, rounding included.
        p -= 0.02;
    }
    Ok((cur, steps, false))
}

/// Everything one refinement needs.
#[derive(Clone)]
pub struct Request<'a> {
    pub env: EnvRef<'a>,
    pub dense: &'a Actor,
    pub pruned: &'a Actor,
    pub failures: &'a [RecordedFailure],
    pub spec: &'a Spec,
    pub method: Method,
    pub strategy: Strategy,
    /// `--refine-strategy tune`'s settings (its seed included).
    pub tune: tune::Settings,
    pub thresholds: Thresholds,
    /// Refine against at most this many of the failures the dense actor passes, evenly spaced (see
    /// [`spread`]); the rest are held out and only checked against the refined actor. `None`: all.
    pub max_failures: Option<usize>,
    /// Told what each step is doing as it goes (a long refinement takes minutes).
    pub progress: Option<&'a (dyn Fn(&str) + Sync)>,
}

/// `cap` indices spread evenly over `0..n` (`⌊i·n/cap⌋`, so the first is 0), or all of them when
/// `n ≤ cap`.
pub fn spread(n: usize, cap: usize) -> Vec<usize> {
    if n <= cap {
        return (0..n).collect();
    }
    (0..cap).map(|i| i * n / cap).collect()
}

/// Wall time of each step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub replay_check: f64,
    pub recovery: f64,
    pub gradient: f64,
    pub restoration: f64,
}

impl Timings {
    pub fn total(&self) -> f64 {
        self.replay_check + self.recovery + self.gradient + self.restoration
    }
}

/// What a refinement did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub refined: Actor,
    pub recovered: Criterion,
    pub fixed_by: Criterion,
    pub recoveries: Vec<Recovery>,
    /// PruVer's restoration steps (`--refine-strategy pruver`).
    pub steps: Vec<RestoreStep>,
    /// The rounds of `--refine-strategy tune`.
    pub rounds: Vec<tune::Round>,
    /// Failures the pruned actor already passed before refinement.
    pub passed_before: usize,
    /// Failures the refined actor passes, of `total`.
    pub fixed: usize,
    /// The failures refined against: those the dense actor passes (at most `max_failures` of them).
    pub total: usize,
    /// Failures the dense actor passes that the cap left out of refinement, and how many of them the
    /// refined actor passes.
    pub held_out: usize,
    pub held_out_fixed: usize,
    /// Ids of the failures the dense actor fails too, set aside (no restoration can fix them).
    pub dense_fails: Vec<usize>,
    pub all_fixed: bool,
    /// The failures refined against that the refined actor still fails (empty when `all_fixed`).
    pub unfixed: Vec<Unfixed>,
    /// Weights restored per layer.
    pub restored: Vec<usize>,
    /// Times every failure was re-run (once for the pruned actor, then once per restoration step
    /// that changed a weight).
    pub checks: usize,
    pub timings: Timings,
}

/// Check that the dense and the pruned actor have the same shape, layer by layer.
pub fn check_shapes(
    dense: &Actor,
    dense_path: &Path,
    pruned: &Actor,
    pruned_path: &Path,
) -> Result<()> {
    let shapes = |m: &Actor| -> Vec<(usize, usize)> {
        m.layers
            .iter()
            .map(|l| (l.out_features, l.in_features))
            .collect()
    };
    if shapes(dense) != shapes(pruned) || dense.is_recurrent() != pruned.is_recurrent() {
        return Err(Error::Invalid(format!(
            "the dense actor {} is {} but the pruned actor {} is {}: refinement restores dense weights \
             position by position, so both must have the same layers, recurrent (↺) or not (a \
             --prune-method neuron actor cannot be refined)",
            dense_path.display(),
            dense.shape_string(),
            pruned_path.display(),
            pruned.shape_string()
        )));
    }
    Ok(())
}

/// Steps 1–4 on in-memory actors and failures. With no failures there is nothing to do: the caller
/// says so and writes nothing.
pub fn refine(req: &Request) -> Result<Outcome> {
    let (recovered, fixed_by) = criteria(req.method, req.thresholds);
    let mut timings = Timings::default();
    let say = |msg: String| {
        if let Some(p) = req.progress {
            p(&msg);
        }
    };

    let t = Instant::now();
    check_replays(req.env, req.failures, req.spec)?;
    timings.replay_check = t.elapsed().as_secs_f64();

    // A failure the dense actor fails too is not the pruning's doing, and restoring dense weights
    // cannot fix it: it is set aside and reported.
    let t = Instant::now();
    let dense_ok = check_fixed(req.env, req.dense, req.failures, fixed_by, req.spec)?;
    timings.restoration += t.elapsed().as_secs_f64();
    let dense_fails: Vec<usize> = req
        .failures
        .iter()
        .zip(&dense_ok)
        .filter(|(_, ok)| !**ok)
        .map(|(f, _)| f.id)
        .collect();
    let fixable: Vec<&RecordedFailure> = req
        .failures
        .iter()
        .zip(&dense_ok)
        .filter(|(_, ok)| **ok)
        .map(|(f, _)| f)
        .collect();
    let chosen = spread(fixable.len(), req.max_failures.unwrap_or(usize::MAX));
    let mut in_chosen = vec![false; fixable.len()];
    for &i in &chosen {
        in_chosen[i] = true;
    }
    let (kept, held_out): (Vec<_>, Vec<_>) = fixable
        .iter()
        .zip(&in_chosen)
        .partition(|(_, chosen)| **chosen);
    let kept: Vec<RecordedFailure> = kept.into_iter().map(|(f, _)| (*f).clone()).collect();
    let held_out: Vec<RecordedFailure> = held_out.into_iter().map(|(f, _)| (*f).clone()).collect();
    let failures = kept.as_slice();
    let total = failures.len();

    let discrete = req.env.make()?.action_space().is_discrete();
    let checks = std::cell::Cell::new(0usize);
    let passing = |actor: &Actor, fs: &[RecordedFailure]| -> Result<usize> {
        Ok(check_fixed(req.env, actor, fs, fixed_by, req.spec)?
            .into_iter()
            .filter(|ok| *ok)
            .count())
    };
    let passed = |actor: &Actor| -> Result<usize> {
        checks.set(checks.get() + 1);
        passing(actor, failures)
    };
    let held_out_passed = |actor: &Actor| passing(actor, &held_out);
    let t = Instant::now();
    let passed_before = passed(req.pruned)?;
    timings.restoration += t.elapsed().as_secs_f64();
    if passed_before == total {
        let t = Instant::now();
        let held_out_fixed = held_out_passed(req.pruned)?;
        timings.restoration += t.elapsed().as_secs_f64();
        return Ok(Outcome {
            refined: req.pruned.clone(),
            recovered,
            fixed_by,
            recoveries: Vec::new(),
            steps: Vec::new(),
            rounds: Vec::new(),
            passed_before,
            fixed: total,
            all_fixed: true,
            unfixed: Vec::new(),
            restored: vec![0; req.pruned.layers.len()],
            total,
            held_out: held_out.len(),
            held_out_fixed,
            dense_fails,
            checks: checks.get(),
            timings,
        });
    }

    say(format!(
        "refine: the pruned actor passes {passed_before} of {total} failures ({} held out, {} the \
         dense actor fails too)",
        held_out.len(),
        dense_fails.len()
    ));
    if req.strategy == Strategy::Tune {
        let t = Instant::now();
        let quiet = |_: &str| {};
        let tuned = tune::tune(
            req.env,
            req.dense,
            req.pruned,
            failures,
            fixed_by,
            req.spec,
            req.tune,
            req.progress
                .map_or(&quiet as &dyn Fn(&str), |p| p as &dyn Fn(&str)),
        )?;
        let held_out_fixed = held_out_passed(&tuned.actor)?;
        let unfixed = if tuned.all_fixed {
            Vec::new()
        } else {
            unfixed(
                req.env,
                &tuned.actor,
                req.dense,
                failures,
                fixed_by,
                req.spec,
            )?
        };
        timings.restoration += t.elapsed().as_secs_f64();
        let fixed = tuned
            .rounds
            .iter()
            .map(|r| r.fixed)
            .max()
            .unwrap_or(passed_before);
        return Ok(Outcome {
            restored: restored_count(req.pruned, &tuned.actor),
            refined: tuned.actor,
            recovered,
            fixed_by,
            recoveries: Vec::new(),
            steps: Vec::new(),
            checks: tuned.rounds.len() + checks.get(),
            rounds: tuned.rounds,
            passed_before,
            fixed,
            total,
            held_out: held_out.len(),
            held_out_fixed,
            all_fixed: tuned.all_fixed,
            unfixed,
            dense_fails,
            timings,
        });
    }
    let t = Instant::now();
    let recoveries = recovery_states(req.env, req.dense, failures, recovered, req.spec)?;
    timings.recovery = t.elapsed().as_secs_f64();
    say(format!(
        "refine: recovery states found in {:.1} s ({} episodes); restoring, at most {} steps",
        timings.recovery,
        recoveries.iter().map(|r| r.episodes).sum::<usize>(),
        48 * req.pruned.layers.len()
    ));

    let t = Instant::now();
    let states: Vec<Vec<f64>> = recoveries.iter().map(|r| r.state.clone()).collect();
    let contexts = req.pruned.is_recurrent().then(|| {
        (
            recurrent_contexts(req.dense, failures, &recoveries),
            recurrent_contexts(req.pruned, failures, &recoveries),
        )
    });
    let grads = gradients(
        req.dense,
        req.pruned,
        &states,
        contexts.as_ref().map(|(d, p)| (d.as_slice(), p.as_slice())),
        discrete,
    );
    timings.gradient = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (refined, steps, all_fixed) =
        restore(req.dense, req.pruned, &grads, total, passed, |step| {
            say(format!(
                "refine: p {:.2} layer{}: {} weights restored, {}/{total} fixed ({:.0} s)",
                step.p,
                step.layer + 1,
                step.restored,
                step.fixed,
                t.elapsed().as_secs_f64()
            ))
        })?;
    let held_out_fixed = held_out_passed(&refined)?;
    let unfixed = if all_fixed {
        Vec::new()
    } else {
        unfixed(req.env, &refined, req.dense, failures, fixed_by, req.spec)?
    };
    timings.restoration += t.elapsed().as_secs_f64();
    let fixed = steps.last().map_or(passed_before, |s| s.fixed);
    Ok(Outcome {
        restored: restored_count(req.pruned, &refined),
        refined,
        recovered,
        fixed_by,
        recoveries,
        steps,
        rounds: Vec::new(),
        passed_before,
        fixed,
        total,
        held_out: held_out.len(),
        held_out_fixed,
        all_fixed,
        unfixed,
        dense_fails,
        checks: checks.get(),
        timings,
    })
}

/// The refined actor's default name: [`refined_path`], or for member `elite` of a `.npy` elite
/// population `<stem>_elite<K>_refined.pth` beside it (so members never share one).
pub fn refined_path_of(dense: &Path, elite: Option<usize>, env_id: &str) -> PathBuf {
    if crate::policy::is_npy(dense) {
        let stem = crate::policy::actor_stem(dense, elite);
        return dense.with_file_name(format!("{stem}_refined.pth"));
    }
    refined_path(dense, env_id)
}

/// PruVer's name for the refined actor: `ppo_actor_refined<ENV>.pth`, beside the dense actor.
pub fn refined_path(dense: &Path, env_id: &str) -> PathBuf {
    // An actor named as the learners name theirs keeps its prefix (`es_actor<ENV>.pth` →
    // `es_actor_refined<ENV>.pth`); any other gets PruVer's name.
    let suffix = format!("_actor{env_id}.pth");
    let prefix = dense
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(&suffix))
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("ppo");
    dense
        .parent()
        .unwrap_or(Path::new(""))
        .join(format!("{prefix}_actor_refined{env_id}.pth"))
}

/// One line on where the dense actor stops recovering: every failure's first unrecoverable step when
/// there are a few, their range and median otherwise.
pub fn recovery_summary(recoveries: &[Recovery]) -> String {
    let mut js: Vec<usize> = recoveries.iter().filter_map(|r| r.no_return).collect();
    let never = recoveries.len() - js.len();
    let mut s = format!(
        "{} recovery states; the dense actor cannot recover from a failure's first j recorded actions \
         on",
        recoveries.len()
    );
    if recoveries.len() <= 12 {
        let each: Vec<String> = recoveries
            .iter()
            .map(|r| match r.no_return {
                Some(j) => format!("{}: j = {j}", r.failure),
                None => format!("{}: never", r.failure),
            })
            .collect();
        s += &format!(" ({})", each.join(", "));
    } else {
        js.sort_unstable();
        if let (Some(lo), Some(hi)) = (js.first(), js.last()) {
            s += &format!(" j = {lo} … {hi} (median {})", js[js.len() / 2]);
        }
        if never > 0 {
            s += &format!("; it recovers from every prefix of {never}");
        }
    }
    s
}

/// The per-layer table: weights, sparsity of the pruned actor, restored weights, sparsity after.
pub fn layer_table(dense: &Actor, pruned: &Actor, refined: &Actor) -> Table {
    let before = prune::layer_stats(dense, pruned);
    let after = prune::layer_stats(dense, refined);
    let restored = restored_count(pruned, refined);
    let mut t = Table::new([
        "layer",
        "shape",
        "weights",
        "pruned",
        "restored",
        "sparsity before",
        "sparsity after",
    ]);
    for ((b, a), r) in before.iter().zip(&after).zip(&restored) {
        t.row([
            b.name.clone(),
            format!("{}×{}", b.shape.0, b.shape.1),
            b.weights.to_string(),
            b.zeros.to_string(),
            r.to_string(),
            format!("{:.1}%", 100.0 * b.sparsity()),
            format!("{:.1}%", 100.0 * a.sparsity()),
        ]);
    }
    let (w, z0, z1) = before
        .iter()
        .zip(&after)
        .fold((0, 0, 0), |(w, z0, z1), (b, a)| {
            (w + b.weights, z0 + b.zeros, z1 + a.zeros)
        });
    t.row([
        "all".to_string(),
        String::new(),
        w.to_string(),
        z0.to_string(),
        restored.iter().sum::<usize>().to_string(),
        format!("{:.1}%", 100.0 * z0 as f64 / w as f64),
        format!("{:.1}%", 100.0 * z1 as f64 / w as f64),
    ]);
    t
}

/// The restoration steps, one row per layer step (PruVer's strategy), or one row per round (tune).
pub fn steps_table(outcome: &Outcome) -> Table {
    if !outcome.rounds.is_empty() {
        let mut t = Table::new([
            "tune round",
            "failures fixed",
            "anchors' mean return",
            "states",
            "weights restored",
            "loss",
        ]);
        for r in &outcome.rounds {
            t.row([
                r.round.to_string(),
                format!("{}/{}", r.fixed, outcome.total),
                format!("{:.2}", r.anchor_return),
                r.states.to_string(),
                r.restored.to_string(),
                format!("{:.3e}", r.loss),
            ]);
        }
        return t;
    }
    let mut t = Table::new(["p", "layer", "weights restored", "failures fixed"]);
    for s in &outcome.steps {
        t.row([
            format!("{:.2}", s.p),
            format!("layer{}", s.layer + 1),
            s.restored.to_string(),
            format!("{}/{}", s.fixed, outcome.total),
        ]);
    }
    t
}

/// An actor of the final table: its name, weights, and (after `--falsify`) the failures campaigns of
/// the same budget found against it.
pub struct Row<'a> {
    pub name: &'a str,
    pub actor: &'a Actor,
    pub failures: Option<String>,
}

/// Deterministic evaluation of several actors over the same seeded episodes, one row each, with the
/// failures found against each when campaigns ran.
pub fn evaluation_table(
    env: EnvRef,
    dense: &Actor,
    rows: &[Row],
    episodes: usize,
    seed: u64,
) -> Result<Table> {
    let mlps: Vec<Actor> = rows.iter().map(|r| r.actor.clone()).collect();
    let results = rollout::evaluate_population(env.id, env.options, &mlps, episodes, seed)?;
    let with_failures = rows.iter().any(|r| r.failures.is_some());
    let mut header = vec!["actor", "sparsity", "mean return", "std", "min", "max"];
    if with_failures {
        header.push("failures found (same budget)");
    }
    let mut t = Table::new(header);
    for (r, eps) in rows.iter().zip(&results) {
        let s = Summary::of(&eps.iter().map(|e| e.ret).collect::<Vec<_>>());
        let sparsity = prune::overall_sparsity(&prune::layer_stats(dense, r.actor));
        let mut cells = vec![
            r.name.to_string(),
            format!("{:.1}%", 100.0 * sparsity),
            format!("{:.2}", s.mean),
            format!("{:.2}", s.std),
            format!("{:.2}", s.min),
            format!("{:.2}", s.max),
        ];
        if with_failures {
            cells.push(r.failures.clone().unwrap_or_else(|| "–".into()));
        }
        t.row(cells);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refined_actor_is_named_after_its_learner() {
        let r = |p: &str, env: &str| refined_path(Path::new(p), env);
        assert_eq!(
            r("Policies/ppo_actorCartPole-v0.pth", "CartPole-v0"),
            Path::new("Policies/ppo_actor_refinedCartPole-v0.pth")
        );
        assert_eq!(
            r("Policies/es_actorCartPole-v1.pth", "CartPole-v1"),
            Path::new("Policies/es_actor_refinedCartPole-v1.pth")
        );
        assert_eq!(
            r("x/bc_actorCartPole-v1.pth", "CartPole-v1"),
            Path::new("x/bc_actor_refinedCartPole-v1.pth")
        );
        // Anything else gets PruVer's name.
        assert_eq!(
            r("x/my policy.pth", "CartPole-v1"),
            Path::new("x/ppo_actor_refinedCartPole-v1.pth")
        );
    }

    #[test]
    fn dense_ranks_share_ties_like_scipy() {
        // scipy.stats.rankdata(np.abs([0.5, -0.1, 0.1, 0, 2]), method="dense") - 1 == [2, 1, 1, 0, 3]
        assert_eq!(
            dense_ranks(&[0.5, -0.1, 0.1, 0.0, 2.0]),
            vec![2, 1, 1, 0, 3]
        );
    }

    #[test]
    fn spread_picks_evenly_spaced_distinct_indices() {
        assert_eq!(spread(3, 5), vec![0, 1, 2]);
        assert_eq!(spread(10, 4), vec![0, 2, 5, 7]);
        let s = spread(409, 100);
        assert_eq!(s.len(), 100);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!((s[0], s[99]), (0, 404));
    }

    #[test]
    fn p_schedule_is_pruvers_float_subtraction() {
        let mut ps = Vec::new();
        let mut p = 0.95f64;
        while p >= 0.0 {
            ps.push(p);
            p -= 0.02;
        }
        // Python: p = 0.95; while p >= 0: p = p - 0.02 runs 48 times, the last p ≈ 0.0099999.
        assert_eq!(ps.len(), 48);
        assert!((ps[47] - 0.01).abs() < 1e-12);
    }

    fn mlp(weights: &[&[f64]]) -> Actor {
        Actor::new(
            weights
                .iter()
                .map(|w| crate::policy::Linear {
                    in_features: w.len(),
                    out_features: 1,
                    weight: w.to_vec(),
                    bias: Some(vec![0.0]),
                })
                .collect(),
            Dtype::F64,
        )
    }

    #[test]
    fn restoration_follows_gradient_ranks_layer_by_layer_and_stops_when_fixed() {
        // One layer of 4 weights, 3 of them pruned; gradient magnitudes rank them 3, 0, 1, 2.
        let dense = mlp(&[&[1.0, 2.0, 3.0, 4.0]]);
        let pruned = mlp(&[&[0.0, 2.0, 0.0, 0.0]]);
        let grads = vec![vec![-0.9, 0.0, 0.2, 0.5]];
        // "Fixed" once weight 3 (rank 2) is back: needs ceil(3p) <= 2, i.e. p <= 2/3.
        let (refined, steps, ok) = restore(
            &dense,
            &pruned,
            &grads,
            1,
            |m| Ok(usize::from(m.layers[0].weight[3] != 0.0)),
            |_| {},
        )
        .unwrap();
        assert!(ok);
        assert_eq!(refined.layers[0].weight, vec![1.0, 2.0, 0.0, 4.0]);
        let last = steps.last().unwrap();
        assert!(last.p <= 2.0 / 3.0 && last.p > 2.0 / 3.0 - 0.02, "{last:?}");
        assert_eq!(last.restored, 2);
        // Before that, only the top-ranked weight (rank 3) was back.
        assert!(steps[..steps.len() - 1].iter().all(|s| s.restored == 1));
    }

    #[test]
    fn restoration_reports_when_p_runs_out() {
        let dense = mlp(&[&[1.0, 2.0]]);
        let pruned = mlp(&[&[0.0, 0.0]]);
        let grads = vec![vec![0.0, 0.3]];
        // Never fixed: the rank-0 weight is never restored (p stays ≥ 0.0099…, ceil(1·p) = 1).
        let (refined, steps, ok) = restore(&dense, &pruned, &grads, 1, |_| Ok(0), |_| {}).unwrap();
        assert!(!ok);
        assert_eq!(refined.layers[0].weight, vec![0.0, 2.0]);
        assert_eq!(steps.len(), 48);
    }
}
