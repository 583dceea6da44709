pub mod b2_distance_joint;
pub mod b2_friction_joint;
pub mod b2_gear_joint;
pub mod b2_motor_joint;
pub mod b2_mouse_joint;
pub mod b2_prismatic_joint;
pub mod b2_pulley_joint;
pub mod b2_revolute_joint;
pub mod b2_weld_joint;
pub mod b2_wheel_joint;

#[cfg(feature="serde_support")]
pub mod serialize;