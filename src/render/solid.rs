//! A deterministic software view of 3-D bodies: spheres and capsules (MJCF geoms in world
//! coordinates) ray-traced from a pinhole camera over a checked ground, flat Lambert shading from a
//! fixed light, `samples × samples` rays a pixel averaged. Everything is f64 arithmetic and
//! correctly rounded square roots (one `tan` a frame), so a scene gives the same bytes on every
//! IEEE-754 machine. It draws the 3-D environments' GIFs and the reachers' RGB observations.

use rayon::prelude::*;

use crate::env::rapier::mjcf::{Geom, Shape};

type V = [f64; 3];

fn sub(a: V, b: V) -> V {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn add(a: V, b: V) -> V {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
fn scale(a: V, s: f64) -> V {
    [a[0] * s, a[1] * s, a[2] * s]
}
fn dot(a: V, b: V) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V, b: V) -> V {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
fn unit(a: V) -> V {
    scale(a, 1.0 / dot(a, a).sqrt())
}

/// A pinhole camera: at `eye`, looking at `target`, `up` the image's up (any vector not along the
/// view), `fov_y` the vertical field of view in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub eye: V,
    pub target: V,
    pub up: V,
    pub fov_y: f64,
}

impl Camera {
    /// Roboschool's camera over the planar reachers (`move_and_look_at(0, 0, 1, 0, 0, 0.4)`),
    /// straight down with +y up in the image; a 90° field of view holds the arm's whole reach.
    pub const OVERHEAD: Camera = Camera {
        eye: [0.0, 0.0, 1.0],
        target: [0.0, 0.0, 0.4],
        up: [0.0, 1.0, 0.0],
        fov_y: 90.0,
    };
    /// Roboschool's camera for Reacher3D (`move_and_look_at(0.5, 0, 1, 0, 0, 0.4)`).
    pub const REACHER_3D: Camera = Camera {
        eye: [0.5, 0.0, 1.0],
        target: [0.0, 0.0, 0.4],
        up: [0.0, 0.0, 1.0],
        fov_y: 90.0,
    };
}

/// The ground under the bodies: squares of `cell` metres in two greys ([`Ground::PLAIN`]: one grey);
/// the sky elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ground {
    pub cell: f64,
}

impl Ground {
    /// One grey everywhere: nothing on the ground for a network to read.
    pub const PLAIN: Ground = Ground {
        cell: f64::INFINITY,
    };
}

const SKY: V = [0.80, 0.86, 0.93];
const GROUND_A: V = [0.78, 0.78, 0.76];
const GROUND_B: V = [0.66, 0.66, 0.64];
/// Toward the light: from above, a little in front and to the left.
const LIGHT: V = [-0.3, -0.45, 0.84];
const AMBIENT: f64 = 0.35;

/// The nearest positive `t` where the ray `o + t d` (unit `d`) meets the sphere, and the normal.
fn hit_sphere(o: V, d: V, c: V, r: f64) -> Option<(f64, V)> {
    let oc = sub(o, c);
    let b = dot(oc, d);
    let disc = b * b - (dot(oc, oc) - r * r);
    if disc < 0.0 {
        return None;
    }
    let t = -b - disc.sqrt();
    (t > 1e-9).then(|| (t, scale(sub(add(o, scale(d, t)), c), 1.0 / r)))
}

/// The same for the capsule from `a` to `b` of radius `r`: the cylinder's side, else either cap.
fn hit_capsule(o: V, d: V, a: V, b: V, r: f64) -> Option<(f64, V)> {
    let ba = sub(b, a);
    let baba = dot(ba, ba);
    if baba == 0.0 {
        return hit_sphere(o, d, a, r);
    }
    let oa = sub(o, a);
    let bard = dot(ba, d);
    let baoa = dot(ba, oa);
    let rdoa = dot(d, oa);
    let oaoa = dot(oa, oa);
    let qa = baba - bard * bard;
    let qb = baba * rdoa - baoa * bard;
    let qc = baba * oaoa - baoa * baoa - r * r * baba;
    let mut best: Option<(f64, V)> = None;
    if qa > 0.0 {
        let h = qb * qb - qa * qc;
        if h >= 0.0 {
            let t = (-qb - h.sqrt()) / qa;
            let y = baoa + t * bard;
            if t > 1e-9 && y > 0.0 && y < baba {
                let p = add(o, scale(d, t));
                let axis = add(a, scale(ba, y / baba));
                best = Some((t, scale(sub(p, axis), 1.0 / r)));
            }
        }
    }
    for c in [a, b] {
        if let Some(h) = hit_sphere(o, d, c, r) {
            if best.is_none_or(|(t, _)| h.0 < t) {
                best = Some(h);
            }
        }
    }
    best
}

