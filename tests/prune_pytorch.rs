//! Pruning against its references: PruVer's prune.py rule in SciPy, torch.nn.utils.prune, and PyTorch
//! loading what we write. Actors are real `torch.save` files from `tests/oracle/prune_oracle.py`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::json_u64s;
use serde_json::Value;
use synapt_safety::policy::Actor;
use synapt_safety::prune::{self, Mask, Method};

const KS: [f64; 8] = [0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99];

fn oracle(args: &[&str]) -> Value {
    serde_json::from_str(&common::run_oracle("prune_oracle.py", args)).expect("oracle printed JSON")
}

/// The oracle's actors, made once per test process (the interpreter's start-up is most of an oracle
/// call): (name, path, network).
fn actors() -> &'static [(String, PathBuf, Actor)] {
    static ACTORS: OnceLock<Vec<(String, PathBuf, Actor)>> = OnceLock::new();
    ACTORS.get_or_init(|| {
        // Regenerated on every run (the files are deterministic), in cargo's scratch folder.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("prune_pytorch_actors");
        std::fs::create_dir_all(&dir).unwrap();
        let names = oracle(&["make-actors", dir.to_str().unwrap()]);
        names
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let n = n.as_str().unwrap().to_string();
                let p = dir.join(format!("{n}.pth"));
                let m = Actor::load(&p).unwrap();
                (n, p, m)
            })
            .collect()
    })
}

fn actor(name: &str) -> &'static (String, PathBuf, Actor) {
    actors().iter().find(|a| a.0 == name).unwrap()
}

/// Our mask as the oracle prints it: per layer, the flat indices pruned.
fn pruned_sets(mask: &Mask) -> Vec<BTreeSet<u64>> {
    mask.layers
        .iter()
        .map(|l| {
            l.iter()
                .enumerate()
                .filter(|(_, &keep)| !keep)
                .map(|(i, _)| i as u64)
                .collect()
        })
        .collect()
}

fn oracle_sets(v: &Value, k: f64, layers: usize) -> Vec<BTreeSet<u64>> {
    let per_k = &v[k.to_string()];
    (1..=layers)
        .map(|i| {
            per_k[format!("layer{i}")]
                .as_array()
                .unwrap_or_else(|| panic!("oracle has no layer{i} for k = {k}: {per_k}"))
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        })
        .collect()
}

