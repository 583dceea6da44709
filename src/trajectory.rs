//! Failure-trajectory records: CSV out and back in, for exact replay by `--display` and `--refine`.
//!
//! A failures file has one row per step of every failing episode (long format, pandas-friendly):
//!
//! ```text
//! env,spec,failure,evaluation,seed,steps,robustness,return,perturb.<param>...,step,<observation>...,action...,reward
//! ```
//!
//! Row `step = i` holds observation i, the action taken at it (empty on the final observation) and the
//! reward that led to it (empty at step 0). Numbers are written at full precision (shortest round-trip
//! form), so reading a file back gives the recorded values bit for bit. The evaluations file holds one
//! row per evaluation, failing or not: the error table and the safe table falsification tools report.

use std::collections::BTreeMap;
use std::path::Path;

use crate::env::{Action, Perturbation, Space};
use crate::error::{Error, Result};
use crate::fsutil::write_csv;
use crate::rollout::Trajectory;

/// A failure read back from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedFailure {
    pub id: usize,
    pub evaluation: usize,
    pub seed: u64,
    pub robustness: f64,
    pub ret: f64,
    pub perturbation: Perturbation,
    pub observations: Vec<Vec<f64>>,
    pub actions: Vec<Action>,
    pub rewards: Vec<f64>,
}

impl RecordedFailure {
    /// A failure as a campaign found it, before it went to a file: what `--refine` works on when it
    /// follows `--falsify` in one command.
    pub fn from_trajectory(
        id: usize,
        evaluation: usize,
        robustness: f64,
        t: &Trajectory,
    ) -> RecordedFailure {
        RecordedFailure {
            id,
            evaluation,
            seed: t.seed,
            robustness,
            ret: t.ret(),
            perturbation: t.perturbation.clone(),
            observations: t.observations.clone(),
            actions: t.actions.clone(),
            rewards: t.rewards.clone(),
        }
    }
}

/// The first difference between a recorded failure and its replay (`robustness` is the replay's), if
/// any: an observation, a reward, where the episode ends, the return, the robustness, in that order.
pub fn divergence(
    rec: &RecordedFailure,
    rep: &Trajectory,
    robustness: f64,
    obs_names: &[&str],
) -> Option<String> {
    let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
    for (i, (a, b)) in rec.observations.iter().zip(&rep.observations).enumerate() {
        if let Some(j) = (0..a.len()).find(|&j| !same(a[j], b[j])) {
            let name = obs_names.get(j).copied().unwrap_or("?");
            return Some(format!(
                "observation {i}, `{name}`: recorded {:?}, replayed {:?}",
                a[j], b[j]
            ));
        }
    }
    for (i, (a, b)) in rec.rewards.iter().zip(&rep.rewards).enumerate() {
        if !same(*a, *b) {
            return Some(format!(
                "reward of step {}: recorded {a:?}, replayed {b:?}",
                i + 1
            ));
        }
    }
    if rep.actions.len() < rec.actions.len() {
        return Some(format!(
            "the replayed episode ends after {} steps; the record has {}",
            rep.actions.len(),
            rec.actions.len()
        ));
    }
    if !(rep.terminated || rep.truncated) {
        return Some(format!(
            "the replayed episode has not ended after the {} recorded steps",
            rec.actions.len()
        ));
    }
    if !same(rec.ret, rep.ret()) {
        return Some(format!(
            "return: recorded {:?}, replayed {:?}",
            rec.ret,
            rep.ret()
        ));
    }
    if !same(rec.robustness, robustness) {
        return Some(format!(
            "robustness: recorded {:?}, replayed {robustness:?}",
            rec.robustness
        ));
    }
    None
}

/// A failures file.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureFile {
    pub env_id: String,
    pub spec: String,
    pub failures: Vec<RecordedFailure>,
}

fn action_columns(space: &Space) -> Vec<String> {
    match space {
        Space::Discrete { .. } => vec!["action".into()],
        Space::Box { low, .. } => (0..low.len()).map(|i| format!("action{i}")).collect(),
    }
}

/// The columns every failure row starts with, before its perturbation values.
const FAILURE_COLUMNS: [&str; 8] = [
    "env",
    "spec",
    "failure",
    "evaluation",
    "seed",
    "steps",
    "robustness",
    "return",
];

/// Perturbation columns are prefixed: a parameter may share its name with an observation variable.
const PARAM_PREFIX: &str = "perturb.";

fn num(v: f64) -> String {
    format!("{v:?}")
}

/// One failing episode to write: its evaluation index, robustness and trajectory.
pub struct FailureRow<'a> {
    pub evaluation: usize,
    pub robustness: f64,
    pub trajectory: &'a Trajectory,
}

