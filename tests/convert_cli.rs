//! `--convert` against real tools (tests/oracle/onnx_oracle.py): onnx.checker accepts every ONNX file
//! we write and onnxruntime computes what our forward pass computes, for every kind of actor (every
//! activation and head, bias-free layers, masks and pruned zeros, float32 and float64, Elman networks
//! with their context, elite populations, HyperNCA runs); the VNN-LIB queries parse with the `vnnlib`
//! package's VNN-COMP reader, and Marabou proves a property that holds and refutes, at a recovery
//! state the falsifier found, one that does not. Bad requests are refused and write nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{
    assert_ok, assert_refused, cartpole_failures, pruned_cartpole, run_bin, run_oracle, shipped,
    stdout,
};
use serde_json::{json, Value};
use synapt_safety::env::{self, rng::NpRng};
use synapt_safety::policy::npy::{write_population, Matrix};
use synapt_safety::policy::{Activation, Actor, Dtype, Head, Mask, Scratch};
use synapt_safety::train::net::{init_actor, Init};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn actor(sizes: &[usize], seed: u64) -> Actor {
    init_actor(sizes, Init::TorchDefault, &mut NpRng::from_seed(seed))
}

/// `n` inputs of width `d`, uniform in [−1, 1], rounded to float32 for float32 actors (the ONNX file
/// then takes exactly the input we evaluate).
fn inputs(d: usize, n: usize, dtype: Dtype, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = NpRng::from_seed(seed);
    (0..n)
        .map(|_| {
            (0..d)
                .map(|_| {
                    let v = rng.uniform(-1.0, 1.0);
                    match dtype {
                        Dtype::F32 => v as f32 as f64,
                        Dtype::F64 => v,
                    }
                })
                .collect()
        })
        .collect()
}

/// One converted actor: what we feed onnxruntime and what our forward pass gave.
struct Case {
    name: String,
    onnx: PathBuf,
    actor: Actor,
    feeds: Value,
    ours: Vec<Vec<f64>>,
    ours_h: Vec<Vec<f64>>,
}

/// `--convert` the actor at `path` (member `elite`) for `env_id` through the CLI, and run our forward
/// pass on 1,000 inputs (one episode, in order, for an Elman actor).
fn convert(dir: &Path, env_id: &str, path: &Path, elite: Option<usize>, name: &str) -> Case {
    let mut args = vec!["--env", env_id, "--actor", s(path), "--convert"];
    let e = elite.map(|k| k.to_string());
    if let Some(e) = &e {
        args.extend(["--elite", e]);
    }
    let o = run_bin(dir, &args);
    assert_ok(&o);
    let onnx = stdout(&o)
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .map(|p| dir.join(p.trim()))
        .expect("the CLI names the ONNX file it wrote");
    assert!(onnx.exists(), "{}", onnx.display());
    let probe = env::make(env_id).unwrap();
    let actor = Actor::load_elite(path, elite, Some(&probe.action_space())).unwrap();
    let xs = inputs(actor.input_dim(), 1000, actor.dtype, name.len() as u64);
    let mut scratch = Scratch::default();
    let (mut ours, mut ours_h, mut h_in) = (Vec::new(), Vec::new(), Vec::new());
    for x in &xs {
        if actor.is_recurrent() {
            let h = actor.layers[0].out_features;
            let st = scratch.state();
            h_in.push(if st.is_empty() {
                vec![0.0; h]
            } else {
                st.to_vec()
            });
        }
        ours.push(actor.forward_with(x, &mut scratch).to_vec());
        if actor.is_recurrent() {
            ours_h.push(scratch.state().to_vec());
        }
    }
    let mut feeds = json!({ "obs": xs });
    if actor.is_recurrent() {
        feeds["h_in"] = json!(h_in);
    }
    Case {
        name: name.into(),
        onnx,
        actor,
        feeds,
        ours,
        ours_h,
    }
}

