//! src/policy/nca against a PyTorch statement of the authors' `NCA_3D.py` (tests/oracle/hypernca_nca.py):
//! the grid after every growth step within 1e-10 (relative to the grid's largest entry, at least 1),
//! for random NCA parameters and seeds of every type, with and without biases, `replace`, no
//! normalisation, a real living threshold, one channel (the living channel is then channel 0), and the
//! Ant's 28 × 28 substrate; the step at which a growth explodes; and the seeds of the types that draw
//! nothing, placed as `generate_seeds3D` places them.

mod common;

use serde_json::{json, Value};
use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::nca::{Nca, NcaSpec, SeedType};

const TOL: f64 = 1e-10;

struct Case {
    spec: NcaSpec,
    seed_type: SeedType,
    env: &'static str,
    steps: usize,
    scale: f64,
}

fn spec(c: usize, l: usize, s: usize, d: usize, out_rows: usize, bias: bool) -> NcaSpec {
    NcaSpec {
        bias,
        ..NcaSpec::new(c, l, s, d, out_rows)
    }
}

fn cases() -> Vec<Case> {
    let lander = |bias| spec(2, 5, 8, 4, 4, bias);
    let mut v: Vec<Case> = SeedType::ALL
        .iter()
        .enumerate()
        .map(|(i, &t)| Case {
            spec: lander(i % 2 == 0),
            seed_type: t,
            env: "LunarLander-v2",
            steps: 20,
            scale: 1.0,
        })
        .collect();
    v.extend([
        Case {
            spec: NcaSpec {
                replace: true,
                ..lander(true)
            },
            seed_type: SeedType::RandomU2,
            env: "LunarLander-v2",
            steps: 12,
            scale: 1.0,
        },
        Case {
            spec: NcaSpec {
                normalise: false,
                ..lander(false)
            },
            seed_type: SeedType::RandomU5,
            env: "LunarLander-v2",
            steps: 10,
            scale: 0.3,
        },
        Case {
            spec: NcaSpec {
                living_threshold: 0.3,
                ..lander(true)
            },
            seed_type: SeedType::RandomU,
            env: "LunarLander-v2",
            steps: 20,
            scale: 1.0,
        },
        Case {
            spec: spec(1, 4, 8, 4, 4, true),
            seed_type: SeedType::RandomU2,
            env: "LunarLander-v2",
            steps: 20,
            scale: 1.0,
        },
        Case {
            spec: spec(3, 3, 6, 5, 2, false),
            seed_type: SeedType::ThreeSeeds,
            env: "CartPole-v1",
            steps: 15,
            scale: 1.0,
        },
        // The single-seed Ant: 4 layers of 28 × 28, D 8, 30 steps.
        Case {
            spec: spec(2, 4, 28, 8, 8, false),
            seed_type: SeedType::SingleSeed,
            env: "AntBulletEnv-v0",
            steps: 30,
            scale: 1.0,
        },
        // Large parameters without normalisation: explodes.
        Case {
            spec: NcaSpec {
                normalise: false,
                ..lander(true)
            },
            seed_type: SeedType::Ones,
            env: "LunarLander-v2",
            steps: 400,
            scale: 100.0,
        },
    ]);
    v
}

fn f64s(x: &Value) -> Vec<f64> {
    common::json_f64s(x)
}

#[test]
fn growth_equals_the_authors_pytorch_step_by_step() {
    let cases = cases();
    let mut rng = RandomState::from_int_seed(2022);
    let mut inputs = Vec::new();
    let mut ours = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let n = c.spec.n_params();
        let params: Vec<f64> = (0..n)
            .map(|_| {
                let u = rng.uniform(-1.0, 1.0);
                // The exploding case: large positive parameters, so the update keeps adding.
                if c.scale > 10.0 {
                    c.scale * u.abs()
                } else {
                    c.scale * u
                }
            })
            .collect();
        let seed = c.seed_type.generate(&c.spec, c.env, &mut rng);
        let nca = Nca::new(&c.spec, &params).unwrap();
        let mut grid = seed.clone();
        let mut grids = Vec::new();
        let res = nca.grow(&mut grid, c.steps, 0, |_, g| grids.push(g.to_vec()));
        ours.push((grids, res.err(), seed.clone()));
        inputs.push(json!({
            "case": i,
            "channels": c.spec.channels, "layers": c.spec.layers, "size": c.spec.size,
            "hidden": c.spec.hidden, "bias": c.spec.bias, "living_channel": c.spec.living_channel,
            "living_threshold": c.spec.living_threshold, "normalise": c.spec.normalise,
            "replace": c.spec.replace, "out_rows": c.spec.out_rows, "steps": c.steps,
            "params": params, "grid": seed, "seed_type": c.seed_type.name(), "env": c.env,
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.json");
    std::fs::write(&path, serde_json::to_vec(&inputs).unwrap()).unwrap();
    let out = common::python_json(
        common::python_script(&common::oracle_script("hypernca_nca.py")).arg(&path),
    );
    let out = out.as_array().unwrap();
    let mut worst = 0.0f64;
    let mut exploded = 0;
    for (i, (c, (grids, err, seed))) in cases.iter().zip(&ours).enumerate() {
        let o = &out[i];
        let label = format!(
            "case {i}: {} channels, {} layers, {}², bias {}, seed {}",
            c.spec.channels,
            c.spec.layers,
            c.spec.size,
            c.spec.bias,
            c.seed_type.name()
        );
        assert_eq!(
            o["n_params"].as_u64().unwrap() as usize,
            c.spec.n_params(),
            "{label}: parameter count"
        );
        if !o["seed"].is_null() {
            assert_eq!(&f64s(&o["seed"]), seed, "{label}: the seed's placement");
        }
        let theirs = o["grids"].as_array().unwrap();
        assert_eq!(grids.len(), theirs.len(), "{label}: steps grown");
        for (k, (g, t)) in grids.iter().zip(theirs).enumerate() {
            let t = f64s(t);
            let scale = t.iter().fold(1.0f64, |m, v| m.max(v.abs()));
            let d = g
                .iter()
                .zip(&t)
                .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
                / scale;
            worst = worst.max(d);
            assert!(
                d < TOL,
                "{label}, step {}: relative difference {d:e}",
                k + 1
            );
        }
        match (err, o["exploded_at"].as_u64()) {
            (None, None) => {}
            (Some(e), Some(at)) => {
                let synapt_safety::nca::GrowError::Exploding { step, .. } = e;
                assert_eq!(*step as u64, at, "{label}: the step that explodes");
                exploded += 1;
            }
            (e, at) => panic!("{label}: ours {e:?}, the oracle's explosion at {at:?}"),
        }
    }
    assert_eq!(exploded, 1, "the exploding case must explode in both");
    eprintln!(
        "{} growths, largest relative difference {worst:e}",
        cases.len()
    );
}
