//! `cargo bench --bench falsify_scale [-- --sizes 105,205,... --all-up-to N --seed S]`: BO at large
//! budgets. CartPole-v0, the shipped actor pruned at k = 0.78, `upright`, BO only (5 initial points),
//! for each number of evaluations: `--bo-model all` (the GP on every evaluation: the search before
//! the local model, O(n³) an iteration) up to `--all-up-to` evaluations (default 405; 805 takes about
//! 4 minutes), and `--bo-model local` (the default: every evaluation up to 256, then the 128 nearest
//! the best point) at every size. Prints the wall and surrogate seconds, the failures and failures
//! per evaluation of each, as the binary reports them. Not a test: it prints a table.

#[path = "../tests/common/mod.rs"]
mod common;

use synapt_safety::report::Table;

/// The `bo` row of the binary's campaign table: (evaluations, failures, wall s, surrogate s).
fn campaign(
    dir: &std::path::Path,
    evaluations: usize,
    model: &str,
    seed: &str,
) -> (usize, usize, f64, f64) {
    let budget = (evaluations - 5).to_string();
    let o = common::run_bin(
        dir,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "ppo_actorCartPole-v0_0.78.pth",
            "--falsify",
            "--falsify-method",
            "bo",
            "--spec",
            "upright",
            "--budget",
            &budget,
            "--seed",
            seed,
            "--bo-model",
            model,
        ],
    );
    let out = common::succeeded(&o);
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("bo "))
        .expect("the campaign table has a bo row")
        .split_whitespace()
        .collect();
    // method evaluations failures first-failure min-robustness wall simulation surrogate
    let num = |i: usize| row[i].parse::<f64>().unwrap();
    (num(1) as usize, num(2) as usize, num(5), num(7))
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let sizes: Vec<usize> = value("--sizes")
        .map_or("105,205,405,805,1505,3005", String::as_str)
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes takes evaluation counts"))
        .collect();
    let all_up_to: usize = value("--all-up-to").map_or(405, |s| s.parse().expect("--all-up-to N"));
    let seed = value("--seed").map_or("0", String::as_str);
    let dir = tempfile::tempdir().unwrap();
    common::pruned_cartpole(dir.path());
    let mut t = Table::new([
        "evaluations",
        "all: wall s",
        "all: surrogate s",
        "all: failures",
        "local: wall s",
        "local: surrogate s",
        "local: failures",
        "local: failures per evaluation",
    ]);
    for &n in &sizes {
        let all = (n <= all_up_to).then(|| campaign(dir.path(), n, "all", seed));
        let (evals, failures, wall, surrogate) = campaign(dir.path(), n, "local", seed);
        assert_eq!(evals, n);
        let dash = || "–".to_string();
        t.row(vec![
            n.to_string(),
            all.map_or_else(dash, |a| format!("{:.2}", a.2)),
            all.map_or_else(dash, |a| format!("{:.2}", a.3)),
            all.map_or_else(dash, |a| a.1.to_string()),
            format!("{wall:.2}"),
            format!("{surrogate:.2}"),
            failures.to_string(),
            format!("{:.3}", failures as f64 / n as f64),
        ]);
        eprintln!("{n} evaluations done");
    }
    println!(
        "BO on CartPole-v0 (ppo_actorCartPole-v0_0.78, `upright`, seed {seed}), --bo-model all against \
         local:\n"
    );
    print!("{t}");
}
