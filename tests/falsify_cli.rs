//! `--falsify` from the command line: reproducible files, the report, and every bad input refused
//! with a clear message before any campaign runs.

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_refused, run_bin, stderr, succeeded, workdir_with};

/// A directory with the shipped CartPole actor as Policies/actor.pth.
fn workdir() -> tempfile::TempDir {
    workdir_with("bc_actorCartPole-v1.pth", "actor.pth")
}

/// `--falsify` of Policies/actor.pth on `env`.
fn campaign(dir: &Path, env: &str, extra: &[&str]) -> Output {
    let args = ["--falsify", "--env", env, "--actor", "Policies/actor.pth"];
    run_bin(dir, &[&args[..], extra].concat())
}

/// A CartPole-v0 campaign of budget 12.
fn falsify(dir: &Path, extra: &[&str]) -> Output {
    campaign(dir, "CartPole-v0", &[&["--budget", "12"], extra].concat())
}

#[test]
fn campaigns_write_reproducible_files_and_a_report() {
    let (a, b) = (workdir(), workdir());
    // The dense actor balances from the centre of the box; pruning at 0.9 makes it fall.
    for d in [a.path(), b.path()] {
        let out = succeeded(&falsify(
            d,
            &[
                "--prune",
                "--k",
                "0.9",
                "--episodes",
                "3",
                "--falsify-method",
                "bo,random,test",
                "--spec",
                "upright",
                "--seed",
                "4",
            ],
        ));
        assert!(
            out.contains("against `upright`: always(abs(theta) <= 0.2)"),
            "{out}"
        );
        assert!(
            out.contains("actor_0.9.pth"),
            "the pruned actor is falsified: {out}"
        );
        for m in ["bo ", "random ", "test "] {
            assert!(
                out.lines().any(|l| l.starts_with(m) && l.contains(" 17 ")),
                "{m}: {out}"
            );
        }
    }
    for m in ["bo", "random", "test"] {
        for suffix in ["", "_evaluations"] {
            let name = format!("CartPole-v0_actor_0.9_upright_{m}{suffix}.csv");
            let fa = std::fs::read(a.path().join("Failure_Trajectories").join(&name)).unwrap();
            let fb = std::fs::read(b.path().join("Failure_Trajectories").join(&name)).unwrap();
            assert_eq!(fa, fb, "{name} differs between two identical runs");
            assert!(fa.len() > 100, "{name} is nearly empty");
        }
    }
    let evals = std::fs::read_to_string(
        a.path()
            .join("Failure_Trajectories/CartPole-v0_actor_0.9_upright_bo_evaluations.csv"),
    )
    .unwrap();
    assert!(evals
        .starts_with("evaluation,seed,x,x_dot,theta,theta_dot,robustness,return,length,failed\n"));
    assert_eq!(evals.lines().count(), 1 + 17);
}

/// `--bo-region global` is the search without the trust region: another campaign, as reproducible.
#[test]
fn the_global_search_region_is_another_reproducible_campaign() {
    let d = workdir();
    let evaluations = |region: &str| {
        succeeded(&falsify(
            d.path(),
            &["--spec", "upright", "--seed", "5", "--bo-region", region],
        ));
        std::fs::read(
            d.path()
                .join("Failure_Trajectories/CartPole-v0_actor_upright_bo_evaluations.csv"),
        )
        .unwrap()
    };
    let global = evaluations("global");
    assert_eq!(global, evaluations("global"));
    let trust = evaluations("trust");
    assert_ne!(global, trust, "the trust region changes where BO looks");
    // The initial design is the same; the guided points differ.
    let lines = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    let (g, t) = (lines(&global), lines(&trust));
    let head = |s: &str| s.lines().take(6).collect::<Vec<_>>().join("\n");
    assert_eq!(head(&g), head(&t));
}

