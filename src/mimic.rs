//! `--mimic`: modular pose mimicry, evaluated as Gestures' `eval_all.py` does (`PoseDefiner`).
//!
//! One long run of SocialReacher-v0 (no time limit): the arm is given `--poses` targets in turn from a
//! data set (`--targets`), each for `--update-target` frames, every `--target-stride`-th pose of the
//! set (default: spread over the whole set; 1 follows the recorded trajectory pose by pose). The
//! actor (the coordination MLP) acts deterministically on its observation, whose last four values
//! are the target it was given:
//! - with the true targets: the data set's key points;
//! - with `--cnn`: what the understanding CNN ([`crate::understand`]) reads from the pose's image,
//!   the modular agent of the seed (`--use-understand`). A reading the arm cannot take (farther
//!   than `REACH_TOLERANCE` from its reach) is given all the same, as the seed gives it
//!   (`Reacher::set_target_anywhere`), and counted.
//!
//! A pose counts as reached when the key-point distance to the *true* target stays below 0.1 m for
//! 50 consecutive frames within its window. Printed: "poses reached k/N" for each; written: the
//! distance of every frame (CSV) and its plot with the threshold (PNG), and with `--display` an
//! animated GIF of the arm beside the target image (the first frames, at most
//! [`GIF_FRAMES`]), all under `Graph/mimic_<ENV>_update<F>.*`.

use std::path::{Path, PathBuf};

use crate::device::DeviceChoice;
use crate::env::rapier::reacher::Reacher;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::policy::{Actor, Scratch};
use crate::render::animate::{self, MimicFrame};
use crate::targets::Targets;

/// The seed's `--eval-thresh` (m) and the frames a pose must be held.
pub const THRESHOLD: f64 = 0.1;
pub const HOLD: usize = 50;
/// The most frames the GIF shows (about 5 s of the arm's time), one in [`GIF_STRIDE`].
pub const GIF_FRAMES: usize = 1200;
const GIF_STRIDE: usize = 4;
/// SocialReacher's step (s).
const DT: f64 = 0.0165 / 4.0;

/// What `--mimic` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct MimicPlan {
    pub env: String,
    pub actor: PathBuf,
    pub targets: PathBuf,
    pub cnn: Option<PathBuf>,
    pub poses: usize,
    pub update: usize,
    pub stride: Option<usize>,
    pub seed: u64,
    pub display: bool,
    pub device: DeviceChoice,
}

impl MimicPlan {
    /// `Graph/mimic_<ENV>_update<F>` (the extension added by each file).
    pub fn stem(&self) -> PathBuf {
        PathBuf::from(format!("Graph/mimic_{}_update{}", self.env, self.update))
    }
}

/// One run: the targets it was given, and what came of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Mimicry {
    pub label: &'static str,
    /// The key-point distance to the true target after every frame.
    pub distances: Vec<f64>,
    /// Per pose: whether it was held within the threshold for [`HOLD`] frames.
    pub reached: Vec<bool>,
    /// Targets given out of the arm's reach (more than `REACH_TOLERANCE` off; given all the same).
    pub off_reach: usize,
}

impl Mimicry {
    pub fn reached_count(&self) -> usize {
        self.reached.iter().filter(|&&r| r).count()
    }
}

/// The data set rows `--mimic` takes: `poses` of them, `stride` apart (default: `len / poses`, at
/// least 1), wrapping around the set.
pub fn rows(len: usize, poses: usize, stride: Option<usize>) -> Vec<usize> {
    let s = stride_of(len, poses, stride);
    (0..poses).map(|k| (k * s) % len).collect()
}

fn stride_of(len: usize, poses: usize, stride: Option<usize>) -> usize {
    stride.unwrap_or((len / poses.max(1)).max(1))
}

/// Run `actor` on `env` from `seed`, given `given[k]` as the target of pose k for `update` frames
/// while the distance is measured to `truth[k]`. With `gif`, the frames to draw (one in
/// [`GIF_STRIDE`] of the first [`GIF_FRAMES`]) with the target images of `t` at `rows`.
#[allow(clippy::too_many_arguments)]
pub fn mimic(
    env: &str,
    actor: &Actor,
    given: &[Vec<f64>],
    truth: &[Vec<f64>],
    update: usize,
    seed: u64,
    label: &'static str,
    gif: Option<(&Targets, &[usize])>,
) -> Result<(Mimicry, Vec<MimicFrame>)> {
    let mut r = Reacher::from_name(env)?;
    let space = r.action_space();
    let mut scratch = Scratch::default();
    let mut obs = r.reset(Some(seed));
    let mut out = Mimicry {
        label,
        distances: Vec::with_capacity(given.len() * update),
        reached: Vec::with_capacity(given.len()),
        off_reach: 0,
    };
    let mut frames = Vec::new();
    let n = given.len();
    for (k, (target, true_target)) in given.iter().zip(truth).enumerate() {
        if !r.set_target_anywhere(target)? {
            out.off_reach += 1;
        }
        // The observation ends with the target in force.
        let len = obs.len();
        obs[len - 4..].copy_from_slice(r.target());
        let (mut held, mut reached) = (0, false);
        for f in 0..update {
            // `run` checked that the actor fits: two continuous outputs.
            let action = actor.act_with(&obs, &space, &mut scratch);
            obs = r.step(&action).obs;
            let [e, h] = r.current_key_points();
            let d = [e[0], e[1], h[0], h[1]]
                .iter()
                .zip(true_target)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
            out.distances.push(d);
            held = if d < THRESHOLD { held + 1 } else { 0 };
            reached |= held >= HOLD;
            let frame = k * update + f;
            if let Some((t, rows)) = gif {
                if frame < GIF_FRAMES && frame % GIF_STRIDE == 0 {
                    frames.push(MimicFrame {
                        geoms: r.solids(),
                        image: t.image(rows[k]).to_vec(),
                        size: t.size,
                        status: format!(
                            "target {}/{n}   frame {frame}   t = {:.2} s   distance {d:.3} m{}",
                            k + 1,
                            frame as f64 * DT,
                            if reached { "   reached" } else { "" }
                        ),
                    });
                }
            }
        }
        out.reached.push(reached);
    }
    Ok((out, frames))
}

