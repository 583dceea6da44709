//! Classic control, exact to Gymnasium 1.x.

pub mod cartpole;
pub mod pendulum;
