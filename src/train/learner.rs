//! One run loop for every learner. A [`Learner`] knows how to take one step (a PPO iteration, a
//! generation of an evolution strategy) and how to save its champion and its state; [`run_loop`] does
//! the rest the same way for all of them: the CSV log (truncated to the checkpoint on resume) and its
//! TensorBoard event files, the progress bar, saving every `save_freq` steps and at the end, the
//! learning-curve PNG, and stopping after the current step on Ctrl-C with every file complete.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use crate::report::Table;
use crate::train::tensorboard::{row_scalars, EventWriter};

/// One step's line of the log.
pub trait LogRecord {
    /// The step this record ends (1 for the first).
    fn iteration(&self) -> usize;
    /// The CSV row, newline included.
    fn csv_row(&self) -> String;
    /// What the progress bar shows after the step.
    fn status(&self) -> String;
}

/// A training algorithm, one step at a time.
pub trait Learner {
    type Log: LogRecord;

    /// Steps done so far (those of earlier runs of a resumed training included).
    fn iteration(&self) -> usize;
    /// The step the run ends at (asked after every step: it may come earlier than first said).
    fn total(&self) -> usize;
    /// Save every this many steps (and always at the end).
    fn save_freq(&self) -> usize;
    /// The log's header, without the newline.
    fn log_header(&self) -> &'static str;
    /// The log's columns the learning curve draws: x (environment steps), the mean return, its std.
    fn curve_columns(&self) -> [usize; 3];
    /// The curve's subtitle: environment, algorithm, seed, what a point is.
    fn curve_title(&self) -> String;
    /// Take one step.
    fn step(&mut self) -> Result<Self::Log>;
    /// Write the champion actor and everything a resumed run needs, each file atomically.
    fn save(&self) -> Result<()>;
    /// After a step: why the learner can no longer go on (its parameters are no longer finite), if
    /// so. The loop then stops with an error before logging or saving that step.
    fn diverged(&self) -> Option<String> {
        None
    }
}

/// A learner's settings: the `key:` mapping of `env_id`'s entry in the hyperparameters file, over the
/// settings' defaults (the whole defaults when the entry has none); a value of the wrong type or an
/// unknown key is an error naming the file, the entry and the key. Also the file's name, for the
/// settings' own checks.
pub fn settings<C: DeserializeOwned + Default>(
    hyper: Option<&crate::config::Hyperparameters>,
    env_id: &str,
    key: &str,
    section: impl Fn(&crate::config::EnvSection) -> Option<&serde_yaml::Value>,
) -> Result<(C, String)> {
    let file = hyper.map_or_else(
        || "hyperparameters.yml".to_string(),
        |h| h.path.display().to_string(),
    );
    let cfg = match hyper.and_then(|h| h.section(env_id).and_then(&section)) {
        None => C::default(),
        Some(v) => serde_yaml::from_value(v.clone())
            .map_err(|e| Error::Invalid(format!("{file}: `{env_id}` → {key}: {e}")))?,
    };
    Ok((cfg, file))
}

/// Where the loop writes, besides what the learner saves itself.
#[derive(Debug, Clone)]
pub struct LoopFiles {
    /// The per-step CSV log.
    pub log: PathBuf,
    /// The learning-curve PNG.
    pub curve: PathBuf,
    /// TensorBoard: the folder of this run's event files ([`events_dir`]); `None` writes none.
    pub events: Option<PathBuf>,
}

/// The folder of a run's TensorBoard event files under `logdir`: `<env>_<algo>_<seed>`, so that
/// `tensorboard --logdir runs` shows one curve per run and a resumed run goes on in its own folder.
pub fn events_dir(logdir: Option<&Path>, env_id: &str, algo: &str, seed: u64) -> Option<PathBuf> {
    logdir.map(|d| d.join(format!("{env_id}_{algo}_{seed}")))
}

/// How the loop ended.
#[derive(Debug, Clone)]
pub struct LoopOutcome<L> {
    /// The step the run started from (0 for a fresh run).
    pub resumed_from: usize,
    /// The last step's record, if a step ran.
    pub last: Option<L>,
    /// Stopped early by Ctrl-C (after a complete step, files saved).
    pub interrupted: bool,
}

