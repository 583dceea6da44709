//! `synapt-safety`: parse the command line, run the requested stages in pipeline order, and map errors
//! to exit codes (1: the run failed; 2: the request itself cannot be served).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use synapt_safety::cli::{Cli, Stage};
use synapt_safety::config::Hyperparameters;
use synapt_safety::prune::{self, PruneOptions, Sweep};
use synapt_safety::visualize::{self, VisualizeOptions};
use synapt_safety::{display, env, evaluate, falsify, train};

/// An error and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            code: 1,
            message: e.to_string(),
        }
    }
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The stages this version implements; the others fail up front, before any stage runs.
const IMPLEMENTED: &[Stage] = &[
    Stage::Train,
    Stage::Test,
    Stage::Prune,
    Stage::Falsify,
    Stage::Visualize,
    Stage::Display,
];

fn run(cli: &Cli) -> Result<(), Failure> {
    if cli.list_envs {
        print!("{}", env::list_envs());
        return Ok(());
    }
    let stages = cli.stages();
    if stages.is_empty() {
        return Err(usage(
            "no stage given: pass one or more of --train --test --prune --falsify --refine \
             --visualize --display (see --help)"
                .into(),
        ));
    }
    if let Some(missing) = stages.iter().find(|s| !IMPLEMENTED.contains(s)) {
        let have: Vec<&str> = IMPLEMENTED.iter().map(|s| s.flag()).collect();
        return Err(usage(format!(
            "{} is not implemented yet in synapt-safety {}; implemented stages: {}",
            missing.flag(),
            env!("CARGO_PKG_VERSION"),
            have.join(" ")
        )));
    }
    // NaN fails this test too.
    if !(cli.k > 0.0 && cli.k < 1.0) {
        return Err(usage(format!(
            "--k {}: the prune fraction must be a number strictly between 0 and 1",
            cli.k
        )));
    }
    if cli.sweep.is_some() && cli.out.is_some() {
        return Err(usage(
            "--out names the one pruned actor of --prune; --sweep writes no actors (its CSV goes to \
             --prune-csv)"
                .into(),
        ));
    }
    if !cli.train {
        let given = [
            ("--ppo", cli.ppo.is_some()),
            ("--resume", cli.resume),
            ("--iterations", cli.iterations.is_some()),
            ("--checkpoint", cli.checkpoint.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, on)| *on) {
            return Err(usage(format!(
                "{flag} applies to --train, which was not given"
            )));
        }
    }
    if cli.iterations == Some(0) || cli.threads == Some(0) {
        return Err(usage(
            "--iterations and --threads take a positive integer".into(),
        ));
    }
    let device = cli.device.resolve()?;
    // Read the hyperparameters now, so a broken file is reported before any work is done. The default
    // file is optional; a file named with --hyperparameters must exist.
    let hyperparameters = match &cli.hyperparameters {
        Some(path) => Some(Hyperparameters::load(path)?),
        None => {
            let path = PathBuf::from("hyperparameters.yml");
            path.exists()
                .then(|| Hyperparameters::load(&path))
                .transpose()?
        }
    };
    println!(
        "synapt-safety {} · env {} · libtorch device {device:?}",
        env!("CARGO_PKG_VERSION"),
        cli.env
    );

    // What earlier stages hand to later ones: --test's evaluation of the dense actor (which --prune
    // reuses), the actor --prune wrote (which --visualize draws), whether a sweep drew the chart.
    let mut tested = None;
    let mut pruned_actor: Option<PathBuf> = None;
    let mut swept = false;
    for stage in stages {
        match stage {
            Stage::Train => train_stage(cli, hyperparameters.as_ref(), device)?,
            Stage::Test => {
                let actor = cli.actor_path();
                let report =
                    evaluate::run(&cli.env, &actor, cli.episodes, cli.seed, cli.isdiscrete)?;
                println!();
                print!("{}", report.episode_table());
                println!();
                print!("{}", report.summary_table());
                if let Some(path) = &cli.csv {
                    report.write_csv(path)?;
                    println!("\nper-episode results written to {}", path.display());
                }
                tested = Some(report);
            }
            Stage::Prune => {
                let opts = PruneOptions {
                    env_id: cli.env.clone(),
                    method: cli.prune_method,
                    k: cli.k,
                    seed: cli.seed,
                    episodes: cli.episodes,
                    isdiscrete: cli.isdiscrete,
                };
                let actor = cli.actor_path();
                println!();
                if let Some(ks) = &cli.sweep {
                    let csv = cli
                        .prune_csv
                        .clone()
                        .unwrap_or_else(|| Sweep::default_csv(&cli.env, cli.prune_method));
                    let (sweep, files) =
                        prune::run_sweep(&opts, &actor, &ks.0, &csv, &cli.overlay)?;
                    print!("{}", sweep.table());
                    println!(
                        "\nsweep written to {}; chart \"Prune percentage vs rewards\" to {}",
                        files.csv.display(),
                        files.png.display()
                    );
                    swept = true;
                } else {
                    let before = tested.take();
                    let report = prune::run(
                        &opts,
                        &actor,
                        cli.out.as_deref(),
                        cli.prune_csv.as_deref(),
                        before,
                    )?;
                    print!("{}", report.render());
                    if let Some(path) = &cli.prune_csv {
                        println!("per-episode returns written to {}", path.display());
                    }
                    pruned_actor = Some(report.out);
                }
            }
            Stage::Falsify => {
                let actor = pruned_actor.clone().unwrap_or_else(|| cli.actor_path());
                falsify_stage(cli, hyperparameters.as_ref(), actor)?;
            }
            Stage::Visualize => {
                let opts = VisualizeOptions {
                    out_dir: PathBuf::from("Graph"),
                    k: cli.k,
                    method: cli.prune_method,
                    seed: cli.seed,
                };
                println!();
                // `--visualize --overlay a.csv,b.csv` alone draws only the chart.
                if cli.overlay.is_empty() || cli.actor.is_some() || cli.prune || swept {
                    let pruned = cli.pruned.clone().or(pruned_actor.clone());
                    let report = visualize::run(
                        &opts,
                        &cli.actor_path(),
                        pruned.as_deref(),
                        cli.refined.as_deref(),
                    )?;
                    for f in &report.files {
                        println!("wrote {}", f.display());
                    }
                    for n in &report.notes {
                        println!("note: {n}");
                    }
                }
                if !cli.overlay.is_empty() && !swept {
                    let out = visualize::overlay(
                        &cli.overlay,
                        &opts.out_dir.join("prune_vs_rewards.png"),
                    )?;
                    println!("wrote {}", out.display());
                }
            }
            Stage::Display => display_stage(cli, hyperparameters.as_ref())?,
            other => unreachable!("{} was checked above", other.flag()),
        }
    }
    Ok(())
}

