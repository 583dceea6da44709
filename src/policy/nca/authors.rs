//! HyperNCA run folders as the authors' `train_NCA.py` writes them (`saved_models/<id>/`), read without
//! Python, and written for our own runs in the same layout.
//!
//! Reading never runs Python and never executes anything a file names:
//!
//! - `nca.config` is `pickle.dump` of the config dict. It goes through the allow-list pickle machine
//!   ([`AllowList::HyperNca`]): only `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and
//!   `torch.storage._load_from_bytes` may be named, the latter's bytes being parsed as the legacy
//!   `torch.save` of a bare storage (`pth.rs`), every size checked against the data.
//! - `nca_config.yml` is `yaml.dump` of the same dict (default Dumper): the seed tensors are the same
//!   calls spelled as `!!python/object/apply:` tags with the storage's bytes as `!!binary` base64. Tags
//!   naming any other Python object (`!!python/object/apply:os.system`, `!!python/name:…`) are refused
//!   wherever they appear, even under a key that is not read.
//! - The solutions and reward curves are plain 1-D `.npy` arrays (`npy::read_vector`).
//!
//! Keys not read are ignored; the ones read must have the right type, and the errors name the file
//! and the key. [`write_run`] writes our runs in the same layout, the yml as plain YAML (no Python
//! tags) that PyYAML's `yaml.safe_load` reads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::NcaSpec;
use crate::error::{Error, Result};
use crate::policy::npy;
use crate::policy::pickle::{self, AllowList, Arena, Id, Obj, TensorRef};
use crate::policy::pth;

/// What a run's `nca.config` / `nca_config.yml` says, in our names (the authors' key in each doc line).
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// `environment`: one id, or several for a metamorphosis run.
    pub environments: Vec<String>,
    /// `NCA_channels`.
    pub channels: usize,
    /// `policy_layers`.
    pub layers: usize,
    /// `size_substrate`.
    pub size: usize,
    /// `update_net_channel_dims`.
    pub hidden: usize,
    /// `NCA_bias`.
    pub bias: bool,
    /// `reading_channel`.
    pub reading_channel: usize,
    /// `living_channel_dim`.
    pub living_channel: usize,
    /// `alpha_living_threshold`, with the code's −∞ given back as 0 (the command line's "all alive").
    pub living_threshold: f64,
    /// `normalise`.
    pub normalise: bool,
    /// `replace`.
    pub replace: bool,
    /// `NCA_steps`: the steps of the (first) growth.
    pub steps: usize,
    /// `metamorphosis_NCA_steps`: the further steps before each next morphology (metamorphosis branch).
    pub metamorphosis_steps: Option<usize>,
    /// `reward_type` (metamorphosis branch): sum, min, mean or std.
    pub reward_type: Option<String>,
    /// `seed_type`, one per environment (the metamorphosis branch stores one string).
    pub seed_types: Vec<String>,
    /// `random_seed`: a fresh random seed every episode.
    pub random_seed: bool,
    /// `co_evolve_seed`: the seed follows the NCA's parameters in the vector.
    pub co_evolve_seed: bool,
    /// `random_seed_env`.
    pub random_seed_env: bool,
    /// `RANDOM_SEED`.
    pub random_seed_value: Option<i64>,
    pub popsize: Option<usize>,
    pub generations: Option<usize>,
    /// `seeds` (one C·L·S² grid per environment, C-order) or the metamorphosis branch's single `seed`;
    /// empty when the file holds none (a `random_seed` run, or a yml written without them).
    pub seeds: Vec<Vec<f64>>,
    /// `seeds_size`: the lengths of the co-evolved seeds that follow the NCA's parameters in the
    /// vector (empty when absent).
    pub seeds_size: Vec<usize>,
}

impl RunConfig {
    /// The automaton these settings describe, for a policy with `out_rows` outputs.
    pub fn spec(&self, out_rows: usize) -> NcaSpec {
        NcaSpec {
            channels: self.channels,
            layers: self.layers,
            size: self.size,
            hidden: self.hidden,
            bias: self.bias,
            reading_channel: self.reading_channel,
            living_channel: self.living_channel,
            living_threshold: self.living_threshold,
            normalise: self.normalise,
            replace: self.replace,
            out_rows,
        }
    }

    /// The length of a solution vector of this run: the NCA's parameters, then with `co_evolve_seed`
    /// the co-evolved seeds: `seeds_size` summed where the file gives it, else one C·L·S² grid per
    /// seed of the config (at least one).
    pub fn vector_len(&self) -> usize {
        let spec = self.spec(1);
        let seeds = if !self.co_evolve_seed {
            0
        } else if !self.seeds_size.is_empty() {
            self.seeds_size
                .iter()
                .fold(0usize, |a, &b| a.saturating_add(b))
        } else {
            spec.grid_len() * self.seeds.len().max(1)
        };
        spec.n_params() + seeds
    }
}