/// What a training run did, whatever the learner.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub env_id: String,
    /// The learner's column: its header and value (`ppo`, `default`).
    pub learner: (&'static str, String),
    /// The step the run started from (0 for a fresh run).
    pub resumed_from: usize,
    pub iteration: usize,
    /// The step the run was to end at.
    pub total: usize,
    pub timesteps: u64,
    pub episodes: u64,
    pub wall_s: f64,
    /// Steps per second of this run (not of earlier runs of a resumed training).
    pub steps_per_s: f64,
    /// The learner's own columns of the last step (header, value).
    pub last: Vec<(&'static str, String)>,
    /// Stopped early by Ctrl-C (after a complete step, files saved).
    pub interrupted: bool,
    pub files: Vec<PathBuf>,
    /// Where `--resume` goes on from.
    pub checkpoint: PathBuf,
    pub notes: Vec<String>,
}

impl TrainReport {
    pub fn summary_table(&self) -> Table {
        let mut header = vec![
            "env",
            self.learner.0,
            "iterations",
            "timesteps",
            "episodes",
            "wall time",
            "steps/s",
        ];
        header.extend(self.last.iter().map(|(h, _)| *h));
        let mut t = Table::new(header);
        let mut row = vec![
            self.env_id.clone(),
            self.learner.1.clone(),
            if self.resumed_from > 0 {
                format!("{} → {}", self.resumed_from, self.iteration)
            } else {
                self.iteration.to_string()
            },
            self.timesteps.to_string(),
            self.episodes.to_string(),
            format!("{:.1} s", self.wall_s),
            format!("{:.0}", self.steps_per_s),
        ];
        row.extend(self.last.iter().map(|(_, v)| v.clone()));
        t.row(row);
        t
    }
}

/// Create `path`'s directory and prove it takes a file, before any work is done (on the rank that
/// writes the files, [`crate::dist::writes_files`]).
pub fn check_writable(path: &Path, what: &str) -> Result<()> {
    if !crate::dist::writes_files() {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        Error::Invalid(format!(
            "cannot write the {what} {}: its directory {} is not writable ({e})",
            path.display(),
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".synapt-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Write a learner's checkpoint (JSON, floats at full precision) atomically.
pub fn save_checkpoint<T: Serialize>(path: &Path, checkpoint: &T) -> Result<()> {
    let text = serde_json::to_vec(checkpoint).map_err(|e| {
        Error::Invalid(format!(
            "{}: serialising the checkpoint: {e}",
            path.display()
        ))
    })?;
    write_atomic(path, &text)
}

/// The largest checkpoint read (1 GiB): far more than any network here needs, and a bound on what a
/// wrong or hostile file can make us allocate.
pub const MAX_CHECKPOINT_BYTES: u64 = 1 << 30;

/// A checkpoint that cannot be opened; a missing one says how to get one.
fn io_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::Invalid(format!(
            "--resume: no checkpoint at {}; train without --resume first (a run saves one every \
             save_freq iterations and at its end), or name one with --checkpoint",
            path.display()
        ))
    } else {
        Error::io(path, e)
    }
}

/// Read a learner's checkpoint, whose `format` field must be `format`: a checkpoint of another learner
/// (or any other JSON) is refused with both names.
pub fn load_checkpoint<T: DeserializeOwned>(path: &Path, format: &str) -> Result<T> {
    let bytes = crate::fsutil::read_limited(path, MAX_CHECKPOINT_BYTES, "a training checkpoint")
        .map_err(|e| match e {
            Error::Io { source, .. } => io_error(path, source),
            other => other,
        })?;
    let bad = |reason: String| Error::Config {
        path: path.to_path_buf(),
        reason: format!("not a readable training checkpoint: {reason}"),
    };
    #[derive(Deserialize)]
    struct Format {
        format: String,
    }
    let f: Format = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if f.format != format {
        return Err(bad(format!("format `{}`, expected `{format}`", f.format)));
    }
    serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))
}

/// Run `learner` until its `total()` (from where it stands: a resumed learner goes on), logging,
/// drawing and saving. `resume` keeps the log's rows up to the learner's step; a fresh run starts a new
/// log. Setting `stop` ends the run after the current step, with every file saved.
pub fn run_loop<L: Learner>(
    learner: &mut L,
    files: &LoopFiles,
    resume: bool,
    progress: bool,
    stop: &AtomicBool,
) -> Result<LoopOutcome<L::Log>> {
    let header = learner.log_header();
    // On MPI ranks other than 0 the learner only keeps in step: rank 0 logs, draws and saves.
    let writer = crate::dist::writes_files();
    if resume {
        truncate_log(&files.log, header, learner.iteration())?;
    } else {
        write_atomic(&files.log, format!("{header}\n").as_bytes())?;
    }
    let resumed_from = learner.iteration();
    let total = learner.total();
    let bar = progress_bar(progress && writer, total as u64, resumed_from as u64);
    let mut log_file = match writer {
        true => Some(
            std::fs::OpenOptions::new()
                .append(true)
                .open(&files.log)
                .map_err(|e| Error::io(&files.log, e))?,
        ),
        false => None,
    };
    // TensorBoard gets every number of every log row, under the log's column names.
    let columns: Vec<&str> = header.split(',').collect();
    let mut events = match &files.events {
        Some(dir) if writer => Some(EventWriter::create(dir, resumed_from + 1)?),
        _ => None,
    };
    let mut last = None;
    let mut interrupted = false;
    // A learner may end early (a population learner that reaches its threshold): `total` is asked
    // again after every step.
    let mut saved_at = resumed_from;
    while learner.iteration() < learner.total() {
        let record = learner.step()?;
        if let Some(why) = learner.diverged() {
            let kept = if saved_at > resumed_from || resume {
                format!("the actor and checkpoint of step {saved_at} are kept, and --resume goes on from them")
            } else {
                "no step had been saved yet".to_string()
            };
            return Err(Error::Invalid(format!(
                "training diverged at step {}: {why}. That step was neither logged nor saved; {kept}. \
                 Lower the learning rate (or step size) and train again.",
                record.iteration(),
            )));
        }
        let row = record.csv_row();
        if let Some(log_file) = &mut log_file {
            log_file
                .write_all(row.as_bytes())
                .and_then(|_| log_file.flush())
                .map_err(|e| Error::io(&files.log, e))?;
        }
        let it = record.iteration();
        if let Some(w) = &mut events {
            w.scalars(it, &row_scalars(&columns, &row))?;
        }
        bar.set_position(it as u64);
        bar.set_message(record.status());
        let done = it >= learner.total();
        // Rank 0's Ctrl-C stops every rank after the same step.
        interrupted = crate::dist::agree(stop.load(Ordering::SeqCst))? && !done;
        if it % learner.save_freq() == 0 || done || interrupted {
            save_all(learner, files)?;
            saved_at = it;
        }
        last = Some(record);
        if interrupted {
            break;
        }
    }
    if last.is_none() {
        // Nothing to do (already at the total): still leave a consistent set of files.
        save_all(learner, files)?;
    }
    bar.finish_and_clear();
    Ok(LoopOutcome {
        resumed_from,
        last,
        interrupted,
    })
}

/// The learner's files, then the learning curve from the whole log (by the rank that writes files).
fn save_all<L: Learner>(learner: &L, files: &LoopFiles) -> Result<()> {
    if !crate::dist::writes_files() {
        return Ok(());
    }
    learner.save()?;
    let pts = read_log(&files.log, learner.curve_columns())?;
    if !pts.is_empty() {
        crate::plot::learning_curve(&files.curve, &pts, &learner.curve_title())?;
    }
    Ok(())
}

/// Read back the learning curve's points (x, mean, std) from the CSV log's `columns`; rows whose cells
/// are empty (no episode ended in that step) are skipped.
pub fn read_log(path: &Path, columns: [usize; 3]) -> Result<Vec<(f64, f64, f64)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let need = columns.iter().max().map_or(0, |m| m + 1);
    let mut pts = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c.len() < need {
            continue;
        }
        let [x, m, s] = columns.map(|i| c[i].parse::<f64>());
        if let (Ok(x), Ok(m), Ok(s)) = (x, m, s) {
            pts.push((x, m, s));
        }
    }
    Ok(pts)
}

/// Keep the log's header and its rows up to `iteration` (a resumed run re-logs what came after).
fn truncate_log(path: &Path, header: &str, iteration: usize) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut out = format!("{header}\n");
    for line in text.lines().skip(1) {
        let it: Option<usize> = line.split(',').next().and_then(|s| s.parse().ok());
        if it.is_some_and(|i| i <= iteration) {
            out.push_str(line);
            out.push('\n');
        }
    }
    write_atomic(path, out.as_bytes())
}

fn progress_bar(show: bool, total: u64, pos: u64) -> indicatif::ProgressBar {
    let target = if show {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    };
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] iteration {pos}/{len} · {eta} left · {msg}",
        )
        .expect("a valid progress template")
        .progress_chars("=> "),
    );
    bar.set_position(pos);
    bar
}
