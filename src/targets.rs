//! `--collect-targets N`: target poses for pose mimicry, as Gestures' `data/collect_targets.py`
//! makes them: random-action rollouts of SocialReacher-v0 (actions U(−1, 1)), recording after every
//! step the pose's key points (the target format of `Reacher::set_target`: elbow xy, hand xy) and
//! the RGB image Roboschool's camera sees of it (`Reacher::rgb`).
//!
//! Episode `e` (300 steps) resets the environment with seed `seed + e` and draws its actions from
//! NumPy's `RandomState(seed + e)` (mod 2³²); episodes run in parallel and are concatenated in order,
//! so a seed gives the same file on any number of threads. The file is a NumPy `.npz` (stored, not
//! compressed), read with `np.load(path)` (no pickle):
//!
//! | array | dtype | shape | what |
//! |---|---|---|---|
//! | `states` | float32 | (N, 4) | key points: elbow x, y, hand x, y (m) |
//! | `joints` | float32 | (N, 2) | the hinge angles of that pose (rad, unwrapped) |
//! | `images` | uint8 | (N, H, W, 3) | the overhead camera's RGB image, top row first |
//! | `env` | str | () | the environment's canonical name |
//!
//! [`Targets::read`] reads such a file back (float64 `states` and `joints` too, as NumPy makes them
//! by default), refusing one whose arrays are missing, of another type or shape, of another
//! environment, or whose key points are not the pose its angles make (so a target outside the arm's
//! reach is refused as well). `--train`, `--test` and `--falsify` with `--targets` draw each episode's
//! target pose from it ([`PoseSet`]), `--train-cnn` learns from its images and `--mimic` takes its
//! poses in turn.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::env::legacy_rng::RandomState;
use crate::env::rapier::reacher::{self, PoseSet, Reacher, ReacherConfig, ReacherKind};
use crate::env::{Action, Env, EnvName};
use crate::error::{Error, Result};
use crate::policy::npy::{self, array_to_bytes};

/// Steps of one SocialReacher episode.
const EPISODE: usize = 300;
/// Image sizes `--image-size` accepts (pixels a side).
pub const IMAGE_SIZES: std::ops::RangeInclusive<usize> = 8..=256;

/// What `--collect-targets` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectPlan {
    pub env: String,
    pub count: usize,
    /// Pixels a side.
    pub size: usize,
    pub seed: u64,
    pub path: PathBuf,
    pub threads: usize,
}

impl CollectPlan {
    /// The default file: `Targets/<ENV>_n<N>_<W>x<H>_seed<S>.npz`.
    pub fn default_path(env: &str, count: usize, size: usize, seed: u64) -> PathBuf {
        PathBuf::from(format!(
            "Targets/{env}_n{count}_{size}x{size}_seed{seed}.npz"
        ))
    }
}

/// A collected data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub env: String,
    pub size: usize,
    pub states: Vec<[f32; 4]>,
    pub joints: Vec<[f32; 2]>,
    /// `states.len()` images of `size × size × 3` bytes, one after another.
    pub images: Vec<u8>,
}

