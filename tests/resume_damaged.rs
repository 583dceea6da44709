//! `--resume` from a damaged checkpoint, for every learner: each field of a real checkpoint (at the top,
//! inside the stored settings, and inside the first element of a list of objects) removed, nulled, set
//! to 0, −1, 10³⁰⁰, a string, an empty list, or a list cut in half or grown by one. Every run ends with
//! exit 0 (a change the learner can take, such as a shorter recent-returns list) or 1 with an `error:`
//! line; never a panic, a signal or a hang (the stored settings are validated as the YAML's are).

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// One learner, set up to run quickly.
struct Case {
    algo: &'static str,
    env: &'static str,
    settings: &'static str,
    checkpoint: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        algo: "ppo",
        env: "CartPole-v1",
        settings: "CartPole-v1:\n  timesteps_per_batch: 64\n  n_envs: 2\n  minibatch_size: 32\n  \
                   n_updates_per_iteration: 1\n  hidden_sizes: [4]\n",
        checkpoint: "Policies/ppo_checkpointCartPole-v1.json",
    },
    Case {
        algo: "es",
        env: "CartPole-v1",
        settings: "CartPole-v1:\n  es: {population: 4, hidden_sizes: [4], episodes: 1}\n",
        checkpoint: "Policies/es_checkpointCartPole-v1.json",
    },
    Case {
        algo: "cma",
        env: "CartPole-v1",
        settings: "CartPole-v1:\n  cma: {popsize: 4, hidden_sizes: [4], episodes: 1}\n",
        checkpoint: "Policies/cma_checkpointCartPole-v1.json",
    },
    Case {
        algo: "cosyne",
        env: "SinglePole-v0",
        settings: "SinglePole-v0:\n  cosyne: {subpopulation: 4, hidden: 1}\n",
        checkpoint: "Policies/cosyne_checkpointSinglePole-v0.json",
    },
    Case {
        algo: "mk1",
        env: "CartPole-v1",
        settings: "CartPole-v1:\n  synaptolysis: {population: 4, hidden_sizes: [4], episodes: 1}\n",
        checkpoint: "Policies/mk1_checkpointCartPole-v1.json",
    },
    Case {
        algo: "hypernca",
        env: "LunarLander-v2",
        settings: "LunarLander-v2:\n  hypernca: {popsize: 4, policy_layers: 3, nca_steps: 4, \
                   save_freq: 1}\n",
        checkpoint: "Policies/hypernca_checkpointLunarLander-v2.json",
    },
];

/// The mutations of one value.
fn mutations(v: &Value) -> Vec<Option<Value>> {
    let mut out: Vec<Option<Value>> = vec![
        None,
        Some(Value::Null),
        Some(0.into()),
        Some((-1).into()),
        Some(serde_json::json!(1e300)),
        Some("x".into()),
        Some(Value::Array(Vec::new())),
    ];
    if let Value::Array(a) = v {
        if !a.is_empty() {
            out.push(Some(Value::Array(a[..a.len() / 2].to_vec())));
            let mut longer = a.clone();
            longer.push(a[a.len() - 1].clone());
            out.push(Some(Value::Array(longer)));
        }
    }
    out
}

/// Every place a mutation goes: a key path from the root (an index selects a list's element).
fn places(root: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let Value::Object(top) = root else {
        return out;
    };
    for (k, v) in top {
        if k == "format" {
            continue;
        }
        out.push(vec![k.clone()]);
        let inner = match v {
            Value::Array(a) => match a.first() {
                Some(first @ Value::Object(_)) => Some((Some("0".to_string()), first)),
                _ => None,
            },
            o @ Value::Object(_) => Some((None, o)),
            _ => None,
        };
        if let Some((index, Value::Object(m))) = inner {
            for k2 in m.keys() {
                let mut p = vec![k.clone()];
                p.extend(index.clone());
                p.push(k2.clone());
                out.push(p);
            }
        }
    }
    out
}

/// The value at `path`.
fn at<'a>(root: &'a Value, path: &[String]) -> &'a Value {
    let mut v = root;
    for k in path {
        v = match v {
            Value::Array(a) => &a[k.parse::<usize>().unwrap()],
            o => &o[k.as_str()],
        };
    }
    v
}

