//! The understanding module of pose mimicry (Gestures' `VanillaCNN`, the "pixel → state
//! translation"): a CNN that reads SocialReacher's target pose, as key points (elbow xy, hand xy),
//! from the RGB image of the arm in that pose.
//!
//! As the seed's `models/understanding.py` and `Understand_main.py` build and train it: three
//! convolutions 3→64→64→64, 5 × 5, stride 2, no padding, each followed by ReLU; a fully connected
//! layer of 256 with ReLU; a linear output of 4. Input: the image scaled to [0, 1], channels first.
//! Loss: the mean squared error against the data set's key points; Adam, learning rate 3e-4; batches
//! of 1,024; the checkpoint kept is the one with the lowest validation MSE. Images must be at least
//! 29 pixels a side (three valid 5 × 5 stride-2 convolutions leave 1 × 1 of 29); the seed's are 40.
//!
//! `--train-cnn --targets DATA.npz` trains it: the data set's last tenth (at least one pose) is the
//! validation set, the rest is shuffled each epoch (Fisher–Yates on NumPy's MT19937 from `--seed`). It writes the best network to
//! `--cnn` (default `Policies/understanding_<ENV>.pth`) as a PyTorch state_dict
//! (`conv1.weight`, `conv1.bias`, … `fc1.*`, `out.*`, float32) that `torch.load` reads into the same
//! module, and a CSV of every epoch's losses beside it (`Graph/understanding_<ENV>.csv`). Both are
//! written atomically after each epoch that improves, so a stopped run leaves its best epoch.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tch::nn::{self, OptimizerConfig};
use tch::{Device, Kind, Tensor};

use crate::device::DeviceChoice;
use crate::env::legacy_rng::RandomState;
use crate::error::{Error, Result};
use crate::policy::pth::{self, Dtype, StateDict};
use crate::targets::Targets;

/// Feature maps, kernel, stride, hidden units and output size of the seed's network.
const MAPS: i64 = 64;
const KERNEL: i64 = 5;
const STRIDE: i64 = 2;
const HIDDEN: i64 = 256;
const OUT: i64 = 4;
/// The seed's optimiser and batch.
const LEARNING_RATE: f64 = 3e-4;
pub const BATCH: usize = 1024;
/// The smallest image the three convolutions take.
pub const MIN_SIZE: usize = 29;

/// What `--train-cnn` was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct CnnPlan {
    pub env: String,
    pub targets: PathBuf,
    pub cnn: PathBuf,
    pub log: PathBuf,
    pub epochs: usize,
    pub seed: u64,
    pub device: DeviceChoice,
}

impl CnnPlan {
    /// `Policies/understanding_<ENV>.pth` and `Graph/understanding_<ENV>.csv`.
    pub fn default_paths(env: &str) -> (PathBuf, PathBuf) {
        (
            PathBuf::from(format!("Policies/understanding_{env}.pth")),
            PathBuf::from(format!("Graph/understanding_{env}.csv")),
        )
    }
}

/// The side of the feature maps after the three convolutions of a `size`-pixel image.
fn final_side(size: usize) -> Option<usize> {
    (0..3).try_fold(size, |s, _| {
        (s >= KERNEL as usize).then(|| (s - KERNEL as usize) / STRIDE as usize + 1)
    })
}

/// The network, its variables under PyTorch's names.
struct Cnn {
    vs: nn::VarStore,
    convs: Vec<nn::Conv2D>,
    fc1: nn::Linear,
    out: nn::Linear,
}

impl Cnn {
    fn new(size: usize, device: Device) -> Result<Cnn> {
        let side = final_side(size).filter(|&s| s >= 1).ok_or_else(|| {
            Error::Invalid(format!(
                "the understanding CNN reads images of at least {MIN_SIZE} pixels a side; these \
                 are {size} (collect them with --image-size 40, the seed's)"
            ))
        })?;
        let vs = nn::VarStore::new(device);
        let root = vs.root();
        let cfg = nn::ConvConfig {
            stride: STRIDE,
            ..Default::default()
        };
        let convs = [3, MAPS, MAPS]
            .iter()
            .enumerate()
            .map(|(i, &cin)| nn::conv2d(&root / format!("conv{}", i + 1), cin, MAPS, KERNEL, cfg))
            .collect();
        let flat = MAPS * (side * side) as i64;
        let fc1 = nn::linear(&root / "fc1", flat, HIDDEN, Default::default());
        let out = nn::linear(&root / "out", HIDDEN, OUT, Default::default());
        Ok(Cnn {
            vs,
            convs,
            fc1,
            out,
        })
    }

