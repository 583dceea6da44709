//! `--reproduce --quick`: the whole paper pipeline on the three environments, end to end, on small
//! budgets, with real files and PyTorch loading what it wrote. Structure and sanity only, never exact
//! returns.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_ok, run_bin, run_oracle, stderr, stdout};

/// (environment, k, observation size, action size, discrete)
const CASES: [(&str, &str, usize, usize, bool); 3] = [
    ("CartPole-v0", "0.78", 4, 2, true),
    ("LunarLanderContinuous-v2", "0.7", 8, 2, false),
    ("BipedalWalker-v3", "0.5", 24, 4, false),
];

/// A working directory with the shipped dense actors and hyperparameters.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (env, ..) in CASES {
        let name = format!("ppo_actor{env}.pth");
        common::ship_actor(dir.path(), &name, &name);
    }
    std::fs::copy(
        common::root().join("hyperparameters.yml"),
        dir.path().join("hyperparameters.yml"),
    )
    .unwrap();
    dir
}

fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn quick_reproduction_writes_every_table_figure_and_actor() {
    let dir = workdir();
    let d = dir.path();
    let out = run_bin(d, &["--reproduce", "--quick"]);
    assert_ok(&out);
    let text = stdout(&out);
    for heading in [
        "Prune percentage vs rewards",
        "Failures found against the pruned actors",
        "Refinement",
        "Wall time of each stage",
    ] {
        assert!(text.contains(heading), "no `{heading}` in:\n{text}");
    }

    let rep = d.join("Graph/reproduce");
    for f in [
        "results.md",
        "falsification.csv",
        "refinement.csv",
        "timing.csv",
        "prune_vs_rewards.png",
    ] {
        assert!(rep.join(f).is_file(), "{f} missing");
    }
    let md = std::fs::read_to_string(rep.join("results.md")).unwrap();
    assert!(md.contains("--reproduce --quick") && md.contains("| environment |"));
    // --reproduce always writes its page: the run's tables and every figure it wrote, embedded.
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains("Prune percentage vs rewards"));
    assert!(
        html.contains("alt=\"Graph/reproduce/prune_vs_rewards.png\" src=\"data:image/png;base64,")
    );
    assert!(
        text.ends_with("report written to Graph/reproduce/report.html\n"),
        "{text}"
    );

    // PyTorch loads the pruned and refined actors into PruVer's actor class.
    for (env, k, obs, act, discrete) in CASES {
        assert!(rep.join(format!("prune_sweep_{env}.csv")).is_file());
        assert!(rep.join(format!("prune_sweep_{env}.png")).is_file());
        for name in [
            format!("ppo_actor{env}_{k}.pth"),
            format!("ppo_actor_refined{env}.pth"),
        ] {
            let path: PathBuf = d.join("Policies").join(&name);
            let (o, a) = (obs.to_string(), act.to_string());
            let mut args = vec![
                "load-actor",
                path.to_str().unwrap(),
                "--obs",
                &o,
                "--act",
                &a,
                "--width",
                "128",
            ];
            if discrete {
                args.push("--discrete");
            }
            run_oracle("pth_oracle.py", &args);
        }
        for layer in 1..=3 {
            for f in [
                format!("ppo_actor{env}_layer{layer}_heatmap.png"),
                format!("ppo_actor_refined{env}_layer{layer}_mask.png"),
            ] {
                assert!(rep.join(&f).is_file(), "{f} missing");
            }
        }
    }

    // BO and random for every specification of every environment, the same budget, 2 runs each.
    let rows = read_csv(&rep.join("falsification.csv"));
    for (env, ..) in CASES {
        let mine: Vec<_> = rows.iter().filter(|r| r["env"] == env).collect();
        assert!(mine.len() >= 4, "{env}: {} rows", mine.len());
        assert_eq!(
            mine.iter().filter(|r| r["method"] == "bo").count(),
            mine.iter().filter(|r| r["method"] == "random").count()
        );
        for r in mine {
            assert_eq!(r["runs"], "2");
            assert_eq!(r["evaluations_per_run"], "8");
            let found: usize = r["runs_with_failure"].parse().unwrap();
            assert!(found <= 2);
        }
    }

    // Refinement: never more failures than the pruned actor, never sparser than it.
    let rows = read_csv(&rep.join("refinement.csv"));
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let n = |k: &str| r[k].parse::<f64>().unwrap();
        assert!(n("found_refined") <= n("found_pruned"), "{r:?}");
        // --quick refines against at most 8 failures; the rest the dense actor passes are held out.
        assert_eq!(
            n("refined_against") + n("held_out") + n("dense_fails"),
            n("failures"),
            "{r:?}"
        );
        assert!(n("refined_against") <= 8.0, "{r:?}");
        assert!(n("fixed") <= n("refined_against"), "{r:?}");
        assert!(n("held_out_fixed") <= n("held_out"), "{r:?}");
        assert!(
            n("sparsity_refined") <= n("sparsity_pruned") + 1e-12,
            "{r:?}"
        );
        assert!(n("sparsity_pruned") > 0.4, "{r:?}");
        assert_eq!(n("sparsity_dense"), 0.0);
        for k in ["return_dense", "return_pruned", "return_refined"] {
            assert!(n(k).is_finite(), "{r:?}");
        }
    }
    let timing = read_csv(&rep.join("timing.csv"));
    assert_eq!(timing.len(), 3);
    // The dense actors were shipped, so nothing was trained.
    assert!(timing.iter().all(|t| t["train_s"].is_empty()));
}

#[test]
fn bad_requests_and_a_broken_actor_are_refused() {
    let dir = workdir();
    let d = dir.path();
    let out = run_bin(d, &["--quick"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--quick applies to --reproduce"));

    let out = run_bin(d, &["--reproduce", "--prune"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--reproduce runs every stage itself: drop --prune"));

    // A dense actor that is not a .pth file: a clear error naming it, and no results written.
    std::fs::write(d.join("Policies/ppo_actorCartPole-v0.pth"), b"not a zip").unwrap();
    let out = run_bin(d, &["--reproduce", "--quick"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("ppo_actorCartPole-v0.pth"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!d.join("Graph/reproduce/results.md").exists());
    assert!(!d.join("Policies/ppo_actorCartPole-v0_0.78.pth").exists());
}
