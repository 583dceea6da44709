//! `cargo bench --bench hypernca [-- GENERATIONS]`: HyperNCA on LunarLander-v2 with the authors'
//! settings (λ 64, σ₀ 0.1, 5 layers, NCA biases, randomU2, 20 NCA steps, their fitness rules), ours
//! (`--train --algo hypernca` through the binary) beside the authors' loop restated in Python
//! (benches/hypernca_authors.py: pycma, PyTorch's NCA, Gymnasium's LunarLander, a process pool), both
//! on every core of this machine for GENERATIONS generations (default 20), in the same bench run.
//! Prints generations per second, environment steps per second and the time of one growth (20 NCA
//! steps) alone. Not a test: it prints a table.

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Instant;

use synapt_safety::env::legacy_rng::RandomState;
use synapt_safety::nca::{Nca, NcaSpec, SeedType};

fn lander() -> NcaSpec {
    NcaSpec {
        bias: true,
        ..NcaSpec::new(2, 5, 8, 4, 4)
    }
}

/// Microseconds per growth of the Lander NCA (20 steps).
fn growth_us() -> f64 {
    let sp = lander();
    let mut rng = RandomState::from_int_seed(1);
    let params: Vec<f64> = (0..sp.n_params()).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let seed = SeedType::RandomU2.generate(&sp, "LunarLander-v2", &mut rng);
    let nca = Nca::new(&sp, &params).unwrap();
    let n = 2000;
    let t = Instant::now();
    let mut sink = 0.0;
    for _ in 0..n {
        let mut g = seed.clone();
        nca.grow(&mut g, 20, 0, |_, _| {}).unwrap();
        sink += g[0];
    }
    std::hint::black_box(sink);
    t.elapsed().as_secs_f64() / n as f64 * 1e6
}

/// Milliseconds per CMA-ES generation (ask, tell) on the Lander NCA's 226 parameters with λ 64.
fn cma_ms() -> f64 {
    use synapt_safety::cma::{CmaEs, CmaOptions};
    let n = lander().n_params();
    let opts = CmaOptions {
        popsize: Some(64),
        seed: 1,
        ..CmaOptions::default()
    };
    let mut es = CmaEs::new(vec![0.0; n], 0.1, opts).unwrap();
    let gens = 30;
    let t = Instant::now();
    for _ in 0..gens {
        let xs = es.ask();
        let f: Vec<f64> = xs.iter().map(|x| x.iter().map(|v| v * v).sum()).collect();
        es.tell(&xs, &f).unwrap();
    }
    t.elapsed().as_secs_f64() / gens as f64 * 1e3
}

fn main() {
    let gens: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let g_ours = growth_us();
    let cma = cma_ms();

    // Ours: the binary, the shipped LunarLander-v2 settings, `gens` generations.
    let dir = tempfile::tempdir().unwrap();
    for f in ["hyperparameters.yml", "specifications.yml"] {
        std::fs::copy(common::root().join(f), dir.path().join(f)).unwrap();
    }
    let t = Instant::now();
    let o = common::run_bin(
        dir.path(),
        &[
            "--train",
            "--algo",
            "hypernca",
            "--env",
            "LunarLander-v2",
            "--iterations",
            &gens.to_string(),
            "--seed",
            "1",
        ],
    );
    let wall_ours = t.elapsed().as_secs_f64();
    common::assert_ok(&o);
    let log = String::from_utf8(common::read(
        dir.path(),
        "Graph/train_hypernca_LunarLander-v2.csv",
    ))
    .unwrap();
    let steps_ours = *common::csv_column(&log, 1).last().unwrap();

    let theirs: Option<serde_json::Value> = Command::new(common::python_path())
        .arg(common::root().join("benches/hypernca_authors.py"))
        .args([gens.to_string(), threads.to_string()])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice(&o.stdout).ok());

    println!(
        "HyperNCA, LunarLander-v2, the authors' settings, {gens} generations of 64, {threads} cores \
         (ours: the whole command, start-up included)\n"
    );
    println!("| | ours | authors' loop (Python) | ratio |");
    println!("|---|---|---|---|");
    let row = |what: &str, a: f64, b: Option<f64>, fmt: &dyn Fn(f64) -> String, higher: bool| {
        let ratio = b.map_or("–".into(), |b| {
            format!("{:.1}×", if higher { a / b } else { b / a })
        });
        println!(
            "| {what} | {} | {} | {ratio} |",
            fmt(a),
            b.map_or("did not run".into(), fmt)
        );
    };
    let f = |k: &str| theirs.as_ref().and_then(|v| v[k].as_f64());
    row(
        "generations / s",
        gens as f64 / wall_ours,
        f("wall_s").map(|w| gens as f64 / w),
        &|v| format!("{v:.2}"),
        true,
    );
    row(
        "environment steps / s",
        steps_ours / wall_ours,
        f("wall_s").zip(f("steps")).map(|(w, s)| s / w),
        &|v| format!("{v:.0}"),
        true,
    );
    row(
        "one growth (20 NCA steps), µs",
        g_ours,
        f("growth_us"),
        &|v| format!("{v:.1}"),
        false,
    );
    println!(
        "\nof ours: one CMA-ES generation (ask, tell; n 226, λ 64, one core) {cma:.1} ms; start-up \
         (libtorch) is in the first row"
    );
    if theirs.is_none() {
        eprintln!("the Python side did not run (bash scripts/test.sh installs its venv)");
    }
}
