//! `--refine`: counterexample-guided refinement of a pruned actor (PruVer's algorithm).

/// How `--refine` judges a failure fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// PruVer's rule: the replayed episode's return reaches the environment's fixed threshold.
    Pruver,
    /// The specification's robustness is ≥ 0.
    Spec,
}
