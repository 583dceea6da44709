//! `--actor ELITES.npy --elite K` through the binary: a member of an elite population NumPy saved
//! (tests/oracle/npy_oracle.py) tests as the same member written as a `.pth` actor does, prunes into a
//! `.pth` named after the member, and bad files are refused with the file and the problem named, exit
//! non-zero, no panic, nothing written.

mod common;
mod env_traces;

use std::path::Path;
use std::process::Command;

use synapt_safety::env::{EnvOptions, Space};
use synapt_safety::policy::npy::{actor_from_member, read_population, write_population, Matrix};
use synapt_safety::policy::{Actor, Head};
use synapt_safety::prune::{self, Method};
use synapt_safety::rollout;

use common::{
    assert_ok, assert_refused, csv_column, file_names, oracle_script, output_ok, run_bin,
};
use env_traces::legacy_pythons;

const SWINGUP: &str = "InvertedPendulumSwingupLongRailBulletEnv-v0";

/// A directory holding the oracle's fixtures, saved by NumPy 1.26's np.save.
fn numpy_fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    output_ok(
        Command::new(&legacy_pythons().0)
            .arg(oracle_script("npy_oracle.py"))
            .arg("save")
            .arg(dir.path()),
        "failed to start the NumPy oracle",
        "npy_oracle.py save failed",
    );
    dir
}

/// Run the binary in `dir`; the per-episode returns of `--test --csv`.
fn test_returns(dir: &Path, env_id: &str, actor: &str, elite: Option<usize>) -> Vec<f64> {
    let k = elite.map(|k| k.to_string());
    let mut args = vec![
        "--env",
        env_id,
        "--actor",
        actor,
        "--test",
        "--episodes",
        "3",
    ];
    args.extend(["--csv", "returns.csv"]);
    if let Some(k) = &k {
        args.extend(["--elite", k]);
    }
    let out = run_bin(dir, &args);
    assert_ok(&out);
    let label = if actor.ends_with(".npy") {
        format!("{actor}[{}]", elite.unwrap_or(0))
    } else {
        actor.to_string()
    };
    assert!(
        common::stdout(&out).contains(&label),
        "{}",
        common::stdout(&out)
    );
    csv_column(
        &std::fs::read_to_string(dir.join("returns.csv")).unwrap(),
        2,
    )
}

#[test]
fn a_member_tests_as_its_pth_does() {
    let fx = numpy_fixtures();
    let d = fx.path();
    let mut by_member = Vec::new();
    for (file, k) in [("cma.npy", 1usize), ("masks.npy", 2), ("cma.npy", 0)] {
        let got = test_returns(d, SWINGUP, file, Some(k));
        // The same member as a .pth actor, with its architecture file (tanh, no biases, tanh head).
        let path = d.join(file);
        let member = &read_population(&path).unwrap()[k];
        let actor = actor_from_member(member, &path).unwrap();
        let pth = d.join(format!("member{k}.pth"));
        actor.save(&pth).unwrap();
        assert!(d.join(format!("member{k}.arch.json")).is_file());
        assert_eq!(
            got,
            test_returns(d, SWINGUP, pth.to_str().unwrap(), None),
            "{file}"
        );
        // And as the library evaluates it.
        let lib: Vec<f64> = rollout::evaluate_with(SWINGUP, EnvOptions::default(), &actor, 3, 0)
            .unwrap()
            .iter()
            .map(|e| e.ret)
            .collect();
        assert_eq!(got, lib, "{file}");
        by_member.push(got);
    }
    // The index matters, and member 0 is the default.
    assert_ne!(by_member[0], by_member[2]);
    assert_eq!(test_returns(d, SWINGUP, "cma.npy", None), by_member[2]);
}

#[test]
fn discrete_actions_take_the_argmax() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut state = 12345u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let mut matrix = |rows, cols| Matrix {
        rows,
        cols,
        data: (0..rows * cols).map(|_| next()).collect(),
    };
    let pop: Vec<Vec<Matrix>> = (0..3).map(|_| vec![matrix(4, 16), matrix(16, 2)]).collect();
    let path = d.join("cartpole.npy");
    write_population(&path, &pop).unwrap();
    let got = test_returns(d, "CartPole-v1", "cartpole.npy", Some(2));
    let discrete = Space::Discrete { n: 2 };
    let actor = Actor::load_elite(&path, Some(2), Some(&discrete)).unwrap();
    assert_eq!(actor.head, Head::Argmax);
    actor.save(&d.join("member2.pth")).unwrap();
    assert_eq!(got, test_returns(d, "CartPole-v1", "member2.pth", None));
    let lib: Vec<f64> = rollout::evaluate_with("CartPole-v1", EnvOptions::default(), &actor, 3, 0)
        .unwrap()
        .iter()
        .map(|e| e.ret)
        .collect();
    assert_eq!(got, lib);
}

