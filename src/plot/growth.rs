//! Figures of HyperNCA runs: the growth of the policy's weights (the NCA's reading channel, every layer,
//! at every step, as an animated GIF) and the authors' two reward curves (best ever, population mean).

use std::collections::HashMap;
use std::path::Path;

use plotters::prelude::*;

use super::evolution::{lines_figure, Series};
use super::{diverging_color, draw_rgb, Caption};
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;

/// Colours of the diverging ramp the cells are drawn in; the rest of the 256-colour palette is greys
/// for the text.
const RAMP: usize = 199;
const GREYS: usize = 256 - RAMP;

fn ramp_color(k: usize) -> RGBColor {
    diverging_color(2.0 * k as f64 / (RAMP - 1) as f64 - 1.0, 1.0)
}

/// Each ramp colour's palette index.
type RampIndex = HashMap<(u8, u8, u8), u8>;

/// The GIF's palette: the ramp, then greys from black to white.
fn palette() -> (Vec<u8>, RampIndex) {
    let mut pal = Vec::with_capacity(256 * 3);
    let mut index = HashMap::new();
    for k in 0..RAMP {
        let c = ramp_color(k);
        index.entry((c.0, c.1, c.2)).or_insert(k as u8);
        pal.extend([c.0, c.1, c.2]);
    }
    for g in 0..GREYS {
        let v = (g * 255 / (GREYS - 1)) as u8;
        pal.extend([v, v, v]);
    }
    (pal, index)
}

/// A pixel's palette index: a ramp colour exactly, else the nearest grey by luminance.
fn index_of(p: &[u8], ramp: &RampIndex) -> u8 {
    if let Some(&k) = ramp.get(&(p[0], p[1], p[2])) {
        if !(p[0] == p[1] && p[1] == p[2]) {
            return k;
        }
    }
    let lum = (299 * p[0] as u32 + 587 * p[1] as u32 + 114 * p[2] as u32) / 1000;
    (RAMP as u32 + (lum * (GREYS as u32 - 1) + 127) / 255) as u8
}

