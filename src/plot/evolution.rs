//! Figures of population learners (Synaptolysis): fitness and connection counts against environment
//! interactions, and the "champion lineup" drawing of networks (nodes in columns, an edge per kept
//! connection, coloured by sign and as wide as its weight is large).

use std::path::Path;

use plotters::prelude::*;

use super::{
    draw_legend, frame, legend_width, line_axes, line_chart, nice_ticks, render, std_band,
    steps_label, title, LegendEntry, Texts, H, PALETTE, V,
};
use crate::error::{Error, Result};
use crate::policy::Actor;

/// One generation of a population learner's log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvolutionRow {
    /// Environment interactions so far.
    pub steps: f64,
    /// The generation's best fitness.
    pub best: f64,
    pub pop_mean: f64,
    pub pop_std: f64,
    pub elite_mean: f64,
    pub connections_best: f64,
    pub connections_mean: f64,
    pub connections_std: f64,
}

/// A band (mean ± std) and lines over environment interactions (or generations), with a legend.
pub(super) struct Series {
    pub label: String,
    pub points: Vec<(f64, f64, f64)>,
    pub band: bool,
}

pub(super) fn lines_figure(
    path: &Path,
    heading: &str,
    subtitle: &str,
    (xlabel, ylabel): (&str, &str),
    series: &[Series],
) -> Result<()> {
    let all = || series.iter().flat_map(|s| s.points.iter());
    let finite: Vec<&(f64, f64, f64)> = all()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    if finite.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot",
            path.display()
        )));
    }
    let xmax = finite.iter().map(|p| p.0).fold(0.0, f64::max).max(1.0);
    let spread = |p: &(f64, f64, f64)| if p.2.is_finite() { p.2 } else { 0.0 };
    let ymin = finite
        .iter()
        .map(|p| p.1 - spread(p))
        .fold(f64::INFINITY, f64::min);
    let ymax = finite
        .iter()
        .map(|p| p.1 + spread(p))
        .fold(f64::NEG_INFINITY, f64::max);
    let ypad = ((ymax - ymin) * 0.06).max(1.0);
    let (x_lo, x_hi, y_lo, y_hi) = (0.0, xmax * 1.02, ymin - ypad, ymax + ypad);
    let legend: Vec<LegendEntry> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (PALETTE[i % PALETTE.len()], s.label.clone(), false))
        .collect();
    let lw = legend_width(&legend)?;
    let (w, h) = (1000 + lw, 620u32);
    render(path, (w, h), |root, texts: &Texts| {
        title(texts, w, heading, subtitle);
        let mut chart = line_chart(root, lw + 48, x_lo..x_hi, y_lo..y_hi)?;
        let bx = line_axes(
            root,
            texts,
            &chart,
            &nice_ticks(x_lo, x_hi, 8),
            steps_label,
            (xlabel, ylabel),
        )?;
        for (i, s) in series.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            let pts: Vec<(f64, f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
                .collect();
            if s.band && !pts.is_empty() {
                chart.draw_series(std::iter::once(Polygon::new(
                    std_band(&pts),
                    c.mix(0.16).filled(),
                )))?;
            }
            chart.draw_series(LineSeries::new(
                pts.iter().map(|&(x, m, _)| (x, m)),
                c.stroke_width(2),
            ))?;
        }
        frame(root, bx)?;
        draw_legend(root, texts, bx, lw, &legend, false)
    })
}

/// Two figures from a population learner's log: fitness (population mean ± std, elite mean, the
/// generation's best) and connections (the all-time best agent's, the population's mean ± std).
pub fn evolution_curves(
    fitness_path: &Path,
    connections_path: &Path,
    rows: &[EvolutionRow],
    subtitle: &str,
) -> Result<()> {
    let col = |f: fn(&EvolutionRow) -> (f64, f64)| -> Vec<(f64, f64, f64)> {
        rows.iter()
            .map(|r| {
                let (m, s) = f(r);
                (r.steps, m, s)
            })
            .collect()
    };
    lines_figure(
        fitness_path,
        "Fitness",
        subtitle,
        (
            "environment interactions",
            "fitness (mean return − complexity)",
        ),
        &[
            Series {
                label: "population mean ± std".into(),
                points: col(|r| (r.pop_mean, r.pop_std)),
                band: true,
            },
            Series {
                label: "elite mean".into(),
                points: col(|r| (r.elite_mean, 0.0)),
                band: false,
            },
            Series {
                label: "best of the generation".into(),
                points: col(|r| (r.best, 0.0)),
                band: false,
            },
        ],
    )?;
    lines_figure(
        connections_path,
        "Connections",
        subtitle,
        ("environment interactions", "connections"),
        &[
            Series {
                label: "population mean ± std".into(),
                points: col(|r| (r.connections_mean, r.connections_std)),
                band: true,
            },
            Series {
                label: "all-time best agent".into(),
                points: col(|r| (r.connections_best, 0.0)),
                band: false,
            },
        ],
    )
}