/// The colour seen along the ray `o + t d`, testing the solids `candidates` names.
fn trace(o: V, d: V, solids: &[(Shape, V)], candidates: &[usize], ground: Option<Ground>) -> V {
    let mut best: Option<(f64, V, V)> = None;
    for (shape, color) in candidates.iter().map(|&i| &solids[i]) {
        let h = match *shape {
            Shape::Sphere { center, radius } => hit_sphere(o, d, center, radius),
            Shape::Capsule { a, b, radius } => hit_capsule(o, d, a, b, radius),
        };
        if let Some((t, n)) = h {
            if best.is_none_or(|(bt, ..)| t < bt) {
                best = Some((t, n, *color));
            }
        }
    }
    if let Some(g) = ground {
        if d[2] < 0.0 {
            let t = -o[2] / d[2];
            if t > 0.0 && best.is_none_or(|(bt, ..)| t < bt) {
                let p = add(o, scale(d, t));
                let (i, j) = ((p[0] / g.cell).floor(), (p[1] / g.cell).floor());
                let even = !g.cell.is_finite() || (i + j).rem_euclid(2.0) == 0.0;
                return if even { GROUND_A } else { GROUND_B };
            }
        }
    }
    match best {
        None => SKY,
        Some((_, n, c)) => {
            let light = unit(LIGHT);
            let k = AMBIENT + (1.0 - AMBIENT) * dot(n, light).max(0.0);
            scale(c, k)
        }
    }
}

/// The RGB image (`height` rows of `width` pixels, 3 bytes each, top row first) of `geoms` seen by
/// `camera`, with `samples × samples` rays a pixel.
pub fn render(
    geoms: &[Geom],
    camera: &Camera,
    size: (usize, usize),
    samples: usize,
    ground: Option<Ground>,
) -> Vec<u8> {
    render_culled(geoms, camera, size, samples, ground, true)
}

