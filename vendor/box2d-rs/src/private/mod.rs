pub(crate) mod common;
pub(crate) mod collision;
pub(crate) mod dynamics;
pub(crate) mod rope;