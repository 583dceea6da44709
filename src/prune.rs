//! The `--prune` stage: one-shot pruning of an actor with prune fraction k.
//!
//! PruVer's method (`prune.py`) and the usual baselines are masks over the weights; biases are never
//! touched. Structured (`neuron`) pruning removes whole hidden units and writes a smaller network. The
//! report gives per-layer sparsity and a deterministic evaluation before and after; `--sweep` prunes at
//! many k and gives the data behind PruVer's "Prune percentage vs rewards" figure.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::env::{self, rng::NpRng};
use crate::error::{Error, Result};
use crate::evaluate::{self, TestReport};
pub use crate::policy::Mask;
use crate::policy::{actor_label, actor_stem, Actor, Linear};
use crate::report::{Summary, Table};
use crate::rollout::{self, Episode};
use crate::Choice;

/// How the weights to prune are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Pruver,
    Magnitude,
    Global,
    Random,
    Neuron,
}

impl Choice for Method {
    const ALL: &'static [Method] = &[
        Method::Pruver,
        Method::Magnitude,
        Method::Global,
        Method::Random,
        Method::Neuron,
    ];

    fn name(self) -> &'static str {
        match self {
            Method::Pruver => "pruver",
            Method::Magnitude => "magnitude",
            Method::Global => "global",
            Method::Random => "random",
            Method::Neuron => "neuron",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Method::Pruver => {
                "PruVer's prune.py: per layer, prune every weight whose dense rank of |w| is at most \
                 ceil(max rank · k)"
            }
            Method::Magnitude => {
                "Per layer, the round(k · n) smallest |w| (torch.nn.utils.prune.l1_unstructured)"
            }
            Method::Global => {
                "The round(k · n) smallest |w| of all layers together (torch's global_unstructured)"
            }
            Method::Random => {
                "Per layer, round(k · n) weights drawn at random from --seed: the baseline"
            }
            Method::Neuron => {
                "Structured: per hidden layer, remove the round(k · width) units whose incoming \
                 weights have the smallest L2 norm; writes a smaller network"
            }
        }
    }
}

impl Method {
    /// One line on what the method does, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Method::Pruver => {
                "PruVer's rule, per layer: dense ranks of |w|, rank ≤ ceil(max rank·k) pruned"
            }
            Method::Magnitude => "per layer, the round(k·n) smallest |w| pruned",
            Method::Global => "the round(k·n) smallest |w| of all layers together pruned",
            Method::Random => "per layer, round(k·n) weights pruned at random (seeded)",
            Method::Neuron => {
                "per hidden layer, round(k·width) units with the smallest incoming L2 norm removed"
            }
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The prune fraction must lie strictly between 0 and 1 (NaN is refused too).
pub fn check_k(k: f64, what: &str) -> Result<()> {
    if k > 0.0 && k < 1.0 {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{what} {k}: the prune fraction k must be a number strictly between 0 and 1"
        )))
    }
}

/// The number of weights `torch.nn.utils.prune` removes for `amount = k`: Python's `round(k · n)`,
/// which rounds halves to even.
pub fn count_to_prune(k: f64, n: usize) -> usize {
    ((k * n as f64).round_ties_even() as usize).min(n)
}

/// PruVer's per-layer rule. `rank = rankdata(|W|, method="dense") − 1`, so equal magnitudes share a rank
/// and k is a fraction of the distinct magnitudes; every weight with `rank ≤ ceil(max(rank) · k)` goes.
pub fn pruver_layer(weight: &[f64], k: f64) -> Vec<bool> {
    let mut distinct: Vec<f64> = weight.iter().map(|w| w.abs()).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let max_rank = distinct.len().saturating_sub(1);
    // NumPy computes `ceil(max_rank * k)` in float64; so do we, for the same threshold at every k.
    let threshold = (max_rank as f64 * k).ceil() as usize;
    weight
        .iter()
        .map(|w| {
            let rank = distinct
                .binary_search_by(|d| d.total_cmp(&w.abs()))
                .expect("every magnitude is among the distinct ones");
            rank > threshold
        })
        .collect()
}

/// Flat indices ordered by (|w|, index): the smallest magnitudes first, ties broken by position, so the
/// choice among equal magnitudes is reproducible.
fn by_magnitude<'a>(values: impl Iterator<Item = &'a f64>) -> Vec<usize> {
    let mags: Vec<f64> = values.map(|w| w.abs()).collect();
    let mut idx: Vec<usize> = (0..mags.len()).collect();
    idx.sort_by(|&a, &b| mags[a].total_cmp(&mags[b]).then(a.cmp(&b)));
    idx
}

/// `l1_unstructured(amount = k)` on one layer: the round(k · n) smallest |w| go.
pub fn magnitude_layer(weight: &[f64], k: f64) -> Vec<bool> {
    let mut keep = vec![true; weight.len()];
    for &i in by_magnitude(weight.iter())
        .iter()
        .take(count_to_prune(k, weight.len()))
    {
        keep[i] = false;
    }
    keep
}

