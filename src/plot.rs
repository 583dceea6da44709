//! Every figure, drawn into an RGB buffer and written as PNG atomically.
//!
//! plotters draws the shapes and maps coordinates. Text is laid out and rasterised here with ab_glyph
//! from DejaVu Sans embedded in the binary: the figures never depend on a machine's fonts, and glyphs
//! sit at their true side bearings (plotters' own ab_glyph text drops them, which spaces letters
//! unevenly). Nothing is random, so the same data give byte-identical PNGs.

use std::cell::RefCell;
use std::path::Path;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;

mod evolution;
mod growth;
pub use evolution::{evolution_curves, network_lineup, EvolutionRow, LineupEntry};
pub use growth::{growth_gif, reward_curves};

/// DejaVu Sans (Bitstream Vera licence, see assets/fonts/LICENSE-DejaVu.txt).
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

fn font() -> Result<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| {
        // Registered with plotters too, so that no plotters call can ever fail for want of a font.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES);
        FontRef::try_from_slice(FONT_BYTES).ok()
    })
    .as_ref()
    .ok_or_else(|| Error::Invalid("the embedded DejaVu Sans font cannot be parsed".into()))
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

// ------------------------------------------------------------------------------------------------
// Text

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum H {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    Top,
    Center,
}

/// A piece of text to rasterise once the shapes are drawn, at an absolute pixel anchor.
#[derive(Debug, Clone)]
struct Label {
    text: String,
    at: (f64, f64),
    size: f32,
    color: RGBColor,
    anchor: (H, V),
    /// Rotated a quarter turn anticlockwise (reads bottom to top), for y-axis titles.
    vertical: bool,
}

/// The labels of one figure, collected while plotters draws.
#[derive(Default)]
struct Texts(RefCell<Vec<Label>>);

const INK: RGBColor = RGBColor(25, 25, 25);
const GREY: RGBColor = RGBColor(90, 90, 90);

impl Texts {
    fn put(&self, text: impl Into<String>, at: (i32, i32), size: f32, anchor: (H, V)) {
        self.put_styled(text, at, size, anchor, INK, false);
    }

    fn put_styled(
        &self,
        text: impl Into<String>,
        at: (i32, i32),
        size: f32,
        anchor: (H, V),
        color: RGBColor,
        vertical: bool,
    ) {
        self.0.borrow_mut().push(Label {
            text: text.into(),
            at: (at.0 as f64, at.1 as f64),
            size,
            color,
            anchor,
            vertical,
        });
    }
}

/// The width of `text` at `size` pixels, with kerning.
fn text_width(font: &FontRef, text: &str, size: f32) -> f32 {
    let f = font.as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let g = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern(p, g);
        }
        w += f.h_advance(g);
        prev = Some(g);
    }
    w
}

/// Blend every label into the RGB buffer.
fn rasterise(buf: &mut [u8], (w, h): (u32, u32), labels: &[Label], font: &FontRef) {
    for l in labels {
        let f = font.as_scaled(PxScale::from(l.size));
        let (ascent, descent) = (f.ascent(), f.descent());
        let width = text_width(font, &l.text, l.size);
        let height = ascent - descent;
        // Offsets of the text box's top-left corner from the anchor, before any rotation.
        let dx = match l.anchor.0 {
            H::Left => 0.0,
            H::Center => -width / 2.0,
            H::Right => -width,
        };
        let dy = match l.anchor.1 {
            V::Top => 0.0,
            V::Center => -height / 2.0,
        };
        let mut caret = dx;
        let mut prev = None;
        for c in l.text.chars() {
            let id = f.glyph_id(c);
            if let Some(p) = prev {
                caret += f.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(
                PxScale::from(l.size),
                ab_glyph::point(caret, dy + ascent),
            );
            caret += f.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let (px, py) = (b.min.x + gx as f32, b.min.y + gy as f32);
                // A quarter turn anticlockwise about the anchor: +x of the text goes up the image.
                let (rx, ry) = if l.vertical { (py, -px) } else { (px, py) };
                let (x, y) = (
                    (l.at.0 + rx as f64).round() as i64,
                    (l.at.1 + ry as f64).round() as i64,
                );
                if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
                    return;
                }
                let i = (y as usize * w as usize + x as usize) * 3;
                let a = cov.clamp(0.0, 1.0);
                for (k, c) in [l.color.0, l.color.1, l.color.2].into_iter().enumerate() {
                    let d = buf[i + k] as f32;
                    buf[i + k] = (d + (c as f32 - d) * a).round() as u8;
                }
            });
        }
    }
}

/// Draw into a white `w × h` canvas, rasterise the labels on top, and write a PNG at `path`,
/// atomically.
fn render(
    path: &Path,
    (w, h): (u32, u32),
    draw: impl FnOnce(&Area, &Texts) -> DrawResult,
) -> Result<()> {
    let font = font()?;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    let texts = Texts::default();
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, &texts)
            .and_then(|_| root.present().map_err(Into::into))
            .map_err(|e| {
                Error::Invalid(format!(
                    "{}: drawing the figure failed: {e}",
                    path.display()
                ))
            })?;
    }
    rasterise(&mut buf, (w, h), &texts.0.borrow(), font);
    write_atomic(path, &encode_png(w, h, &buf, path)?)
}

fn encode_png(w: u32, h: u32, rgb: &[u8], path: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let err =
        |e: png::EncodingError| Error::Invalid(format!("{}: PNG encoding: {e}", path.display()));
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

/// Title and subtitle centred over the figure.
fn title(texts: &Texts, width: u32, title: &str, subtitle: &str) {
    let c = (width / 2) as i32;
    texts.put(title, (c, 12), 22.0, (H::Center, V::Top));
    if !subtitle.is_empty() {
        texts.put_styled(subtitle, (c, 44), 15.0, (H::Center, V::Top), GREY, false);
    }
}

// ------------------------------------------------------------------------------------------------
// Axes

/// Round tick values covering [lo, hi], about `target` of them, on a 1-2-5 grid.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    ticks_on(lo, hi, target, &[1.0, 2.0, 2.5, 5.0, 10.0], 0.0)
}

/// Whole-number ticks in [0, hi], for counts: steps of 1, 2, 5, 10, … only. The last tick of
/// [`ticks_on`] may pass `hi` by its rounding allowance; a count axis ends at `hi`.
fn count_ticks(hi: f64, target: usize) -> Vec<f64> {
    let mut ticks = ticks_on(0.0, hi, target, &[1.0, 2.0, 5.0, 10.0], 1.0);
    ticks.retain(|&v| v <= hi);
    ticks
}