#[test]
fn pruning_a_member_writes_a_pth_named_after_it() {
    let fx = numpy_fixtures();
    let d = fx.path();
    let before = std::fs::read(d.join("cma.npy")).unwrap();
    let out = run_bin(
        d,
        &[
            "--env",
            SWINGUP,
            "--actor",
            "cma.npy",
            "--elite",
            "3",
            "--prune",
            "--prune-method",
            "magnitude",
            "--k",
            "0.4",
            "--episodes",
            "2",
        ],
    );
    assert_ok(&out);
    let text = common::stdout(&out);
    assert!(
        text.contains("pruned cma.npy[3] → cma_elite3_0.4_magnitude.pth"),
        "{text}"
    );
    let pruned = Actor::load(&d.join("cma_elite3_0.4_magnitude.pth")).unwrap();
    assert!(d.join("cma_elite3_0.4_magnitude.arch.json").is_file());
    let dense = Actor::load_elite(&d.join("cma.npy"), Some(3), None).unwrap();
    assert_eq!(
        pruned,
        prune::prune(&dense, Method::Magnitude, 0.4, 0).unwrap()
    );
    assert_eq!(
        std::fs::read(d.join("cma.npy")).unwrap(),
        before,
        "the input was modified"
    );
    // PruVer's rule and name, without evaluation.
    let out = run_bin(
        d,
        &[
            "--env",
            SWINGUP,
            "--actor",
            "masks.npy",
            "--elite",
            "4",
            "--prune",
            "--episodes",
            "0",
        ],
    );
    assert_ok(&out);
    assert!(d.join("masks_elite4_0.7.pth").is_file());
    assert!(d.join("masks_elite4_0.7.arch.json").is_file());
}

/// A `.npy` with the header of a (1, 1) object array and `pickle` after it.
fn crafted(pickle: &[u8]) -> Vec<u8> {
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    let mut h = "{'descr': '|O', 'fortran_order': False, 'shape': (1, 1), }".to_string();
    while (10 + h.len() + 1) % 64 != 0 {
        h.push(' ');
    }
    h.push('\n');
    b.extend_from_slice(&(h.len() as u16).to_le_bytes());
    b.extend_from_slice(h.as_bytes());
    b.extend_from_slice(pickle);
    b
}

