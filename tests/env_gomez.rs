//! Gomez's pole-balancing benchmarks against `tests/oracle/gomez_cartpole.py`, a plain-Python
//! transcription of the CoSyNE paper's Appendix A: long balanced episodes (a linear controller closed on
//! our state, with noise), random pushes that fail and keep stepping after the failure, perturbed
//! starts and physics, the `cart_friction`/`theta0_deg` keywords and Gruau's generalisation starts.
//! States and observations agree within 1e-12 (measured: bit for bit), rewards, `terminated` and the
//! `wobble` info identically.
mod common;

use serde_json::{json, Value};
use synapt_safety::env::classic::gomez::{self, GENERALISATION_STEPS, IDS, SOLVED_STEPS};
use synapt_safety::env::{make, perturb, Action, Perturbation};

/// xorshift64*: the test's deterministic noise, in [0, 1).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// LQR gains (discrete, Q = I, R = 1, linearised without cart friction) on the unscaled state, in
/// units of the action (10 N).
fn gains(poles: usize) -> &'static [f64] {
    if poles == 1 {
        &[0.091, 0.21, 3.013, 0.772]
    } else {
        &[-0.068, -0.172, -4.503, -1.195, 3.816, 0.321]
    }
}

/// How an episode chooses its actions.
#[derive(Clone, Copy)]
enum Policy {
    /// The controller on the full state (from a snapshot, so the NoVel ids balance too), plus
    /// uniform noise of this amplitude.
    Balance(f64),
    /// Uniform in [−1.5, 1.5], every third action inside the force floor (|a| < 1/256).
    Random,
}

struct Case {
    name: String,
    id: &'static str,
    kwargs: Vec<(&'static str, f64)>,
    perturbation: Perturbation,
    policy: Policy,
    steps: usize,
    seed: u64,
    /// Whether the controller must keep the poles up (the generalisation starts may fail).
    must_balance: bool,
}

/// What our environment did: the states (after reset and perturbation, then after each step),
/// observations, rewards, flags and wobble, and the actions to replay in the oracle.
#[derive(Default)]
struct Run {
    actions: Vec<f64>,
    states: Vec<Vec<f64>>,
    obs: Vec<Vec<f64>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
    wobble: Vec<f64>,
}

fn env_name(c: &Case) -> String {
    if c.kwargs.is_empty() {
        c.id.to_string()
    } else {
        let kv: Vec<String> = c.kwargs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}:{}", c.id, kv.join(","))
    }
}

fn run(c: &Case) -> Run {
    let mut env = make(&env_name(c)).unwrap();
    let poles = if c.id.starts_with("Double") { 2 } else { 1 };
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15 ^ c.seed);
    env.reset(Some(c.seed));
    let mut r = Run::default();
    r.obs
        .push(perturb::apply(env.as_mut(), &c.perturbation).unwrap());
    r.states.push(env.snapshot().state);
    for t in 0..c.steps {
        let a = match c.policy {
            Policy::Balance(amp) => {
                let s = r.states.last().unwrap();
                let u: f64 = gains(poles).iter().zip(s).map(|(k, x)| k * x).sum();
                u + amp * (2.0 * noise.next() - 1.0)
            }
            Policy::Random => {
                let u = 2.0 * noise.next() - 1.0;
                if t % 3 == 0 {
                    u * 0.99 / 256.0
                } else {
                    1.5 * u
                }
            }
        };
        let s = env.step(&Action::Continuous(vec![a]));
        r.actions.push(a);
        r.states.push(env.snapshot().state);
        r.obs.push(s.obs);
        r.rewards.push(s.reward);
        r.terminated.push(s.terminated);
        r.truncated.push(s.truncated);
        r.wobble.push(s.info.get("wobble").unwrap());
    }
    r
}

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(common::json_f64s)
        .collect()
}

