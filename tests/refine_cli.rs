//! `--refine` from the command line: the weights it restores are the ones PruVer's algorithm restores
//! in PyTorch + Gymnasium on the same inputs, every failure is fixed, PyTorch loads the result, the
//! falsify → refine loop closes, and every bad input is refused with a clear message and no file.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{
    assert_ok, assert_refused, json_u64s, run_bin, run_oracle, stderr, stdout, workdir_with,
};
use synapt_safety::policy::Actor;

const DENSE: &str = "Policies/ppo_actorCartPole-v0.pth";
const PRUNED: &str = "Policies/ppo_actorCartPole-v0_0.78.pth";
const REFINED: &str = "Policies/ppo_actor_refinedCartPole-v0.pth";
const FAILURES: &str =
    "Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_random.csv";

/// A directory with the shipped PPO CartPole-v0 actor, pruned at k = 0.78 (it then tips the pole past
/// 0.2 rad from part of the ±0.05 box), and the failures of a small random campaign against `upright`.
fn workdir() -> tempfile::TempDir {
    let dir = workdir_with("ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let o = run_on(
        dir.path(),
        "CartPole-v0",
        DENSE,
        &[
            "--prune",
            "--k",
            "0.78",
            "--episodes",
            "2",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "6",
            "--spec",
            "upright",
        ],
    );
    assert_ok(&o);
    assert!(dir.path().join(FAILURES).exists());
    dir
}

/// The stages and settings `flags` for `actor` on `env`.
fn run_on(dir: &Path, env: &str, actor: &str, flags: &[&str]) -> Output {
    run_bin(dir, &[flags, &["--env", env, "--actor", actor]].concat())
}

fn refine(dir: &Path, extra: &[&str]) -> Output {
    // PruVer's strategy: these tests hold it to the PyTorch oracle of PruVer's algorithm.
    let flags = [
        "--refine",
        "--pruned",
        PRUNED,
        "--episodes",
        "10",
        "--refine-strategy",
        "pruver",
    ];
    run_on(dir, "CartPole-v0", DENSE, &[&flags[..], extra].concat())
}

fn p(dir: &Path, rel: &str) -> PathBuf {
    dir.join(rel)
}

/// Exactly the weights PruVer's algorithm restores in PyTorch, each with its dense value; every weight
/// the pruned actor kept is untouched.
fn assert_restores_as_oracle(dir: &Path, oracle: &serde_json::Value) {
    let dense = Actor::load(&p(dir, DENSE)).unwrap();
    let pruned = Actor::load(&p(dir, PRUNED)).unwrap();
    let refined = Actor::load(&p(dir, REFINED)).unwrap();
    for (l, ((dl, pl), rl)) in dense
        .layers
        .iter()
        .zip(&pruned.layers)
        .zip(&refined.layers)
        .enumerate()
    {
        let restored: Vec<u64> = (0..pl.weight.len())
            .filter(|&i| pl.weight[i] == 0.0 && rl.weight[i] != 0.0)
            .map(|i| i as u64)
            .collect();
        let expected = json_u64s(&oracle["restored"][l]);
        assert_eq!(restored, expected, "layer{}", l + 1);
        for i in 0..pl.weight.len() {
            if pl.weight[i] != 0.0 {
                assert_eq!(rl.weight[i].to_bits(), pl.weight[i].to_bits());
            } else if rl.weight[i] != 0.0 {
                assert_eq!(rl.weight[i].to_bits(), dl.weight[i].to_bits());
            }
        }
        assert_eq!(rl.bias, pl.bias);
    }
}

fn oracle(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "--env".to_string(),
        "CartPole-v0".into(),
        "--dense".into(),
        p(dir, DENSE).to_str().unwrap().into(),
        "--pruned".into(),
        p(dir, PRUNED).to_str().unwrap().into(),
        "--failures".into(),
        p(dir, FAILURES).to_str().unwrap().into(),
        "--spec-var".into(),
        "theta".into(),
        "--spec-bound".into(),
        "0.2".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    serde_json::from_str(&run_oracle("refine_oracle.py", &args)).unwrap()
}

