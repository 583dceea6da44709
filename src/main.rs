//! `synapt-safety`: parse the command line into a job, run it, and map errors to exit codes (1: the run
//! failed; 2: the request itself cannot be served; 130: stopped by Ctrl-C with every file saved).

mod cli;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use synapt_safety::Error;

/// The flag long work polls: the first Ctrl-C sets it, so training stops after the current iteration
/// with its files saved; a second one exits at once (every file is written atomically, so none is
/// left half-written).
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

fn main() -> ExitCode {
    let cli = cli::Cli::parse_args();
    // One pool for every stage's fan-out; outputs do not depend on its size.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.threads_or_all_cores())
        .build_global();
    let (code, message) = match cli.job() {
        Err(usage) => (2, usage),
        Ok(job) => match job.run(stop_on_ctrl_c()) {
            Ok(()) => return ExitCode::SUCCESS,
            Err(e @ Error::Usage(_)) => (2, e.to_string()),
            Err(e @ Error::Interrupted(_)) => (130, e.to_string()),
            Err(e) => (1, e.to_string()),
        },
    };
    eprintln!("error: {message}");
    ExitCode::from(code)
}