/// The largest |ours − onnxruntime| / max(1, |ours|) over a case's rows.
fn worst(ours: &[Vec<f64>], theirs: &Value) -> f64 {
    let theirs = theirs.as_array().unwrap();
    assert_eq!(ours.len(), theirs.len());
    let mut w: f64 = 0.0;
    for (o, t) in ours.iter().zip(theirs) {
        let t = t.as_array().unwrap();
        assert_eq!(o.len(), t.len());
        for (a, b) in o.iter().zip(t) {
            let b = b.as_f64().unwrap();
            w = w.max((a - b).abs() / a.abs().max(1.0));
        }
    }
    w
}

#[test]
fn onnxruntime_computes_what_we_compute_for_every_kind_of_actor() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cases = Vec::new();
    // The shipped actors: PruVer's discrete CartPole actor, its pruned version (exact zeros), and a
    // continuous LunarLander actor.
    pruned_cartpole(d);
    for (env_id, name) in [
        ("CartPole-v0", "ppo_actorCartPole-v0.pth"),
        ("CartPole-v0", "ppo_actorCartPole-v0_0.78.pth"),
        (
            "LunarLanderContinuous-v2",
            "ppo_actorLunarLanderContinuous-v2.pth",
        ),
    ] {
        let p = d.join(name);
        if !p.exists() {
            std::fs::copy(shipped(name), &p).unwrap();
        }
        cases.push(convert(d, env_id, &p, None, name));
    }
    // Every activation and head, some layers without bias, float32 and float64. Discrete heads on
    // CartPole-v1 (4 → 2), continuous ones on LunarLanderContinuous-v2 (8 → 2).
    let acts: Vec<Activation> = Activation::EVERY_KIND
        .into_iter()
        .chain([
            Activation::Elu { alpha: 1.0 },
            Activation::Elu { alpha: 0.1 },
        ])
        .collect();
    for (i, act) in acts.iter().enumerate() {
        for (j, head) in Head::every_kind(2).iter().enumerate() {
            let (env_id, n_in) = if head.is_discrete() {
                ("CartPole-v1", 4)
            } else {
                ("LunarLanderContinuous-v2", 8)
            };
            let mut a = actor(&[n_in, 12, 8, 2], (10 * i + j) as u64);
            a.activations = vec![*act, acts[(i + 1) % acts.len()]];
            a.head = head.clone();
            if (i + j) % 2 == 0 {
                a.layers[1].bias = None;
            }
            if (i + j) % 3 == 0 {
                a.layers[0].bias = None;
                a.layers[2].bias = None;
            }
            if j % 2 == 0 {
                a.dtype = Dtype::F64;
            }
            let name = format!("a{i}_{j}.pth");
            a.save(&d.join(&name)).unwrap();
            cases.push(convert(d, env_id, &d.join(&name), None, &name));
        }
    }
    // A masked actor and a single-layer one.
    let dense = actor(&[4, 12, 8, 2], 99);
    let mask = Mask {
        layers: dense
            .layers
            .iter()
            .map(|l| (0..l.weight.len()).map(|k| k % 3 != 0).collect())
            .collect(),
    };
    dense.masked(mask).save(&d.join("masked.pth")).unwrap();
    cases.push(convert(
        d,
        "CartPole-v1",
        &d.join("masked.pth"),
        None,
        "masked",
    ));
    let mut linear = actor(&[4, 2], 98);
    linear.layers[0].bias = None;
    linear.save(&d.join("linear.pth")).unwrap();
    cases.push(convert(
        d,
        "CartPole-v1",
        &d.join("linear.pth"),
        None,
        "linear",
    ));
    // Elman actors (CoSyNE's): one episode of 1,000 steps, the context fed back.
    for (k, dtype) in [Dtype::F32, Dtype::F64].into_iter().enumerate() {
        let mut a = actor(&[4, 5, 2], 40 + k as u64);
        a.activations = vec![Activation::Sigmoid];
        a.head = Head::Argmax;
        a.recurrent = Some(
            (0..25)
                .map(|i| ((i * 7) as f64 * 0.31).sin() as f32 as f64)
                .collect(),
        );
        a.dtype = dtype;
        let name = format!("elman{k}.pth");
        a.save(&d.join(&name)).unwrap();
        cases.push(convert(d, "CartPole-v1", &d.join(&name), None, &name));
    }
    // A Synaptolysis elite population (.npy), member 1: binary-mask weights, argmax head.
    let pop: Vec<Vec<Matrix>> = (0..3)
        .map(|m| {
            let mut k = m;
            let mut matrix = |rows: usize, cols: usize| Matrix {
                rows,
                cols,
                data: (0..rows * cols)
                    .map(|_| {
                        k += 1;
                        f64::from(k % 3 != 0)
                    })
                    .collect(),
            };
            vec![matrix(4, 16), matrix(16, 2)]
        })
        .collect();
    write_population(&d.join("elites.npy"), &pop).unwrap();
    let c = convert(d, "CartPole-v1", &d.join("elites.npy"), Some(1), "elites");
    assert!(
        c.onnx.ends_with("elites_elite1.onnx"),
        "{}",
        c.onnx.display()
    );
    cases.push(c);
    // A HyperNCA run folder, trained for one generation.
    std::fs::write(
        d.join("hyperparameters.yml"),
        "LunarLander-v2:\n  hypernca: {popsize: 4, policy_layers: 3, bias: true, nca_steps: 6, \
         generations: 1, save_freq: 1}\n",
    )
    .unwrap();
    assert_ok(&run_bin(
        d,
        &["--train", "--algo", "hypernca", "--env", "LunarLander-v2"],
    ));
    let run = d.join("Policies/hypernca_LunarLander-v2");
    cases.push(convert(d, "LunarLander-v2", &run, None, "hypernca"));

    let cases_json: Vec<Value> = cases
        .iter()
        .map(|c| json!({"onnx": s(&c.onnx), "inputs": c.feeds}))
        .collect();
    let cases_path = d.join("cases.json");
    std::fs::write(&cases_path, serde_json::to_vec(&cases_json).unwrap()).unwrap();
    let out: Value =
        serde_json::from_str(&run_oracle("onnx_oracle.py", &["run", s(&cases_path)])).unwrap();
    let (mut worst32, mut worst64): (f64, f64) = (0.0, 0.0);
    for c in &cases {
        let r = &out[s(&c.onnx)];
        assert_eq!(r["opset"], json!([13]), "{}", c.name);
        assert_eq!(r["ir_version"], json!(7), "{}", c.name);
        let want_type = match c.actor.dtype {
            Dtype::F32 => "tensor(float)",
            Dtype::F64 => "tensor(double)",
        };
        assert_eq!(r["input_types"][0], json!(want_type), "{}", c.name);
        let w = worst(&c.ours, &r["values"]["action"]);
        if c.actor.is_recurrent() {
            assert_eq!(r["inputs"], json!(["obs", "h_in"]), "{}", c.name);
            assert_eq!(r["outputs"], json!(["action", "h_out"]), "{}", c.name);
            let wh = worst(&c.ours_h, &r["values"]["h_out"]);
            assert!(wh <= 1e-6, "{}: h_out differs by {wh}", c.name);
        } else {
            assert_eq!(r["inputs"], json!(["obs"]), "{}", c.name);
            assert_eq!(r["outputs"], json!(["action"]), "{}", c.name);
        }
        assert_eq!(
            r["metadata"]["synapt-safety.head"],
            json!(c.actor.head.name()),
            "{}",
            c.name
        );
        match c.actor.dtype {
            Dtype::F32 => worst32 = worst32.max(w),
            Dtype::F64 => worst64 = worst64.max(w),
        }
        let tol = if c.actor.dtype == Dtype::F64 {
            1e-12
        } else {
            1e-6
        };
        assert!(w <= tol, "{}: onnxruntime differs from ours by {w}", c.name);
    }
    eprintln!(
        "{} actors, 1,000 inputs each: largest difference {worst32:.2e} (float32), {worst64:.2e} \
         (float64)",
        cases.len()
    );
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    v.sort();
    v
}

