//! Pose mimicry end to end through the real binary (`cargo bench --bench mimicry -- [--train-poses N]
//! [--iterations I] [--epochs E] [--torch-epochs T] [--poses P] [--no-python]`): the figures of
//! docs/mimicry.md beside the seed's (ErikEkstedt/Gestures, whose Roboschool and PyTorch 0.2 code no
//! longer runs: its numbers are those of its checkpoint names).
//!
//! 1. `--collect-targets`: a training set (seed 1) and a test set of 5,000 poses (seed 100).
//! 2. `--train` with the SocialReacher entry of hyperparameters.yml (the seed's PPO: 4 × 2,048
//!    steps, 8 epochs, tanh 256-256, σ annealed from e^−0.6 to e^−1.7) and `--targets` the training
//!    set. The actor is saved every 10 iterations; the bench copies each one as it appears and then
//!    tests it as the seed's `test_interval` does: the mean return of 5 deterministic episodes, here
//!    on the test set's poses. Then 100 episodes of the final actor.
//! 3. `--train-cnn` on the training set's images, and the same network in PyTorch on the same data
//!    (tests/oracle/vanilla_cnn.py, the torch venv of scripts/test.sh) for `--torch-epochs`: seconds an
//!    epoch side by side.
//! 4. `--mimic` with the final actor, 100 test poses, true targets and the CNN's.
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use synapt_safety::env::EnvOptions;
use synapt_safety::report::Table;
use synapt_safety::targets::Targets;

/// `--name N` from the command line, else `default`.
fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
        .unwrap_or(default)
}

/// Run the binary in `dir`; its stdout (panics with its stderr when it fails).
fn run(dir: &Path, args: &[&str]) -> String {
    let out = common::run_bin(dir, args);
    common::succeeded(&out)
}

/// The number after `key` in `text`'s last line holding it.
fn number_after(text: &str, key: &str) -> f64 {
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains(key))
        .unwrap_or_else(|| panic!("no `{key}` in {text}"));
    let rest = &line[line.find(key).unwrap() + key.len()..];
    rest.split_whitespace()
        .next()
        .and_then(|w| w.trim_end_matches([',', '%']).parse().ok())
        .unwrap_or_else(|| panic!("no number after `{key}` in `{line}`"))
}

/// The mean return `--test` prints for `actor` over `episodes` episodes of the test set.
fn test_return(dir: &Path, actor: &Path, episodes: usize) -> (f64, f64) {
    let text = run(
        dir,
        &[
            "--test",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "test.npz",
            "--episodes",
            &episodes.to_string(),
            "--actor",
            actor.to_str().unwrap(),
            "--csv",
            "test.csv",
        ],
    );
    let _ = text;
    let csv = std::fs::read_to_string(dir.join("test.csv")).unwrap();
    let r = common::csv_column(&csv, 2);
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / r.len() as f64).sqrt();
    (mean, sd)
}

/// Copy the actor and its architecture (`actor.arch.json`: the tanh layers) to `to`.
fn snapshot(dir: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(dir.join("actor.arch.json"), to.with_extension("arch.json"))?;
    std::fs::copy(dir.join("actor.pth"), to).map(|_| ())
}

