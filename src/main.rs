//! `synapt-safety`: parse the command line into a job, run it, and map errors to exit codes (1: the run
//! failed; 2: the request itself cannot be served; 130: stopped by Ctrl-C with every file saved).

mod capture;
mod cli;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use synapt_safety::{htmlreport, Error};

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
    let report = cli.report_path();
    let seed = cli.seed;
    let job = match cli.job() {
        Ok(job) => job,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    let capture = match report
        .as_ref()
        .map(|_| capture::Capture::start())
        .transpose()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --report: cannot capture the run's output: {e}");
            return ExitCode::from(1);
        }
    };
    let result = job.run(stop_on_ctrl_c());
    let mut report_failed = false;
    if let (Some(path), Some(capture)) = (report, capture) {
        let transcript = capture.finish();
        let outcome = result.as_ref().err().map(|e| e.to_string());
        let header = htmlreport::Header {
            command: &command_line(),
            seed,
            outcome: outcome.as_deref(),
        };
        let text = String::from_utf8_lossy(&transcript);
        match htmlreport::write(&path, &header, &text, std::path::Path::new(".")) {
            Ok(()) => println!("\nreport written to {}", path.display()),
            Err(e) => {
                eprintln!("error: --report: {e}");
                report_failed = true;
            }
        }
    }
    let (code, message) = match result {
        Ok(()) if report_failed => return ExitCode::from(1),
        Ok(()) => return ExitCode::SUCCESS,
        Err(e @ Error::Usage(_)) => (2, e.to_string()),
        Err(e @ Error::Interrupted(_)) => (130, e.to_string()),
        Err(e) => (1, e.to_string()),
    };
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// The command line as typed, arguments with spaces or quotes in single quotes.
fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
