//! The `--falsify` stage: campaigns of one or more methods against one specification, their files in
//! `Failure_Trajectories/`, their figures in `Graph/`, and the terminal report.

use std::path::{Path, PathBuf};

use crate::env::{self, EnvOptions, Param};
use crate::error::{Error, Result};
use crate::falsify::bo::{Acquisition, GpModel, SearchRegion};
use crate::falsify::catalog::Catalog;
pub use crate::falsify::report::{MethodResult, Report, RunStats};
use crate::falsify::search::{self, Campaign, Method, Outcome};
use crate::fsutil::write_csv;
use crate::policy::Actor;
use crate::trajectory::{write_failures, FailureRow};
use crate::Choice;

/// Everything `--falsify` needs.
#[derive(Debug, Clone)]
pub struct Request {
    pub env_id: String,
    pub env_options: EnvOptions,
    pub actor_path: PathBuf,
    /// The member, when `actor_path` is a `.npy` elite population (`None`: 0).
    pub elite: Option<usize>,
    /// The environment's perturbation parameters, with any YAML bounds.
    pub all_params: Vec<Param>,
    /// `--params`: the ones to search (empty: the initial-state ones).
    pub param_names: Vec<String>,
    pub spec_name: Option<String>,
    pub specs_file: Option<PathBuf>,
    pub methods: Vec<Method>,
    /// BO iterations after the initial design; every method gets `init_points + budget` evaluations.
    pub budget: usize,
    pub init_points: usize,
    pub acquisition: Acquisition,
    /// Where BO maximises the acquisition (`--bo-region`).
    pub region: SearchRegion,
    /// Which evaluations BO's GP takes (`--bo-model`).
    pub model: GpModel,
    pub seed: u64,
    pub runs: usize,
    pub out_dir: PathBuf,
    pub graph_dir: PathBuf,
    /// Appended to every output's file-name stem (`--refine --falsify` marks its rounds `_round<r>`).
    pub stem_suffix: String,
}

/// The file-name stem of every output: `<env>_<actor stem>_<spec>_<method>` (the actor stem of a
/// `.npy` elite population names the member: `elites_elite1`).
pub fn stem(
    env_id: &str,
    actor: &Path,
    elite: Option<usize>,
    spec: &str,
    method: Method,
) -> String {
    let actor = crate::policy::actor_stem(actor, elite);
    format!("{env_id}_{actor}_{spec}_{}", method.name())
}

pub fn run(req: &Request) -> Result<Report> {
    if req.runs == 0 {
        return Err(Error::Invalid("--runs 0: run at least one campaign".into()));
    }
    if req.budget == 0 {
        return Err(Error::Invalid(
            "--budget 0: give BO at least one iteration after its initial design".into(),
        ));
    }
    if req.methods.is_empty() {
        return Err(Error::Invalid(
            "--falsify-method: name at least one method".into(),
        ));
    }
    let env = env::make_with(&req.env_id, req.env_options)?;
    let actor = Actor::load_elite(&req.actor_path, req.elite, Some(&env.action_space()))?;
    actor.check_fits(
        &env.observation_space(),
        &env.action_space(),
        &req.env_id,
        Path::new(&crate::policy::actor_label(&req.actor_path, req.elite)),
    )?;
    let spec =
        Catalog::load(req.specs_file.as_deref())?.get(env.as_ref(), req.spec_name.as_deref())?;
    let params = search::choose_params(&req.env_id, req.all_params.clone(), &req.param_names)?;
    let total = req.init_points + req.budget;
    // Every search first, every file after: a search that fails leaves no file of this stage behind.
    // The campaigns (method, run) are independent: on MPI ranks they are shared out across the ranks
    // (each campaign runs on its rank's cores), and come back in this order.
    let campaigns: Vec<(Method, usize)> = req
        .methods
        .iter()
        .flat_map(|&m| (0..req.runs).map(move |r| (m, r)))
        .collect();
    let mut outcomes = crate::dist::map(
        &campaigns,
        crate::dist::Local::Sequential,
        || (),
        |_, &(method, r)| {
            search::run(&Campaign {
                env_id: &req.env_id,
                env_options: req.env_options,
                actor: &actor,
                spec: &spec,
                params: &params,
                method,
                budget: total,
                init_points: req.init_points,
                acquisition: req.acquisition,
                region: req.region,
                model: req.model,
                seed: req.seed.wrapping_add(r as u64),
            })
        },
    )?
    .into_iter();
    let searched: Vec<(Method, Vec<Outcome>)> = req
        .methods
        .iter()
        .map(|&m| (m, outcomes.by_ref().take(req.runs).collect()))
        .collect();
    let mut results = Vec::new();
    for (method, runs) in searched {
        let base =
            stem(&req.env_id, &req.actor_path, req.elite, &spec.name, method) + &req.stem_suffix;
        let failures_file = req.out_dir.join(format!("{base}.csv"));
        let evaluations_file = req.out_dir.join(format!("{base}_evaluations.csv"));
        let first = &runs[0];
        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
        let rows: Vec<FailureRow> = first
            .failures
            .iter()
            .map(|(i, t)| FailureRow {
                evaluation: *i,
                robustness: first.evaluations[*i].robustness,
                trajectory: t,
            })
            .collect();
        write_failures(
            &failures_file,
            &req.env_id,
            &spec.name,
            if method == Method::Test { &[] } else { &names },
            env.observation_names(),
            &env.action_space(),
            &rows,
        )?;
        write_evaluations(&evaluations_file, &names, first)?;
        results.push(MethodResult {
            method,
            runs,
            failures_file,
            evaluations_file,
        });
    }
    let mut report = Report {
        env_id: req.env_id.clone(),
        spec,
        params,
        results,
        figures: Vec::new(),
    };
    report.figures = crate::falsify::figures::write_figures(
        &report,
        (&req.actor_path, req.elite),
        &req.graph_dir,
        &req.stem_suffix,
    )?;
    Ok(report)
}

/// Every evaluation, failing or not: the error table and the safe table in one file.
fn write_evaluations(path: &Path, params: &[&str], out: &Outcome) -> Result<()> {
    let mut header: Vec<String> = vec!["evaluation".into(), "seed".into()];
    if out.method != Method::Test {
        header.extend(params.iter().map(|p| p.to_string()));
    }
    header.extend(["robustness", "return", "length", "failed"].map(String::from));
    let rows = out.evaluations.iter().map(|e| {
        let mut row = vec![e.index.to_string(), e.seed.to_string()];
        row.extend(e.values.iter().map(|v| format!("{v:?}")));
        row.extend([
            format!("{:?}", e.robustness),
            format!("{:?}", e.ret),
            e.length.to_string(),
            e.failed().to_string(),
        ]);
        row
    });
    write_csv(path, &header, rows)
}