/// `--convert --vnnlib 'argmax = dense' --vnnlib-eps 0.001` against the failures in `csv`, of the
/// pruned actor `pruned` (else of the dense actor itself): the queries it wrote, and its output.
fn argmax_dense_queries(d: &Path, pruned: Option<&str>, csv: &Path) -> (Vec<PathBuf>, Output) {
    let mut args = vec![
        "--env",
        "CartPole-v0",
        "--actor",
        "ppo_actorCartPole-v0.pth",
    ];
    if let Some(p) = pruned {
        args.extend(["--pruned", p]);
    }
    args.extend([
        "--convert",
        "--vnnlib",
        "argmax = dense",
        "--failures",
        s(csv),
    ]);
    args.extend(["--vnnlib-eps", "0.001"]);
    let o = run_bin(d, &args);
    assert_ok(&o);
    let stem = pruned
        .unwrap_or("ppo_actorCartPole-v0.pth")
        .trim_end_matches(".pth");
    let folder = d.join(format!("{stem}_vnnlib"));
    let queries = files_in(&folder)
        .into_iter()
        .filter(|f| f.ends_with(".vnnlib"))
        .map(|f| folder.join(f))
        .collect();
    (queries, o)
}

/// Marabou's verdict on each query against the network `onnx`.
fn marabou(onnx: &Path, queries: &[PathBuf]) -> Value {
    let mut args = vec!["marabou", s(onnx)];
    args.extend(queries.iter().map(|q| s(q)));
    serde_json::from_str(&run_oracle("onnx_oracle.py", &args)).unwrap()
}

