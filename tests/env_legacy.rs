//! The gym-0.18-era environments against their PyPI reference packages, step by step: Pendulum-v0
//! (gym 0.18.0), CartPoleSwingUp-v0/v1 (gym-cartpole-swingup 0.1.4) and the pybullet swing-up
//! (pybullet 3.2.7, the long-rail variant through a modified XML), each under NumPy 1 and NumPy 2 where
//! it depends on them; plus the Gymnasium environments whose results depend on NumPy, under NumPy 1.
//! The references run in the virtual environments of tests/oracle/legacy_setup.sh.
mod common;
mod env_traces;

use env_traces::{check_traces, legacy_pythons, num, nums, perturbation, Match};
use synapt_safety::env::{perturb, Action, EnvOptions, Promotion};

fn seeds() -> Vec<u64> {
    (0..12).chain([12345, (1 << 32) + 7, u64::MAX]).collect()
}

fn numpy(p: Promotion) -> (&'static std::path::Path, EnvOptions) {
    let (np1, np2) = legacy_pythons();
    let py = match p {
        Promotion::Numpy1 => np1.as_path(),
        Promotion::Numpy2 => np2.as_path(),
    };
    (py, EnvOptions { promotion: p })
}

fn exact(id: &str, p: Promotion) -> env_traces::Stats {
    let (py, options) = numpy(p);
    check_traces(py, id, &seeds(), options, Match::Exact)
}

#[test]
fn pendulum_v0_numpy1() {
    let st = exact("Pendulum-v0", Promotion::Numpy1);
    assert!(st.steps > 5000 && st.truncated > 0 && st.perturbed > 0);
}

#[test]
fn pendulum_v0_numpy2() {
    let st = exact("Pendulum-v0", Promotion::Numpy2);
    assert!(st.steps > 5000 && st.truncated > 0);
}

#[test]
fn cartpole_swingup_v0_numpy1() {
    let st = exact("CartPoleSwingUp-v0", Promotion::Numpy1);
    assert!(st.steps > 3000 && st.terminated > 0 && st.truncated > 0 && st.perturbed > 0);
}

#[test]
fn cartpole_swingup_v0_numpy2() {
    let st = exact("CartPoleSwingUp-v0", Promotion::Numpy2);
    assert!(st.steps > 3000 && st.terminated > 0 && st.truncated > 0);
}

#[test]
fn cartpole_swingup_v1_numpy1() {
    exact("CartPoleSwingUp-v1", Promotion::Numpy1);
}

#[test]
fn cartpole_swingup_v1_numpy2() {
    exact("CartPoleSwingUp-v1", Promotion::Numpy2);
}

/// The analytic model against pybullet itself, 300 steps per episode: episode 0 random pushes (on odd
/// seeds after a perturbation), episode 1 long pushes into the rail ends with wild swinging. Two
/// measures: one step from pybullet's own state (the model's error), and the free-running episode
/// (that error amplified by the chaotic swing). Returns (one-step max, free-running max of the random
/// episodes, free-running max of the rail-impact episodes).
fn bullet(id: &str, rail: f64) -> (f64, f64, f64) {
    let (py, options) = numpy(Promotion::Numpy1);
    let seeds = seeds();
    let data = env_traces::oracle(py, &env_traces::args(&["traces", id], &seeds));
    let (mut one_step, mut free) = (0.0f64, [0.0f64; 2]);
    let mut max_x = 0.0f64;
    let diff = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    for case in data.as_array().unwrap() {
        let mut env = synapt_safety::env::make_with(id, options).unwrap();
        let mut probe = synapt_safety::env::make_with(id, options).unwrap();
        for (e, ep) in case["episodes"].as_array().unwrap().iter().enumerate() {
            let obs = env.reset(ep["seed"].as_u64());
            free[e] = free[e].max(diff(&obs, &nums(&ep["reset_obs"])));
            let mut prev = nums(&ep["reset_state"]);
            if let Some(p) = ep.get("perturbation") {
                let obs = perturb::apply(env.as_mut(), &perturbation(p)).unwrap();
                free[e] = free[e].max(diff(&obs, &nums(&ep["perturbed_obs"])));
                prev = nums(&ep["perturbed_state"]);
            }
            probe.reset(Some(0));
            for s in ep["steps"].as_array().unwrap().iter().take(300) {
                let action = Action::Continuous(vec![num(&s["action"])]);
                let want = nums(&s["state"]);
                let step = env.step(&action);
                free[e] = free[e].max(diff(&step.obs, &nums(&s["obs"])));
                free[e] = free[e].max(diff(&env.snapshot().state, &want));
                assert!((step.reward - num(&s["reward"])).abs() <= free[e].max(1e-15));
                // One step from pybullet's state.
                let mut snap = probe.snapshot();
                snap.state = prev;
                probe.restore(&snap).unwrap();
                probe.step(&action);
                one_step = one_step.max(diff(&probe.snapshot().state, &want));
                max_x = max_x.max(want[0].abs());
                prev = want;
            }
        }
    }
    eprintln!(
        "{id}: {} seeds x 2 episodes x 300 steps: one step max |difference| {one_step:e}; free \
         running {:e} (random pushes), {:e} (rail impacts); max |x| {max_x}",
        seeds.len(),
        free[0],
        free[1]
    );
    // The episodes did hit the rail ends (the cart overshoots them by up to a few cm).
    assert!(max_x > rail && max_x < rail + 0.06, "{id}: max |x| {max_x}");
    (one_step, free[0], free[1])
}

/// The model's one-step error and its free-running drift on `id` stay within their bounds.
fn bullet_within_bounds(id: &str, rail: f64) {
    let (one, random, impacts) = bullet(id, rail);
    assert!(
        one < 1e-7 && random < 5e-6 && impacts < 1e-3,
        "{one:e} {random:e} {impacts:e}"
    );
}

#[test]
fn bullet_swingup_default_rail() {
    bullet_within_bounds("InvertedPendulumSwingupBulletEnv-v0", 1.0);
}

#[test]
fn bullet_swingup_long_rail() {
    bullet_within_bounds("InvertedPendulumSwingupLongRailBulletEnv-v0", 2.0);
}

/// Gymnasium 1.4.0 under NumPy 1.26.4: the environments whose results depend on the promotion rules.
#[test]
fn gymnasium_under_numpy1() {
    for id in ["Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1"] {
        let st = exact(id, Promotion::Numpy1);
        assert!(st.steps > 3000, "{id}");
    }
}
