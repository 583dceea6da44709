//! Python's and NumPy's own arithmetic where it is not IEEE's correctly rounded one, so that the
//! environments reproduce their references bit for bit.

use std::hint::black_box;

/// `x ** 2` on a float64 scalar. Python and NumPy call libm's `pow`, which is not always the correctly
/// rounded `x * x` (about 0.1% of inputs differ by 1 ulp under glibc); calling the same libm is exact.
/// `black_box` keeps the compiler from folding `pow(x, 2.0)` into `x * x`.
#[inline]
pub fn pow2_f64(x: f64) -> f64 {
    x.powf(black_box(2.0))
}

/// `u ** 2` on a NumPy 2 float32 scalar: libm's `powf`, likewise not always `u * u` rounded.
#[inline]
pub fn pow2_f32(u: f32) -> f32 {
    u.powf(black_box(2.0))
}

/// Python's float `a % m`: the result takes the divisor's sign; a zero remainder is +0.0 for m > 0.
#[inline]
pub fn py_mod(a: f64, m: f64) -> f64 {
    let mut r = a % m;
    if r != 0.0 {
        if (r < 0.0) != (m < 0.0) {
            r += m;
        }
    } else {
        r = 0.0f64.copysign(m);
    }
    r
}

// NumPy's float32 sin/cos (numpy/core/src/umath/loops_trigonometric.dispatch.c.src, NumPy 1.26 and
// 2.x alike on x86-64 with FMA3 or AVX-512): Cody–Waite reduction by pi/2 in three fused steps, then
// minimax polynomials on [-pi/4, pi/4]. It differs from the correctly rounded result in about 15% of
// inputs, so a float32 `np.sin`/`np.cos` needs exactly this. Every `mul_add` below is one fused
// multiply-add there, every plain product a rounded one.
const TWO_OVER_PI: f32 = f32::from_bits(0x3f22_f983); // 0x1.45f306p-1
const PIO2_HIGH: f32 = f32::from_bits(0xbfc9_0fd8); // -0x1.921fb0p+00
const PIO2_MED: f32 = f32::from_bits(0xb4a8_885a); // -0x1.5110b4p-22
const PIO2_LOW: f32 = f32::from_bits(0xa7c2_34c4); // -0x1.846988p-48
const RINT_MAGIC: f32 = 12_582_912.0; // 0x1.8p+23
/// Beyond these, NumPy calls libm (`cosf`/`sinf`).
const COS_MAX: f32 = f32::from_bits(0x478b_9a08); // 71476.0625f
const SIN_MAX: f32 = f32::from_bits(0x47e5_5dff); // 117435.992f

#[inline]
fn cos_poly(x2: f32) -> f32 {
    let mut r = f32::from_bits(0x37cc_730b).mul_add(x2, f32::from_bits(0xbab6_036e)); // 0x1.98e616p-16, -0x1.6c06dcp-10
    r = r.mul_add(x2, f32::from_bits(0x3d2a_aa9e)); // 0x1.55553cp-05
    r = r.mul_add(x2, -0.5);
    r.mul_add(x2, 1.0)
}

#[inline]
fn sin_poly(x: f32, x2: f32) -> f32 {
    let mut r = f32::from_bits(0x363e_9dde).mul_add(x2, f32::from_bits(0xb950_35dd)); // 0x1.7d3bbcp-19, -0x1.a06bbap-13
    r = r.mul_add(x2, f32::from_bits(0x3c08_88cd)); // 0x1.11119ap-07
    r = r.mul_add(x2, f32::from_bits(0xbe2a_aaab)); // -0x1.555556p-03
    r = r.mul_add(x2, 0.0);
    r.mul_add(x, x)
}

#[inline]
fn np_sincos_f32(x: f32, cos: bool) -> f32 {
    let max = if cos { COS_MAX } else { SIN_MAX };
    if x.is_nan() {
        return f32::NAN;
    }
    if x.abs() > max {
        return if cos { x.cos() } else { x.sin() };
    }
    // Round to nearest even through the magic constant; -0.0 becomes +0.0.
    let quadrant = (x * TWO_OVER_PI + RINT_MAGIC) - RINT_MAGIC;
    let mut r = quadrant.mul_add(PIO2_HIGH, x);
    r = quadrant.mul_add(PIO2_MED, r);
    r = quadrant.mul_add(PIO2_LOW, r);
    let r2 = r * r;
    let c = cos_poly(r2);
    let s = sin_poly(r, r2);
    let q = quadrant as i32 + cos as i32;
    let v = if q & 1 == 0 { s } else { c };
    if q & 2 == 2 {
        0.0 - v
    } else {
        v
    }
}

/// NumPy's float32 `np.cos`.
#[inline]
pub fn np_cos_f32(x: f32) -> f32 {
    np_sincos_f32(x, true)
}

/// NumPy's float32 `np.sin`.
#[inline]
pub fn np_sin_f32(x: f32) -> f32 {
    np_sincos_f32(x, false)
}

/// A Python number in a NumPy computation: a float32 scalar, a float64 scalar, or a Python float
/// (NumPy 2 treats the last as "weak": it takes the other operand's type). Arithmetic on `Num` follows
/// NumPy's scalar promotion rules ([`Promotion`]), so a step written with it rounds where Python does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    F32(f32),
    F64(f64),
    Py(f64),
}