#[test]
fn vnnlib_queries_parse_and_marabou_proves_and_refutes_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = cartpole_failures(d);
    // The pruned actor against the dense one's action, in a box of ±0.001 around each failure's
    // recovery state: refinement's own objective, stated for a verifier.
    let (queries, o) = argmax_dense_queries(d, Some("ppo_actorCartPole-v0_0.78.pth"), &csv);
    let folder = d.join("ppo_actorCartPole-v0_0.78_vnnlib");
    assert!(queries.len() >= 2, "{}", stdout(&o));
    let instances = std::fs::read_to_string(folder.join("instances.csv")).unwrap();
    assert_eq!(instances.lines().count(), queries.len());
    assert!(
        instances.starts_with("../ppo_actorCartPole-v0_0.78.onnx,failure"),
        "{instances}"
    );

    // The VNN-COMP reader takes every query: the box of ±0.001 (within float rounding) and one
    // polytope row per other action.
    let mut args = vec!["vnnlib", "4", "2"];
    args.extend(queries.iter().map(|q| s(q)));
    let parsed: Value = serde_json::from_str(&run_oracle("onnx_oracle.py", &args)).unwrap();
    for q in &queries {
        let spec = parsed[s(q)].as_array().unwrap();
        assert_eq!(spec.len(), 1, "{}", q.display());
        let bx = spec[0][0].as_array().unwrap();
        assert_eq!(bx.len(), 4);
        for iv in bx {
            let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
            assert!(
                (hi - lo - 0.002).abs() < 1e-9,
                "{}: [{lo}, {hi}]",
                q.display()
            );
        }
        let polys = spec[0][1].as_array().unwrap();
        assert_eq!(
            polys.len(),
            1,
            "one disjunct: the other action scores at least as high"
        );
    }

    // Marabou on every query against the pruned network. At a recovery state the pruned actor took
    // another action than the dense one (that is why the dense actor could not finish from there), so
    // each query is refuted, and Marabou's counterexample really makes the pruned actor disagree.
    let verdicts = marabou(&d.join("ppo_actorCartPole-v0_0.78.onnx"), &queries);
    let dense = Actor::load(&d.join("ppo_actorCartPole-v0.pth")).unwrap();
    let pruned = Actor::load(&d.join("ppo_actorCartPole-v0_0.78.pth")).unwrap();
    let argmax = |y: Vec<f64>| if y[1] > y[0] { 1 } else { 0 };
    let mut refuted = 0;
    for q in &queries {
        let v = &verdicts[s(q)];
        let text = std::fs::read_to_string(q).unwrap();
        let centre: Vec<f64> = (0..4)
            .map(|i| {
                let lo = text
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("(assert (>= X_{i} ")))
                    .unwrap()
                    .trim_end_matches("))")
                    .parse::<f64>()
                    .unwrap();
                lo + 0.001
            })
            .collect();
        let differ = argmax(pruned.forward(&centre)) != argmax(dense.forward(&centre));
        if v["result"] == "sat" {
            refuted += 1;
            let x: Vec<f64> = v["x"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            let dense_action = argmax(dense.forward(&centre));
            let y = pruned.forward(&x);
            assert!(
                y[1 - dense_action] >= y[dense_action] - 1e-4,
                "{}: Marabou's counterexample {x:?} gives {y:?}",
                q.display()
            );
        } else {
            assert_eq!(v["result"], "unsat", "{}", q.display());
            assert!(
                !differ,
                "{}: unsat, yet the centre itself disagrees",
                q.display()
            );
        }
    }
    assert!(refuted > 0, "no recovery state refuted: {verdicts}");

    // The dense network, same boxes: it takes its own action around each state, so Marabou proves
    // the property (unsat) wherever its two scores are not close at the centre.
    let (queries, _) = argmax_dense_queries(d, None, &csv);
    let verdicts = marabou(&d.join("ppo_actorCartPole-v0.onnx"), &queries);
    let proved = queries
        .iter()
        .filter(|q| verdicts[s(q)]["result"] == "unsat")
        .count();
    assert!(proved > 0, "{verdicts}");
    eprintln!(
        "pruned actor: {refuted} recovery-state queries refuted; dense actor: {proved}/{} proved",
        queries.len()
    );
}

