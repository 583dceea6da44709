//! `mpirun -n N synapt-safety ...` (built with `--features mpi`, docs/mpi.md), on this machine over
//! loopback with real Open MPI: population learners and a falsification study give the one-process
//! run's files byte for byte (but for wall-clock columns) for N = 2 and 3; a rank killed mid-run stops
//! the run, named, with the checkpoint whole, and `--resume` under another N ends where the
//! uninterrupted run ends; a rank that hangs is named after `--mpi-timeout`; commands with nothing to
//! share out, or whose shared stage would read what another stage writes, are refused.
//!
//! `scripts/test.sh` runs it: `cargo test --release --features mpi --test mpi`.
#![cfg(feature = "mpi")]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_ok, read, run_bin, stderr, stdout, workdir_settings};

/// `mpirun --oversubscribe -n <n>` of the binary under test, in `dir`.
fn mpirun(dir: &Path, n: usize) -> Command {
    let mut cmd = Command::new("mpirun");
    cmd.current_dir(dir)
        // CI and containers run as root; Open MPI refuses that unless told twice.
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        // Containers often forbid the cross-memory attach the shared-memory transport tries first.
        .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
        .args(["--oversubscribe", "-n", &n.to_string()])
        .arg(env!("CARGO_BIN_EXE_synapt-safety"));
    cmd
}

fn run_mpi(dir: &Path, n: usize, args: &[&str]) -> Output {
    mpirun(dir, n).args(args).output().expect(
        "mpirun did not start: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)",
    )
}

/// A CSV (a training log) without its `wall_s` column: the one value a clock decides.
fn without_wall(text: &str) -> String {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let wall = header
        .iter()
        .position(|c| *c == "wall_s")
        .expect("a wall_s column");
    std::iter::once(header.join(","))
        .chain(lines.map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.remove(wall);
            c.join(",")
        }))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JSON checkpoint without its `wall_s`, wherever the learner keeps it.
fn checkpoint_without_wall(dir: &Path, f: &str) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => {
                usize::from(m.remove("wall_s").is_some()) + m.values_mut().map(strip).sum::<usize>()
            }
            _ => 0,
        }
    }
    let mut c: serde_json::Value = serde_json::from_slice(&read(dir, f)).unwrap();
    assert_eq!(strip(&mut c), 1, "{f}: one wall_s");
    c
}

/// What a learner leaves: files compared byte for byte, its log, its checkpoint.
struct Learner<'a> {
    settings: &'a str,
    args: &'a [&'a str],
    files: &'a [&'a str],
    log: &'a str,
    checkpoint: &'a str,
}

impl Learner<'_> {
    fn assert_same(&self, one: &Path, many: &Path, n: usize) {
        for f in self.files {
            assert!(read(one, f) == read(many, f), "{f} differs on {n} ranks");
        }
        let log = |d: &Path| without_wall(&String::from_utf8(read(d, self.log)).unwrap());
        assert_eq!(log(one), log(many), "{} differs on {n} ranks", self.log);
        assert_eq!(
            checkpoint_without_wall(one, self.checkpoint),
            checkpoint_without_wall(many, self.checkpoint),
            "{} differs on {n} ranks",
            self.checkpoint
        );
    }

    /// One process, then 2 and 3 ranks: the same files.
    fn same_for_any_rank_count(&self) {
        let one = workdir_settings(self.settings);
        assert_ok(&run_bin(one.path(), self.args));
        for n in [2, 3] {
            let many = workdir_settings(self.settings);
            let o = run_mpi(many.path(), n, self.args);
            assert_ok(&o);
            // Rank 0 alone prints: one header, not n.
            let out = stdout(&o);
            assert_eq!(
                out.matches(&format!("on {n} MPI ranks")).count(),
                1,
                "{out}"
            );
            self.assert_same(one.path(), many.path(), n);
        }
    }
}

const CMA_FILES: [&str; 3] = [
    "Policies/cma_actorCartPole-v1.pth",
    "Policies/cma_actorCartPole-v1.arch.json",
    "Graph/train_cma_CartPole-v1.png",
];

#[test]
fn cma_es_gives_the_same_files_on_one_two_and_three_ranks() {
    Learner {
        settings: "",
        args: &[
            "--train",
            "--algo",
            "cma",
            "--env",
            "CartPole-v1",
            "--seed",
            "3",
        ],
        files: &CMA_FILES,
        log: "Graph/train_cma_CartPole-v1.csv",
        checkpoint: "Policies/cma_checkpointCartPole-v1.json",
    }
    .same_for_any_rank_count();
}

