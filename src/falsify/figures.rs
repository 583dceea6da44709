//! The figures of `--falsify`, in `Graph/`:
//!
//! - `<env>_<actor>_<spec>_convergence.png`: the best robustness found against evaluations, one line
//!   per method; with `--runs` > 1 the median over runs and the min–max band;
//! - `<env>_<actor>_<spec>_<method>_scatter.png`: the perturbations a search evaluated (first run),
//!   coloured by robustness, failures marked (not for `test`, which searches nothing).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::falsify::report::Report;
use crate::falsify::search::Method;
use crate::plot::{self, ConvergenceSeries, ScatterParam};
use crate::Choice;

/// Per evaluation, the median, minimum and maximum over runs of their best-so-far curves (runs
/// shorter than the longest count only where they have a value).
pub fn convergence_band(runs: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = runs.iter().map(Vec::len).max().unwrap_or(0);
    let (mut med, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let mut v: Vec<f64> = runs.iter().filter_map(|r| r.get(i).copied()).collect();
        v.sort_by(f64::total_cmp);
        let m = v.len();
        med.push(if m % 2 == 1 {
            v[m / 2]
        } else {
            0.5 * (v[m / 2 - 1] + v[m / 2])
        });
        lo.push(v[0]);
        hi.push(v[m - 1]);
    }
    (med, lo, hi)
}

/// A method's colour: the same in every figure, whichever methods ran.
fn color_of(m: Method) -> usize {
    match m {
        Method::Bo => 0,
        Method::Random => 1,
        Method::Test => 2,
    }
}

