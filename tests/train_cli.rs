//! `--train` as a user meets it: the real binary, real libtorch, real files. Runs are tiny (a few
//! iterations of small batches), so the suite stays short; what they check is the plumbing:
//! determinism, exact resumption, Ctrl-C, PyTorch-readable outputs, and the refusals.

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_ok, csv_column, run_bin, run_oracle, shipped, stderr, stdout};
use synapt_safety::policy::Actor;

/// Small hyperparameters for every test: 32-32 networks, a few hundred steps per iteration.
const YAML: &str = "\
CartPole-v1:
  timesteps_per_batch: 512
  training_step: 4
  save_freq: 2
  hidden_sizes: [32, 32]
  default: {n_envs: 4, minibatch_size: 128, n_updates_per_iteration: 2, normalize_obs: true}
Pendulum-v1:
  timesteps_per_batch: 400
  n_updates_per_iteration: 2
  training_step: 4
  save_freq: 2
  seed: 741
  hidden_sizes: [32, 32]
  ppo: pruver
MountainCarContinuous-v0:
  timesteps_per_batch: 256
  training_step: 4
  save_freq: 2
  hidden_sizes: [32, 32]
  n_envs: 2
  minibatch_size: 64
  n_updates_per_iteration: 2
  normalize_obs: true
  normalize_reward: true
  use_sde: true
  sde_sample_freq: 4
";

fn refused(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout: {}\nstderr: {err}",
        stdout(o)
    );
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("hyperparameters.yml"), YAML).unwrap();
    d
}

fn train(dir: &Path, env: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--train", "--env", env];
    args.extend(extra);
    run_bin(dir, &args)
}

use common::read;

/// The data rows of the training log.
fn log_rows(dir: &Path, env: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(format!("Graph/train_{env}.csv"))).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "iteration,timesteps,episodes,return_mean,return_std,length_mean,actor_loss,critic_loss,\
         entropy,std,approx_kl,clip_fraction,wall_s"
    );
    lines.map(str::to_string).collect()
}

