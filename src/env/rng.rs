//! NumPy-compatible random numbers: `np.random.Generator(PCG64(SeedSequence(seed)))`, as Gymnasium seeds
//! its environments, so that `reset(seed=s)` starts where Gymnasium starts.
//!
//! Everything here follows NumPy 2.x bit for bit: the SeedSequence hash, PCG64's seeding and its XSL-RR
//! output, the buffered 32-bit draws, `random`, `uniform` and `integers` (Lemire's method).

/// PCG64's 128-bit LCG multiplier.
const PCG_MULT: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

// O'Neill's seed_seq hash constants, as NumPy's `SeedSequence` uses them.
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
/// NumPy's default pool size (in 32-bit words).
const POOL_SIZE: usize = 4;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> XSHIFT)
}

/// `np.random.SeedSequence(seed).generate_state(8, np.uint32)`: the 256 bits PCG64 is seeded with.
pub fn seed_sequence_state(seed: u64) -> [u32; 8] {
    // NumPy turns the integer into 32-bit words, least significant first, without leading zero words
    // (0 is the single word [0]).
    let (lo, hi) = (seed as u32, (seed >> 32) as u32);
    let words = if hi == 0 { 1 } else { 2 };
    let entropy = [lo, hi];
    let entropy = &entropy[..words];

    let mut pool = [0u32; POOL_SIZE];
    let mut hash_const = INIT_A;
    for (i, p) in pool.iter_mut().enumerate() {
        *p = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hash_const);
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                pool[dst] = mix(pool[dst], hashmix(pool[src], &mut hash_const));
            }
        }
    }
    // A u64 has at most 2 words, fewer than the pool: no extra entropy words to mix in.

    let mut out = [0u32; 8];
    let mut hash_const = INIT_B;
    for (i, o) in out.iter_mut().enumerate() {
        let mut v = pool[i % POOL_SIZE] ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        v = v.wrapping_mul(hash_const);
        *o = v ^ (v >> XSHIFT);
    }
    out
}

/// NumPy's `Generator(PCG64(SeedSequence(seed)))`.
#[derive(Debug, Clone)]
pub struct NpRng {
    state: u128,
    inc: u128,
    /// NumPy's PCG64 hands out the high half of a 64-bit draw on the `next_u32` after the low half.
    has_u32: bool,
    u32_buf: u32,
}

impl NpRng {
    /// `np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))`, i.e. what Gymnasium's
    /// `seeding.np_random(seed)` builds.
    pub fn from_seed(seed: u64) -> Self {
        let w = seed_sequence_state(seed);
        // generate_state(4, uint64): pairs of u32 words, little-endian.
        let u = |k: usize| w[2 * k] as u64 | (w[2 * k + 1] as u64) << 32;
        let initstate = (u(0) as u128) << 64 | u(1) as u128;
        let initseq = (u(2) as u128) << 64 | u(3) as u128;
        // pcg64_srandom_r: state 0, step, add the seed, step.
        let mut rng = NpRng {
            state: 0,
            inc: (initseq << 1) | 1,
            has_u32: false,
            u32_buf: 0,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(initstate);
        rng.step();
        rng
    }

    /// The whole generator state, for snapshots.
    pub fn to_state(&self) -> super::RngState {
        super::RngState::Pcg64 {
            state: super::snapshot::split_u128(self.state),
            inc: super::snapshot::split_u128(self.inc),
            has_u32: self.has_u32,
            u32_buf: self.u32_buf,
        }
    }

    pub fn from_state(state: &super::RngState) -> crate::Result<Self> {
        match state {
            super::RngState::Pcg64 {
                state,
                inc,
                has_u32,
                u32_buf,
            } => Ok(NpRng {
                state: super::snapshot::join_u128(*state),
                inc: super::snapshot::join_u128(*inc),
                has_u32: *has_u32,
                u32_buf: *u32_buf,
            }),
            super::RngState::Mt19937 { .. } => Err(crate::Error::Invalid(
                "snapshot RNG is MT19937, the environment draws from PCG64".into(),
            )),
        }
    }

    /// The 128-bit LCG state and increment (NumPy's `bit_generator.state['state']`).
    pub fn pcg_state(&self) -> (u128, u128) {
        (self.state, self.inc)
    }

    #[inline]
    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    /// One raw 64-bit draw: step, then the XSL-RR output of the new state.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        let x = ((s >> 64) as u64) ^ (s as u64);
        x.rotate_right((s >> 122) as u32)
    }