fn ticks_on(lo: f64, hi: f64, target: usize, multiples: &[f64], min_step: f64) -> Vec<f64> {
    if hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = multiples
        .iter()
        .map(|m| m * mag)
        .find(|s| (hi - lo) / s <= target as f64 + 0.5)
        .unwrap_or(10.0 * mag)
        .max(min_step);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| {
            let v = i as f64 * step;
            // Print-clean values: 0.30000000000000004 becomes 0.3, -0 becomes 0.
            let r = (v / step).round() * step;
            if r.abs() < step * 1e-9 {
                0.0
            } else {
                (r * 1e12).round() / 1e12
            }
        })
        .collect()
}

/// Integer ticks for `n` matrix indices: a power-of-two step (layer widths are), at most 9 ticks.
fn index_ticks(n: usize) -> Vec<usize> {
    let mut step = 1;
    while n.div_ceil(step) > 9 {
        step *= 2;
    }
    (0..n).step_by(step).collect()
}

/// A tick value with as many decimals as the step between ticks needs (0.55 with a step of 0.05).
fn tick_label(v: f64, step: f64) -> String {
    let decimals = (0..=6)
        .find(|&d| {
            let scaled = step.abs() * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    format!("{v:.decimals$}")
}

fn tick_step(ticks: &[f64]) -> f64 {
    if ticks.len() >= 2 {
        ticks[1] - ticks[0]
    } else {
        1.0
    }
}

/// Ticks at their pixels along an axis (`pixel`), for [`axis`]: each labelled by `label(value, step
/// between ticks)`.
fn placed_ticks(
    ticks: &[f64],
    pixel: impl Fn(f64) -> i32,
    label: impl Fn(f64, f64) -> String,
) -> Vec<(i32, String)> {
    let step = tick_step(ticks);
    ticks.iter().map(|&v| (pixel(v), label(v, step))).collect()
}

/// The plot box of a chart in absolute pixels: (left, top, right, bottom), right and bottom inclusive.
fn plot_box<X: Ranged, Y: Ranged>(
    chart: &ChartContext<BitMapBackend, Cartesian2d<X, Y>>,
) -> (i32, i32, i32, i32) {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    (xr.start, yr.start, xr.end - 1, yr.end - 1)
}

const AXIS: RGBColor = RGBColor(60, 60, 60);
const GRID: RGBColor = RGBColor(228, 228, 228);
/// Reference lines drawn dashed: the dense actor's mean, robustness 0.
const REFERENCE: RGBColor = RGBColor(110, 110, 110);

type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart over `x` × `y` below the title, with room left and below for the tick labels and axis
/// titles of [`axis`], and `right` pixels right of the plot (for a legend).
fn line_chart<'a, 'b>(
    root: &'a Area<'b>,
    right: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> std::result::Result<Chart<'a, 'b>, Box<dyn std::error::Error>> {
    Ok(ChartBuilder::on(root)
        .margin_top(TOP)
        .margin_left(100)
        .margin_right(right)
        .margin_bottom(76)
        .build_cartesian_2d(x, y)?)
}

/// The axes of a [`line_chart`]: `xticks` labelled by `xlabel(value, step)`, round y ticks, grid
/// lines, and the axis titles. Returns the plot box.
fn line_axes(
    root: &Area,
    texts: &Texts,
    chart: &Chart,
    xticks: &[f64],
    xlabel: impl Fn(f64, f64) -> String,
    (xdesc, ydesc): (&str, &str),
) -> std::result::Result<(i32, i32, i32, i32), Box<dyn std::error::Error>> {
    let (x, y) = (chart.x_range(), chart.y_range());
    let bx = plot_box(chart);
    let xticks = placed_ticks(xticks, |v| chart.backend_coord(&(v, y.start)).0, xlabel);
    let yticks = placed_ticks(
        &nice_ticks(y.start, y.end, 8),
        |v| chart.backend_coord(&(x.start, v)).1,
        tick_label,
    );
    axis(root, texts, bx, true, &xticks, xdesc, true, 36)?;
    axis(root, texts, bx, false, &yticks, ydesc, true, 78)?;
    Ok(bx)
}

/// Ticks and labels along the bottom (x) or left (y) of a plot box; `at` gives a tick's pixel along
/// the axis. Grid lines across the box when `grid`.
#[allow(clippy::too_many_arguments)]
fn axis(
    root: &Area,
    texts: &Texts,
    bx: (i32, i32, i32, i32),
    horizontal: bool,
    ticks: &[(i32, String)],
    desc: &str,
    grid: bool,
    desc_offset: i32,
) -> DrawResult {
    let (l, t, r, b) = bx;
    for (p, label) in ticks {
        if horizontal {
            if grid {
                root.draw(&PathElement::new(
                    vec![(*p, t), (*p, b)],
                    GRID.stroke_width(1),
                ))?;
            }
            root.draw(&PathElement::new(
                vec![(*p, b), (*p, b + 6)],
                AXIS.stroke_width(1),
            ))?;
            texts.put(label.clone(), (*p, b + 9), 14.0, (H::Center, V::Top));
        } else {
            if grid {
                root.draw(&PathElement::new(
                    vec![(l, *p), (r, *p)],
                    GRID.stroke_width(1),
                ))?;
            }
            root.draw(&PathElement::new(
                vec![(l - 6, *p), (l, *p)],
                AXIS.stroke_width(1),
            ))?;
            texts.put(label.clone(), (l - 9, *p), 14.0, (H::Right, V::Center));
        }
    }
    if horizontal {
        texts.put(
            desc,
            ((l + r) / 2, b + desc_offset),
            16.0,
            (H::Center, V::Top),
        );
    } else {
        texts.put_styled(
            desc,
            (l - desc_offset, (t + b) / 2),
            16.0,
            (H::Center, V::Top),
            INK,
            true,
        );
    }
    Ok(())
}

fn frame(root: &Area, (l, t, r, b): (i32, i32, i32, i32)) -> DrawResult {
    root.draw(&Rectangle::new([(l, t), (r, b)], AXIS.stroke_width(1)))?;
    Ok(())
}

/// A ±1 std band as a polygon: the upper edge left to right, then the lower edge back. `pts` are
/// (x, mean, std) in x order.
fn std_band(pts: &[(f64, f64, f64)]) -> Vec<(f64, f64)> {
    pts.iter()
        .map(|&(x, m, sd)| (x, m + sd))
        .chain(pts.iter().rev().map(|&(x, m, sd)| (x, m - sd)))
        .collect()
}

// ------------------------------------------------------------------------------------------------
// Legends beside a line chart

/// A legend line: its colour, its text, and whether its sample is dashed (a reference line).
type LegendEntry = (RGBColor, String, bool);

/// The width of the legend box: the line sample, the longest text, padding.
fn legend_width(legend: &[LegendEntry]) -> Result<u32> {
    let font = font()?;
    let text_w = legend
        .iter()
        .map(|(_, t, _)| text_width(font, t, 15.0))
        .fold(0.0f32, f32::max)
        .ceil() as u32;
    Ok(56 + text_w + 14)
}

/// The legend box `width` wide, right of the plot box `bx` and level with its top: a line sample and
/// the text per entry, a dot on solid samples when the series carry `dots`.
fn draw_legend(
    root: &Area,
    texts: &Texts,
    bx: (i32, i32, i32, i32),
    width: u32,
    legend: &[LegendEntry],
    dots: bool,
) -> DrawResult {
    let (lx, lh) = (bx.2 + 24, 26);
    let (ly, lbottom) = (bx.1, bx.1 + 8 + lh * legend.len() as i32);
    root.draw(&Rectangle::new(
        [(lx, ly), (lx + width as i32, lbottom)],
        RGBColor(170, 170, 170).stroke_width(1),
    ))?;
    for (i, (c, t, dashed)) in legend.iter().enumerate() {
        let y = ly + 4 + lh * i as i32 + lh / 2;
        if *dashed {
            root.draw(&plotters::element::DashedPathElement::new(
                [(lx + 10, y), (lx + 46, y)],
                7,
                4,
                c.stroke_width(2),
            ))?;
        } else {
            root.draw(&PathElement::new(
                vec![(lx + 10, y), (lx + 46, y)],
                c.stroke_width(3),
            ))?;
            if dots {
                root.draw(&Circle::new((lx + 28, y), 5, c.filled()))?;
            }
        }
        texts.put(t.clone(), (lx + 56, y), 15.0, (H::Left, V::Center));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// Colours

/// The colour of a weight magnitude: viridis over (0, vmax], white for an exact zero, so pruned
/// weights stand apart from merely small ones.
pub fn magnitude_color(v: f64, vmax: f64) -> RGBColor {
    if v == 0.0 {
        WHITE
    } else {
        let t = if vmax > 0.0 {
            (v.abs() / vmax).clamp(0.0, 1.0)
        } else {
            1.0
        };
        ViridisRGB::get_color(t)
    }
}

/// Distinct, colour-blind-friendly line colours (the Okabe–Ito palette, without its yellow).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
];

fn format_magnitude(v: f64) -> String {
    if v >= 0.001 {
        format!("{v:.4}")
    } else {
        format!("{v:.2e}")
    }
}

// ------------------------------------------------------------------------------------------------
// Heatmaps

/// A row-major `rows × cols` matrix, as PyTorch stores a weight (`out × in`).
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    pub rows: usize,
    pub cols: usize,
    pub values: &'a [f64],
}

/// Where a heatmap's cells are: the figure size and the pixel edges of every column and row, so
/// cells tile exactly and tests can read any cell back.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapLayout {
    pub width: u32,
    pub height: u32,
    /// `col_edges[j]..col_edges[j + 1]` are the pixels of column j (and likewise for rows).
    pub col_edges: Vec<i32>,
    pub row_edges: Vec<i32>,
}

const TOP: u32 = 80;
const LEFT: u32 = 96;
const BOTTOM: u32 = 72;
const SIDE: u32 = 200;
const GAP: u32 = 28;

/// Pixels per cell along a dimension of `n` cells: large for a few cells, at least 1.
fn cell_px(n: usize) -> u32 {
    (720 / n.max(1)).clamp(1, 60) as u32
}

impl HeatmapLayout {
    pub fn for_matrix(rows: usize, cols: usize) -> Self {
        let pw = cols as u32 * cell_px(cols);
        let ph = rows as u32 * cell_px(rows);
        // Room for the title and the side panel even for a thin matrix; the cells stretch to fill it.
        let width = (LEFT + pw + GAP + SIDE).max(820);
        let plot_h = ph.max(280);
        let height = TOP + plot_h + BOTTOM;
        let plot_w = width - LEFT - GAP - SIDE;
        let edges = |n: usize, start: u32, len: u32| -> Vec<i32> {
            (0..=n)
                .map(|i| (start as usize + i * len as usize / n) as i32)
                .collect()
        };
        HeatmapLayout {
            width,
            height,
            col_edges: edges(cols, LEFT, plot_w),
            row_edges: edges(rows, TOP, plot_h),
        }
    }

    /// The pixel at the centre of cell (row, col).
    pub fn cell_center(&self, row: usize, col: usize) -> (u32, u32) {
        (
            ((self.col_edges[col] + self.col_edges[col + 1]) / 2) as u32,
            ((self.row_edges[row] + self.row_edges[row + 1]) / 2) as u32,
        )
    }

    fn plot_box(&self) -> (i32, i32, i32, i32) {
        (
            self.col_edges[0],
            self.row_edges[0],
            *self.col_edges.last().unwrap() - 1,
            *self.row_edges.last().unwrap() - 1,
        )
    }
}

/// Draw the cells of a matrix, rows top to bottom, with index ticks and a frame.
fn draw_matrix(
    root: &Area,
    texts: &Texts,
    layout: &HeatmapLayout,
    rows: usize,
    cols: usize,
    color: &dyn Fn(usize) -> RGBColor,
) -> DrawResult {
    // plotters fills a rectangle's pixels up to, not including, its far corner: edges tile exactly.
    for i in 0..rows {
        let (y0, y1) = (layout.row_edges[i], layout.row_edges[i + 1]);
        for j in 0..cols {
            let (x0, x1) = (layout.col_edges[j], layout.col_edges[j + 1]);
            root.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                color(i * cols + j).filled(),
            ))?;
        }
    }
    let bx = layout.plot_box();
    let center = |e: &[i32], k: usize| (e[k] + e[k + 1] - 1) / 2;
    let xt: Vec<(i32, String)> = index_ticks(cols)
        .into_iter()
        .map(|j| (center(&layout.col_edges, j), j.to_string()))
        .collect();
    let yt: Vec<(i32, String)> = index_ticks(rows)
        .into_iter()
        .map(|i| (center(&layout.row_edges, i), i.to_string()))
        .collect();
    axis(root, texts, bx, true, &xt, "input (column)", false, 34)?;
    axis(root, texts, bx, false, &yt, "output unit (row)", false, 70)?;
    // The frame keeps white (zero) cells at the edge visibly inside the matrix.
    root.draw(&Rectangle::new(
        [(bx.0 - 1, bx.1 - 1), (bx.2 + 1, bx.3 + 1)],
        AXIS.stroke_width(1),
    ))?;
    Ok(())
}