/// Write the failures of a campaign (atomically). `params` names the perturbation columns.
pub fn write_failures(
    path: &Path,
    env_id: &str,
    spec: &str,
    params: &[&str],
    obs_names: &[&str],
    action_space: &Space,
    failures: &[FailureRow],
) -> Result<()> {
    let acts = action_columns(action_space);
    let mut header: Vec<String> = FAILURE_COLUMNS.map(String::from).to_vec();
    header.extend(params.iter().map(|p| format!("{PARAM_PREFIX}{p}")));
    header.push("step".into());
    header.extend(obs_names.iter().map(|s| s.to_string()));
    header.extend(acts.iter().cloned());
    header.push("reward".into());
    let mut rows = Vec::new();
    for (id, f) in failures.iter().enumerate() {
        let t = f.trajectory;
        let head: Vec<String> = [
            env_id.to_string(),
            spec.to_string(),
            id.to_string(),
            f.evaluation.to_string(),
            t.seed.to_string(),
            t.actions.len().to_string(),
            num(f.robustness),
            num(t.ret()),
        ]
        .into_iter()
        .chain(
            params
                .iter()
                .map(|p| t.perturbation.0.get(*p).map_or(String::new(), |v| num(*v))),
        )
        .collect();
        for (i, obs) in t.observations.iter().enumerate() {
            let mut row = head.clone();
            row.push(i.to_string());
            row.extend(obs.iter().map(|v| num(*v)));
            match t.actions.get(i) {
                Some(Action::Discrete(a)) => row.push(a.to_string()),
                Some(Action::Continuous(v)) => row.extend(v.iter().map(|x| num(*x))),
                None => row.extend(acts.iter().map(|_| String::new())),
            }
            row.push(if i == 0 {
                String::new()
            } else {
                num(t.rewards[i - 1])
            });
            rows.push(row);
        }
    }
    write_csv(path, &header, rows)
}

/// Read a failures file for `env_id`. A file from another environment, a truncated file (a failure
/// with fewer rows than its `steps` + 1, or a cut row) and unreadable numbers are errors naming the
/// file and the line.
pub fn read_failures(
    path: &Path,
    env_id: &str,
    obs_names: &[&str],
    action_space: &Space,
) -> Result<FailureFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_failures(&bytes, path, env_id, obs_names, action_space)
}