/// The global variant: the round(k · n) smallest |w| among all layers' weights together.
pub fn global_mask(mlp: &Actor, k: f64) -> Mask {
    let all = mlp.layers.iter().flat_map(|l| l.weight.iter());
    let total: usize = mlp.layers.iter().map(|l| l.weight.len()).sum();
    let mut flat = vec![true; total];
    for &i in by_magnitude(all).iter().take(count_to_prune(k, total)) {
        flat[i] = false;
    }
    let mut layers = Vec::with_capacity(mlp.layers.len());
    let mut rest = &flat[..];
    for l in &mlp.layers {
        let (head, tail) = rest.split_at(l.weight.len());
        layers.push(head.to_vec());
        rest = tail;
    }
    Mask { layers }
}

/// The stream the random baseline draws from: NumPy's PCG64 seeded with `seed` plus a fixed offset, so
/// it never coincides with an episode's reset stream (`seed + i` for small i).
const RANDOM_MASK_SEED_OFFSET: u64 = 0x7072_756e_6500_0000; // "prune" in ASCII, shifted

/// Per layer, round(k · n) weights chosen uniformly without replacement (a partial Fisher–Yates
/// shuffle), layers in order from one seeded stream.
pub fn random_mask(mlp: &Actor, k: f64, seed: u64) -> Mask {
    let mut rng = NpRng::from_seed(seed.wrapping_add(RANDOM_MASK_SEED_OFFSET));
    let layers = mlp
        .layers
        .iter()
        .map(|l| {
            let n = l.weight.len();
            let mut idx: Vec<usize> = (0..n).collect();
            let m = count_to_prune(k, n);
            for i in 0..m {
                let j = rng.integers(i as i64, n as i64) as usize;
                idx.swap(i, j);
            }
            let mut keep = vec![true; n];
            for &i in &idx[..m] {
                keep[i] = false;
            }
            keep
        })
        .collect();
    Mask { layers }
}

/// The mask of an unstructured method. `Neuron` has no mask over the dense shape (it changes the
/// shape), so it is refused here; see [`neuron_units`].
pub fn mask(mlp: &Actor, method: Method, k: f64, seed: u64) -> Result<Mask> {
    Ok(match method {
        Method::Pruver => Mask {
            layers: mlp
                .layers
                .iter()
                .map(|l| pruver_layer(&l.weight, k))
                .collect(),
        },
        Method::Magnitude => Mask {
            layers: mlp
                .layers
                .iter()
                .map(|l| magnitude_layer(&l.weight, k))
                .collect(),
        },
        Method::Global => global_mask(mlp, k),
        Method::Random => random_mask(mlp, k, seed),
        Method::Neuron => {
            return Err(Error::Invalid(
                "neuron pruning removes units rather than masking weights; use prune::neuron_units"
                    .into(),
            ))
        }
    })
}

/// Zero the weights the mask drops (biases untouched).
pub fn apply_mask(mlp: &Actor, mask: &Mask) -> Actor {
    let mut out = mlp.clone();
    out.zero_dropped(mask);
    out
}

/// Which hidden units survive structured pruning: per hidden layer (every layer but the last), one flag
/// per unit. Layers go from input to output, and a unit's incoming weights are those from the units
/// the previous layer kept, because those are its incoming weights in the smaller network. At least
/// one unit per layer stays, so the network still computes something.
pub fn neuron_units(mlp: &Actor, k: f64) -> Vec<Vec<bool>> {
    let hidden = mlp.layers.len() - 1;
    let mut kept_inputs: Vec<bool> = vec![true; mlp.input_dim()];
    let mut units = Vec::with_capacity(hidden);
    for layer in &mlp.layers[..hidden] {
        let norms: Vec<f64> = layer
            .weight
            .chunks_exact(layer.in_features)
            .map(|row| {
                row.iter()
                    .zip(&kept_inputs)
                    .filter(|(_, &k)| k)
                    .map(|(w, _)| w * w)
                    .sum::<f64>()
                    .sqrt()
            })
            .collect();
        let width = layer.out_features;
        let remove = count_to_prune(k, width).min(width - 1);
        let mut keep = vec![true; width];
        for &u in by_magnitude(norms.iter()).iter().take(remove) {
            keep[u] = false;
        }
        kept_inputs = keep.clone();
        units.push(keep);
    }
    units
}