/// A run folder read: its settings and one solution vector.
#[derive(Debug, Clone)]
pub struct AuthorsRun {
    pub dir: PathBuf,
    pub config: RunConfig,
    /// The file the config was read from: `nca.config`, else `nca_config.yml`.
    pub config_file: PathBuf,
    /// The `*_meansolution.npy` or `*_bestsolution.npy` read.
    pub solution: PathBuf,
    /// The flat CMA-ES vector: the NCA's parameters (then a co-evolved seed, if any).
    pub vector: Vec<f64>,
    /// `rewards_best.npy` and `rewards_mean.npy` (negated rewards per generation), when present.
    pub rewards_best: Option<Vec<f64>>,
    pub rewards_mean: Option<Vec<f64>>,
}

/// Whether `path` is a run folder (holding `nca.config` or `nca_config.yml`) or a `*solution.npy`
/// inside one.
pub fn is_run(path: &Path) -> bool {
    let dir = if path.is_dir() {
        Some(path)
    } else if path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("solution.npy"))
    {
        path.parent()
    } else {
        None
    };
    dir.is_some_and(|d| d.join("nca.config").is_file() || d.join("nca_config.yml").is_file())
}

/// Read a run: a folder (its `*_meansolution.npy`, as the authors' `fitness_functions.py` evaluates by
/// default, else its `*_bestsolution.npy`; several candidates are an error naming them) or one
/// `*solution.npy` file inside a folder. The config comes from `nca.config` if present, else from
/// `nca_config.yml`; `rewards_best.npy` and `rewards_mean.npy` are read when present. Everything is
/// validated: the config's types and values, the seeds' shapes, and the vector's length (see
/// [`RunConfig::vector_len`]) and values (no NaN).
pub fn read_run(path: &Path) -> Result<AuthorsRun> {
    let (dir, solution) = if path.is_dir() {
        (path.to_path_buf(), None)
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with("solution.npy") {
            return Err(Error::Invalid(format!(
                "{}: neither a HyperNCA run folder nor a `*solution.npy` file in one",
                path.display()
            )));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        (dir, Some(path.to_path_buf()))
    };
    // The config first: a folder without one is not a run, whatever else it holds.
    let (config, config_file) = read_config(&dir)?;
    let solution = match solution {
        Some(s) => s,
        None => pick_solution(&dir)?,
    };
    let vector = npy::read_vector(&solution)?;
    let cfg_err = |reason: String| Error::Config {
        path: solution.clone(),
        reason,
    };
    let want = config.vector_len();
    if vector.len() != want {
        let spec = config.spec(1);
        return Err(cfg_err(format!(
            "the solution vector has {} values, but the NCA of {} (NCA_channels {}, \
             update_net_channel_dims {}, NCA_bias {}) has {} parameters{}, {want} in all",
            vector.len(),
            config_file.display(),
            spec.channels,
            spec.hidden,
            if spec.bias { "True" } else { "False" },
            spec.n_params(),
            if config.co_evolve_seed {
                format!(" plus {} of co-evolved seeds", want - spec.n_params())
            } else {
                String::new()
            }
        )));
    }
    if let Some(i) = vector.iter().position(|v| v.is_nan()) {
        return Err(cfg_err(format!("value {i} of the solution vector is NaN")));
    }
    let optional = |name: &str| -> Result<Option<Vec<f64>>> {
        let p = dir.join(name);
        if p.is_file() {
            npy::read_vector(&p).map(Some)
        } else {
            Ok(None)
        }
    };
    Ok(AuthorsRun {
        rewards_best: optional("rewards_best.npy")?,
        rewards_mean: optional("rewards_mean.npy")?,
        dir,
        config,
        config_file,
        solution,
        vector,
    })
}

/// The solution file of a run folder: its single `*_meansolution.npy`, else its single
/// `*_bestsolution.npy`.
fn pick_solution(dir: &Path) -> Result<PathBuf> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for suffix in ["_meansolution.npy", "_bestsolution.npy"] {
        let found: Vec<&String> = names.iter().filter(|n| n.ends_with(suffix)).collect();
        match found[..] {
            [] => continue,
            [one] => return Ok(dir.join(one)),
            _ => {
                return Err(Error::Invalid(format!(
                    "{}: several `*{suffix}` files ({}); name the one to read",
                    dir.display(),
                    found
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    Err(Error::Invalid(format!(
        "{}: no `*_meansolution.npy` or `*_bestsolution.npy` in this HyperNCA run folder",
        dir.display()
    )))
}

/// The config of a run folder, from `nca.config` if present, else `nca_config.yml`; and the file read.
pub fn read_config(dir: &Path) -> Result<(RunConfig, PathBuf)> {
    let pkl = dir.join("nca.config");
    let yml = dir.join("nca_config.yml");
    let file = if pkl.is_file() {
        pkl
    } else if yml.is_file() {
        yml
    } else {
        return Err(Error::Invalid(format!(
            "{}: no `nca.config` or `nca_config.yml`, so this is not a HyperNCA run folder",
            dir.display()
        )));
    };
    // A config is a few kilobytes; 64 MiB bounds what a wrong file makes us read.
    let bytes = crate::fsutil::read_limited(&file, 64 << 20, "a HyperNCA config")?;
    let parsed = if file.ends_with("nca.config") {
        config_from_pickle(&bytes)
    } else {
        config_from_yaml(&bytes)
    };
    let config = parsed.map_err(|reason| Error::Config {
        path: file.clone(),
        reason,
    })?;
    Ok((config, file))
}

// ---------------------------------------------------------------------------------------------------
// The config's values, from either file

/// A config value, as read from the pickle or the YAML.
#[derive(Debug, Clone, PartialEq)]
enum V {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<V>),
    Tensor(pth::Tensor),
    /// Anything else, by its kind.
    Other(String),
}

impl V {
    fn kind(&self) -> String {
        match self {
            V::None => "None".into(),
            V::Bool(_) => "bool".into(),
            V::Int(_) => "int".into(),
            V::Float(_) => "float".into(),
            V::Str(_) => "str".into(),
            V::List(_) => "list".into(),
            V::Tensor(_) => "tensor".into(),
            V::Other(k) => k.clone(),
        }
    }
}

/// Lists nest at most this deep in what is read (seeds in our yml: a list of lists).
const MAX_DEPTH: usize = 4;

/// Bounds the work and memory of converting what a file holds (a list may refer to itself, or many
/// times to a large one).
struct Budget {
    /// Values converted.
    nodes: u64,
    /// Tensor elements materialized.
    values: u64,
}

impl Budget {
    fn new(file_len: usize) -> Budget {
        Budget {
            nodes: 1 << 22,
            values: (file_len as u64).saturating_mul(4).saturating_add(1 << 20),
        }
    }

    fn node(&mut self) -> Result<(), String> {
        if self.nodes == 0 {
            return Err("the config holds implausibly many values".into());
        }
        self.nodes -= 1;
        Ok(())
    }
}

/// The top-level dict of either file, its values converted on demand.
enum Doc<'a> {
    Pickle(&'a Arena, HashMap<String, Id>),
    Yaml(HashMap<String, &'a Value>),
}

struct Config<'a> {
    doc: Doc<'a>,
    budget: Budget,
}

impl Config<'_> {
    fn get(&mut self, key: &str) -> Result<Option<V>, String> {
        let v = match &self.doc {
            Doc::Pickle(a, m) => match m.get(key) {
                None => return Ok(None),
                Some(&id) => pickle_value(a, id, 0, &mut self.budget),
            },
            Doc::Yaml(m) => match m.get(key) {
                None => return Ok(None),
                Some(v) => yaml_value(v, 0, &mut self.budget),
            },
        };
        v.map(Some).map_err(|e| format!("`{key}`: {e}"))
    }

    fn need(&mut self, key: &str) -> Result<V, String> {
        self.get(key)?
            .ok_or_else(|| format!("the key `{key}` is missing"))
    }

    fn bool(&mut self, key: &str) -> Result<bool, String> {
        match self.need(key)? {
            V::Bool(b) => Ok(b),
            v => Err(wrong(key, "a bool", &v)),
        }
    }

    /// A bool that older versions did not write: absent is `default`.
    fn bool_or(&mut self, key: &str, default: bool) -> Result<bool, String> {
        match self.get(key)? {
            None => Ok(default),
            Some(V::Bool(b)) => Ok(b),
            Some(v) => Err(wrong(key, "a bool", &v)),
        }
    }

    fn usize(&mut self, key: &str) -> Result<usize, String> {
        let v = self.need(key)?;
        as_usize(key, &v)
    }

    fn opt_usize(&mut self, key: &str) -> Result<Option<usize>, String> {
        match self.get(key)? {
            None | Some(V::None) => Ok(None),
            Some(v) => as_usize(key, &v).map(Some),
        }
    }

    fn opt_str(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.get(key)? {
            None | Some(V::None) => Ok(None),
            Some(V::Str(s)) => Ok(Some(s)),
            Some(v) => Err(wrong(key, "a str", &v)),
        }
    }

    /// A list of strings (a single string is taken as a list of one).
    fn strs(&mut self, key: &str) -> Result<Vec<String>, String> {
        match self.need(key)? {
            V::Str(s) => Ok(vec![s]),
            V::List(items) => items
                .into_iter()
                .map(|v| match v {
                    V::Str(s) => Ok(s),
                    v => Err(wrong(key, "a list of str", &v)),
                })
                .collect(),
            v => Err(wrong(key, "a list of str", &v)),
        }
    }
}

fn wrong(key: &str, want: &str, got: &V) -> String {
    format!("`{key}` is a {}, not {want}", got.kind())
}

fn as_usize(key: &str, v: &V) -> Result<usize, String> {
    match v {
        V::Int(i) => usize::try_from(*i)
            .ok()
            .filter(|&u| u <= 1 << 40)
            .ok_or_else(|| format!("`{key}` is {i}, not a plausible non-negative integer")),
        v => Err(wrong(key, "an int", v)),
    }
}

/// A pickled value. Every storage of an [`AllowList::HyperNca`] pickle came from
/// `_load_from_bytes`: its key is its index in [`Arena::inband`].
fn pickle_value(a: &Arena, id: Id, depth: usize, budget: &mut Budget) -> Result<V, String> {
    budget.node()?;
    Ok(match a.get(id) {
        Obj::None => V::None,
        Obj::Bool(b) => V::Bool(*b),
        Obj::Int(i) => V::Int(*i),
        Obj::Float(f) => V::Float(*f),
        Obj::Str(_) | Obj::Bytes(_) => match a.as_str(id) {
            Some(s) => V::Str(s.to_string()),
            None => V::Other("bytes".into()),
        },
        Obj::List(items) | Obj::Tuple(items) => {
            if depth >= MAX_DEPTH {
                return Err("lists nest too deeply".into());
            }
            V::List(
                items
                    .iter()
                    .map(|&i| pickle_value(a, i, depth + 1, budget))
                    .collect::<Result<_, _>>()?,
            )
        }
        Obj::Tensor(t) => {
            let inband = t
                .storage
                .key
                .parse::<usize>()
                .ok()
                .and_then(|i| a.inband.get(i))
                .ok_or("a tensor's storage was not loaded by _load_from_bytes")?;
            let Obj::Bytes(raw) = a.get(inband.bytes) else {
                return Err("a tensor's storage bytes are missing".into());
            };
            let record = raw
                .get(inband.range.clone())
                .ok_or("a tensor's storage lies outside its bytes")?;
            V::Tensor(pth::materialize(
                t,
                record,
                inband.big_endian,
                &mut budget.values,
            )?)
        }
        o => V::Other(o.kind()),
    })
}

/// The name of a YAML tag without its `!` / `tag:yaml.org,2002:` prefix, e.g. `python/tuple`.
fn tag_name(tag: &serde_yaml::value::Tag) -> String {
    let t = tag.to_string();
    let t = t.trim_start_matches('!');
    t.strip_prefix("tag:yaml.org,2002:")
        .unwrap_or(t)
        .to_string()
}

const TAG_TENSOR: &str = "python/object/apply:torch._utils._rebuild_tensor_v2";
const TAG_STORAGE: &str = "python/object/apply:torch.storage._load_from_bytes";
const TAG_ORDERED_DICT: &str = "python/object/apply:collections.OrderedDict";

/// Refuse any tag that would make PyYAML's unsafe loader build a Python object other than the three a
/// tensor needs, wherever it is in the document.
fn check_tags(v: &Value, depth: usize) -> Result<(), String> {
    if depth > 256 {
        return Err("the YAML nests too deeply".into());
    }
    match v {
        Value::Tagged(t) => {
            let name = tag_name(&t.tag);
            let python_object = name.starts_with("python/") && name != "python/tuple";
            if python_object && ![TAG_TENSOR, TAG_STORAGE, TAG_ORDERED_DICT].contains(&&name[..]) {
                return Err(format!(
                    "the YAML holds the tag `!!{name}`, which a HyperNCA config does not need; \
                     refusing it (only `!!python/tuple` and the calls \
                     torch._utils._rebuild_tensor_v2, torch.storage._load_from_bytes and \
                     collections.OrderedDict are allowed; nothing is ever run)"
                ));
            }
            check_tags(&t.value, depth + 1)
        }
        Value::Sequence(s) => s.iter().try_for_each(|x| check_tags(x, depth + 1)),
        Value::Mapping(m) => m
            .iter()
            .try_for_each(|(k, x)| check_tags(k, depth + 1).and_then(|_| check_tags(x, depth + 1))),
        _ => Ok(()),
    }
}

fn yaml_value(v: &Value, depth: usize, budget: &mut Budget) -> Result<V, String> {
    budget.node()?;
    Ok(match v {
        Value::Null => V::None,
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                V::Int(i.into())
            } else if let Some(u) = n.as_u64() {
                V::Int(u.into())
            } else {
                V::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => V::Str(s.clone()),
        Value::Sequence(items) => {
            if depth >= MAX_DEPTH {
                return Err("lists nest too deeply".into());
            }
            V::List(
                items
                    .iter()
                    .map(|x| yaml_value(x, depth + 1, budget))
                    .collect::<Result<_, _>>()?,
            )
        }
        Value::Mapping(_) => V::Other("mapping".into()),
        Value::Tagged(t) => match &tag_name(&t.tag)[..] {
            TAG_TENSOR => V::Tensor(yaml_tensor(&t.value, budget)?),
            "python/tuple" => yaml_value(&t.value, depth, budget)?,
            name if name.starts_with("python/") => V::Other(format!("`!!{name}`")),
            // YAML's own tags (`!!str`, `!!float`, `!!binary`…): the value as written.
            _ => yaml_value(&t.value, depth, budget)?,
        },
    })
}

/// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)` as PyYAML spells it.
fn yaml_tensor(args: &Value, budget: &mut Budget) -> Result<pth::Tensor, String> {
    let bad = |what: &str| format!("a `!!{TAG_TENSOR}` {what}");
    let Value::Sequence(args) = args else {
        return Err(bad("has no argument list"));
    };
    if args.len() < 4 {
        return Err(bad(&format!("has {} arguments, not 6", args.len())));
    }
    let raw = match &args[0] {
        Value::Tagged(t) if tag_name(&t.tag) == TAG_STORAGE => match &t.value {
            Value::Sequence(s) => match &s[..] {
                [Value::Tagged(b)] if tag_name(&b.tag) == "binary" => match &b.value {
                    Value::String(text) => decode_base64(text)?,
                    _ => return Err(bad("has a `!!binary` that is not text")),
                },
                _ => return Err(bad("has a storage whose argument is not `!!binary` bytes")),
            },
            _ => return Err(bad("has a storage without an argument list")),
        },
        _ => return Err(bad(&format!("has a storage that is not `!!{TAG_STORAGE}`"))),
    };
    let (storage, range, big_endian) = pth::legacy_bare_storage(&raw, "0")?;
    let int = |v: &Value| -> Option<u64> {
        match v {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    };
    let ints = |v: &Value| -> Option<Vec<u64>> {
        let v = match v {
            Value::Tagged(t) if tag_name(&t.tag) == "python/tuple" => &t.value,
            v => v,
        };
        match v {
            Value::Sequence(s) => s.iter().map(int).collect(),
            _ => None,
        }
    };
    let offset = int(&args[1]).ok_or_else(|| bad("has an offset that is not an integer"))?;
    let size = ints(&args[2]).ok_or_else(|| bad("has a size that is not a tuple of integers"))?;
    let stride =
        ints(&args[3]).ok_or_else(|| bad("has a stride that is not a tuple of integers"))?;
    if size.len() != stride.len() {
        return Err(bad(&format!(
            "has size {size:?} and stride {stride:?} of different lengths"
        )));
    }
    let t = TensorRef {
        storage,
        offset,
        size,
        stride,
    };
    pth::materialize(&t, &raw[range], big_endian, &mut budget.values)
}

/// PyYAML's `!!binary` text: base64 in lines.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64ct::Encoding;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64ct::Base64::decode_vec(&compact)
        .map_err(|e| format!("a `!!binary` value is not valid base64 ({e})"))
}

// ---------------------------------------------------------------------------------------------------
// Parsing the config

/// The config in the bytes of an `nca.config` (`pickle.dump` of the config dict).
pub fn config_from_pickle(bytes: &[u8]) -> Result<RunConfig, String> {
    let loaded = pickle::load_with(bytes, 0, AllowList::HyperNca)?;
    let a = &loaded.arena;
    let Obj::Dict(items) = a.get(loaded.root) else {
        return Err(format!(
            "the pickle holds a {}, not the config dict",
            a.get(loaded.root).kind()
        ));
    };
    let mut keys = HashMap::new();
    for &(k, v) in items {
        // Keys that are not strings are not ours; the later of two equal keys wins, as in Python.
        if let Obj::Str(s) = a.get(k) {
            keys.insert(s.clone(), v);
        }
    }
    parse_config(Config {
        doc: Doc::Pickle(a, keys),
        budget: Budget::new(bytes.len()),
    })
}

/// `text` with a directive that makes `!!` a local tag handle: serde_yaml 0.9 keeps only local tags
/// (`!x`) and silently drops `!!x` ones, which would leave the seeds as plain lists, PyYAML's Python
/// objects unseen, and `!!binary` as plain text. With `%TAG !! !`, `!!python/tuple` reaches us as the
/// tag `python/tuple`. (The error messages' line numbers count these two lines.)
fn with_local_tags(text: &str) -> Result<String, String> {
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if first.starts_with('%') {
        return Err(
            "the YAML starts with a directive, which PyYAML's yaml.dump never writes".into(),
        );
    }
    Ok(if first.starts_with("---") {
        format!("%TAG !! !\n{text}")
    } else {
        format!("%TAG !! !\n---\n{text}")
    })
}

/// The config in the bytes of an `nca_config.yml` (`yaml.dump` of the config dict, or [`write_run`]'s
/// plain YAML).
pub fn config_from_yaml(bytes: &[u8]) -> Result<RunConfig, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())?;
    crate::yaml::check(text)?;
    let doc: Value = serde_yaml::from_str(&with_local_tags(text)?)
        .map_err(|e| format!("not readable as YAML: {e}"))?;
    check_tags(&doc, 0)?;
    let Value::Mapping(m) = &doc else {
        return Err("the YAML is not a mapping of the config's keys".into());
    };
    let mut keys = HashMap::new();
    for (k, v) in m {
        if let Value::String(s) = k {
            keys.insert(s.clone(), v);
        }
    }
    parse_config(Config {
        doc: Doc::Yaml(keys),
        budget: Budget::new(bytes.len()),
    })
}

fn parse_config(mut c: Config) -> Result<RunConfig, String> {
    let dimension = c.usize("NCA_dimension")?;
    if dimension != 3 {
        return Err(format!(
            "NCA_dimension is {dimension}; only the 3-D NCA (NCA_dimension 3) is supported"
        ));
    }
    if c.bool_or("NCA_MLP", false)? {
        return Err(
            "NCA_MLP is true: the NCA whose update is an MLP is not supported, only the \
             convolutional one"
                .into(),
        );
    }
    if c.bool_or("plastic", false)? {
        return Err("plastic is true: plastic (Hebbian) policies are not supported".into());
    }
    let environments = c.strs("environment")?;
    if environments.is_empty() {
        return Err("`environment` is an empty list".into());
    }
    let living_threshold = match c.need("alpha_living_threshold")? {
        V::Float(f) if f == f64::NEG_INFINITY => 0.0,
        V::Float(0.0) => {
            return Err(
                "alpha_living_threshold is 0, which cannot be told apart from −∞ (0 here means \
                 every cell stays alive)"
                    .into(),
            )
        }
        V::Float(f) if f.is_nan() => return Err("alpha_living_threshold is NaN".into()),
        V::Float(f) => f,
        V::Int(0) => {
            return Err("alpha_living_threshold is 0, which cannot be told apart from −∞".into())
        }
        V::Int(i) if i.unsigned_abs() < 1 << 53 => i as f64,
        v => return Err(wrong("alpha_living_threshold", "a float", &v)),
    };
    let random_seed_value = match c.get("RANDOM_SEED")? {
        None | Some(V::None) => None,
        Some(V::Int(i)) => {
            Some(i64::try_from(i).map_err(|_| format!("`RANDOM_SEED` is {i}, out of range"))?)
        }
        Some(v) => return Err(wrong("RANDOM_SEED", "an int", &v)),
    };
    let seeds_size = match c.get("seeds_size")? {
        None | Some(V::None) => Vec::new(),
        Some(V::List(items)) => items
            .iter()
            .map(|v| as_usize("seeds_size", v))
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(wrong("seeds_size", "a list of int", &v)),
    };
    let mut config = RunConfig {
        environments,
        channels: c.usize("NCA_channels")?,
        layers: c.usize("policy_layers")?,
        size: c.usize("size_substrate")?,
        hidden: c.usize("update_net_channel_dims")?,
        bias: c.bool("NCA_bias")?,
        reading_channel: c.usize("reading_channel")?,
        living_channel: c.usize("living_channel_dim")?,
        living_threshold,
        normalise: c.bool("normalise")?,
        replace: c.bool("replace")?,
        steps: c.usize("NCA_steps")?,
        metamorphosis_steps: c.opt_usize("metamorphosis_NCA_steps")?,
        reward_type: c.opt_str("reward_type")?,
        seed_types: c.strs("seed_type")?,
        random_seed: c.bool("random_seed")?,
        co_evolve_seed: c.bool("co_evolve_seed")?,
        random_seed_env: c.bool_or("random_seed_env", false)?,
        random_seed_value,
        popsize: c.opt_usize("popsize")?,
        generations: c.opt_usize("generations")?,
        seeds: Vec::new(),
        seeds_size,
    };
    // Bounds each size before NcaSpec::check multiplies them (HyperNCA's largest is 30 layers of 28²).
    for (key, v) in [
        ("NCA_channels", config.channels),
        ("policy_layers", config.layers),
        ("size_substrate", config.size),
        ("update_net_channel_dims", config.hidden),
    ] {
        if v > 4096 {
            return Err(format!("{key} is {v}, implausibly large"));
        }
    }
    config.spec(1).check()?;
    let grid = config.spec(1).grid_len();
    let shape = [1, config.channels, config.layers, config.size, config.size];
    let seed = |key: &str, i: Option<usize>, v: V| -> Result<Vec<f64>, String> {
        let which = match i {
            Some(i) => format!("`{key}`[{i}]"),
            None => format!("`{key}`"),
        };
        match v {
            V::Tensor(t) => {
                if t.shape != shape {
                    return Err(format!(
                        "{which} has shape {:?}; (1, NCA_channels, policy_layers, size_substrate, \
                         size_substrate) is {shape:?}",
                        t.shape
                    ));
                }
                Ok(t.data)
            }
            // Our own yml: the C·L·S² values, C-order.
            V::List(items) => {
                if items.len() != grid {
                    return Err(format!(
                        "{which} has {} values; C·L·S² is {grid}",
                        items.len()
                    ));
                }
                items
                    .into_iter()
                    .map(|x| match x {
                        V::Float(f) => Ok(f),
                        V::Int(i) if i.unsigned_abs() < 1 << 53 => Ok(i as f64),
                        x => Err(format!("{which} holds a {}, not a number", x.kind())),
                    })
                    .collect()
            }
            v => Err(format!("{which} is a {}, not a tensor", v.kind())),
        }
    };
    config.seeds = match (c.get("seeds")?, c.get("seed")?) {
        (Some(V::List(items)), _) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| seed("seeds", Some(i), v))
            .collect::<Result<_, _>>()?,
        (Some(V::None) | None, Some(V::None) | None) => Vec::new(),
        (Some(V::None) | None, Some(v)) => vec![seed("seed", None, v)?],
        (Some(v), _) => return Err(wrong("seeds", "a list of tensors", &v)),
    };
    Ok(config)
}

// ---------------------------------------------------------------------------------------------------
// Writing

/// The files [`write_run`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFiles {
    pub config: PathBuf,
    pub best: PathBuf,
    pub mean: PathBuf,
    pub rewards_best: PathBuf,
    pub rewards_mean: PathBuf,
}