impl Targets {
    /// Poses in the set.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// Pose `i`'s image: `size × size × 3` bytes, top row first.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.size * self.size * 3;
        &self.images[i * n..(i + 1) * n]
    }

    /// Pose `i`'s target as `Reacher::set_target` takes it (elbow xy, hand xy), from its angles.
    pub fn target(&self, i: usize) -> Vec<f64> {
        let [a, b] = self.joints[i];
        let [e, h] = reacher::key_points(ReacherKind::Social, &[a as f64, b as f64]);
        vec![e[0], e[1], h[0], h[1]]
    }

    /// Read a data set `--collect-targets` wrote (or NumPy, in its format); the error names the file
    /// and what is wrong.
    pub fn read(path: &Path) -> Result<Targets> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Targets::from_npz_bytes(&bytes).map_err(|reason| {
            Error::Invalid(format!(
                "{}: not a target data set of SocialReacher-v0: {reason} (--collect-targets \
                 writes one; docs/mimicry.md gives its format)",
                path.display()
            ))
        })
    }

    /// Parse the bytes of a data set's `.npz`.
    pub fn from_npz_bytes(bytes: &[u8]) -> Result<Targets, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a .npz archive (a zip of .npy arrays): {e}"))?;
        // `np.savez_compressed` deflates, whose ratio is at most 1,032: a file claiming more is
        // refused before anything is allocated for it.
        let mut entry = |name: &str| -> Result<Vec<u8>, String> {
            crate::policy::pth::read_zip_entry(&mut zip, &format!("{name}.npy"), 1032)?.ok_or_else(
                || {
                    format!(
                        "it has no `{name}` array (a data set holds states, joints, images and env)"
                    )
                },
            )
        };
        let (states, joints, images, env) = (
            entry("states")?,
            entry("joints")?,
            entry("images")?,
            entry("env")?,
        );
        let float_size = |d: &str| match d {
            "<f4" => Ok(4),
            "<f8" => Ok(8),
            other => Err(format!("dtype `{other}`, not float32 or float64")),
        };
        let floats = |name: &str, bytes: &[u8], cols: usize| -> Result<Vec<f32>, String> {
            let a = npy::raw_array(bytes, float_size).map_err(|e| format!("`{name}`: {e}"))?;
            if a.shape.len() != 2 || a.shape[1] != cols {
                return Err(format!(
                    "`{name}` has shape {:?}; (N, {cols}) is expected",
                    a.shape
                ));
            }
            let v: Vec<f32> = if a.descr == "<f4" {
                a.data
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                    .collect()
            } else {
                a.data
                    .chunks_exact(8)
                    .map(|c| f64::from_le_bytes(c.try_into().unwrap()) as f32)
                    .collect()
            };
            if let Some(k) = v.iter().position(|x| !x.is_finite()) {
                return Err(format!("`{name}` row {} holds {}", k / cols, v[k]));
            }
            Ok(v)
        };
        let states = floats("states", &states, 4)?;
        let joints = floats("joints", &joints, 2)?;
        let n = states.len() / 4;
        if n == 0 {
            return Err("it holds no poses".into());
        }
        if joints.len() / 2 != n {
            return Err(format!(
                "`states` has {n} rows but `joints` {}",
                joints.len() / 2
            ));
        }
        let img = npy::raw_array(&images, |d| match d {
            "|u1" => Ok(1),
            other => Err(format!("dtype `{other}`, not uint8")),
        })
        .map_err(|e| format!("`images`: {e}"))?;
        let size = match img.shape[..] {
            [m, h, w, 3] if m == n && h == w && IMAGE_SIZES.contains(&h) => h,
            _ => {
                return Err(format!(
                    "`images` has shape {:?}; ({n}, S, S, 3) with S from {} to {} is expected",
                    img.shape,
                    IMAGE_SIZES.start(),
                    IMAGE_SIZES.end()
                ))
            }
        };
        let name = npy::raw_array(&env, |d| {
            d.strip_prefix("<U")
                .and_then(|c| c.parse::<usize>().ok())
                .map(|c| 4 * c)
                .ok_or_else(|| format!("dtype `{d}`, not a string"))
        })
        .map_err(|e| format!("`env`: {e}"))?;
        if !name.shape.is_empty() {
            return Err(format!(
                "`env` has shape {:?}; a string is expected",
                name.shape
            ));
        }
        let env: String = name
            .data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .take_while(|&c| c != 0)
            .map(|c| char::from_u32(c).unwrap_or('\u{fffd}'))
            .collect();
        match EnvName::parse(&env) {
            Ok(e) if e.spec.id == "SocialReacher-v0" => {}
            _ => {
                return Err(format!(
                    "its poses are of `{env}`; SocialReacher-v0's are expected"
                ))
            }
        }
        let t = Targets {
            env,
            size,
            states: states
                .chunks_exact(4)
                .map(|c| c.try_into().unwrap())
                .collect(),
            joints: joints
                .chunks_exact(2)
                .map(|c| c.try_into().unwrap())
                .collect(),
            images: img.data.to_vec(),
        };
        // The key points must be the pose the angles make (float32's precision allowed).
        for i in 0..n {
            let want = t.target(i);
            let off = t.states[i]
                .iter()
                .zip(&want)
                .map(|(s, w)| (*s as f64 - w).abs())
                .fold(0.0, f64::max);
            if off > POSE_TOLERANCE {
                return Err(format!(
                    "pose {i}'s key points {:?} are {off:.3} m from those its angles {:?} make \
                     ({want:.3?}): not a pose of the arm (outside its reach, or mixed up)",
                    t.states[i], t.joints[i]
                ));
            }
        }
        Ok(t)
    }

    /// The poses as episodes draw them (`--targets` with `--train`, `--test`, `--falsify`).
    pub fn pose_set(&self, source: &Path) -> PoseSet {
        PoseSet::leak(
            source.display().to_string(),
            self.joints
                .iter()
                .map(|&[a, b]| [a as f64, b as f64])
                .collect(),
        )
    }
}

/// How far (m) a data set's key points may be from those its angles make: float32's rounding is
/// ~1e-7 m; anything near a centimetre is another pose.
const POSE_TOLERANCE: f64 = 1e-3;

