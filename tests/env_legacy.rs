//! The gym-0.18-era environments against their PyPI reference packages, step by step: Pendulum-v0
//! (gym 0.18.0), CartPoleSwingUp-v0/v1 (gym-cartpole-swingup 0.1.4), the pybullet swing-up
//! (pybullet 3.2.7, the long-rail variant through a modified XML) and pybullet's balance task, each
//! under NumPy 1 and NumPy 2 where it depends on them; plus the Gymnasium environments whose results depend on NumPy, under NumPy 1.
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
    (
        py,
        EnvOptions {
            promotion: p,
            ..EnvOptions::default()
        },
    )
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

/// The largest absolute difference between `a` and `b`, element by element.
fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// pybullet's balance task, InvertedPendulumBulletEnv-v0, against pybullet itself, whole episodes.
/// Episode 0: random pushes from `reset(seed)` (on odd seeds after a perturbation); the pole falls
/// past |theta| = 0.2 within tens of steps and the episode terminates. Episode 1 (`reset()`, the RNG
/// not reseeded): the oracle's balancing controller with random pushes, which holds the pole up to the
/// 1000-step limit on even seeds and drives the cart into a rail end, where the pole falls, on odd
/// ones. An open-loop replay of a balanced pole would diverge at the upright's exponential rate
/// whatever the model's error, so the controller is closed here on our own observations: the oracle
/// records its feed-forward part and gains, and the action is the same float32 of the same sum. Three
/// steps past every end. Measures as for the swing-up: one step from pybullet's state with pybullet's
/// action, and the free-running episodes; rewards (1.0) are exact and the flags equal, but for an
/// angle within the measured error of 0.2.
#[test]
fn bullet_balance() {
    let id = "InvertedPendulumBulletEnv-v0";
    let (py, options) = numpy(Promotion::Numpy1);
    let seeds = seeds();
    let data = env_traces::oracle(py, &env_traces::args(&["traces", id], &seeds));
    let (mut one_step, mut free) = (0.0f64, [0.0f64; 2]);
    let (mut steps, mut terminated, mut truncated, mut perturbed) = (0, [0; 2], 0, 0);
    let (mut rail_hits, mut same_action, mut max_x) = (0, 0, 0.0f64);
    for case in data.as_array().unwrap() {
        let seed = case["seed"].as_u64().unwrap();
        let mut env = synapt_safety::env::make_with(id, options).unwrap();
        let mut probe = synapt_safety::env::make_with(id, options).unwrap();
        probe.reset(Some(0));
        for (e, ep) in case["episodes"].as_array().unwrap().iter().enumerate() {
            let at = format!("{id} seed {seed} episode {e}");
            let obs = env.reset(ep["seed"].as_u64());
            // The reset draws one uniform from gym's RandomState: the angle is pybullet's exactly.
            assert_eq!(env.snapshot().state, nums(&ep["reset_state"]), "{at}");
            free[e] = free[e].max(max_diff(&obs, &nums(&ep["reset_obs"])));
            let mut obs = obs;
            let mut prev = nums(&ep["reset_state"]);
            if let Some(p) = ep.get("perturbation") {
                obs = perturb::apply(env.as_mut(), &perturbation(p)).unwrap();
                free[e] = free[e].max(max_diff(&obs, &nums(&ep["perturbed_obs"])));
                prev = nums(&ep["perturbed_state"]);
                perturbed += 1;
            }
            let gains = ep.get("gains").map(nums);
            let mut ended = false;
            let mut ep_max_x = 0.0f64;
            for (t, s) in ep["steps"].as_array().unwrap().iter().enumerate() {
                let at = format!("{at} step {t}");
                let recorded = num(&s["action"]);
                let action = match &gains {
                    // The oracle's controller on our observation, summed in its order.
                    Some(k) => {
                        let u = num(&s["u0"])
                            + k[0] * obs[0]
                            + k[1] * obs[1]
                            + k[2] * obs[3]
                            + k[3] * obs[4];
                        let a = u as f32 as f64;
                        same_action += (a == recorded) as usize;
                        a
                    }
                    None => recorded,
                };
                let want = nums(&s["state"]);
                let step = env.step(&Action::Continuous(vec![action]));
                free[e] = free[e].max(max_diff(&step.obs, &nums(&s["obs"])));
                free[e] = free[e].max(max_diff(&env.snapshot().state, &want));
                assert_eq!(step.reward, num(&s["reward"]), "{at}");
                assert_eq!(step.reward, 1.0, "{at}");
                // pybullet's `done` is |theta| > 0.2; gym 0.18's TimeLimit calls a step truncated only
                // when the environment is not done.
                let (want_term, want_trunc) = (
                    s["terminated"].as_bool().unwrap(),
                    s["truncated"].as_bool().unwrap(),
                );
                let near_limit = (want[2].abs() - 0.2).abs() <= free[e];
                assert!(step.terminated == want_term || near_limit, "{at}");
                assert_eq!(step.truncated && !step.terminated, want_trunc, "{at}");
                if !ended && (want_term || want_trunc) {
                    ended = true;
                    terminated[e] += want_term as usize;
                    truncated += want_trunc as usize;
                }
                // One step from pybullet's state with pybullet's action.
                let mut snap = probe.snapshot();
                snap.state = prev;
                probe.restore(&snap).unwrap();
                let one = probe.step(&Action::Continuous(vec![recorded]));
                one_step = one_step.max(max_diff(&probe.snapshot().state, &want));
                assert!(
                    one.terminated == want_term || (want[2].abs() - 0.2).abs() < 1e-7,
                    "{at}"
                );
                ep_max_x = ep_max_x.max(want[0].abs());
                prev = want;
                obs = step.obs;
                steps += 1;
            }
            assert!(ended, "{at}: the episode ends (terminated or truncated)");
            rail_hits += (ep_max_x > 1.0) as usize;
            max_x = max_x.max(ep_max_x);
        }
    }
    eprintln!(
        "{id}: {} seeds x 2 episodes, {steps} steps ({} + {} terminated, {truncated} truncated, \
         {perturbed} perturbed, {rail_hits} into a rail end, {same_action} closed-loop actions equal \
         to pybullet's): one step max |difference| {one_step:e}; free running {:e} (random pushes), \
         {:e} (closed loop); max |x| {max_x}",
        seeds.len(),
        terminated[0],
        terminated[1],
        free[0],
        free[1]
    );
    // Every random episode falls; the controlled ones run to the limit or into a rail end and fall.
    let n = seeds.len();
    assert_eq!(terminated[0], n);
    assert!(terminated[1] + truncated == n && truncated > 0 && terminated[1] > 0);
    assert!(rail_hits > 0 && max_x < 1.06 && perturbed > 0);
    assert!(
        one_step < 1e-7 && free[0] < 1e-7 && free[1] < 5e-7,
        "{one_step:e} {:e} {:e}",
        free[0],
        free[1]
    );
}