/// Write one of our runs into `dir` in the authors' layout, so that [`read_run`] (and the authors'
/// scripts, through `yaml.safe_load` and `np.load`) read it back:
///
/// - `nca_config.yml`: plain YAML, no Python tags, the authors' key names; `alpha_living_threshold`
///   `-.inf` for our 0; each seed as a flat list of its C·L·S² values (C-order); floats written so that
///   PyYAML and serde_yaml read them back bit for bit;
/// - `['<env>']_pop_<popsize>__rew_<int(best_reward)>_bestsolution.npy` and
///   `['<env>']_pop_<popsize>_meansolution.npy`: the `best` and `mean` vectors (`int()` truncates
///   towards zero, as Python's does);
/// - `rewards_best.npy`, `rewards_mean.npy`: the curves as given (the authors store negated rewards).
///
/// Every file is written atomically; the vectors must have [`RunConfig::vector_len`] values, the seeds
/// C·L·S² each, and `config.popsize` must be set.
pub fn write_run(
    dir: &Path,
    config: &RunConfig,
    mean: &[f64],
    best: &[f64],
    rewards_best: &[f64],
    rewards_mean: &[f64],
    best_reward: f64,
) -> Result<RunFiles> {
    let invalid = |reason: String| Error::Invalid(format!("{}: {reason}", dir.display()));
    config.spec(1).check().map_err(invalid)?;
    let popsize = config
        .popsize
        .ok_or_else(|| invalid("the run's popsize is not set".into()))?;
    if config.environments.is_empty() {
        return Err(invalid("the run has no environment".into()));
    }
    for e in &config.environments {
        if e.is_empty() || e.contains(['/', '\\', '\'', '"', '\n', '\0']) {
            return Err(invalid(format!(
                "the environment id {e:?} cannot be part of a file name"
            )));
        }
    }
    let want = config.vector_len();
    for (what, v) in [("mean", mean), ("best", best)] {
        if v.len() != want {
            return Err(invalid(format!(
                "the {what} vector has {} values; this NCA's vector has {want}",
                v.len()
            )));
        }
        if v.iter().any(|x| x.is_nan()) {
            return Err(invalid(format!("the {what} vector holds NaN")));
        }
    }
    let grid = config.spec(1).grid_len();
    if let Some(s) = config.seeds.iter().find(|s| s.len() != grid) {
        return Err(invalid(format!(
            "a seed has {} values; C·L·S² is {grid}",
            s.len()
        )));
    }
    if !best_reward.is_finite() || best_reward.abs() >= 9.2e18 {
        return Err(invalid(format!(
            "the best reward {best_reward} is not finite"
        )));
    }
    let envs = config
        .environments
        .iter()
        .map(|e| format!("'{e}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let stem = format!("[{envs}]_pop_{popsize}");
    let files = RunFiles {
        config: dir.join("nca_config.yml"),
        best: dir.join(format!(
            "{stem}__rew_{}_bestsolution.npy",
            best_reward.trunc() as i64
        )),
        mean: dir.join(format!("{stem}_meansolution.npy")),
        rewards_best: dir.join("rewards_best.npy"),
        rewards_mean: dir.join("rewards_mean.npy"),
    };
    npy::write_vector(&files.best, best)?;
    npy::write_vector(&files.mean, mean)?;
    npy::write_vector(&files.rewards_best, rewards_best)?;
    npy::write_vector(&files.rewards_mean, rewards_mean)?;
    crate::fsutil::write_atomic(&files.config, config_yaml(config).as_bytes())?;
    Ok(files)
}

/// A float as YAML 1.1 (PyYAML) and 1.2 (serde_yaml) both read it back exactly: Rust's shortest
/// round-trip digits, with the `.` and the exponent's sign PyYAML's resolver needs (`1e-7` would be a
/// string to it, `1.0e-7` is a float).
fn yaml_float(x: f64) -> String {
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let s = format!("{x:?}");
    match s.split_once('e') {
        None => s,
        Some((m, e)) => {
            let m = if m.contains('.') {
                m.to_string()
            } else {
                format!("{m}.0")
            };
            let e = if e.starts_with('-') {
                e.to_string()
            } else {
                format!("+{e}")
            };
            format!("{m}e{e}")
        }
    }
}

/// A YAML single-quoted string.
fn yaml_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn yaml_list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

/// `nca_config.yml` for [`write_run`]: keys sorted as PyYAML sorts them.
fn config_yaml(c: &RunConfig) -> String {
    let grid = c.spec(1).grid_len();
    let mut kv: Vec<(&str, String)> = vec![
        (
            "environment",
            yaml_list(c.environments.iter().map(|e| yaml_str(e))),
        ),
        ("NCA_channels", c.channels.to_string()),
        ("policy_layers", c.layers.to_string()),
        ("size_substrate", c.size.to_string()),
        ("update_net_channel_dims", c.hidden.to_string()),
        ("NCA_bias", c.bias.to_string()),
        ("reading_channel", c.reading_channel.to_string()),
        ("living_channel_dim", c.living_channel.to_string()),
        (
            "alpha_living_threshold",
            yaml_float(if c.living_threshold == 0.0 {
                f64::NEG_INFINITY
            } else {
                c.living_threshold
            }),
        ),
        ("normalise", c.normalise.to_string()),
        ("replace", c.replace.to_string()),
        ("NCA_steps", c.steps.to_string()),
        (
            "seed_type",
            yaml_list(c.seed_types.iter().map(|e| yaml_str(e))),
        ),
        ("random_seed", c.random_seed.to_string()),
        ("co_evolve_seed", c.co_evolve_seed.to_string()),
        ("random_seed_env", c.random_seed_env.to_string()),
        (
            "RANDOM_SEED",
            c.random_seed_value.map_or("null".into(), |v| v.to_string()),
        ),
        ("NCA_dimension", "3".into()),
        ("NCA_MLP", "false".into()),
        ("plastic", "false".into()),
        ("nb_envs", c.environments.len().to_string()),
        ("seed_size", grid.to_string()),
        (
            "seeds_size",
            yaml_list(c.seeds_size.iter().map(|s| s.to_string())),
        ),
    ];
    if let Some(p) = c.popsize {
        kv.push(("popsize", p.to_string()));
    }
    if let Some(g) = c.generations {
        kv.push(("generations", g.to_string()));
    }
    if let Some(m) = c.metamorphosis_steps {
        kv.push(("metamorphosis_NCA_steps", m.to_string()));
    }
    if let Some(r) = &c.reward_type {
        kv.push(("reward_type", yaml_str(r)));
    }
    kv.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::from(
        "# A HyperNCA run written by synapt-safety, in the layout of the authors' saved_models/<id>/.\n",
    );
    for (k, v) in kv {
        out.push_str(&format!("{k}: {v}\n"));
    }
    // Last, as the longest.
    if !c.seeds.is_empty() {
        out.push_str("seeds:\n");
        for s in &c.seeds {
            out.push_str(&format!(
                "- {}\n",
                yaml_list(s.iter().map(|&x| yaml_float(x)))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_floats_read_back_exactly_in_both_yamls() {
        for x in [
            0.1,
            -0.0,
            1e-7,
            5e-324,
            1.5e300,
            123456789.0,
            1e16,
            -2.5e-10,
        ] {
            let s = yaml_float(x);
            // PyYAML's YAML 1.1 float: digits, a dot, an optional signed exponent.
            let (m, e) = s.split_once('e').unwrap_or((&s, "+0"));
            assert!(
                m.contains('.') && (e.starts_with('+') || e.starts_with('-')),
                "{s}"
            );
            let v: Value = serde_yaml::from_str(&s).unwrap();
            assert_eq!(v.as_f64().unwrap().to_bits(), x.to_bits(), "{s}");
        }
        assert_eq!(yaml_float(f64::NEG_INFINITY), "-.inf");
    }

    #[test]
    fn local_tags_survive_serde_yaml() {
        let text = "a: !!python/tuple\n- 1\nb: !!binary |\n  QUJD\n";
        let doc: Value = serde_yaml::from_str(&with_local_tags(text).unwrap()).unwrap();
        let Value::Tagged(t) = &doc["a"] else {
            panic!("{doc:?}")
        };
        assert_eq!(tag_name(&t.tag), "python/tuple");
        let Value::Tagged(b) = &doc["b"] else {
            panic!("{doc:?}")
        };
        assert_eq!(tag_name(&b.tag), "binary");
        assert_eq!(decode_base64(b.value.as_str().unwrap()).unwrap(), b"ABC");
        let e = config_from_yaml(b"x: !!python/name:os.system ''\n").unwrap_err();
        assert!(e.contains("refusing") && e.contains("os.system"), "{e}");
    }
}