fn k_args(ks: &[f64]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

/// Compare our masks with the oracle's at every k, for every actor. torch.topk orders equal magnitudes
/// arbitrarily (we break ties by position), so for the exact-count methods a layer whose cut falls
/// inside a run of equal magnitudes has no single right answer and is skipped. Returns the number of
/// layer masks compared per actor.
fn compare(method: Method, oracle_cmd: &str) -> Vec<usize> {
    let ks = k_args(&KS);
    let mut args = vec![oracle_cmd];
    args.extend(actors().iter().map(|a| a.1.to_str().unwrap()));
    args.push("--k");
    args.extend(ks.iter().map(String::as_str));
    let want = oracle(&args);
    let mut counts = Vec::new();
    for ((name, _, mlp), want) in actors().iter().zip(want.as_array().unwrap()) {
        let mut compared = 0;
        for k in KS {
            let ours = pruned_sets(&prune::mask(mlp, method, k, 0).unwrap());
            let theirs = oracle_sets(want, k, mlp.layers.len());
            for (l, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                let cut_in_a_tie = match method {
                    Method::Magnitude => cut_in_tie(&mlp.layers[l].weight, k),
                    Method::Global => cut_in_tie(&all_weights(mlp), k),
                    _ => false,
                };
                if cut_in_a_tie {
                    continue;
                }
                compared += 1;
                assert!(
                    a == b,
                    "{name} {method} k = {k} layer{}: we prune {} weights, the reference {}; first difference at {:?}",
                    l + 1,
                    a.len(),
                    b.len(),
                    a.symmetric_difference(b).next()
                );
            }
        }
        counts.push(compared);
    }
    counts
}

fn all_weights(mlp: &Actor) -> Vec<f64> {
    mlp.layers
        .iter()
        .flat_map(|l| l.weight.iter().copied())
        .collect()
}

/// Whether the last magnitude pruned equals the first one kept.
fn cut_in_tie(w: &[f64], k: f64) -> bool {
    let m = prune::count_to_prune(k, w.len());
    let mut mags: Vec<f64> = w.iter().map(|x| x.abs()).collect();
    mags.sort_by(f64::total_cmp);
    m > 0 && m < mags.len() && mags[m - 1] == mags[m]
}

fn distinct_magnitudes(w: &[f64]) -> usize {
    let mut m: Vec<f64> = w.iter().map(|x| x.abs()).collect();
    m.sort_by(f64::total_cmp);
    m.dedup();
    m.len()
}

#[test]
fn pruver_masks_equal_prune_py_in_scipy() {
    let counts = compare(Method::Pruver, "pruver");
    // Every layer at every k, ties or not.
    for ((name, _, mlp), n) in actors().iter().zip(&counts) {
        assert_eq!(*n, KS.len() * mlp.layers.len(), "{name}");
    }
    // The comparison covers both of PruVer's widths and matrices dominated by ties.
    let widths: BTreeSet<usize> = actors().iter().flat_map(|a| a.2.hidden_widths()).collect();
    assert_eq!(widths, BTreeSet::from([64, 128]));
    let tied = actors()
        .iter()
        .filter(|a| distinct_magnitudes(&a.2.layers[1].weight) < a.2.layers[1].weight.len() / 100)
        .count();
    assert!(tied >= 2, "the tie actors lost their ties");
}

#[test]
fn pruver_differs_from_exact_fractions_on_ties() {
    // With ties, k is a fraction of distinct magnitudes, not of weights. Layer 2 of this actor has 9
    // distinct magnitudes; at k = 0.7 PruVer prunes ranks 0..=ceil(8·0.7) = 6, about 81% of the
    // weights, where an exact-fraction method prunes 70%.
    let mlp = &actor("w128_ties8").2;
    assert_eq!(distinct_magnitudes(&mlp.layers[1].weight), 9);
    let pruver = prune::mask(mlp, Method::Pruver, 0.7, 0).unwrap();
    let exact = prune::mask(mlp, Method::Magnitude, 0.7, 0).unwrap();
    let n = mlp.layers[1].weight.len() as f64;
    let (p, e) = (
        pruver.pruned_counts()[1] as f64 / n,
        exact.pruned_counts()[1] as f64 / n,
    );
    assert!((e - 0.7).abs() < 1e-4, "{e}");
    assert!(p > 0.77 && p < 0.85, "pruver prunes {p}");
}

#[test]
fn magnitude_masks_equal_torch_l1_unstructured() {
    let compared: usize = compare(Method::Magnitude, "magnitude").iter().sum();
    // 6 actors × 3 layers × 8 k; the tie actors' cuts mostly fall inside ties.
    assert!(compared >= 100, "only {compared} layer masks compared");
}

#[test]
fn global_masks_equal_torch_global_unstructured() {
    let compared: usize = compare(Method::Global, "global").iter().sum();
    // The tie actors' global cuts fall inside ties at every k; the 4 others give 4 × 3 × 8.
    assert!(compared >= 90, "only {compared} layer masks compared");
    // Global pruning is not per layer: the layers' sparsities differ.
    for (name, _, mlp) in actors() {
        let m = prune::mask(mlp, Method::Global, 0.7, 0).unwrap();
        let fractions: Vec<f64> = m
            .pruned_counts()
            .iter()
            .zip(&mlp.layers)
            .map(|(c, l)| *c as f64 / l.weight.len() as f64)
            .collect();
        assert!(
            fractions.iter().any(|f| (f - 0.7).abs() > 0.05),
            "{name}: {fractions:?}"
        );
    }
}

#[test]
fn random_masks_are_seeded_and_exact_in_count() {
    let mlp = &actor("w128_cartpole").2;
    let a = prune::mask(mlp, Method::Random, 0.6, 7).unwrap();
    let b = prune::mask(mlp, Method::Random, 0.6, 7).unwrap();
    let c = prune::mask(mlp, Method::Random, 0.6, 8).unwrap();
    assert_eq!(a, b, "same seed, same mask");
    for (l, keep) in a.layers.iter().zip(&c.layers) {
        assert_ne!(l, keep, "another seed, another mask in every layer");
    }
    for (count, l) in a.pruned_counts().iter().zip(&mlp.layers) {
        assert_eq!(*count, prune::count_to_prune(0.6, l.weight.len()));
    }
    // Not the magnitude mask in disguise: random pruning removes large weights too.
    let w = &mlp.layers[1].weight;
    let max_pruned = w
        .iter()
        .zip(&a.layers[1])
        .filter(|(_, &k)| !k)
        .map(|(w, _)| w.abs())
        .fold(0.0, f64::max);
    let max = w.iter().map(|w| w.abs()).fold(0.0, f64::max);
    assert!(max_pruned > 0.9 * max);
}

fn f64_bits(v: &[f64], dtype: synapt_safety::policy::Dtype) -> Vec<u64> {
    v.iter()
        .map(|x| match dtype {
            synapt_safety::policy::Dtype::F32 => (*x as f32 as f64).to_bits(),
            synapt_safety::policy::Dtype::F64 => x.to_bits(),
        })
        .collect()
}

#[test]
fn pruned_files_load_in_pytorch_with_biases_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let methods = [
        Method::Pruver,
        Method::Magnitude,
        Method::Global,
        Method::Random,
    ];
    let mut cases = Vec::new();
    for (name, path, dense) in actors().iter().take(4) {
        for method in methods {
            let pruned = prune::prune(dense, method, 0.7, 0).unwrap();
            let out = prune::pruned_path(&dir.path().join(path.file_name().unwrap()), 0.7, method);
            pruned.save(&out).unwrap();
            cases.push((
                format!("{name} {method}"),
                method,
                dense.clone(),
                pruned,
                out,
            ));
        }
    }
    // One interpreter loads them all.
    let mut args = vec!["load"];
    args.extend(cases.iter().map(|c| c.4.to_str().unwrap()));
    let loaded = oracle(&args);
    for ((what, method, dense, pruned, _), got) in cases.iter().zip(loaded.as_array().unwrap()) {
        let dtype = match dense.dtype {
            synapt_safety::policy::Dtype::F32 => "float32",
            synapt_safety::policy::Dtype::F64 => "float64",
        };
        assert_eq!(got["dtype"], dtype, "{what}");
        let stats = prune::layer_stats(dense, pruned);
        for (i, (d, p)) in dense.layers.iter().zip(&pruned.layers).enumerate() {
            let l = format!("layer{}", i + 1);
            assert_eq!(
                json_u64s(&got["weights"][&l]),
                f64_bits(&p.weight, dense.dtype),
                "{what} {l}"
            );
            // Biases are PyTorch's own, bit for bit, as in the dense actor.
            assert_eq!(
                json_u64s(&got["biases"][&l]),
                f64_bits(d.bias.as_ref().unwrap(), dense.dtype),
                "{what} {l}"
            );
            assert_eq!(
                got["zeros"][&l].as_u64().unwrap() as usize,
                stats[i].zeros,
                "{what} {l}"
            );
            // Every weight is the dense weight or zero.
            for (a, b) in d.weight.iter().zip(&p.weight) {
                assert!(*b == 0.0 || a == b, "{what}");
            }
        }
        let sparsity = prune::overall_sparsity(&stats);
        match method {
            // PruVer prunes ⌈(d−1)k⌉+1 of the d distinct magnitudes per layer: about k of the
            // weights when ties are rare, as in float32 weights drawn at random.
            Method::Pruver => assert!((sparsity - 0.7).abs() < 0.005, "{what} {sparsity}"),
            _ => assert!((sparsity - 0.7).abs() < 0.001, "{what} {sparsity}"),
        }
    }
}

