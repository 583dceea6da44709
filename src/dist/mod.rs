//! One run over many processes: `mpirun -n N synapt-safety ...`, built with `--features mpi`
//! (docs/mpi.md).
//!
//! Every rank runs the same command (SPMD): the same learner, seeded the same, takes the same steps.
//! Where the work fans out (a generation's (individual, episode) evaluations, a study's campaigns),
//! rank r computes the items i with i mod N = r, on its own cores; the results go to rank 0, which
//! sends all of them back in item order, so every rank's learner sees every result and stays in step
//! with rank 0's. Only results move (a few bytes per episode), never a population's parameters, and a
//! run's files are the one-process run's whatever N: only rank 0 writes files ([`writes_files`]) and
//! prints (the other ranks' standard output and error go to /dev/null, but for [`say_error`]).
//!
//! Work is shared only while a [`Sharing`] is held, which every rank takes at the same point of the same
//! stage; everywhere else (and in one process, or without the feature) [`map`] is the local
//! computation, so a stage that rank 0 runs alone (refinement's own campaigns) never waits for ranks
//! that are not there.

#[cfg(feature = "mpi")]
mod mpi;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

/// This process's place: (rank, size); (0, 1) until [`start`] says otherwise.
static PLACE: OnceLock<(usize, usize)> = OnceLock::new();
/// How long rank 0 waits for a rank's results once its own share is done.
static TIMEOUT_MS: AtomicU64 = AtomicU64::new(600_000);
/// While a [`Sharing`] is held: every rank is running the same stage.
static SHARED: AtomicBool = AtomicBool::new(false);

/// The default of `--mpi-timeout`, in seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 600;

/// MPI, held for the process's life: dropping it finalises MPI (after every rank has come to it).
pub struct Session {
    #[cfg(feature = "mpi")]
    _universe: Option<::mpi::environment::Universe>,
}

/// Start MPI when the program was built with it (a process not launched by `mpirun` is a world of
/// one); `timeout` bounds how long rank 0 waits for another rank's results (`--mpi-timeout`).
pub fn start(timeout: Duration) -> Result<Session> {
    TIMEOUT_MS.store(timeout.as_millis().max(1) as u64, Ordering::Relaxed);
    #[cfg(feature = "mpi")]
    {
        let (universe, rank, size) = mpi::start()?;
        let _ = PLACE.set((rank, size));
        if rank > 0 {
            quiet();
            // A panic on another rank is said where its errors are.
            std::panic::set_hook(Box::new(|info| say_error(&format!("panicked: {info}"))));
        }
        Ok(Session {
            _universe: universe,
        })
    }
    #[cfg(not(feature = "mpi"))]
    {
        let _ = PLACE.set((0, 1));
        Ok(Session {})
    }
}

/// This process's rank (0 in one process).
pub fn rank() -> usize {
    PLACE.get().map_or(0, |p| p.0)
}

/// How many processes run the command (1 without MPI).
pub fn size() -> usize {
    PLACE.get().map_or(1, |p| p.1)
}

/// Whether this process writes the run's files: rank 0 (the only one in one process).
pub fn writes_files() -> bool {
    rank() == 0
}

/// Whether this build can run on MPI ranks.
pub const fn built_with_mpi() -> bool {
    cfg!(feature = "mpi")
}

/// While held, [`map`] shares its work out across ranks ([`Sharing::begin`]: held around a stage
/// that every rank runs at the same point) or not ([`Sharing::alone`]); dropping it restores what
/// held before.
pub struct Sharing(bool);

impl Sharing {
    pub fn begin() -> Sharing {
        Sharing(SHARED.swap(true, Ordering::SeqCst))
    }

    /// Work is not shared even inside a shared stage: a part of it that rank 0 runs alone (the other
    /// ranks skip it and meet rank 0 at the next [`barrier`]).
    pub fn alone() -> Sharing {
        Sharing(SHARED.swap(false, Ordering::SeqCst))
    }
}

impl Drop for Sharing {
    fn drop(&mut self) {
        SHARED.store(self.0, Ordering::SeqCst);
    }
}