/// The smaller network without the dropped units: their rows and bias entries go from the layer that
/// computes them, their columns from the next layer. It computes exactly what the dense network
/// computes with those units' incoming weights, biases and outgoing weights zeroed.
pub fn remove_units(mlp: &Actor, units: &[Vec<bool>]) -> Actor {
    let mut layers = Vec::with_capacity(mlp.layers.len());
    let mut kept_inputs: Vec<bool> = vec![true; mlp.input_dim()];
    for (i, l) in mlp.layers.iter().enumerate() {
        let kept_rows: Vec<bool> = units
            .get(i)
            .cloned()
            .unwrap_or_else(|| vec![true; l.out_features]);
        let mut weight = Vec::new();
        for (r, row) in l.weight.chunks_exact(l.in_features).enumerate() {
            if kept_rows[r] {
                weight.extend(
                    row.iter()
                        .zip(&kept_inputs)
                        .filter(|(_, &k)| k)
                        .map(|(w, _)| *w),
                );
            }
        }
        let bias = l.bias.as_ref().map(|b| {
            b.iter()
                .zip(&kept_rows)
                .filter(|(_, &k)| k)
                .map(|(b, _)| *b)
                .collect()
        });
        layers.push(Linear {
            in_features: kept_inputs.iter().filter(|&&k| k).count(),
            out_features: kept_rows.iter().filter(|&&k| k).count(),
            weight,
            bias,
        });
        kept_inputs = kept_rows;
    }
    // The units' activations and the head carry over; a mask would describe the dense shape, so the
    // smaller network has none (its removed connections are zero weights still).
    // An Elman actor's context weights keep the rows and columns of the first hidden layer's units.
    let recurrent = mlp.recurrent.as_ref().map(|r| {
        let keep = &units[0];
        let h = keep.len();
        (0..h * h)
            .filter(|k| keep[k / h] && keep[k % h])
            .map(|k| r[k])
            .collect()
    });
    Actor {
        layers,
        activations: mlp.activations.clone(),
        head: mlp.head.clone(),
        mask: None,
        recurrent,
        dtype: mlp.dtype,
    }
}

/// The pruned network.
pub fn prune(mlp: &Actor, method: Method, k: f64, seed: u64) -> Result<Actor> {
    check_k(k, "k")?;
    Ok(match method {
        Method::Neuron => remove_units(mlp, &neuron_units(mlp, k)),
        m => apply_mask(mlp, &mask(mlp, m, k, seed)?),
    })
}

/// One layer of a pruned network, against the dense one.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStats {
    /// `layer1`, `layer2`, …
    pub name: String,
    /// (out, in) of the dense layer and of the pruned one (they differ for `neuron`).
    pub dense_shape: (usize, usize),
    pub shape: (usize, usize),
    /// Weights of the dense layer.
    pub weights: usize,
    /// Exact zeros of the pruned layer plus the weights removed with units.
    pub zeros: usize,
}

impl LayerStats {
    pub fn sparsity(&self) -> f64 {
        self.zeros as f64 / self.weights as f64
    }
}

/// Per-layer sparsity of `pruned` against `dense` (the same network, or its pruned version).
pub fn layer_stats(dense: &Actor, pruned: &Actor) -> Vec<LayerStats> {
    dense
        .layers
        .iter()
        .zip(&pruned.layers)
        .enumerate()
        .map(|(i, (d, p))| {
            let weights = d.weight.len();
            let nonzero = p.weight.iter().filter(|w| **w != 0.0).count();
            LayerStats {
                name: format!("layer{}", i + 1),
                dense_shape: (d.out_features, d.in_features),
                shape: (p.out_features, p.in_features),
                weights,
                zeros: weights - nonzero,
            }
        })
        .collect()
}

/// Zeros over weights, all layers together.
pub fn overall_sparsity(stats: &[LayerStats]) -> f64 {
    let (z, n) = stats
        .iter()
        .fold((0, 0), |(z, n), s| (z + s.zeros, n + s.weights));
    z as f64 / n as f64
}

/// PruVer's name for a pruned actor, beside the input: `<stem>_<k>.pth`, k as Python prints it
/// (`0.7`). Other methods add their name, so they never overwrite PruVer's file.
pub fn pruned_path(actor: &Path, k: f64, method: Method) -> PathBuf {
    pruned_path_of(actor, None, k, method)
}

/// [`pruned_path`] of member `elite` of a `.npy` elite population, whose stem names the member:
/// `elites.npy` → `elites_elite1_0.7.pth` (a `.pth` as every pruned actor, with its `.arch.json`).
pub fn pruned_path_of(actor: &Path, elite: Option<usize>, k: f64, method: Method) -> PathBuf {
    let stem = actor_stem(actor, elite);
    let suffix = match method {
        Method::Pruver => String::new(),
        m => format!("_{m}"),
    };
    actor.with_file_name(format!("{stem}_{k}{suffix}.pth"))
}

/// Refuse an output that is the input actor itself, by whatever path ([`crate::fsutil::same_file`]).
pub fn refuse_overwrite(input: &Path, output: &Path, what: &str) -> Result<()> {
    if crate::fsutil::same_file(input, output) {
        return Err(Error::Invalid(format!(
            "{what} {} is the input actor {}: refusing to overwrite it; name another output",
            output.display(),
            input.display()
        )));
    }
    Ok(())
}

