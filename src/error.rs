//! The library's error type. Every variant names the file, key or value at fault and what was expected.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A `.pth` file that cannot be read as a PyTorch state_dict.
    #[error("{path}: not a readable PyTorch state_dict: {reason}")]
    Pth { path: PathBuf, reason: String },

    /// A `.npy` file that cannot be read as an elite population (or written as one).
    #[error("{path}: not a readable NumPy elite population: {reason}")]
    Npy { path: PathBuf, reason: String },

    /// A state_dict that is not a `layer1..layerN` feed-forward network, or does not fit the environment.
    #[error("{path}: {reason}")]
    Network { path: PathBuf, reason: String },

    #[error("unknown environment `{id}`; known environments: {known}")]
    UnknownEnv { id: String, known: String },

    #[error("{path}: {reason}")]
    Config { path: PathBuf, reason: String },

    #[error("{0}")]
    Device(String),

    #[error("{0}")]
    Invalid(String),

    /// A request that cannot be served as given (the CLI exits 2).
    #[error("{0}")]
    Usage(String),

    /// The run finished and wrote its outputs, but did not reach its goal: `--refine` wrote the best
    /// actor it found and some failures still fail (the CLI exits 3).
    #[error("{0}")]
    Incomplete(String),

    /// Stopped by Ctrl-C after a complete step, every file saved (the CLI exits 130).
    #[error("{0}")]
    Interrupted(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
