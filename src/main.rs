//! `synapt-safety`: the command users type. It runs every stage that needs no gradients (test, prune,
//! falsify, convert, visualize, display, the population learners) without libtorch in the process,
//! and hands a command that needs libtorch (PPO training, `--refine`, `--reproduce`) to the
//! `synapt-safety-torch` binary beside it (src/app.rs, `synapt_safety::libtorch`).

mod app;
mod capture;
mod cli;

fn main() -> std::process::ExitCode {
    app::main(None)
}