/// One heatmap of |w| for a weight matrix, rows (outputs) × columns (inputs) as stored: viridis with
/// white for exact zeros, a colorbar, the title and a subtitle (e.g. the sparsity).
pub fn weight_heatmap(
    path: &Path,
    heading: &str,
    subtitle: &str,
    m: Matrix,
) -> Result<HeatmapLayout> {
    let layout = HeatmapLayout::for_matrix(m.rows, m.cols);
    let vmax = m.values.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    render(path, (layout.width, layout.height), |root, texts| {
        title(texts, layout.width, heading, subtitle);
        draw_matrix(root, texts, &layout, m.rows, m.cols, &|i| {
            magnitude_color(m.values[i], vmax)
        })?;
        colorbar(root, texts, &layout, vmax)
    })?;
    Ok(layout)
}

/// A vertical viridis colorbar for |w| in (0, vmax] beside the matrix, and a white swatch for exact
/// zeros under it.
fn colorbar(root: &Area, texts: &Texts, layout: &HeatmapLayout, vmax: f64) -> DrawResult {
    let (_, t, r, b) = layout.plot_box();
    let x0 = r + GAP as i32;
    let x1 = x0 + 24;
    let (top, bottom) = (t + 24, (b - 56).max(t + 120));
    let span = (bottom - top) as f64;
    for y in top..=bottom {
        let v = (bottom - y) as f64 / span * vmax;
        root.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            magnitude_color(v.max(vmax * 1e-9), vmax).stroke_width(1),
        ))?;
    }
    frame(root, (x0, top, x1, bottom))?;
    texts.put("|w|", (x0, t), 16.0, (H::Left, V::Top));
    let ticks = nice_ticks(0.0, vmax, 5);
    let step = tick_step(&ticks);
    for v in ticks {
        let y = bottom - (v / vmax * span).round() as i32;
        root.draw(&PathElement::new(
            vec![(x1, y), (x1 + 5, y)],
            AXIS.stroke_width(1),
        ))?;
        texts.put(tick_label(v, step), (x1 + 8, y), 14.0, (H::Left, V::Center));
    }
    let y0 = bottom + 24;
    root.draw(&Rectangle::new([(x0, y0), (x1, y0 + 24)], WHITE.filled()))?;
    frame(root, (x0, y0, x1, y0 + 24))?;
    texts.put("exactly 0", (x1 + 8, y0 + 12), 14.0, (H::Left, V::Center));
    Ok(())
}