/// [`render`], with the projected-bounds culling on or off (the same bytes either way: tested).
fn render_culled(
    geoms: &[Geom],
    camera: &Camera,
    (width, height): (usize, usize),
    samples: usize,
    ground: Option<Ground>,
    cull: bool,
) -> Vec<u8> {
    let solids: Vec<(Shape, V)> = geoms
        .iter()
        .map(|g| (g.shape.clone(), [g.rgba[0], g.rgba[1], g.rgba[2]]))
        .collect();
    let forward = unit(sub(camera.target, camera.eye));
    let right = unit(cross(forward, camera.up));
    let up = cross(right, forward);
    let half_h = (camera.fov_y.to_radians() / 2.0).tan();
    let half_w = half_h * width as f64 / height as f64;
    let s = samples.max(1);
    // Each solid's bounding sphere, projected: the pixels it may cover (a conservative rectangle;
    // off the axis a sphere's image stretches by up to 1 + tan² of the angle). Rays test only the
    // solids whose rectangle holds their pixel; a solid around or behind the camera, every ray.
    let focal = height as f64 / 2.0 / half_h;
    let boxes: Vec<[f64; 4]> = solids
        .iter()
        .map(|(shape, _)| {
            let (c, r) = match *shape {
                Shape::Sphere { center, radius } => (center, radius),
                Shape::Capsule { a, b, radius } => {
                    let c = scale(add(a, b), 0.5);
                    let half = sub(b, c);
                    (c, dot(half, half).sqrt() + radius)
                }
            };
            let rel = sub(c, camera.eye);
            let z = dot(rel, forward);
            if !cull || z <= r * 1.01 {
                return [
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                ];
            }
            let (x, y) = (dot(rel, right) / z, dot(rel, up) / z);
            let stretch = 1.0 + (x.abs() + r / (z - r)).powi(2) + (y.abs() + r / (z - r)).powi(2);
            let rpx = r / (z - r) * focal * stretch + 2.0;
            let (cx, cy) = (
                (x / half_w + 1.0) / 2.0 * width as f64,
                (1.0 - y / half_h) / 2.0 * height as f64,
            );
            [cx - rpx, cx + rpx, cy - rpx, cy + rpx]
        })
        .collect();
    let render_row = |row: usize| -> Vec<u8> {
        let mut out = Vec::with_capacity(width * 3);
        let in_row: Vec<usize> = (0..solids.len())
            .filter(|&i| boxes[i][2] <= (row + 1) as f64 && boxes[i][3] >= row as f64)
            .collect();
        let mut candidates = Vec::with_capacity(in_row.len());
        for col in 0..width {
            candidates.clear();
            candidates.extend(
                in_row
                    .iter()
                    .filter(|&&i| boxes[i][0] <= (col + 1) as f64 && boxes[i][1] >= col as f64),
            );
            let mut sum = [0.0; 3];
            for sy in 0..s {
                for sx in 0..s {
                    let u =
                        ((col as f64 + (sx as f64 + 0.5) / s as f64) / width as f64) * 2.0 - 1.0;
                    let v =
                        1.0 - ((row as f64 + (sy as f64 + 0.5) / s as f64) / height as f64) * 2.0;
                    let d = unit(add(
                        forward,
                        add(scale(right, u * half_w), scale(up, v * half_h)),
                    ));
                    sum = add(sum, trace(camera.eye, d, &solids, &candidates, ground));
                }
            }
            let n = (s * s) as f64;
            for c in sum {
                out.push((c / n * 255.0).round().clamp(0.0, 255.0) as u8);
            }
        }
        out
    };
    // Rows are independent: the same bytes on any number of threads.
    (0..height)
        .into_par_iter()
        .map(render_row)
        .collect::<Vec<_>>()
        .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ball(center: V, radius: f64, rgba: [f64; 4]) -> Geom {
        Geom {
            name: "b".into(),
            shape: Shape::Sphere { center, radius },
            friction: 1.0,
            rgba,
        }
    }

    #[test]
    fn a_sphere_below_the_overhead_camera_is_in_the_middle() {
        let red = ball([0.0, 0.0, 0.41], 0.1, [1.0, 0.0, 0.0, 1.0]);
        let img = render(&[red], &Camera::OVERHEAD, (21, 21), 1, None);
        let px = |r: usize, c: usize| &img[(r * 21 + c) * 3..(r * 21 + c) * 3 + 3];
        assert!(
            px(10, 10)[0] > 150 && px(10, 10)[1] == 0,
            "{:?}",
            px(10, 10)
        );
        assert_eq!(px(0, 0), [204, 219, 237], "the sky at the corner");
    }

    #[test]
    fn plus_y_is_up_and_plus_x_right_in_the_overhead_image() {
        let g = ball([0.3, 0.0, 0.41], 0.05, [0.0, 1.0, 0.0, 1.0]);
        let b = ball([0.0, 0.3, 0.41], 0.05, [0.0, 0.0, 1.0, 1.0]);
        let img = render(&[g, b], &Camera::OVERHEAD, (41, 41), 1, None);
        let px = |r: usize, c: usize| img[(r * 41 + c) * 3..(r * 41 + c) * 3 + 3].to_vec();
        // 0.3 m at 0.59 m below the camera with a 90° view: 0.3 / 0.59 of the half-width (20 px).
        let off = (0.3 / 0.59 * 20.0f64).round() as usize;
        assert!(px(20, 20 + off)[1] > 100, "green to the right");
        assert!(px(20 - off, 20)[2] > 100, "blue above");
    }

    #[test]
    fn the_plain_ground_is_one_grey() {
        let img = render(&[], &Camera::OVERHEAD, (30, 30), 2, Some(Ground::PLAIN));
        assert!(
            img.chunks_exact(3).all(|p| p == [199, 199, 194]),
            "{:?}",
            &img[..6]
        );
        let checked = render(
            &[],
            &Camera::OVERHEAD,
            (30, 30),
            2,
            Some(Ground { cell: 0.1 }),
        );
        assert_ne!(img, checked);
    }

    #[test]
    fn culling_changes_no_byte() {
        // The ant's bodies from its GIF camera, and the reacher's from the overhead one.
        let mut geoms = Vec::new();
        for k in 0..12 {
            let a = k as f64 * 0.52;
            let (x, y) = (a.cos(), a.sin());
            geoms.push(Geom {
                name: "c".into(),
                shape: Shape::Capsule {
                    a: [0.3 * x, 0.3 * y, 0.4],
                    b: [0.9 * x, 0.9 * y, 0.05 + 0.02 * k as f64],
                    radius: 0.08,
                },
                friction: 1.0,
                rgba: [0.8, 0.6, 0.4, 1.0],
            });
        }
        geoms.push(ball([0.0, 0.0, 0.5], 0.25, [0.8, 0.6, 0.4, 1.0]));
        let cam = Camera {
            eye: [-1.6, -2.6, 1.9],
            target: [0.0, 0.0, 0.3],
            up: [0.0, 0.0, 1.0],
            fov_y: 50.0,
        };
        for (camera, size) in [(cam, (120, 80)), (Camera::OVERHEAD, (40, 40))] {
            let g = Some(Ground { cell: 0.5 });
            assert_eq!(
                render_culled(&geoms, &camera, size, 2, g, true),
                render_culled(&geoms, &camera, size, 2, g, false)
            );
        }
    }

    #[test]
    fn a_capsule_is_hit_along_its_side_and_at_its_caps() {
        let (a, b) = ([0.0, 0.0, 0.0], [1.0, 0.0, 0.0]);
        let down = [0.0, 0.0, -1.0];
        let (t, n) = hit_capsule([0.5, 0.0, 2.0], down, a, b, 0.1).unwrap();
        assert!((t - 1.9).abs() < 1e-12 && (n[2] - 1.0).abs() < 1e-12);
        let (t, _) = hit_capsule([1.05, 0.0, 2.0], down, a, b, 0.1).unwrap();
        assert!(
            (t - (2.0 - (0.01f64 - 0.0025).sqrt())).abs() < 1e-12,
            "the cap: {t}"
        );
        assert!(hit_capsule([1.2, 0.0, 2.0], down, a, b, 0.1).is_none());
    }
}
