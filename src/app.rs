//! The command line of both binaries: parse it into a job, run it, and map errors to exit codes (1: the
//! run failed; 2: the request itself cannot be served; 130: stopped by Ctrl-C with every file saved).
//!
//! `synapt-safety` (src/main.rs) runs without libtorch; a job that needs it is handed by `exec` to
//! `synapt-safety-torch` (src/torch_main.rs) beside it, which runs the same command line with libtorch
//! linked (see `synapt_safety::libtorch`). Users only ever type `synapt-safety`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use synapt_safety::libtorch::Libtorch;
use synapt_safety::{dist, htmlreport, Error};

use crate::{capture, cli};

/// The flag long work polls: the first Ctrl-C sets it, so training stops after the current iteration
/// with its files saved; a second one exits at once (every file is written atomically, so none is
/// left half-written).
fn stop_on_ctrl_c() -> &'static AtomicBool {
    static STOP: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            // Straight out, without exit handlers or destructors: libtorch may be mid-computation on
            // the main thread, and tearing it down under it panicked. A temporary file left behind
            // is removed by the next write to that folder.
            // SAFETY: _exit only ends the process.
            unsafe { libc::_exit(130) };
        }
        eprintln!(
            "\nCtrl-C: stopping after the current training iteration (Ctrl-C again to quit now)"
        );
    });
    &STOP
}

/// Run the command line, with `libtorch` (the helper) or without (`synapt-safety`, which hands a job
/// that needs it to the helper).
pub fn main(libtorch: Option<&'static Libtorch>) -> ExitCode {
    let cli = cli::Cli::parse_args();
    let threads = cli.threads_or_all_cores();
    let report = cli.report_path();
    let seed = cli.seed;
    let mpi_timeout = std::time::Duration::from_secs(cli.mpi_timeout);
    let job = match cli.job() {
        Ok(job) => job,
        Err(usage) => {
            eprintln!("error: {usage}");
            return ExitCode::from(2);
        }
    };
    if libtorch.is_none() && job.needs_libtorch() {
        return hand_over();
    }
    // One pool for every stage's fan-out; outputs do not depend on its size.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    // MPI, when this build has it (after the hand-over: the helper starts it in its own process).
    let _mpi = match dist::start(mpi_timeout) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if dist::size() > 1 {
        if let Err(e) = job.check_ranks() {
            return fail(2, &e.to_string());
        }
    }
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
    let result = job.run_with(stop_on_ctrl_c(), libtorch);
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
        Ok(()) if report_failed => return fail(1, ""),
        Ok(()) => return ExitCode::SUCCESS,
        Err(e @ Error::Usage(_)) => (2, e.to_string()),
        Err(e @ Error::Interrupted(_)) => (130, e.to_string()),
        Err(e @ Error::Incomplete(_)) => (3, e.to_string()),
        Err(e) => (1, e.to_string()),
    };
    fail(code, &message)
}

/// Say why the run failed (unless it was said already) and exit with `code`. Under MPI every rank
/// ends now, so none waits for this one: rank 0 says it as one process does, another rank names
/// itself.
fn fail(code: u8, message: &str) -> ExitCode {
    if !message.is_empty() {
        dist::say_error(message);
    }
    if dist::size() > 1 {
        dist::abort(code.into());
    }
    ExitCode::from(code)
}

/// The command line as typed, arguments with spaces or quotes in single quotes (bytes that are not
/// UTF-8 shown as U+FFFD).
fn command_line() -> String {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
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

/// The binary beside `synapt-safety` that runs the jobs needing libtorch.
const HELPER: &str = "synapt-safety-torch";

/// Replace this process by the helper, with the same arguments (and `argv[0]`, so messages name
/// `synapt-safety`), environment, standard streams and process id; returns only if it cannot start.
fn hand_over() -> ExitCode {
    let refuse = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(1)
    };
    let helper = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(HELPER),
        Err(e) => return refuse(format!("cannot locate this program to find {HELPER}: {e}")),
    };
    if !helper.is_file() {
        return refuse(format!(
            "this command needs libtorch, which {HELPER} runs, and there is no {} (build both \
             binaries with `cargo build --release`, or install both with `cargo install --path .`)",
            helper.display()
        ));
    }
    if let Some(dir) = libtorch_missing() {
        return refuse(format!(
            "this command needs libtorch (PPO training, --refine and --reproduce compute gradients \
             with it), and libtorch_cpu.so is neither in {} nor on LD_LIBRARY_PATH: run `bash \
             scripts/setup.sh`, which installs the PyTorch wheel whose libtorch this program was built \
             against. Every other stage runs without it.",
            dir.display()
        ));
    }
    let mut args = std::env::args_os();
    let arg0 = args
        .next()
        .unwrap_or_else(|| OsString::from("synapt-safety"));
    use std::os::unix::process::CommandExt;
    let err = std::process::Command::new(&helper)
        .arg0(arg0)
        .args(args)
        .exec();
    refuse(format!("cannot start {}: {err}", helper.display()))
}

/// The directory libtorch was linked from, when libtorch_cpu.so is no longer there nor in a directory
/// of LD_LIBRARY_PATH (the helper would fail to start); `None` when it can be found, or when the build
/// did not say where it was.
fn libtorch_missing() -> Option<PathBuf> {
    let dir = PathBuf::from(option_env!("SYNAPT_LIBTORCH_LIB")?);
    let mut dirs = vec![dir.clone()];
    if let Some(paths) = std::env::var_os("LD_LIBRARY_PATH") {
        dirs.extend(std::env::split_paths(&paths));
    }
    let found = dirs
        .iter()
        .any(|d| Path::new(d).join("libtorch_cpu.so").is_file());
    (!found).then_some(dir)
}