/// Parse a list of prune fractions: `0.5,0.6,0.7`, with `...` standing for the steps between its
/// neighbours, as in `0.5,0.55,...,0.95` (the step is the difference of the two values before it).
/// Every k must lie in (0, 1).
pub fn parse_k_list(s: &str) -> std::result::Result<Vec<f64>, String> {
    let items: Vec<&str> = s.split(',').map(str::trim).collect();
    let is_ellipsis = |t: &str| t == "..." || t == "…";
    let decimals = |t: &str| t.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    let number = |t: &str| -> std::result::Result<f64, String> {
        let v: f64 = t
            .parse()
            .map_err(|_| format!("`{t}` is not a number (expected a list like 0.5,0.6,0.7)"))?;
        check_k(v, "").map_err(|_| {
            format!(
                "{t} is outside (0, 1): every prune fraction k must lie strictly between 0 and 1"
            )
        })?;
        Ok(v)
    };
    let mut out: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let t = items[i];
        if t.is_empty() {
            return Err(format!("item {} of `{s}` is empty", i + 1));
        }
        if !is_ellipsis(t) {
            out.push(number(t)?);
            i += 1;
            continue;
        }
        // `a, b, ..., c`: the values a + j(b − a) up to c, computed on the decimal grid of the
        // literals so that 0.55 + 0.05 is 0.6 exactly, as if typed.
        if i < 2 || is_ellipsis(items[i - 1]) || is_ellipsis(items[i - 2]) || i + 1 >= items.len() {
            return Err(format!(
                "`...` in `{s}` needs two values before it (they give the step) and one after it"
            ));
        }
        let (ta, tb, tc) = (items[i - 2], items[i - 1], items[i + 1]);
        let c = number(tc)?;
        let d = decimals(ta).max(decimals(tb)).max(decimals(tc)).min(12);
        let scale = 10f64.powi(d);
        let grid = |v: f64| (v * scale).round() as i64;
        let (ga, gb, gc) = (grid(out[out.len() - 2]), grid(out[out.len() - 1]), grid(c));
        let step = gb - ga;
        if step == 0 || (gc - gb) % step != 0 || (gc - gb) / step < 1 {
            return Err(format!(
                "`{ta},{tb},...,{tc}` in `{s}`: {tc} cannot be reached from {tb} in steps of {tb} − {ta}"
            ));
        }
        let mut g = gb + step;
        while g != gc {
            out.push(g as f64 / scale);
            g += step;
        }
        i += 1; // `c` itself is pushed on the next turn.
    }
    if out.is_empty() {
        return Err("the list of prune fractions is empty".into());
    }
    Ok(out)
}

/// A parsed `--sweep` list (a newtype, so clap takes the whole list as one value).
#[derive(Debug, Clone, PartialEq)]
pub struct KList(pub Vec<f64>);

/// clap's parser for `--sweep`.
pub fn parse_k_list_arg(s: &str) -> std::result::Result<KList, String> {
    parse_k_list(s).map(KList)
}

/// What a prune run needs besides the files.
#[derive(Debug, Clone)]
pub struct PruneOptions {
    pub env_id: String,
    /// The environment's options (`numpy:` of `hyperparameters.yml`) for the evaluations.
    pub env_options: env::EnvOptions,
    pub method: Method,
    pub k: f64,
    /// Seeds the evaluation episodes (seed + i) and the random baseline's mask.
    pub seed: u64,
    /// Evaluation episodes before and after; 0 skips the evaluation (and the environment).
    pub episodes: usize,
    pub isdiscrete: bool,
    /// The member of a `.npy` elite population to prune (`None`: 0); `None` for a `.pth`.
    pub elite: Option<usize>,
}

/// The result of one `--prune`.
#[derive(Debug, Clone)]
pub struct PruneReport {
    pub options: PruneOptions,
    pub actor: PathBuf,
    pub out: PathBuf,
    pub dense: Actor,
    pub pruned: Actor,
    pub layers: Vec<LayerStats>,
    /// The evaluations, when `episodes > 0`.
    pub before: Option<TestReport>,
    pub after: Option<TestReport>,
}

/// Load the actor, checking it against the environment when the run will evaluate it. An unknown
/// environment says how to prune without one.
fn load_for(opts: &PruneOptions, actor: &Path) -> Result<Actor> {
    if opts.episodes == 0 {
        // An elite's head follows the actions, when the environment is known.
        let actions = crate::policy::is_npy(actor)
            .then(|| env::make(&opts.env_id).ok().map(|e| e.action_space()))
            .flatten();
        return Actor::load_elite(actor, opts.elite, actions.as_ref());
    }
    if let Err(e) = env::make(&opts.env_id) {
        return Err(Error::Invalid(format!(
            "{e}. --prune evaluates the actor before and after pruning in --env; pass --episodes 0 \
             to prune without evaluating"
        )));
    }
    evaluate::load_actor(&opts.env_id, actor, opts.elite, opts.isdiscrete)
}

