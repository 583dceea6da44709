//! `--display` from the command line: failures written by `--falsify` replay bit for bit and the worst
//! become GIFs; a tampered, foreign or truncated file is refused with a message naming what is wrong.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_ok, assert_refused, run_bin, stderr, stdout, workdir_with};

/// A random-testing campaign of `actor` on `env` against `spec`, `budget` evaluations.
fn random_campaign(
    dir: &Path,
    env: &str,
    actor: &str,
    budget: &str,
    spec: &str,
    extra: &[&str],
) -> Output {
    let args = [
        "--falsify",
        "--env",
        env,
        "--actor",
        actor,
        "--budget",
        budget,
        "--falsify-method",
        "random",
        "--spec",
        spec,
    ];
    run_bin(dir, &[&args[..], extra].concat())
}

fn display(dir: &Path, env: &str, failures: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--display", "--env", env, "--failures", failures];
    args.extend_from_slice(extra);
    run_bin(dir, &args)
}

/// The GIFs in `dir/Graph` whose names start with `stem`, sorted.
fn gifs(dir: &Path, stem: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("Graph")) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(stem) && n.ends_with(".gif")
        })
        .collect();
    v.sort();
    v
}

/// Frames of a GIF file, after checking its signature.
fn gif_frames(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"GIF89a"), "{}", path.display());
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(bytes.as_slice()).unwrap();
    let mut n = 0;
    while dec.read_next_frame().unwrap().is_some() {
        n += 1;
    }
    n
}

/// The rows of a failures CSV (no field is quoted), and the index of a column.
fn rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

fn write_rows(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut text = header.join(",") + "\n";
    for r in rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn cartpole_failures_replay_render_and_tampering_is_caught() {
    let d = workdir_with("bc_actorCartPole-v1.pth", "actor.pth");
    let dir = d.path();
    // Pruned at 0.9 the actor lets the pole fall: every evaluation violates `upright`.
    let o = random_campaign(
        dir,
        "CartPole-v0",
        "Policies/actor.pth",
        "20",
        "upright",
        &["--prune", "--k", "0.9", "--episodes", "2"],
    );
    assert_ok(&o);
    let name = "Failure_Trajectories/CartPole-v0_actor_0.9_upright_random.csv";
    let stem = "CartPole-v0_actor_0.9_upright_random_failure";
    let csv = dir.join(name);
    let (header, mut table) = rows(&csv);
    let (fc, sc) = (col(&header, "failure"), col(&header, "step"));
    let n_failures = table.iter().filter(|r| r[sc] == "0").count();
    assert!(n_failures >= 3, "{n_failures} failures");

    let o = display(dir, "CartPole-v0", name, &[]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("replaying {n_failures} failures of {name}")),
        "{out}"
    );
    assert!(out.contains("every failure replays bit for bit"), "{out}");
    assert!(!out.contains("DIVERGED"), "{out}");
    // One row per failure, the first 12 of them; the rest are counted.
    let listed = n_failures.min(12);
    if n_failures > listed {
        assert!(
            out.contains(&format!(
                "… and {} more that replay as recorded",
                n_failures - listed
            )),
            "{out}"
        );
    }
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_end().ends_with(" ok"))
            .count(),
        listed,
        "{out}"
    );
    // The three worst (the default --gifs), one frame per observation (CartPole steps 20 ms).
    let written = gifs(dir, stem);
    assert_eq!(written.len(), 3, "{written:?}");
    for g in &written {
        let id: String = g
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .rsplit("failure")
            .next()
            .unwrap()
            .to_string();
        let steps = table.iter().filter(|r| r[fc] == id).count();
        assert_eq!(gif_frames(g), steps, "{}", g.display());
        let size = std::fs::metadata(g).unwrap().len();
        assert!(size < 2_000_000, "{} is {size} bytes", g.display());
        assert!(out.contains(&format!(
            "wrote Graph/{}",
            g.file_name().unwrap().to_string_lossy()
        )));
    }
    std::fs::remove_dir_all(dir.join("Graph")).unwrap();

    // Flip the action at step 3 of failure 2: the replay leaves the record from observation 4.
    let ac = col(&header, "action");
    let r = table
        .iter_mut()
        .find(|r| r[fc] == "2" && r[sc] == "3")
        .unwrap();
    r[ac] = if r[ac] == "0" { "1".into() } else { "0".into() };
    let tampered = dir.join("tampered.csv");
    write_rows(&tampered, &header, &table);
    let o = display(dir, "CartPole-v0", "tampered.csv", &["--gifs", "1"]);
    assert_refused(&o, 1, "failure 2 diverges on replay");
    let err = stderr(&o);
    assert!(err.contains("DIVERGED"), "{err}");
    assert!(err.contains("failure 2: observation 4"), "{err}");
    // The table and the GIFs still come out.
    assert!(err.contains("wrote Graph/tampered_failure"), "{err}");
    assert_eq!(gifs(dir, "tampered_failure").len(), 1);

    // A file of another environment, of another observation layout, and a truncated file.
    assert_refused(
        &display(dir, "CartPole-v1", name, &[]),
        1,
        "records failures of CartPole-v0, not of CartPole-v1",
    );
    assert_refused(
        &display(dir, "Pendulum-v1", name, &[]),
        1,
        "not a file of Pendulum-v1",
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(dir.join("cut.csv"), &text[..text.len() / 2]).unwrap();
    assert_refused(&display(dir, "CartPole-v0", "cut.csv", &[]), 1, "truncated");

    // No --failures: a usage error.
    let o = run_bin(dir, &["--display", "--env", "CartPole-v0"]);
    assert_refused(&o, 2, "--failures");

    // The same pruned actor never leaves the track before the pole falls: no failure of `position`.
    let o = random_campaign(
        dir,
        "CartPole-v0",
        "Policies/actor_0.9.pth",
        "3",
        "position",
        &[],
    );
    assert_ok(&o);
    let empty = "Failure_Trajectories/CartPole-v0_actor_0.9_position_random.csv";
    assert_eq!(rows(&dir.join(empty)).1.len(), 0);
    let o = display(dir, "CartPole-v0", empty, &[]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("no failures to display"),
        "{}",
        stdout(&o)
    );
    assert!(gifs(dir, "CartPole-v0_actor_0.9_position").is_empty());
}

