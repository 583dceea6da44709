//! Per-step time of every environment (`cargo bench --bench envs`): one `step` through the `make`d
//! environment (time limit included), resetting when an episode ends, with actions cycling over a
//! fixed set so that every branch (clipping, rail impacts, termination) is taken.
use std::hint::black_box;
use std::time::Instant;

use synapt_safety::env::{self, Action, Space};

fn main() {
    println!("{:<46} {:>12}", "environment", "ns / step");
    for id in env::ENV_IDS {
        let mut e = env::make(id).unwrap();
        let actions: Vec<Action> = match e.action_space() {
            Space::Discrete { n } => (0..n).map(Action::Discrete).collect(),
            Space::Box { low, .. } => [1.5, 0.3, -0.7, 1.0, -1.0, 0.05]
                .iter()
                .map(|&a| Action::Continuous(vec![a; low.len()]))
                .collect(),
        };
        e.reset(Some(0));
        let mut run = |n: usize| {
            let mut seed = 1;
            for i in 0..n {
                let s = e.step(black_box(&actions[(i / 7) % actions.len()]));
                if s.terminated || s.truncated {
                    e.reset(Some(seed));
                    seed += 1;
                }
                black_box(s);
            }
        };
        // Warm up, then time about a second's worth of steps.
        let t = Instant::now();
        run(20_000);
        let n = ((20_000.0 / t.elapsed().as_secs_f64()) as usize).clamp(20_000, 2_000_000);
        let t = Instant::now();
        run(n);
        let ns = t.elapsed().as_secs_f64() * 1e9 / n as f64;
        println!("{id:<46} {ns:>12.1}");
    }
}