#[test]
fn synaptolysis_gives_the_same_files_on_one_two_and_three_ranks() {
    // mk2 guided by the covariance of its nodes: every episode's node statistics travel too.
    let settings =
        "InvertedPendulumSwingupLongRailBulletEnv-v0:\n  synaptolysis: {population: 24, \
                    episodes: 2, save_every: 3}\n";
    for algo in ["mk1", "mk2"] {
        let env = "InvertedPendulumSwingupLongRailBulletEnv-v0";
        let files = [
            format!("Policies/{algo}_actor{env}.pth"),
            format!("Policies/{algo}_actor{env}.arch.json"),
            format!("Policies/{algo}_elites{env}.npy"),
        ];
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        Learner {
            settings,
            args: &[
                "--train",
                "--algo",
                algo,
                "--env",
                env,
                "--iterations",
                "5",
                "--threads",
                "1",
            ],
            files: &files,
            log: &format!("Graph/train_{algo}_{env}.csv"),
            checkpoint: &format!("Policies/{algo}_checkpoint{env}.json"),
        }
        .same_for_any_rank_count();
    }
}

#[test]
fn hypernca_cosyne_and_es_give_the_same_files_on_two_ranks() {
    let hypernca = "LunarLander-v2:\n  hypernca: {popsize: 8, policy_layers: 3, bias: true, \
                    nca_steps: 10, generations: 3, save_freq: 2}\n";
    let one = workdir_settings(hypernca);
    let many = workdir_settings(hypernca);
    let args = ["--train", "--algo", "hypernca", "--env", "LunarLander-v2"];
    assert_ok(&run_bin(one.path(), &args));
    assert_ok(&run_mpi(many.path(), 2, &args));
    Learner {
        settings: hypernca,
        args: &args,
        files: &["Policies/hypernca_actorLunarLander-v2.pth"],
        log: "Graph/train_hypernca_LunarLander-v2.csv",
        checkpoint: "Policies/hypernca_checkpointLunarLander-v2.json",
    }
    .assert_same(one.path(), many.path(), 2);

    let one = workdir_settings("");
    let many = workdir_settings("");
    let args = [
        "--train",
        "--algo",
        "cosyne",
        "--env",
        "SinglePole-v0",
        "--seed",
        "1",
    ];
    assert_ok(&run_bin(one.path(), &args));
    assert_ok(&run_mpi(many.path(), 2, &args));
    Learner {
        settings: "",
        args: &args,
        files: &["Policies/cosyne_actorSinglePole-v0.pth"],
        log: "Graph/train_cosyne_SinglePole-v0.csv",
        checkpoint: "Policies/cosyne_checkpointSinglePole-v0.json",
    }
    .assert_same(one.path(), many.path(), 2);

    let one = workdir_settings("");
    let many = workdir_settings("");
    let args = [
        "--train",
        "--algo",
        "es",
        "--env",
        "CartPole-v1",
        "--iterations",
        "8",
    ];
    assert_ok(&run_bin(one.path(), &args));
    assert_ok(&run_mpi(many.path(), 2, &args));
    Learner {
        settings: "",
        args: &args,
        files: &[
            "Policies/es_actorCartPole-v1.pth",
            "Graph/train_es_CartPole-v1.png",
        ],
        log: "Graph/train_es_CartPole-v1.csv",
        checkpoint: "Policies/es_checkpointCartPole-v1.json",
    }
    .assert_same(one.path(), many.path(), 2);
}

/// The study's two tables, without the first one's wall-clock columns (its last three).
fn summary_without_wall(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("bo ") || l.starts_with("random "))
        .enumerate()
        .map(|(i, l)| {
            let c: Vec<&str> = l.split_whitespace().collect();
            c[..c.len() - if i < 2 { 3 } else { 0 }].join(" ")
        })
        .collect()
}

