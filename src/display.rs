//! `--display`: replay every failure of a failures file from its seed, perturbation and recorded
//! actions, check that the environment gives back the recorded episode bit for bit (observations,
//! rewards, return, and the robustness of the file's specification), and render the worst failures to
//! animated GIFs.
//!
//! A failure that does not replay is a broken counterexample: `--refine` would train on an episode
//! that never happens. So any divergence is an error naming the failures, after the table is printed
//! and the GIFs are written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::env::{self, EnvOptions};
use crate::error::{Error, Result};
use crate::falsify::catalog::{signals, Catalog};
use crate::render;
use crate::report::Table;
use crate::rollout::replay;
use crate::trajectory::{divergence, read_failures};

/// Everything `--display` needs.
#[derive(Debug, Clone)]
pub struct DisplayOptions {
    pub env_id: String,
    pub env_options: EnvOptions,
    /// The failures file to replay.
    pub failures: PathBuf,
    /// `--specs`: more specifications (the file names its specification by name).
    pub specs_file: Option<PathBuf>,
    /// Where the GIFs go.
    pub graph_dir: PathBuf,
    /// How many of the worst failures to render.
    pub gifs: usize,
}

/// One failure, recorded and replayed.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub id: usize,
    pub evaluation: usize,
    pub seed: u64,
    pub steps: usize,
    pub recorded_return: f64,
    pub replayed_return: f64,
    pub recorded_robustness: f64,
    /// The specification's robustness on the replayed episode.
    pub robustness: f64,
    /// Why the replay differs from the record; None when it is the same bit for bit.
    pub divergence: Option<String>,
}

/// What `--display` found.
#[derive(Debug, Clone)]
pub struct DisplayReport {
    pub env_id: String,
    pub failures_file: PathBuf,
    /// The specification's name and formula (empty for a file without failures).
    pub spec: String,
    pub spec_text: String,
    pub failures: Vec<Replayed>,
    /// The ids of the failures that do not replay.
    pub diverged: Vec<usize>,
    /// The GIFs written.
    pub files: Vec<PathBuf>,
    pub render_seconds: f64,
}

/// Rows of the terminal table beyond which only failures that diverge are listed.
const SHOWN: usize = 12;

impl DisplayReport {
    /// One row per failure: id, evaluation, seed, steps, recorded and replayed return, robustness,
    /// status.
    /// Every failure, one row each.
    pub fn table(&self) -> Table {
        self.table_of(usize::MAX)
    }

    /// The first `shown` failures, and every one that diverges, one row each.
    fn table_of(&self, shown: usize) -> Table {
        let mut t = Table::new([
            "failure",
            "evaluation",
            "seed",
            "steps",
            "recorded return",
            "replayed return",
            "robustness",
            "status",
        ]);
        for (i, f) in self.failures.iter().enumerate() {
            if i >= shown && f.divergence.is_none() {
                continue;
            }
            t.row([
                f.id.to_string(),
                f.evaluation.to_string(),
                f.seed.to_string(),
                f.steps.to_string(),
                format!("{:.4}", f.recorded_return),
                format!("{:.4}", f.replayed_return),
                format!("{:.6}", f.robustness),
                if f.divergence.is_some() {
                    "DIVERGED".to_string()
                } else {
                    "ok".to_string()
                },
            ]);
        }
        t
    }

    pub fn render(&self) -> String {
        if self.failures.is_empty() {
            return format!("{}: no failures to display\n", self.failures_file.display());
        }
        let n = self.failures.len();
        let mut s = format!(
            "replaying {n} failure{} of {} on {} against `{}`: {}\n\n{}",
            if n == 1 { "" } else { "s" },
            self.failures_file.display(),
            self.env_id,
            self.spec,
            self.spec_text,
            self.table_of(SHOWN)
        );
        let hidden = self
            .failures
            .iter()
            .skip(SHOWN)
            .filter(|f| f.divergence.is_none())
            .count();
        if hidden > 0 {
            s.push_str(&format!("… and {hidden} more that replay as recorded\n"));
        }
        if self.diverged.is_empty() {
            s.push_str(
                "\nevery failure replays bit for bit (observations, rewards, return, robustness)\n",
            );
        } else {
            s.push('\n');
            for f in &self.failures {
                if let Some(why) = &f.divergence {
                    s.push_str(&format!("failure {}: {why}\n", f.id));
                }
            }
        }
        if !self.files.is_empty() {
            s.push_str(&format!(
                "rendered {} GIF{} in {:.2} s\n",
                self.files.len(),
                if self.files.len() == 1 { "" } else { "s" },
                self.render_seconds
            ));
        }
        s
    }
}

