//! The fuzz targets' inputs replayed without a fuzzer: every seed of fuzz/corpus/<target> and every
//! input a fuzzer ever crashed (fuzz/regressions/<target>, kept by fuzz/run.sh) goes through
//! `synapt_safety::fuzzing::run`, which must return without a panic. A crash a fuzzer finds becomes a
//! regression test by being added there.

use std::path::Path;

use synapt_safety::fuzzing::{run, TARGETS};

#[test]
fn every_corpus_and_regression_input_is_read_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut seen = 0;
    for target in TARGETS {
        let mut seeds = 0;
        for folder in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
                continue;
            };
            for e in entries {
                let path = e.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(target, &data));
                assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
                seeds += (folder == "corpus") as usize;
                seen += 1;
            }
        }
        assert!(seeds > 0, "fuzz/corpus/{target} is empty");
    }
    eprintln!("{seen} inputs replayed");
}

/// The seeds are real files the readers accept (a corpus of files every reader refuses would only
/// fuzz the first check).
#[test]
fn the_seeds_are_files_the_readers_accept() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let read = |t: &str, f: &str| std::fs::read(root.join(t).join(f)).unwrap();
    let sd =
        synapt_safety::policy::pth::from_bytes(&read("pth", "tiny.pth"), Path::new("tiny.pth"))
            .unwrap();
    synapt_safety::policy::Actor::from_state_dict(&sd, Path::new("tiny.pth")).unwrap();
    synapt_safety::policy::pth::from_bytes(&read("pth", "tiny_legacy.pth"), Path::new("l.pth"))
        .unwrap();
    synapt_safety::policy::pickle::load(&read("pickle", "data.pkl"), 0).unwrap();
    synapt_safety::policy::npy::vector_from_bytes(&read("npy", "vector.npy")).unwrap();
    let poses = synapt_safety::targets::Targets::from_npz_bytes(&read("targets", "poses.npz"));
    assert_eq!(poses.unwrap().len(), 3);
    synapt_safety::policy::nca::authors::config_from_yaml(&read(
        "hypernca_config",
        "nca_config.yml",
    ))
    .unwrap();
    synapt_safety::policy::nca::authors::config_from_pickle(&read("hypernca_config", "nca.config"))
        .unwrap();
    let text = String::from_utf8(read("arch", "es_actorCartPole-v1.arch.json")).unwrap();
    synapt_safety::policy::arch::ArchFile::parse(&text, Path::new("a.arch.json")).unwrap();
    for (f, id) in [
        ("cartpole.csv", "CartPole-v0:max_episode_steps=6"),
        ("pendulum.csv", "Pendulum-v1:max_episode_steps=5"),
    ] {
        let e = synapt_safety::env::make(id).unwrap();
        let file = synapt_safety::trajectory::parse_failures(
            &read("failures", f),
            Path::new(f),
            id,
            e.observation_names(),
            &e.action_space(),
        )
        .unwrap();
        assert_eq!(file.failures.len(), 1);
    }
    // Each checkpoint (`<algo>_checkpoint<ENV>.json`) resumes with its own learner and no other.
    let mut algos = Vec::new();
    for e in std::fs::read_dir(root.join("checkpoint")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        let algo = name.split("_checkpoint").next().unwrap().to_string();
        let resumed = synapt_safety::fuzzing::resumed_by(&read("checkpoint", &name));
        assert_eq!(resumed, [algo.as_str()], "{name}");
        algos.push(algo);
    }
    algos.sort();
    assert_eq!(
        algos,
        [
            "cma",
            "cosyne",
            "es",
            "mk1",
            "mk2",
            "mk2.5",
            "ppo",
            "simple-cma"
        ]
    );
}
