//! `cargo bench --bench foundation`: the foundation's speed beside PyTorch + Gymnasium on the same
//! machine. Prints a table; docs/speed.md records its figures.
//!
//! - the actor's forward pass (PruVer's 4→128→128→2 CartPole actor, one observation): our plain-Rust
//!   pass, libtorch's through tch, and PyTorch's from Python;
//! - one environment step: ours and Gymnasium's;
//! - `--test`'s evaluation of 100 episodes: ours (all cores, and one core) and Python's loop.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use synapt_safety::env::{self, Action};
use synapt_safety::policy::torch::TchActor;
use synapt_safety::policy::{Actor, Scratch};
use synapt_safety::report::Table;
use synapt_safety::rollout;
use tch::nn::Module;

/// Best-of-5 mean seconds per call of `f` over `n` calls.
fn per_call(n: usize, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_secs_f64() / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let root = common::root();
    let actor_path = common::shipped("bc_actorCartPole-v1.pth");
    let actor = Actor::load(&actor_path).expect("the shipped actor loads");
    let episodes = 100;

    // Forward passes.
    let obs = [
        0.01f32 as f64,
        -0.02f32 as f64,
        0.03f32 as f64,
        0.04f32 as f64,
    ];
    let mut scratch = Scratch::default();
    let ours_fwd = per_call(20_000, || {
        black_box(actor.forward_with(black_box(&obs), &mut scratch));
    });
    tch::set_num_threads(1);
    let net = TchActor::from_mlp(&actor, tch::Device::Cpu);
    let x = tch::Tensor::from_slice(&obs).to_kind(tch::Kind::Float);
    let tch_fwd = per_call(5_000, || {
        let _g = tch::no_grad_guard();
        let _ = black_box(net.forward(&x));
    });

    // Environment steps.
    let step_time = |id: &str, action: Action| {
        let mut e = env::make(id).unwrap();
        e.reset(Some(0));
        per_call(200_000, || {
            let s = e.step(black_box(&action));
            if s.terminated || s.truncated {
                e.reset(None);
            }
        })
    };
    let cart_step = step_time("CartPole-v1", Action::Discrete(1));
    let pend_step = step_time("Pendulum-v1", Action::Continuous(vec![0.5]));

    // Evaluation, as --test runs it.
    let t = Instant::now();
    let eps = rollout::evaluate("CartPole-v1", &actor, episodes, 0).unwrap();
    let eval_all = t.elapsed().as_secs_f64();
    let steps: usize = eps.iter().map(|e| e.length).sum();
    let t = Instant::now();
    let mut e = env::make("CartPole-v1").unwrap();
    for i in 0..episodes as u64 {
        black_box(rollout::run_episode(e.as_mut(), &actor, i, 500));
    }
    let eval_one = t.elapsed().as_secs_f64();

    // The same work in Python.
    let py = common::python_json(
        common::python_script(&root.join("benches/python_side.py"))
            .arg(root.join("tests/oracle"))
            .arg(&actor_path)
            .arg(episodes.to_string()),
    );
    let pyf = |k: &str| py[k].as_f64().unwrap();
    assert_eq!(py["eval_steps"].as_u64().unwrap() as usize, steps);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut t = Table::new([
        "work",
        "synapt-safety",
        "Python (PyTorch + Gymnasium)",
        "speed-up",
    ]);
    let us = |s: f64| format!("{:.3} µs", s * 1e6);
    let row = |t: &mut Table, what: &str, ours: f64, theirs: f64, fmt: &dyn Fn(f64) -> String| {
        t.row([
            what.to_string(),
            fmt(ours),
            fmt(theirs),
            format!("{:.0}×", theirs / ours),
        ]);
    };
    row(
        &mut t,
        "actor forward 4→128→128→2, plain Rust",
        ours_fwd,
        pyf("forward_us") * 1e-6,
        &us,
    );
    t.row([
        "actor forward, libtorch via tch (1 thread)".to_string(),
        us(tch_fwd),
        String::new(),
        String::new(),
    ]);
    row(
        &mut t,
        "CartPole-v1 step",
        cart_step,
        pyf("CartPole-v1_step_us") * 1e-6,
        &us,
    );
    row(
        &mut t,
        "Pendulum-v1 step",
        pend_step,
        pyf("Pendulum-v1_step_us") * 1e-6,
        &us,
    );
    let secs = |s: f64| format!("{s:.3} s");
    row(
        &mut t,
        &format!("--test, {episodes} CartPole-v1 episodes ({steps} steps), {cores} cores"),
        eval_all,
        pyf("eval_seconds"),
        &secs,
    );
    row(
        &mut t,
        &format!("--test, {episodes} CartPole-v1 episodes, 1 core"),
        eval_one,
        pyf("eval_seconds"),
        &secs,
    );
    println!("\n{t}");
}