#[test]
fn neuron_pruning_writes_a_smaller_module_that_pytorch_loads() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = "[[0.1, -0.2, 0.3, 0.05], [1.0, 2.0, -1.0, 0.5], [-0.3, 0.0, 0.7, -1.2]]";
    let xs: Vec<Vec<f64>> = serde_json::from_str(inputs).unwrap();
    let mut cases = Vec::new();
    for (name, _, dense) in actors().iter().filter(|a| a.2.input_dim() == 4) {
        let units = prune::neuron_units(dense, 0.75);
        let small = prune::remove_units(dense, &units);
        let out = dir.path().join(format!("{name}_neuron.pth"));
        small.save(&out).unwrap();
        cases.push((name, dense, units, small, out));
    }
    assert_eq!(cases.len(), 3);
    let mut args = vec!["load", "--inputs", inputs];
    args.extend(cases.iter().map(|c| c.4.to_str().unwrap()));
    let loaded = oracle(&args);
    for ((name, dense, units, small, _), got) in cases.iter().zip(loaded.as_array().unwrap()) {
        let (dense, units) = (*dense, units);
        let width = dense.hidden_widths()[0];
        assert_eq!(small.hidden_widths(), [width / 4, width / 4], "{name}");
        // PyTorch builds the smaller module from the file's shapes and load_state_dict accepts it.
        let sizes: Vec<usize> = json_u64s(&got["sizes"])
            .into_iter()
            .map(|v| v as usize)
            .collect();
        assert_eq!(sizes, [4, width / 4, width / 4, 2], "{name}");
        // Its outputs are ours, and ours are the dense network's with those units switched off
        // (incoming weights, biases and outgoing weights zeroed). Only zeroing the incoming weights
        // would not do: a unit with a positive bias would still feed the next layer.
        let mut off = dense.clone();
        for (l, keep) in units.iter().enumerate() {
            for (u, &k) in keep.iter().enumerate() {
                if k {
                    continue;
                }
                let inf = off.layers[l].in_features;
                off.layers[l].weight[u * inf..(u + 1) * inf].fill(0.0);
                off.layers[l].bias.as_mut().unwrap()[u] = 0.0;
                let next = &mut off.layers[l + 1];
                for r in 0..next.out_features {
                    next.weight[r * next.in_features + u] = 0.0;
                }
            }
        }
        let torch_out: Vec<Vec<f64>> = serde_json::from_value(got["outputs"].clone()).unwrap();
        for (x, t) in xs.iter().zip(&torch_out) {
            let (ours, masked) = (small.forward(x), off.forward(x));
            for ((a, b), c) in ours.iter().zip(t).zip(&masked) {
                assert!((a - b).abs() < 1e-9, "{name}: ours {ours:?}, PyTorch {t:?}");
                assert!(
                    (a - c).abs() < 1e-12,
                    "{name}: small {ours:?}, masked dense {masked:?}"
                );
            }
        }
        // The units dropped are those with the smallest incoming L2 norm.
        let l1 = &dense.layers[0];
        let norm = |u: usize| {
            l1.weight[u * 4..u * 4 + 4]
                .iter()
                .map(|w| w * w)
                .sum::<f64>()
        };
        let kept_min = (0..width)
            .filter(|&u| units[0][u])
            .map(norm)
            .fold(f64::INFINITY, f64::min);
        let dropped_max = (0..width)
            .filter(|&u| !units[0][u])
            .map(norm)
            .fold(0.0, f64::max);
        assert!(dropped_max <= kept_min, "{name}");
    }
}