/// Prune the actor at `actor` and write it to `out` (default: [`pruned_path`]), evaluating before and
/// after. `before`, when given, is an evaluation of the same actor with the same episodes and seed
/// (from `--test`), reused instead of evaluating again.
///
/// With `csv`, the per-episode returns before and after are written there too. Every output is checked
/// against the input before any work, so a refused run leaves every file as it was.
pub fn run(
    opts: &PruneOptions,
    actor: &Path,
    out: Option<&Path>,
    csv: Option<&Path>,
    before: Option<TestReport>,
) -> Result<PruneReport> {
    check_k(opts.k, "--k")?;
    let out = out.map_or_else(
        || pruned_path_of(actor, opts.elite, opts.k, opts.method),
        Path::to_path_buf,
    );
    refuse_overwrite(actor, &out, "the pruned actor")?;
    if let Some(csv) = csv {
        refuse_overwrite(actor, csv, "the CSV")?;
        if crate::fsutil::same_file(csv, &out) {
            return Err(Error::Invalid(format!(
                "the CSV {} and the pruned actor {} are the same file",
                csv.display(),
                out.display()
            )));
        }
    }
    let dense = load_for(opts, actor)?;
    let pruned = prune(&dense, opts.method, opts.k, opts.seed)?;
    let (before, after) = if opts.episodes > 0 {
        let before = match before {
            Some(b) => b,
            None => evaluation(opts, Path::new(&actor_label(actor, opts.elite)), &dense)?,
        };
        (Some(before), Some(evaluation(opts, &out, &pruned)?))
    } else {
        (None, None)
    };
    pruned.save(&out)?;
    let report = PruneReport {
        options: opts.clone(),
        actor: actor.to_path_buf(),
        out,
        layers: layer_stats(&dense, &pruned),
        dense,
        pruned,
        before,
        after,
    };
    if let Some(csv) = csv {
        report.write_csv(csv)?;
    }
    Ok(report)
}

fn evaluation(opts: &PruneOptions, path: &Path, mlp: &Actor) -> Result<TestReport> {
    Ok(TestReport {
        env_id: opts.env_id.clone(),
        actor: path.to_path_buf(),
        episodes: rollout::evaluate_with(
            &opts.env_id,
            opts.env_options,
            mlp,
            opts.episodes,
            opts.seed,
        )?,
    })
}

fn shape(s: (usize, usize)) -> String {
    format!("{}×{}", s.0, s.1)
}

fn percent(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

impl PruneReport {
    pub fn sparsity(&self) -> f64 {
        overall_sparsity(&self.layers)
    }

    /// Per layer: shape, weights, zeros, sparsity; then all layers together.
    pub fn layer_table(&self) -> Table {
        let mut t = Table::new(["layer", "shape", "weights", "zeros", "sparsity"]);
        for s in &self.layers {
            let shape = if s.shape == s.dense_shape {
                shape(s.shape)
            } else {
                format!("{} → {}", shape(s.dense_shape), shape(s.shape))
            };
            t.row([
                s.name.clone(),
                shape,
                s.weights.to_string(),
                s.zeros.to_string(),
                percent(s.sparsity()),
            ]);
        }
        let (z, n) = self
            .layers
            .iter()
            .fold((0, 0), |(z, n), s| (z + s.zeros, n + s.weights));
        t.row([
            "all".to_string(),
            String::new(),
            n.to_string(),
            z.to_string(),
            percent(self.sparsity()),
        ]);
        t
    }

    /// The realised sparsity against the requested k, and what the method did.
    pub fn sparsity_line(&self) -> String {
        let o = &self.options;
        let mut s = format!(
            "realised sparsity {} for requested k = {} ({:+.2} points)\nmethod {}: {}; biases kept",
            percent(self.sparsity()),
            o.k,
            100.0 * (self.sparsity() - o.k),
            o.method,
            o.method.describe()
        );
        if o.method == Method::Neuron {
            s += "; zeros count the weights removed with their units";
        }
        s
    }

    /// The evaluation before and after, one row each.
    pub fn evaluation_table(&self) -> Option<Table> {
        let (b, a) = (self.before.as_ref()?, self.after.as_ref()?);
        let dense_stats = layer_stats(&self.dense, &self.dense);
        let mut t = Table::new([
            "actor",
            "sparsity",
            "episodes",
            "mean ± std",
            "min",
            "max",
            "mean length",
        ]);
        for (r, sparsity) in [(b, overall_sparsity(&dense_stats)), (a, self.sparsity())] {
            let s = r.summary();
            let lens: Vec<f64> = r.episodes.iter().map(|e| e.length as f64).collect();
            t.row([
                r.actor.display().to_string(),
                percent(sparsity),
                s.n.to_string(),
                format!("{:.3} ± {:.3}", s.mean, s.std),
                format!("{:.3}", s.min),
                format!("{:.3}", s.max),
                format!("{:.1}", Summary::of(&lens).mean),
            ]);
        }
        Some(t)
    }

    /// The whole report as the terminal shows it.
    pub fn render(&self) -> String {
        let o = &self.options;
        let mut s = format!(
            "pruned {} → {} ({}, k = {})\n\n{}\n{}\n",
            actor_label(&self.actor, o.elite),
            self.out.display(),
            o.method,
            o.k,
            self.layer_table(),
            self.sparsity_line()
        );
        match (self.evaluation_table(), &self.before, &self.after) {
            (Some(t), Some(b), Some(a)) => {
                let (mb, ma) = (b.summary().mean, a.summary().mean);
                s += &format!(
                    "\ndeterministic evaluation on {}, {} episodes, seeds {}–{}:\n{}mean return {:.3} → {:.3} ({:+.3})\n",
                    o.env_id,
                    o.episodes,
                    o.seed,
                    o.seed.wrapping_add(o.episodes as u64 - 1),
                    t,
                    mb,
                    ma,
                    ma - mb
                );
            }
            _ => s += "\nno evaluation (--episodes 0)\n",
        }
        s
    }

    /// Per episode, the return and length before and after pruning, returns at full precision,
    /// written atomically. Without an evaluation only the header is written.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let header = [
            "episode",
            "seed",
            "return_dense",
            "length_dense",
            "return_pruned",
            "length_pruned",
        ];
        let empty = Vec::new();
        let (b, a) = match (&self.before, &self.after) {
            (Some(b), Some(a)) => (&b.episodes, &a.episodes),
            _ => (&empty, &empty),
        };
        let rows = b.iter().zip(a).enumerate().map(|(i, (b, a))| {
            vec![
                i.to_string(),
                b.seed.to_string(),
                format!("{:?}", b.ret),
                b.length.to_string(),
                format!("{:?}", a.ret),
                a.length.to_string(),
            ]
        });
        crate::fsutil::write_csv(path, header, rows)
    }
}

