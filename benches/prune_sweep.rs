//! `cargo bench --bench prune_sweep`: the `--sweep` behind PruVer's "Prune percentage vs rewards"
//! figure, 10 values of k × 100 CartPole-v1 episodes with the shipped actor, beside the same sweep done
//! the PruVer way in Python (SciPy pruning, torch.save, Gymnasium evaluation). Prints a table;
//! docs/speed.md records its figures.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use synapt_safety::policy::Actor;
use synapt_safety::prune::{self, Method, PruneOptions};
use synapt_safety::report::Table;
use synapt_safety::rollout;

/// Best of `n` runs, in seconds.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.unwrap())
}

fn main() {
    let root = common::root();
    let actor_path = common::shipped("bc_actorCartPole-v1.pth");
    let actor = Actor::load(&actor_path).expect("the shipped actor loads");
    let ks = prune::parse_k_list("0.5,0.55,...,0.95").unwrap();
    let episodes = 100;
    let opts = PruneOptions {
        env_id: "CartPole-v1".into(),
        env_options: Default::default(),
        method: Method::Pruver,
        k: 0.7,
        seed: 0,
        episodes,
        isdiscrete: false,
        elite: None,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    // Pruning alone: PruVer's mask for the whole actor at one k.
    let (mask_s, _) = best_of(20, || {
        black_box(prune::prune(&actor, Method::Pruver, 0.7, 0))
    });

    // The sweep as --sweep runs it: every (actor, episode) pair shared out over all cores.
    let (sweep_s, sweep) = best_of(3, || prune::sweep(&opts, &actor_path, &ks).unwrap());
    let nets: Vec<Actor> = std::iter::once(actor.clone())
        .chain(
            ks.iter()
                .map(|&k| prune::prune(&actor, Method::Pruver, k, 0).unwrap()),
        )
        .collect();
    let steps: usize = prune::evaluate_many("CartPole-v1", &nets, episodes, 0)
        .unwrap()
        .iter()
        .flatten()
        .map(|e| e.length)
        .sum();
    // The same, one k after the other, each k's episodes split evenly over the cores in advance.
    let (per_k_s, _) = best_of(3, || {
        for n in &nets {
            black_box(rollout::evaluate("CartPole-v1", n, episodes, 0).unwrap());
        }
    });
    // The same on one core.
    let (one_core_s, _) = best_of(1, || {
        let mut env = synapt_safety::env::make("CartPole-v1").unwrap();
        for n in &nets {
            for s in 0..episodes as u64 {
                black_box(rollout::run_episode(env.as_mut(), n, s, 500));
            }
        }
    });

    // PruVer's way, in Python.
    let py = common::python_json(
        common::python_script(&root.join("benches/prune_sweep_python.py"))
            .arg(root.join("tests/oracle"))
            .arg(&actor_path)
            .arg(episodes.to_string())
            .args(ks.iter().map(|k| k.to_string())),
    );
    let py_s = py["seconds"].as_f64().unwrap();
    // Python's loop evaluates the 10 pruned actors only; ours evaluates the dense actor too (the chart's
    // reference line), so the comparison favours Python. Both means are reported so the two sweeps can
    // be seen to agree.
    let same_means = sweep.points.iter().all(|p| {
        let theirs = py["means"][p.k.to_string()].as_f64().unwrap();
        (theirs - p.summary.mean).abs() < 1e-6
    });

    let mut t = Table::new(["work", "time", "vs Python"]);
    let secs = |s: f64| format!("{s:.3} s");
    t.row([
        "prune the 4→128→128→2 actor, PruVer's rule, one k".to_string(),
        format!("{:.2} ms", mask_s * 1e3),
        String::new(),
    ]);
    t.row([
        format!(
            "--sweep: 10 k + dense × {episodes} episodes ({steps} steps), {cores} cores, shared work"
        ),
        secs(sweep_s),
        format!("{:.0}× faster", py_s / sweep_s),
    ]);
    t.row([
        format!("  the same, k after k, episodes split in advance over {cores} cores"),
        secs(per_k_s),
        format!("{:.0}× faster", py_s / per_k_s),
    ]);
    t.row([
        "  the same, 1 core".to_string(),
        secs(one_core_s),
        format!("{:.0}× faster", py_s / one_core_s),
    ]);
    t.row([
        "PruVer's way in Python: SciPy prune, torch.save, Gymnasium (10 k, no dense)".to_string(),
        secs(py_s),
        String::new(),
    ]);
    println!("\n{t}");
    println!(
        "mean returns per k equal to Python's (float64, within 1e-6): {}",
        if same_means { "yes" } else { "NO" }
    );
    for p in &sweep.points {
        println!(
            "  k = {:<5} sparsity {:>6.2}%  mean return {:8.3}  Python {:8.3}",
            p.k,
            100.0 * p.sparsity,
            p.summary.mean,
            py["means"][p.k.to_string()].as_f64().unwrap()
        );
    }
}