/// The SocialReacher `env` names (with its keyword arguments), or why not.
fn social(env: &str) -> Result<(EnvName, ReacherConfig)> {
    let name = EnvName::parse(env)?;
    if name.spec.id != "SocialReacher-v0" {
        return Err(Error::Invalid(format!(
            "--collect-targets records SocialReacher's poses; {env} has no target pose (use \
             --env SocialReacher-v0)"
        )));
    }
    let config = ReacherConfig::from_kwargs(ReacherKind::Social, &name.kwargs);
    Ok((name, config))
}

/// `count` poses of `env` (a SocialReacher name) with `size`-pixel images, from `seed`.
pub fn collect(env: &str, count: usize, size: usize, seed: u64) -> Result<Targets> {
    let (name, config) = social(env)?;
    if !IMAGE_SIZES.contains(&size) {
        return Err(Error::Invalid(format!(
            "--image-size {size}: images are {} to {} pixels a side",
            IMAGE_SIZES.start(),
            IMAGE_SIZES.end()
        )));
    }
    let episodes = count.div_ceil(EPISODE);
    let per_episode: Vec<Targets> = (0..episodes as u64)
        .into_par_iter()
        .map(|e| {
            let mut r = Reacher::new(name.spec.id, config);
            r.reset(Some(seed.wrapping_add(e)));
            let mut rng = RandomState::from_int_seed(seed.wrapping_add(e) as u32);
            let mut out = Targets {
                env: String::new(),
                size,
                states: Vec::with_capacity(EPISODE),
                joints: Vec::with_capacity(EPISODE),
                images: Vec::with_capacity(EPISODE * size * size * 3),
            };
            for _ in 0..EPISODE {
                let a = vec![rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)];
                r.step(&Action::Continuous(a));
                let [e, h] = r.current_key_points();
                out.states
                    .push([e[0] as f32, e[1] as f32, h[0] as f32, h[1] as f32]);
                let js = r.arm().joint_state();
                out.joints.push([js[0].0 as f32, js[1].0 as f32]);
                out.images.extend(r.rgb(size, size));
            }
            out
        })
        .collect();
    let mut all = Targets {
        env: name.canonical(),
        size,
        states: Vec::with_capacity(count),
        joints: Vec::with_capacity(count),
        images: Vec::with_capacity(count * size * size * 3),
    };
    for part in per_episode {
        let take = (count - all.states.len()).min(part.states.len());
        all.states.extend_from_slice(&part.states[..take]);
        all.joints.extend_from_slice(&part.joints[..take]);
        all.images
            .extend_from_slice(&part.images[..take * size * size * 3]);
    }
    Ok(all)
}

/// The `.npz` of `t` (entries stored, a fixed time stamp: the same data gives the same bytes).
pub fn npz_bytes(t: &Targets) -> Result<Vec<u8>> {
    let n = t.states.len();
    let f32s = |rows: &mut dyn Iterator<Item = f32>| -> Vec<u8> {
        rows.flat_map(|v| v.to_le_bytes()).collect()
    };
    let states = f32s(&mut t.states.iter().flatten().copied());
    let joints = f32s(&mut t.joints.iter().flatten().copied());
    let chars = t.env.chars().count().max(1);
    let env: Vec<u8> = t
        .env
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    let entries = [
        ("states.npy", array_to_bytes("<f4", &[n, 4], &states)),
        ("joints.npy", array_to_bytes("<f4", &[n, 2], &joints)),
        (
            "images.npy",
            array_to_bytes("|u1", &[n, t.size, t.size, 3], &t.images),
        ),
        ("env.npy", array_to_bytes(&format!("<U{chars}"), &[], &env)),
    ];
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut zw = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = options.large_file(data.len() as u64 >= u32::MAX as u64);
        zw.start_file(name, opts)
            .and_then(|_| zw.write_all(&data).map_err(Into::into))
            .map_err(|e| Error::Invalid(format!("cannot build the .npz archive: {e}")))?;
    }
    let out = zw
        .finish()
        .map_err(|e| Error::Invalid(format!("cannot build the .npz archive: {e}")))?;
    Ok(out.into_inner())
}

/// `--collect-targets`: collect, write the file atomically, print what was written.
pub fn run(plan: &CollectPlan) -> Result<()> {
    let start = std::time::Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|e| Error::Invalid(format!("cannot start {} threads: {e}", plan.threads)))?;
    let t = pool.install(|| collect(&plan.env, plan.count, plan.size, plan.seed))?;
    let bytes = npz_bytes(&t)?;
    if let Some(dir) = plan.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::fsutil::write_atomic(&plan.path, &bytes)?;
    println!(
        "collected {} poses of {} ({}×{} RGB) from seed {} in {:.2} s",
        t.states.len(),
        t.env,
        t.size,
        t.size,
        plan.seed,
        start.elapsed().as_secs_f64()
    );
    println!("wrote {}", plan.path.display());
    Ok(())
}