/// `--falsify`: campaigns of each method against one specification, files and report.
fn falsify_stage(
    cli: &Cli,
    hyperparameters: Option<&Hyperparameters>,
    actor: PathBuf,
) -> Result<(), Failure> {
    let (env_options, all_params) = match hyperparameters {
        Some(h) => (h.env_options(&cli.env)?, h.perturbations(&cli.env)?),
        None => (
            env::EnvOptions::default(),
            env::make(&cli.env)?.perturbations(),
        ),
    };
    let mut methods = cli.falsify_method.clone();
    methods.sort();
    methods.dedup();
    let req = falsify::stage::Request {
        env_id: cli.env.clone(),
        env_options,
        actor_path: actor,
        all_params,
        param_names: cli.params.clone(),
        spec_name: cli.spec.clone(),
        specs_file: cli.specs.clone(),
        methods,
        budget: cli.budget,
        init_points: cli.init_points,
        acquisition: cli.acquisition.acquisition(),
        seed: cli.seed,
        runs: cli.runs,
        out_dir: PathBuf::from("Failure_Trajectories"),
        graph_dir: PathBuf::from("Graph"),
    };
    let report = falsify::stage::run(&req)?;
    println!();
    println!(
        "falsifying {} on {} against `{}`: {}",
        req.actor_path.display(),
        cli.env,
        report.spec.name,
        report.spec.text
    );
    let box_desc: Vec<String> = report
        .params
        .iter()
        .map(|p| format!("{} ∈ [{}, {}]", p.name, p.low, p.high))
        .collect();
    println!("perturbations: {}", box_desc.join(", "));
    println!();
    print!("{}", report.summary_table());
    if cli.runs > 1 {
        println!();
        print!("{}", report.runs_table());
    }
    println!();
    for r in &report.results {
        println!("wrote {}", r.failures_file.display());
        println!("wrote {}", r.evaluations_file.display());
    }
    for f in &report.figures {
        println!("wrote {}", f.display());
    }
    Ok(())
}

