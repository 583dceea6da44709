//! `synapt-safety`: parse the command line, run the requested stages in pipeline order, and map errors
//! to exit codes (1: the run failed; 2: the request itself cannot be served).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use synapt_safety::cli::{Cli, Stage};
use synapt_safety::config::Hyperparameters;
use synapt_safety::{env, evaluate};

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
const IMPLEMENTED: &[Stage] = &[Stage::Test];

fn run(cli: &Cli) -> Result<(), Failure> {
    if cli.list_envs {
        for id in env::ENV_IDS {
            println!("{id}");
        }
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
    if !(0.0..=1.0).contains(&cli.k) {
        return Err(usage(format!(
            "--k {}: the prune fraction must be a number in [0, 1]",
            cli.k
        )));
    }
    let device = cli.device.resolve()?;
    // Read the hyperparameters now, so a broken file is reported before any work is done. The default
    // file is optional; a file named with --hyperparameters must exist.
    let _hyperparameters = match &cli.hyperparameters {
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

    for stage in stages {
        match stage {
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
            }
            other => unreachable!("{} was checked above", other.flag()),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
