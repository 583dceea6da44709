//! `--train`'s TensorBoard event files, read by TensorBoard itself (its EventAccumulator, in
//! tests/oracle/tensorboard_oracle.py): every number of every training-log row is a scalar at its step,
//! equal to the CSV's in float32 (TensorBoard's `simple_value`), for PPO and a population learner; a
//! resumed run's duplicated steps are dropped; Ctrl-C leaves readable files; the flags choose or turn
//! off the folder.

mod common;

use std::path::Path;

use common::{assert_ok, run_bin, run_oracle, stderr};
use serde_json::Value;

const YAML: &str = "\
CartPole-v1:
  timesteps_per_batch: 512
  training_step: 3
  save_freq: 1
  hidden_sizes: [16, 16]
  default: {n_envs: 4, minibatch_size: 128, n_updates_per_iteration: 2}
  es: {generations: 4, save_freq: 1}
";

fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("hyperparameters.yml"), YAML).unwrap();
    d
}

/// TensorBoard's scalars of the run folder `run`.
fn scalars(run: &Path) -> Value {
    serde_json::from_str(&run_oracle(
        "tensorboard_oracle.py",
        &[run.to_str().unwrap()],
    ))
    .unwrap()
}

/// The training log: its header and its rows, split.
fn log(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

/// Every numeric cell of the log is TensorBoard's scalar of its column at its row's step, in float32;
/// and TensorBoard holds nothing else.
fn assert_matches_log(run: &Path, log_path: &Path) -> usize {
    let tb = scalars(run);
    let (header, rows) = log(log_path);
    let (mut checked, mut columns) = (0, 0);
    for (c, name) in header.iter().enumerate().skip(1) {
        let want: Vec<(u64, f32)> = rows
            .iter()
            .filter_map(|r| {
                let v = r.get(c)?.parse::<f64>().ok()?;
                Some((r[0].parse().unwrap(), v as f32))
            })
            .collect();
        if want.is_empty() {
            // A column never filled (PPO's `std` for discrete actions) has no scalar.
            assert!(tb.get(name.as_str()).is_none(), "{name}: {tb}");
            continue;
        }
        columns += 1;
        let got: Vec<(u64, f32)> = tb[name.as_str()]
            .as_array()
            .unwrap_or_else(|| panic!("TensorBoard has no `{name}`: {tb}"))
            .iter()
            .map(|e| (e[0].as_u64().unwrap(), e[1].as_f64().unwrap() as f32))
            .collect();
        assert_eq!(got, want, "{name}");
        checked += want.len();
    }
    assert_eq!(tb.as_object().unwrap().len(), columns, "{tb}");
    checked
}

#[test]
fn tensorboard_reads_what_the_log_says_for_ppo_and_es() {
    let dir = workdir();
    let d = dir.path();
    assert_ok(&run_bin(
        d,
        &["--train", "--env", "CartPole-v1", "--seed", "3"],
    ));
    let n = assert_matches_log(
        &d.join("runs/CartPole-v1_ppo_3"),
        &d.join("Graph/train_CartPole-v1.csv"),
    );
    assert!(n > 10, "{n} scalars");
    assert_ok(&run_bin(
        d,
        &[
            "--train",
            "--algo",
            "es",
            "--env",
            "CartPole-v1",
            "--seed",
            "3",
        ],
    ));
    let n = assert_matches_log(
        &d.join("runs/CartPole-v1_es_3"),
        &d.join("Graph/train_es_CartPole-v1.csv"),
    );
    assert!(n > 10, "{n} scalars");
}

/// A run resumed from an earlier checkpoint than its last logged step (as after a kill): TensorBoard
/// drops the first run's later steps, so every step appears once, with the resumed run's values.
#[test]
fn a_resumed_run_replaces_the_steps_after_its_checkpoint() {
    let dir = workdir();
    let d = dir.path();
    let es = ["--train", "--algo", "es", "--env", "CartPole-v1"];
    assert_ok(&run_bin(d, &[&es[..], &["--iterations", "2"]].concat()));
    let ckpt = d.join("Policies/es_checkpointCartPole-v1.json");
    let at_two = std::fs::read(&ckpt).unwrap();
    assert_ok(&run_bin(
        d,
        &[&es[..], &["--resume", "--iterations", "4"]].concat(),
    ));
    // Back to the checkpoint of step 2, and on to 4 again.
    std::fs::write(&ckpt, &at_two).unwrap();
    assert_ok(&run_bin(
        d,
        &[&es[..], &["--resume", "--iterations", "4"]].concat(),
    ));
    let run = d.join("runs/CartPole-v1_es_0");
    assert_eq!(
        std::fs::read_dir(&run).unwrap().count(),
        3,
        "one event file per process"
    );
    assert_matches_log(&run, &d.join("Graph/train_es_CartPole-v1.csv"));
    let steps: Vec<u64> = scalars(&run)["return_mean"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_u64().unwrap())
        .collect();
    assert_eq!(steps, vec![1, 2, 3, 4]);
}

#[test]
fn ctrl_c_leaves_event_files_tensorboard_reads() {
    let dir = workdir();
    let d = dir.path();
    let log = "Graph/train_CartPole-v1.csv";
    let args = ["--train", "--env", "CartPole-v1", "--iterations", "100000"];
    let o = common::interrupt_after(d, &args, log, 3);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_matches_log(&d.join("runs/CartPole-v1_ppo_0"), &d.join(log));
}

#[test]
fn the_flags_choose_the_folder_or_turn_it_off() {
    let dir = workdir();
    let d = dir.path();
    let es = [
        "--train",
        "--algo",
        "es",
        "--env",
        "CartPole-v1",
        "--iterations",
        "1",
    ];
    assert_ok(&run_bin(
        d,
        &[&es[..], &["--tensorboard", "tb/logs"]].concat(),
    ));
    assert!(d.join("tb/logs/CartPole-v1_es_0").is_dir());
    assert!(!d.join("runs").exists());
    assert_ok(&run_bin(
        d,
        &[&es[..], &["--no-tensorboard", "--seed", "9"]].concat(),
    ));
    assert!(!d.join("runs").exists());
    assert!(!d.join("tb/logs/CartPole-v1_es_9").exists());
}
