//! 3-D bodies on rapier3d: MJCF models (`mjcf`), built as pybullet builds them (`body`), and the
//! tasks on them (`ant`). rapier runs with `enhanced-determinism`, so a seed gives the same episode
//! on any IEEE-754 machine; snapshots replay the episode's recipe (`crate::env::replay`).

pub mod ant;
pub mod body;
pub mod mjcf;