/// What became of a weight, for the mask figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Non-zero in the dense and the pruned (or refined) actor.
    Kept,
    /// Non-zero in the dense actor, zero after pruning (and not restored).
    Pruned,
    /// Zero after pruning, non-zero again after refinement.
    Restored,
    /// Already zero in the dense actor.
    ZeroInDense,
}

impl Fate {
    pub const ALL: [Fate; 4] = [Fate::Kept, Fate::Pruned, Fate::Restored, Fate::ZeroInDense];

    pub fn color(self) -> RGBColor {
        match self {
            Fate::Kept => RGBColor(33, 102, 172),
            Fate::Pruned => RGBColor(220, 220, 220),
            Fate::Restored => RGBColor(230, 85, 13),
            Fate::ZeroInDense => WHITE,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Pruned => "pruned",
            Fate::Restored => "restored by refinement",
            Fate::ZeroInDense => "zero in the dense actor",
        }
    }
}

/// The mask figure of one layer: each weight coloured by its fate, with a legend of counts.
pub fn mask_figure(
    path: &Path,
    heading: &str,
    subtitle: &str,
    rows: usize,
    cols: usize,
    fates: &[Fate],
) -> Result<HeatmapLayout> {
    let layout = HeatmapLayout::for_matrix(rows, cols);
    render(path, (layout.width, layout.height), |root, texts| {
        title(texts, layout.width, heading, subtitle);
        draw_matrix(root, texts, &layout, rows, cols, &|i| fates[i].color())?;
        let (_, t, r, _) = layout.plot_box();
        let x0 = r + GAP as i32;
        let mut y = t;
        for f in Fate::ALL {
            let n = fates.iter().filter(|&&g| g == f).count();
            if n == 0 && f == Fate::ZeroInDense {
                continue;
            }
            root.draw(&Rectangle::new(
                [(x0, y), (x0 + 24, y + 24)],
                f.color().filled(),
            ))?;
            frame(root, (x0, y, x0 + 24, y + 24))?;
            let words: Vec<&str> = f.label().splitn(2, ' ').collect();
            texts.put(words[0], (x0 + 32, y + 12), 15.0, (H::Left, V::Center));
            let mut line = y + 32;
            if let Some(rest) = words.get(1) {
                texts.put(*rest, (x0 + 32, line), 14.0, (H::Left, V::Top));
                line += 20;
            }
            texts.put_styled(
                format!("{n} ({:.1}%)", 100.0 * n as f64 / fates.len().max(1) as f64),
                (x0 + 32, line),
                14.0,
                (H::Left, V::Top),
                GREY,
                false,
            );
            y = line + 40;
        }
        Ok(())
    })?;
    Ok(layout)
}

// ------------------------------------------------------------------------------------------------
// Histograms

/// One panel of the magnitude histogram.
#[derive(Debug, Clone)]
pub struct HistogramPanel {
    pub title: String,
    /// |w| of the non-zero weights.
    pub magnitudes: Vec<f64>,
    /// Exact zeros, left out of the bars and counted in the caption.
    pub zeros: usize,
    /// The pruning threshold: weights with |w| at or below it are pruned.
    pub threshold: Option<f64>,
}

/// Histograms of |w|, one panel per layer side by side, each with its pruning threshold marked.
pub fn magnitude_histograms(
    path: &Path,
    heading: &str,
    subtitle: &str,
    panels: &[HistogramPanel],
) -> Result<()> {
    let n = panels.len().max(1) as u32;
    let (w, h) = (20 + 460 * n, 540);
    render(path, (w, h), |root, texts| {
        title(texts, w, heading, subtitle);
        let body = root.margin(TOP as i32, 0, 10, 10);
        for (area, p) in body
            .split_evenly((1, panels.len().max(1)))
            .iter()
            .zip(panels)
        {
            histogram_panel(root, texts, area, p)?;
        }
        Ok(())
    })
}

