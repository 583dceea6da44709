//! `--ppo pruver` against PyTorch: one iteration of PruVer's update (rewards-to-go, normalised
//! advantages, full-batch epochs, separate Adams, the softmax-over-the-batch of its discrete actor)
//! computed here and by `tests/oracle/ppo_pruver.py` from the same networks and batch.

mod common;

use std::path::Path;

use synapt_safety::env::rng::NpRng;
use synapt_safety::policy::Actor;
use synapt_safety::train::net::{init_actor, Adam, Init, Params};
use synapt_safety::train::ppo::{pruver_update, PruverBatch};
use tch::{Device, Tensor};

struct Case {
    obs_dim: usize,
    act_dim: usize,
    discrete: bool,
    episodes: Vec<usize>,
    seed: u64,
}

/// Largest |a − b| over the weights and biases of two networks of the same shape, per tensor.
fn diffs(a: &Actor, b: &Actor) -> Vec<(String, f64)> {
    let m = |x: &[f64], y: &[f64]| {
        x.iter()
            .zip(y)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f64::max)
    };
    a.layers
        .iter()
        .zip(&b.layers)
        .enumerate()
        .flat_map(|(i, (x, y))| {
            [
                (format!("layer{}.weight", i + 1), m(&x.weight, &y.weight)),
                (
                    format!("layer{}.bias", i + 1),
                    m(x.bias.as_ref().unwrap(), y.bias.as_ref().unwrap()),
                ),
            ]
        })
        .collect()
}

/// The largest difference, leaving out `skip`.
fn max_diff_but(a: &Actor, b: &Actor, skip: Option<&str>) -> f64 {
    diffs(a, b)
        .iter()
        .filter(|(name, _)| Some(name.as_str()) != skip)
        .map(|x| x.1)
        .fold(0.0, f64::max)
}

fn max_diff(a: &Actor, b: &Actor) -> f64 {
    max_diff_but(a, b, None)
}

fn run(case: &Case, dir: &Path) -> (f64, f64, f64) {
    tch::set_num_threads(1);
    let mut rng = NpRng::from_seed(case.seed);
    let actor = init_actor(
        &[case.obs_dim, 128, 128, case.act_dim],
        Init::TorchDefault,
        &mut rng,
    );
    let critic = init_actor(&[case.obs_dim, 128, 128, 1], Init::TorchDefault, &mut rng);
    let n: usize = case.episodes.iter().sum();
    let obs: Vec<Vec<f32>> = (0..n)
        .map(|_| {
            (0..case.obs_dim)
                .map(|_| rng.uniform(-2.0, 2.0) as f32)
                .collect()
        })
        .collect();
    let rewards: Vec<Vec<f64>> = case
        .episodes
        .iter()
        .map(|&len| (0..len).map(|_| rng.uniform(-3.0, 1.0)).collect())
        .collect();
    let flat: Vec<f32> = obs.iter().flatten().copied().collect();
    let obs_t = Tensor::from_slice(&flat).view([n as i64, case.obs_dim as i64]);
    let (acts_t, acts_json) = if case.discrete {
        let a: Vec<i64> = (0..n)
            .map(|_| rng.integers(0, case.act_dim as i64))
            .collect();
        (Tensor::from_slice(&a), serde_json::json!(a))
    } else {
        let a: Vec<Vec<f32>> = (0..n)
            .map(|_| {
                (0..case.act_dim)
                    .map(|_| rng.uniform(-2.0, 2.0) as f32)
                    .collect()
            })
            .collect();
        let flat: Vec<f32> = a.iter().flatten().copied().collect();
        (
            Tensor::from_slice(&flat).view([n as i64, case.act_dim as i64]),
            serde_json::json!(a),
        )
    };
    let (gamma, lr, clip, n_updates) = (0.99, 1e-3, 0.2, 5);

    let paths = [
        "actor.pth",
        "critic.pth",
        "actor_out.pth",
        "critic_out.pth",
        "in.json",
    ]
    .map(|f| dir.join(f));
    actor.save(&paths[0]).unwrap();
    critic.save(&paths[1]).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let input = serde_json::json!({
        "actor": s(&paths[0]), "critic": s(&paths[1]),
        "actor_out": s(&paths[2]), "critic_out": s(&paths[3]),
        "obs": obs, "acts": acts_json, "rewards": rewards,
        "gamma": gamma, "lr": lr, "clip": clip, "n_updates": n_updates,
        "discrete": case.discrete,
    });
    std::fs::write(&paths[4], input.to_string()).unwrap();
    common::run_oracle("ppo_pruver.py", &[&s(&paths[4])]);
    let (want_actor, want_critic) = (
        Actor::load(&paths[2]).unwrap(),
        Actor::load(&paths[3]).unwrap(),
    );

    let mut params = Params::new(&actor, &critic, None, Device::Cpu);
    let mut adam = Adam::new(&params);
    let batch = PruverBatch::new(obs_t, acts_t, &rewards, gamma, case.discrete);
    pruver_update(&mut params, &mut adam, &batch, n_updates, lr, clip);
    let (got_actor, got_critic) = (params.mlp(&params.actor), params.mlp(&params.critic));
    // Under PruVer's softmax over the batch, adding a constant to one output for every row changes no
    // probability, so the true gradient of the last bias is exactly zero: both sides move it by float
    // noise that Adam scales up to full steps. It is left out of the comparison (and bounded below).
    let skip = case.discrete.then_some("layer3.bias");
    (
        max_diff_but(&got_actor, &want_actor, skip),
        max_diff(&got_critic, &want_critic),
        // How far the update moved the actor, so the comparison is not vacuous.
        max_diff(&actor, &want_actor),
    )
}

fn check(case: Case) {
    let dir = tempfile::tempdir().unwrap();
    let (da, dc, moved) = run(&case, dir.path());
    // Five Adam steps of lr 1e-3 move weights by up to 5e-3; PyTorch and libtorch sum in different
    // orders, and Adam turns the smallest gradients' float noise into visible steps, so allow 2e-5
    // (a hundredth of a step), which a wrong rule (a missing normalisation, a wrong log-probability)
    // exceeds by orders of magnitude.
    assert!(moved > 1e-3, "the update barely moved the actor ({moved})");
    assert!(da < 2e-5, "actor differs from PyTorch's by {da}");
    assert!(dc < 2e-5, "critic differs from PyTorch's by {dc}");
}

#[test]
fn continuous_update_equals_pruvers_pytorch() {
    check(Case {
        obs_dim: 3,
        act_dim: 1,
        discrete: false,
        episodes: vec![200, 200, 57],
        seed: 1,
    });
    check(Case {
        obs_dim: 8,
        act_dim: 2,
        discrete: false,
        episodes: vec![90, 1, 300],
        seed: 2,
    });
}

#[test]
fn discrete_update_equals_pruvers_pytorch_softmax_over_the_batch_included() {
    check(Case {
        obs_dim: 4,
        act_dim: 2,
        discrete: true,
        episodes: vec![30, 12, 200, 9],
        seed: 3,
    });
}
