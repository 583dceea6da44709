// synapt-safety: vendored code, built as its authors wrote it (see PATCHES.md); its lints are theirs.
#![allow(warnings)]
#![crate_name = "box2d_rs"]
#![crate_type = "lib"]

pub mod b2_settings;
pub mod b2_common;
pub mod b2rs_common;
pub mod b2_draw;
pub mod b2_timer;

pub mod shapes;

pub mod b2_broad_phase;
pub mod b2_dynamic_tree;

pub mod b2_body;
pub mod b2_contact;
pub mod b2_fixture;
pub mod b2_time_step;
pub mod b2_world;
pub mod b2_world_callbacks;

pub mod joints;

pub mod b2_math;
pub mod b2_collision;
pub mod b2_distance;
pub mod b2_time_of_impact;
pub mod b2_shape;
pub mod b2_joint;
pub mod b2_growable_stack;
pub mod b2_contact_manager;
pub mod b2_rope;

mod b2rs_double_linked_list;
mod b2rs_linked_list;

#[cfg(feature="serde_support")]
pub mod serialize;

mod private;