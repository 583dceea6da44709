//! `--convert`: an actor as an ONNX network ([`onnx`]), and one-step properties of it as VNN-LIB
//! queries ([`vnnlib`]) over an input box (the observation space's, or an ε-box around each failure's
//! recovery state), so that the formal verifiers of VNN-COMP can prove or refute around the states the
//! falsifier found. [`Conversion`] gathers every file first and writes them only once all are made,
//! so a refused conversion writes nothing.

pub mod onnx;
pub mod vnnlib;

use std::path::{Path, PathBuf};

use crate::env::Space;
use crate::error::{Error, Result};
use crate::policy::{actor_stem, Actor};
use crate::refine::Recovery;

pub use vnnlib::{InputBox, Property};

/// The ONNX file `--convert` writes for the actor at `path` by default: `<actor stem>.onnx` beside it
/// (for a `.npy` elite population, the stem names the member).
pub fn default_onnx_path(path: &Path, elite: Option<usize>) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new(""));
    dir.join(format!("{}.onnx", actor_stem(path, elite)))
}

/// One query per failure, over a box around its recovery state.
pub struct Around<'a> {
    /// The box's half-width in every component.
    pub eps: f64,
    pub recoveries: &'a [Recovery],
    /// The dense actor: its output at a recovery state is what `dense` in the property means.
    pub dense: &'a Actor,
    /// Where the failures came from, for the queries' comments.
    pub source: String,
}

/// What `--vnnlib` asks: a property of `actor` over the observation box, or over boxes around
/// failures.
pub struct Queries<'a> {
    pub property: Property,
    pub actor: &'a Actor,
    /// The actor's file, for the comments.
    pub label: &'a str,
    pub env_id: &'a str,
    /// The observation components' names.
    pub names: &'a [&'a str],
    pub space: &'a Space,
    /// Whether the environment's actions are discrete.
    pub discrete: bool,
    /// `--vnnlib-box`.
    pub overrides: Option<&'a str>,
    /// `None`: one query over the observation space's box.
    pub around: Option<Around<'a>>,
}

impl Queries<'_> {
    /// What can be refused before any work: the property against the actor's outputs, and an actor
    /// whose action a box over observations does not determine.
    pub fn check(&self) -> Result<()> {
        self.property.check(
            self.actor.output_dim(),
            self.actor.head.is_discrete() || self.discrete,
        )?;
        if self.actor.is_recurrent() {
            return Err(Error::Invalid(format!(
                "{} is an Elman network: its action depends on its context h_in as well as the \
                 observation, and a one-step property over an observation box says nothing of it; \
                 --vnnlib takes feed-forward actors (the ONNX file alone is written without \
                 --vnnlib)",
                self.label
            )));
        }
        Ok(())
    }

    /// The comment lines every query starts with.
    fn comments(&self, onnx: &Path, source: String) -> Vec<String> {
        vec![
            format!(
                "synapt-safety {}: VNN-LIB query for {}",
                env!("CARGO_PKG_VERSION"),
                file_name(onnx)
            ),
            format!("actor: {} on {}", self.label, self.env_id),
            format!("property: {}", self.property.text),
            format!("input box: {source}"),
            format!(
                "inputs X_0 … X_{}: {}",
                self.names.len().saturating_sub(1),
                self.names.join(", ")
            ),
        ]
    }

    /// The box `base` with `--vnnlib-box` applied, checked.
    fn finish(&self, mut bx: InputBox) -> Result<InputBox> {
        if let Some(spec) = self.overrides {
            bx.apply(spec, self.names)?;
        }
        bx.check(self.names)?;
        Ok(bx)
    }

    /// Where the overrides are, for the comments.
    fn with_overrides(&self) -> String {
        self.overrides
            .map_or(String::new(), |s| format!(", with {s}"))
    }
}

/// The files of one conversion, made before any is written.
pub struct Conversion {
    pub onnx: PathBuf,
    onnx_bytes: Vec<u8>,
    /// The actor's weights, and how many of them are zero ([`weight_counts`]).
    pub weights: (usize, usize),
    /// VNN-LIB queries: path and text.
    pub queries: Vec<(PathBuf, String)>,
}

/// How many weights an actor has, and how many are zero (pruned or never grown).
pub fn weight_counts(actor: &Actor) -> (usize, usize) {
    let all = actor
        .layers
        .iter()
        .flat_map(|l| l.weight.iter())
        .chain(actor.recurrent.iter().flatten());
    all.fold((0, 0), |(n, z), w| (n + 1, z + usize::from(*w == 0.0)))
}

/// The name of the last component of `p`.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into())
}

impl Conversion {
    /// The ONNX file of `actor` at `onnx`; `source` (the actor's file) and `env_id` go into its
    /// description and metadata.
    pub fn new(actor: &Actor, onnx: PathBuf, source: &str, env_id: &str) -> Conversion {
        let (n, zeros) = weight_counts(actor);
        let outputs = if actor.head.is_discrete() {
            "per-action scores; the action is their argmax"
        } else {
            "the action"
        };
        let doc = format!(
            "{source} for {env_id}, exported by synapt-safety: {} with {}/{} weights zero; input \
             `{}` is the observation, output `{}` {outputs}{}",
            actor.shape_string(),
            zeros,
            n,
            onnx::INPUT,
            onnx::OUTPUT,
            if actor.is_recurrent() {
                "; an Elman network: feed `h_out` back as `h_in` at the next step, zeros at an \
                 episode's start"
            } else {
                ""
            }
        );
        let metadata = [
            ("synapt-safety.source", source.to_string()),
            ("synapt-safety.env", env_id.to_string()),
            ("synapt-safety.head", actor.head.name().to_string()),
        ];
        Conversion {
            onnx_bytes: onnx::to_bytes(actor, &doc, &metadata),
            onnx,
            weights: (n, zeros),
            queries: Vec::new(),
        }
    }

