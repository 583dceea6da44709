//! `.npy` elite populations (Synaptolysis) against real NumPy 1.26 and 2.4: files `np.save` writes are
//! read value for value, ours load in both with `np.load(allow_pickle=True)`, and a member acts as the
//! authors' `PruneableAgent.get_action` computes. The NumPy side is tests/oracle/npy_oracle.py, run in
//! the virtual environments of tests/oracle/legacy_setup.sh.

mod common;
mod env_traces;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use synapt_safety::env::{Action, Space};
use synapt_safety::policy::npy::{
    actor_from_member, population_from_bytes, population_to_bytes, read_population,
    write_population, Matrix,
};
use synapt_safety::policy::{Actor, Head, Scratch};

use common::{oracle_script, output_ok};
use env_traces::legacy_pythons;

/// Both NumPy interpreters, with a label for messages.
fn numpys() -> [(&'static Path, &'static str); 2] {
    let (np1, np2) = legacy_pythons();
    [(np1.as_path(), "NumPy 1.26"), (np2.as_path(), "NumPy 2.4")]
}

fn oracle(python: &Path, args: &[&str]) -> Vec<u8> {
    output_ok(
        Command::new(python)
            .arg(oracle_script("npy_oracle.py"))
            .args(args),
        "failed to start the NumPy oracle",
        &format!("npy_oracle.py {args:?} failed"),
    )
    .stdout
}

fn oracle_json(python: &Path, args: &[&str]) -> Value {
    serde_json::from_slice(&oracle(python, args)).expect("the oracle printed invalid JSON")
}

fn unhex(s: &str) -> Vec<f64> {
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// The population the oracle describes, as matrices.
fn population(v: &Value) -> Vec<Vec<Matrix>> {
    v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m.as_array()
                .unwrap()
                .iter()
                .map(|w| Matrix {
                    rows: w["rows"].as_u64().unwrap() as usize,
                    cols: w["cols"].as_u64().unwrap() as usize,
                    data: unhex(w["bits"].as_str().unwrap()),
                })
                .collect()
        })
        .collect()
}

/// Bit-for-bit equality (NaN and -0.0 included).
fn assert_same(got: &[Vec<Matrix>], want: &[Vec<Matrix>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: members");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{what}: layers of member {k}");
        for (l, (g, w)) in g.iter().zip(w).enumerate() {
            assert_eq!(
                (g.rows, g.cols),
                (w.rows, w.cols),
                "{what}: member {k} layer {l}"
            );
            let bits = |m: &Matrix| m.data.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(g), bits(w), "{what}: member {k} layer {l}");
        }
    }
}

#[test]
fn files_numpy_saves_are_read_exactly() {
    for (python, label) in numpys() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let saved = oracle_json(python, &["save", d]);
        let files = saved["files"].as_object().unwrap();
        assert_eq!(files.len(), 8, "{label}");
        for (name, described) in files {
            let path = dir.path().join(name);
            let got = read_population(&path).unwrap_or_else(|e| panic!("{label} {name}: {e}"));
            assert_same(&got, &population(described), &format!("{label} {name}"));
        }

        // What each NumPy writes: protocol 3 and numpy.core (1.x), protocol 4 and numpy._core (2.x).
        let masks = std::fs::read(dir.path().join("masks.npy")).unwrap();
        let body = &masks[128..];
        let has = |s: &[u8]| body.windows(s.len()).any(|w| w == s);
        if label == "NumPy 1.26" {
            assert_eq!(body[..2], [0x80, 3], "{label}");
            assert!(has(b"cnumpy.core.multiarray\n_reconstruct\n"), "{label}");
        } else {
            assert_eq!(body[..2], [0x80, 4], "{label}");
            assert!(has(b"\x8c\x16numpy._core.multiarray"), "{label}");
        }
        let pop = read_population(&dir.path().join("masks.npy")).unwrap();
        assert_eq!(pop.len(), 33, "{label}");
        assert!(pop.iter().all(|m| m.len() == 2
            && (m[0].rows, m[0].cols, m[1].rows, m[1].cols) == (5, 32, 32, 1)
            && m.iter()
                .all(|w| w.data.iter().all(|&v| v == 0.0 || v == 1.0))));
        // Members 0 and 1 are one pickled object referenced twice.
        assert_eq!(pop[0], pop[1], "{label}");
        let dtypes: Vec<&str> = files["mixed.npy"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| {
                m.as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w["dtype"].as_str().unwrap())
            })
            .collect();
        // The big-endian matrix is pickled big-endian (state '>'); np.load swaps it to native order.
        assert_eq!(dtypes, ["|b1", "<i8", "<f8", "|u1"], "{label}");
        let mixed = std::fs::read(dir.path().join("mixed.npy")).unwrap();
        assert!(
            mixed.windows(6).any(|w| w == b"X\x01\0\0\0>")
                || mixed.windows(3).any(|w| w == b"\x8c\x01>"),
            "{label}"
        );
        assert_eq!(files["fortran.npy"]["fortran"], true, "{label}");
        assert_eq!(
            files["ragged.npy"]["shape"],
            serde_json::json!([2]),
            "{label}"
        );
        assert_eq!(files["numeric.npy"]["dtype"], "float64", "{label}");
        assert_eq!(
            files["float32.npy"]["members"][0][0]["dtype"], "<f4",
            "{label}"
        );
        let proto5 = std::fs::read(dir.path().join("proto5.npy")).unwrap();
        assert!(proto5.windows(11).any(|w| w == b"_frombuffer"), "{label}");

        // Corrupted copies are errors or populations, never a panic.
        for name in ["float32.npy", "ragged.npy", "proto5.npy"] {
            let full = std::fs::read(dir.path().join(name)).unwrap();
            for i in 0..full.len() {
                for v in [0x00, 0xff, 0x93, 0x94, b'b', b'R'] {
                    let mut b = full.clone();
                    b[i] = v;
                    let _ = population_from_bytes(&b);
                }
            }
        }
    }
}

