//! The `--test` stage: deterministic evaluation of an actor, with a per-episode table, a summary and
//! an optional CSV.

use std::path::{Path, PathBuf};

use crate::env;
use crate::error::{Error, Result};
use crate::fsutil::write_csv;
use crate::policy::Actor;
use crate::report::{Summary, Table};
use crate::rollout::{self, Episode};

/// The result of evaluating one actor.
#[derive(Debug, Clone)]
pub struct TestReport {
    pub env_id: String,
    /// The actor file (for a member of a `.npy` elite population, `file.npy[K]`).
    pub actor: PathBuf,
    pub episodes: Vec<Episode>,
}

/// Load an actor (member `elite` of a `.npy` elite population) and check that it fits `env_id` (and,
/// with `isdiscrete`, that the environment's actions really are discrete).
pub fn load_actor(
    env_id: &str,
    path: &Path,
    elite: Option<usize>,
    isdiscrete: bool,
) -> Result<Actor> {
    let env = env::make(env_id)?;
    let (obs, act) = (env.observation_space(), env.action_space());
    if isdiscrete && !act.is_discrete() {
        return Err(Error::Invalid(format!(
            "--isdiscrete was given, but {env_id} has a continuous action space"
        )));
    }
    let actor = Actor::load_elite(path, elite, Some(&act))?;
    // Errors name the member of an elite population: `elites.npy[1]: the network maps …`.
    let label = crate::policy::actor_label(path, elite);
    actor.check_fits(&obs, &act, env_id, Path::new(&label))?;
    Ok(actor)
}

/// Evaluate the actor at `path` (member `elite` of a `.npy` elite population) over `episodes` episodes
/// seeded `seed, seed+1, …`.
pub fn run(
    env_id: &str,
    options: crate::env::EnvOptions,
    path: &Path,
    elite: Option<usize>,
    episodes: usize,
    seed: u64,
    isdiscrete: bool,
) -> Result<TestReport> {
    let actor = load_actor(env_id, path, elite, isdiscrete)?;
    Ok(TestReport {
        env_id: env_id.to_string(),
        actor: PathBuf::from(crate::policy::actor_label(path, elite)),
        episodes: rollout::evaluate_with(env_id, options, &actor, episodes, seed)?,
    })
}

impl TestReport {
    pub fn returns(&self) -> Vec<f64> {
        self.episodes.iter().map(|e| e.ret).collect()
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.returns())
    }

    /// One row per episode.
    pub fn episode_table(&self) -> Table {
        let mut t = Table::new(["episode", "seed", "return", "length", "end"]);
        for (i, e) in self.episodes.iter().enumerate() {
            t.row([
                i.to_string(),
                e.seed.to_string(),
                format!("{:.3}", e.ret),
                e.length.to_string(),
                end_label(e).to_string(),
            ]);
        }
        t
    }

    /// Mean ± std, min and max of the returns, and the mean length.
    pub fn summary_table(&self) -> Table {
        let s = self.summary();
        let lens: Vec<f64> = self.episodes.iter().map(|e| e.length as f64).collect();
        let mut t = Table::new([
            "env",
            "actor",
            "episodes",
            "mean ± std",
            "min",
            "max",
            "mean length",
        ]);
        t.row([
            self.env_id.clone(),
            self.actor.display().to_string(),
            s.n.to_string(),
            format!("{:.3} ± {:.3}", s.mean, s.std),
            format!("{:.3}", s.min),
            format!("{:.3}", s.max),
            format!("{:.1}", Summary::of(&lens).mean),
        ]);
        t
    }

    /// The per-episode results as CSV, returns at full precision, written atomically.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let rows = self.episodes.iter().enumerate().map(|(i, e)| {
            vec![
                i.to_string(),
                e.seed.to_string(),
                format!("{:?}", e.ret),
                e.length.to_string(),
                e.terminated.to_string(),
                e.truncated.to_string(),
            ]
        });
        write_csv(
            path,
            [
                "episode",
                "seed",
                "return",
                "length",
                "terminated",
                "truncated",
            ],
            rows,
        )
    }
}

fn end_label(e: &Episode) -> &'static str {
    match (e.terminated, e.truncated) {
        (true, _) => "terminated",
        (false, true) => "truncated",
        _ => "running",
    }
}