#[test]
fn refinement_restores_what_pytorch_restores_and_fixes_every_failure() {
    let d = workdir();
    let dir = d.path();
    let o = refine(dir, &["--failures", FAILURES]);
    assert_ok(&o);
    let out = stdout(&o);
    let oracle = oracle(dir, &[]);
    let n = oracle["failures"].as_u64().unwrap();
    assert!(n >= 2, "the campaign should find failures: {oracle}");
    assert_eq!(oracle["fixed"], oracle["failures"], "{oracle}");
    assert!(out.contains(&format!("{n}/{n}")), "{out}");
    // The same points of no return as the step-by-step Python search (listed when there are few).
    assert!(n <= 12, "{oracle}");
    for (i, j) in oracle["no_return"].as_array().unwrap().iter().enumerate() {
        let want = match j.as_u64() {
            Some(j) => format!("{i}: j = {j}"),
            None => format!("{i}: never"),
        };
        assert!(out.contains(&want), "expected `{want}` in {out}");
    }
    assert!(out.contains("actor    sparsity  mean return"), "{out}");

    assert_restores_as_oracle(dir, &oracle);
    let total: u64 = json_u64s(&oracle["restored_counts"]).iter().sum();
    assert!(total > 0);

    // PyTorch loads it into PruVer's actor (strict).
    run_oracle(
        "pth_oracle.py",
        &[
            "load-actor",
            p(dir, REFINED).to_str().unwrap(),
            "--obs",
            "4",
            "--act",
            "2",
            "--width",
            "128",
            "--discrete",
        ],
    );

    // The same inputs give the same bytes.
    let first = std::fs::read(p(dir, REFINED)).unwrap();
    std::fs::remove_file(p(dir, REFINED)).unwrap();
    assert_ok(&refine(dir, &["--failures", FAILURES]));
    assert_eq!(first, std::fs::read(p(dir, REFINED)).unwrap());
}

/// --refine-max-failures 1 refines against the first of the failures only, as the oracle does with
/// --max-failures 1, and checks the others against the refined actor.
#[test]
fn a_cap_refines_against_evenly_spaced_failures_as_pytorch_does() {
    let d = workdir();
    let dir = d.path();
    let o = refine(dir, &["--failures", FAILURES, "--refine-max-failures", "1"]);
    assert_ok(&o);
    let out = stdout(&o);
    let all = oracle(dir, &[]);
    let capped = oracle(dir, &["--max-failures", "1"]);
    let n = all["failures"].as_u64().unwrap();
    assert!(n >= 2, "{all}");
    assert_eq!(capped["failures"], 1, "{capped}");
    assert!(
        out.contains(&format!(
            "refining against 1 of the {n} failures the dense actor passes"
        )),
        "{out}"
    );
    assert!(out.contains("held-out failures"), "{out}");
    // Progress goes to stderr as the steps run.
    let err = stderr(&o);
    assert!(err.contains("refine: recovery states found in"), "{err}");
    assert!(err.contains("refine: p 0.95 layer1:"), "{err}");
    assert_restores_as_oracle(dir, &capped);
}

