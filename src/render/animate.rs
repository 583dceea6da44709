//! Scenes as an animated GIF: frames in real time where the GIF's 20 ms resolution allows, a fixed
//! 256-colour palette, only the changed rectangle stored after the first frame.

use std::borrow::Cow;
use std::path::Path;

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::solid::{self, Camera, Ground};
use super::{bipedal_scene, lunar_flames, lunar_kind, scene_of, walker_replay, Kind, Scene, Shape};
use crate::env::rapier::mjcf::{Geom, Shape as Solid};
use crate::env::Action;
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use crate::plot::{draw_rgb, Canvas, Caption};
use crate::rollout::Trajectory;

/// Frame size in pixels, and the header above the scene.
pub(super) const W: u32 = 600;
pub(super) const H: u32 = 440;
pub(super) const HEADER: u32 = 56;
/// GIF delays are in hundredths of a second; browsers play anything under 2 at 10.
const MIN_DELAY_CS: u16 = 2;
pub(super) const MAX_FRAMES: usize = 300;
/// The last frame stays a second, so the end of the episode can be seen.
pub(super) const LAST_DELAY_CS: u16 = 100;

/// Which observations become frames (every `stride`-th, and the last), and the delay of each frame in
/// hundredths of a second: the episode plays in real time where the GIF's 20 ms resolution allows.
pub fn frame_plan(n_obs: usize, dt: f64) -> (Vec<usize>, u16) {
    if n_obs == 0 {
        return (Vec::new(), MIN_DELAY_CS);
    }
    let real_time = (MIN_DELAY_CS as f64 / 100.0 / dt - 1e-9).ceil().max(1.0) as usize;
    let stride = real_time.max(n_obs.div_ceil(MAX_FRAMES));
    let mut idx: Vec<usize> = (0..n_obs).step_by(stride).collect();
    if *idx.last().unwrap() != n_obs - 1 {
        idx.push(n_obs - 1);
    }
    let delay = ((stride as f64 * dt * 100.0).round() as u16).max(MIN_DELAY_CS);
    (idx, delay)
}

/// World to pixel: one scale on both axes, the view centred in the area below the header.
#[derive(Debug, Clone, Copy)]
struct Mapping {
    scale: f64,
    cx: f64,
    cy: f64,
    mx: f64,
    my: f64,
}

impl Mapping {
    fn new(view: (f64, f64, f64, f64)) -> Self {
        let (aw, ah) = ((W - 20) as f64, (H - HEADER - 10) as f64);
        let scale = (aw / (view.1 - view.0)).min(ah / (view.3 - view.2));
        Mapping {
            scale,
            cx: W as f64 / 2.0,
            cy: HEADER as f64 + ah / 2.0,
            mx: (view.0 + view.1) / 2.0,
            my: (view.2 + view.3) / 2.0,
        }
    }

    fn px(&self, (x, y): (f64, f64)) -> (i32, i32) {
        (
            (self.cx + (x - self.mx) * self.scale).round() as i32,
            (self.cy - (y - self.my) * self.scale).round() as i32,
        )
    }
}

fn draw_scene(canvas: &Canvas, sc: &Scene) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let m = Mapping::new(sc.view);
    for p in &sc.parts {
        let color = RGBColor(p.color.0, p.color.1, p.color.2);
        match &p.shape {
            Shape::Polygon(pts) => {
                let px: Vec<(i32, i32)> = pts.iter().map(|&q| m.px(q)).collect();
                canvas.draw(&Polygon::new(px, color.filled()))?;
            }
            Shape::Line {
                points,
                width,
                dashed,
            } => {
                let px: Vec<(i32, i32)> = points.iter().map(|&q| m.px(q)).collect();
                let style = color.stroke_width(*width);
                if *dashed {
                    canvas.draw(&DashedPathElement::new(px, 8, 6, style))?;
                } else {
                    canvas.draw(&PathElement::new(px, style))?;
                }
            }
            Shape::Circle { center, radius } => {
                let r = (radius * m.scale).round().max(1.0) as i32;
                canvas.draw(&Circle::new(m.px(*center), r, color.filled()))?;
            }
        }
    }
    Ok(())
}

