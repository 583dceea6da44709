pub mod serialize_b2_distance_joint;
pub mod serialize_b2_friction_joint;
pub mod serialize_b2_gear_joint;
pub mod serialize_b2_motor_joint;
pub mod serialize_b2_prismatic_joint;
pub mod serialize_b2_pulley_joint;
pub mod serialize_b2_revolute_joint;
pub mod serialize_b2_weld_joint;
pub mod serialize_b2_wheel_joint;

