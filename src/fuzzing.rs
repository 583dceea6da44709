//! The fuzz targets' entry points: fuzz/targets/*.rs call [`run`] under AFL++ (fuzz/run.sh), and
//! tests/fuzz_corpus.rs replays every corpus file and every input a fuzzer ever crashed through it.
//! Each target reads bytes as one of the program's readers does; whatever the bytes, it must return
//! without a panic, an abort or an allocation out of proportion to them (docs/limits.md).

use std::path::Path;

use crate::env;
use crate::falsify::catalog::Catalog;
use crate::falsify::spec::Formula;
use crate::policy::{arch::ArchFile, npy, pickle, pth, Actor};

/// Every target, by name (each has a corpus in fuzz/corpus/<name>).
pub const TARGETS: [&str; 10] = [
    "pth",
    "pickle",
    "npy",
    "failures",
    "yaml",
    "formula",
    "hypernca_config",
    "arch",
    "checkpoint",
    "targets",
];

/// Read `data` as target `target` does. An unknown target name is a programming error: it panics.
pub fn run(target: &str, data: &[u8]) {
    let path = Path::new("fuzz-input");
    let text = || String::from_utf8_lossy(data);
    match target {
        // The zip container, the pickle inside, then the actor built from the state_dict.
        "pth" => {
            if let Ok(sd) = pth::from_bytes(data, path) {
                let _ = Actor::from_state_dict(&sd, path);
            }
        }
        "pickle" => {
            let _ = pickle::load(data, 0);
        }
        "npy" => {
            let _ = npy::population_from_bytes(data);
            let _ = npy::vector_from_bytes(data);
        }
        // A failures file of CartPole-v0 (discrete) and of Pendulum-v1 (continuous), short variants
        // (the corpus files are of these ids).
        "failures" => {
            for id in [
                "CartPole-v0:max_episode_steps=6",
                "Pendulum-v1:max_episode_steps=5",
            ] {
                let e = env::make(id).expect("a registered environment");
                let _ = crate::trajectory::parse_failures(
                    data,
                    path,
                    id,
                    e.observation_names(),
                    &e.action_space(),
                );
            }
        }
        // hyperparameters.yml and specifications.yml, whose formulas are then parsed.
        "yaml" => {
            let t = text();
            let _ = crate::config::Hyperparameters::parse(&t, path);
            if let Ok(cat) = Catalog::parse(&t, path) {
                let e = env::make("CartPole-v0").expect("a registered environment");
                let _ = cat.get(e.as_ref(), None);
            }
        }
        // A formula over CartPole's signals, evaluated on a short trace.
        "formula" => {
            let signals: Vec<String> = [
                "x",
                "x_dot",
                "theta",
                "theta_dot",
                "action",
                "reward",
                "return",
                "t",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            if let Ok(f) = Formula::parse(&text(), &signals) {
                let trace: Vec<Vec<f64>> = (0..signals.len())
                    .map(|k| (0..5).map(|i| (i * 3 + k) as f64 * 0.1 - 0.5).collect())
                    .collect();
                let _ = f.robustness(&trace);
            }
        }
        "hypernca_config" => {
            let _ = crate::policy::nca::authors::config_from_yaml(data);
            let _ = crate::policy::nca::authors::config_from_pickle(data);
        }
        "arch" => {
            let _ = ArchFile::parse(&text(), path);
        }
        "checkpoint" => {
            let _ = resumed_by(data);
        }
        // A pose-mimicry data set (`--targets`): the zip, its four arrays and the pose checks.
        "targets" => {
            let _ = crate::targets::Targets::from_npz_bytes(data);
        }
        other => panic!("no fuzz target `{other}`; the targets are {TARGETS:?}"),
    }
}

/// The learners that resume a training checkpoint whose bytes are `data`, as `--resume` does
/// (target `checkpoint`): every learner tries (each refuses another's format first), for the
/// environment the file names, so the stored settings, states and shapes all reach the learners'
/// checks. Nothing is written but the checkpoint itself, in a temporary folder removed at the end: the
/// learners write only when they run, and here they are only built.
pub fn resumed_by(data: &[u8]) -> Vec<&'static str> {
    use crate::train::{checkpoint::Checkpoint, cma, cosyne, es, hypernca, synaptolysis};
    // The file `--resume` reads, in a folder of its own (tests call this from several threads).
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "synapt-fuzz-checkpoint-{}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("checkpoint.json");
    std::fs::write(&file, data).expect("the checkpoint written");
    // The environment the checkpoint names, when it names one (a wrong one is refused by name).
    let env_id = serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.get("env_id")?.as_str().map(str::to_string))
        .filter(|id| id.len() < 256 && env::make(id).is_ok())
        .unwrap_or_else(|| "CartPole-v1".to_string());
    let id = env_id.as_str();
    let options = env::EnvOptions::default();
    let at = |name: &str| dir.join(name);
    let mut resumed = Vec::new();
    if let Ok(c) = Checkpoint::load(&file) {
        if c.restore(options, tch::Device::Cpu, &file).is_ok() {
            resumed.push("ppo");
        }
    }
    let es = es::EsFiles {
        actor: at("a.pth"),
        checkpoint: file.clone(),
        log: at("l.csv"),
        curve: at("c.png"),
        tensorboard: None,
    };
    if es::Es::resume(id, options, None, &es).is_ok() {
        resumed.push("es");
    }
    let cma = cma::CmaFiles {
        actor: es.actor.clone(),
        checkpoint: file.clone(),
        log: es.log.clone(),
        curve: es.curve.clone(),
        tensorboard: None,
    };
    if cma::Cma::resume(id, options, None, &cma).is_ok() {
        resumed.push("cma");
    }
    let cosyne = cosyne::Files {
        actor: es.actor.clone(),
        checkpoint: file.clone(),
        log: es.log.clone(),
        curve: es.curve.clone(),
        tensorboard: None,
    };
    if cosyne::Cosyne::resume(id, options, None, &cosyne).is_ok() {
        resumed.push("cosyne");
    }
    let hypernca = hypernca::Files {
        actor: es.actor.clone(),
        checkpoint: file.clone(),
        log: es.log.clone(),
        curve: es.curve.clone(),
        tensorboard: None,
        run_dir: at("run"),
    };
    if hypernca::HyperNca::resume(id, options, None, &hypernca).is_ok() {
        resumed.push("hypernca");
    }
    for method in synaptolysis::Method::ALL {
        let files = synaptolysis::Files {
            actor: es.actor.clone(),
            elites: at("e.npy"),
            checkpoint: file.clone(),
            log: es.log.clone(),
            curve: es.curve.clone(),
            tensorboard: None,
            fitness: at("f.png"),
            connections: at("n.png"),
            lineup: at("u.png"),
        };
        if synaptolysis::Synaptolysis::resume(id, options, method, None, &files).is_ok() {
            resumed.push(method.name());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    resumed
}