/// The fixed palette: a 6×6×6 colour cube, then 40 greys.
pub(super) fn palette() -> Vec<u8> {
    let mut p = Vec::with_capacity(256 * 3);
    for r in 0..6u32 {
        for g in 0..6u32 {
            for b in 0..6u32 {
                p.extend([r * 51, g * 51, b * 51].map(|v| v as u8));
            }
        }
    }
    for i in 0..40u32 {
        let v = (i * 255 / 39) as u8;
        p.extend([v, v, v]);
    }
    p
}

pub(super) fn palette_index(r: u8, g: u8, b: u8) -> u8 {
    let (lo, hi) = (r.min(g).min(b), r.max(g).max(b));
    if hi - lo <= 12 {
        let mean = (r as u32 + g as u32 + b as u32) / 3;
        216 + ((mean * 39 + 127) / 255) as u8
    } else {
        let q = |v: u8| (v as u32 + 25) / 51;
        (36 * q(r) + 6 * q(g) + q(b)) as u8
    }
}

fn action_text(a: &Action) -> String {
    match a {
        Action::Discrete(i) => format!("action {i}"),
        Action::Continuous(v) => {
            let parts: Vec<String> = v.iter().map(|x| format!("{x:+.2}")).collect();
            format!("action {}", parts.join(" "))
        }
    }
}

/// Render `traj` of `env_id` as an animated GIF at `path` (atomically), one frame per step (fewer
/// for long episodes), each showing `title`, the step, the time and the action taken.
pub fn render_gif(env_id: &str, traj: &Trajectory, title: &str, path: &Path) -> Result<()> {
    let k = lunar_kind(env_id, traj.seed)?;
    let walker = match k {
        Kind::BipedalWalker { hardcore } => Some(walker_replay(hardcore, traj)?),
        _ => None,
    };
    let n = traj.observations.len();
    if n == 0 {
        return Err(Error::Invalid(format!(
            "{}: the trajectory has no observation to draw",
            path.display()
        )));
    }
    let (frames, delay) = frame_plan(n, k.dt());
    let solids = match k {
        Kind::Solid { .. } => Some(solid_replay(env_id, traj, &frames)?),
        _ => None,
    };
    let steps = n - 1;
    encode_frames(path, frames.len(), delay, |fi| {
        let i = frames[fi];
        let mut sc = match (&walker, &solids) {
            (Some((terrain, poses)), _) => bipedal_scene(terrain, &poses[i.min(poses.len() - 1)]),
            // Ray-traced below.
            (None, Some(_)) => Scene {
                view: (0.0, 1.0, 0.0, 1.0),
                parts: Vec::new(),
            },
            (None, None) => scene_of(k, env_id, &traj.observations[i], &traj.perturbation)?,
        };
        if let (Kind::LunarLander { .. }, Some(a)) = (k, traj.actions.get(i)) {
            sc.parts.extend(lunar_flames(&traj.observations[i], a));
        }
        let mut status = format!("step {i}/{steps}   t = {:.2} s", i as f64 * k.dt());
        if let Some(a) = traj.actions.get(i) {
            status.push_str("   ");
            status.push_str(&action_text(a));
        }
        let captions = [
            Caption {
                text: title.to_string(),
                at: (W as i32 / 2, 8),
                size: 17.0,
                centered: true,
                grey: false,
            },
            Caption {
                text: status,
                at: (W as i32 / 2, 32),
                size: 14.0,
                centered: true,
                grey: true,
            },
        ];
        match (&solids, k) {
            (Some(s), Kind::Solid { ant }) => {
                let view = solid_view(&s[fi], ant);
                draw_rgb((W, H), &captions, |c| blit(c, &view, 0, HEADER, W))
            }
            _ => draw_rgb((W, H), &captions, |c| draw_scene(c, &sc)),
        }
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))
    })
}