/// A property over the observation box (with its unbounded velocities bounded): Marabou's answer
/// agrees with what 20,000 samples of the box say.
#[test]
fn a_query_over_the_observation_box_agrees_with_sampling() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = actor(&[4, 12, 8, 2], 5);
    a.save(&d.join("small.pth")).unwrap();
    let mut verdicts = Vec::new();
    for property in ["argmax = 0", "y0 <= 3", "always(y1 in [-2.5, 2.5])"] {
        let o = run_bin(
            d,
            &[
                "--env",
                "CartPole-v1",
                "--actor",
                "small.pth",
                "--convert",
                "--vnnlib",
                property,
                "--vnnlib-box",
                "x_dot=-2..2, theta_dot=-2..2",
            ],
        );
        assert_ok(&o);
        let q = d.join("small.vnnlib");
        let parsed: Value =
            serde_json::from_str(&run_oracle("onnx_oracle.py", &["vnnlib", "4", "2", s(&q)]))
                .unwrap();
        let bx: Vec<(f64, f64)> = parsed[s(&q)][0][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|iv| (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap()))
            .collect();
        // CartPole's bounds: x ±4.8, θ ±0.418879… (24° · 2), the velocities as given.
        assert_eq!(bx[1], (-2.0, 2.0));
        assert_eq!(bx[3], (-2.0, 2.0));
        assert!((bx[0].1 - 4.8).abs() < 1e-6, "{bx:?}");
        let v: Value = serde_json::from_str(&run_oracle(
            "onnx_oracle.py",
            &["marabou", s(&d.join("small.onnx")), s(&q)],
        ))
        .unwrap();
        let verdict = v[s(&q)]["result"].as_str().unwrap().to_string();
        let holds = |y: &[f64]| match property {
            "argmax = 0" => y[0] > y[1],
            "y0 <= 3" => y[0] < 3.0,
            _ => y[1] > -2.5 && y[1] < 2.5,
        };
        let mut rng = NpRng::from_seed(7);
        let violated = (0..20_000).any(|_| {
            let x: Vec<f64> = bx.iter().map(|(lo, hi)| rng.uniform(*lo, *hi)).collect();
            !holds(&a.forward(&x))
        });
        if violated {
            assert_eq!(verdict, "sat", "{property}: sampling found a violation");
        }
        if verdict == "sat" {
            let x: Vec<f64> = v[s(&q)]["x"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            // Marabou prints six decimals: its point violates the property up to that rounding.
            let y = a.forward(&x);
            let near = |y: &[f64]| match property {
                "argmax = 0" => y[0] > y[1] + 1e-4,
                "y0 <= 3" => y[0] < 3.0 - 1e-4,
                _ => y[1] > -2.5 + 1e-4 && y[1] < 2.5 - 1e-4,
            };
            assert!(!near(&y), "{property}: counterexample {x:?} gives {y:?}");
        } else {
            assert_eq!(verdict, "unsat", "{property}");
        }
        verdicts.push(verdict);
    }
    // The three properties are not all decided alike, so both answers were checked.
    assert!(verdicts.contains(&"sat".to_string()), "{verdicts:?}");
    assert!(verdicts.contains(&"unsat".to_string()), "{verdicts:?}");
}

