//! 3-D bodies on rapier3d: MJCF models (`mjcf`), built as pybullet builds them: a free-floating body
//! on impulse joints (`body`, the Ant) or a fixed-base arm on multibody joints (`arm`, the reachers);
//! and the tasks on them (`ant`, `reacher`). rapier runs with `enhanced-determinism`, so a seed gives
//! the same episode on any IEEE-754 machine; snapshots replay the episode's recipe
//! (`crate::env::replay`).

pub mod ant;
pub mod arm;
pub mod body;
pub mod mjcf;
pub mod reacher;