/// `root` with the value at `path` replaced (`None`: removed).
fn mutated(root: &Value, path: &[String], to: &Option<Value>) -> Value {
    let mut v = root.clone();
    let mut at = &mut v;
    for k in &path[..path.len() - 1] {
        at = match at {
            Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
            o => &mut o[k.as_str()],
        };
    }
    let last = &path[path.len() - 1];
    if let Value::Object(m) = at {
        match to {
            Some(x) => {
                m.insert(last.clone(), x.clone());
            }
            None => {
                m.remove(last);
            }
        }
    }
    v
}

fn train(dir: &Path, case: &Case, extra: &[&str]) -> Command {
    let mut c = common::bin();
    c.current_dir(dir)
        .args(["--train", "--algo", case.algo, "--env", case.env])
        .args(["--no-tensorboard", "--threads", "1"])
        .args(extra);
    c
}

/// Resume from `checkpoint` in `dir`: `None` when it ends as it must (exit 0, or 1 with an error line,
/// no panic), else what went wrong.
fn resume(dir: &Path, case: &Case, checkpoint: &Value) -> (bool, Option<String>) {
    std::fs::write(
        dir.join("damaged.json"),
        serde_json::to_vec(checkpoint).unwrap(),
    )
    .unwrap();
    let o = train(
        dir,
        case,
        &[
            "--resume",
            "--checkpoint",
            "damaged.json",
            "--iterations",
            "2",
        ],
    )
    .output()
    .unwrap();
    let err = common::stderr(&o);
    let last = err.lines().last().unwrap_or("").to_string();
    if err.contains("panicked") {
        return (false, Some(format!("a panic: {last}")));
    }
    match o.status.code() {
        Some(0) => (false, None),
        Some(1) if err.contains("error: ") => (true, None),
        other => (false, Some(format!("exit {other:?}: {last}"))),
    }
}

#[test]
fn every_damaged_field_of_every_checkpoint_is_refused_or_survived() {
    let mut runs = 0;
    let mut failures = Vec::new();
    for case in &CASES {
        let dir = common::workdir_settings(case.settings);
        let o = train(dir.path(), case, &["--iterations", "1"])
            .output()
            .unwrap();
        common::assert_ok(&o);
        let good: Value =
            serde_json::from_slice(&common::read(dir.path(), case.checkpoint)).unwrap();
        let mut damaged = Vec::new();
        for path in places(&good) {
            for to in mutations(at(&good, &path)) {
                let shown = to.as_ref().map_or("(removed)".into(), |v| {
                    v.to_string().chars().take(60).collect::<String>()
                });
                let what = format!(
                    "{} {}: {} = {shown}",
                    case.algo,
                    case.checkpoint,
                    path.join(".")
                );
                damaged.push((what, mutated(&good, &path, &to)));
            }
        }
        runs += damaged.len();
        // Two at a time, each in its own copy of the folder.
        let second = tempfile::tempdir().unwrap();
        for f in ["hyperparameters.yml", "specifications.yml"] {
            std::fs::copy(dir.path().join(f), second.path().join(f)).unwrap();
        }
        let dirs = [dir.path(), second.path()];
        let results: Vec<Vec<(bool, Option<String>, &String)>> = std::thread::scope(|s| {
            let handles: Vec<_> = dirs
                .iter()
                .enumerate()
                .map(|(k, d)| {
                    let damaged = &damaged;
                    s.spawn(move || {
                        damaged
                            .iter()
                            .skip(k)
                            .step_by(2)
                            .map(|(what, c)| {
                                let (refused, wrong) = resume(d, case, c);
                                (refused, wrong, what)
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let results: Vec<_> = results.into_iter().flatten().collect();
        assert!(
            results.iter().any(|r| r.0),
            "{}: no damage was ever refused",
            case.algo
        );
        failures.extend(
            results
                .into_iter()
                .filter_map(|(_, wrong, what)| wrong.map(|w| format!("{what}: {w}"))),
        );
    }
    eprintln!("{runs} resumes from damaged checkpoints");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