/// The GIF of failure `id` of `failures`: `<graph_dir>/<failures file stem>_failure<id>.gif`.
pub fn gif_path(graph_dir: &Path, failures: &Path, id: usize) -> PathBuf {
    let stem = failures
        .file_stem()
        .map_or_else(|| "failures".into(), |s| s.to_string_lossy().into_owned());
    graph_dir.join(format!("{stem}_failure{id}.gif"))
}

pub fn run(opts: &DisplayOptions) -> Result<DisplayReport> {
    let mut env = env::make_with(&opts.env_id, opts.env_options)?;
    let obs_names = env.observation_names();
    let file = read_failures(&opts.failures, &opts.env_id, obs_names, &env.action_space())?;
    let mut report = DisplayReport {
        env_id: opts.env_id.clone(),
        failures_file: opts.failures.clone(),
        spec: file.spec.clone(),
        spec_text: String::new(),
        failures: Vec::new(),
        diverged: Vec::new(),
        files: Vec::new(),
        render_seconds: 0.0,
    };
    if file.failures.is_empty() {
        return Ok(report);
    }
    let spec = Catalog::load(opts.specs_file.as_deref())?
        .get(env.as_ref(), Some(&file.spec))
        .map_err(|e| {
            Error::Invalid(format!(
                "{}: its failures violate the specification `{}`: {e} (name the file that defines \
                 it with --specs)",
                opts.failures.display(),
                file.spec
            ))
        })?;
    report.spec_text = spec.text.clone();
    let mut replays = Vec::with_capacity(file.failures.len());
    for f in &file.failures {
        let traj = replay(env.as_mut(), f.seed, &f.perturbation, &f.actions).map_err(|e| {
            Error::Invalid(format!(
                "{}: failure {} cannot be replayed: {e}",
                opts.failures.display(),
                f.id
            ))
        })?;
        let robustness = spec.formula.robustness(&signals(&traj));
        let why = divergence(f, &traj, robustness, obs_names);
        if why.is_some() {
            report.diverged.push(f.id);
        }
        report.failures.push(Replayed {
            id: f.id,
            evaluation: f.evaluation,
            seed: f.seed,
            steps: f.actions.len(),
            recorded_return: f.ret,
            replayed_return: traj.ret(),
            recorded_robustness: f.robustness,
            robustness,
            divergence: why,
        });
        replays.push(traj);
    }

    // The worst failures (lowest recorded robustness; ties by id), drawn as replayed.
    let mut order: Vec<usize> = (0..file.failures.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (&file.failures[a], &file.failures[b]);
        fa.robustness
            .total_cmp(&fb.robustness)
            .then(fa.id.cmp(&fb.id))
    });
    let start = Instant::now();
    for &k in order.iter().take(opts.gifs) {
        let r = &report.failures[k];
        let path = gif_path(&opts.graph_dir, &opts.failures, r.id);
        let title = format!(
            "{} · failure {} · {} robustness {:.4}",
            opts.env_id, r.id, spec.name, r.robustness
        );
        render::render_gif(&opts.env_id, &replays[k], &title, &path)?;
        report.files.push(path);
    }
    report.render_seconds = start.elapsed().as_secs_f64();

    if !report.diverged.is_empty() {
        let ids: Vec<String> = report.diverged.iter().map(|i| i.to_string()).collect();
        let mut msg = report.render();
        for f in &report.files {
            msg.push_str(&format!("wrote {}\n", f.display()));
        }
        msg.push_str(&format!(
            "{}: failure{} {} diverge{} on replay: the file does not record what {} does",
            opts.failures.display(),
            if ids.len() == 1 { "" } else { "s" },
            ids.join(", "),
            if ids.len() == 1 { "s" } else { "" },
            opts.env_id
        ));
        return Err(Error::Invalid(msg));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{make, Action, Perturbation};
    use crate::falsify::catalog::Catalog;
    use crate::rollout::Trajectory;
    use crate::trajectory::{write_failures, FailureRow};

    /// A failures file of CartPole-v1 with two episodes that violate `upright`.
    fn failures_file(dir: &Path) -> PathBuf {
        let mut env = make("CartPole-v1").unwrap();
        let spec = Catalog::load(None)
            .unwrap()
            .get(env.as_ref(), Some("upright"))
            .unwrap();
        let trajs: Vec<Trajectory> = (0..2)
            .map(|k| {
                let pert = Perturbation::new().with("theta", 0.04 + 0.01 * k as f64);
                let actions = vec![Action::Discrete(0); 60];
                replay(env.as_mut(), 5 + k, &pert, &actions).unwrap()
            })
            .collect();
        let rows: Vec<FailureRow> = trajs
            .iter()
            .enumerate()
            .map(|(i, t)| FailureRow {
                evaluation: 3 * i,
                robustness: spec.formula.robustness(&signals(t)),
                trajectory: t,
            })
            .collect();
        assert!(rows.iter().all(|r| r.robustness < 0.0));
        let path = dir.join("CartPole-v1_a_upright_random.csv");
        write_failures(
            &path,
            "CartPole-v1",
            "upright",
            &["theta"],
            env.observation_names(),
            &env.action_space(),
            &rows,
        )
        .unwrap();
        path
    }

    fn opts(dir: &Path, failures: PathBuf, gifs: usize) -> DisplayOptions {
        DisplayOptions {
            env_id: "CartPole-v1".into(),
            env_options: EnvOptions::default(),
            failures,
            specs_file: None,
            graph_dir: dir.join("Graph"),
            gifs,
        }
    }

    #[test]
    fn recorded_failures_replay_and_the_worst_is_rendered() {
        let dir = tempfile::tempdir().unwrap();
        let path = failures_file(dir.path());
        let r = run(&opts(dir.path(), path, 1)).unwrap();
        assert_eq!(r.failures.len(), 2);
        assert!(r.diverged.is_empty());
        for f in &r.failures {
            assert_eq!(f.recorded_return.to_bits(), f.replayed_return.to_bits());
            assert_eq!(f.recorded_robustness.to_bits(), f.robustness.to_bits());
        }
        // Failure 1 starts further over, so it falls sooner: the lower robustness.
        assert_eq!(
            r.files,
            [dir.path()
                .join("Graph/CartPole-v1_a_upright_random_failure1.gif")]
        );
        let text = r.render();
        assert!(text.contains("every failure replays bit for bit"), "{text}");
    }

    #[test]
    fn a_tampered_reward_is_a_divergence_naming_the_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = failures_file(dir.path());
        let text = std::fs::read_to_string(&path).unwrap();
        // The reward of the second row of failure 1 (its step 1), from 1.0 to 0.5.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let i = lines
            .iter()
            .position(|l| l.starts_with("CartPole-v1,upright,1,"))
            .unwrap()
            + 1;
        assert!(lines[i].ends_with(",1.0"), "{}", lines[i]);
        let cut = lines[i].len() - 3;
        lines[i].replace_range(cut.., "0.5");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let e = run(&opts(dir.path(), path, 0)).unwrap_err().to_string();
        assert!(e.contains("failure 1 diverges on replay"), "{e}");
        assert!(
            e.contains("reward of step 1: recorded 0.5, replayed 1.0"),
            "{e}"
        );
        assert!(e.contains("DIVERGED"), "{e}");
    }
}
