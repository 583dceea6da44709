//! Classic control: Gymnasium 1.x (CartPole, Pendulum-v1, MountainCarContinuous), gym 0.18
//! (Pendulum-v0) and the gym-cartpole-swingup package, each exact to its reference; and Gomez's
//! pole-balancing benchmarks (one or two poles, the CoSyNE paper's Appendix A), exact to a Python
//! transcription of the paper's equations.

pub mod cartpole;
pub mod cartpole_swingup;
pub mod gomez;
pub mod mountain_car_continuous;
pub mod pendulum;