const NEGATIVE: RGBColor = RGBColor(200, 40, 40);
const POSITIVE: RGBColor = RGBColor(30, 90, 200);

/// One network of a lineup: its caption, lines of notes under it, the network.
#[derive(Debug, Clone)]
pub struct LineupEntry {
    pub label: String,
    pub notes: Vec<String>,
    pub actor: Actor,
}

/// Networks side by side, one panel each: the nodes of every layer in a column (inputs left), an edge
/// for every non-zero weight, red for negative, blue for positive, its width growing with |w| (1 to 3
/// px; fainter when there are many). Under each panel's caption, its notes and its connection count.
pub fn network_lineup(path: &Path, networks: &[LineupEntry], subtitle: &str) -> Result<()> {
    if networks.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no network to draw",
            path.display()
        )));
    }
    let notes = networks.iter().map(|n| n.notes.len()).max().unwrap_or(0) as u32;
    let (pw, ph) = (480u32, 520u32);
    let head = 84 + 22 * notes;
    let (w, h) = (pw * networks.len() as u32, head + ph + 50);
    render(path, (w, h), |root, texts| {
        title(texts, w, "Champion lineup", subtitle);
        for (p, entry) in networks.iter().enumerate() {
            let actor = &entry.actor;
            let x0 = (p as u32 * pw) as f64;
            let sizes = actor.sizes();
            let cols = sizes.len();
            let (top, bottom) = ((head + 16) as f64, (head + ph) as f64);
            let xs: Vec<f64> = (0..cols)
                .map(|c| x0 + 60.0 + (pw as f64 - 120.0) * c as f64 / (cols - 1).max(1) as f64)
                .collect();
            let node = |c: usize, i: usize| -> (i32, i32) {
                let n = sizes[c];
                let y = if n == 1 {
                    (top + bottom) / 2.0
                } else {
                    top + (bottom - top) * i as f64 / (n - 1) as f64
                };
                (xs[c].round() as i32, y.round() as i32)
            };
            let vmax = actor
                .layers
                .iter()
                .flat_map(|l| l.weight.iter())
                .fold(0.0f64, |m, w| m.max(w.abs()));
            let kept: usize = actor
                .layers
                .iter()
                .map(|l| l.weight.iter().filter(|w| **w != 0.0).count())
                .sum();
            let alpha = if kept > 1000 {
                0.15
            } else if kept > 300 {
                0.35
            } else {
                0.7
            };
            for (l, layer) in actor.layers.iter().enumerate() {
                for (k, &wv) in layer.weight.iter().enumerate() {
                    if wv == 0.0 || !wv.is_finite() {
                        continue;
                    }
                    let (o, i) = (k / layer.in_features, k % layer.in_features);
                    let width = (1.0 + 2.0 * wv.abs() / vmax.max(1e-300)).round() as u32;
                    let c = if wv < 0.0 { NEGATIVE } else { POSITIVE };
                    root.draw(&PathElement::new(
                        vec![node(l, i), node(l + 1, o)],
                        c.mix(alpha).stroke_width(width),
                    ))?;
                }
            }
            for (c, &n) in sizes.iter().enumerate() {
                let r = ((bottom - top) / n.max(1) as f64 / 2.5)
                    .clamp(1.5, 5.0)
                    .round() as i32;
                for i in 0..n {
                    root.draw(&Circle::new(node(c, i), r, RGBColor(40, 40, 40).filled()))?;
                }
            }
            let total: usize = actor.layers.iter().map(|l| l.weight.len()).sum();
            let cx = (x0 + pw as f64 / 2.0) as i32;
            texts.put(entry.label.clone(), (cx, 76), 17.0, (H::Center, V::Top));
            for (j, note) in entry.notes.iter().enumerate() {
                texts.put(
                    note.clone(),
                    (cx, 100 + 22 * j as i32),
                    14.0,
                    (H::Center, V::Top),
                );
            }
            texts.put(
                format!(
                    "{kept} of {total} connections · layers {}",
                    actor.shape_string()
                ),
                (cx, (head + ph + 14) as i32),
                14.0,
                (H::Center, V::Top),
            );
        }
        Ok(())
    })
}
