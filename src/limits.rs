//! Caps on what a learner's settings can make it allocate ([docs/limits.md](../docs/limits.md)). A
//! width, a population or a batch read from `hyperparameters.yml` or from a checkpoint may be any
//! number; past these caps the setting is refused, naming its key, before anything is allocated
//! (without them a typo or a damaged checkpoint aborts the process on a failed allocation, or takes
//! hours to fill one).

/// The widest hidden layer of a network.
pub const MAX_WIDTH: usize = 1 << 16;
/// The most weights between the hidden layers of one network (Σ widthᵢ · widthᵢ₊₁): 67 M.
pub const MAX_HIDDEN_WEIGHTS: usize = 1 << 26;
/// The largest population, batch of steps or number of environments.
pub const MAX_COUNT: usize = 1 << 20;
/// The most numbers one of a learner's structures holds (a population's weights, CMA-ES's
/// covariance matrix): 2²⁸, 2 GiB of `f64`.
pub const MAX_VALUES: usize = 1 << 28;

/// `hidden_sizes` within [`MAX_WIDTH`] and [`MAX_HIDDEN_WEIGHTS`]; else the reason.
pub fn check_hidden(sizes: &[usize]) -> Result<(), String> {
    if let Some(w) = sizes.iter().find(|&&w| w > MAX_WIDTH) {
        return Err(format!("a width of {w}; at most {MAX_WIDTH}"));
    }
    let inner = sizes
        .windows(2)
        .fold(0usize, |s, p| s.saturating_add(p[0] * p[1]));
    if inner > MAX_HIDDEN_WEIGHTS {
        return Err(format!(
            "{sizes:?} holds {inner} weights between hidden layers; at most {MAX_HIDDEN_WEIGHTS}"
        ));
    }
    Ok(())
}

/// A population, batch or count within [`MAX_COUNT`]; else the reason.
pub fn check_count(v: usize) -> Result<(), String> {
    if v > MAX_COUNT {
        Err(format!("{v}; at most {MAX_COUNT}"))
    } else {
        Ok(())
    }
}

/// `a · b` numbers within [`MAX_VALUES`]; else the reason, which says what they are (`what`).
pub fn check_values(what: &str, a: usize, b: usize) -> Result<(), String> {
    match a.checked_mul(b) {
        Some(n) if n <= MAX_VALUES => Ok(()),
        _ => Err(format!(
            "{what} would hold {a} × {b} numbers; at most {MAX_VALUES}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_refuse_what_is_past_them_and_nothing_below() {
        assert!(check_hidden(&[128, 128]).is_ok());
        assert!(check_hidden(&[MAX_WIDTH, 1024]).is_ok());
        assert!(check_hidden(&[MAX_WIDTH + 1]).is_err());
        assert!(check_hidden(&[8192, 8192, 8192]).is_err());
        assert!(check_hidden(&[usize::MAX]).is_err());
        assert!(check_count(MAX_COUNT).is_ok());
        assert!(check_count(MAX_COUNT + 1).is_err());
        assert!(check_values("x", 1 << 14, 1 << 14).is_ok());
        assert!(check_values("x", (1 << 14) + 1, 1 << 14).is_err());
        assert!(check_values("x", usize::MAX, 2).is_err());
    }
}
