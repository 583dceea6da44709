//! The MPI side of [`crate::dist`] (rsmpi), point to point only: rank 0 gathers each rank's share,
//! then sends every share to every rank. Rank 0 polls with a deadline, so a rank that hangs is named
//! after `--mpi-timeout` instead of being waited for for ever; the others poll too, sleeping between
//! looks, so a waiting rank does not spin a core that a computing rank on the same machine needs. A
//! rank that dies is seen by `mpirun`, which ends the job and names it.

use std::time::{Duration, Instant};

use mpi::point_to_point::{Destination, MatchedReceiveVec, Source};
use mpi::topology::{Communicator, SimpleCommunicator};

use crate::error::{Error, Result};

/// The tag of a rank's share on its way to rank 0.
const SHARE: mpi::Tag = 17;

/// Initialise MPI (once per process) and say where this process stands.
pub(super) fn start() -> Result<(Option<mpi::environment::Universe>, usize, usize)> {
    let universe = mpi::initialize().ok_or_else(|| {
        Error::Invalid("MPI: MPI_Init failed (or ran twice in this process)".into())
    })?;
    let world = universe.world();
    let (rank, size) = (world.rank() as usize, world.size() as usize);
    Ok((Some(universe), rank, size))
}

/// Every rank's share, in rank order (this rank's own slot is empty: it keeps its share).
pub(super) fn exchange(own: Vec<u8>, timeout: Duration) -> Result<Vec<Vec<u8>>> {
    let world = SimpleCommunicator::world();
    let (rank, size) = (world.rank() as usize, world.size() as usize);
    let all = if rank == 0 {
        let deadline = Instant::now() + timeout;
        let mut shares = vec![Vec::new(); size];
        let mut waiting: Vec<usize> = (1..size).collect();
        let mut pause = Pause::new();
        while !waiting.is_empty() {
            waiting.retain(|&r| {
                match world
                    .process_at_rank(r as mpi::Rank)
                    .immediate_matched_probe_with_tag(SHARE)
                {
                    Some(probed) => {
                        shares[r] = probed.matched_receive_vec::<u8>().0;
                        false
                    }
                    None => true,
                }
            });
            if waiting.is_empty() {
                break;
            }
            if Instant::now() >= deadline {
                return Err(Error::Invalid(late(&waiting, "sent no results", timeout)));
            }
            pause.sleep();
        }
        // Every share after its length, so each rank can cut them apart again.
        let mut all = Vec::new();
        for (r, s) in shares.iter().enumerate() {
            let n = if r == 0 { own.len() } else { s.len() };
            all.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for (r, s) in shares.iter().enumerate() {
            all.extend_from_slice(if r == 0 { &own } else { s });
        }
        to_all(&world, &all, timeout);
        all
    } else {
        world.process_at_rank(0).send_with_tag(&own[..], SHARE);
        from_root(&world)
    };
    let lengths: Vec<usize> = (0..size)
        .map(|r| {
            let b: [u8; 8] = all[8 * r..8 * r + 8].try_into().expect("8 bytes");
            u64::from_le_bytes(b) as usize
        })
        .collect();
    let mut at = 8 * size;
    let mut out = Vec::with_capacity(size);
    for (r, &n) in lengths.iter().enumerate() {
        out.push(if r == rank {
            Vec::new()
        } else {
            all[at..at + n].to_vec()
        });
        at += n;
    }
    Ok(out)
}

/// Rank 0's `flag`, on every rank.
pub(super) fn broadcast_flag(flag: bool, timeout: Duration) -> Result<bool> {
    let world = SimpleCommunicator::world();
    if world.rank() == 0 {
        to_all(&world, &[u8::from(flag)], timeout);
        Ok(flag)
    } else {
        Ok(from_root(&world).first() == Some(&1))
    }
}

pub(super) fn abort(code: i32) -> ! {
    SimpleCommunicator::world().abort(code)
}

/// The tag of what rank 0 sends every other rank.
const FROM_ROOT: mpi::Tag = 18;

/// Rank 0: send `bytes` to every other rank, and wait until each has taken them. A rank that has not
/// within `timeout` hangs: the run ends here, naming it (the sends cannot be taken back, so this
/// cannot return an error).
fn to_all(world: &SimpleCommunicator, bytes: &[u8], timeout: Duration) {
    let deadline = Instant::now() + timeout;
    mpi::request::scope(|scope| {
        let mut pending: Vec<_> = (1..world.size())
            .map(|r| {
                let to = world.process_at_rank(r);
                (
                    r as usize,
                    to.immediate_send_with_tag(scope, bytes, FROM_ROOT),
                )
            })
            .collect();
        let mut pause = Pause::new();
        while !pending.is_empty() {
            pending = pending
                .into_iter()
                .filter_map(|(r, req)| req.test().err().map(|req| (r, req)))
                .collect();
            if pending.is_empty() {
                break;
            }
            if Instant::now() >= deadline {
                let ranks: Vec<usize> = pending.iter().map(|(r, _)| *r).collect();
                eprintln!(
                    "error: {}",
                    late(&ranks, "did not take the results", timeout)
                );
                abort(1);
            }
            pause.sleep();
        }
    });
}

/// Another rank: what rank 0 sends next (waiting without spinning a core).
fn from_root(world: &SimpleCommunicator) -> Vec<u8> {
    let root = world.process_at_rank(0);
    let mut pause = Pause::new();
    loop {
        if let Some(probed) = root.immediate_matched_probe_with_tag(FROM_ROOT) {
            return probed.matched_receive_vec::<u8>().0;
        }
        pause.sleep();
    }
}

/// Why the run stops: ranks that did not answer in time.
fn late(ranks: &[usize], what: &str, timeout: Duration) -> String {
    let names: Vec<String> = ranks.iter().map(|r| r.to_string()).collect();
    format!(
        "MPI rank{} {} {what} within {} s of rank 0 (--mpi-timeout): the rank hangs or is far \
         slower than the others. The run stops here; the files saved last (the checkpoint of the \
         last save) are whole, and --resume goes on from them under any number of ranks.",
        if names.len() > 1 { "s" } else { "" },
        names.join(", "),
        timeout.as_secs_f64()
    )
}

/// Polling: for the first 200 µs the looks only yield the core (a generation's results often arrive
/// within microseconds of each other), then sleeps from 50 µs up to 1 ms between looks, so a waiting
/// rank leaves its core to the ranks still computing on the same machine.
struct Pause(Instant, u32);

impl Pause {
    fn new() -> Pause {
        Pause(Instant::now(), 0)
    }

    fn sleep(&mut self) {
        if self.0.elapsed() < Duration::from_micros(200) {
            std::thread::yield_now();
        } else {
            std::thread::sleep(
                Duration::from_micros(50 << self.1.min(5)).min(Duration::from_millis(1)),
            );
            self.1 += 1;
        }
    }
}