/// Largest absolute difference between two lists of vectors of equal shapes.
fn max_diff(a: &[Vec<f64>], b: &[Vec<f64>], what: &str) -> f64 {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let mut m = 0.0f64;
    for (t, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x.len(), y.len(), "{what}: step {t}");
        for (p, q) in x.iter().zip(y) {
            m = m.max((p - q).abs());
        }
    }
    m
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for (k, &id) in IDS.iter().enumerate() {
        let seed = k as u64;
        let double = id.starts_with("Double");
        let case = |name: &str, policy, steps, kwargs, perturbation| Case {
            name: format!("{id} {name}"),
            id,
            kwargs,
            perturbation,
            policy,
            steps,
            seed,
            must_balance: matches!(policy, Policy::Balance(_)),
        };
        // The benchmark's start, balanced for 4000 steps (the force floor makes the controller chatter).
        v.push(case(
            "balanced",
            Policy::Balance(0.2),
            4000,
            vec![],
            Perturbation::new(),
        ));
        // Random pushes: the poles fall within tens of steps; stepping on, they swing and spin.
        v.push(case(
            "random",
            Policy::Random,
            1500,
            vec![],
            Perturbation::new(),
        ));
        // Every parameter inside its default box (physics included), the C code's frictionless cart
        // and another start angle.
        let env = make(id).unwrap();
        let params = env.perturbations();
        let values: Vec<f64> = params
            .iter()
            .enumerate()
            .map(|(i, p)| p.low + (p.high - p.low) * (0.2 + 0.6 * ((i * 7) % 10) as f64 / 10.0))
            .collect();
        v.push(case(
            "perturbed, cart_friction=0, theta0_deg=2",
            Policy::Balance(0.1),
            3000,
            vec![("cart_friction", 0.0), ("theta0_deg", 2.0)],
            Perturbation::from_values(&params, &values),
        ));
        // Two of Gruau's generalisation starts (a far corner and the middle), for the test's 1000 steps.
        let names = if id.starts_with("Single") {
            ["x", "x_dot", "theta", "theta_dot"]
        } else {
            ["x", "x_dot", "theta1", "theta1_dot"]
        };
        let starts = gomez::generalisation_starts();
        for i in [0usize, 312, 443] {
            let mut p = Perturbation::new();
            for (n, &val) in names.iter().zip(&starts[i]) {
                p = p.with(n, val);
            }
            v.push(Case {
                must_balance: false,
                ..case(
                    &format!("generalisation start {i}"),
                    Policy::Balance(0.0),
                    GENERALISATION_STEPS,
                    vec![("max_episode_steps", GENERALISATION_STEPS as f64)],
                    p,
                )
            });
        }
        // The random case on a perturbed double pole: the short pole fails first.
        if double {
            v.push(case(
                "random, short pole tilted",
                Policy::Random,
                800,
                vec![],
                Perturbation::new()
                    .with("theta2", 0.03)
                    .with("theta2_dot", -0.05),
            ));
        }
    }
    v
}

