//! A serialisable snapshot of an environment's full state: dynamics state, the physical parameters in
//! force, the RNG, and the episode's flags. Restoring it continues the episode bit for bit.
//!
//! Floats are plain `f64`: a format that round-trips them exactly (bincode, or serde_json with its
//! `float_roundtrip` feature) restores bit for bit.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The state of an environment's RNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RngState {
    /// NumPy's `Generator(PCG64)`: the 128-bit state and increment as (high, low) u64 halves, and the
    /// buffered half of a 64-bit draw.
    Pcg64 {
        state: [u64; 2],
        inc: [u64; 2],
        has_u32: bool,
        u32_buf: u32,
    },
    /// NumPy's legacy `RandomState(MT19937)` as gym 0.18 seeds it: the 624-word key, the position in
    /// it, and the cached second value of the polar Box–Muller draw.
    Mt19937 {
        key: Vec<u32>,
        pos: usize,
        gauss: Option<f64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The Gym id it was taken from.
    pub env: String,
    /// The full-precision dynamics state (as the environment's `state()` gives it).
    pub state: Vec<f64>,
    /// The physical parameters in force, in the order of the environment's physical perturbations.
    pub physics: Vec<f64>,
    /// Episode flags (whether a state exists yet, whether the episode has ended, ...).
    pub flags: Vec<bool>,
    pub rng: RngState,
    /// Steps taken in this episode, when a time limit wraps the environment.
    pub elapsed: Option<usize>,
}

impl Snapshot {
    /// Check that the snapshot belongs to `id` and has the expected lengths.
    pub fn check(&self, id: &str, state: usize, physics: usize, flags: usize) -> Result<()> {
        if self.env != id
            || self.state.len() != state
            || self.physics.len() != physics
            || self.flags.len() != flags
        {
            return Err(Error::Invalid(format!(
                "snapshot of {} ({} state values, {} physical, {} flags) does not fit {id} \
                 ({state}, {physics}, {flags})",
                self.env,
                self.state.len(),
                self.physics.len(),
                self.flags.len()
            )));
        }
        Ok(())
    }
}

pub(crate) fn split_u128(v: u128) -> [u64; 2] {
    [(v >> 64) as u64, v as u64]
}

pub(crate) fn join_u128(v: [u64; 2]) -> u128 {
    (v[0] as u128) << 64 | v[1] as u128
}