/// One command: prune, falsify the pruned actor, convert it with queries around its failures.
#[test]
fn the_pipeline_converts_the_actor_it_just_pruned() {
    let dir = common::workdir_with("ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let d = dir.path();
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--prune",
            "--k",
            "0.8",
            "--episodes",
            "2",
            "--falsify",
            "--falsify-method",
            "random",
            "--budget",
            "20",
            "--spec",
            "upright",
            "--convert",
            "--vnnlib",
            "argmax = dense",
            "--vnnlib-eps",
            "0.01",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("converted Policies/ppo_actorCartPole-v0_0.8.pth"),
        "{out}"
    );
    let policies = files_in(&d.join("Policies"));
    assert!(
        policies.contains(&"ppo_actorCartPole-v0_0.8.onnx".to_string()),
        "{policies:?}"
    );
    let folder = d.join("Policies/ppo_actorCartPole-v0_0.8_vnnlib");
    let n = files_in(&folder).len();
    assert!(n >= 2, "{out}");
    // Converting again with fewer failures leaves only this run's queries in the folder.
    let one = d.join("one.csv");
    let csv = std::fs::read_to_string(
        d.join("Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.8_upright_random.csv"),
    )
    .unwrap();
    let keep: Vec<&str> = csv
        .lines()
        .filter(|l| {
            let f = l.split(',').nth(2).unwrap_or("");
            f == "failure" || f == "0"
        })
        .collect();
    std::fs::write(&one, keep.join("\n") + "\n").unwrap();
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--pruned",
            "Policies/ppo_actorCartPole-v0_0.8.pth",
            "--convert",
            "--vnnlib",
            "argmax = dense",
            "--failures",
            s(&one),
            "--vnnlib-eps",
            "0.01",
        ],
    );
    assert_ok(&o);
    assert_eq!(files_in(&folder), vec!["failure0.vnnlib", "instances.csv"]);
}

