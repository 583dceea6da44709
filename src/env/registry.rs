//! Environments by Gym id, wrapped in their time limits as `gymnasium.make` does.

use super::classic::{cartpole::CartPole, pendulum::Pendulum};
use super::{Env, TimeLimit};
use crate::error::{Error, Result};

/// Every id `make` knows, in the order `--help` lists them.
pub const ENV_IDS: &[&str] = &["CartPole-v0", "CartPole-v1", "Pendulum-v1"];

/// Build the environment registered under `id`, with its time limit.
pub fn make(id: &str) -> Result<Box<dyn Env>> {
    let (env, limit): (Box<dyn Env>, usize) = match id {
        // Same dynamics; Gymnasium registers v0 with 200 steps and v1 with 500.
        "CartPole-v0" => (Box::new(CartPole::new("CartPole-v0")), 200),
        "CartPole-v1" => (Box::new(CartPole::new("CartPole-v1")), 500),
        "Pendulum-v1" => (Box::new(Pendulum::new()), 200),
        _ => {
            return Err(Error::UnknownEnv {
                id: id.to_string(),
                known: ENV_IDS.join(", "),
            })
        }
    };
    Ok(Box::new(TimeLimit::new(env, limit)))
}