/// One frame of `--mimic --display`: the arm and the target it was given (its two markers), the
/// image of the pose it is mimicking, and a line of status.
#[derive(Debug, Clone)]
pub struct MimicFrame {
    pub geoms: Vec<Geom>,
    /// The target image: `size × size` RGB.
    pub image: Vec<u8>,
    pub size: usize,
    pub status: String,
}

/// Side of the two views of a mimicry frame, in pixels.
const MIMIC_VIEW: u32 = 280;

/// `--mimic --display`: `frames` (taken every `stride` steps of `dt` s) as an animated GIF at `path`,
/// the arm from Roboschool's overhead camera on the left, the target image (enlarged, nearest
/// pixel) on the right.
pub fn mimic_gif(
    path: &Path,
    title: &str,
    frames: &[MimicFrame],
    stride: usize,
    dt: f64,
) -> Result<()> {
    if frames.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no frame to draw",
            path.display()
        )));
    }
    let delay = ((stride as f64 * dt * 100.0).round() as u16).max(MIN_DELAY_CS);
    let v = MIMIC_VIEW as usize;
    let top = HEADER + 20;
    let (left, right) = (W / 2 - MIMIC_VIEW - 10, W / 2 + 10);
    encode_frames(path, frames.len(), delay, |fi| {
        let f = &frames[fi];
        let arm = solid::render(&f.geoms, &Camera::OVERHEAD, (v, v), 2, Some(Ground::PLAIN));
        let target: Vec<u8> = (0..v * v)
            .flat_map(|k| {
                let (x, y) = (k % v * f.size / v, k / v * f.size / v);
                let p = (y * f.size + x) * 3;
                [f.image[p], f.image[p + 1], f.image[p + 2]]
            })
            .collect();
        let caption = |text: &str, at: (i32, i32), size: f32, grey: bool| Caption {
            text: text.to_string(),
            at,
            size,
            centered: true,
            grey,
        };
        let captions = [
            caption(title, (W as i32 / 2, 8), 17.0, false),
            caption(&f.status, (W as i32 / 2, 32), 14.0, true),
            caption(
                "the arm",
                ((left + MIMIC_VIEW / 2) as i32, HEADER as i32),
                13.0,
                true,
            ),
            caption(
                "the target image",
                ((right + MIMIC_VIEW / 2) as i32, HEADER as i32),
                13.0,
                true,
            ),
        ];
        draw_rgb((W, H), &captions, |c| {
            blit(c, &arm, left, top, MIMIC_VIEW)?;
            blit(c, &target, right, top, MIMIC_VIEW)
        })
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))
    })
}

/// Encode `count` frames of `W × H` RGB (`rgb_of(i)` draws frame i) as an animated GIF at `path`
/// (atomically): `delay` hundredths of a second a frame, the last one a second.
fn encode_frames(
    path: &Path,
    count: usize,
    delay: u16,
    mut rgb_of: impl FnMut(usize) -> Result<Vec<u8>>,
) -> Result<()> {
    let err =
        |e: gif::EncodingError| Error::Invalid(format!("{}: GIF encoding: {e}", path.display()));
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, W as u16, H as u16, &palette()).map_err(err)?;
        enc.set_repeat(gif::Repeat::Infinite).map_err(err)?;
        let mut prev: Option<Vec<u8>> = None;
        for fi in 0..count {
            let rgb = rgb_of(fi)?;
            let idx: Vec<u8> = rgb
                .chunks_exact(3)
                .map(|p| palette_index(p[0], p[1], p[2]))
                .collect();
            let mut frame = gif::Frame {
                delay: if fi + 1 == count {
                    LAST_DELAY_CS
                } else {
                    delay
                },
                dispose: gif::DisposalMethod::Keep,
                ..gif::Frame::default()
            };
            // Only the rectangle that changed since the previous frame.
            let (x0, y0, x1, y1) = match &prev {
                None => (0, 0, W as usize - 1, H as usize - 1),
                Some(p) => changed_box(p, &idx).unwrap_or((0, 0, 0, 0)),
            };
            frame.left = x0 as u16;
            frame.top = y0 as u16;
            frame.width = (x1 - x0 + 1) as u16;
            frame.height = (y1 - y0 + 1) as u16;
            let mut sub = Vec::with_capacity(frame.width as usize * frame.height as usize);
            for y in y0..=y1 {
                sub.extend_from_slice(&idx[y * W as usize + x0..=y * W as usize + x1]);
            }
            frame.buffer = Cow::Owned(sub);
            enc.write_frame(&frame).map_err(err)?;
            prev = Some(idx);
        }
    }
    write_atomic(path, &out)
}