/// [`read_failures`] of the file's `bytes` (`path` names it in errors).
pub fn parse_failures(
    bytes: &[u8],
    path: &Path,
    env_id: &str,
    obs_names: &[&str],
    action_space: &Space,
) -> Result<FailureFile> {
    let bad = |line: usize, reason: String| {
        Error::Invalid(format!("{}:{line}: {reason}", path.display()))
    };
    // Every row the writer writes ends with a newline: a file cut inside its last field would
    // otherwise still parse.
    if !bytes.ends_with(b"\n") {
        return Err(Error::Invalid(format!(
            "{}: the file does not end with a complete row (is it truncated?)",
            path.display()
        )));
    }
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let fixed = FAILURE_COLUMNS.iter().chain(&["step", "reward"]);
    for f in fixed {
        if col(f).is_none() {
            return Err(bad(1, format!("not a failures file: no `{f}` column")));
        }
    }
    // The writer's order: the fixed columns first, the perturbation between `return` and `step`.
    if !header.iter().zip(FAILURE_COLUMNS).all(|(h, f)| h == f) {
        return Err(bad(
            1,
            format!(
                "the header starts `{}`; a failures file's starts `{}`",
                header
                    .iter()
                    .take(FAILURE_COLUMNS.len())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(","),
                FAILURE_COLUMNS.join(",")
            ),
        ));
    }
    // `return` is the last fixed column, so `step` comes after it.
    let (ret_col, step_col) = (col("return").unwrap(), col("step").unwrap());
    // Each failure's step rows must be in the file: a `steps` beyond the rows left is a damaged file,
    // refused before anything is allocated for it.
    let mut rows_left = bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1);
    let params: Vec<String> = header[ret_col + 1..step_col]
        .iter()
        .map(|h| h.strip_prefix(PARAM_PREFIX).unwrap_or(h).to_string())
        .collect();
    let obs_cols: Vec<usize> = obs_names
        .iter()
        .map(|n| col(n).ok_or_else(|| bad(1, format!("no `{n}` column: not a file of {env_id}"))))
        .collect::<Result<_>>()?;
    let act_cols: Vec<usize> = action_columns(action_space)
        .iter()
        .map(|n| col(n).ok_or_else(|| bad(1, format!("no `{n}` column: not a file of {env_id}"))))
        .collect::<Result<_>>()?;
    let mut file = FailureFile {
        env_id: env_id.to_string(),
        spec: String::new(),
        failures: Vec::new(),
    };
    let mut expected_rows = 0usize;
    for (k, rec) in r.records().enumerate() {
        let line = k + 2;
        let rec = rec.map_err(|e| bad(line, format!("{e} (is the file truncated?)")))?;
        rows_left = rows_left.saturating_sub(1);
        let get = |c: usize| rec.get(c).unwrap_or("");
        let f64_at = |c: usize| -> Result<f64> {
            get(c).parse::<f64>().map_err(|_| {
                bad(
                    line,
                    format!("`{}` is not a number in column `{}`", get(c), header[c]),
                )
            })
        };
        let int_at = |c: usize| -> Result<u64> {
            get(c).parse::<u64>().map_err(|_| {
                bad(
                    line,
                    format!(
                        "`{}` is not a whole number in column `{}`",
                        get(c),
                        header[c]
                    ),
                )
            })
        };
        if get(col("env").unwrap()) != env_id {
            return Err(bad(
                line,
                format!(
                    "this file records failures of {}, not of {env_id}",
                    get(col("env").unwrap())
                ),
            ));
        }
        let step = int_at(step_col)? as usize;
        if step == 0 {
            if expected_rows != 0 {
                return Err(bad(
                    line,
                    "the previous failure ends early (is the file truncated?)".into(),
                ));
            }
            let mut perturbation = BTreeMap::new();
            for (i, p) in params.iter().enumerate() {
                let c = ret_col + 1 + i;
                if !get(c).is_empty() {
                    perturbation.insert(p.clone(), f64_at(c)?);
                }
            }
            file.spec = get(col("spec").unwrap()).to_string();
            let steps = int_at(col("steps").unwrap())?;
            if steps > rows_left as u64 {
                return Err(bad(
                    line,
                    format!(
                        "the failure has {steps} steps but the file has only {rows_left} rows left \
                         (is it truncated?)"
                    ),
                ));
            }
            let steps = steps as usize;
            expected_rows = steps + 1;
            file.failures.push(RecordedFailure {
                id: int_at(col("failure").unwrap())? as usize,
                evaluation: int_at(col("evaluation").unwrap())? as usize,
                seed: int_at(col("seed").unwrap())?,
                robustness: f64_at(col("robustness").unwrap())?,
                ret: f64_at(ret_col)?,
                perturbation: Perturbation(perturbation),
                observations: Vec::with_capacity(expected_rows),
                actions: Vec::with_capacity(steps),
                rewards: Vec::with_capacity(steps),
            });
        }
        let Some(f) = file.failures.last_mut() else {
            return Err(bad(
                line,
                "the first row of a failure must be its step 0".into(),
            ));
        };
        if step != f.observations.len() || expected_rows == 0 {
            return Err(bad(
                line,
                format!("step {step} is out of order (is the file truncated?)"),
            ));
        }
        expected_rows -= 1;
        f.observations
            .push(obs_cols.iter().map(|&c| f64_at(c)).collect::<Result<_>>()?);
        if step > 0 {
            f.rewards.push(f64_at(col("reward").unwrap())?);
        }
        if expected_rows > 0 {
            f.actions.push(match action_space {
                Space::Discrete { n } => {
                    let a = int_at(act_cols[0])? as usize;
                    if a >= *n {
                        return Err(bad(
                            line,
                            format!("action {a} is not one of {n} discrete actions"),
                        ));
                    }
                    Action::Discrete(a)
                }
                Space::Box { .. } => {
                    Action::Continuous(act_cols.iter().map(|&c| f64_at(c)).collect::<Result<_>>()?)
                }
            });
        }
    }
    if expected_rows != 0 {
        return Err(Error::Invalid(format!(
            "{}: the last failure ends early (is the file truncated?)",
            path.display()
        )));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{make, Env};
    use crate::rollout::replay;

    /// Two short perturbed episodes of Pendulum-v1 (continuous) with varied actions.
    fn episodes(env: &mut dyn Env) -> Vec<Trajectory> {
        (0..2)
            .map(|k| {
                let pert = Perturbation::new()
                    .with("theta_dot", 0.3 * k as f64 - 0.1)
                    .with("g", 9.5);
                let actions: Vec<Action> = (0..7)
                    .map(|i| Action::Continuous(vec![(i as f64 * 0.7 + k as f64).sin() * 2.5]))
                    .collect();
                replay(env, 11 + k, &pert, &actions).unwrap()
            })
            .collect()
    }

    fn write(path: &Path, env: &dyn Env, trajs: &[Trajectory]) {
        let rows: Vec<FailureRow> = trajs
            .iter()
            .enumerate()
            .map(|(i, t)| FailureRow {
                evaluation: 10 * i,
                robustness: -(i as f64) - 0.5,
                trajectory: t,
            })
            .collect();
        write_failures(
            path,
            env.id(),
            "return_300",
            &["cos_theta", "theta_dot", "g"],
            env.observation_names(),
            &env.action_space(),
            &rows,
        )
        .unwrap();
    }

    #[test]
    fn failures_read_back_bit_for_bit_and_replay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let mut env = make("Pendulum-v1").unwrap();
        let trajs = episodes(env.as_mut());
        write(&path, env.as_ref(), &trajs);
        let back = read_failures(
            &path,
            "Pendulum-v1",
            env.observation_names(),
            &env.action_space(),
        )
        .unwrap();
        assert_eq!(back.spec, "return_300");
        assert_eq!(back.failures.len(), 2);
        for (f, t) in back.failures.iter().zip(&trajs) {
            assert_eq!(f.observations, t.observations);
            assert_eq!(f.actions, t.actions);
            assert_eq!(f.rewards, t.rewards);
            assert_eq!(f.perturbation, t.perturbation);
            assert_eq!(f.ret.to_bits(), t.ret().to_bits());
            let again = replay(env.as_mut(), f.seed, &f.perturbation, &f.actions).unwrap();
            assert_eq!(&again, t);
        }
        assert_eq!(back.failures[1].evaluation, 10);
        assert_eq!(back.failures[1].robustness, -1.5);
    }

    #[test]
    fn other_environments_and_truncated_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let mut env = make("Pendulum-v1").unwrap();
        let trajs = episodes(env.as_mut());
        write(&path, env.as_ref(), &trajs);
        let obs = env.observation_names();
        let space = env.action_space();
        let e = read_failures(&path, "Pendulum-v0", obs, &space)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("records failures of Pendulum-v1, not of Pendulum-v0"),
            "{e}"
        );
        let cp = make("CartPole-v1").unwrap();
        let e = read_failures(
            &path,
            "CartPole-v1",
            cp.observation_names(),
            &cp.action_space(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not a file of CartPole-v1"), "{e}");
        let text = std::fs::read_to_string(&path).unwrap();
        // Cut inside a row, then at the end of a row in the middle of a failure.
        std::fs::write(&path, &text[..text.len() - 7]).unwrap();
        let e = read_failures(&path, "Pendulum-v1", obs, &space)
            .unwrap_err()
            .to_string();
        assert!(e.contains("truncated") || e.contains("not a number"), "{e}");
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&path, lines[..lines.len() - 2].join("\n") + "\n").unwrap();
        let e = read_failures(&path, "Pendulum-v1", obs, &space)
            .unwrap_err()
            .to_string();
        assert!(e.contains("rows left (is it truncated?)"), "{e}");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let e = read_failures(&path, "Pendulum-v1", obs, &space)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a failures file"), "{e}");
    }

    /// Damage that once panicked or tried to allocate tens of gigabytes: columns in another order, and
    /// a `steps` far beyond the file.
    #[test]
    fn reordered_columns_and_huge_step_counts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        let mut env = make("Pendulum-v1").unwrap();
        let trajs = episodes(env.as_mut());
        write(&path, env.as_ref(), &trajs);
        let (obs, space) = (env.observation_names(), env.action_space());
        let text = std::fs::read_to_string(&path).unwrap();
        let read = |t: &str| {
            std::fs::write(&path, t).unwrap();
            read_failures(&path, "Pendulum-v1", obs, &space)
                .unwrap_err()
                .to_string()
        };
        let (header, rows) = text.split_once('\n').unwrap();
        // `step` moved before `return`, and two fixed columns swapped.
        let moved = header
            .replace(",return,", ",")
            .replace(",step,", ",step,return,");
        assert!(read(&format!("{moved}\n{rows}")).contains("a failures file's starts"));
        let swapped = header.replacen("env,spec", "spec,env", 1);
        assert!(read(&format!("{swapped}\n{rows}")).contains("a failures file's starts"));
        // The first failure's `steps` (column 5) set to 10¹⁸.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut cells: Vec<&str> = lines[1].split(',').collect();
        cells[5] = "1000000000000000000";
        lines[1] = cells.join(",");
        let e = read(&(lines.join("\n") + "\n"));
        assert!(
            e.contains("has 1000000000000000000 steps but the file has only"),
            "{e}"
        );
    }
}