fn histogram_panel(root: &Area, texts: &Texts, area: &Area, p: &HistogramPanel) -> DrawResult {
    let bins = 40usize;
    let vmax = p
        .magnitudes
        .iter()
        .fold(p.threshold.unwrap_or(0.0), |a, &v| a.max(v))
        .max(f64::MIN_POSITIVE);
    let width = vmax / bins as f64;
    let mut counts = vec![0usize; bins];
    for &v in &p.magnitudes {
        counts[((v / width) as usize).min(bins - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let chart = ChartBuilder::on(area)
        .margin_top(34)
        .margin_left(84)
        .margin_right(24)
        .margin_bottom(64)
        .build_cartesian_2d(0.0..vmax, 0.0..top)?;
    let bx = plot_box(&chart);
    let caption = if p.zeros > 0 {
        format!("{} · {} zeros not shown", p.title, p.zeros)
    } else {
        p.title.clone()
    };
    texts.put(
        caption,
        ((bx.0 + bx.2) / 2, bx.1 - 28),
        16.0,
        (H::Center, V::Top),
    );

    let xticks = placed_ticks(
        &nice_ticks(0.0, vmax, 5),
        |v| chart.backend_coord(&(v, 0.0)).0,
        tick_label,
    );
    let yticks = placed_ticks(
        &count_ticks(top, 8),
        |v| chart.backend_coord(&(0.0, v)).1,
        tick_label,
    );
    axis(root, texts, bx, true, &xticks, "|w|", true, 34)?;
    axis(root, texts, bx, false, &yticks, "weights per bin", true, 62)?;

    let bar = RGBColor(59, 82, 139);
    let red = RGBColor(200, 30, 30);
    let mut c = chart;
    // The pruned side of the threshold, lightly shaded.
    if let Some(t) = p.threshold {
        c.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (t, top)],
            red.mix(0.07).filled(),
        )))?;
    }
    c.draw_series(
        counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| {
                let x0 = i as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, n as f64)], bar.filled())
            }),
    )?;
    if let Some(t) = p.threshold {
        c.draw_series(DashedLineSeries::new(
            [(t, 0.0), (t, top)],
            8,
            5,
            red.stroke_width(2),
        ))?;
        let below = p.magnitudes.iter().filter(|&&v| v <= t).count();
        let (tx, _) = c.backend_coord(&(t, top));
        // The note goes on whichever side of the line has more room.
        let right_side = (tx - bx.0) < (bx.2 - tx);
        let (hx, anchor) = if right_side {
            (tx + 8, H::Left)
        } else {
            (tx - 8, H::Right)
        };
        texts.put_styled(
            format!("pruned: |w| ≤ {}", format_magnitude(t)),
            (hx, bx.1 + 8),
            14.0,
            (anchor, V::Top),
            red,
            false,
        );
        texts.put_styled(
            format!("{below} of {} non-zero at or below", p.magnitudes.len()),
            (hx, bx.1 + 28),
            13.0,
            (anchor, V::Top),
            red,
            false,
        );
    }
    frame(root, bx)?;
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// "Prune percentage vs rewards"

/// One curve of the sweep chart: (k, mean return, std) points and the dense actor's mean.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSeries {
    pub label: String,
    pub points: Vec<(f64, f64, f64)>,
    pub dense: Option<f64>,
}

/// PruVer's figure: mean return against the prune fraction, one line per series, a ±1 std band, and
/// the dense actor's mean as a dashed line. The legend sits to the right of the plot, so no curve is
/// ever hidden under it.
pub fn prune_vs_rewards(path: &Path, series: &[SweepSeries], subtitle: &str) -> Result<()> {
    if series.iter().all(|s| s.points.is_empty()) {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot: no sweep points",
            path.display()
        )));
    }
    let ks = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (kmin, kmax) = ks.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), k| {
        (a.min(k), b.max(k))
    });
    let pad = ((kmax - kmin) * 0.04).max(0.01);
    let ys = series.iter().flat_map(|s| {
        s.points
            .iter()
            .flat_map(|&(_, m, sd)| [m - sd, m + sd])
            .chain(s.dense)
    });
    let (ymin, ymax) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let ypad = ((ymax - ymin) * 0.06).max(1.0);
    let (x_lo, x_hi, y_lo, y_hi) = (kmin - pad, kmax + pad, ymin - ypad, ymax + ypad);

    // Sweeps of one actor share its dense mean: then one grey line stands for all of them.
    let mut denses: Vec<f64> = series.iter().filter_map(|s| s.dense).collect();
    denses.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let shared_dense =
        (denses.len() == 1 && series.iter().all(|s| s.dense.is_some())).then(|| denses[0]);
    let mut legend: Vec<LegendEntry> = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        legend.push((c, s.label.clone(), false));
        if let (Some(d), None) = (s.dense, shared_dense) {
            legend.push((c, format!("  its dense actor: {d:.1}"), true));
        }
    }
    if let Some(d) = shared_dense {
        legend.push((REFERENCE, format!("dense actor: {d:.1}"), true));
    }
    let legend_w = legend_width(&legend)?;
    let (w, h) = (1000 + legend_w + 30, 720u32);

    render(path, (w, h), |root, texts| {
        title(texts, w, "Prune percentage vs rewards", subtitle);
        let mut chart = line_chart(root, legend_w + 56, x_lo..x_hi, y_lo..y_hi)?;
        let bx = line_axes(
            root,
            texts,
            &chart,
            &nice_ticks(x_lo, x_hi, 10),
            |v, step| format!("{}%", tick_label(100.0 * v, 100.0 * step)),
            ("prune percentage (k)", "mean return ± std"),
        )?;

        if let Some(d) = shared_dense {
            chart.draw_series(DashedLineSeries::new(
                [(x_lo, d), (x_hi, d)],
                10,
                6,
                REFERENCE.stroke_width(2),
            ))?;
        }
        for (i, s) in series.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            let mut pts = s.points.clone();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart.draw_series(std::iter::once(Polygon::new(
                std_band(&pts),
                c.mix(0.14).filled(),
            )))?;
            if let (Some(d), None) = (s.dense, shared_dense) {
                chart.draw_series(DashedLineSeries::new(
                    [(x_lo, d), (x_hi, d)],
                    10,
                    6,
                    c.mix(0.85).stroke_width(2),
                ))?;
            }
            chart.draw_series(LineSeries::new(
                pts.iter().map(|&(k, m, _)| (k, m)),
                c.stroke_width(3),
            ))?;
            chart.draw_series(
                pts.iter()
                    .map(|&(k, m, _)| Circle::new((k, m), 5, c.filled())),
            )?;
        }
        frame(root, bx)?;
        // The sweep's points are dots on its lines, and so are the legend's samples.
        draw_legend(root, texts, bx, legend_w, &legend, true)
    })
}

// ------------------------------------------------------------------------------------------------
// Learning curve (`--train`)

/// Environment steps as a short tick label: 200k, 1.5M.
fn steps_label(v: f64, step: f64) -> String {
    if step >= 1e6 || v.abs() >= 1e6 && step >= 1e5 {
        format!("{}M", tick_label(v / 1e6, step / 1e6))
    } else if step >= 1e3 {
        format!("{}k", tick_label(v / 1e3, step / 1e3))
    } else {
        tick_label(v, step)
    }
}

/// A training run's learning curve: mean episode return against environment steps, with a ±1 std
/// band. `points` are (timesteps, mean, std), one per iteration that finished episodes.
pub fn learning_curve(path: &Path, points: &[(f64, f64, f64)], subtitle: &str) -> Result<()> {
    let pts: Vec<(f64, f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
        .collect();
    if pts.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot: no iteration finished an episode",
            path.display()
        )));
    }
    let xmax = pts.iter().map(|p| p.0).fold(0.0, f64::max).max(1.0);
    let (ymin, ymax) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1 - p.2), b.max(p.1 + p.2))
        });
    let ypad = ((ymax - ymin) * 0.06).max(1.0);
    let (x_lo, x_hi, y_lo, y_hi) = (0.0, xmax * 1.02, ymin - ypad, ymax + ypad);
    let (w, h) = (1100u32, 640u32);
    render(path, (w, h), |root, texts| {
        title(texts, w, "Learning curve", subtitle);
        let mut chart = line_chart(root, 36, x_lo..x_hi, y_lo..y_hi)?;
        let bx = line_axes(
            root,
            texts,
            &chart,
            &nice_ticks(x_lo, x_hi, 10),
            steps_label,
            ("environment steps", "episode return"),
        )?;
        let c = PALETTE[0];
        chart.draw_series(std::iter::once(Polygon::new(
            std_band(&pts),
            c.mix(0.16).filled(),
        )))?;
        chart.draw_series(LineSeries::new(
            pts.iter().map(|&(x, m, _)| (x, m)),
            c.stroke_width(2),
        ))?;
        frame(root, bx)?;
        Ok(())
    })
}