/// `--display`: replay and check the failures of --failures, render the worst to GIF.
fn display_stage(cli: &Cli, hyperparameters: Option<&Hyperparameters>) -> Result<(), Failure> {
    let Some(failures) = cli.failures.clone() else {
        return Err(usage(
            "--display replays a failures file: give --failures PATH (a CSV of --falsify in \
             Failure_Trajectories/)"
                .into(),
        ));
    };
    let env_options = match hyperparameters {
        Some(h) => h.env_options(&cli.env)?,
        None => env::EnvOptions::default(),
    };
    let report = display::run(&display::DisplayOptions {
        env_id: cli.env.clone(),
        env_options,
        failures,
        specs_file: cli.specs.clone(),
        graph_dir: PathBuf::from("Graph"),
        gifs: cli.gifs,
    })?;
    println!();
    print!("{}", report.render());
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

/// `--train`: resolve the hyperparameters, train with Ctrl-C stopping after the current iteration,
/// print the summary.
fn train_stage(
    cli: &Cli,
    hyperparameters: Option<&Hyperparameters>,
    device: tch::Device,
) -> Result<(), Failure> {
    let probe = env::make(&cli.env)?;
    let discrete = probe.action_space().is_discrete();
    if cli.isdiscrete && !discrete {
        return Err(Failure::from(format!(
            "--isdiscrete was given, but {} has a continuous action space",
            cli.env
        )));
    }
    let overrides = train::Overrides {
        preset: cli.ppo,
        seed: cli.seed_given.then_some(cli.seed),
        iterations: cli.iterations,
    };
    let (config, notes) = train::config::resolve(hyperparameters, &cli.env, discrete, &overrides)?;
    let env_options = match hyperparameters {
        Some(h) => h.env_options(&cli.env)?,
        None => env::EnvOptions::default(),
    };
    let [_, _, checkpoint, log, curve] = train::TrainOptions::default_paths(&cli.env);
    let threads = cli
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = train::TrainOptions {
        env_id: cli.env.clone(),
        env_options,
        config,
        actor: cli.actor_path(),
        critic: cli.critic_path(),
        checkpoint: cli.checkpoint.clone().unwrap_or(checkpoint),
        log,
        curve,
        resume: cli.resume,
        threads,
        device,
        progress: true,
    };
    println!();
    for n in &notes {
        println!("note: {n}");
    }
    println!(
        "training {} with PPO ({}) on {threads} threads{}:",
        cli.env,
        opts.config.preset.name(),
        if cli.resume { ", resuming" } else { "" }
    );
    print!("{}", opts.config.describe());
    // The first Ctrl-C asks the loop to stop after the current iteration (files saved); a second
    // one exits at once (every file is written atomically, so none is left half-written).
    static STOP: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nCtrl-C: stopping after the current iteration (Ctrl-C again to quit now)");
    });
    let report = train::run(&opts, &STOP)?;
    println!();
    for n in &report.notes {
        println!("note: {n}");
    }
    print!("{}", report.summary_table());
    println!();
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    if report.interrupted {
        return Err(Failure {
            code: 130,
            message: format!(
                "interrupted: stopped after iteration {} of {}; the files above are complete, and --resume goes on from {}",
                report.iteration,
                opts.config.training_step,
                opts.checkpoint.display()
            ),
        });
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
