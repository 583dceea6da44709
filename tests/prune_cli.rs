//! `--prune` and `--sweep` as a user meets them: the real binary, real files, PyTorch loading the output.

mod common;

use std::path::{Path, PathBuf};

use common::{
    assert_ok, assert_refused, csv_column, run_bin, run_oracle, ship_actor, shipped, stderr, stdout,
};

/// The shipped CartPole actor (PyTorch-saved, 4→128→128→2), copied to `dir/Policies/actor.pth`.
fn cartpole_actor(dir: &Path) -> PathBuf {
    ship_actor(dir, "bc_actorCartPole-v1.pth", "actor.pth")
}

/// A temporary directory with the shipped CartPole actor as `Policies/actor.pth`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    cartpole_actor(dir.path());
    dir
}

/// Every file under `dir`, relative, sorted, so a test can check what a run left behind.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The arguments of `stage` (its flag and values) for `actor` on `env`, then `extra`.
fn args<'a>(stage: &[&'a str], env: &'a str, actor: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    [stage, &["--env", env, "--actor", actor], extra].concat()
}

/// `--prune` of `Policies/actor.pth` on CartPole-v1.
fn prune_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    args(&["--prune"], "CartPole-v1", "Policies/actor.pth", extra)
}

/// `--sweep list` of `Policies/actor.pth` on CartPole-v1.
fn sweep_args<'a>(list: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    args(
        &["--sweep", list],
        "CartPole-v1",
        "Policies/actor.pth",
        extra,
    )
}

#[test]
fn prune_writes_pruvers_name_beside_the_actor_and_pytorch_loads_it() {
    let dir = workdir();
    let d = dir.path();
    let o = run_bin(d, &prune_args(&["--k", "0.7", "--episodes", "4"]));
    assert_ok(&o);
    let out = d.join("Policies/actor_0.7.pth");
    assert!(out.exists(), "{:?}", listing(d));
    let text = stdout(&o);
    // The report: per layer weights, zeros and sparsity; the realised sparsity against k; the
    // evaluation before and after.
    for needle in [
        "pruned Policies/actor.pth → Policies/actor_0.7.pth (pruver, k = 0.7)",
        "layer1    128×4      512    359    70.12%",
        "layer2  128×128    16384  11470    70.01%",
        "layer3    2×128      256    180    70.31%",
        "all                17152  12009    70.02%",
        "realised sparsity 70.02% for requested k = 0.7",
        "deterministic evaluation on CartPole-v1, 4 episodes",
        "Policies/actor.pth         0.00%         4",
        "Policies/actor_0.7.pth    70.02%         4",
        "mean return",
    ] {
        assert!(text.contains(needle), "missing `{needle}` in:\n{text}");
    }
    let got: serde_json::Value = serde_json::from_str(&run_oracle(
        "prune_oracle.py",
        &["load", out.to_str().unwrap()],
    ))
    .unwrap();
    let got = &got[0];
    assert_eq!(got["sizes"], serde_json::json!([4, 128, 128, 2]));
    assert_eq!(got["zeros"]["layer2"], 11470);
    // Nothing else is written without --prune-csv; the input is untouched.
    assert_eq!(listing(d), ["Policies/actor.pth", "Policies/actor_0.7.pth"]);
    assert_eq!(
        std::fs::read(d.join("Policies/actor.pth")).unwrap(),
        std::fs::read(shipped("bc_actorCartPole-v1.pth")).unwrap()
    );
}

#[test]
fn other_methods_name_themselves_and_out_overrides() {
    let dir = workdir();
    let d = dir.path();
    for (method, file) in [
        ("magnitude", "Policies/actor_0.5_magnitude.pth"),
        ("global", "Policies/actor_0.5_global.pth"),
        ("random", "Policies/actor_0.5_random.pth"),
        ("neuron", "Policies/actor_0.5_neuron.pth"),
    ] {
        let o = run_bin(
            d,
            &prune_args(&["--k", "0.5", "--episodes", "2", "--prune-method", method]),
        );
        assert_ok(&o);
        assert!(d.join(file).exists(), "{method}: {:?}", listing(d));
    }
    let o = run_bin(
        d,
        &prune_args(&["--k", "0.55", "--episodes", "0", "--out", "small.pth"]),
    );
    assert_ok(&o);
    assert!(d.join("small.pth").exists());
    assert!(stdout(&o).contains("no evaluation (--episodes 0)"));
    // The neuron report shows the smaller shapes.
    let o = run_bin(
        d,
        &prune_args(&["--k", "0.5", "--episodes", "0", "--prune-method", "neuron"]),
    );
    let text = stdout(&o);
    assert!(
        text.contains("128×4 → 64×4") && text.contains("128×128 → 64×64"),
        "{text}"
    );
}

