//! The reachers on rapier3d beside pybullet 3.2.7 running the same MJCF (`cargo bench --bench reacher
//! -- [--episodes N] [--no-python]`): the dynamics table of docs/reachers.md (a push on the shoulder,
//! Reacher3D falling under gravity, the mean joint speed under random actions) and the speed table (µs
//! a step, µs an RGB observation). pybullet's side is `benches/reacher_pybullet.py` in the gym-0.18
//! venv of tests/oracle/legacy_setup.sh. There is no Roboschool to run: pybullet is its sibling (the
//! same Bullet MJCF importer), and both sides here start at exactly 0 and take the same actions.
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/env_traces/mod.rs"]
mod env_traces;

use std::hint::black_box;
use std::time::Instant;

use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::env::rapier::reacher::Reacher;
use synapt_safety::env::{self, Action, Env};
use synapt_safety::report::Table;

/// Reacher `id` with its hinges starting at exactly 0 (as pybullet's side does).
fn reacher(id: &str) -> Reacher {
    Reacher::from_name(&format!("{id}:reset_noise=0")).unwrap()
}

/// The mean |q̇| over `episodes` random-action episodes of 300 steps from q = 0.
fn speed(id: &str, episodes: usize) -> f64 {
    let (mut total, mut count) = (0.0, 0);
    for ep in 0..episodes as u32 {
        let mut r = reacher(id);
        r.reset(Some(0));
        let mut rng = RandomState::from_int_seed(1000 + ep);
        for _ in 0..300 {
            let a = (0..r.action_space().size())
                .map(|_| rng.uniform(-1.0, 1.0))
                .collect();
            r.step(&Action::Continuous(a));
            for (_, qd) in r.arm().joint_state() {
                total += qd.abs();
                count += 1;
            }
        }
    }
    total / count as f64
}

/// µs a step of `id` under random actions.
fn us_per_step(id: &str, steps: usize) -> f64 {
    let mut e = env::make(id).unwrap();
    let n = e.action_space().size();
    let mut rng = RandomState::from_int_seed(1);
    e.reset(Some(0));
    let clock = Instant::now();
    for k in 0..steps {
        let a = (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let s = e.step(black_box(&Action::Continuous(a)));
        if s.truncated {
            e.reset(Some(k as u64));
        }
    }
    clock.elapsed().as_secs_f64() / steps as f64 * 1e6
}

fn us_per_image(w: usize, h: usize, n: usize) -> f64 {
    let mut r = reacher("SocialReacher-v0");
    r.reset(Some(0));
    let clock = Instant::now();
    for _ in 0..n {
        black_box(r.rgb(w, h));
    }
    clock.elapsed().as_secs_f64() / n as f64 * 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let episodes = args
        .iter()
        .position(|a| a == "--episodes")
        .map_or(100, |i| args[i + 1].parse().expect("--episodes N"));
    let python = !args.iter().any(|a| a == "--no-python");

    let mut plane = reacher("ReacherPlane-v0");
    plane.reset(Some(0));
    let mut push = Vec::new();
    for t in 1..=50 {
        plane.step(&Action::Continuous(vec![1.0, 0.0]));
        if t == 20 || t == 50 {
            push.push(plane.arm().joint_state()[0].0);
        }
    }
    let mut arm3 = reacher("Reacher3D-v0");
    arm3.reset(Some(0));
    let mut fall = Vec::new();
    for t in 1..=100 {
        arm3.step(&Action::Continuous(vec![0.0; 3]));
        if t == 20 || t == 100 {
            fall.push(arm3.current_key_points()[1][2]);
        }
    }
    let ours = [
        push[0],
        push[1],
        fall[0],
        fall[1],
        speed("ReacherPlane-v0", episodes),
        speed("Reacher3D-v0", episodes),
    ];
    let theirs = python.then(|| {
        let v = env_traces::pybullet_json("benches/reacher_pybullet.py", &[episodes.to_string()]);
        let f = |x: &serde_json::Value| x.as_f64().unwrap();
        (
            [
                f(&v["plane_push"][0]),
                f(&v["plane_push"][1]),
                f(&v["fall_3d"][0]),
                f(&v["fall_3d"][1]),
                f(&v["plane_speed"]),
                f(&v["speed_3d"]),
            ],
            f(&v["us_per_step"]),
        )
    });
    println!(
        "The reachers: rapier3d (ours) beside pybullet 3.2.7 on the same MJCF, {episodes} random-action episodes\n"
    );
    let mut t = Table::new(["measure", "ours", "pybullet", "ours / pybullet"]);
    let names = [
        "plane, a = (1, 0): shoulder angle after 20 steps (rad)",
        "plane, a = (1, 0): shoulder angle after 50 steps (rad)",
        "3-D, zero action from level: hand z after 20 steps (m)",
        "3-D, zero action from level: hand z after 100 steps (m)",
        "plane, random actions: mean |joint speed| (rad/s)",
        "3-D, random actions: mean |joint speed| (rad/s)",
    ];
    for (k, name) in names.iter().enumerate() {
        let b = theirs.as_ref().map(|(v, _)| v[k]);
        t.row([
            name.to_string(),
            format!("{:.3}", ours[k]),
            b.map_or("–".into(), |b| format!("{b:.3}")),
            b.map_or("–".into(), |b| format!("{:.2}", ours[k] / b)),
        ]);
    }
    print!("{}", t.markdown());

    println!("\nSpeed (one core)\n");
    let mut s = Table::new(["measure", "ours", "pybullet"]);
    let plane_us = us_per_step("ReacherPlane-v0", 200_000);
    s.row([
        "µs / step, ReacherPlane-v0, random actions".to_string(),
        format!("{plane_us:.2}"),
        theirs
            .as_ref()
            .map_or("–".into(), |(_, us)| format!("{us:.2} (Python included)")),
    ]);
    for id in ["Reacher3D-v0", "SocialReacher-v0"] {
        s.row([
            format!("µs / step, {id}, random actions"),
            format!("{:.2}", us_per_step(id, 200_000)),
            "–".into(),
        ]);
    }
    for (w, h, n) in [(40, 40, 2000), (100, 100, 300), (600, 384, 20)] {
        s.row([
            format!("µs / RGB observation {w}×{h} (`Reacher::rgb`)"),
            format!("{:.0}", us_per_image(w, h, n)),
            "–".into(),
        ]);
    }
    print!("{}", s.markdown());
}