#[test]
fn bad_elite_files_are_refused_with_nothing_written() {
    let fx = numpy_fixtures();
    let d = fx.path();
    // 4-input matrices for the 5-d observations of the swing-up.
    let four = vec![vec![
        Matrix {
            rows: 4,
            cols: 32,
            data: vec![0.5; 128],
        },
        Matrix {
            rows: 32,
            cols: 1,
            data: vec![0.5; 32],
        },
    ]];
    write_population(&d.join("four.npy"), &four).unwrap();
    // Layers that do not chain.
    let broken = vec![vec![
        Matrix {
            rows: 5,
            cols: 32,
            data: vec![0.5; 160],
        },
        Matrix {
            rows: 16,
            cols: 1,
            data: vec![0.5; 16],
        },
    ]];
    write_population(&d.join("broken.npy"), &broken).unwrap();
    // os.system('touch PWNED'), by GLOBAL and by STACK_GLOBAL: refused, never run.
    let touch = d.join("PWNED");
    let cmd = format!("touch {}", touch.display());
    let mut p = b"\x80\x03cos\nsystem\nX".to_vec();
    p.extend_from_slice(&(cmd.len() as u32).to_le_bytes());
    p.extend_from_slice(cmd.as_bytes());
    p.extend_from_slice(b"\x85R.");
    std::fs::write(d.join("system.npy"), crafted(&p)).unwrap();
    let mut p = b"\x80\x04\x8c\x02os\x8c\x06system\x93X".to_vec();
    p.extend_from_slice(&(cmd.len() as u32).to_le_bytes());
    p.extend_from_slice(cmd.as_bytes());
    p.extend_from_slice(b"\x85R.");
    std::fs::write(d.join("stack_global.npy"), crafted(&p)).unwrap();
    // Half of a real file.
    let masks = std::fs::read(d.join("masks.npy")).unwrap();
    std::fs::write(d.join("truncated.npy"), &masks[..masks.len() / 2]).unwrap();
    // A plain float array: one matrix, not a population.
    output_ok(
        Command::new(&legacy_pythons().0).args([
            "-c",
            "import numpy as np, sys; np.save(sys.argv[1], np.ones((5, 32)))",
            d.join("plain.npy").to_str().unwrap(),
        ]),
        "failed to start NumPy",
        "np.save failed",
    );
    let cases: &[(&str, &[&str], i32, &[&str])] = &[
        (
            "four.npy",
            &[],
            1,
            &["four.npy", "maps 4 inputs", "needs 5 inputs"],
        ),
        (
            "broken.npy",
            &[],
            1,
            &["broken.npy", "elite 0", "layer2", "do not chain"],
        ),
        (
            "masks.npy",
            &["--elite", "33"],
            2,
            &["masks.npy", "--elite 33 is out of range", "33 members"],
        ),
        (
            "system.npy",
            &[],
            1,
            &["system.npy", "`os.system`", "refusing"],
        ),
        (
            "stack_global.npy",
            &[],
            1,
            &["stack_global.npy", "`os.system`", "refusing"],
        ),
        ("truncated.npy", &[], 1, &["truncated.npy", "truncated"]),
        (
            "plain.npy",
            &[],
            1,
            &[
                "plain.npy",
                "plain float64 array of shape (5, 32)",
                "not an elite population",
            ],
        ),
    ];
    let listing = file_names(d);
    for (file, extra, code, needles) in cases {
        for stage in ["--test", "--prune"] {
            let mut args = vec!["--env", SWINGUP, "--actor", file, stage, "--episodes", "2"];
            args.extend_from_slice(extra);
            let out = run_bin(d, &args);
            for needle in *needles {
                assert_refused(&out, *code, needle);
            }
            assert_eq!(file_names(d), listing, "{file} {stage} wrote a file");
        }
    }
    assert!(!touch.exists(), "the pickle ran os.system");
    // --elite with a .pth actor, and --train writing a .pth over a .npy.
    let out = run_bin(
        d,
        &[
            "--env", SWINGUP, "--actor", "x.pth", "--elite", "1", "--test",
        ],
    );
    assert_refused(
        &out,
        2,
        "--elite 1 chooses a member of a .npy elite population",
    );
    let out = run_bin(
        d,
        &["--env", "CartPole-v1", "--actor", "masks.npy", "--train"],
    );
    assert_refused(&out, 2, "writes a .pth actor");
    assert_eq!(file_names(d), listing);
}

#[test]
fn every_stage_takes_a_member() {
    let fx = numpy_fixtures();
    let d = fx.path();
    let out = run_bin(
        d,
        &[
            "--env",
            SWINGUP,
            "--actor",
            "cma.npy",
            "--elite",
            "1",
            "--prune",
            "--prune-method",
            "magnitude",
            "--k",
            "0.3",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "3",
            "--init-points",
            "2",
            "--refine",
            "--visualize",
            "--episodes",
            "2",
        ],
    );
    assert_ok(&out);
    let text = common::stdout(&out);
    assert!(
        text.contains("pruned cma.npy[1] → cma_elite1_0.3_magnitude.pth"),
        "{text}"
    );
    assert!(text.contains("toward cma.npy[1]"), "{text}");
    let failures = format!("{SWINGUP}_cma_elite1_0.3_magnitude_upright_at_end_random.csv");
    assert!(file_names(&d.join("Failure_Trajectories")).contains(&failures));
    let graph = file_names(&d.join("Graph"));
    for f in [
        "cma_elite1_layer1_heatmap.png",
        "cma_elite1_0.3_magnitude_layer1_mask.png",
    ] {
        assert!(graph.contains(&f.to_string()), "{f} not in {graph:?}");
    }
    // --falsify of the member itself names its files after it.
    let out = run_bin(
        d,
        &[
            "--env",
            SWINGUP,
            "--actor",
            "cma.npy",
            "--elite",
            "2",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "3",
            "--init-points",
            "2",
        ],
    );
    assert_ok(&out);
    assert!(common::stdout(&out).contains("falsifying cma.npy[2]"));
    let failures = format!("{SWINGUP}_cma_elite2_upright_at_end_random.csv");
    assert!(file_names(&d.join("Failure_Trajectories")).contains(&failures));
}
