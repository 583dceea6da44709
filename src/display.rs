//! `--display`: replay recorded failures and check them; render the worst to GIF.
//!
//! (Being built: see issue #6. The signature below is what `main.rs` calls.)

use std::path::PathBuf;

use crate::env::EnvOptions;
use crate::error::{Error, Result};

/// Everything `--display` needs.
#[derive(Debug, Clone)]
pub struct DisplayOptions {
    pub env_id: String,
    pub env_options: EnvOptions,
    /// The failures file to replay.
    pub failures: PathBuf,
    /// `--specs`: more specifications (the file names its specification by name).
    pub specs_file: Option<PathBuf>,
    /// Where the GIFs go.
    pub graph_dir: PathBuf,
    /// How many of the worst failures to render.
    pub gifs: usize,
}

/// What `--display` found.
#[derive(Debug, Clone)]
pub struct DisplayReport {
    pub files: Vec<PathBuf>,
}

impl DisplayReport {
    pub fn render(&self) -> String {
        String::new()
    }
}

pub fn run(opts: &DisplayOptions) -> Result<DisplayReport> {
    Err(Error::Invalid(format!(
        "--display {}: not built yet",
        opts.failures.display()
    )))
}
