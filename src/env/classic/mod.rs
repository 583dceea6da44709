//! Classic control: Gymnasium 1.x (CartPole, Pendulum-v1, MountainCarContinuous), gym 0.18
//! (Pendulum-v0) and the gym-cartpole-swingup package, each exact to its reference.

pub mod cartpole;
pub mod cartpole_swingup;
pub mod mountain_car_continuous;
pub mod pendulum;
