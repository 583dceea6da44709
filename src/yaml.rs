//! The limits every YAML file the program reads is held to (hyperparameters.yml, specifications.yml,
//! HyperNCA's run configs), checked before serde_yaml parses it, so that a hostile file costs no more
//! than its size: at most [`MAX_BYTES`], and at most [`MAX_FLOW_DEPTH`] unclosed `[` or `{` (libyaml
//! takes time quadratic in flow nesting: 100,000 levels took 37 s before being refused). serde_yaml
//! itself bounds block nesting (128 levels) and alias expansion (the "billion laughs").

use std::path::Path;

use crate::error::Result;

/// The largest YAML file read: this project's are a few kilobytes.
pub const MAX_BYTES: u64 = 4 << 20;

/// The deepest flow nesting (`[`, `{`) a file may have.
pub const MAX_FLOW_DEPTH: usize = 64;

/// The text of the YAML file `path`, at most [`MAX_BYTES`] (`what` names it in errors).
pub fn read(path: &Path, what: &str) -> Result<String> {
    crate::fsutil::read_text_limited(path, MAX_BYTES, what)
}

/// Whether `text` is within the limits; the reason when it is not. Every `[` and `{` counts, in
/// strings and comments too: overcounting can only refuse a file that is absurd anyway, while a
/// scanner that tried to follow YAML's quoting could be fooled into undercounting.
pub fn check(text: &str) -> std::result::Result<(), String> {
    if text.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{} bytes of YAML, more than the {MAX_BYTES} this program reads",
            text.len()
        ));
    }
    let (mut depth, mut line) = (0usize, 1usize);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(format!(
                        "line {line}: more than {MAX_FLOW_DEPTH} nested `[` or `{{`; no file of \
                         this program nests that deep"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_is_bounded() {
        let ok = format!("a: {}1{}", "[".repeat(64), "]".repeat(64));
        assert!(check(&ok).is_ok());
        let deep = format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(check(&deep).unwrap_err().contains("more than 64 nested"));
        let deep = format!("a:\n  b: {}", "{x: ".repeat(65));
        assert!(check(&deep).unwrap_err().starts_with("line 2:"));
        // Closed brackets do not add up.
        let wide = "a: [[1], [2]]\n".repeat(1000);
        assert!(check(&wide).is_ok());
    }

    #[test]
    fn size_is_bounded() {
        let big = "#".repeat(MAX_BYTES as usize + 1);
        assert!(check(&big).unwrap_err().contains("more than"));
    }
}
