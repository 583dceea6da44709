//! `synapt-safety`: parse the command line, run the requested stages in pipeline order, and map errors
//! to exit codes (1: the run failed; 2: the request itself cannot be served).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use synapt_safety::cli::{Cli, Stage};
use synapt_safety::config::Hyperparameters;
use synapt_safety::falsify::catalog::Catalog;
use synapt_safety::policy::Actor;
use synapt_safety::prune::{self, PruneOptions, Sweep};
use synapt_safety::report::Table;
use synapt_safety::trajectory::read_failures;
use synapt_safety::visualize::{self, VisualizeOptions};
use synapt_safety::{display, env, evaluate, falsify, refine, reproduce, train};

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

fn run(cli: &Cli) -> Result<(), Failure> {
    if cli.list_envs {
        print!("{}", env::list_envs());
        return Ok(());
    }
    let stages = cli.stages();
    if cli.quick && !cli.reproduce {
        return Err(usage(
            "--quick applies to --reproduce, which was not given".into(),
        ));
    }
    if cli.reproduce {
        if let Some(s) = stages.first() {
            return Err(usage(format!(
                "--reproduce runs every stage itself: drop {}",
                s.flag()
            )));
        }
        return reproduce_stage(cli);
    }
    if stages.is_empty() {
        return Err(usage(
            "no stage given: pass one or more of --train --test --prune --falsify --refine \
             --visualize --display, or --reproduce (see --help)"
                .into(),
        ));
    }
    // What --refine and --display work on must be there before any stage runs.
    if cli.refine && cli.pruned.is_none() && !cli.prune {
        return Err(usage(
            "--refine needs the pruned actor: give --pruned PATH (or --prune in the same command)"
                .into(),
        ));
    }
    for (on, flag) in [(cli.refine, "--refine"), (cli.display, "--display")] {
        if on && cli.failures.is_none() && !cli.falsify {
            return Err(usage(format!(
                "{flag} needs counterexamples: give --failures PATH (a CSV of --falsify in \
                 Failure_Trajectories/) or --falsify in the same command"
            )));
        }
    }
    if cli.refine_rounds == 0 {
        return Err(usage("--refine-rounds takes a positive integer".into()));
    }
    if cli.refine_rounds > 1 && !(cli.refine && cli.falsify) {
        return Err(usage(
            "--refine-rounds repeats falsify → refine: give it with --refine --falsify".into(),
        ));
    }
    if cli.refine_max_failures.is_some() && !(cli.refine || cli.reproduce) {
        return Err(usage(
            "--refine-max-failures applies to --refine (or --reproduce), which was not given"
                .into(),
        ));
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
    let hyperparameters = train::config::load_hyperparameters(cli.hyperparameters.as_deref())?;
    // The environment's options (`numpy:`), the same for every stage.
    let env_options = match &hyperparameters {
        Some(h) => h.env_options(&cli.env)?,
        None => env::EnvOptions::default(),
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
    let mut falsified = None;
    let mut refined_actor: Option<PathBuf> = None;
    for stage in stages {
        match stage {
            Stage::Train => train_stage(cli, hyperparameters.as_ref(), env_options, device)?,
            Stage::Test => {
                let actor = cli.actor_path();
                let report = evaluate::run(
                    &cli.env,
                    env_options,
                    &actor,
                    cli.episodes,
                    cli.seed,
                    cli.isdiscrete,
                )?;
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
                    env_options,
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
                // --prune --falsify falsifies the actor just pruned; --refine --falsify falsifies the
                // pruned actor first, then (in --refine) the refined one.
                let actor = pruned_actor
                    .clone()
                    .or_else(|| cli.refine.then(|| cli.pruned.clone()).flatten())
                    .unwrap_or_else(|| cli.actor_path());
                let req = falsify_request(cli, hyperparameters.as_ref(), env_options, actor)?;
                falsified = Some(falsify_stage(&req, cli.runs)?);
            }
            Stage::Refine => {
                refined_actor = refine_stage(
                    cli,
                    hyperparameters.as_ref(),
                    env_options,
                    pruned_actor.clone(),
                    falsified.as_ref(),
                )?;
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
                    let refined = refined_actor.clone().or(cli.refined.clone());
                    let report = visualize::run(
                        &opts,
                        &cli.actor_path(),
                        pruned.as_deref(),
                        refined.as_deref(),
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
            Stage::Display => display_stage(cli, env_options, falsified.as_ref())?,
        }
    }
    Ok(())
}

/// The `--falsify` request the command line describes, against `actor`.
fn falsify_request(
    cli: &Cli,
    hyperparameters: Option<&Hyperparameters>,
    env_options: env::EnvOptions,
    actor: PathBuf,
) -> Result<falsify::stage::Request, Failure> {
    let all_params = match hyperparameters {
        Some(h) => h.perturbations(&cli.env)?,
        None => env::make(&cli.env)?.perturbations(),
    };
    let mut methods = cli.falsify_method.clone();
    methods.sort();
    methods.dedup();
    Ok(falsify::stage::Request {
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
        region: cli.bo_region.region(),
        seed: cli.seed,
        runs: cli.runs,
        out_dir: PathBuf::from("Failure_Trajectories"),
        graph_dir: PathBuf::from("Graph"),
        stem_suffix: String::new(),
    })
}

/// `--falsify`: campaigns of each method against one specification, files and report.
fn falsify_stage(
    req: &falsify::stage::Request,
    runs: usize,
) -> Result<falsify::stage::Report, Failure> {
    let report = falsify::stage::run(req)?;
    println!();
    println!(
        "falsifying {} on {} against `{}`: {}",
        req.actor_path.display(),
        req.env_id,
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
    if runs > 1 {
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
    Ok(report)
}

/// `--refine`: refine the pruned actor against the failures of --failures (or of the campaign that
/// just ran), report, write the refined actor; with --falsify, re-falsify it and repeat up to
/// --refine-rounds times. Returns the refined actor's path, if one was written.
fn refine_stage(
    cli: &Cli,
    hyperparameters: Option<&Hyperparameters>,
    env_options: env::EnvOptions,
    pruned: Option<PathBuf>,
    falsified: Option<&falsify::stage::Report>,
) -> Result<Option<PathBuf>, Failure> {
    let Some(pruned_path) = cli.pruned.clone().or(pruned) else {
        return Err(usage(
            "--refine needs the pruned actor: give --pruned PATH (or --prune in the same command)"
                .into(),
        ));
    };
    let dense_path = cli.actor_path();
    let thresholds = match hyperparameters {
        Some(h) => h.refine_thresholds(&cli.env),
        None => refine::Thresholds::defaults(&cli.env),
    };
    let probe = env::make_with(&cli.env, env_options)?;
    let dense = Actor::load(&dense_path)?;
    let pruned = Actor::load(&pruned_path)?;
    for (m, p) in [(&dense, &dense_path), (&pruned, &pruned_path)] {
        m.check_fits(
            &probe.observation_space(),
            &probe.action_space(),
            &cli.env,
            p,
        )?;
    }
    refine::check_shapes(&dense, &dense_path, &pruned, &pruned_path)?;
    let catalog = Catalog::load(cli.specs.as_deref())?;
    let (mut failures, spec, source) = match (&cli.failures, falsified) {
        (Some(path), _) => {
            let file = read_failures(
                path,
                &cli.env,
                probe.observation_names(),
                &probe.action_space(),
            )?;
            if file.failures.is_empty() {
                println!(
                    "\n{}: no failures recorded: nothing to refine (no actor written)",
                    path.display()
                );
                return Ok(None);
            }
            let spec = catalog.get(probe.as_ref(), Some(&file.spec))?;
            (file.failures, spec, path.display().to_string())
        }
        (None, Some(report)) => (
            report.recorded_failures(),
            report.spec.clone(),
            "the campaign above".to_string(),
        ),
        (None, None) => {
            return Err(usage(
                "--refine needs counterexamples: give --failures PATH (a CSV of --falsify) or \
                 --falsify in the same command"
                    .into(),
            ))
        }
    };
    let out = cli
        .refined
        .clone()
        .unwrap_or_else(|| refine::refined_path(&dense_path, &cli.env));
    prune::refuse_overwrite(&dense_path, &out, "the refined actor")?;
    prune::refuse_overwrite(&pruned_path, &out, "the refined actor")?;
    if failures.is_empty() {
        println!("\n{source}: no failures: nothing to refine (no actor written)");
        return Ok(None);
    }
    let env_ref = refine::EnvRef {
        id: &cli.env,
        options: env_options,
    };
    let (recovered, fixed_by) = refine::criteria(cli.refine_method, thresholds);
    println!();
    println!(
        "refining {} ({}) toward {} on {} with {} failures of `{}` from {source}",
        pruned_path.display(),
        pruned.shape_string(),
        dense_path.display(),
        cli.env,
        failures.len(),
        spec.name
    );
    println!(
        "method {}: a prefix is recoverable when, with the dense actor finishing the episode, {}; \
         a failure is fixed when {}",
        cli.refine_method.name(),
        recovered.describe(&spec),
        fixed_by.describe(&spec)
    );

    // Failures found per method, as the final table shows them.
    let counts = |r: &falsify::stage::Report| {
        r.results
            .iter()
            .map(|m| format!("{} {}", m.method.name(), m.runs[0].failures.len()))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mut rounds = Table::new([
        "round",
        "failures",
        "fixed",
        "restored this round",
        "sparsity",
        "refine s",
        "new failures (re-falsify)",
    ]);
    let mut current = pruned.clone();
    let mut written = None;
    let mut unfixed = None;
    let mut last_found = None;
    for round in 1..=cli.refine_rounds {
        let outcome = refine::refine(&refine::Request {
            env: env_ref,
            dense: &dense,
            pruned: &current,
            failures: &failures,
            spec: &spec,
            method: cli.refine_method,
            thresholds,
            max_failures: cli.refine_max_failures.map(|n| n as usize),
            progress: Some(&|msg: &str| eprintln!("{msg}")),
        })?;
        println!();
        if !outcome.dense_fails.is_empty() {
            let ids: Vec<String> = outcome.dense_fails.iter().map(|i| i.to_string()).collect();
            println!(
                "round {round}: {} of the {} failures fail for the dense actor too (failure {}): \
                 restoring dense weights cannot fix them, so they are set aside",
                ids.len(),
                failures.len(),
                ids.join(", ")
            );
        }
        if outcome.total == 0 {
            println!("round {round}: no failure left that refinement can fix; nothing to restore");
            if written.is_none() {
                println!("no actor written");
                return Ok(None);
            }
        } else if outcome.passed_before == outcome.total {
            println!(
                "round {round}: the actor already passes all {} failures; nothing to restore",
                outcome.total
            );
        } else {
            if outcome.held_out > 0 {
                println!(
                    "round {round}: refining against {} of the {} failures the dense actor passes \
                     (evenly spaced, --refine-max-failures); the other {} are held out",
                    outcome.total,
                    outcome.total + outcome.held_out,
                    outcome.held_out
                );
            }
            println!(
                "round {round}: {}",
                refine::recovery_summary(&outcome.recoveries)
            );
            println!();
            print!("{}", refine::steps_table(&outcome));
            let t = outcome.timings;
            let episodes: usize = outcome.recoveries.iter().map(|r| r.episodes).sum();
            println!(
                "time: replay check {:.3} s, recovery states {:.3} s ({episodes} episodes), \
                 gradient {:.3} s, restoration {:.3} s ({} re-runs of the failures)",
                t.replay_check, t.recovery, t.gradient, t.restoration, outcome.checks
            );
        }
        if outcome.held_out > 0 {
            println!(
                "round {round}: the refined actor also passes {} of the {} held-out failures",
                outcome.held_out_fixed, outcome.held_out
            );
        }
        current = outcome.refined.clone();
        current.save(&out)?;
        written = Some(out.clone());
        let sparsity = prune::overall_sparsity(&prune::layer_stats(&dense, &current));
        let restored_total: usize = outcome.restored.iter().sum();
        let mut row = vec![
            round.to_string(),
            if outcome.dense_fails.is_empty() {
                outcome.total.to_string()
            } else {
                format!(
                    "{} (+{} dense fails)",
                    outcome.total,
                    outcome.dense_fails.len()
                )
            },
            format!("{}/{}", outcome.fixed, outcome.total),
            restored_total.to_string(),
            format!("{:.1}%", 100.0 * sparsity),
            format!("{:.3}", outcome.timings.total()),
        ];
        if !outcome.all_fixed {
            unfixed = Some(outcome.total - outcome.fixed);
            row.push("–".into());
            rounds.row(row);
            break;
        }
        if !cli.falsify {
            row.push("–".into());
            rounds.row(row);
            break;
        }
        // Close the loop: a fresh campaign, same specification and budget, a new seed.
        let mut req = falsify_request(cli, hyperparameters, env_options, out.clone())?;
        req.spec_name = Some(spec.name.clone());
        req.seed = cli.seed.wrapping_add(1000 * round as u64);
        req.stem_suffix = format!("_round{round}");
        println!();
        println!(
            "round {round}: re-falsifying the refined actor (seed {}, same budget)",
            req.seed
        );
        let report = falsify_stage(&req, cli.runs)?;
        let found = report.failure_count();
        last_found = Some(counts(&report));
        row.push(found.to_string());
        rounds.row(row);
        if found == 0 {
            break;
        }
        let next = failures.len();
        failures.extend(report.recorded_failures().into_iter().map(|mut f| {
            f.id += next;
            f
        }));
    }
    println!();
    print!("{}", refine::layer_table(&dense, &pruned, &current));
    println!();
    print!("{rounds}");
    // With campaigns: the dense actor gets one too (same seed and budget as the pruned one's), so the
    // final table compares all three.
    let (dense_found, pruned_found) = match falsified {
        Some(pruned_report) if cli.falsify => {
            let mut req = falsify_request(cli, hyperparameters, env_options, dense_path.clone())?;
            req.spec_name = Some(spec.name.clone());
            let dense_report = falsify::stage::run(&req)?;
            (Some(counts(&dense_report)), Some(counts(pruned_report)))
        }
        _ => (None, None),
    };
    println!();
    println!(
        "{} seeded episodes each (seeds {}…){}",
        cli.episodes,
        cli.seed,
        if cli.falsify {
            format!(
                "; failures found against `{}`, {} evaluations per method (the refined actor's with \
                 the last round's seed)",
                spec.name,
                cli.init_points + cli.budget
            )
        } else {
            String::new()
        }
    );
    print!(
        "{}",
        refine::evaluation_table(
            env_ref,
            &dense,
            &[
                refine::Row {
                    name: "dense",
                    actor: &dense,
                    failures: dense_found,
                },
                refine::Row {
                    name: "pruned",
                    actor: &pruned,
                    failures: pruned_found,
                },
                refine::Row {
                    name: "refined",
                    actor: &current,
                    failures: last_found,
                },
            ],
            cli.episodes,
            cli.seed,
        )?
    );
    println!();
    if let Some(out) = &written {
        println!("wrote {}", out.display());
    }
    if let Some(n) = unfixed {
        return Err(Failure::from(format!(
            "{n} failures still fail with every gradient-ranked weight restored down to p = 0.01; \
             the closest actor was written to {}",
            out.display()
        )));
    }
    Ok(written)
}

/// `--display`: replay and check the failures of --failures, render the worst to GIF.
fn display_stage(
    cli: &Cli,
    env_options: env::EnvOptions,
    falsified: Option<&falsify::stage::Report>,
) -> Result<(), Failure> {
    let just_written = falsified.and_then(|r| r.results.first().map(|m| m.failures_file.clone()));
    let Some(failures) = cli.failures.clone().or(just_written) else {
        return Err(usage(
            "--display replays a failures file: give --failures PATH (a CSV of --falsify in \
             Failure_Trajectories/)"
                .into(),
        ));
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

/// The flag a training loop polls: the first Ctrl-C sets it, so the loop stops after the current
/// iteration with its files saved; a second one exits at once (every file is written atomically, so
/// none is left half-written).
fn stop_on_ctrl_c() -> &'static AtomicBool {
    static STOP: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\nCtrl-C: stopping after the current training iteration (Ctrl-C again to quit now)"
        );
    });
    &STOP
}

/// `--train`: resolve the hyperparameters, train with Ctrl-C stopping after the current iteration,
/// print the summary.
fn train_stage(
    cli: &Cli,
    hyperparameters: Option<&Hyperparameters>,
    env_options: env::EnvOptions,
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
    let [_, _, checkpoint, log, curve] = train::TrainOptions::default_paths(&cli.env);
    let threads = cli.threads_or_all_cores();
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
    let report = train::run(&opts, stop_on_ctrl_c())?;
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

/// `--reproduce`: the paper's results, all three environments, then the tables.
fn reproduce_stage(cli: &Cli) -> Result<(), Failure> {
    let device = cli.device.resolve()?;
    let hyperparameters = train::config::load_hyperparameters(cli.hyperparameters.as_deref())?;
    let mut budget = if cli.quick {
        reproduce::Budget::quick()
    } else {
        reproduce::Budget::paper()
    };
    if let Some(n) = cli.refine_max_failures {
        budget.refine_max_failures = Some(n as usize);
    }
    println!(
        "synapt-safety {} · --reproduce{} · libtorch device {device:?}",
        env!("CARGO_PKG_VERSION"),
        if cli.quick { " --quick" } else { "" }
    );
    let opts = reproduce::Options {
        cases: reproduce::CASES.to_vec(),
        budget,
        seed: cli.seed,
        hyperparameters,
        specs_file: cli.specs.clone(),
        device,
        policies: PathBuf::from("Policies"),
        failures: PathBuf::from("Failure_Trajectories"),
        graph: PathBuf::from("Graph"),
    };
    let report = reproduce::run(&opts, stop_on_ctrl_c())?;
    println!("\nPrune percentage vs rewards (ours beside PruVer's figure values)\n");
    print!("{}", report.sweep_table(&opts.cases));
    println!("\nFailures found against the pruned actors: BO against random, same budget\n");
    print!("{}", report.falsify_table());
    println!("\nRefinement\n");
    print!("{}", report.refine_table());
    println!("\nWall time of each stage\n");
    print!("{}", report.timing_table());
    for n in &report.notes {
        println!("note: {n}");
    }
    println!();
    for f in &report.files {
        println!("wrote {}", f.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    // One pool for every stage's fan-out; outputs do not depend on its size.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.threads_or_all_cores())
        .build_global();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