/// `--bo-model all` fits the GP on every evaluation at every size; the default local model takes the
/// points nearest the best one only beyond 256 evaluations, so at smaller budgets the two campaigns
/// are the same, byte for byte. Beyond, they part.
#[test]
fn the_local_gp_changes_nothing_below_its_threshold() {
    let d = workdir();
    let evaluations = |budget: &str, model: &str| {
        succeeded(&campaign(
            d.path(),
            "CartPole-v0",
            &[
                "--budget",
                budget,
                "--spec",
                "upright",
                "--seed",
                "2",
                "--bo-model",
                model,
            ],
        ));
        std::fs::read(
            d.path()
                .join("Failure_Trajectories/CartPole-v0_actor_upright_bo_evaluations.csv"),
        )
        .unwrap()
    };
    assert_eq!(evaluations("40", "all"), evaluations("40", "local"));
    let (all, local) = (evaluations("270", "all"), evaluations("270", "local"));
    let lines = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    let (a, l) = (lines(&all), lines(&local));
    assert_eq!(a.lines().count(), 1 + 275);
    // The first 257 rows (the header and 256 evaluations) agree; the rest come from another model.
    let head = |s: &str, n| s.lines().take(n).collect::<Vec<_>>().join("\n");
    assert_eq!(head(&a, 258), head(&l, 258));
    assert_ne!(
        a, l,
        "beyond 256 evaluations the local model proposes other points"
    );
}

#[test]
fn several_runs_give_the_arch_comp_summary() {
    let d = workdir();
    let out = succeeded(&falsify(
        d.path(),
        &[
            "--falsify-method",
            "random",
            "--runs",
            "3",
            "--spec",
            "upright",
        ],
    ));
    assert!(
        out.contains("runs with a failure") && out.contains("median evals to first"),
        "{out}"
    );
}

#[test]
fn bad_requests_are_refused_before_any_campaign() {
    let d = workdir();
    let dir = d.path();
    let o = campaign(dir, "CartPole-v0", &["--budget", "0"]);
    assert_refused(&o, 1, "--budget 0");
    assert_refused(&falsify(dir, &["--runs", "0"]), 1, "--runs 0");
    assert_refused(
        &falsify(dir, &["--spec", "nope"]),
        1,
        "no specification of that name",
    );
    assert_refused(
        &falsify(dir, &["--params", "x,mass"]),
        1,
        "no perturbation parameter `mass`",
    );
    std::fs::write(
        dir.join("bad.yml"),
        "CartPole-v0:\n  broken: always(abs(x) <= \n",
    )
    .unwrap();
    let o = falsify(dir, &["--specs", "bad.yml", "--spec", "broken"]);
    assert_refused(&o, 1, "specification `broken` of CartPole-v0");
    assert!(stderr(&o).contains("at column"), "{}", stderr(&o));
    // A specification's name becomes part of file names: one that would lead out of the output
    // folders is refused when the file is read, before any campaign.
    for name in ["../../escaped", "a/b", ".hidden", "x..y"] {
        std::fs::write(
            dir.join("evil.yml"),
            format!("CartPole-v0:\n  \"{name}\": always(abs(x) <= 1)\n"),
        )
        .unwrap();
        let o = falsify(dir, &["--specs", "evil.yml", "--spec", name]);
        assert_refused(&o, 1, "names become part of file names");
    }
    assert!(!dir.join("escaped.csv").exists() && !dir.join("../escaped.csv").exists());
    std::fs::write(
        dir.join("empty.yml"),
        "CartPole-v0:\n  perturbations:\n    x: [0.1, 0.1]\n",
    )
    .unwrap();
    assert_refused(
        &falsify(
            dir,
            &[
                "--hyperparameters",
                "empty.yml",
                "--falsify-method",
                "random",
            ],
        ),
        1,
        "low < high",
    );
    std::fs::write(
        dir.join("inverted.yml"),
        "CartPole-v0:\n  perturbations:\n    x: [0.1, -0.1]\n",
    )
    .unwrap();
    assert_refused(
        &falsify(dir, &["--hyperparameters", "inverted.yml"]),
        1,
        "not a finite interval with low <= high",
    );
    let o = campaign(dir, "Pendulum-v1", &[]);
    assert_refused(&o, 1, "Pendulum-v1 needs 3 inputs");
    assert_refused(
        &falsify(dir, &["--bo-region", "local"]),
        2,
        "invalid value 'local' for '--bo-region <REGION>'",
    );
    assert_refused(
        &falsify(dir, &["--bo-model", "trust"]),
        2,
        "invalid value 'trust' for '--bo-model <MODEL>'",
    );
    // Nothing was written by any refused request.
    assert!(!dir.join("Failure_Trajectories").exists());
}