/// Evaluate many actors on the same seeds, all (actor, episode) pairs shared out over all cores as
/// they come free, so a short pruned episode never leaves a core idle while another works through a
/// long one. Each episode depends only on its actor and seed, so the result is the same whatever the
/// core count or schedule.
pub fn evaluate_many(
    env_id: &str,
    actors: &[Actor],
    episodes: usize,
    seed: u64,
) -> Result<Vec<Vec<Episode>>> {
    rollout::evaluate_population(env_id, env::EnvOptions::default(), actors, episodes, seed)
}

/// One point of a sweep: the prune fraction, the realised sparsity and the returns' summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    pub k: f64,
    pub sparsity: f64,
    pub summary: Summary,
}

/// A sweep over k: the dense actor's point (k = 0) and one point per k, in the order given.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub env_id: String,
    pub method: Method,
    pub actor: PathBuf,
    pub dense: SweepPoint,
    pub points: Vec<SweepPoint>,
}

/// Prune the actor at each k and evaluate every pruned actor (and the dense one) over the same
/// `episodes` seeds. Nothing is written: the pruned actors live in memory only.
pub fn sweep(opts: &PruneOptions, actor: &Path, ks: &[f64]) -> Result<Sweep> {
    if opts.episodes == 0 {
        return Err(Error::Invalid(
            "--sweep evaluates the actor at every k: --episodes must be at least 1".into(),
        ));
    }
    if ks.is_empty() {
        return Err(Error::Invalid("--sweep: the list of k is empty".into()));
    }
    for &k in ks {
        check_k(k, "--sweep:")?;
    }
    let dense = load_for(opts, actor)?;
    let mut nets = vec![dense.clone()];
    for &k in ks {
        nets.push(prune(&dense, opts.method, k, opts.seed)?);
    }
    let results = rollout::evaluate_population(
        &opts.env_id,
        opts.env_options,
        &nets,
        opts.episodes,
        opts.seed,
    )?;
    let point = |k: f64, net: &Actor, eps: &[Episode]| SweepPoint {
        k,
        sparsity: overall_sparsity(&layer_stats(&dense, net)),
        summary: Summary::of(&eps.iter().map(|e| e.ret).collect::<Vec<_>>()),
    };
    Ok(Sweep {
        env_id: opts.env_id.clone(),
        method: opts.method,
        actor: actor.to_path_buf(),
        dense: point(0.0, &nets[0], &results[0]),
        points: ks
            .iter()
            .zip(&nets[1..])
            .zip(&results[1..])
            .map(|((&k, n), r)| point(k, n, r))
            .collect(),
    })
}

/// The files a sweep wrote.
#[derive(Debug, Clone)]
pub struct SweepFiles {
    pub csv: PathBuf,
    pub png: PathBuf,
}

