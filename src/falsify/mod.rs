//! Falsification: searching an environment's perturbations for episodes that violate a safety
//! specification. `spec` holds the specification language and its robustness semantics.

pub mod spec;
