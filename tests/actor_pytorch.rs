//! Actors beyond PruVer's layout (every activation, every head, bias-free layers, masks) written here
//! load in real PyTorch with the module docs/actors.md documents, and compute what our forward pass
//! computes; the CLI runs them; broken architecture files are refused with a clear message.

mod common;

use std::path::Path;

use common::{assert_ok, run_bin, stderr, stdout};
use synapt_safety::env::rng::NpRng;
use synapt_safety::policy::{arch, Activation, Actor, Dtype, Head, Mask};
use synapt_safety::train::net::{init_actor, Init};

fn actor(sizes: &[usize], seed: u64) -> Actor {
    init_actor(sizes, Init::TorchDefault, &mut NpRng::from_seed(seed))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every activation and head, biases dropped in some layers, a mask, f32 and f64: PyTorch's outputs
/// through the documented module equal ours.
#[test]
fn pytorch_loads_every_kind_of_actor_we_write() {
    let dir = tempfile::tempdir().unwrap();
    let acts: Vec<Activation> = Activation::EVERY_KIND
        .into_iter()
        .chain([Activation::Elu { alpha: 1.0 }])
        .collect();
    let heads = Head::every_kind(2);
    let mut actors: Vec<(String, Actor)> = Vec::new();
    for (i, act) in acts.iter().enumerate() {
        for (j, head) in heads.iter().enumerate() {
            let mut a = actor(&[4, 12, 8, 2], (10 * i + j) as u64);
            a.activations = vec![*act, acts[(i + 1) % acts.len()]];
            a.head = head.clone();
            if (i + j) % 2 == 0 {
                a.layers[1].bias = None;
            }
            if j == 0 {
                a.dtype = Dtype::F64;
            }
            actors.push((format!("a{i}_{j}.pth"), a));
        }
    }
    // A masked actor: a checkerboard over every layer.
    let dense = actor(&[4, 12, 8, 2], 99);
    let mask = Mask {
        layers: dense
            .layers
            .iter()
            .map(|l| (0..l.weight.len()).map(|k| k % 3 != 0).collect())
            .collect(),
    };
    actors.push(("masked.pth".into(), dense.masked(mask)));
    // PruVer's layout: no architecture file at all.
    actors.push(("pruver.pth".into(), actor(&[4, 12, 8, 2], 7)));
    // Elman actors (CoSyNE's recurrent networks): the inputs are one episode, stepped in order.
    for (k, dtype) in [Dtype::F32, Dtype::F64].into_iter().enumerate() {
        let mut a = actor(&[4, 5, 1], 40 + k as u64);
        a.activations = vec![Activation::Sigmoid];
        a.head = Head::Tanh;
        a.recurrent = Some((0..25).map(|i| ((i * 7) as f64 * 0.31).sin()).collect());
        a.dtype = dtype;
        if dtype == Dtype::F32 {
            for w in a.recurrent.iter_mut().flatten() {
                *w = *w as f32 as f64;
            }
        }
        actors.push((format!("elman{k}.pth"), a));
    }

    let inputs: Vec<Vec<f64>> = (0..6)
        .map(|n| {
            (0..4)
                .map(|k| ((n * 4 + k) as f64 * 0.9).sin() * 2.5)
                .collect()
        })
        .collect();
    let inputs_path = dir.path().join("inputs.json");
    std::fs::write(&inputs_path, serde_json::to_string(&inputs).unwrap()).unwrap();
    let mut paths = Vec::new();
    for (name, a) in &actors {
        let p = dir.path().join(name);
        a.save(&p).unwrap();
        assert_eq!(arch::sidecar(&p).exists(), !a.is_pruver_layout(), "{name}");
        // What we write reads back as the same actor.
        assert_eq!(&Actor::load(&p).unwrap(), a, "{name}");
        paths.push(p);
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/actors.md");
    let mut args = vec![s(&docs).to_string(), s(&inputs_path).to_string()];
    args.extend(paths.iter().map(|p| s(p).to_string()));
    let args: Vec<&str> = args.iter().map(|a| a.as_str()).collect();
    let out: serde_json::Value =
        serde_json::from_str(&common::run_oracle("actor_module.py", &args)).unwrap();
    for ((name, a), p) in actors.iter().zip(&paths) {
        let theirs = &out[s(p)];
        // A recurrent actor carries its state from one input to the next, as PyTorch's module does.
        let mut scratch = synapt_safety::policy::Scratch::default();
        for (x, y) in inputs.iter().zip(theirs.as_array().unwrap()) {
            let x: Vec<f64> = match a.dtype {
                Dtype::F32 => x.iter().map(|v| *v as f32 as f64).collect(),
                Dtype::F64 => x.clone(),
            };
            let ours = a.forward_with(&x, &mut scratch).to_vec();
            for (o, t) in ours.iter().zip(y.as_array().unwrap()) {
                let t = t.as_f64().unwrap();
                let tol = if a.dtype == Dtype::F64 { 1e-12 } else { 1e-5 };
                assert!((o - t).abs() <= tol, "{name}: ours {o} vs PyTorch {t}");
            }
        }
    }
}

/// `--test` runs an actor with a tanh head and ELU units on Pendulum-v1, as it runs PruVer's.
#[test]
fn the_cli_tests_an_actor_with_an_architecture_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = actor(&[3, 16, 1], 5);
    a.activations = vec![Activation::Elu { alpha: 0.5 }];
    a.head = Head::Tanh;
    a.layers[0].bias = None;
    let p = dir.path().join("elu_actor.pth");
    a.save(&p).unwrap();
    let o = run_bin(
        dir.path(),
        &[
            "--test",
            "--env",
            "Pendulum-v1",
            "--actor",
            s(&p),
            "--episodes",
            "3",
        ],
    );
    assert_ok(&o);
    // The CLI ran the actor as the library does: with its ELU units, tanh head and missing bias.
    let episodes = synapt_safety::rollout::evaluate("Pendulum-v1", &a, 3, 0).unwrap();
    let mean = episodes.iter().map(|e| e.ret).sum::<f64>() / 3.0;
    let mut relu = a.clone();
    relu.activations = vec![Activation::Relu];
    let other = synapt_safety::rollout::evaluate("Pendulum-v1", &relu, 3, 0).unwrap();
    assert_ne!(episodes, other, "the activation must change the episodes");
    assert!(
        stdout(&o).contains(&format!("{mean:.3} ±")),
        "mean {mean:.3} not in:\n{}",
        stdout(&o)
    );
}

/// `--test` of the actor at `p` is refused: exit 1, `want` in the message, no panic.
fn assert_test_refused(dir: &Path, p: &Path, want: &str) {
    let o = run_bin(
        dir,
        &[
            "--test",
            "--env",
            "Pendulum-v1",
            "--actor",
            s(p),
            "--episodes",
            "1",
        ],
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{want}: {e}");
    assert!(e.contains(want), "want `{want}` in: {e}");
    assert!(!e.contains("panicked"), "{e}");
}

/// Broken architecture files: each is refused with a message naming the file and the problem, exit 1,
/// and no panic.
#[test]
fn broken_architecture_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = actor(&[3, 16, 1], 5);
    a.head = Head::Tanh;
    a.layers[1].bias = None;
    let p = dir.path().join("actor.pth");
    a.save(&p).unwrap();
    let side = arch::sidecar(&p);
    let good = std::fs::read_to_string(&side).unwrap();
    let mask = |first: &str, second: &str| {
        good.replace(
            "\"head\": {",
            &format!("\"mask\": [\"{first}\", \"{second}\"],\n  \"head\": {{"),
        )
    };
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "not an actor architecture file"),
        (
            good.replace("synapt-safety actor 1", "v9"),
            "this version reads",
        ),
        (good.replace("16", "17"), "sizes [3, 17, 1]"),
        (
            good.replace("\"tanh\"", "\"swish\""),
            "not an actor architecture file",
        ),
        (good.replacen("false", "true", 1), "missing `layer2.bias`"),
        (good.replacen("true", "false", 1), "layer1.bias is present"),
        (
            good.replace(
                "\"activations\": [",
                "\"activations\": [{\"name\": \"relu\"},",
            ),
            "2 activations for 2 layers",
        ),
        (mask("1", "1"), "mask of layer1 must be 48 characters"),
        // A mask that removes a non-zero weight.
        (
            mask(&format!("0{}", "1".repeat(47)), &"1".repeat(16)),
            "where the mask removes the connection",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&side, &text).unwrap();
        assert_test_refused(dir.path(), &p, want);
    }
    // A discrete head on a continuous environment.
    a.head = Head::Softmax;
    a.save(&p).unwrap();
    assert_test_refused(
        dir.path(),
        &p,
        "`softmax` head does not suit Pendulum-v1's continuous actions",
    );
}
