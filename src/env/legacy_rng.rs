//! gym 0.18's RNG: NumPy's legacy `RandomState` (MT19937), seeded as `gym.utils.seeding.np_random(seed)`
//! seeds it: the seed's decimal string through SHA-512, the first 8 bytes as a little-endian integer,
//! split into 32-bit words for MT19937's `init_by_array`. The draws (`random_sample`, `uniform`, the
//! polar Box–Muller `normal` with its cached second value, `randint`) follow NumPy's legacy code bit for
//! bit. gym-cartpole-swingup and pybullet_envs seed through the same function.

use sha2::{Digest, Sha512};

use super::snapshot::RngState;
use crate::error::{Error, Result};

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The MT19937 key gym 0.18 derives from `seed` (`_int_list_from_bigint(hash_seed(seed))`).
pub fn gym_seed_key(seed: u64) -> Vec<u32> {
    let digest = Sha512::digest(seed.to_string().as_bytes());
    // gym pads the 8 bytes to 12 with zeros and sums little-endian 32-bit words: the 8 bytes, LE.
    let v = u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));
    match (v as u32, (v >> 32) as u32) {
        (0, 0) => vec![0],
        (lo, 0) => vec![lo],
        (lo, hi) => vec![lo, hi],
    }
}

/// NumPy's legacy `np.random.RandomState`.
#[derive(Debug, Clone)]
pub struct RandomState {
    mt: [u32; N],
    pos: usize,
    gauss: Option<f64>,
}

impl RandomState {
    /// `gym.utils.seeding.np_random(seed)`.
    pub fn from_gym_seed(seed: u64) -> Self {
        Self::from_key(&gym_seed_key(seed))
    }

    /// `np.random.seed(seed)` for an integer seed: MT19937's `init_genrand` (no hashing, unlike gym's
    /// seeding). Synaptolysis seeds NumPy's global generator this way.
    pub fn from_int_seed(seed: u32) -> Self {
        let mut mt = [0u32; N];
        mt[0] = seed;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        RandomState {
            mt,
            pos: N,
            gauss: None,
        }
    }

    /// `RandomState().seed(key)` for a list of 32-bit words: MT19937's `init_by_array`.
    pub fn from_key(key: &[u32]) -> Self {
        let mut mt = [0u32; N];
        mt[0] = 19_650_218;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        RandomState {
            mt,
            pos: N,
            gauss: None,
        }
    }

    fn generate(&mut self) {
        let mt = &mut self.mt;
        for k in 0..N {
            let y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.mt[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random_sample()`: 53 bits from two 32-bit draws.
    #[inline]
    pub fn random_sample(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `uniform(low, high)`: `low + (high - low) * random_sample()`.
    #[inline]
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let range = high - low;
        low + range * self.random_sample()
    }

    /// The legacy standard normal: polar Box–Muller, the second value cached for the next call.
    pub fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        let (x1, x2, r2) = loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                break (x1, x2, r2);
            }
        };
        let f = (-2.0 * r2.ln() / r2).sqrt();
        self.gauss = Some(f * x1);
        f * x2
    }

    /// `normal(loc, scale)`.
    #[inline]
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.gauss()
    }

    /// `randint(low, high)` (`high` exclusive, a range below 2^32): masked rejection sampling.
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "randint: low >= high");
        let rng = (high - low - 1) as u64;
        assert!(rng <= u32::MAX as u64, "randint: range beyond 32 bits");
        if rng == 0 {
            return low;
        }
        let rng = rng as u32;
        let mask = u32::MAX >> rng.leading_zeros();
        loop {
            let v = self.next_u32() & mask;
            if v <= rng {
                return low + v as i64;
            }
        }
    }

    pub fn to_state(&self) -> RngState {
        RngState::Mt19937 {
            key: self.mt.to_vec(),
            pos: self.pos,
            gauss: self.gauss,
        }
    }

    pub fn from_state(state: &RngState) -> Result<Self> {
        match state {
            RngState::Mt19937 { key, pos, gauss } if key.len() == N && *pos <= N => {
                let mut mt = [0u32; N];
                mt.copy_from_slice(key);
                Ok(RandomState {
                    mt,
                    pos: *pos,
                    gauss: *gauss,
                })
            }
            other => Err(Error::Invalid(format!(
                "snapshot RNG is not a 624-word MT19937 state: {}",
                match other {
                    RngState::Pcg64 { .. } => "PCG64".to_string(),
                    RngState::Mt19937 { key, pos, .. } => format!("{} words, pos {pos}", key.len()),
                }
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec section 1.2 vectors (gym 0.18.0, NumPy 1.26.4).
    #[test]
    fn gym_keys() {
        assert_eq!(gym_seed_key(0), [547404849, 309914516]);
        assert_eq!(gym_seed_key(1), [2739863373, 598274112]);
        assert_eq!(gym_seed_key(12345), [2593138486, 2165556009]);
    }

    #[test]
    fn seed_zero_samples() {
        let mut r = RandomState::from_gym_seed(0);
        assert_eq!(r.random_sample(), 0.05436005625078322);
        assert_eq!(r.random_sample(), 0.9653909372423204);
        assert_eq!(r.random_sample(), 0.6326909455841033);
    }

    /// The reference MT19937 `init_by_array({0x123, 0x234, 0x345, 0x456})` output (mt19937ar.out).
    #[test]
    fn reference_mt19937_outputs() {
        let mut r = RandomState::from_key(&[0x123, 0x234, 0x345, 0x456]);
        let got: Vec<u32> = (0..5).map(|_| r.next_u32()).collect();
        assert_eq!(
            got,
            [1067595299, 955945823, 477289528, 4107218783, 4228976476]
        );
    }

    #[test]
    fn randint_without_draw_for_single_value() {
        let mut a = RandomState::from_gym_seed(3);
        let mut b = a.clone();
        assert_eq!(a.randint(4, 5), 4);
        assert_eq!(a.next_u32(), b.next_u32());
        for _ in 0..1000 {
            assert!((3..6).contains(&a.randint(3, 6)));
        }
    }

    #[test]
    fn state_round_trip() {
        let mut a = RandomState::from_gym_seed(9);
        a.gauss();
        let mut b = RandomState::from_state(&a.to_state()).unwrap();
        for _ in 0..700 {
            assert_eq!(a.gauss().to_bits(), b.gauss().to_bits());
        }
    }
}