/// The ramp index of `v` on a scale saturating at ±`vmax`.
fn ramp_index(v: f64, vmax: f64) -> usize {
    let t = if vmax > 0.0 && v.is_finite() {
        (v / vmax).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    (((t + 1.0) / 2.0) * (RAMP - 1) as f64).round() as usize
}

/// An animated GIF of the reading channel as it grows: `frames[k]` is the channel (L × S × S, C-order)
/// after step `first_step + k`; one panel per layer (rows: output units, columns: inputs), one colour
/// scale for the whole growth (blue positive, red negative, white zero). Written atomically.
pub fn growth_gif(
    path: &Path,
    heading: &str,
    frames: &[Vec<f64>],
    (layers, size): (usize, usize),
    first_step: usize,
) -> Result<()> {
    let cells = layers * size * size;
    if frames.is_empty() || frames.iter().any(|f| f.len() != cells) {
        return Err(Error::Invalid(format!(
            "{}: no growth to draw, or frames that are not {layers} × {size} × {size}",
            path.display()
        )));
    }
    let vmax = frames
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let cell = (200 / size).clamp(3, 24) as u32;
    let panel = cell * size as u32;
    let gap = 24u32;
    let (top, margin) = (70u32, 24u32);
    let w = (2 * margin + layers as u32 * panel + (layers as u32 - 1) * gap).max(560);
    let h = top + panel + 40;
    if w > u16::MAX as u32 || h > u16::MAX as u32 {
        return Err(Error::Invalid(format!(
            "{}: {layers} layers of {size} × {size} make a frame too large for a GIF",
            path.display()
        )));
    }
    let left = (w - (layers as u32 * panel + (layers as u32 - 1) * gap)) / 2;
    let (pal, ramp) = palette();
    let err =
        |e: gif::EncodingError| Error::Invalid(format!("{}: GIF encoding: {e}", path.display()));
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w as u16, h as u16, &pal).map_err(err)?;
        enc.set_repeat(gif::Repeat::Infinite).map_err(err)?;
        for (k, f) in frames.iter().enumerate() {
            let mut captions = vec![
                Caption {
                    text: heading.to_string(),
                    at: (w as i32 / 2, 8),
                    size: 17.0,
                    centered: true,
                    grey: false,
                },
                Caption {
                    text: format!(
                        "NCA step {} of {} · colour ±{vmax:.3} (blue +, red −, white 0)",
                        first_step + k,
                        first_step + frames.len() - 1
                    ),
                    at: (w as i32 / 2, 34),
                    size: 14.0,
                    centered: true,
                    grey: true,
                },
            ];
            for z in 0..layers {
                captions.push(Caption {
                    text: format!("layer {}", z + 1),
                    at: (
                        (left + z as u32 * (panel + gap) + panel / 2) as i32,
                        (top + panel + 10) as i32,
                    ),
                    size: 13.0,
                    centered: true,
                    grey: true,
                });
            }
            let rgb = draw_rgb((w, h), &captions, |root| {
                for z in 0..layers {
                    let x0 = (left + z as u32 * (panel + gap)) as i32;
                    for i in 0..size {
                        for j in 0..size {
                            let v = f[(z * size + i) * size + j];
                            let c = ramp_color(ramp_index(v, vmax));
                            let (x, y) = (
                                x0 + (j as u32 * cell) as i32,
                                (top + i as u32 * cell) as i32,
                            );
                            root.draw(&Rectangle::new(
                                [(x, y), (x + cell as i32, y + cell as i32)],
                                c.filled(),
                            ))?;
                        }
                    }
                    root.draw(&Rectangle::new(
                        [
                            (x0 - 1, top as i32 - 1),
                            (x0 + panel as i32, (top + panel) as i32),
                        ],
                        RGBColor(90, 90, 90).stroke_width(1),
                    ))?;
                }
                Ok(())
            })?;
            let idx: Vec<u8> = rgb.chunks_exact(3).map(|p| index_of(p, &ramp)).collect();
            let frame = gif::Frame {
                delay: if k + 1 == frames.len() { 150 } else { 20 },
                width: w as u16,
                height: h as u16,
                buffer: std::borrow::Cow::Owned(idx),
                ..gif::Frame::default()
            };
            enc.write_frame(&frame).map_err(err)?;
        }
    }
    write_atomic(path, &out)
}

/// The authors' reward figure: the best reward found so far and the population's mean reward against
/// the generation.
pub fn reward_curves(path: &Path, best: &[f64], mean: &[f64], subtitle: &str) -> Result<()> {
    let pts = |v: &[f64]| -> Vec<(f64, f64, f64)> {
        v.iter()
            .enumerate()
            .map(|(g, &r)| ((g + 1) as f64, r, 0.0))
            .collect()
    };
    lines_figure(
        path,
        "Reward per generation",
        subtitle,
        ("generation", "reward"),
        &[
            Series {
                label: "population mean".into(),
                points: pts(mean),
                band: false,
            },
            Series {
                label: "best so far".into(),
                points: pts(best),
                band: false,
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ramp_colour_maps_back_to_itself() {
        let (pal, ramp) = palette();
        assert_eq!(pal.len(), 768);
        for k in [0, 1, RAMP / 2 - 1, RAMP - 2, RAMP - 1] {
            let c = ramp_color(k);
            let i = index_of(&[c.0, c.1, c.2], &ramp) as usize;
            assert_eq!(&pal[3 * i..3 * i + 3], &[c.0, c.1, c.2], "ramp {k}");
        }
        assert_eq!(index_of(&[255, 255, 255], &ramp) as usize, 255);
        assert_eq!(ramp_index(0.0, 1.0), RAMP / 2);
        assert_eq!(ramp_index(-5.0, 1.0), 0);
        assert_eq!(ramp_index(f64::NAN, 1.0), RAMP / 2);
    }
}
