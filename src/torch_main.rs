//! `synapt-safety-torch`: the same command line as `synapt-safety`, with libtorch linked. `synapt-safety`
//! hands it the commands that need libtorch (src/app.rs); it can be run directly with the same flags.

#[path = "app.rs"]
mod app;
#[path = "capture.rs"]
mod capture;
#[path = "cli.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    app::main(Some(&synapt_safety::libtorch::LINKED))
}