/// `--sweep`: run the sweep, write its CSV at `csv` and the chart beside it (`.png`), with the curves
/// of the `overlay` CSVs drawn too. Outputs are checked against the input before any work.
pub fn run_sweep(
    opts: &PruneOptions,
    actor: &Path,
    ks: &[f64],
    csv: &Path,
    overlay: &[PathBuf],
) -> Result<(Sweep, SweepFiles)> {
    let png = csv.with_extension("png");
    refuse_overwrite(actor, csv, "the sweep CSV")?;
    refuse_overwrite(actor, &png, "the sweep chart")?;
    // Read the overlays first: a bad one is reported before the sweep's work.
    let mut series = Vec::with_capacity(1 + overlay.len());
    let others = overlay
        .iter()
        .map(|p| read_sweep_csv(p))
        .collect::<Result<Vec<_>>>()?;
    let result = sweep(opts, actor, ks)?;
    series.push(result.series());
    series.extend(others);
    result.write_csv(csv)?;
    let subtitle = format!(
        "{} · {} pruning · mean over {} episodes (seeds {}–{}) · band ±1 std",
        actor_label(actor, opts.elite),
        opts.method,
        opts.episodes,
        opts.seed,
        opts.seed.wrapping_add(opts.episodes as u64 - 1)
    );
    crate::plot::prune_vs_rewards(&png, &series, &subtitle)?;
    Ok((
        result,
        SweepFiles {
            csv: csv.to_path_buf(),
            png,
        },
    ))
}

/// The columns of a sweep CSV. The first row is the dense actor, with method `dense` and k = 0.
pub const SWEEP_HEADER: [&str; 9] = [
    "env",
    "method",
    "k",
    "sparsity",
    "episodes",
    "mean_return",
    "std_return",
    "min_return",
    "max_return",
];

impl Sweep {
    /// The default CSV: `Graph/prune_sweep_<ENV>_<method>.csv`.
    pub fn default_csv(env_id: &str, method: Method) -> PathBuf {
        PathBuf::from(format!("Graph/prune_sweep_{env_id}_{method}.csv"))
    }

    pub fn table(&self) -> Table {
        let mut t = Table::new([
            "k",
            "sparsity",
            "episodes",
            "mean ± std",
            "min",
            "max",
            "vs dense",
        ]);
        let d = self.dense.summary.mean;
        for (label, p) in std::iter::once(("dense".to_string(), &self.dense))
            .chain(self.points.iter().map(|p| (p.k.to_string(), p)))
        {
            let s = &p.summary;
            t.row([
                label,
                percent(p.sparsity),
                s.n.to_string(),
                format!("{:.3} ± {:.3}", s.mean, s.std),
                format!("{:.3}", s.min),
                format!("{:.3}", s.max),
                format!("{:+.3}", s.mean - d),
            ]);
        }
        t
    }

    /// The sweep as CSV, values at full precision, written atomically.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let row = |method: &str, p: &SweepPoint| {
            let s = &p.summary;
            vec![
                self.env_id.clone(),
                method.to_string(),
                p.k.to_string(),
                format!("{:?}", p.sparsity),
                s.n.to_string(),
                format!("{:?}", s.mean),
                format!("{:?}", s.std),
                format!("{:?}", s.min),
                format!("{:?}", s.max),
            ]
        };
        let rows = std::iter::once(row("dense", &self.dense))
            .chain(self.points.iter().map(|p| row(self.method.name(), p)));
        crate::fsutil::write_csv(path, SWEEP_HEADER, rows)
    }

    /// The sweep as one series of the "Prune percentage vs rewards" chart.
    pub fn series(&self) -> crate::plot::SweepSeries {
        crate::plot::SweepSeries {
            label: format!("{} ({})", self.env_id, self.method),
            points: self
                .points
                .iter()
                .map(|p| (p.k, p.summary.mean, p.summary.std))
                .collect(),
            dense: Some(self.dense.summary.mean),
        }
    }
}

