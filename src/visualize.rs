//! The `--visualize` stage: figures of actors' weights, into `Graph/`.
//!
//! For each actor: one heatmap per weight matrix (out × in, as stored; PruVer flattened each matrix to
//! a 1×N strip) and a histogram of |w| per layer with the pruning threshold marked. Given a dense actor
//! with its pruned and/or refined version: a mask figure per layer, each weight kept, pruned or
//! restored by refinement.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::plot::{self, Fate, HistogramPanel, Matrix};
use crate::policy::Actor;
use crate::prune::{self, Method};

/// The actors to draw and how thresholds are found when no pruned actor is given.
#[derive(Debug, Clone)]
pub struct VisualizeOptions {
    /// Where the PNGs go (PruVer's `Graph/`).
    pub out_dir: PathBuf,
    /// The prune fraction and method whose threshold the histograms mark when no pruned actor is given.
    pub k: f64,
    pub method: Method,
    pub seed: u64,
    /// The member, when the dense actor is a `.npy` elite population (`None`: 0); its figures are
    /// named `<stem>_elite<K>_…`.
    pub elite: Option<usize>,
}

/// What `--visualize` wrote, and what it could not draw and why.
#[derive(Debug, Clone, Default)]
pub struct VisualizeReport {
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "actor".into())
}

fn same_shapes(a: &Actor, b: &Actor) -> bool {
    a.layers.len() == b.layers.len()
        && a.layers
            .iter()
            .zip(&b.layers)
            .all(|(x, y)| (x.out_features, x.in_features) == (y.out_features, y.in_features))
}

/// Per layer, the largest |w| of the dense actor that pruning removed: weights at or below it went.
/// `None` for a layer where nothing was pruned.
pub fn thresholds(dense: &Actor, pruned: &Actor) -> Vec<Option<f64>> {
    dense
        .layers
        .iter()
        .zip(&pruned.layers)
        .map(|(d, p)| {
            d.weight
                .iter()
                .zip(&p.weight)
                .filter(|(w, q)| **w != 0.0 && **q == 0.0)
                .map(|(w, _)| w.abs())
                .reduce(f64::max)
        })
        .collect()
}

/// The fate of every weight, per layer. `pruned` and `refined` must have the dense actor's shapes.
/// Without the pruned actor, a refined weight that is non-zero counts as kept: restoration cannot be
/// told apart from keeping.
pub fn fates(dense: &Actor, pruned: Option<&Actor>, refined: Option<&Actor>) -> Vec<Vec<Fate>> {
    dense
        .layers
        .iter()
        .enumerate()
        .map(|(l, d)| {
            (0..d.weight.len())
                .map(|i| {
                    let p = pruned.map(|m| m.layers[l].weight[i] != 0.0);
                    let r = refined.map(|m| m.layers[l].weight[i] != 0.0);
                    if d.weight[i] == 0.0 {
                        return Fate::ZeroInDense;
                    }
                    match (p, r) {
                        (Some(true), Some(true)) | (Some(true), None) | (None, Some(true)) => {
                            Fate::Kept
                        }
                        (Some(false), Some(true)) => Fate::Restored,
                        _ => Fate::Pruned,
                    }
                })
                .collect()
        })
        .collect()
}

fn load(path: &Path) -> Result<(String, Actor)> {
    Ok((stem(path), Actor::load(path)?))
}