/// The bodies at each of `frames` (indices into the observations: 0 after reset and perturbation,
/// i after step i), from a replay of `traj` in a fresh `env_id` (exact: the engine is deterministic).
fn solid_replay(env_id: &str, traj: &Trajectory, frames: &[usize]) -> Result<Vec<Vec<Geom>>> {
    let mut env = crate::env::make(env_id)?;
    env.reset(Some(traj.seed));
    crate::env::perturb::apply(env.as_mut(), &traj.perturbation)?;
    let mut out = Vec::with_capacity(frames.len());
    let mut next = frames.iter().peekable();
    for i in 0..=traj.actions.len() {
        if i > 0 {
            env.step(&traj.actions[i - 1]);
        }
        while next.peek() == Some(&&i) {
            out.push(env.solids());
            next.next();
        }
    }
    Ok(out)
}

/// The scene area (below the header) of a 3-D frame: the reachers from a fixed camera in front and
/// to the right, on 0.1 m squares; the ant from behind and to its right, following the torso, on
/// 0.5 m squares. 2 × 2 rays a pixel.
fn solid_view(geoms: &[Geom], ant: bool) -> Vec<u8> {
    let (camera, ground) = if ant {
        let torso = match geoms.first().map(|g| &g.shape) {
            Some(Solid::Sphere { center, .. }) => *center,
            _ => [0.0, 0.0, 0.5],
        };
        let target = [torso[0], torso[1], 0.3];
        let camera = Camera {
            eye: [target[0] - 1.6, target[1] - 2.6, 1.9],
            target,
            up: [0.0, 0.0, 1.0],
            fov_y: 50.0,
        };
        (camera, Ground { cell: 0.5 })
    } else {
        let camera = Camera {
            eye: [0.75, -0.8, 1.0],
            target: [0.0, 0.0, 0.32],
            up: [0.0, 0.0, 1.0],
            fov_y: 50.0,
        };
        (camera, Ground { cell: 0.1 })
    };
    solid::render(
        geoms,
        &camera,
        (W as usize, (H - HEADER) as usize),
        2,
        Some(ground),
    )
}

/// Copy an RGB image `width` pixels wide into the canvas, its top-left corner at (`left`, `top`).
fn blit(
    canvas: &Canvas,
    rgb: &[u8],
    left: u32,
    top: u32,
    width: u32,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    for (k, px) in rgb.chunks_exact(3).enumerate() {
        let (x, y) = (
            (left + k as u32 % width) as i32,
            (top + k as u32 / width) as i32,
        );
        canvas.draw_pixel((x, y), &RGBColor(px[0], px[1], px[2]))?;
    }
    Ok(())
}

/// The smallest rectangle `(x0, y0, x1, y1)` (inclusive) holding every pixel that differs.
fn changed_box(a: &[u8], b: &[u8]) -> Option<(usize, usize, usize, usize)> {
    let w = W as usize;
    let mut bx: Option<(usize, usize, usize, usize)> = None;
    for (y, (ra, rb)) in a.chunks_exact(w).zip(b.chunks_exact(w)).enumerate() {
        if ra == rb {
            continue;
        }
        let first = ra.iter().zip(rb).position(|(p, q)| p != q).unwrap();
        let last = w
            - 1
            - ra.iter()
                .rev()
                .zip(rb.iter().rev())
                .position(|(p, q)| p != q)
                .unwrap();
        bx = Some(match bx {
            None => (first, y, last, y),
            Some((x0, y0, x1, _)) => (x0.min(first), y0, x1.max(last), y),
        });
    }
    bx
}