    /// One 32-bit draw as NumPy makes it: the low half of a fresh 64-bit draw, then its high half on
    /// the next call. 64-bit draws and doubles neither use nor clear this buffer.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.has_u32 {
            self.has_u32 = false;
            return self.u32_buf;
        }
        let next = self.next_u64();
        self.has_u32 = true;
        self.u32_buf = (next >> 32) as u32;
        next as u32
    }

    /// `Generator.random()`: a double in [0, 1) from the top 53 bits of a 64-bit draw.
    #[inline]
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `Generator.uniform(low, high)` for one scalar draw: `low + (high - low) * random()`.
    #[inline]
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let range = high - low;
        low + range * self.random()
    }

    /// `Generator.uniform(low=low_array, high=high_array)` (or scalar bounds with `size=(N,)`, which
    /// NumPy broadcasts to the same thing): one draw per element, in order.
    #[inline]
    pub fn uniform_array<const N: usize>(&mut self, low: [f64; N], high: [f64; N]) -> [f64; N] {
        let mut out = [0.0; N];
        for i in 0..N {
            out[i] = self.uniform(low[i], high[i]);
        }
        out
    }

    /// `Generator.integers(low, high)` (int64, `high` exclusive). Panics if `low >= high`, as NumPy
    /// raises.
    pub fn integers(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "integers: low >= high");
        // NumPy's inclusive range; fits in a u64 for any pair of i64.
        let rng = (high as i128 - low as i128 - 1) as u64;
        let off = low as u64;
        let v = if rng == 0 {
            // No draw at all.
            0
        } else if rng == u32::MAX as u64 {
            self.next_u32() as u64
        } else if rng < u32::MAX as u64 {
            self.bounded_lemire_u32(rng as u32) as u64
        } else if rng == u64::MAX {
            self.next_u64()
        } else {
            self.bounded_lemire_u64(rng)
        };
        off.wrapping_add(v) as i64
    }

    /// Lemire's method on 32-bit draws, exactly as NumPy's `buffered_bounded_lemire_uint32`.
    fn bounded_lemire_u32(&mut self, rng: u32) -> u32 {
        let rng_excl = rng + 1;
        let mut m = self.next_u32() as u64 * rng_excl as u64;
        let mut left = m as u32;
        if left < rng_excl {
            let threshold = (u32::MAX - rng) % rng_excl;
            while left < threshold {
                m = self.next_u32() as u64 * rng_excl as u64;
                left = m as u32;
            }
        }
        (m >> 32) as u32
    }

    /// Lemire's method on 64-bit draws, exactly as NumPy's `bounded_lemire_uint64`.
    fn bounded_lemire_u64(&mut self, rng: u64) -> u64 {
        let rng_excl = rng + 1;
        let mut m = self.next_u64() as u128 * rng_excl as u128;
        let mut left = m as u64;
        if left < rng_excl {
            let threshold = (u64::MAX - rng) % rng_excl;
            while left < threshold {
                m = self.next_u64() as u128 * rng_excl as u128;
                left = m as u64;
            }
        }
        (m >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors from the environments spec, section 1.3 (NumPy 2.4.6).

    #[test]
    fn seed_sequence_zero() {
        assert_eq!(
            seed_sequence_state(0),
            [
                2968811710, 3677149159, 745650761, 2884920346, 2642120001, 549907821, 574372308,
                742431198
            ]
        );
    }

    #[test]
    fn pcg64_seed_zero_state() {
        let rng = NpRng::from_seed(0);
        assert_eq!(
            rng.pcg_state(),
            (
                0x1aa1b5345996452d09585eb7a69561e3,
                0x418ddadb3af71a82588133bc447873a9
            )
        );
    }

    #[test]
    fn pcg64_seed_zero_raw_u64() {
        let mut rng = NpRng::from_seed(0);
        let got: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            [
                11749869230777074271,
                4976686463289251617,
                755828109848996024,
                304881062738325533
            ]
        );
    }

    #[test]
    fn pcg64_seed_zero_doubles() {
        let mut rng = NpRng::from_seed(0);
        let got: Vec<f64> = (0..4).map(|_| rng.random()).collect();
        assert_eq!(
            got,
            [
                0.6369616873214543,
                0.2697867137638703,
                0.04097352393619469,
                0.016527635528529094
            ]
        );
    }

    #[test]
    fn next_u32_is_buffered_low_then_high() {
        let mut a = NpRng::from_seed(0);
        let x = 11749869230777074271u64;
        assert_eq!(a.next_u32(), x as u32);
        // A 64-bit draw in between neither uses nor clears the buffered high half.
        assert_eq!(a.next_u64(), 4976686463289251617);
        assert_eq!(a.next_u32(), (x >> 32) as u32);
        assert_eq!(a.next_u32(), 755828109848996024u64 as u32);
    }

    #[test]
    fn integers_basics() {
        let mut a = NpRng::from_seed(0);
        let mut b = a.clone();
        // A single-value range draws nothing.
        assert_eq!(a.integers(5, 6), 5);
        assert_eq!(a.next_u64(), b.next_u64());
        for _ in 0..1000 {
            let v = a.integers(-3, 4);
            assert!((-3..4).contains(&v));
            let w = a.integers(i64::MIN, i64::MAX);
            assert!(w < i64::MAX);
        }
    }

    #[test]
    fn uniform_array_draws_in_order() {
        let mut a = NpRng::from_seed(7);
        let mut b = a.clone();
        let arr = a.uniform_array([-1.0, 0.0], [1.0, 10.0]);
        assert_eq!(arr, [b.uniform(-1.0, 1.0), b.uniform(0.0, 10.0)]);
    }
}