/// Draw the figures for `dense` and, when given, its pruned and refined versions.
pub fn run(
    opts: &VisualizeOptions,
    dense_path: &Path,
    pruned_path: Option<&Path>,
    refined_path: Option<&Path>,
) -> Result<VisualizeReport> {
    prune::check_k(opts.k, "--k")?;
    let dense = (
        crate::policy::actor_stem(dense_path, opts.elite),
        Actor::load_elite(dense_path, opts.elite, None)?,
    );
    let pruned = pruned_path.map(load).transpose()?;
    let refined = refined_path.map(load).transpose()?;
    let mut report = VisualizeReport::default();
    if crate::policy::nca::authors::is_run(dense_path) {
        growth_figures(opts, dense_path, &dense.0, &mut report)?;
    }

    // Versions with another shape (neuron pruning) get heatmaps and histograms, but no mask.
    let comparable = |v: &Option<(String, Actor)>, what: &str, report: &mut VisualizeReport| match v
    {
        Some((name, m)) if !same_shapes(&dense.1, m) => {
            report.notes.push(format!(
                    "no mask figure for the {what} actor {name}: its shape {} differs from the dense {} \
                     (structured pruning removes units)",
                    m.shape_string(),
                    dense.1.shape_string()
                ));
            None
        }
        Some((_, m)) => Some(m.clone()),
        None => None,
    };
    let pruned_same = comparable(&pruned, "pruned", &mut report);
    let refined_same = comparable(&refined, "refined", &mut report);

    // The thresholds the histograms mark: what the given pruned actor removed, else what --k with
    // --prune-method would remove.
    let limits = match &pruned_same {
        Some(p) => thresholds(&dense.1, p),
        None if opts.method == Method::Neuron => vec![None; dense.1.layers.len()],
        None => {
            let p = prune::prune(&dense.1, opts.method, opts.k, opts.seed)?;
            thresholds(&dense.1, &p)
        }
    };
    let limit_note = match (&pruned_same, opts.method) {
        (Some(_), _) => format!(
            "threshold: largest |w| pruned in {}",
            pruned.as_ref().unwrap().0
        ),
        (None, Method::Neuron) => "no threshold: neuron pruning ranks units, not weights".into(),
        (None, m) => format!("threshold: {m} pruning at k = {}", opts.k),
    };

    let actors: Vec<&(String, Actor)> = std::iter::once(&dense)
        .chain(pruned.as_ref())
        .chain(refined.as_ref())
        .collect();
    for (name, mlp) in actors {
        heatmaps(opts, name, mlp, &mut report)?;
        let path = opts.out_dir.join(format!("{name}_histogram.png"));
        let panels: Vec<HistogramPanel> = mlp
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| HistogramPanel {
                title: format!("layer{} · {}×{}", i + 1, l.out_features, l.in_features),
                magnitudes: l
                    .weight
                    .iter()
                    .filter(|w| **w != 0.0)
                    .map(|w| w.abs())
                    .collect(),
                zeros: l.weight.iter().filter(|w| **w == 0.0).count(),
                // Thresholds are over the dense shapes; a smaller network has none.
                threshold: if same_shapes(&dense.1, mlp) {
                    limits[i]
                } else {
                    None
                },
            })
            .collect();
        plot::magnitude_histograms(
            &path,
            &format!("{name}: weight magnitudes per layer"),
            &limit_note,
            &panels,
        )?;
        report.files.push(path);
    }

    if pruned_same.is_some() || refined_same.is_some() {
        let last = refined
            .as_ref()
            .filter(|_| refined_same.is_some())
            .or(pruned.as_ref())
            .map(|(n, _)| n.clone())
            .expect("one of them is given");
        let chain: Vec<String> = [
            Some(format!("dense {}", dense.0)),
            pruned_same
                .as_ref()
                .map(|_| format!("pruned {}", pruned.as_ref().unwrap().0)),
            refined_same
                .as_ref()
                .map(|_| format!("refined {}", refined.as_ref().unwrap().0)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let all = fates(&dense.1, pruned_same.as_ref(), refined_same.as_ref());
        for (i, (l, f)) in dense.1.layers.iter().zip(&all).enumerate() {
            let path = opts.out_dir.join(format!("{last}_layer{}_mask.png", i + 1));
            plot::mask_figure(
                &path,
                &format!(
                    "Mask of {last} · layer{} · {} × {} (out × in)",
                    i + 1,
                    l.out_features,
                    l.in_features
                ),
                &chain.join(" → "),
                l.out_features,
                l.in_features,
                f,
            )?;
            report.files.push(path);
        }
        if refined_same.is_some() && pruned_same.is_none() {
            report.notes.push(
                "restored weights need the pruned actor too (--pruned): without it they count as kept"
                    .into(),
            );
        }
    }
    Ok(report)
}

/// A HyperNCA run's figures: the growth of its reading channel, every layer at every NCA step (an
/// animated GIF), and the authors' reward curves when the run kept them.
fn growth_figures(
    opts: &VisualizeOptions,
    run_path: &Path,
    name: &str,
    report: &mut VisualizeReport,
) -> Result<()> {
    let net = crate::policy::nca::RunNetwork::open(run_path)?;
    let sp = &net.spec;
    let cells = sp.layers * sp.size * sp.size;
    let reading =
        |g: &[f64]| g[sp.reading_channel * cells..(sp.reading_channel + 1) * cells].to_vec();
    let mut frames = vec![reading(&net.seed)];
    net.grow(|_, g| frames.push(reading(g)))?;
    let path = opts.out_dir.join(format!("{name}_growth.gif"));
    plot::growth_gif(
        &path,
        &format!(
            "{name}: channel {} of the NCA grows the policy's {} layers",
            sp.reading_channel, sp.layers
        ),
        &frames,
        (sp.layers, sp.size),
        0,
    )?;
    report.files.push(path);
    match (&net.run.rewards_best, &net.run.rewards_mean) {
        (Some(best), Some(mean)) => {
            // The authors store what CMA-ES minimised: the negated rewards.
            let neg = |v: &[f64]| v.iter().map(|x| -x).collect::<Vec<f64>>();
            let path = opts.out_dir.join(format!("{name}_rewards.png"));
            plot::reward_curves(
                &path,
                &neg(best),
                &neg(mean),
                &format!(
                    "{name} · {} · λ {} · best reward so far and the population's mean",
                    net.env_id,
                    net.run.config.popsize.map_or("?".into(), |p| p.to_string())
                ),
            )?;
            report.files.push(path);
        }
        _ => report.notes.push(format!(
            "{name}: the run keeps no rewards_best.npy / rewards_mean.npy to draw"
        )),
    }
    Ok(())
}

/// One heatmap per weight matrix of an actor.
fn heatmaps(
    opts: &VisualizeOptions,
    name: &str,
    mlp: &Actor,
    report: &mut VisualizeReport,
) -> Result<()> {
    // Every layer's weights, then an Elman actor's context weights (`recurrent1`, unit × unit).
    let h = mlp.layers[0].out_features;
    let matrices = mlp
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                format!("layer{}", i + 1),
                l.out_features,
                l.in_features,
                &l.weight,
            )
        })
        .chain(
            mlp.recurrent
                .iter()
                .map(|r| ("recurrent1".to_string(), h, h, r)),
        );
    for (key, rows, cols, weight) in matrices {
        let zeros = weight.iter().filter(|w| **w == 0.0).count();
        let vmax = weight.iter().fold(0.0f64, |a, w| a.max(w.abs()));
        let path = opts.out_dir.join(format!("{name}_{key}_heatmap.png"));
        plot::weight_heatmap(
            &path,
            &format!("{name} · {key}.weight · {rows} × {cols} (out × in)"),
            &format!(
                "sparsity {:.1}%: {zeros} of {} weights exactly 0 (white) · max |w| {vmax:.3}",
                100.0 * zeros as f64 / weight.len() as f64,
                weight.len()
            ),
            Matrix {
                rows,
                cols,
                values: weight,
            },
        )?;
        report.files.push(path);
    }
    Ok(())
}

/// PruVer's `plot.py` chart from sweep CSVs: one curve per CSV (an environment, or a method), overlaid.
pub fn overlay(csvs: &[PathBuf], out: &Path) -> Result<PathBuf> {
    if csvs.is_empty() {
        return Err(Error::Invalid("--overlay: no CSV given".into()));
    }
    let series = csvs
        .iter()
        .map(|p| prune::read_sweep_csv(p))
        .collect::<Result<Vec<_>>>()?;
    plot::prune_vs_rewards(out, &series, "overlay of sweep CSVs")?;
    Ok(out.to_path_buf())
}