#[test]
fn training_writes_pytorch_actor_and_critic_a_log_a_curve_and_a_summary() {
    let dir = workdir();
    let o = train(dir.path(), "CartPole-v1", &[]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("training CartPole-v1 with PPO (default)"),
        "{out}"
    );
    for head in ["iterations", "timesteps", "steps/s", "recent return"] {
        assert!(out.contains(head), "summary lacks {head}: {out}");
    }
    let rows = log_rows(dir.path(), "CartPole-v1");
    assert_eq!(rows.len(), 4);
    for (i, r) in rows.iter().enumerate() {
        let c: Vec<&str> = r.split(',').collect();
        assert_eq!(c.len(), 13, "{r}");
        assert_eq!(c[0], (i + 1).to_string());
        assert_eq!(c[1], (512 * (i + 1)).to_string());
        assert!(
            c[6].parse::<f64>().is_ok() && c[7].parse::<f64>().is_ok(),
            "{r}"
        );
        assert!(c[9].is_empty(), "no std for discrete actions: {r}");
    }
    let png = read(dir.path(), "Graph/train_CartPole-v1.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // PyTorch reads both files: PruVer's layer1..3 layout, the critic with one output.
    let dump = |f: &str| {
        let p = dir.path().join(f);
        let v: serde_json::Value =
            serde_json::from_str(&run_oracle("pth_oracle.py", &["dump", p.to_str().unwrap()]))
                .unwrap();
        v["tensors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), t["shape"].clone()))
            .collect::<Vec<_>>()
    };
    let want = |out: usize| {
        vec![
            ("layer1.weight".to_string(), serde_json::json!([32, 4])),
            ("layer1.bias".to_string(), serde_json::json!([32])),
            ("layer2.weight".to_string(), serde_json::json!([32, 32])),
            ("layer2.bias".to_string(), serde_json::json!([32])),
            ("layer3.weight".to_string(), serde_json::json!([out, 32])),
            ("layer3.bias".to_string(), serde_json::json!([out])),
        ]
    };
    assert_eq!(dump("Policies/ppo_actorCartPole-v1.pth"), want(2));
    assert_eq!(dump("Policies/ppo_criticCartPole-v1.pth"), want(1));

    // The trained actor is an ordinary actor for --test.
    let o = run_bin(
        dir.path(),
        &["--test", "--env", "CartPole-v1", "--episodes", "3"],
    );
    assert_ok(&o);
}

#[test]
fn the_same_seed_gives_identical_files_whatever_the_thread_count() {
    let (a, b) = (workdir(), workdir());
    assert_ok(&train(
        a.path(),
        "CartPole-v1",
        &["--seed", "3", "--threads", "1"],
    ));
    assert_ok(&train(
        b.path(),
        "CartPole-v1",
        &["--seed", "3", "--threads", "2"],
    ));
    for f in [
        "Policies/ppo_actorCartPole-v1.pth",
        "Policies/ppo_criticCartPole-v1.pth",
    ] {
        assert!(read(a.path(), f) == read(b.path(), f), "{f} differs");
    }
    // Another seed, another actor.
    let c = workdir();
    assert_ok(&train(c.path(), "CartPole-v1", &["--seed", "4"]));
    assert!(
        read(a.path(), "Policies/ppo_actorCartPole-v1.pth")
            != read(c.path(), "Policies/ppo_actorCartPole-v1.pth")
    );
}

/// Two iterations, then --resume to four, gives the bytes of four iterations in one go: the
/// checkpoint holds everything (optimiser, normaliser, RNGs, environments mid-episode).
fn resume_is_exact(env: &str) {
    let whole = workdir();
    assert_ok(&train(whole.path(), env, &[]));
    let split = workdir();
    assert_ok(&train(split.path(), env, &["--iterations", "2"]));
    let o = train(split.path(), env, &["--resume"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("2 → 4"), "{}", stdout(&o));
    for f in [
        format!("Policies/ppo_actor{env}.pth"),
        format!("Policies/ppo_critic{env}.pth"),
    ] {
        assert!(
            read(whole.path(), &f) == read(split.path(), &f),
            "{f} differs after --resume"
        );
    }
    // The log was continued, not restarted: the same iterations and timesteps.
    let cols = |d: &Path| -> Vec<String> {
        log_rows(d, env)
            .iter()
            .map(|r| r.split(',').take(6).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(cols(whole.path()), cols(split.path()));
}

#[test]
fn resuming_continues_exactly_default_preset() {
    resume_is_exact("CartPole-v1");
}

#[test]
fn resuming_continues_exactly_pruver_preset() {
    resume_is_exact("Pendulum-v1");
}

/// gSDE and reward scaling: resumed exactly (the scaler's statistics and discounted returns are in
/// the checkpoint), and the exploration matrix's log-std (32 features × 1 action) lives in the
/// checkpoint, never in the actor, which stays PruVer's three layers.
#[test]
fn gsde_and_reward_scaling_resume_exactly_and_stay_out_of_the_actor() {
    let env = "MountainCarContinuous-v0";
    resume_is_exact(env);
    let dir = workdir();
    assert_ok(&train(dir.path(), env, &["--iterations", "1"]));
    let actor = Actor::load(&dir.path().join(format!("Policies/ppo_actor{env}.pth"))).unwrap();
    assert_eq!(actor.layers.len(), 3);
    let net_len = |sizes: &[usize]| -> usize { sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum() };
    let ckpt: serde_json::Value = serde_json::from_slice(&read(
        dir.path(),
        &format!("Policies/ppo_checkpoint{env}.json"),
    ))
    .unwrap();
    let params = ckpt["params"].as_array().unwrap().len();
    assert_eq!(
        params,
        net_len(&[2, 32, 32, 1]) * 2 + 32,
        "actor, critic and a 32 × 1 log-std"
    );
    let scaler = &ckpt["reward_scaler"];
    assert_eq!(scaler["returns"].as_array().unwrap().len(), 2, "{scaler}");
    assert!(scaler["rms"]["count"].as_f64().unwrap() > 128.0, "{scaler}");
}

#[test]
fn ctrl_c_stops_after_the_current_iteration_with_valid_files() {
    let dir = workdir();
    // Two logged iterations (and the header), then Ctrl-C.
    let o = common::interrupt_after(
        dir.path(),
        &["--train", "--env", "Pendulum-v1", "--iterations", "100000"],
        "Graph/train_Pendulum-v1.csv",
        3,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted: stopped after iteration"),
        "{err}"
    );
    // Every file is whole: the actor loads, the log's last row is the checkpoint's iteration, and
    // --resume goes on from it.
    Actor::load(&dir.path().join("Policies/ppo_actorPendulum-v1.pth")).unwrap();
    Actor::load(&dir.path().join("Policies/ppo_criticPendulum-v1.pth")).unwrap();
    let ckpt: serde_json::Value =
        serde_json::from_slice(&read(dir.path(), "Policies/ppo_checkpointPendulum-v1.json"))
            .unwrap();
    let it = ckpt["iteration"].as_u64().unwrap();
    let rows = log_rows(dir.path(), "Pendulum-v1");
    assert_eq!(rows.len() as u64, it);
    let next = (it + 1).to_string();
    assert_ok(&train(
        dir.path(),
        "Pendulum-v1",
        &["--resume", "--iterations", &next],
    ));
    assert_eq!(log_rows(dir.path(), "Pendulum-v1").len() as u64, it + 1);
}

/// A second Ctrl-C exits at once, with exit 130 and nothing torn down under libtorch (no panic, no
/// C++ terminate); the files on disk are whole (each was written atomically).
#[test]
fn ctrl_c_twice_exits_at_once_and_cleanly() {
    let dir = workdir();
    let o = common::ctrl_c_after(
        dir.path(),
        &["--train", "--env", "Pendulum-v1", "--iterations", "100000"],
        "Graph/train_Pendulum-v1.csv",
        3,
        2,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("Ctrl-C again to quit now"), "{err}");
    for bad in ["panicked", "terminate called", "Segmentation"] {
        assert!(!err.contains(bad), "{err}");
    }
    for f in ["ppo_actorPendulum-v1.pth", "ppo_criticPendulum-v1.pth"] {
        let p = dir.path().join("Policies").join(f);
        if p.exists() {
            Actor::load(&p).unwrap();
        }
    }
}

#[test]
fn a_missing_entry_falls_back_to_the_defaults_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.yml"), "CartPole-v0:\n  lr: 0.001\n").unwrap();
    let o = train(
        dir.path(),
        "CartPole-v1",
        &["--hyperparameters", "h.yml", "--iterations", "1"],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("h.yml has no `CartPole-v1` entry") && out.contains("documented defaults"),
        "{out}"
    );
    assert!(out.contains("hidden_sizes: [128, 128]"), "{out}");
    let a = Actor::load(&dir.path().join("Policies/ppo_actorCartPole-v1.pth")).unwrap();
    assert_eq!(a.shape_string(), "4→128→128→2");
}

#[test]
fn bad_hyperparameters_are_refused_with_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (yaml, needle) in [
        ("CartPole-v1: [unclosed\n", "h.yml"),
        (
            "CartPole-v1:\n  timesteps_per_batch: lots\n",
            "timesteps_per_batch",
        ),
        (
            "CartPole-v1:\n  timesteps_per_batch: -5\n",
            "timesteps_per_batch",
        ),
        (
            "CartPole-v1:\n  minibatch_size: 0\n",
            "`minibatch_size` is 0",
        ),
        ("CartPole-v1:\n  hidden_sizes: [64, 0]\n", "`hidden_sizes`"),
        (
            "CartPole-v1:\n  hidden_sizes: [422835445]\n",
            "`hidden_sizes` is too large: a width of 422835445; at most 65536",
        ),
        (
            "CartPole-v1:\n  timesteps_per_batch: 100000000000\n",
            "`timesteps_per_batch` is too large",
        ),
        ("CartPole-v1:\n  lr: -1.0\n", "`lr` is -1"),
        (
            "CartPole-v1:\n  learning_rate: 0.1\n",
            "timesteps_per_batch",
        ),
        ("CartPole-v1:\n  ppo: fastest\n", "pruver"),
    ] {
        std::fs::write(dir.path().join("h.yml"), yaml).unwrap();
        let o = train(dir.path(), "CartPole-v1", &["--hyperparameters", "h.yml"]);
        refused(&o, needle);
        assert!(stderr(&o).contains("h.yml"), "{yaml}: {}", stderr(&o));
        assert!(
            !dir.path().join("Policies").exists(),
            "{yaml}: files were written"
        );
    }
}

#[test]
fn resume_without_a_checkpoint_is_refused() {
    let dir = workdir();
    refused(
        &train(dir.path(), "CartPole-v1", &["--resume"]),
        "--resume: no checkpoint at Policies/ppo_checkpointCartPole-v1.json",
    );
}

#[test]
fn resume_with_an_actor_of_another_shape_is_refused() {
    let dir = workdir();
    assert_ok(&train(dir.path(), "CartPole-v1", &["--iterations", "1"]));
    // The configuration now asks for 64-64 networks.
    let yaml = YAML.replace(
        "hidden_sizes: [32, 32]\n  default",
        "hidden_sizes: [64, 64]\n  default",
    );
    std::fs::write(dir.path().join("hyperparameters.yml"), yaml).unwrap();
    refused(
        &train(dir.path(), "CartPole-v1", &["--resume"]),
        "holds a 4→32→32→2 actor, but the configuration asks for 4→64→64→2",
    );
    // An actor file from elsewhere, beside the checkpoint.
    std::fs::write(dir.path().join("hyperparameters.yml"), YAML).unwrap();
    std::fs::copy(
        shipped("bc_actorCartPole-v1.pth"),
        dir.path().join("Policies/ppo_actorCartPole-v1.pth"),
    )
    .unwrap();
    refused(
        &train(dir.path(), "CartPole-v1", &["--resume"]),
        "is 4→128→128→2, but the checkpoint",
    );
}

#[test]
fn an_unwritable_output_directory_is_refused_before_training() {
    let dir = workdir();
    // A file where the directory should be (root ignores permission bits, so this is the portable
    // way to make a directory impossible to create).
    std::fs::write(dir.path().join("blocked"), "").unwrap();
    let o = train(
        dir.path(),
        "CartPole-v1",
        &["--actor", "blocked/actor.pth", "--iterations", "1"],
    );
    refused(&o, "cannot write the actor blocked/actor.pth");
    assert!(!stdout(&o).contains("wrote"), "{}", stdout(&o));
    assert!(!dir.path().join("Graph").exists());
}

/// A learning rate that blows the parameters up: the run stops at the first step whose parameters
/// are no longer finite, and writes no actor (a NaN actor would be refused when read).
#[test]
fn a_diverging_training_stops_with_an_error_and_writes_no_actor() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("hyperparameters.yml"),
        "CartPole-v1:\n  lr: 1.0e30\n  timesteps_per_batch: 256\n  n_envs: 2\n",
    )
    .unwrap();
    let o = train(d, "CartPole-v1", &["--iterations", "3"]);
    refused(
        &o,
        "training diverged at step 1: the networks' parameters are no longer finite",
    );
    assert!(stderr(&o).contains("no step had been saved yet"));
    for f in [
        "Policies/ppo_actorCartPole-v1.pth",
        "Policies/ppo_checkpointCartPole-v1.json",
    ] {
        assert!(!d.join(f).exists(), "{f} was written");
    }
    assert!(log_rows(d, "CartPole-v1").is_empty());
    // Beyond a float32, the rate itself is refused.
    std::fs::write(
        d.join("hyperparameters.yml"),
        "CartPole-v1:\n  lr: 1.0e300\n",
    )
    .unwrap();
    let o = train(d, "CartPole-v1", &["--iterations", "3"]);
    refused(
        &o,
        "`lr` is 1e300; it must be a positive number (at most 3.4e38, a float32)",
    );
}

#[test]
fn train_only_flags_without_train_are_usage_errors() {
    let dir = workdir();
    let o = run_bin(dir.path(), &["--test", "--env", "CartPole-v1", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume applies to --train"));
}

/// A short run that must learn: CartPole-v1 with the default preset, 20k steps.
#[test]
fn a_short_default_run_learns_cartpole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("h.yml"),
        "CartPole-v1:\n  timesteps_per_batch: 2048\n  training_step: 10\n",
    )
    .unwrap();
    assert_ok(&train(
        dir.path(),
        "CartPole-v1",
        &["--hyperparameters", "h.yml"],
    ));
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "CartPole-v1",
            "--episodes",
            "20",
            "--csv",
            "t.csv",
        ],
    );
    assert_ok(&o);
    let text = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
    let rets = csv_column(&text, 2);
    let mean = rets.iter().sum::<f64>() / rets.len() as f64;
    // A random policy averages about 22.
    assert!(mean > 150.0, "mean return {mean} after 20k steps");
}
