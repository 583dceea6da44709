//! `cargo bench --bench startup [-- --runs N --before PATH]`: what a command costs to start, before and
//! after `synapt-safety` stopped loading libtorch (src/libtorch.rs). For each command: the median wall
//! time of N runs (default 7) after one warm-up run, and the median peak resident memory of N more
//! under GNU time (its "maximum resident set size", which spans the hand-over to
//! `synapt-safety-torch`).
//!
//! "Before" is the program as it was: every command in one process with libtorch and CUDA's libraries
//! loaded at start. It is run here as `synapt-safety-torch` with `LD_PRELOAD` of libtorch_cuda.so
//! (the libraries the old binary needed), or as the binary `--before` names (one built from an
//! earlier commit). Not a test: it prints a table.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use synapt_safety::report::Table;

/// One run of `exe args` in `dir`: wall seconds.
fn wall(exe: &Path, args: &[&str], dir: &Path, preload: Option<&str>) -> f64 {
    let mut c = Command::new(exe);
    c.current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(p) = preload {
        c.env("LD_PRELOAD", p);
    }
    let t = Instant::now();
    let status = c.status().unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "{} {args:?} failed", exe.display());
    secs
}

/// One run's peak resident memory in MB, as GNU time reports it (`None` without /usr/bin/time).
/// Not `wait4` from here: a child spawned from this process (which has libtorch loaded) starts in
/// this process's memory, and the kernel counts that toward the child's peak; time forks from a
/// small process.
fn peak(exe: &Path, args: &[&str], dir: &Path, preload: Option<&str>) -> Option<f64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut c = Command::new(time);
    c.current_dir(dir)
        .args(["-f", "%M", "-o"])
        .arg(out.path())
        .arg(exe)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(p) = preload {
        c.env("LD_PRELOAD", p);
    }
    assert!(
        c.status().unwrap().success(),
        "{} {args:?} failed",
        exe.display()
    );
    let kb: f64 = std::fs::read_to_string(out.path())
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    Some(kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Medians over `runs` runs after a warm-up: (wall ms, peak MB).
fn medians(
    exe: &Path,
    args: &[&str],
    dir: &Path,
    preload: Option<&str>,
    runs: usize,
) -> (f64, Option<f64>) {
    wall(exe, args, dir, preload);
    let walls = (0..runs).map(|_| wall(exe, args, dir, preload)).collect();
    let peaks: Option<Vec<f64>> = (0..runs).map(|_| peak(exe, args, dir, preload)).collect();
    (median(walls) * 1e3, peaks.map(median))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let runs: usize = value("--runs").map_or(7, |s| s.parse().expect("--runs N"));
    let after = PathBuf::from(env!("CARGO_BIN_EXE_synapt-safety"));
    let helper = after.with_file_name("synapt-safety-torch");
    let cuda = format!("{}/libtorch_cuda.so", env!("SYNAPT_LIBTORCH_LIB"));
    let (before, preload, before_label) = match value("--before") {
        Some(p) => (PathBuf::from(p), None, p.to_string()),
        None if Path::new(&cuda).exists() => (
            helper.clone(),
            Some(cuda.as_str()),
            "synapt-safety-torch with LD_PRELOAD=libtorch_cuda.so".to_string(),
        ),
        None => (helper.clone(), None, "synapt-safety-torch".to_string()),
    };

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let failures = common::cartpole_failures(d);
    let failures = failures.to_str().unwrap();
    let lunar = "ppo_actorLunarLanderContinuous-v2.pth";
    std::fs::copy(common::shipped(lunar), d.join(lunar)).unwrap();

    let lunar_test = |episodes: &'static str| {
        vec![
            "--env",
            "LunarLanderContinuous-v2",
            "--actor",
            lunar,
            "--test",
            "--threads",
            "1",
            "--episodes",
            episodes,
        ]
    };
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("--help", vec!["--help"]),
        ("--list-envs", vec!["--list-envs"]),
        ("--test, 1 LunarLander episode", lunar_test("1")),
        ("--test, 100 LunarLander episodes", lunar_test("100")),
        (
            "--prune --k 0.7 (LunarLander actor)",
            vec![
                "--env",
                "LunarLanderContinuous-v2",
                "--actor",
                lunar,
                "--prune",
                "--k",
                "0.7",
            ],
        ),
        (
            "--train --algo es, 1 generation (CartPole-v1)",
            vec![
                "--env",
                "CartPole-v1",
                "--train",
                "--algo",
                "es",
                "--iterations",
                "1",
            ],
        ),
        (
            "--train (PPO), 2 iterations (CartPole-v1)",
            vec![
                "--env",
                "CartPole-v1",
                "--train",
                "--iterations",
                "2",
                "--device",
                "cpu",
            ],
        ),
        (
            "--refine (CartPole-v0, k = 0.78, `upright`)",
            vec![
                "--env",
                "CartPole-v0",
                "--actor",
                "ppo_actorCartPole-v0.pth",
                "--pruned",
                "ppo_actorCartPole-v0_0.78.pth",
                "--failures",
                failures,
                "--refine",
                "--episodes",
                "10",
                "--device",
                "cpu",
            ],
        ),
    ];
    let mut t = Table::new([
        "command",
        "before ms",
        "after ms",
        "before MB",
        "after MB",
        "libtorch after",
    ]);
    for (label, args) in &commands {
        let (bw, bm) = medians(&before, args, d, preload, runs);
        let (aw, am) = medians(&after, args, d, None, runs);
        let needs =
            args.contains(&"--refine") || (args.contains(&"--train") && !args.contains(&"--algo"));
        t.row(vec![
            label.to_string(),
            format!("{bw:.1}"),
            format!("{aw:.1}"),
            bm.map_or("n/a".into(), |m| format!("{m:.0}")),
            am.map_or("n/a".into(), |m| format!("{m:.0}")),
            if needs { "CPU library" } else { "none" }.to_string(),
        ]);
    }
    println!(
        "Start-up and peak memory, medians of {runs} runs after a warm-up; before: {before_label}; \
         after: synapt-safety\n"
    );
    print!("{t}");
}
