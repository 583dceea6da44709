//! For every environment: exact replay (reset(seed) + perturbation + recorded actions reproduce the
//! episode bit for bit), snapshots that continue bit for bit, and `--test` with a random actor.
mod common;

use synapt_safety::env::rng::NpRng;
use synapt_safety::env::{self, make, Action, Env, Perturbation, Space, ENV_IDS};
use synapt_safety::policy::Actor;
use synapt_safety::rollout::{record_episode, replay};
use synapt_safety::train::net::{init_actor, Init};

/// A deterministic random actor (PyTorch's default init, float32 values).
fn random_actor(env: &dyn Env, seed: u64) -> Actor {
    let sizes = [
        env.observation_space().size(),
        64,
        64,
        env.action_space().size(),
    ];
    init_actor(&sizes, Init::TorchDefault, &mut NpRng::from_seed(seed))
}

/// A point inside every parameter's default box (a falsifier's candidate).
fn perturbation(env: &dyn Env, t: f64) -> Perturbation {
    let params = env.perturbations();
    let values: Vec<f64> = params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let u = (t + 0.37 * i as f64).fract();
            p.low + (p.high - p.low) * u
        })
        .collect();
    Perturbation::from_values(&params, &values)
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn replay_is_bit_exact_for_every_environment() {
    for id in ENV_IDS {
        let mut env = make(id).unwrap();
        let actor = random_actor(env.as_ref(), 7);
        for (seed, t) in [(3u64, 0.25), (11, 0.8)] {
            let p = perturbation(env.as_ref(), t);
            let rec = record_episode(env.as_mut(), &actor, seed, &p, usize::MAX).unwrap();
            assert!(!rec.actions.is_empty());
            assert!(rec.terminated || rec.truncated, "{id}");
            // Replay in a fresh environment, and in the same one after other episodes.
            let mut fresh = make(id).unwrap();
            fresh.reset(Some(seed + 1));
            for e in [&mut fresh, &mut env] {
                let again = replay(e.as_mut(), seed, &p, &rec.actions).unwrap();
                assert_eq!(again.actions, rec.actions, "{id}");
                assert_eq!(again.terminated, rec.terminated, "{id}");
                assert_eq!(again.truncated, rec.truncated, "{id}");
                assert_eq!(bits(&again.rewards), bits(&rec.rewards), "{id}");
                for (a, b) in again.observations.iter().zip(&rec.observations) {
                    assert_eq!(bits(a), bits(b), "{id} seed {seed}");
                }
            }
            // The perturbation changed the start (a falsifier's point is not a no-op).
            let plain =
                replay(env.as_mut(), seed, &Perturbation::new(), &rec.actions[..1]).unwrap();
            assert_ne!(plain.observations[0], rec.observations[0], "{id}");
        }
    }
}

#[test]
fn snapshots_continue_bit_for_bit_for_every_environment() {
    for id in ENV_IDS {
        let mut env = make(id).unwrap();
        let actor = random_actor(env.as_ref(), 5);
        let space = env.action_space();
        let mut scratch = Default::default();
        env.reset(Some(42));
        let p = perturbation(env.as_ref(), 0.5);
        let mut obs = env::perturb::apply(env.as_mut(), &p).unwrap();
        for _ in 0..17 {
            let a = actor.act_with(&obs, &space, &mut scratch);
            obs = env.step(&a).obs;
        }
        let snap = env.snapshot();
        assert_eq!(snap.env, *id);
        assert_eq!(snap.elapsed, Some(17));
        // Serialisable: through YAML and back.
        let text = serde_yaml::to_string(&snap).unwrap();
        let back: env::Snapshot = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, snap, "{id}");

        let mut other = make(id).unwrap();
        other.reset(Some(1));
        other.restore(&back).unwrap();
        // Continue both, including a reset(None) that draws from the restored RNG.
        let mut o2 = obs.clone();
        for t in 0..40 {
            let a = actor.act_with(&obs, &space, &mut scratch);
            let (s1, s2) = (env.step(&a), other.step(&a));
            assert_eq!(bits(&s1.obs), bits(&s2.obs), "{id} step {t}");
            assert_eq!(s1.reward.to_bits(), s2.reward.to_bits(), "{id}");
            assert_eq!((s1.terminated, s1.truncated), (s2.terminated, s2.truncated));
            obs = s1.obs;
            o2 = s2.obs;
        }
        assert_eq!(bits(&obs), bits(&o2));
        assert_eq!(bits(&env.reset(None)), bits(&other.reset(None)), "{id}");
        // A snapshot does not fit another environment.
        let wrong = if *id == "CartPole-v0" {
            "Pendulum-v1"
        } else {
            "CartPole-v0"
        };
        assert!(make(wrong).unwrap().restore(&snap).is_err());
    }
}

#[test]
fn actions_of_the_wrong_kind_are_refused() {
    for id in ENV_IDS {
        let mut env = make(id).unwrap();
        env.reset(Some(0));
        let bad = match env.action_space() {
            Space::Discrete { .. } => Action::Continuous(vec![0.0]),
            Space::Box { .. } => Action::Discrete(0),
        };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| env.step(&bad)));
        assert!(r.is_err(), "{id}");
    }
}

#[test]
fn test_stage_runs_a_random_actor_on_every_environment() {
    let dir = tempfile::tempdir().unwrap();
    for id in ENV_IDS {
        let env = make(id).unwrap();
        let path = dir.path().join(format!("random_{id}.pth"));
        random_actor(env.as_ref(), 1).save(&path).unwrap();
        let out = common::run_bin(
            dir.path(),
            &[
                "--test",
                "--env",
                id,
                "--actor",
                path.to_str().unwrap(),
                "--episodes",
                "3",
            ],
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{id}: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(id) && stdout.contains("mean"),
            "{id}: {stdout}"
        );
    }
}

#[test]
fn list_envs_prints_spaces_perturbations_and_limits() {
    let out = common::run_bin(std::path::Path::new("."), &["--list-envs"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for id in ENV_IDS {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("masspole") && text.contains("[0.05, 0.15]"));
    assert!(text.contains("1000 steps") && text.contains("500 steps"));
    assert!(text.contains("Box(1): [-2, 2]"));
    // float32's largest bound, as NumPy prints it, once for a box whose bounds are all the same.
    assert!(
        text.contains("Box(5): [-3.4028235e38, 3.4028235e38] each"),
        "{text}"
    );
    assert!(!text.contains("340282350000"), "{text}");
}

#[test]
fn unknown_ids_suggest_the_closest_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_bin(
        dir.path(),
        &["--test", "--env", "pendulum-v0", "--actor", "none.pth"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown environment `pendulum-v0`"), "{err}");
    assert!(err.contains("the closest: `Pendulum-v0`"), "{err}");
}
