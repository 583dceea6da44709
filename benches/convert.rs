//! `cargo bench --bench convert`: `--convert` beside PyTorch's exporter, and what the VNN-LIB queries
//! cost a verifier. Not a test: it prints two tables.
//!
//! 1. The shipped PruVer-layout actors written as ONNX by src/convert/onnx.rs (median of 200 runs,
//!    in-process) and by `torch.onnx.export` (benches/convert_torch.py, run here in the same bench run:
//!    median of 5 after a warm-up, one thread): time, file size, and the largest difference between
//!    the two files' outputs in onnxruntime on 1,000 inputs in [−1, 1].
//! 2. The command line on CartPole-v0 (the shipped actor pruned at k = 0.78, its failures of `upright`
//!    from a 30-evaluation random campaign): `--convert` alone and with `--vnnlib 'argmax = dense'
//!    --vnnlib-eps 0.001` (median of 5 wall times, start-up included), and Marabou 2.0 on the queries
//!    against the pruned and the dense network (tests/oracle/onnx_oracle.py): answers and seconds
//!    per query.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use synapt_safety::convert::onnx;
use synapt_safety::policy::Actor;
use synapt_safety::report::Table;

const ACTORS: [&str; 4] = [
    "ppo_actorCartPole-v0.pth",
    "ppo_actorCartPole-v0_0.78.pth",
    "ppo_actorLunarLanderContinuous-v2.pth",
    "ppo_actorBipedalWalker-v3.pth",
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median wall time of `runs` runs of the binary in `dir`.
fn wall(dir: &Path, args: &[&str], runs: usize) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                let o = Command::new(env!("CARGO_BIN_EXE_synapt-safety"))
                    .current_dir(dir)
                    .args(args)
                    .output()
                    .unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The pruned actor is not shipped: prune it here (with its failures of `upright`, for part 2);
    // the others are read where they are shipped.
    common::cartpole_failures(d);
    let source = |name: &str| {
        let local = d.join(name);
        if local.exists() {
            local
        } else {
            common::shipped(name)
        }
    };

    // 1. Ours beside torch.onnx.export.
    let mut ours = Vec::new();
    let mut args: Vec<String> = vec![d.display().to_string()];
    for name in ACTORS {
        let actor = Actor::load(&source(name)).unwrap();
        let times: Vec<f64> = (0..200)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(onnx::to_bytes(&actor, "", &[]));
                t.elapsed().as_secs_f64()
            })
            .collect();
        let bytes = onnx::to_bytes(&actor, "", &[]);
        let path = d.join(format!("{name}.onnx"));
        std::fs::write(&path, &bytes).unwrap();
        args.push(source(name).display().to_string());
        args.push(path.display().to_string());
        ours.push((name, actor.shape_string(), median(times), bytes.len()));
    }
    let script = common::root().join("benches/convert_torch.py");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let torch = common::python_json(common::python_script(&script).args(&args));
    let mut t = Table::new([
        "actor",
        "shape",
        "ours µs",
        "torch.onnx.export ms",
        "speed-up",
        "ours bytes",
        "torch bytes",
        "max |Δ| output",
    ]);
    for (name, shape, secs, bytes) in &ours {
        let r = &torch[source(name).display().to_string()];
        let ms = r["export_ms"].as_f64().unwrap();
        t.row(vec![
            name.to_string(),
            shape.clone(),
            format!("{:.0}", secs * 1e6),
            format!("{ms:.1}"),
            format!("{:.0}×", ms / 1e3 / secs),
            bytes.to_string(),
            r["bytes"].to_string(),
            format!("{:.1e}", r["max_diff"].as_f64().unwrap()),
        ]);
    }
    println!(
        "ONNX export, ours (src/convert/onnx.rs) beside PyTorch's (torch.onnx.export, opset 13):\n"
    );
    print!("{t}");

    // 2. The command line, and Marabou on the queries.
    let pruned = "ppo_actorCartPole-v0_0.78.pth";
    let env = ["--env", "CartPole-v0"];
    let csv = "Failure_Trajectories/CartPole-v0_ppo_actorCartPole-v0_0.78_upright_random.csv";
    let convert = ["--actor", pruned, "--convert"];
    let plain = wall(d, &[&env[..], &convert[..]].concat(), 5);
    let mut t = Table::new([
        "command (CartPole-v0)",
        "queries",
        "wall s",
        "Marabou",
        "s per query",
    ]);
    t.row(vec![
        format!("--actor {pruned} --convert"),
        "0".into(),
        format!("{plain:.3}"),
        "–".into(),
        "–".into(),
    ]);
    for (actor, pruned_flag) in [
        ("ppo_actorCartPole-v0.pth", Some(pruned)),
        ("ppo_actorCartPole-v0.pth", None),
    ] {
        let mut args = vec!["--actor", actor];
        if let Some(p) = pruned_flag {
            args.extend(["--pruned", p]);
        }
        args.extend([
            "--convert",
            "--vnnlib",
            "argmax = dense",
            "--failures",
            csv,
            "--vnnlib-eps",
            "0.001",
        ]);
        let secs = wall(d, &[&env[..], &args[..]].concat(), 5);
        let stem = pruned_flag.unwrap_or(actor).trim_end_matches(".pth");
        let folder = d.join(format!("{stem}_vnnlib"));
        let mut queries: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .filter(|p| p.ends_with(".vnnlib"))
            .collect();
        queries.sort();
        let onnx_path = d.join(format!("{stem}.onnx")).display().to_string();
        let mut margs = vec!["marabou", onnx_path.as_str()];
        margs.extend(queries.iter().map(String::as_str));
        let started = Instant::now();
        let v: serde_json::Value =
            serde_json::from_str(&common::run_oracle("onnx_oracle.py", &margs)).unwrap();
        let per_query = started.elapsed().as_secs_f64() / queries.len() as f64;
        let sat = queries
            .iter()
            .filter(|q| v[q.as_str()]["result"] == "sat")
            .count();
        let unsat = queries
            .iter()
            .filter(|q| v[q.as_str()]["result"] == "unsat")
            .count();
        t.row(vec![
            format!(
                "{} --convert --vnnlib 'argmax = dense' --vnnlib-eps 0.001",
                pruned_flag.map_or(format!("--actor {actor}"), |p| format!("--pruned {p}"))
            ),
            queries.len().to_string(),
            format!("{secs:.3}"),
            format!("{sat} sat, {unsat} unsat"),
            format!("{per_query:.3}"),
        ]);
    }
    println!("\nThe command line (median of 5 runs, start-up included), and Marabou 2.0 on its queries:\n");
    print!("{t}");
}