/// Every bad request: exit 1 or 2 with a message naming the problem, and nothing written.
#[test]
fn bad_requests_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(shipped("ppo_actorCartPole-v0.pth"), d.join("a.pth")).unwrap();
    let mut elman = actor(&[4, 5, 2], 1);
    elman.recurrent = Some(vec![0.5; 25]);
    elman.head = Head::Argmax;
    elman.save(&d.join("elman.pth")).unwrap();
    let before = files_in(d);
    let base = ["--env", "CartPole-v1", "--convert"];
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["--actor", "a.pth", "--out", "a.pth"],
            2,
            "a command never writes over what it reads",
        ),
        (
            vec!["--actor", "a.pth", "--vnnlib", "argmax = 0"],
            1,
            "unbounded in component 1 (x_dot), 3 (theta_dot)",
        ),
        (
            vec![
                "--actor",
                "a.pth",
                "--vnnlib",
                "argmax = 0",
                "--vnnlib-box",
                "x=1..-1",
            ],
            1,
            "is empty",
        ),
        (
            vec![
                "--actor",
                "a.pth",
                "--vnnlib",
                "y2 <= 1",
                "--vnnlib-box",
                "-1..1,-1..1,-1..1,-1..1",
            ],
            1,
            "no y2",
        ),
        (
            vec!["--actor", "a.pth", "--vnnlib", "y0 <= "],
            1,
            "ends where",
        ),
        (
            vec![
                "--actor",
                "a.pth",
                "--vnnlib",
                "argmax = dense",
                "--vnnlib-box",
                "-1..1,-1..1,-1..1,-1..1",
            ],
            2,
            "--vnnlib-eps",
        ),
        (
            vec![
                "--actor",
                "elman.pth",
                "--vnnlib",
                "argmax = 0",
                "--vnnlib-box",
                "-1..1,-1..1,-1..1,-1..1",
            ],
            1,
            "Elman network",
        ),
        (
            vec![
                "--actor",
                "a.pth",
                "--vnnlib",
                "argmax = 0",
                "--vnnlib-eps",
                "0.1",
            ],
            2,
            "--failures",
        ),
        (
            vec!["--actor", "a.pth", "--vnnlib-eps", "0"],
            2,
            "positive number",
        ),
        (
            vec!["--actor", "a.pth", "--vnnlib-box", "x=0..1"],
            2,
            "--vnnlib",
        ),
        (vec!["--actor", "missing.pth"], 1, "missing.pth"),
    ];
    for (extra, code, needle) in cases {
        let mut args = base.to_vec();
        args.extend(extra.iter().copied());
        let o = run_bin(d, &args);
        assert_refused(&o, code, needle);
        assert_eq!(files_in(d), before, "{args:?} wrote a file");
    }
    // --vnnlib without --convert.
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v1",
            "--test",
            "--actor",
            "a.pth",
            "--vnnlib",
            "y0 <= 1",
        ],
    );
    assert_refused(&o, 2, "--convert");
    assert_eq!(files_in(d), before);
    // A CartPole actor for LunarLander: the shapes are named.
    let o = run_bin(
        d,
        &[
            "--env",
            "LunarLanderContinuous-v2",
            "--actor",
            "a.pth",
            "--convert",
        ],
    );
    assert_refused(&o, 1, "needs 8 inputs");
    assert_eq!(files_in(d), before);
}

/// A failures file without failures: the ONNX file is written, no query, and the run says so.
#[test]
fn no_failures_means_no_queries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(shipped("ppo_actorCartPole-v0.pth"), d.join("a.pth")).unwrap();
    let falsify = [
        "--env",
        "CartPole-v0",
        "--actor",
        "a.pth",
        "--falsify",
        "--falsify-method",
        "random",
        "--budget",
        "2",
        "--spec",
        "position",
    ];
    assert_ok(&run_bin(d, &falsify));
    let csv = d.join("Failure_Trajectories/CartPole-v0_a_position_random.csv");
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "a.pth",
            "--convert",
            "--vnnlib",
            "argmax = dense",
            "--failures",
            s(&csv),
            "--vnnlib-eps",
            "0.01",
        ],
    );
    assert_ok(&o);
    assert!(
        stdout(&o).contains("no failures recorded: no VNN-LIB query written"),
        "{}",
        stdout(&o)
    );
    assert!(d.join("a.onnx").exists());
    assert!(!d.join("a_vnnlib").exists());
}