/// The balance task's reset, many seeds: `env.seed(s); env.reset()` in pybullet puts the pole at
/// U(-0.1, 0.1) from gym's seeded RandomState, one draw, the cart at rest at 0.
#[test]
fn bullet_balance_resets() {
    let id = "InvertedPendulumBulletEnv-v0";
    let (py, options) = numpy(Promotion::Numpy1);
    let seeds: Vec<u64> = (0..64).chain([12345, (1 << 32) + 7, u64::MAX]).collect();
    let data = env_traces::oracle(py, &env_traces::args(&["resets", id], &seeds));
    let mut env = synapt_safety::env::make_with(id, options).unwrap();
    let mut worst = 0.0f64;
    for r in data.as_array().unwrap() {
        let seed = r["seed"].as_u64().unwrap();
        let obs = env.reset(Some(seed));
        let state = nums(&r["state"]);
        assert_eq!(env.snapshot().state, state, "seed {seed}");
        assert!(state[2].abs() < 0.1 && state[0] == 0.0 && state[3] == 0.0);
        worst = worst.max(max_diff(&obs, &nums(&r["obs"])));
    }
    eprintln!(
        "{id}: {} seeds, reset observations within {worst:e}",
        seeds.len()
    );
    assert!(worst <= 1e-15, "{worst:e}");
}

/// Gymnasium 1.4.0 under NumPy 1.26.4: the environments whose results depend on the promotion rules.
#[test]
fn gymnasium_under_numpy1() {
    for id in ["Pendulum-v1", "MountainCarContinuous-v0", "CartPole-v1"] {
        let st = exact(id, Promotion::Numpy1);
        assert!(st.steps > 3000, "{id}");
    }
}