/// Draw the figures of a report into `graph_dir`; returns the files written. `suffix` follows the
/// stem as in the stage's other files (`_round<r>` under `--refine --falsify`). `elite` is the member
/// when the actor is a `.npy` elite population.
pub fn write_figures(
    report: &Report,
    (actor_path, elite): (&Path, Option<usize>),
    graph_dir: &Path,
    suffix: &str,
) -> Result<Vec<PathBuf>> {
    let actor = crate::policy::actor_stem(actor_path, elite);
    let base = format!("{}_{actor}_{}", report.env_id, report.spec.name);
    let actor_name = actor_path.file_name().map_or_else(
        || actor.clone(),
        |s| crate::policy::actor_label(Path::new(s), elite),
    );
    let mut files = Vec::new();

    let runs = report.results.first().map_or(0, |r| r.runs.len());
    let series: Vec<ConvergenceSeries> = report
        .results
        .iter()
        .map(|r| {
            let curves: Vec<Vec<f64>> = r.runs.iter().map(|o| o.best_so_far()).collect();
            let (median, lo, hi) = convergence_band(&curves);
            ConvergenceSeries {
                label: r.method.name().to_string(),
                color: color_of(r.method),
                median,
                band: (r.runs.len() > 1).then_some((lo, hi)),
            }
        })
        .collect();
    let mut subtitle = format!(
        "{actor_name} on {} against `{}`: {}",
        report.env_id, report.spec.name, report.spec.text
    );
    if runs > 1 {
        subtitle.push_str(&format!(" · median and min–max of {runs} runs"));
    }
    if series.iter().any(|s| !s.median.is_empty()) {
        let path = graph_dir.join(format!("{base}_convergence{suffix}.png"));
        plot::falsification_convergence(&path, &series, &subtitle)?;
        files.push(path);
    }

    let params: Vec<ScatterParam> = report
        .params
        .iter()
        .map(|p| ScatterParam {
            name: p.name.to_string(),
            low: p.low,
            high: p.high,
        })
        .collect();
    for r in &report.results {
        if r.method == Method::Test || params.is_empty() {
            continue;
        }
        let Some(first) = r.runs.first() else {
            continue;
        };
        let points: Vec<(Vec<f64>, f64)> = first
            .evaluations
            .iter()
            .map(|e| (e.values.clone(), e.robustness))
            .collect();
        if points.is_empty() {
            continue;
        }
        let mut sub = format!(
            "{actor_name} on {} against `{}` · {}: {} evaluations, {} failure{}",
            report.env_id,
            report.spec.name,
            r.method.name(),
            points.len(),
            first.failures.len(),
            if first.failures.len() == 1 { "" } else { "s" }
        );
        if runs > 1 {
            sub.push_str(" (first run)");
        }
        if params.len() > plot::MAX_PAIR_PARAMS {
            sub.push_str(&format!(
                " · the first {} of {} parameters",
                plot::MAX_PAIR_PARAMS,
                params.len()
            ));
        }
        let path = graph_dir.join(format!("{base}_{}{suffix}_scatter.png", r.method.name()));
        plot::falsification_scatter(&path, &params, &points, &sub)?;
        files.push(path);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::diverging_color;
    use plotters::style::RGBColor;

    #[test]
    fn the_band_is_the_median_and_range_over_runs() {
        let runs = vec![
            vec![3.0, 2.0, 1.0],
            vec![5.0, 0.0, -1.0],
            vec![4.0, 4.0, 0.5],
            vec![1.0, 1.0],
        ];
        let (med, lo, hi) = convergence_band(&runs);
        assert_eq!(med, [3.5, 1.5, 0.5]);
        assert_eq!(lo, [1.0, 0.0, -1.0]);
        assert_eq!(hi, [5.0, 4.0, 1.0]);
        let (med, lo, hi) = convergence_band(&[vec![2.0, -1.0]]);
        assert!(med == [2.0, -1.0] && lo == med && hi == med);
        assert_eq!(convergence_band(&[]).0, Vec::<f64>::new());
    }

    #[test]
    fn the_colour_map_is_white_at_zero_red_below_and_blue_above() {
        assert_eq!(diverging_color(0.0, 2.0), RGBColor(247, 247, 247));
        assert_eq!(diverging_color(-2.0, 2.0), RGBColor(178, 24, 43));
        assert_eq!(diverging_color(-9.0, 2.0), RGBColor(178, 24, 43));
        assert_eq!(diverging_color(2.0, 2.0), RGBColor(33, 102, 172));
        let RGBColor(r, _, b) = diverging_color(-0.3, 2.0);
        assert!(r > b, "a small failure is reddish");
        let RGBColor(r, _, b) = diverging_color(0.3, 2.0);
        assert!(b > r, "a small margin is bluish");
        // Symmetric in lightness about 0, and no colour for NaN but the centre.
        assert_eq!(diverging_color(f64::NAN, 1.0), RGBColor(247, 247, 247));
    }

    #[test]
    fn figures_draw_for_one_two_and_many_parameters() {
        let dir = tempfile::tempdir().unwrap();
        for d in [1usize, 2, 4, 7] {
            let params: Vec<ScatterParam> = (0..d)
                .map(|i| ScatterParam {
                    name: format!("p{i}"),
                    low: -1.0,
                    high: 1.0 + i as f64,
                })
                .collect();
            let points: Vec<(Vec<f64>, f64)> = (0..30)
                .map(|k| {
                    let v: Vec<f64> = (0..d)
                        .map(|i| ((k * (i + 3)) % 11) as f64 / 10.0 - 0.5)
                        .collect();
                    let r = v.iter().sum::<f64>() - 0.2;
                    (v, r)
                })
                .collect();
            let path = dir.path().join(format!("s{d}.png"));
            plot::falsification_scatter(&path, &params, &points, "t").unwrap();
            assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
        }
        let s = ConvergenceSeries {
            label: "bo".into(),
            color: 0,
            median: vec![1.0, 0.5, -0.2],
            band: Some((vec![0.5, 0.1, -0.4], vec![1.5, 0.9, 0.1])),
        };
        let path = dir.path().join("c.png");
        plot::falsification_convergence(&path, &[s], "t").unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
    }
}
