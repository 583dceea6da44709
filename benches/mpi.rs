//! `cargo bench --features mpi --bench mpi`: the `mpi` feature on this machine (Open MPI over
//! loopback). Prints three tables (docs/mpi.md records them):
//!
//! 1. Generations (or campaigns) per second of real runs for 1 process and 1, 2 and 4 ranks, every
//!    rank on one thread: CMA-ES on Pendulum-v1 (λ 15 and the champion, 3 episodes of 200 steps), HyperNCA on
//!    LunarLander-v2 with the authors' settings (λ 64, one episode), and a falsification study (8
//!    BO runs of 55 evaluations on CartPole-v0). Generations per second come from the training log's
//!    wall clock (the learner's own time, without MPI's start-up).
//! 2. What one exchange costs: this bench re-runs itself under mpirun and times `dist::map` over 64
//!    items that cost nothing (HyperNCA's generation with free episodes), per round.
//! 3. CMA-ES's update (ask + tell, the eigendecomposition included) at HyperNCA's sizes, which every
//!    rank computes: the serial part that bounds the speed-up.
//!
//! Not a test: it prints tables.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use synapt_safety::cma::{CmaEs, CmaOptions};
use synapt_safety::dist;

const BIN: &str = env!("CARGO_BIN_EXE_synapt-safety");

fn mpirun(n: usize) -> Command {
    let mut cmd = Command::new("mpirun");
    cmd.env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
        .args(["--oversubscribe", "-n", &n.to_string()]);
    cmd
}

/// Run `args` in `dir`, as one process (`ranks` 0) or under mpirun; the wall time of the command.
fn run(dir: &Path, ranks: usize, args: &[&str]) -> f64 {
    let mut cmd = if ranks == 0 {
        Command::new(BIN)
    } else {
        let mut c = mpirun(ranks);
        c.arg(BIN);
        c
    };
    let start = Instant::now();
    let o = cmd
        .current_dir(dir)
        .args(args)
        .args(["--threads", "1"])
        .output()
        .expect("mpirun");
    assert!(
        o.status.success(),
        "{args:?} on {ranks} ranks: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    start.elapsed().as_secs_f64()
}

/// The last `wall_s` of a training log: the learner's own seconds.
fn log_wall(path: &Path) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "wall_s").unwrap();
    let last = lines.last().unwrap();
    last.split(',').nth(col).unwrap().parse().unwrap()
}

const RANKS: [(usize, &str); 4] = [
    (0, "1 process"),
    (1, "1 rank"),
    (2, "2 ranks"),
    (4, "4 ranks"),
];

fn scaling() {
    println!("## Real runs, one thread per rank (2 cores here: 4 ranks oversubscribe)\n");
    println!("| workload | unit | 1 process | 1 rank | 2 ranks | 4 ranks | speed-up at 2 / 4 |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    type Workload<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Vec<&'a str>,
        Option<&'a str>,
        f64,
    );
    let workloads: Vec<Workload> = vec![
        (
            "CMA-ES, Pendulum-v1 (λ 15 + the champion, 3 × 200 steps)",
            "generations/s",
            "",
            vec![
                "--train",
                "--algo",
                "cma",
                "--env",
                "Pendulum-v1",
                "--iterations",
                "300",
            ],
            Some("Graph/train_cma_Pendulum-v1.csv"),
            300.0,
        ),
        (
            "HyperNCA, LunarLander-v2 (λ 64, authors' settings)",
            "generations/s",
            "",
            vec![
                "--train",
                "--algo",
                "hypernca",
                "--env",
                "LunarLander-v2",
                "--iterations",
                "20",
            ],
            Some("Graph/train_hypernca_LunarLander-v2.csv"),
            20.0,
        ),
        (
            "--falsify --runs 8, CartPole-v0 (BO, 55 evaluations each)",
            "campaigns/s",
            "ppo_actorCartPole-v0_0.78.pth",
            vec![
                "--env",
                "CartPole-v0",
                "--actor",
                "ppo_actorCartPole-v0_0.78.pth",
                "--falsify",
                "--falsify-method",
                "bo",
                "--spec",
                "upright",
                "--runs",
                "8",
                "--budget",
                "50",
            ],
            None,
            8.0,
        ),
    ];
    for (name, unit, actor, args, log, units) in workloads {
        let mut rates = Vec::new();
        for (ranks, _) in RANKS {
            let dir = tempfile::tempdir().unwrap();
            if !actor.is_empty() {
                // The shipped CartPole actor, pruned here (a clean clone has only the dense one).
                common::pruned_cartpole(dir.path());
            }
            let wall = run(dir.path(), ranks, &args);
            let secs = log.map_or(wall, |l| log_wall(&dir.path().join(l)));
            rates.push(units / secs);
        }
        println!(
            "| {name} | {unit} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2}× / {:.2}× |",
            rates[0],
            rates[1],
            rates[2],
            rates[3],
            rates[2] / rates[1],
            rates[3] / rates[1]
        );
    }
    println!();
}