use crate::env::Promotion;

impl Num {
    #[inline]
    pub fn value(self) -> f64 {
        match self {
            Num::F32(v) => v as f64,
            Num::F64(v) | Num::Py(v) => v,
        }
    }

    /// Whether `a (op) b` computes in float32 (`None`: both are Python floats).
    #[inline]
    fn in_f32(a: Num, b: Num, p: Promotion) -> Option<bool> {
        match (a, b) {
            (Num::Py(_), Num::Py(_)) => None,
            (Num::F32(_), Num::F32(_)) => Some(true),
            (Num::F32(_), Num::Py(_)) | (Num::Py(_), Num::F32(_)) => Some(p == Promotion::Numpy2),
            _ => Some(false),
        }
    }

    /// `a (op) b` for + - * /: done in f64 on float32 operands and rounded once, which is exact.
    #[inline]
    pub fn op(a: Num, b: Num, p: Promotion, f: impl Fn(f64, f64) -> f64) -> Num {
        match Self::in_f32(a, b, p) {
            None => Num::Py(f(a.value(), b.value())),
            Some(true) => {
                let (x, y) = (a.value() as f32 as f64, b.value() as f32 as f64);
                Num::F32(f(x, y) as f32)
            }
            Some(false) => Num::F64(f(a.value(), b.value())),
        }
    }

    #[inline]
    pub fn add(self, b: Num, p: Promotion) -> Num {
        Self::op(self, b, p, |x, y| x + y)
    }
    #[inline]
    pub fn sub(self, b: Num, p: Promotion) -> Num {
        Self::op(self, b, p, |x, y| x - y)
    }
    #[inline]
    pub fn mul(self, b: Num, p: Promotion) -> Num {
        Self::op(self, b, p, |x, y| x * y)
    }
    #[inline]
    pub fn div(self, b: Num, p: Promotion) -> Num {
        Self::op(self, b, p, |x, y| x / y)
    }

    /// A comparison in the type the operands promote to (NumPy 2 compares a float32 with a Python
    /// float in float32: `np.float32(0.45) >= 0.45` is true there, false under NumPy 1).
    #[inline]
    pub fn cmp(a: Num, b: Num, p: Promotion, f: impl Fn(f64, f64) -> bool) -> bool {
        match Self::in_f32(a, b, p) {
            Some(true) => f(a.value() as f32 as f64, b.value() as f32 as f64),
            _ => f(a.value(), b.value()),
        }
    }

    /// `x ** 2`: libm's `powf` on a NumPy 2 float32, the exact float64 square of a float32 under
    /// NumPy 1 (the int 2 promotes it), libm's `pow` on a float64.
    #[inline]
    pub fn pow2(self, p: Promotion) -> Num {
        match self {
            Num::F32(v) if p == Promotion::Numpy2 => Num::F32(pow2_f32(v)),
            Num::F32(v) => Num::F64(v as f64 * v as f64),
            Num::F64(v) => Num::F64(pow2_f64(v)),
            Num::Py(v) => Num::Py(pow2_f64(v)),
        }
    }

    /// `np.sin(x)`: NumPy's own float32 sine on a float32, libm's on a float64.
    #[inline]
    pub fn sin(self) -> Num {
        match self {
            Num::F32(v) => Num::F32(np_sin_f32(v)),
            Num::F64(v) | Num::Py(v) => Num::F64(v.sin()),
        }
    }

    /// `np.cos(x)`.
    #[inline]
    pub fn cos(self) -> Num {
        match self {
            Num::F32(v) => Num::F32(np_cos_f32(v)),
            Num::F64(v) | Num::Py(v) => Num::F64(v.cos()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_numpys_hex_floats() {
        // 0x1.45f306p-1 and friends, exactly.
        assert_eq!(TWO_OVER_PI.to_bits(), 0x3f22_f983);
        assert_eq!(PIO2_HIGH.to_bits(), 0xbfc9_0fd8);
        assert_eq!(PIO2_MED.to_bits(), 0xb4a8_885a);
        assert_eq!(PIO2_LOW.to_bits(), 0xa7c2_34c4);
        assert_eq!(RINT_MAGIC.to_bits(), 0x4b40_0000);
        assert_eq!(SIN_MAX, "117435.992".parse::<f32>().unwrap());
        assert_eq!(COS_MAX as f64, 71476.0625);
    }

    #[test]
    fn close_to_libm() {
        for i in -20000..20000 {
            let x = i as f32 * 0.000_731;
            assert!((np_cos_f32(x) - x.cos()).abs() <= 2.0 * f32::EPSILON, "{x}");
            assert!((np_sin_f32(x) - x.sin()).abs() <= 2.0 * f32::EPSILON, "{x}");
        }
        assert!(np_cos_f32(f32::NAN).is_nan());
        assert!(np_cos_f32(f32::INFINITY).is_nan());
        assert_eq!(np_sin_f32(0.0), 0.0);
        assert_eq!(np_cos_f32(0.0), 1.0);
    }

    #[test]
    fn python_modulo() {
        assert_eq!(py_mod(-1.0, 3.0), 2.0);
        assert_eq!(py_mod(1.0, -3.0), -2.0);
        assert_eq!(py_mod(-3.0, 3.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(py_mod(5.5, 2.0), 1.5);
    }
}