    /// The names and order of the state_dict, as PyTorch's module lists them.
    fn names() -> Vec<String> {
        ["conv1", "conv2", "conv3", "fc1", "out"]
            .iter()
            .flat_map(|l| [format!("{l}.weight"), format!("{l}.bias")])
            .collect()
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let mut h = x.shallow_clone();
        for c in &self.convs {
            h = h.apply(c).relu();
        }
        h.flatten(1, -1).apply(&self.fc1).relu().apply(&self.out)
    }

    fn state_dict(&self) -> StateDict {
        let vars = self.vs.variables();
        let entries = Cnn::names()
            .into_iter()
            .map(|name| {
                let t = &vars[&name];
                let shape: Vec<usize> = t.size().iter().map(|&d| d as usize).collect();
                let data = Vec::<f32>::try_from(t.to_device(Device::Cpu).flatten(0, -1))
                    .expect("a float tensor")
                    .into_iter()
                    .map(f64::from)
                    .collect();
                (
                    name,
                    pth::Tensor {
                        shape,
                        dtype: Dtype::F32,
                        data,
                    },
                )
            })
            .collect();
        StateDict { entries }
    }

    /// The network in `path`, for images of `size` pixels.
    fn load(path: &Path, size: usize, device: Device) -> Result<Cnn> {
        let sd = pth::read(path)?;
        let bad = |reason: String| Error::Pth {
            path: path.to_path_buf(),
            reason,
        };
        let fc1 = sd
            .get("fc1.weight")
            .ok_or_else(|| bad("no `fc1.weight`: not an understanding CNN".into()))?;
        let flat = fc1.shape.get(1).copied().unwrap_or(0);
        let want = final_side(size).map_or(0, |s| MAPS as usize * s * s);
        if flat != want {
            let side = ((flat / MAPS as usize) as f64).sqrt();
            return Err(Error::Usage(format!(
                "{}: the CNN was trained on other images: its fc1 takes {flat} features (64 maps \
                 of {side}×{side}), a {size}×{size} image gives {want}; give the data set of the \
                 size it was trained on",
                path.display()
            )));
        }
        let cnn = Cnn::new(size, device)?;
        let mut vars = cnn.vs.variables();
        for name in Cnn::names() {
            let t = sd
                .get(&name)
                .ok_or_else(|| bad(format!("no `{name}`: not an understanding CNN")))?;
            let v = vars.get_mut(&name).expect("every name is a variable");
            let want: Vec<usize> = v.size().iter().map(|&d| d as usize).collect();
            if t.shape != want {
                return Err(bad(format!(
                    "`{name}` has shape {:?}; the understanding CNN's is {want:?}",
                    t.shape
                )));
            }
            let values: Vec<f32> = t.data.iter().map(|&x| x as f32).collect();
            tch::no_grad(|| {
                v.copy_(
                    &Tensor::from_slice(&values)
                        .reshape(v.size())
                        .to_device(device),
                )
            });
        }
        Ok(cnn)
    }
}

/// The images `rows` of `t` as a float batch in [0, 1], channels first.
fn images(t: &Targets, rows: &[usize], device: Device) -> Tensor {
    let s = t.size as i64;
    let mut bytes = Vec::with_capacity(rows.len() * t.size * t.size * 3);
    for &i in rows {
        bytes.extend_from_slice(t.image(i));
    }
    Tensor::from_slice(&bytes)
        .reshape([rows.len() as i64, s, s, 3])
        .permute([0, 3, 1, 2])
        .to_kind(Kind::Float)
        .to_device(device)
        / 255.0
}

fn states(t: &Targets, rows: &[usize], device: Device) -> Tensor {
    let v: Vec<f32> = rows.iter().flat_map(|&i| t.states[i]).collect();
    Tensor::from_slice(&v)
        .reshape([rows.len() as i64, OUT])
        .to_device(device)
}

/// The mean squared error of `cnn` over `rows`, in batches.
fn mse(cnn: &Cnn, t: &Targets, rows: &[usize], device: Device) -> f64 {
    tch::no_grad(|| {
        let mut sum = 0.0;
        for chunk in rows.chunks(BATCH) {
            let err = cnn.forward(&images(t, chunk, device)) - states(t, chunk, device);
            sum += f64::try_from(err.square().sum(Kind::Double)).expect("a scalar");
        }
        sum / (rows.len() * OUT as usize) as f64
    })
}