/// Every rank waits here until all have come (while [`Sharing`]; elsewhere it returns at once):
/// after rank 0 writes a file the others read.
pub fn barrier() -> Result<()> {
    map::<(), (), ()>(&[], Local::Sequential, || (), |_, _| Ok(())).map(|_| ())
}

/// Whether [`map`] shares its items out across ranks here.
fn sharing() -> bool {
    size() > 1 && SHARED.load(Ordering::SeqCst)
}

/// How a rank runs its own share of [`map`]'s items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// Over the rank's thread pool (items that are single episodes).
    Parallel,
    /// One after another (items that are parallel inside, such as campaigns).
    Sequential,
}

/// `f` applied to every item, in item order, whatever the number of ranks and threads. Each worker
/// thread builds its state once with `init` (its environments). While [`Sharing`], on N ranks, rank r
/// computes the items i with i mod N = r and every rank gets every result; an error is the one of the
/// first failing item, whichever rank computed it.
pub fn map<T, S, R>(
    items: &[T],
    local: Local,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> Result<R> + Sync + Send,
) -> Result<Vec<R>>
where
    T: Sync,
    R: Send + Serialize + DeserializeOwned,
{
    let run = |idx: &[usize]| -> Vec<Result<R>> {
        match local {
            Local::Parallel => idx
                .par_iter()
                .map_init(&init, |s, &i| f(s, &items[i]))
                .collect(),
            Local::Sequential => {
                let mut s = init();
                idx.iter().map(|&i| f(&mut s, &items[i])).collect()
            }
        }
    };
    if !sharing() {
        return match local {
            // Collected whole, then checked in order: an error is the first failing item's,
            // whatever the schedule.
            Local::Parallel => items
                .par_iter()
                .map_init(&init, &f)
                .collect::<Vec<_>>()
                .into_iter()
                .collect(),
            // In order: the first error ends the work.
            Local::Sequential => {
                let mut s = init();
                items.iter().map(|item| f(&mut s, item)).collect()
            }
        };
    }
    let (rank, size) = (rank(), size());
    let mine: Vec<usize> = (rank..items.len()).step_by(size).collect();
    let results = run(&mine);
    // The first error of this rank's share (by item index), as text, or every result.
    let first_error = mine
        .iter()
        .zip(&results)
        .find_map(|(&i, r)| r.as_ref().err().map(|e| (i, e.to_string())));
    let (own_share, own_error) = match first_error {
        Some(e) => {
            let own = results.into_iter().find_map(|r| r.err());
            (Share::<R>::Failed(e), own)
        }
        None => (
            Share::Done(results.into_iter().map(|r| r.expect("no error")).collect()),
            None,
        ),
    };
    let shares = exchange(&own_share)?;
    // Our own share is kept as computed; only the other ranks' are decoded.
    let mut own = Some(own_share);
    let mut decoded: Vec<Share<R>> = Vec::with_capacity(size);
    for (r, bytes) in shares.iter().enumerate() {
        decoded.push(match own.take_if(|_| r == rank) {
            Some(s) => s,
            None => decode(bytes, r)?,
        });
    }
    if let Some((r, (i, message))) = decoded
        .iter()
        .enumerate()
        .filter_map(|(r, s)| match s {
            Share::Failed(e) => Some((r, e.clone())),
            Share::Done(_) => None,
        })
        .min_by_key(|(_, (i, _))| *i)
    {
        return Err(match own_error {
            Some(e) if r == rank => e,
            _ => Error::Invalid(format!("MPI rank {r}, item {i}: {message}")),
        });
    }
    let mut columns: Vec<std::vec::IntoIter<R>> = decoded
        .into_iter()
        .map(|s| match s {
            Share::Done(v) => v.into_iter(),
            Share::Failed(_) => unreachable!("errors returned above"),
        })
        .collect();
    let out: Vec<R> = (0..items.len())
        .filter_map(|i| columns[i % size].next())
        .collect();
    if out.len() != items.len() {
        return Err(Error::Invalid(format!(
            "MPI: the ranks returned {} results for {} items (are all ranks running the same \
             command and build?)",
            out.len(),
            items.len()
        )));
    }
    Ok(out)
}