/// Read a sweep CSV (as [`Sweep::write_csv`] writes it) back into a chart series. Errors name the file,
/// the line and the field.
pub fn read_sweep_csv(path: &Path) -> Result<crate::plot::SweepSeries> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = |reason: String| Error::Invalid(format!("{}: {reason}", path.display()));
    let mut r = csv::Reader::from_reader(&bytes[..]);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(format!("not a CSV file: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header != SWEEP_HEADER {
        return Err(bad(format!(
            "not a sweep CSV: the header is `{}`, expected `{}`",
            header.join(","),
            SWEEP_HEADER.join(",")
        )));
    }
    let mut env_method: Option<(String, String)> = None;
    let mut points = Vec::new();
    let mut dense = None;
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(format!("line {line}: {e}")))?;
        let num = |col: usize| -> Result<f64> {
            rec[col].parse::<f64>().map_err(|_| {
                bad(format!(
                    "line {line}: {} `{}` is not a number",
                    SWEEP_HEADER[col], &rec[col]
                ))
            })
        };
        // Every numeric field is checked, though the chart uses k, mean and std.
        for col in 3..SWEEP_HEADER.len() {
            num(col)?;
        }
        let (k, mean, std) = (num(2)?, num(5)?, num(6)?);
        if &rec[1] == "dense" {
            dense = Some(mean);
            continue;
        }
        let key = (rec[0].to_string(), rec[1].to_string());
        match &env_method {
            None => env_method = Some(key),
            Some(em) if *em != key => {
                return Err(bad(format!(
                    "line {line}: env/method {}/{} differ from the first row's {}/{}; one CSV holds one sweep",
                    key.0, key.1, em.0, em.1
                )))
            }
            _ => {}
        }
        points.push((k, mean, std));
    }
    let (env, method) = env_method.ok_or_else(|| bad("no sweep rows (only a header)".into()))?;
    Ok(crate::plot::SweepSeries {
        label: format!("{env} ({method})"),
        points,
        dense,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::test_support::random_actor;
    use crate::policy::Dtype;

    #[test]
    fn pruver_ranks_distinct_magnitudes() {
        // |w| = 0.1, 0.2, 0.2, 0.3, 0.4 (dense ranks 0, 1, 1, 2, 3), max rank 3.
        let w = [0.3, -0.2, 0.2, 0.1, -0.4];
        // k = 0.5: threshold ceil(1.5) = 2, so ranks 0..=2 go.
        assert_eq!(pruver_layer(&w, 0.5), [false, false, false, false, true]);
        // k = 0.3: threshold ceil(0.9) = 1.
        assert_eq!(pruver_layer(&w, 0.3), [true, false, false, false, true]);
        // k = 0.01: threshold ceil(0.03) = 1 as well; PruVer always prunes rank 0 and 1 here.
        assert_eq!(pruver_layer(&w, 0.01), [true, false, false, false, true]);
    }

    #[test]
    fn counts_round_half_to_even_like_python() {
        assert_eq!(count_to_prune(0.5, 5), 2); // round(2.5) == 2
        assert_eq!(count_to_prune(0.5, 7), 4); // round(3.5) == 4
        assert_eq!(count_to_prune(0.7, 512), 358);
    }

    #[test]
    fn magnitude_breaks_ties_by_position() {
        let w = [0.5, -0.1, 0.1, 0.1, 0.9];
        assert_eq!(magnitude_layer(&w, 0.4), [true, false, false, true, true]);
    }

    #[test]
    fn k_must_be_inside_the_open_interval() {
        for k in [0.0, 1.0, 1.5, -0.2, f64::NAN, f64::INFINITY] {
            assert!(check_k(k, "--k").is_err(), "{k}");
        }
        assert!(check_k(0.7, "--k").is_ok());
    }

    #[test]
    fn k_lists_parse_with_ellipses() {
        assert_eq!(parse_k_list("0.5,0.7").unwrap(), [0.5, 0.7]);
        let v = parse_k_list("0.5,0.55,...,0.7").unwrap();
        assert_eq!(v, [0.5, 0.55, 0.6, 0.65, 0.7]);
        let v = parse_k_list("0.95, 0.96, …, 0.99").unwrap();
        assert_eq!(v, [0.95, 0.96, 0.97, 0.98, 0.99]);
        for (bad, needle) in [
            ("0.5,abc", "`abc` is not a number"),
            ("0.5,,0.6", "empty"),
            ("0.5,1.2", "outside (0, 1)"),
            ("0.5,...,0.9", "needs two values"),
            ("0.5,0.6,...,0.95", "cannot be reached"),
            ("0.6,0.5,...,0.9", "cannot be reached"),
            ("", "empty"),
        ] {
            let e = parse_k_list(bad).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn neuron_pruning_equals_zeroing_the_units() {
        let mlp = random_actor(&[4, 16, 16, 2], Dtype::F64, 3);
        let units = neuron_units(&mlp, 0.5);
        let small = remove_units(&mlp, &units);
        assert_eq!(small.hidden_widths(), [8, 8]);
        // The dense network with the removed units' rows, biases and outgoing columns zeroed.
        let mut zeroed = mlp.clone();
        for (l, keep) in units.iter().enumerate() {
            for (u, &k) in keep.iter().enumerate() {
                if !k {
                    let inf = zeroed.layers[l].in_features;
                    zeroed.layers[l].weight[u * inf..(u + 1) * inf].fill(0.0);
                    zeroed.layers[l].bias.as_mut().unwrap()[u] = 0.0;
                    let next = &mut zeroed.layers[l + 1];
                    for r in 0..next.out_features {
                        next.weight[r * next.in_features + u] = 0.0;
                    }
                }
            }
        }
        for x in [[0.1, -0.2, 0.3, 0.05], [1.0, 2.0, -1.0, 0.5]] {
            let (a, b) = (small.forward(&x), zeroed.forward(&x));
            for (p, q) in a.iter().zip(&b) {
                assert!((p - q).abs() < 1e-12, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn pruned_names_follow_pruver() {
        let p = Path::new("Policies/ppo_actorLunarLanderContinuous-v2.pth");
        assert_eq!(
            pruned_path(p, 0.7, Method::Pruver),
            Path::new("Policies/ppo_actorLunarLanderContinuous-v2_0.7.pth")
        );
        assert_eq!(
            pruned_path(p, 0.55, Method::Neuron),
            Path::new("Policies/ppo_actorLunarLanderContinuous-v2_0.55_neuron.pth")
        );
    }
}