/// `--train-cnn`: train, keeping the best network on validation; print one line an epoch.
pub fn train(plan: &CnnPlan, device: Device, stop: &AtomicBool) -> Result<()> {
    let t = Targets::read(&plan.targets)?;
    if t.len() < 2 {
        return Err(Error::Invalid(format!(
            "{}: {} pose: --train-cnn needs at least 2 (a tenth, at least one, is held out for \
             validation)",
            plan.targets.display(),
            t.len()
        )));
    }
    tch::manual_seed(plan.seed as i64);
    let cnn = Cnn::new(t.size, device)?;
    let n_val = (t.len() / 10).max(1);
    let mut train_rows: Vec<usize> = (0..t.len() - n_val).collect();
    let val_rows: Vec<usize> = (t.len() - n_val..t.len()).collect();
    let mut opt = nn::Adam::default()
        .build(&cnn.vs, LEARNING_RATE)
        .map_err(|e| Error::Invalid(format!("cannot build Adam: {e}")))?;
    // Fisher–Yates with NumPy's MT19937 seeded from --seed (mod 2³²).
    let mut rng = RandomState::from_int_seed(plan.seed as u32);
    for p in [&plan.cnn, &plan.log] {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
    }
    println!(
        "understanding CNN: {} training and {} validation images of {}×{} from {}, batch {BATCH}, \
         Adam {LEARNING_RATE}, {} epochs, device {device:?}",
        train_rows.len(),
        n_val,
        t.size,
        t.size,
        plan.targets.display(),
        plan.epochs
    );
    let start = Instant::now();
    let mut log = String::from("epoch,train_mse,val_mse,best_val_mse,wall_s\n");
    let mut best = (f64::INFINITY, 0usize);
    let mut interrupted = None;
    for epoch in 1..=plan.epochs {
        for i in (1..train_rows.len()).rev() {
            train_rows.swap(i, rng.randint(0, i as i64 + 1) as usize);
        }
        let mut sum = 0.0;
        for chunk in train_rows.chunks(BATCH) {
            let loss = (cnn.forward(&images(&t, chunk, device)) - states(&t, chunk, device))
                .square()
                .mean(Kind::Float);
            opt.backward_step(&loss);
            sum += f64::try_from(&loss).expect("a scalar") * chunk.len() as f64;
        }
        let train_mse = sum / train_rows.len() as f64;
        let val = mse(&cnn, &t, &val_rows, device);
        let improved = val < best.0;
        if improved {
            best = (val, epoch);
        }
        let wall = start.elapsed().as_secs_f64();
        log.push_str(&format!(
            "{epoch},{train_mse:?},{val:?},{:?},{wall:.3}\n",
            best.0
        ));
        if improved {
            pth::write(&plan.cnn, &cnn.state_dict())?;
        }
        crate::fsutil::write_atomic(&plan.log, log.as_bytes())?;
        println!(
            "epoch {epoch:>4}  train MSE {train_mse:.3e}  validation MSE {val:.3e}{}  {wall:.1} s",
            if improved { "  (best)" } else { "" }
        );
        if stop.load(Ordering::SeqCst) && epoch < plan.epochs {
            interrupted = Some(epoch);
            break;
        }
    }
    if best.1 == 0 {
        // Not one finite validation MSE: nothing was written but the log.
        return Err(Error::Invalid(format!(
            "--train-cnn diverged: the validation MSE was never a number (last {}), so no network \
             was written; {} has every epoch's losses",
            log.lines().last().unwrap_or(""),
            plan.log.display()
        )));
    }
    println!(
        "best validation MSE {:.3e} at epoch {} (the seed's: 1.24e-5 at epoch 95), {:.1} s",
        best.0,
        best.1,
        start.elapsed().as_secs_f64()
    );
    println!("wrote {} and {}", plan.cnn.display(), plan.log.display());
    match interrupted {
        Some(epoch) => Err(Error::Interrupted(format!(
            "interrupted: stopped after epoch {epoch} of {}; the files above hold the best network \
             so far and every epoch's losses",
            plan.epochs
        ))),
        None => Ok(()),
    }
}

/// The key points `cnn` reads from the images `rows` of `t` (elbow xy, hand xy, each).
pub fn predict(cnn: &Path, t: &Targets, rows: &[usize], device: Device) -> Result<Vec<Vec<f64>>> {
    let net = Cnn::load(cnn, t.size, device)?;
    let mut out = Vec::with_capacity(rows.len());
    tch::no_grad(|| {
        for chunk in rows.chunks(BATCH) {
            let y = net
                .forward(&images(t, chunk, device))
                .to_kind(Kind::Double)
                .to_device(Device::Cpu);
            let v = Vec::<f64>::try_from(y.flatten(0, -1)).expect("a double tensor");
            out.extend(v.chunks_exact(OUT as usize).map(<[f64]>::to_vec));
        }
    });
    Ok(out)
}