/// Root's value of `flag`, on every rank while [`Sharing`] (its own value elsewhere): decisions only
/// rank 0 can take, such as stopping on Ctrl-C, taken by all at the same step.
pub fn agree(flag: bool) -> Result<bool> {
    if !sharing() {
        return Ok(flag);
    }
    #[cfg(feature = "mpi")]
    {
        mpi::broadcast_flag(
            flag,
            Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed)),
        )
    }
    #[cfg(not(feature = "mpi"))]
    {
        Ok(flag)
    }
}

/// End every rank's process now with `code` (after an error on any rank, so none waits for it).
pub fn abort(code: i32) -> ! {
    #[cfg(feature = "mpi")]
    {
        if size() > 1 {
            mpi::abort(code)
        }
    }
    std::process::exit(code)
}

/// One rank's share of a [`map`], as it travels.
#[derive(serde::Serialize, serde::Deserialize)]
enum Share<R> {
    Done(Vec<R>),
    /// The first failing item's index and its error.
    Failed((usize, String)),
}

/// Send this rank's share to rank 0 and get every rank's, in rank order.
fn exchange<R: Serialize>(share: &Share<R>) -> Result<Vec<Vec<u8>>> {
    #[cfg(feature = "mpi")]
    {
        let bytes = postcard::to_allocvec(share)
            .map_err(|e| Error::Invalid(format!("MPI: encoding this rank's results: {e}")))?;
        mpi::exchange(
            bytes,
            Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed)),
        )
    }
    #[cfg(not(feature = "mpi"))]
    {
        let _ = share;
        unreachable!("one process never shares work out")
    }
}

fn decode<R: DeserializeOwned>(bytes: &[u8], rank: usize) -> Result<Share<R>> {
    #[cfg(feature = "mpi")]
    {
        postcard::from_bytes(bytes).map_err(|e| {
            Error::Invalid(format!(
                "MPI rank {rank}'s results cannot be read ({e}): are all ranks running the same \
                 build?"
            ))
        })
    }
    #[cfg(not(feature = "mpi"))]
    {
        let _ = (bytes, rank);
        unreachable!("one process never shares work out")
    }
}

/// Where another rank says why it failed: its standard error as it was before [`quiet`] (-1: none).
static ERRORS_FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// Send this process's standard output and error to /dev/null: rank 0 prints the run's tables and
/// progress, once. The error stream is kept for [`say_error`].
#[cfg(feature = "mpi")]
fn quiet() {
    use std::os::fd::AsRawFd;
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        // SAFETY: dup and dup2 only copy descriptors this process owns.
        unsafe {
            ERRORS_FD.store(libc::dup(2), Ordering::SeqCst);
            libc::dup2(null.as_raw_fd(), 1);
            libc::dup2(null.as_raw_fd(), 2);
        }
    }
}

/// Say on the standard error why this process fails: rank 0 as one process does, another rank on the
/// stream [`quiet`] kept, naming itself.
pub fn say_error(message: &str) {
    match (rank(), ERRORS_FD.load(Ordering::SeqCst)) {
        (0, _) | (_, -1) => eprintln!("error: {message}"),
        (r, fd) => {
            let line = format!("error (MPI rank {r}): {message}\n");
            // SAFETY: writes bytes we own to a descriptor this process keeps open.
            unsafe {
                libc::write(fd, line.as_ptr().cast(), line.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_process_maps_in_item_order_and_reports_the_first_error() {
        let items: Vec<u64> = (0..100).collect();
        for local in [Local::Parallel, Local::Sequential] {
            let out = map(
                &items,
                local,
                || 0u64,
                |n, &i| {
                    *n += 1;
                    Ok(i * i)
                },
            )
            .unwrap();
            assert_eq!(out, items.iter().map(|i| i * i).collect::<Vec<_>>());
            let err = map(
                &items,
                local,
                || (),
                |_, &i| {
                    if i % 30 == 29 {
                        Err(Error::Invalid(format!("item {i}")))
                    } else {
                        Ok(i)
                    }
                },
            )
            .unwrap_err();
            // The first failing item's error, whatever the schedule.
            assert_eq!(err.to_string(), "item 29");
        }
        let _sharing = Sharing::begin();
        assert!(!sharing(), "one process never shares");
        assert!(agree(true).unwrap() && !agree(false).unwrap());
    }
}