    /// `<onnx stem>.vnnlib` beside the ONNX file: where the one query over the observation box goes.
    pub fn query_path(&self) -> PathBuf {
        self.onnx.with_extension("vnnlib")
    }

    /// `<onnx stem>_vnnlib/`, beside the ONNX file: the benchmark folder of one query per failure
    /// (`failure<ID>.vnnlib`) and VNN-COMP's `instances.csv`.
    pub fn queries_dir(&self) -> PathBuf {
        let stem = self
            .onnx
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into());
        self.onnx.with_file_name(format!("{stem}_vnnlib"))
    }

    /// The query of one failure, in [`Conversion::queries_dir`].
    pub fn failure_query_path(&self, failure: usize) -> PathBuf {
        self.queries_dir().join(format!("failure{failure}.vnnlib"))
    }

    /// The VNN-LIB queries of `q`: one over the observation box (`<onnx stem>.vnnlib`), or one per
    /// failure ([`Conversion::failure_query_path`]).
    pub fn add_queries(&mut self, q: &Queries) -> Result<()> {
        let outputs = q.actor.output_dim();
        let Some(around) = &q.around else {
            if q.property.uses_dense() {
                return Err(Error::Usage(
                    "`dense` in --vnnlib is the dense actor's output at a failure's recovery state: \
                     give --vnnlib-eps (and --failures or --falsify)"
                        .into(),
                ));
            }
            let bx = q.finish(InputBox::of_space(q.space))?;
            let comments = q.comments(
                &self.onnx,
                format!("the observation space{}", q.with_overrides()),
            );
            let text = vnnlib::query(
                &comments,
                &bx,
                outputs,
                &q.property.violation(outputs, None),
            );
            self.queries.push((self.query_path(), text));
            return Ok(());
        };
        for r in around.recoveries {
            let bx = q.finish(InputBox::around(&r.state, around.eps, q.space))?;
            let centre = around.dense.forward(&r.state);
            let mut comments = q.comments(
                &self.onnx,
                format!(
                    "observation {} of failure {} in {}, ± {}{}",
                    r.index,
                    r.failure,
                    around.source,
                    around.eps,
                    q.with_overrides()
                ),
            );
            let shown: Vec<String> = centre.iter().map(|v| v.to_string()).collect();
            comments.push(format!(
                "the dense actor's output there: {}",
                shown.join(", ")
            ));
            let violation = q.property.violation(outputs, Some(&centre));
            let text = vnnlib::query(&comments, &bx, outputs, &violation);
            self.queries
                .push((self.failure_query_path(r.failure), text));
        }
        Ok(())
    }

    /// Whether the queries are the per-failure ones of the benchmark folder.
    fn in_folder(&self) -> bool {
        let dir = self.queries_dir();
        self.queries
            .iter()
            .any(|(p, _)| p.parent() == Some(dir.as_path()))
    }

    fn instances_path(&self) -> PathBuf {
        self.queries_dir().join("instances.csv")
    }

    /// Every output path, the ONNX file first.
    pub fn outputs(&self) -> Vec<PathBuf> {
        let mut v = vec![self.onnx.clone()];
        v.extend(self.queries.iter().map(|(p, _)| p.clone()));
        if self.in_folder() {
            v.push(self.instances_path());
        }
        v
    }

    /// Refuse outputs that would overwrite one of `inputs` (the actors, the failures file), or each
    /// other.
    pub fn check_outputs(&self, inputs: &[&Path]) -> Result<()> {
        let outs = self.outputs();
        for (i, out) in outs.iter().enumerate() {
            if let Some(input) = inputs.iter().find(|i| crate::fsutil::same_file(i, out)) {
                return Err(Error::Invalid(format!(
                    "--convert would write {} over its input {}: name another output (--out)",
                    out.display(),
                    input.display()
                )));
            }
            if outs[..i].contains(out) {
                return Err(Error::Invalid(format!(
                    "--convert would write {} twice",
                    out.display()
                )));
            }
        }
        Ok(())
    }

    /// Write every file, each atomically. The per-failure queries get VNN-COMP's `instances.csv`
    /// (`../<onnx>,<query>,<timeout_s>` per query, relative to the folder), and queries of an earlier
    /// run that this one did not write (`failure<ID>.vnnlib` in the folder) are removed, so the folder
    /// holds one campaign's queries.
    pub fn write(&self, timeout_s: u32) -> Result<Vec<PathBuf>> {
        crate::fsutil::write_atomic(&self.onnx, &self.onnx_bytes)?;
        for (p, text) in &self.queries {
            crate::fsutil::write_atomic(p, text.as_bytes())?;
        }
        if self.in_folder() {
            let onnx = file_name(&self.onnx);
            let rows: String = self
                .queries
                .iter()
                .map(|(q, _)| format!("../{onnx},{},{timeout_s}\n", file_name(q)))
                .collect();
            crate::fsutil::write_atomic(&self.instances_path(), rows.as_bytes())?;
            let dir = self.queries_dir();
            let ours: Vec<String> = self.queries.iter().map(|(q, _)| file_name(q)).collect();
            let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let stale = name
                    .strip_prefix("failure")
                    .and_then(|r| r.strip_suffix(".vnnlib"))
                    .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                    && !ours.contains(&name);
                if stale {
                    std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                }
            }
        }
        Ok(self.outputs())
    }
}