#[test]
fn refine_then_falsify_closes_the_loop() {
    let d = workdir();
    let dir = d.path();
    let o = refine(
        dir,
        &[
            "--falsify",
            "--spec",
            "upright",
            "--falsify-method",
            "bo,random",
            "--budget",
            "15",
            "--refine-rounds",
            "2",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    // The campaign against the pruned actor, then round 1's campaign against the refined one.
    assert!(
        out.contains("falsifying Policies/ppo_actorCartPole-v0_0.78.pth"),
        "{out}"
    );
    assert!(out.contains("re-falsifying the refined actor"), "{out}");
    assert!(p(
        dir,
        "Failure_Trajectories/CartPole-v0_ppo_actor_refinedCartPole-v0_upright_bo_round1.csv"
    )
    .exists());
    // The rounds table: failures found against the refined actor are no more than against the pruned.
    let pruned_failures: usize = out
        .lines()
        .filter(|l| l.starts_with("bo ") || l.starts_with("random "))
        .take(2)
        .map(|l| {
            l.split_whitespace()
                .nth(2)
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    let round1 = out
        .lines()
        .skip_while(|l| !l.starts_with("round  failures"))
        .nth(2)
        .unwrap_or_else(|| panic!("no rounds table: {out}"));
    let cells: Vec<&str> = round1.split_whitespace().collect();
    assert_eq!(cells[0], "1", "{round1}");
    let found_after: usize = cells.last().unwrap().parse().unwrap();
    assert!(pruned_failures > 0, "{out}");
    assert!(found_after <= pruned_failures, "{out}");
    assert!(p(dir, REFINED).exists());
}

#[test]
fn bad_inputs_are_refused_without_writing_an_actor() {
    let d = workdir();
    let dir = d.path();

    // No failures in the file: nothing to refine, exit 0, nothing written.
    let o = run_on(
        dir,
        "CartPole-v0",
        DENSE,
        &[
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "2",
            "--spec",
            "position",
        ],
    );
    assert_ok(&o);
    let empty = "Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_position_random.csv";
    let o = refine(dir, &["--failures", empty]);
    assert_ok(&o);
    assert!(stdout(&o).contains("nothing to refine"), "{}", stdout(&o));
    assert!(!p(dir, REFINED).exists());

    // A cap of 0, and a cap without --refine.
    assert_refused(
        &refine(dir, &["--failures", FAILURES, "--refine-max-failures", "0"]),
        2,
        "--refine-max-failures",
    );
    assert_refused(
        &run_on(
            dir,
            "CartPole-v0",
            DENSE,
            &["--test", "--refine-max-failures", "5"],
        ),
        2,
        "--refine-max-failures applies to --refine",
    );
    assert!(!p(dir, REFINED).exists());

    // Dense and pruned of different shapes (neuron pruning removes units).
    let o = run_on(
        dir,
        "CartPole-v0",
        DENSE,
        &[
            "--prune",
            "--prune-method",
            "neuron",
            "--k",
            "0.5",
            "--episodes",
            "1",
        ],
    );
    assert_ok(&o);
    let neuron = [
        "--refine",
        "--failures",
        FAILURES,
        "--pruned",
        "Policies/ppo_actorCartPole-v0_0.5_neuron.pth",
    ];
    assert_refused(
        &run_on(dir, "CartPole-v0", DENSE, &neuron),
        1,
        "must have the same layers",
    );

    // Failures recorded on another environment.
    let foreign = std::fs::read_to_string(p(dir, FAILURES))
        .unwrap()
        .replace("CartPole-v0,", "CartPole-v1,");
    std::fs::write(p(dir, "foreign.csv"), foreign).unwrap();
    assert_refused(
        &refine(dir, &["--failures", "foreign.csv"]),
        1,
        "records failures of CartPole-v1, not of CartPole-v0",
    );

    // A replay that does not reproduce its record: one reward edited.
    let text = std::fs::read_to_string(p(dir, FAILURES)).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = lines
        .iter()
        .position(|l| l.ends_with(",1.0"))
        .expect("a row with reward 1.0");
    lines[row] = format!("{}{}", lines[row].strip_suffix(",1.0").unwrap(), ",1.5");
    std::fs::write(p(dir, "edited.csv"), lines.join("\n") + "\n").unwrap();
    assert_refused(
        &refine(dir, &["--failures", "edited.csv"]),
        1,
        "do not replay as recorded",
    );
    assert!(stderr(&refine(dir, &["--failures", "edited.csv"])).contains("failure 0"));

    // A truncated file.
    std::fs::write(p(dir, "cut.csv"), &text[..text.len() / 2]).unwrap();
    assert_refused(&refine(dir, &["--failures", "cut.csv"]), 1, "truncated");

    // Writing over the dense or the pruned actor.
    assert_refused(
        &refine(dir, &["--failures", FAILURES, "--refined", PRUNED]),
        2,
        "a command never writes over what it reads",
    );
    assert!(!p(dir, REFINED).exists());
}

/// Pendulum-v1's dense actor is not safe everywhere (a few starts never swing up), so campaigns against
/// the refined actor find failures of the dense actor too: those are set aside, said, and the rounds go
/// on until --refine-rounds.
#[test]
fn rounds_set_aside_failures_the_dense_actor_has_too() {
    let dir = workdir_with("ppo_actorPendulum-v1.pth", "ppo_actorPendulum-v1.pth");
    let d = dir.path();
    let dense = "Policies/ppo_actorPendulum-v1.pth";
    let o = run_on(
        d,
        "Pendulum-v1",
        dense,
        &[
            "--prune",
            "--k",
            "0.5",
            "--falsify",
            "--refine",
            "--falsify-method",
            "random",
            "--budget",
            "10",
            "--refine-rounds",
            "3",
            "--episodes",
            "5",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("fail for the dense actor too"), "{out}");
    let rounds: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("round  failures"))
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rounds.len(), 3, "{out}");
    assert!(rounds[1].contains("dense fails)"), "{out}");
    // Every round fixes every failure the dense actor passes.
    for r in &rounds {
        let cells: Vec<&str> = r.split_whitespace().collect();
        let fixed = cells.iter().find(|c| c.contains('/')).unwrap();
        let (a, b) = fixed.split_once('/').unwrap();
        assert_eq!(a, b, "{r}");
    }
    assert!(d.join("Policies/ppo_actor_refinedPendulum-v1.pth").exists());
}