#[test]
fn trajectories_match_the_papers_equations_in_python() {
    let cases = cases();
    let runs: Vec<Run> = cases.iter().map(run).collect();
    let request = json!({
        "episodes": cases.iter().zip(&runs).map(|(c, r)| {
            let mut e = json!({
                "id": c.id,
                "perturbation": c.perturbation.0,
                "actions": r.actions,
            });
            for (k, v) in &c.kwargs {
                if *k != "max_episode_steps" {
                    e[*k] = json!(v);
                }
            }
            e
        }).collect::<Vec<_>>(),
    });
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("episodes.json");
    std::fs::write(&input, serde_json::to_vec(&request).unwrap()).unwrap();
    let out = common::output_ok(
        common::python_script(&common::oracle_script("gomez_cartpole.py"))
            .stdin(std::fs::File::open(&input).unwrap()),
        "failed to start the Python oracle",
        "gomez_cartpole.py failed",
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let episodes = got["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), cases.len());

    let (mut worst_state, mut worst_obs, mut steps) = (0.0f64, 0.0f64, 0);
    let (mut failed, mut balanced) = (0, 0);
    for ((c, r), o) in cases.iter().zip(&runs).zip(episodes) {
        let name = &c.name;
        let ds = max_diff(&r.states, &rows(&o["states"]), name);
        let dobs = max_diff(&r.obs, &rows(&o["obs"]), name);
        assert!(
            ds <= 1e-12 && dobs <= 1e-12,
            "{name}: state {ds:e}, obs {dobs:e}"
        );
        assert_eq!(r.rewards, common::json_f64s(&o["rewards"]), "{name}");
        let term: Vec<bool> = o["terminated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_bool().unwrap())
            .collect();
        assert_eq!(r.terminated, term, "{name}");
        let dw = r
            .wobble
            .iter()
            .zip(common::json_f64s(&o["wobble"]))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(dw <= 1e-12, "{name}: wobble {dw:e}");
        worst_state = worst_state.max(ds);
        worst_obs = worst_obs.max(dobs);
        steps += r.actions.len();
        // The cases do what they say: the balanced ones never fail, the random ones do.
        match c.policy {
            Policy::Balance(_) => {
                let fell = r.terminated.iter().any(|&t| t);
                assert!(!(c.must_balance && fell), "{name} failed");
                if fell {
                    failed += 1;
                } else {
                    balanced += 1;
                }
            }
            Policy::Random => {
                let first = r.terminated.iter().position(|&t| t).expect(name);
                assert!(first < 200, "{name}: {first}");
                assert!(r.rewards[..=first].iter().all(|&x| x == 1.0));
                // After the failure (as Gymnasium's CartPole): 0.0 while failed, 1.0 where a
                // swinging pole passes back within the bounds.
                for t in first + 1..r.rewards.len() {
                    assert_eq!(r.rewards[t], !r.terminated[t] as u8 as f64, "{name} {t}");
                }
                failed += 1;
            }
        }
        // The time limit: 100,000 steps, or the generalisation test's 1000.
        let limit = c
            .kwargs
            .iter()
            .find(|(k, _)| *k == "max_episode_steps")
            .map_or(SOLVED_STEPS, |(_, v)| *v as usize);
        for (t, &tr) in r.truncated.iter().enumerate() {
            assert_eq!(tr, t + 1 >= limit, "{name} step {t}");
        }
    }
    eprintln!(
        "{} episodes ({balanced} balanced, {failed} failing), {steps} steps: max |state diff| \
         {worst_state:e}, max |obs diff| {worst_obs:e}",
        cases.len()
    );
}

/// The NoVel ids observe the same state as their full ids, without the velocities.
#[test]
fn no_velocity_ids_drop_the_velocities() {
    for (full, novel, keep) in [
        ("SinglePole-v0", "SinglePoleNoVel-v0", &[0usize, 2][..]),
        ("DoublePole-v0", "DoublePoleNoVel-v0", &[0, 2, 4][..]),
    ] {
        let (mut a, mut b) = (make(full).unwrap(), make(novel).unwrap());
        let (mut oa, mut ob) = (a.reset(Some(0)), b.reset(Some(0)));
        for t in 0..300 {
            let want: Vec<f64> = keep.iter().map(|&i| oa[i]).collect();
            assert_eq!(ob, want, "{novel} {t}");
            let act = Action::Continuous(vec![(t as f64 * 0.1).sin()]);
            let (sa, sb) = (a.step(&act), b.step(&act));
            assert_eq!(sa.reward, sb.reward);
            assert_eq!(sa.terminated, sb.terminated);
            assert_eq!(sa.info, sb.info);
            (oa, ob) = (sa.obs, sb.obs);
        }
    }
}

#[test]
fn list_envs_shows_the_pole_balancing_ids() {
    let out = common::run_bin(std::path::Path::new("."), &["--list-envs"]);
    let text = common::succeeded(&out);
    let at = text.find("DoublePole-v0\n").unwrap();
    let block = &text[at..];
    assert!(block.contains("(x, x_dot, theta1, theta1_dot, theta2, theta2_dot)"));
    assert!(block.contains("100000 steps"));
    assert!(block.contains("cart_friction=0.0005"));
    assert!(block.contains("theta0_deg=4"));
    assert!(block.contains("length2"));
}

/// Gruau's generalisation test as a learner runs it: the controller of the oracle test passes it on
/// both full-state ids (at least 200 of the 625 starts balanced for 1000 steps).
#[test]
fn a_linear_controller_passes_the_generalisation_test() {
    for (id, names) in [
        ("SinglePole-v0", ["x", "x_dot", "theta", "theta_dot"]),
        ("DoublePole-v0", ["x", "x_dot", "theta1", "theta1_dot"]),
    ] {
        let poles = if id.starts_with("Double") { 2 } else { 1 };
        let mut env = make(&format!("{id}:max_episode_steps={GENERALISATION_STEPS}")).unwrap();
        let mut passed = 0;
        for start in gomez::generalisation_starts() {
            env.reset(None);
            let mut p = Perturbation::new();
            for (n, &v) in names.iter().zip(&start) {
                p = p.with(n, v);
            }
            perturb::apply(env.as_mut(), &p).unwrap();
            let mut steps = 0;
            loop {
                let s = env.snapshot().state;
                let u: f64 = gains(poles).iter().zip(&s).map(|(k, x)| k * x).sum();
                let st = env.step(&Action::Continuous(vec![u]));
                steps += 1;
                if st.terminated || st.truncated {
                    break;
                }
            }
            passed +=
                (steps == GENERALISATION_STEPS && env.snapshot().state[0].abs() <= 2.4) as usize;
        }
        eprintln!("{id}: {passed} of 625 starts balanced for {GENERALISATION_STEPS} steps");
        assert!(passed >= gomez::GENERALISATION_PASS, "{id}: {passed}");
    }
}
