pub mod serialize_b2_fixture;
pub mod serialize_b2_joint;
pub mod serialize_b2_body;
pub mod serialize_b2_world;