/// `--mimic`: the key-point distance to the pose being mimicked, frame by frame, one line per series
/// (label, distances), the `threshold` dashed, and a faint line where each new target starts (every
/// `update` frames).
pub fn mimic_distance(
    path: &Path,
    series: &[(String, Vec<f64>)],
    threshold: f64,
    update: usize,
    subtitle: &str,
) -> Result<()> {
    let n = series.iter().map(|s| s.1.len()).max().unwrap_or(0);
    if n == 0 {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot: no frames",
            path.display()
        )));
    }
    let ymax = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .filter(|v| v.is_finite())
        .fold(threshold, f64::max);
    let (x_lo, x_hi, y_lo, y_hi) = (0.0, n as f64, 0.0, ymax * 1.05);
    let mut legend: Vec<LegendEntry> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (PALETTE[i % PALETTE.len()], s.0.clone(), false))
        .collect();
    legend.push((REFERENCE, format!("threshold {threshold}"), true));
    let legend_w = legend_width(&legend)?;
    let (w, h) = (1100 + legend_w + 30, 560u32);
    render(path, (w, h), |root, texts| {
        title(
            texts,
            w,
            "Pose mimicry: distance to the target pose",
            subtitle,
        );
        let mut chart = line_chart(root, legend_w + 56, x_lo..x_hi, y_lo..y_hi)?;
        let bx = line_axes(
            root,
            texts,
            &chart,
            &count_ticks(x_hi, 10),
            |v, _| format!("{v:.0}"),
            ("frame", "key-point distance (m)"),
        )?;
        // At most a few hundred target changes are worth a line each.
        if n / update.max(1) <= 400 {
            for k in (update..n).step_by(update.max(1)) {
                chart.draw_series(LineSeries::new(
                    [(k as f64, y_lo), (k as f64, y_hi)],
                    RGBColor(200, 200, 200).stroke_width(1),
                ))?;
            }
        }
        // One pixel wide: a wider polyline is drawn as polygons, and the many frames that fall on
        // one pixel (the arm at rest) make zero-length segments whose polygons shoot off the plot.
        for (i, (_, d)) in series.iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            chart.draw_series(LineSeries::new(
                d.iter().enumerate().map(|(f, &v)| (f as f64, v)),
                c.stroke_width(1),
            ))?;
        }
        chart.draw_series(DashedLineSeries::new(
            [(x_lo, threshold), (x_hi, threshold)],
            10,
            6,
            REFERENCE.stroke_width(2),
        ))?;
        frame(root, bx)?;
        draw_legend(root, texts, bx, legend_w, &legend, false)
    })
}

// ------------------------------------------------------------------------------------------------
// Pictures drawn elsewhere (the GIF frames of `--display`), with this module's text

/// The drawing area other modules draw on, in pixels.
pub(crate) type Canvas<'a> = Area<'a>;

/// A line of text over a picture drawn by another module, its top edge at `at.1`.
#[derive(Debug, Clone)]
pub(crate) struct Caption {
    pub text: String,
    pub at: (i32, i32),
    pub size: f32,
    /// Centred on `at.0`, else starting there.
    pub centered: bool,
    pub grey: bool,
}

/// Draw into a white `w × h` canvas, rasterise the captions on top, and return the RGB buffer.
pub(crate) fn draw_rgb(
    (w, h): (u32, u32),
    captions: &[Caption],
    draw: impl FnOnce(&Canvas) -> DrawResult,
) -> Result<Vec<u8>> {
    let font = font()?;
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root)
            .and_then(|_| root.present().map_err(Into::into))
            .map_err(|e| Error::Invalid(format!("drawing a frame failed: {e}")))?;
    }
    let labels: Vec<Label> = captions
        .iter()
        .map(|c| Label {
            text: c.text.clone(),
            at: (c.at.0 as f64, c.at.1 as f64),
            size: c.size,
            color: if c.grey { GREY } else { INK },
            anchor: (if c.centered { H::Center } else { H::Left }, V::Top),
            vertical: false,
        })
        .collect();
    rasterise(&mut buf, (w, h), &labels, font);
    Ok(buf)
}

// ------------------------------------------------------------------------------------------------
// Falsification (`--falsify`): convergence and the evaluated parameters

/// A diverging colour map centred at 0 (ColorBrewer's RdBu): red below zero (a failure), near white
/// at 0, blue above, saturating at ±`vmax`.
pub fn diverging_color(v: f64, vmax: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 5] = [
        (-1.0, (178.0, 24.0, 43.0)),
        (-0.5, (239.0, 138.0, 98.0)),
        (0.0, (247.0, 247.0, 247.0)),
        (0.5, (103.0, 169.0, 207.0)),
        (1.0, (33.0, 102.0, 172.0)),
    ];
    let t = if vmax > 0.0 && v.is_finite() {
        (v / vmax).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let k = STOPS
        .windows(2)
        .position(|w| t <= w[1].0)
        .unwrap_or(STOPS.len() - 2);
    let ((t0, a), (t1, b)) = (STOPS[k], STOPS[k + 1]);
    let u = (t - t0) / (t1 - t0);
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// One method's convergence: the best robustness after each evaluation (the median over runs), and
/// with several runs the min–max band.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvergenceSeries {
    pub label: String,
    /// Index into the line palette, so a method keeps its colour across figures.
    pub color: usize,
    pub median: Vec<f64>,
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

/// A best-so-far curve as steps: value i holds from evaluation i + 1 until the next.
fn steps(values: &[f64]) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * values.len());
    for (i, &v) in values.iter().enumerate() {
        if i > 0 {
            pts.push(((i + 1) as f64, values[i - 1]));
        }
        pts.push(((i + 1) as f64, v));
    }
    if let Some(&v) = values.last() {
        pts.push(((values.len() + 1) as f64, v));
    }
    pts
}