/// Under mpirun (`SYNAPT_BENCH_EXCHANGE=rounds`): time `rounds` exchanges of 64 free items, print
/// from rank 0.
fn exchange_child(rounds: usize) {
    let _mpi = dist::start(Duration::from_secs(60)).unwrap();
    let _sharing = dist::Sharing::begin();
    let items: Vec<u64> = (0..64).collect();
    // HyperNCA's evaluation record: reward, steps, episodes.
    let eval = |_: &mut (), &i: &u64| Ok((-(i as f64) * 1.5, 1000u64 + i, 1u64));
    for _ in 0..20 {
        dist::map(&items, dist::Local::Sequential, || (), eval).unwrap();
    }
    let start = Instant::now();
    for _ in 0..rounds {
        dist::map(&items, dist::Local::Sequential, || (), eval).unwrap();
    }
    let per = start.elapsed().as_secs_f64() / rounds as f64;
    if dist::rank() == 0 {
        println!("{per}");
    }
}

fn exchange() {
    println!("## One exchange: 64 results gathered on rank 0 and sent back to every rank\n");
    println!("| ranks | µs per exchange |");
    println!("|---:|---:|");
    let me = std::env::current_exe().unwrap();
    for n in [2, 4, 8] {
        let o = mpirun(n)
            .env("SYNAPT_BENCH_EXCHANGE", "2000")
            .arg(&me)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        let per: f64 = text.trim().parse().unwrap_or(f64::NAN);
        println!("| {n} | {:.0} |", per * 1e6);
    }
    println!();
}

fn cma_update() {
    println!("## CMA-ES update (ask + tell), λ 64: the serial part every rank computes\n");
    println!("| parameters | ms per generation |");
    println!("|---:|---:|");
    for n in [226, 1480, 3000] {
        let mut es = CmaEs::new(
            vec![0.0; n],
            0.1,
            CmaOptions {
                popsize: Some(64),
                seed: 1,
                ..CmaOptions::default()
            },
        )
        .unwrap();
        let gens = if n > 2000 { 3 } else { 10 };
        let f: Vec<f64> = (0..64).map(|i| i as f64).collect();
        let start = Instant::now();
        for _ in 0..gens {
            let xs = es.ask();
            es.tell(&xs, &f).unwrap();
        }
        println!(
            "| {n} | {:.1} |",
            start.elapsed().as_secs_f64() * 1e3 / gens as f64
        );
    }
    println!();
}

fn main() {
    if let Ok(r) = std::env::var("SYNAPT_BENCH_EXCHANGE") {
        exchange_child(r.parse().unwrap());
        return;
    }
    if Command::new("mpirun").arg("--version").output().is_err() {
        eprintln!("mpi bench: no mpirun here (apt-get install openmpi-bin libopenmpi-dev)");
        std::process::exit(1);
    }
    // `SYNAPT_BENCH_ONLY=exchange` (or scaling, cma) runs one table.
    let only = std::env::var("SYNAPT_BENCH_ONLY").unwrap_or_default();
    let want = |t: &str| only.is_empty() || only == t;
    if want("scaling") {
        scaling();
    }
    if want("exchange") {
        exchange();
    }
    if want("cma") {
        cma_update();
    }
}