/// One random-testing campaign of `env` against PruVer's `return >= 0` with the shipped actor
/// `shipped` (as `name`.pth, first pruned at `k` when given), then `--display --gifs 1` of its
/// failures, which must replay bit for bit. Returns the directory, the failures file and the one GIF
/// written.
fn failures_displayed(
    shipped: &str,
    name: &str,
    env: &str,
    k: Option<&str>,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = workdir_with(shipped, &format!("{name}.pth"));
    let dir = d.path();
    let actor = format!("Policies/{name}.pth");
    let prune = match k {
        Some(k) => vec!["--prune", "--k", k, "--episodes", "1"],
        None => vec![],
    };
    let falsified = k.map_or(name.to_string(), |k| format!("{name}_{k}"));
    let o = random_campaign(dir, env, &actor, "1", "return_nonnegative", &prune);
    assert_ok(&o);
    let stem = format!("{env}_{falsified}_return_nonnegative_random");
    let failures = format!("Failure_Trajectories/{stem}.csv");
    let o = display(dir, env, &failures, &["--gifs", "1"]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("every failure replays bit for bit"),
        "{}",
        stdout(&o)
    );
    let written = gifs(dir, &format!("{stem}_failure"));
    assert_eq!(written.len(), 1);
    let (failures, gif) = (dir.join(failures), written[0].clone());
    (d, failures, gif)
}

#[test]
fn pendulum_failures_replay_and_render() {
    // Pendulum's rewards are never positive: every episode violates PruVer's `return >= 0`.
    let (_d, _, gif) = failures_displayed("ppo_actorPendulum-v1.pth", "pend", "Pendulum-v1", None);
    // 200 steps of 50 ms: every observation is a frame.
    assert_eq!(gif_frames(&gif), 201);
}

#[test]
fn bipedal_walker_failures_replay_and_render() {
    // Pruned at 0.5 (PruVer's k) the shipped walker falls: PruVer's `return >= 0` fails.
    let (_d, failures, gif) = failures_displayed(
        "ppo_actorBipedalWalker-v3.pth",
        "walker",
        "BipedalWalker-v3",
        Some("0.5"),
    );
    let (header, rows) = rows(&failures);
    let steps = rows
        .iter()
        .map(|r| r[col(&header, "steps")].parse::<usize>().unwrap())
        .max()
        .expect("at least one failure");
    assert!(steps > 1, "the longest failure has {steps} steps");
    // 50 steps per second: a frame per step up to 300, then every few steps, and the last.
    let frames = gif_frames(&gif);
    assert!(
        frames > 1 && frames <= (steps + 1).min(301),
        "{frames} frames, {steps} steps"
    );
}