fn main() {
    let train_poses = arg("--train-poses", 50_000);
    let iterations = arg("--iterations", 500);
    let epochs = arg("--epochs", 30);
    let torch_epochs = arg("--torch-epochs", 2);
    let poses = arg("--poses", 100);
    let python = !std::env::args().any(|a| a == "--no-python");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mimicry-bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("snapshots")).unwrap();
    let hyper = common::root().join("hyperparameters.yml");

    // 1. The data sets.
    let clock = Instant::now();
    run(
        &dir,
        &[
            "--collect-targets",
            &train_poses.to_string(),
            "--env",
            "SocialReacher-v0",
            "--seed",
            "1",
            "--targets",
            "train.npz",
        ],
    );
    let collect_s = clock.elapsed().as_secs_f64();
    run(
        &dir,
        &[
            "--collect-targets",
            "5000",
            "--env",
            "SocialReacher-v0",
            "--seed",
            "100",
            "--targets",
            "test.npz",
        ],
    );
    // A perfect reacher's return on the test episodes `--test` runs (seeds 0, 1, ...): 100 × the
    // distance from the start pose to the target.
    let test_path = dir.join("test.npz");
    let test = Targets::read(&test_path).unwrap();
    let options = EnvOptions {
        targets: Some(test.pose_set(&test_path)),
        ..EnvOptions::default()
    };
    let mut probe = synapt_safety::env::make_with("SocialReacher-v0", options).unwrap();
    let mut perfect = |episodes: u64| {
        (0..episodes)
            .map(|seed| {
                let obs = probe.reset(Some(seed));
                100.0
                    * obs[..4]
                        .iter()
                        .zip(&obs[6..])
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>()
                        .sqrt()
            })
            .sum::<f64>()
            / episodes as f64
    };
    let (perfect5, perfect) = (perfect(5), perfect(100));

    // 2. PPO with the seed's settings, the actor copied each time it is saved.
    let actor = dir.join("actor.pth");
    let clock = Instant::now();
    let mut child = common::bin()
        .current_dir(&dir)
        .args([
            "--train",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "train.npz",
            "--iterations",
            &iterations.to_string(),
            "--hyperparameters",
            hyper.to_str().unwrap(),
            "--actor",
            "actor.pth",
            "--critic",
            "critic.pth",
            "--checkpoint",
            "checkpoint.json",
            "--no-tensorboard",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen: Option<SystemTime> = None;
    let mut snapshots: Vec<(usize, PathBuf)> = Vec::new();
    let log = dir.join("Graph/train_SocialReacher-v0.csv");
    loop {
        let done = child.try_wait().unwrap().is_some();
        if let Ok(m) = std::fs::metadata(&actor).and_then(|m| m.modified()) {
            if seen != Some(m) {
                seen = Some(m);
                // Saved every 10 iterations: the log's rows say which save this is.
                let rows = std::fs::read_to_string(&log)
                    .map_or(0, |t| t.lines().count().saturating_sub(1));
                let it = if done { rows } else { rows / 10 * 10 };
                let copy = dir.join(format!("snapshots/{it}.pth"));
                if snapshot(&dir, &copy).is_ok() {
                    snapshots.retain(|(i, _)| *i != it);
                    snapshots.push((it, copy));
                }
            }
        }
        if done {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = child.wait_with_output().unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let train_s = clock.elapsed().as_secs_f64();
    // The final actor, whatever the polling saw.
    let last = dir.join(format!("snapshots/{iterations}.pth"));
    snapshot(&dir, &last).unwrap();
    snapshots.retain(|(i, _)| *i != iterations);
    snapshots.push((iterations, last));
    let frames_per_it = 8192.0;
    let mut curve = Table::new(["frames", "test return (5 episodes)", "wall s"]);
    let walls = common::csv_column(&std::fs::read_to_string(&log).unwrap(), 12);
    let mut first_over = None;
    for (it, path) in &snapshots {
        if *it == 0 {
            continue;
        }
        let (r, _) = test_return(&dir, path, 5);
        if r >= 0.95 * perfect5 && first_over.is_none() {
            first_over = Some(*it);
        }
        curve.row(vec![
            format!("{:.2} M", *it as f64 * frames_per_it / 1e6),
            format!("{r:.1}"),
            format!("{:.0}", walls[it - 1]),
        ]);
    }
    println!("Test return against frames (SocialReacher-v0, the seed's PPO, targets from the training set):\n{curve}");
    let (final_mean, final_sd) = test_return(&dir, &actor, 100);

    // 3. The understanding CNN.
    let text = run(
        &dir,
        &[
            "--train-cnn",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "train.npz",
            "--epochs",
            &epochs.to_string(),
            "--cnn",
            "cnn.pth",
        ],
    );
    let cnn_mse = number_after(&text, "best validation MSE");
    let cnn_epoch = number_after(&text, "at epoch");
    let cnn_log =
        std::fs::read_to_string(dir.join("Graph/understanding_SocialReacher-v0.csv")).unwrap();
    let cnn_s = *common::csv_column(&cnn_log, 4).last().unwrap();
    let torch_s = python.then(|| {
        let out = common::run_oracle(
            "vanilla_cnn.py",
            &[
                "time",
                dir.join("train.npz").to_str().unwrap(),
                &torch_epochs.to_string(),
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["seconds_per_epoch"].as_f64().unwrap()
    });

    // 4. Mimicry.
    let text = run(
        &dir,
        &[
            "--mimic",
            "--env",
            "SocialReacher-v0",
            "--targets",
            "test.npz",
            "--actor",
            "actor.pth",
            "--cnn",
            "cnn.pth",
            "--poses",
            &poses.to_string(),
        ],
    );
    let reached = |label: &str| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        line.split_whitespace()
            .find(|w| w.contains('/'))
            .unwrap()
            .to_string()
    };
    let cnn_error = number_after(&text, "mean key-point error");

    let mut t = Table::new(["measure", "here", "the seed (Gestures)"]);
    t.row(vec![
        format!("--collect-targets {train_poses} (40×40)"),
        format!("{collect_s:.1} s"),
        "—".into(),
    ]);
    t.row(vec![
        "PPO: frames, wall time".into(),
        format!(
            "{:.2} M in {train_s:.0} s",
            iterations as f64 * frames_per_it / 1e6
        ),
        "4.15 M (checkpoint name)".into(),
    ]);
    t.row(vec![
        format!(
            "PPO: first 5-episode test ≥ 95% of perfect ({:.1})",
            0.95 * perfect5
        ),
        first_over.map_or("never".into(), |it| {
            format!("{:.2} M frames", it as f64 * frames_per_it / 1e6)
        }),
        "—".into(),
    ]);
    t.row(vec![
        "PPO: final actor, 100 test episodes".into(),
        format!("{final_mean:.1} ± {final_sd:.1} (perfect: {perfect:.1})"),
        "63.3 (5 episodes, its own targets)".into(),
    ]);
    t.row(vec![
        "CNN: best validation MSE".into(),
        format!("{cnn_mse:.2e} at epoch {cnn_epoch} of {epochs}"),
        "1.24e-5 at epoch 95".into(),
    ]);
    t.row(vec![
        "CNN: training time".into(),
        format!("{cnn_s:.0} s ({:.1} s an epoch)", cnn_s / epochs as f64),
        "—".into(),
    ]);
    if let Some(s) = torch_s {
        t.row(vec![
            "CNN: PyTorch 2.13, same network and data".into(),
            format!("{s:.1} s an epoch"),
            "—".into(),
        ]);
    }
    t.row(vec![
        "CNN: mean key-point error on the test poses".into(),
        format!("{cnn_error:.4} m"),
        "—".into(),
    ]);
    t.row(vec![
        format!("poses reached, true targets ({poses})"),
        reached("true targets"),
        "—".into(),
    ]);
    t.row(vec![
        format!("poses reached, CNN targets ({poses})"),
        reached("CNN targets"),
        "—".into(),
    ]);
    println!("{t}");
}
