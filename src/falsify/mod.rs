//! Falsification: searching an environment's perturbations for episodes that violate a safety
//! specification.
//!
//! - `spec`: the specification language and its robustness semantics;
//! - `catalog`: the specifications of each environment, and an episode's signals;
//! - `bo`: deterministic GP Bayesian optimisation over the unit cube;
//! - `search`: campaigns (BO, random sampling, PruVer's random testing);
//! - `stage`: the `--falsify` stage: campaigns, files, figures;
//! - `calibrate`: `--calibrate-box`, the largest box in which the dense actor is safe;
//! - `report`: what a stage found, and its tables;
//! - `figures`: its convergence and scatter figures.

pub mod bo;
pub mod calibrate;
pub mod catalog;
pub mod figures;
pub mod report;
pub mod search;
pub mod spec;
pub mod stage;