/// Deterministic values: 0/1 masks, or real weights with awkward values among them.
fn sample_population(members: usize, sizes: &[usize], masks: bool, seed: u64) -> Vec<Vec<Matrix>> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let awkward = [-0.0, 5e-324, 1e300, -3.25, f64::NAN, f64::INFINITY];
    (0..members)
        .map(|_| {
            sizes
                .windows(2)
                .map(|w| {
                    let data = (0..w[0] * w[1])
                        .map(|i| {
                            let u = next();
                            if masks {
                                (u > 0.3) as u8 as f64
                            } else if i < awkward.len() && u < 0.2 {
                                awkward[i]
                            } else {
                                (u - 0.5) * 4.0
                            }
                        })
                        .collect();
                    Matrix {
                        rows: w[0],
                        cols: w[1],
                        data,
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn files_we_write_load_in_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("masks.npy", sample_population(33, &[5, 32, 1], true, 1)),
        ("weights.npy", sample_population(33, &[5, 32, 1], false, 2)),
        ("deep.npy", sample_population(3, &[8, 300, 16, 2], false, 3)),
        // 1200 elements: the list goes in two batches of APPENDS, as CPython batches by 1000.
        ("many.npy", sample_population(600, &[2, 3, 1], false, 4)),
        ("one.npy", sample_population(1, &[3, 1], false, 5)),
    ];
    for (name, pop) in &cases {
        let path = dir.path().join(name);
        write_population(&path, pop).unwrap();
        assert_same(&read_population(&path).unwrap(), pop, name);
        for (python, label) in numpys() {
            let loaded = oracle_json(python, &["load", path.to_str().unwrap()]);
            let what = format!("{label} {name}");
            assert_eq!(loaded["dtype"], "object", "{what}");
            assert_eq!(
                loaded["shape"],
                serde_json::json!([pop.len(), pop[0].len()]),
                "{what}"
            );
            assert!(
                loaded["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|m| m.as_array().unwrap())
                    .all(|w| w["dtype"] == "<f8"),
                "{what}"
            );
            assert_same(&population(&loaded), pop, &what);
        }
        // NumPy 1.26's np.save of what it loaded is our file, byte for byte.
        let again = dir.path().join(format!("resaved_{name}"));
        let (np1, _) = legacy_pythons();
        oracle(
            np1,
            &["resave", path.to_str().unwrap(), again.to_str().unwrap()],
        );
        assert_eq!(
            std::fs::read(&again).unwrap(),
            population_to_bytes(pop).unwrap(),
            "{name}: NumPy 1.26 writes other bytes"
        );
    }
}

#[test]
fn a_member_acts_as_the_authors_agent_does() {
    let dir = tempfile::tempdir().unwrap();
    let (np1, _) = legacy_pythons();
    oracle(np1, &["save", dir.path().to_str().unwrap()]);
    let obs: Vec<Vec<f64>> = (0..20)
        .map(|i| {
            (0..5)
                .map(|j| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0)
                .collect()
        })
        .collect();
    let obs_json = serde_json::to_string(&obs).unwrap();
    // Our copy of cma.npy, read as the authors' code reads a population (np.load, pop[k][i]).
    let cma = read_population(&dir.path().join("cma.npy")).unwrap();
    write_population(&dir.path().join("ours.npy"), &cma).unwrap();
    for (file, k) in [
        ("masks.npy", 3usize),
        ("cma.npy", 5),
        ("fortran.npy", 2),
        ("ours.npy", 7),
    ] {
        let path = dir.path().join(file);
        let member = &read_population(&path).unwrap()[k];
        let actor = actor_from_member(member, &path).unwrap();
        assert_eq!(actor, Actor::load_elite(&path, Some(k), None).unwrap());
        let want = oracle_json(
            np1,
            &[
                "act",
                path.to_str().unwrap(),
                &k.to_string(),
                "0",
                &obs_json,
            ],
        );
        for (o, w) in obs.iter().zip(want.as_array().unwrap()) {
            let got = actor.forward(o);
            let w = common::json_f64s(w);
            assert_eq!(got.len(), w.len(), "{file}");
            for (g, w) in got.iter().zip(&w) {
                assert!((g - w).abs() < 1e-12, "{file} member {k}: {g} vs {w}");
            }
        }
    }
    // Discrete actions: sigmoid → softmax → argmax is the argmax of the last layer.
    let path = dir.path().join("fortran.npy");
    let three = Space::Discrete { n: 3 };
    let actor = Actor::load_elite(&path, Some(1), Some(&three)).unwrap();
    assert_eq!(actor.head, Head::Argmax);
    let want = oracle_json(np1, &["act", path.to_str().unwrap(), "1", "1", &obs_json]);
    let mut s = Scratch::default();
    for (o, w) in obs.iter().zip(want.as_array().unwrap()) {
        let got = actor.act_with(o, &three, &mut s);
        assert_eq!(got, Action::Discrete(w.as_u64().unwrap() as usize));
    }
}