#[test]
fn prune_csv_holds_per_episode_returns_before_and_after() {
    let dir = workdir();
    let d = dir.path();
    let o = run_bin(
        d,
        &prune_args(&[
            "--k",
            "0.9",
            "--episodes",
            "3",
            "--seed",
            "5",
            "--prune-csv",
            "out/p.csv",
        ]),
    );
    assert_ok(&o);
    let csv = std::fs::read_to_string(d.join("out/p.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "episode,seed,return_dense,length_dense,return_pruned,length_pruned"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("0,5,500.0,500,"), "{}", lines[1]);
    // k = 0.9 breaks this actor: the pruned returns are short episodes.
    let pruned: f64 = lines[1].split(',').nth(4).unwrap().parse().unwrap();
    assert!(pruned < 100.0, "{csv}");
}

#[test]
fn test_and_prune_run_in_pipeline_order() {
    let dir = workdir();
    let d = dir.path();
    // Typed in the other order: stages still run test → prune.
    let mut args = prune_args(&["--k", "0.8", "--episodes", "3"]);
    args.push("--test");
    let o = run_bin(d, &args);
    assert_ok(&o);
    let text = stdout(&o);
    let test_at = text.find("mean length").unwrap();
    let prune_at = text.find("pruned Policies/actor.pth").unwrap();
    assert!(test_at < prune_at, "{text}");
    // The dense row of the prune report is --test's evaluation (handed on, not run twice).
    assert!(text.matches("500.000 ± 0.000").count() >= 2, "{text}");
}

#[test]
fn bad_k_is_refused_before_anything_is_written() {
    let dir = workdir();
    let d = dir.path();
    for k in ["0", "1", "1.5", "-0.2", "NaN", "inf"] {
        let flag = format!("--k={k}");
        let o = run_bin(d, &prune_args(&[&flag, "--episodes", "1"]));
        assert_refused(&o, 2, "strictly between 0 and 1");
        assert!(stderr(&o).contains(&format!("--k {}", k.parse::<f64>().unwrap())));
    }
    let o = run_bin(d, &prune_args(&["--k", "seventy"]));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(listing(d), ["Policies/actor.pth"]);
}

#[test]
fn bad_sweep_lists_are_refused_by_the_parser() {
    let dir = workdir();
    let d = dir.path();
    for (list, needle) in [
        ("0.5,abc", "`abc` is not a number"),
        ("0.5,1.5", "1.5 is outside (0, 1)"),
        ("0.5,,0.7", "empty"),
        ("0.5,0.6,...,0.75", "cannot be reached"),
        ("...,0.9", "needs two values"),
    ] {
        let o = run_bin(d, &sweep_args(list, &[]));
        assert_eq!(o.status.code(), Some(2), "{list}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(needle) && err.contains("--sweep"),
            "{list}: {err}"
        );
        assert!(!err.contains("panicked"));
    }
    let o = run_bin(d, &sweep_args("0.5,0.7", &["--out", "x.pth"]));
    assert_refused(&o, 2, "--sweep writes no actors");
    assert_eq!(listing(d), ["Policies/actor.pth"]);
}

#[test]
fn actors_that_are_not_pruver_networks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_oracle("torch_actors.py", &["make-bad", d.to_str().unwrap()]);
    for (file, needle) in [
        ("wrong_keys.pth", "unexpected key `fc1.weight`"),
        ("missing_layer.pth", "missing `layer2.weight`"),
        ("not_a_state_dict.pth", "not a readable PyTorch state_dict"),
    ] {
        for episodes in ["0", "2"] {
            let o = run_bin(
                d,
                &args(&["--prune"], "CartPole-v1", file, &["--episodes", episodes]),
            );
            assert_refused(&o, 1, needle);
            assert!(stderr(&o).contains(file), "{}", stderr(&o));
        }
    }
    // No pruned file appeared.
    assert!(
        listing(d).iter().all(|f| !f.contains("_0.7")),
        "{:?}",
        listing(d)
    );
}

#[test]
fn an_output_that_is_the_input_is_refused_and_the_input_stays() {
    let dir = workdir();
    let d = dir.path();
    let actor = d.join("Policies/actor.pth");
    let before = std::fs::read(&actor).unwrap();
    std::os::unix::fs::symlink(&actor, d.join("link.pth")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    for (flag, out) in [
        ("--out", "Policies/actor.pth"),
        ("--out", "./Policies/../Policies/actor.pth"),
        ("--out", "link.pth"),
        ("--prune-csv", "Policies/actor.pth"),
    ] {
        let o = run_bin(d, &prune_args(&[flag, out, "--episodes", "2"]));
        assert_refused(&o, 2, "a command never writes over what it reads");
        assert!(stderr(&o).contains(out), "{}", stderr(&o));
        assert_eq!(std::fs::read(&actor).unwrap(), before, "{out}");
    }
    // Through the link the actor is the input too.
    let o = run_bin(
        d,
        &args(
            &["--prune"],
            "CartPole-v1",
            "link.pth",
            &["--out", "Policies/actor.pth"],
        ),
    );
    assert_refused(&o, 2, "a command never writes over what it reads");
    // A sweep whose CSV would be the actor.
    let o = run_bin(
        d,
        &sweep_args("0.5", &["--prune-csv", "Policies/actor.pth"]),
    );
    assert_refused(&o, 2, "a command never writes over what it reads");
    assert_eq!(std::fs::read(&actor).unwrap(), before);
    assert_eq!(listing(d), ["Policies/actor.pth", "link.pth"]);
}

#[test]
fn an_unknown_environment_is_needed_only_for_evaluation() {
    let dir = workdir();
    let d = dir.path();
    // PruVer's default environment is not built here: evaluation is refused with a way out...
    let nowhere = |extra| args(&["--prune"], "Nowhere-v0", "Policies/actor.pth", extra);
    let o = run_bin(d, &nowhere(&[]));
    assert_refused(&o, 1, "pass --episodes 0 to prune without evaluating");
    assert_eq!(listing(d), ["Policies/actor.pth"]);
    // ... which prunes without the environment.
    let o = run_bin(d, &nowhere(&["--episodes", "0"]));
    assert_ok(&o);
    assert!(d.join("Policies/actor_0.7.pth").exists());
}

#[test]
fn the_same_command_gives_byte_identical_files() {
    let run = || {
        let dir = workdir();
        let d = dir.path();
        let o = run_bin(
            d,
            &prune_args(&[
                "--k",
                "0.75",
                "--episodes",
                "5",
                "--prune-method",
                "random",
                "--seed",
                "3",
                "--prune-csv",
                "p.csv",
            ]),
        );
        assert_ok(&o);
        let o = run_bin(d, &sweep_args("0.6,0.8", &["--episodes", "3"]));
        assert_ok(&o);
        listing(d)
            .into_iter()
            .map(|f| (f.clone(), std::fs::read(d.join(&f)).unwrap()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (run(), run());
    let names: Vec<&String> = a.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "Graph/prune_sweep_CartPole-v1_pruver.csv",
            "Graph/prune_sweep_CartPole-v1_pruver.png",
            "Policies/actor.pth",
            "Policies/actor_0.75_random.pth",
            "p.csv"
        ]
    );
    for ((n, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{n} differs between two identical runs");
    }
    // Another seed gives another random mask.
    let dir = workdir();
    let d = dir.path();
    assert_ok(&run_bin(
        d,
        &prune_args(&[
            "--k",
            "0.75",
            "--episodes",
            "0",
            "--prune-method",
            "random",
            "--seed",
            "4",
        ]),
    ));
    let other = std::fs::read(d.join("Policies/actor_0.75_random.pth")).unwrap();
    assert_ne!(other, a[3].1);
}

#[test]
fn a_sweep_writes_its_csv_and_chart() {
    let dir = workdir();
    let d = dir.path();
    let o = run_bin(d, &sweep_args("0.5,0.6,...,0.9,0.99", &["--episodes", "4"]));
    assert_ok(&o);
    let text = stdout(&o);
    assert!(text.contains("Prune percentage vs rewards"), "{text}");
    let csv = std::fs::read_to_string(d.join("Graph/prune_sweep_CartPole-v1_pruver.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "env,method,k,sparsity,episodes,mean_return,std_return,min_return,max_return"
    );
    assert!(
        lines[1].starts_with("CartPole-v1,dense,0,0.0,4,500.0,0.0,"),
        "{}",
        lines[1]
    );
    let ks: Vec<&str> = lines[2..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(ks, ["0.5", "0.6", "0.7", "0.8", "0.9", "0.99"]);
    // Sparsity tracks k; the returns at 0.99 are a broken policy's.
    let field = |l: &str, i: usize| -> f64 { l.split(',').nth(i).unwrap().parse().unwrap() };
    for (l, k) in lines[2..].iter().zip([0.5, 0.6, 0.7, 0.8, 0.9, 0.99]) {
        assert!((field(l, 3) - k).abs() < 0.002, "{l}");
    }
    assert!(field(lines[7], 5) < 50.0, "{}", lines[7]);
    // The sweep's own evaluation agrees with --prune's at the same k.
    let o = run_bin(
        d,
        &prune_args(&["--k", "0.9", "--episodes", "4", "--prune-csv", "p.csv"]),
    );
    assert_ok(&o);
    let per_episode = std::fs::read_to_string(d.join("p.csv")).unwrap();
    let returns = csv_column(&per_episode, 4);
    let mean = returns.iter().sum::<f64>() / returns.len() as f64;
    assert_eq!(mean, field(lines[6], 5));
    let png = std::fs::read(d.join("Graph/prune_sweep_CartPole-v1_pruver.png")).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    assert_eq!(info.info().height, 720);
    assert!(info.info().width >= 1100);
}

#[test]
fn help_documents_the_prune_flags() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bin(dir.path(), &["--help"]);
    let help = stdout(&o);
    for needle in [
        "--prune-method <METHOD>",
        "[default: pruver]",
        "--sweep <LIST>",
        "--out <PATH>",
        "--prune-csv <PATH>",
        "--overlay <CSV,...>",
        "--pruned <PATH>",
        "--refined <PATH>",
        "strictly between 0 and 1",
        "0.5,0.55,...,0.95",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}