/// A specification whose robustness is not a finite number (a division by zero) stops the stage
/// before any file is written; so do hostile formulas (too deep) and YAML (too deeply nested), each
/// with its reason.
#[test]
fn specifications_without_a_finite_robustness_or_too_deep_write_nothing() {
    let d = workdir();
    let dir = d.path();
    std::fs::write(
        dir.join("s.yml"),
        format!(
            "CartPole-v0:\n  zero: always(x / 0 <= 1)\n  deep: \"{}abs(x) <= 1\"\n",
            "not ".repeat(200)
        ),
    )
    .unwrap();
    let o = falsify(
        dir,
        &[
            "--specs",
            "s.yml",
            "--spec",
            "zero",
            "--falsify-method",
            "random,bo",
        ],
    );
    assert_refused(&o, 1, "has robustness -inf on evaluation 0");
    assert!(stderr(&o).contains("No file was written"));
    let o = falsify(dir, &["--specs", "s.yml", "--spec", "deep"]);
    assert_refused(&o, 1, "nests more than 100 levels deep");
    std::fs::write(
        dir.join("flow.yml"),
        format!(
            "CartPole-v0:\n  x: {}1{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .unwrap();
    let o = falsify(dir, &["--specs", "flow.yml"]);
    assert_refused(&o, 1, "more than 64 nested `[` or `{`");
    assert!(!dir.join("Failure_Trajectories").exists());
    assert!(!dir.join("Graph").exists());
}

#[test]
fn campaigns_draw_convergence_and_scatter_figures() {
    let d = workdir();
    let dir = d.path();
    let out = succeeded(&falsify(
        dir,
        &[
            "--falsify-method",
            "bo,random",
            "--spec",
            "upright",
            "--runs",
            "2",
        ],
    ));
    let base = "CartPole-v0_actor_upright";
    for name in [
        format!("{base}_convergence.png"),
        format!("{base}_bo_scatter.png"),
        format!("{base}_random_scatter.png"),
    ] {
        let path = dir.join("Graph").join(&name);
        assert!(out.contains(&format!("wrote Graph/{name}")), "{out}");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap_or_else(|e| panic!("{name} is not a PNG: {e}"));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert!(info.width >= 600 && info.height >= 500, "{name}: {info:?}");
        // Not blank: the figure has ink.
        assert!(buf.iter().any(|&b| b < 100), "{name} is blank");
    }
    // Random testing searches no parameters: no scatter.
    assert!(!dir.join(format!("Graph/{base}_test_scatter.png")).exists());
    let names: Vec<String> = std::fs::read_dir(dir.join("Graph"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "only the figures, no temporary file: {names:?}"
    );
}

/// A full-budget BO campaign on Pendulum-v1 against an actor pruned at 0.3. Its acquisition surface
/// once kept argmin's More–Thuente line search going for ever (the campaign never returned); the
/// polish now stops after a bounded number of acquisition evaluations.
#[test]
fn a_full_budget_pendulum_campaign_finishes() {
    let dir = workdir_with("ppo_actorPendulum-v1.pth", "actor.pth");
    let out = succeeded(&campaign(
        dir.path(),
        "Pendulum-v1",
        &[
            "--prune",
            "--k",
            "0.3",
            "--episodes",
            "1",
            "--seed",
            "123456",
        ],
    ));
    let row = out
        .lines()
        .find(|l| l.starts_with("bo "))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "205", "{row}");
    assert!(cells[2].parse::<usize>().unwrap() > 0, "{row}");
}