/// Best robustness found against evaluations, one line per method, the zero line dashed (below it
/// the specification is violated), the legend on the right.
pub fn falsification_convergence(
    path: &Path,
    series: &[ConvergenceSeries],
    subtitle: &str,
) -> Result<()> {
    let finite = |v: &&f64| v.is_finite();
    let all = series.iter().flat_map(|s| {
        s.median.iter().chain(
            s.band
                .iter()
                .flat_map(|(lo, hi)| lo.iter().chain(hi.iter())),
        )
    });
    let (ymin, ymax) = all
        .filter(finite)
        .fold((0.0f64, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
    let n = series.iter().map(|s| s.median.len()).max().unwrap_or(0);
    if n == 0 {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot: no evaluations",
            path.display()
        )));
    }
    let ypad = ((ymax - ymin) * 0.06).max(1e-3);
    let (x_lo, x_hi, y_lo, y_hi) = (0.0, (n + 1) as f64, ymin - ypad, ymax + ypad);
    let mut legend: Vec<LegendEntry> = series
        .iter()
        .map(|s| (PALETTE[s.color % PALETTE.len()], s.label.clone(), false))
        .collect();
    legend.push((REFERENCE, "0: below, a failure".into(), true));
    let legend_w = legend_width(&legend)?;
    let (w, h) = (960 + legend_w + 30, 640u32);
    render(path, (w, h), |root, texts| {
        title(texts, w, "Falsification: best robustness found", subtitle);
        let mut chart = line_chart(root, legend_w + 56, x_lo..x_hi, y_lo..y_hi)?;
        let bx = line_axes(
            root,
            texts,
            &chart,
            &count_ticks(x_hi, 10),
            |v, _| format!("{v:.0}"),
            ("evaluations", "best robustness so far"),
        )?;
        // The failure region, faintly.
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x_lo, y_lo), (x_hi, 0.0f64.max(y_lo))],
            RGBColor(178, 24, 43).mix(0.05).filled(),
        )))?;
        chart.draw_series(DashedLineSeries::new(
            [(x_lo, 0.0), (x_hi, 0.0)],
            10,
            6,
            REFERENCE.stroke_width(2),
        ))?;
        for s in series {
            let c = PALETTE[s.color % PALETTE.len()];
            if let Some((lo, hi)) = &s.band {
                let band: Vec<(f64, f64)> = steps(hi)
                    .into_iter()
                    .chain(steps(lo).into_iter().rev())
                    .filter(|p| p.1.is_finite())
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.16).filled())))?;
            }
            chart.draw_series(LineSeries::new(
                steps(&s.median).into_iter().filter(|p| p.1.is_finite()),
                c.stroke_width(3),
            ))?;
        }
        frame(root, bx)?;
        draw_legend(root, texts, bx, legend_w, &legend, false)
    })
}

/// A searched parameter and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterParam {
    pub name: String,
    pub low: f64,
    pub high: f64,
}

/// The most parameters a pair grid shows.
pub const MAX_PAIR_PARAMS: usize = 5;