#[test]
fn a_falsification_study_gives_the_same_files_and_summary_on_three_ranks() {
    let args = [
        "--env",
        "CartPole-v0",
        "--actor",
        "ppo_actorCartPole-v0_0.78.pth",
        "--falsify",
        "--falsify-method",
        "bo,random",
        "--spec",
        "upright",
        "--runs",
        "4",
        "--budget",
        "15",
        "--seed",
        "5",
    ];
    // The shipped CartPole actor pruned at k = 0.78 (a clean clone has only the dense one).
    let pruned = || {
        let dir = tempfile::tempdir().unwrap();
        common::pruned_cartpole(dir.path());
        dir
    };
    let (one, many) = (pruned(), pruned());
    let a = run_bin(one.path(), &args);
    assert_ok(&a);
    let b = run_mpi(many.path(), 3, &args);
    assert_ok(&b);
    let (sa, sb) = (
        summary_without_wall(&stdout(&a)),
        summary_without_wall(&stdout(&b)),
    );
    assert_eq!(sa.len(), 4, "{}", stdout(&a));
    assert_eq!(sa, sb);
    let files = common::file_names(&one.path().join("Failure_Trajectories"));
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(
        files,
        common::file_names(&many.path().join("Failure_Trajectories"))
    );
    for f in files {
        let f = format!("Failure_Trajectories/{f}");
        assert!(read(one.path(), &f) == read(many.path(), &f), "{f} differs");
    }
    for f in common::file_names(&one.path().join("Graph")) {
        let f = format!("Graph/{f}");
        assert!(read(one.path(), &f) == read(many.path(), &f), "{f} differs");
    }
}

/// A working directory with the shipped dense actors of `--reproduce` and the hyperparameters.
fn reproduce_workdir() -> tempfile::TempDir {
    let dir = workdir_settings(
        &std::fs::read_to_string(common::root().join("hyperparameters.yml")).unwrap(),
    );
    for env in [
        "CartPole-v0",
        "LunarLanderContinuous-v2",
        "BipedalWalker-v3",
    ] {
        let name = format!("ppo_actor{env}.pth");
        common::ship_actor(dir.path(), &name, &name);
    }
    dir
}

/// Every file under `dir/sub`, as paths relative to `dir`.
fn files_under(dir: &Path, sub: &str) -> Vec<String> {
    common::file_names(&dir.join(sub))
        .into_iter()
        .map(|f| format!("{sub}/{f}"))
        .collect()
}

#[test]
fn reproduce_quick_gives_the_same_tables_actors_and_failures_on_two_ranks() {
    let one = reproduce_workdir();
    let many = reproduce_workdir();
    // One failure refined per environment (refinement runs on rank 0 alone; BipedalWalker's takes
    // most of the time), and the single-process run beside the ranks.
    let args = ["--reproduce", "--quick", "--refine-max-failures", "1"];
    let alone = {
        let dir = one.path().to_path_buf();
        std::thread::spawn(move || run_bin(&dir, &args))
    };
    let o = run_mpi(many.path(), 2, &args);
    assert_ok(&alone.join().unwrap());
    assert_ok(&o);
    // Rank 0 alone prints its progress.
    assert_eq!(stderr(&o).matches("=== [1/3] CartPole-v0 ===").count(), 1);
    let mut compared = 0;
    for sub in ["Policies", "Failure_Trajectories", "Graph/reproduce"] {
        let files = files_under(one.path(), sub);
        assert_eq!(files, files_under(many.path(), sub), "{sub}");
        for f in files {
            // Clocks: the timing table, the campaigns' wall seconds, the report of both.
            if f.ends_with("timing.csv") || f.ends_with("results.md") || f.ends_with(".html") {
                continue;
            }
            let (a, b) = (read(one.path(), &f), read(many.path(), &f));
            if f.ends_with("falsification.csv") {
                let strip = |t: Vec<u8>| {
                    let t = String::from_utf8(t).unwrap();
                    t.lines()
                        .map(|l| l.rsplit_once(',').unwrap().0.to_string())
                        .collect::<Vec<_>>()
                };
                assert_eq!(strip(a), strip(b), "{f}");
            } else {
                assert!(a == b, "{f} differs on 2 ranks");
            }
            compared += 1;
        }
    }
    assert!(compared > 20, "{compared} files compared");
}

/// The pid of the given rank of an `mpirun` started in `dir` (its environment says its rank).
fn rank_pid(dir: &Path, rank: usize) -> Option<u32> {
    let want = format!("OMPI_COMM_WORLD_RANK={rank}");
    let dir = dir.canonicalize().ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cwd = std::fs::read_link(e.path().join("cwd")).ok()?;
        let env = std::fs::read(e.path().join("environ")).ok()?;
        let exe = std::fs::read_link(e.path().join("exe")).ok()?;
        (cwd == dir
            && exe.file_name()? == "synapt-safety"
            && env.split(|b| *b == 0).any(|v| v == want.as_bytes()))
        .then_some(pid)
    })
}