/// `--mimic`; `read_cnn` gives what the CNN reads from the chosen rows' images (called only with
/// `--cnn`).
pub fn run(
    plan: &MimicPlan,
    read_cnn: impl FnOnce(&Path, &Targets, &[usize]) -> Result<Vec<Vec<f64>>>,
) -> Result<()> {
    let t = Targets::read(&plan.targets)?;
    let actor = Actor::load(&plan.actor)?;
    let probe = Reacher::from_name(&plan.env)?;
    actor.check_fits(
        &probe.observation_space(),
        &probe.action_space(),
        &plan.env,
        &plan.actor,
    )?;
    let rows = rows(t.len(), plan.poses, plan.stride);
    let truth: Vec<Vec<f64>> = rows.iter().map(|&i| t.target(i)).collect();
    let cnn = match &plan.cnn {
        Some(path) => Some(read_cnn(path, &t, &rows)?),
        None => None,
    };
    let stem = plan.stem();
    if let Some(dir) = stem.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    println!(
        "mimicry: {} poses of {} (every {} of {}), a new target every {} frames ({:.2} s), \
         actor {}",
        rows.len(),
        plan.targets.display(),
        stride_of(t.len(), plan.poses, plan.stride),
        t.len(),
        plan.update,
        plan.update as f64 * DT,
        plan.actor.display()
    );
    let mut runs = Vec::new();
    let gif = plan.display.then_some((&t, rows.as_slice()));
    let (truth_run, truth_frames) = mimic(
        &plan.env,
        &actor,
        &truth,
        &truth,
        plan.update,
        plan.seed,
        "true targets",
        if cnn.is_none() { gif } else { None },
    )?;
    runs.push(truth_run);
    let mut frames = truth_frames;
    if let Some(given) = &cnn {
        let (run, cnn_frames) = mimic(
            &plan.env,
            &actor,
            given,
            &truth,
            plan.update,
            plan.seed,
            "CNN targets",
            gif,
        )?;
        let err: Vec<f64> = given
            .iter()
            .zip(&truth)
            .map(|(g, w)| {
                g.iter()
                    .zip(w)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt()
            })
            .collect();
        println!(
            "CNN readings: mean key-point error {:.4} m, largest {:.4} m",
            err.iter().sum::<f64>() / err.len() as f64,
            err.iter().copied().fold(0.0, f64::max)
        );
        runs.push(run);
        frames = cnn_frames;
    }
    println!("poses reached (distance < {THRESHOLD} m for {HOLD} consecutive frames):");
    for r in &runs {
        let last: Vec<f64> = (1..=rows.len())
            .map(|k| r.distances[k * plan.update - 1])
            .collect();
        println!(
            "  {:<13} {:>4}/{:<4} mean distance at the target's last frame {:.4} m{}",
            r.label,
            r.reached_count(),
            rows.len(),
            last.iter().sum::<f64>() / last.len() as f64,
            if r.off_reach > 0 {
                format!(", {} readings out of the arm's reach", r.off_reach)
            } else {
                String::new()
            }
        );
    }
    let mut csv = String::from("frame,pose,row");
    for r in &runs {
        csv.push_str(&format!(",distance_{}", r.label.replace(' ', "_")));
    }
    csv.push('\n');
    for f in 0..runs[0].distances.len() {
        let k = f / plan.update;
        csv.push_str(&format!("{f},{k},{}", rows[k]));
        for r in &runs {
            csv.push_str(&format!(",{:?}", r.distances[f]));
        }
        csv.push('\n');
    }
    let csv_path = stem.with_extension("csv");
    let png = stem.with_extension("png");
    crate::fsutil::write_atomic(&csv_path, csv.as_bytes())?;
    let series: Vec<(String, Vec<f64>)> = runs
        .iter()
        .map(|r| {
            (
                format!("{}: {}/{} reached", r.label, r.reached_count(), rows.len()),
                r.distances.clone(),
            )
        })
        .collect();
    crate::plot::mimic_distance(
        &png,
        &series,
        THRESHOLD,
        plan.update,
        &format!(
            "{} · {} · a new target every {} frames",
            plan.env,
            crate::policy::actor_label(&plan.actor, None),
            plan.update
        ),
    )?;
    println!("wrote {} and {}", csv_path.display(), png.display());
    if plan.display {
        let gif_path = stem.with_extension("gif");
        animate::mimic_gif(
            &gif_path,
            &format!(
                "{} mimicking ({})",
                plan.env,
                runs.last().map_or("", |r| r.label)
            ),
            &frames,
            GIF_STRIDE,
            DT,
        )?;
        println!("wrote {}", gif_path.display());
    }
    Ok(())
}
