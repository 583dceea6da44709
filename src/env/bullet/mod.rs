//! pybullet environments (pybullet_envs 3.2.7), as analytic models of what pybullet simulates.

pub mod swingup;