/// CMA-ES on Pendulum-v1 for ever (as good as), saved every 10 generations.
const LONG: [&str; 9] = [
    "--train",
    "--algo",
    "cma",
    "--env",
    "Pendulum-v1",
    "--iterations",
    "1000000",
    "--threads",
    "1",
];
const PENDULUM_CHECKPOINT: &str = "Policies/cma_checkpointPendulum-v1.json";

/// Start `mpirun -n 3` of [`LONG`] in `dir` (with `extra`), wait for its first checkpoint and hand
/// rank `rank`'s pid to `hit`; returns how the run ended.
fn hit_a_rank(dir: &Path, extra: &[&str], rank: usize, hit: impl FnOnce(u32)) -> Output {
    let mut child = mpirun(dir, 3)
        .args(LONG)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut pid = None;
    while pid.is_none() && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
        if dir.join(PENDULUM_CHECKPOINT).exists() {
            pid = rank_pid(dir, rank);
        }
    }
    let Some(pid) = pid else {
        // Not left running for an hour: the test fails now.
        let _ = child.kill();
        panic!("no checkpoint, or no process of rank {rank}, within 2 minutes");
    };
    hit(pid);
    // The run must end by itself (mpirun, or our timeout), not run on.
    let out = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(120));
    out
}

fn checkpoint_generation(dir: &Path) -> u64 {
    let c: serde_json::Value = serde_json::from_slice(&read(dir, PENDULUM_CHECKPOINT))
        .expect("the checkpoint is whole JSON");
    c["generation"].as_u64().unwrap()
}

#[test]
fn a_killed_rank_stops_the_run_named_and_resume_goes_on_under_another_rank_count() {
    let dir = workdir_settings("");
    let o = hit_a_rank(dir.path(), &[], 2, |pid| {
        assert!(Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap()
            .success());
    });
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("rank 2") && err.contains("signal 9"), "{err}");
    let g = checkpoint_generation(dir.path());
    assert!(g >= 10 && g % 10 == 0, "saved at {g}");
    // Go on under 2 ranks to 20 generations past the checkpoint: the files of one uninterrupted run.
    let end = (g + 20).to_string();
    let resumed = run_mpi(
        dir.path(),
        2,
        &[&LONG[..5], &["--iterations", &end, "--resume"]].concat(),
    );
    assert_ok(&resumed);
    let one = workdir_settings("");
    assert_ok(&run_bin(
        one.path(),
        &[&LONG[..5], &["--iterations", &end]].concat(),
    ));
    Learner {
        settings: "",
        args: &[],
        files: &["Policies/cma_actorPendulum-v1.pth"],
        log: "Graph/train_cma_Pendulum-v1.csv",
        checkpoint: PENDULUM_CHECKPOINT,
    }
    .assert_same(one.path(), dir.path(), 2);
}

#[test]
fn a_hung_rank_is_named_after_the_timeout_and_the_checkpoint_stays_whole() {
    let dir = workdir_settings("");
    let mut stopped = 0;
    let o = hit_a_rank(dir.path(), &["--mpi-timeout", "2"], 1, |pid| {
        stopped = pid;
        assert!(Command::new("kill")
            .args(["-STOP", &pid.to_string()])
            .status()
            .unwrap()
            .success());
    });
    // Whatever is left of the stopped rank goes on and is ended by mpirun.
    let _ = Command::new("kill")
        .args(["-CONT", &stopped.to_string()])
        .status();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("error: MPI rank 1 ") && err.contains("--mpi-timeout"),
        "{err}"
    );
    assert!(checkpoint_generation(dir.path()) >= 10);
}

#[test]
fn commands_with_nothing_to_share_or_reading_what_another_stage_writes_are_refused() {
    let dir = common::workdir_with("ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--env",
                "CartPole-v0",
                "--prune",
                "--k",
                "0.78",
                "--falsify",
            ],
            "--prune and --falsify in one mpirun command",
        ),
        (
            &["--env", "CartPole-v0", "--test"],
            "nothing in `--test` is shared out",
        ),
        (
            &[
                "--env",
                "CartPole-v1",
                "--train",
                "--algo",
                "ppo",
                "--iterations",
                "1",
            ],
            "--train --algo ppo runs in one process",
        ),
        (&["--list-envs"], "--list-envs runs in one process"),
        (
            &["--reproduce", "--quick"],
            "--reproduce under mpirun needs the dense actors",
        ),
    ];
    for (args, needle) in cases {
        let o = run_mpi(dir.path(), 2, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!dir
        .path()
        .join("Policies/ppo_actorCartPole-v0_0.78.pth")
        .exists());
}