/// The evaluated parameters coloured by robustness (diverging at 0), failures as squares: one
/// parameter against the robustness, two in one panel, more as the lower triangle of a pair grid
/// (the first [`MAX_PAIR_PARAMS`]). `points` are (parameter values, robustness).
pub fn falsification_scatter(
    path: &Path,
    params: &[ScatterParam],
    points: &[(Vec<f64>, f64)],
    subtitle: &str,
) -> Result<()> {
    let pts: Vec<&(Vec<f64>, f64)> = points
        .iter()
        .filter(|(v, r)| r.is_finite() && v.len() == params.len())
        .collect();
    if params.is_empty() || pts.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: nothing to plot: no evaluated parameters",
            path.display()
        )));
    }
    // Each side of 0 spans its own range (a two-slope norm), so a small failure among large margins
    // is still red, and the worst failure the deepest red.
    // A side without points takes the other's range.
    let extent = |sign: f64| pts.iter().map(|p| sign * p.1).fold(0.0, f64::max);
    let (neg, pos) = match (extent(-1.0), extent(1.0)) {
        (0.0, 0.0) => (1.0, 1.0),
        (0.0, p) => (p, p),
        (n, 0.0) => (n, n),
        np => np,
    };
    let color_of = |r: f64| diverging_color(if r < 0.0 { r / neg } else { r / pos }, 1.0);
    let d = params.len().min(MAX_PAIR_PARAMS);
    // Panels: (x parameter, y parameter or None for the robustness, grid column, grid row).
    type Panel = (usize, Option<usize>, usize, usize);
    let (panels, grid, panel_px): (Vec<Panel>, usize, u32) = match d {
        1 => (vec![(0, None, 0, 0)], 1, 600),
        2 => (vec![(0, Some(1), 0, 0)], 1, 600),
        _ => {
            let mut v = Vec::new();
            for i in 1..d {
                for j in 0..i {
                    v.push((j, Some(i), j, i - 1));
                }
            }
            (v, d - 1, (860 / (d - 1) as u32).min(300))
        }
    };
    // Room between panels for the bottom row's tick labels, which end and start at the panels' edges.
    let gap = if grid == 1 { 0 } else { 40 };
    let (left, top, bottom, side) = (104u32, TOP + 8, 76u32, 190u32);
    let plot = grid as u32 * panel_px + (grid as u32 - 1) * gap;
    let (w, h) = (left + plot + side, top + plot + bottom);
    let safe_ring = RGBColor(120, 120, 120);
    render(path, (w, h), |root, texts| {
        title(texts, w, "Falsification: evaluated perturbations", subtitle);
        let range = |k: Option<usize>| -> (f64, f64) {
            match k {
                Some(k) => {
                    let p = &params[k];
                    let pad = (p.high - p.low) * 0.04;
                    (p.low - pad, p.high + pad)
                }
                None => {
                    let (a, b) = pts
                        .iter()
                        .fold((0.0f64, 0.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
                    let pad = ((b - a) * 0.06).max(1e-3);
                    (a - pad, b + pad)
                }
            }
        };
        for &(cx, cy, col, row) in &panels {
            let x0 = (left + col as u32 * (panel_px + gap)) as i32;
            let y0 = (top + row as u32 * (panel_px + gap)) as i32;
            let area = root.clone().shrink((x0, y0), (panel_px, panel_px));
            let (xl, xh) = range(Some(cx));
            let (yl, yh) = range(cy);
            let chart = ChartBuilder::on(&area).build_cartesian_2d(xl..xh, yl..yh)?;
            let bx = plot_box(&chart);
            let tick_target = if grid >= 3 { 4 } else { 8 };
            let xticks = placed_ticks(
                &nice_ticks(xl, xh, tick_target),
                |v| chart.backend_coord(&(v, yl)).0,
                tick_label,
            );
            let yticks = placed_ticks(
                &nice_ticks(yl, yh, tick_target),
                |v| chart.backend_coord(&(xl, v)).1,
                tick_label,
            );
            // Panels share their column's x and their row's y: tick labels and axis titles only on
            // the bottom row and the left column.
            let bottom_row = row + 1 == grid;
            let xticks: Vec<(i32, String)> = xticks
                .into_iter()
                .map(|(p, l)| (p, if bottom_row { l } else { String::new() }))
                .collect();
            let yticks: Vec<(i32, String)> = yticks
                .into_iter()
                .map(|(p, l)| (p, if col == 0 { l } else { String::new() }))
                .collect();
            let xdesc = if bottom_row {
                params[cx].name.as_str()
            } else {
                ""
            };
            let ydesc = match cy {
                None => "robustness",
                Some(k) if col == 0 => params[k].name.as_str(),
                Some(_) => "",
            };
            axis(root, texts, bx, true, &xticks, xdesc, true, 34)?;
            axis(root, texts, bx, false, &yticks, ydesc, true, 74)?;
            if cy.is_none() {
                chart
                    .plotting_area()
                    .draw(&plotters::element::DashedPathElement::new(
                        [(xl, 0.0), (xh, 0.0)],
                        10,
                        6,
                        REFERENCE.stroke_width(2),
                    ))?;
            }
            let r = if grid >= 3 { 4 } else { 6 };
            // Safe points first, so failures are never hidden under them.
            for failed in [false, true] {
                for (v, rob) in pts.iter().map(|p| (&p.0, p.1)) {
                    if (rob < 0.0) != failed {
                        continue;
                    }
                    let at = chart.backend_coord(&(v[cx], cy.map_or(rob, |k| v[k])));
                    let c = color_of(rob);
                    if failed {
                        let rect = [(at.0 - r, at.1 - r), (at.0 + r, at.1 + r)];
                        root.draw(&Rectangle::new(rect, c.filled()))?;
                        root.draw(&Rectangle::new(rect, BLACK.stroke_width(1)))?;
                    } else {
                        root.draw(&Circle::new(at, r, c.filled()))?;
                        root.draw(&Circle::new(at, r, safe_ring.stroke_width(1)))?;
                    }
                }
            }
            frame(root, bx)?;
        }
        // The colorbar, the largest margin at the top, the worst failure at the bottom, and the
        // markers' legend under it.
        let (cbx, cby, cbw) = ((left + plot + 40) as i32, top as i32, 22);
        let cbh = (plot.min(420)) as i32;
        for k in 0..cbh {
            let t = 1.0 - 2.0 * k as f64 / (cbh - 1).max(1) as f64;
            root.draw(&Rectangle::new(
                [(cbx, cby + k), (cbx + cbw, cby + k + 1)],
                diverging_color(t, 1.0).filled(),
            ))?;
        }
        root.draw(&Rectangle::new(
            [(cbx, cby), (cbx + cbw, cby + cbh)],
            AXIS.stroke_width(1),
        ))?;
        for (v, y) in [(pos, cby), (0.0, cby + cbh / 2), (-neg, cby + cbh)] {
            root.draw(&PathElement::new(
                vec![(cbx + cbw, y), (cbx + cbw + 5, y)],
                AXIS.stroke_width(1),
            ))?;
            texts.put(
                format_robustness(v),
                (cbx + cbw + 8, y),
                13.0,
                (H::Left, V::Center),
            );
        }
        texts.put_styled(
            "robustness",
            (cbx - 26, cby + cbh / 2),
            15.0,
            (H::Center, V::Top),
            INK,
            true,
        );
        let ly = cby + cbh + 30;
        root.draw(&Circle::new(
            (cbx + 6, ly),
            6,
            diverging_color(0.6, 1.0).filled(),
        ))?;
        root.draw(&Circle::new((cbx + 6, ly), 6, safe_ring.stroke_width(1)))?;
        texts.put("safe (≥ 0)", (cbx + 20, ly), 14.0, (H::Left, V::Center));
        let rect = [(cbx, ly + 20), (cbx + 12, ly + 32)];
        root.draw(&Rectangle::new(rect, diverging_color(-0.6, 1.0).filled()))?;
        root.draw(&Rectangle::new(rect, BLACK.stroke_width(1)))?;
        texts.put(
            "failure (< 0)",
            (cbx + 20, ly + 26),
            14.0,
            (H::Left, V::Center),
        );
        Ok(())
    })
}

fn format_robustness(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 0.01 && v.abs() < 1e4 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(nice_ticks(0.0, 0.506, 5), [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(nice_ticks(0.46, 1.01, 10), [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
        assert_eq!(
            nice_ticks(0.94, 1.0, 8),
            [0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0]
        );
        assert_eq!(
            nice_ticks(-130.0, 240.0, 8),
            [-100.0, -50.0, 0.0, 50.0, 100.0, 150.0, 200.0]
        );
        assert_eq!(
            count_ticks(14.9, 8),
            [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]
        );
        assert_eq!(count_ticks(1.15, 6), [0.0, 1.0]);
        assert_eq!(index_ticks(128), [0, 16, 32, 48, 64, 80, 96, 112]);
        assert_eq!(index_ticks(4), [0, 1, 2, 3]);
        assert_eq!(tick_label(0.55, 0.05), "0.55");
        assert_eq!(tick_label(0.3, 0.1), "0.3");
        assert_eq!(tick_label(200.0, 50.0), "200");
    }

    #[test]
    fn zero_is_white_and_magnitudes_follow_viridis() {
        assert_eq!(magnitude_color(0.0, 1.0), WHITE);
        assert_eq!(magnitude_color(-0.0, 1.0), WHITE);
        assert_eq!(magnitude_color(1.0, 1.0), RGBColor(254, 232, 37));
        assert_ne!(magnitude_color(1e-6, 1.0), WHITE);
    }

    #[test]
    fn degenerate_matrices_still_draw() {
        let dir = tempfile::tempdir().unwrap();
        for (rows, cols, values) in [
            (1, 1, vec![0.5]),
            (3, 2, vec![0.0; 6]),
            (2, 300, vec![1e-7; 600]),
        ] {
            let path = dir.path().join(format!("{rows}x{cols}.png"));
            let m = Matrix {
                rows,
                cols,
                values: &values,
            };
            weight_heatmap(&path, "t", "s", m).unwrap();
            let fates = vec![Fate::Pruned; rows * cols];
            mask_figure(&path, "t", "s", rows, cols, &fates).unwrap();
        }
        let panel = HistogramPanel {
            title: "empty".into(),
            magnitudes: vec![],
            zeros: 4,
            threshold: None,
        };
        magnitude_histograms(&dir.path().join("h.png"), "t", "s", &[panel]).unwrap();
        let one = SweepSeries {
            label: "one point".into(),
            points: vec![(0.5, 10.0, 0.0)],
            dense: None,
        };
        prune_vs_rewards(&dir.path().join("c.png"), &[one], "s").unwrap();
        let none = SweepSeries {
            label: "none".into(),
            points: vec![],
            dense: Some(1.0),
        };
        assert!(prune_vs_rewards(&dir.path().join("d.png"), &[none], "s").is_err());
    }

    #[test]
    fn heatmap_cells_tile_the_plot() {
        let l = HeatmapLayout::for_matrix(128, 4);
        assert_eq!(l.col_edges.len(), 5);
        assert!(l.col_edges.windows(2).all(|w| w[1] > w[0]));
        assert!(l.row_edges.windows(2).all(|w| w[1] > w[0]));
    }
}
