//! synapt-safety: sparse and safe deep-RL control policies.
//!
//! The pipeline of PruVer (AAAI 2023) and its NeurIPS 2021 predecessor, as a library of stages: train,
//! test, prune, falsify, refine, visualize, display. [`pipeline::Plan`] runs them in order and hands
//! each one's outputs to the next; the `synapt-safety` binary only parses flags into a plan. The README's
//! Layout section maps the modules.

pub mod choice;
pub mod cma;
pub mod config;
pub mod convert;
pub mod device;
pub mod display;
pub mod dist;
pub mod env;
pub mod error;
pub mod evaluate;
pub mod falsify;
pub mod fsutil;
pub mod fuzzing;
pub mod htmlreport;
pub mod libtorch;
pub mod limits;
pub mod mimic;
pub mod pipeline;
pub mod plot;
pub mod policy;
pub mod prune;
pub mod refine;
pub mod render;
pub mod report;
pub mod reproduce;
pub mod rollout;
pub mod targets;
pub mod train;
pub mod trajectory;
pub mod understand;
pub mod visualize;
pub mod yaml;

pub use choice::Choice;
pub use error::{Error, Result};
/// HyperNCA's automaton and run folders, where the policy module keeps them.
pub use policy::nca;
