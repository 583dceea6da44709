//! NumPy `.npy` elite populations, as Synaptolysis (riveSunder/synaptolytic-learning) saves them:
//! `np.save(path, elite_pop)` of a list of agents, each a list of weight matrices (inputs × outputs; the
//! policy is `h = tanh(obs · W1)`, …, `a = tanh(h · Wn)`, no biases). NumPy makes that an array of dtype
//! object and shape (K, n_layers), which `np.save` writes as a pickle after the `.npy` header. Index 0
//! is the all-time best agent.
//!
//! Reading goes through the allow-list pickle machine of `pickle.rs` with NumPy's list: the array
//! classes and the functions that rebuild arrays, nothing else, so a file can never make it run code.
//! What NumPy writes (checked against NumPy 1.26 and 2.4):
//!
//! - NumPy 1.x: pickle protocol 3, `GLOBAL 'numpy.core.multiarray _reconstruct'`, `numpy ndarray`,
//!   `numpy dtype`, BINPUT/BINGET memo, SHORT_BINBYTES/BINBYTES for the raw data.
//! - NumPy 2.x: protocol 4, the same objects through FRAME, SHORT_BINUNICODE, STACK_GLOBAL and
//!   MEMOIZE, the module spelled `numpy._core.multiarray`.
//! - Each array is `_reconstruct(ndarray, (0,), b'b')`, then BUILD with the state
//!   `(1, shape, dtype, is_fortran, data)`: `data` is the raw bytes in C (or, with `is_fortran`,
//!   Fortran) order, or for the object array itself the list of its elements, in C order whatever
//!   `is_fortran` says. A dtype is
//!   `dtype('f8', False, True)`, then BUILD `(3, '<', None, None, None, -1, -1, 0)`.
//! - Protocol 5 (`pickle.dumps`, not `np.save`) writes contiguous arrays as
//!   `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)`; that is read too.
//!
//! Shapes accepted: an object array (K, L) of 2-d arrays (what `np.save(elite_pop)` writes); an object
//! array (K,) of lists or tuples of 2-d arrays (what NumPy makes of members of different depths); and a
//! plain numeric array (K, L, R, C) (what NumPy makes when every layer has the same shape). Element
//! dtypes: float64, float32, float16, integers and booleans (0/1 masks), either byte order, C or
//! Fortran order; values are held as f64 (exactly; an integer beyond 2⁵³ is refused).
//!
//! Writing produces the bytes NumPy 1.26's `np.save` writes for such an object array of float64
//! matrices (protocol 3, `numpy.core.multiarray._reconstruct`), which NumPy 1.17 and later, 2.x
//! included, load with `np.load(path, allow_pickle=True)`.

use std::path::Path;

use super::pickle::{self, AllowList, Arena, Id, NpArray, NpData, Obj, Pickler};
use super::{Activation, Actor, Dtype, Head, Linear};
use crate::error::{Error, Result};

/// One weight matrix as NumPy holds it: `rows` inputs × `cols` outputs, row-major (`x · W`).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    /// The element at row `r`, column `c`.
    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }
}

/// Larger than any elite population (the authors' are tens of KB); bounds what a file may cost.
const MAX_FILE_BYTES: u64 = 1 << 31;

/// NumPy reads headers up to 10 000 bytes without `allow_pickle`; anything near a megabyte is not a
/// header.
const MAX_HEADER_BYTES: usize = 1 << 20;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Read every member of the elite population in `path`: per member, its weight matrices, input layer
/// first.
pub fn read_population(path: &Path) -> Result<Vec<Vec<Matrix>>> {
    let bad = |reason: String| Error::Npy {
        path: path.to_path_buf(),
        reason,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(bad(format!(
            "the file is {len} bytes, far larger than any elite population (at most {MAX_FILE_BYTES})"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    population_from_bytes(&bytes).map_err(bad)
}

/// Parse the bytes of a `.npy` elite population; the error says what is wrong (the caller names the
/// file).
pub fn population_from_bytes(bytes: &[u8]) -> Result<Vec<Vec<Matrix>>, String> {
    let h = parse_header(bytes)?;
    if h.descr
        .trim_start_matches(['<', '>', '|', '='])
        .starts_with('O')
    {
        object_population(bytes, &h)
    } else {
        numeric_population(bytes, &h)
    }
}

/// Write `pop` to `path` (atomically) as `np.save(path, np.array(pop, dtype=object))` does with NumPy
/// 1.x: an object array of shape (K, L) of float64 matrices. Every member must have the same number of
/// layers, at least one, and each matrix `rows × cols` values.
pub fn write_population(path: &Path, pop: &[Vec<Matrix>]) -> Result<()> {
    let bytes = population_to_bytes(pop).map_err(|reason| {
        Error::Invalid(format!(
            "{}: cannot write the elite population: {reason}",
            path.display()
        ))
    })?;
    crate::fsutil::write_atomic(path, &bytes)
}

/// The bytes [`write_population`] writes.
pub fn population_to_bytes(pop: &[Vec<Matrix>]) -> Result<Vec<u8>, String> {
    let Some(first) = pop.first() else {
        return Err("the population is empty".into());
    };
    let layers = first.len();
    if layers == 0 {
        return Err("member 0 has no layers".into());
    }
    for (k, member) in pop.iter().enumerate() {
        if member.len() != layers {
            return Err(format!(
                "member {k} has {} layers but member 0 has {layers}; every member needs the same \
                 number (the file is a (K, layers) object array)",
                member.len()
            ));
        }
        for (l, m) in member.iter().enumerate() {
            if m.rows.checked_mul(m.cols) != Some(m.data.len()) {
                return Err(format!(
                    "member {k}, layer {l}: {} values for a {}×{} matrix",
                    m.data.len(),
                    m.rows,
                    m.cols
                ));
            }
        }
    }
    let mut out = header_bytes(pop.len(), layers);
    out.extend(pickle_population(pop)?);
    Ok(out)
}

/// The actor that member `member` of an elite population is: `tanh` after every layer, the last one's
/// as the head (continuous actions, as the authors act), no biases, float64. Weights are transposed
/// into the actor's `out × in` layout. `path` names the file in errors.
///
/// For discrete actions the authors take `argmax(softmax(sigmoid(h · Wn)))`, which is the argmax of
/// `h · Wn`: set `head` to [`Head::Argmax`] (`Actor::load_elite` does, given the action space).
pub fn actor_from_member(member: &[Matrix], path: &Path) -> Result<Actor> {
    let bad = |reason: String| Error::Network {
        path: path.to_path_buf(),
        reason,
    };
    if member.is_empty() {
        return Err(bad("the elite has no layers".into()));
    }
    let mut layers = Vec::with_capacity(member.len());
    for (i, m) in member.iter().enumerate() {
        let n = i + 1;
        if m.rows == 0 || m.cols == 0 || m.rows.checked_mul(m.cols) != Some(m.data.len()) {
            return Err(bad(format!(
                "layer{n} is a {}×{} matrix of {} values; expected a non-empty inputs × outputs matrix",
                m.rows,
                m.cols,
                m.data.len()
            )));
        }
        if i > 0 {
            let prev = &member[i - 1];
            if prev.cols != m.rows {
                return Err(bad(format!(
                    "layer{n} is {}×{} and takes {} inputs, but layer{i} ({}×{}) gives {} outputs: \
                     the layers do not chain",
                    m.rows, m.cols, m.rows, prev.rows, prev.cols, prev.cols
                )));
            }
        }
        if let Some(pos) = m.data.iter().position(|v| !v.is_finite()) {
            return Err(bad(format!(
                "layer{n} holds a non-finite value ({}) at row {}, column {}",
                m.data[pos],
                pos / m.cols,
                pos % m.cols
            )));
        }
        let mut weight = Vec::with_capacity(m.data.len());
        for o in 0..m.cols {
            weight.extend((0..m.rows).map(|r| m.data[r * m.cols + o]));
        }
        layers.push(Linear {
            in_features: m.rows,
            out_features: m.cols,
            weight,
            bias: None,
        });
    }
    Ok(Actor {
        activations: vec![Activation::Tanh; layers.len() - 1],
        layers,
        head: Head::Tanh,
        mask: None,
        recurrent: None,
        dtype: Dtype::F64,
    })
}

// ---------------------------------------------------------------------------------------------------
// Plain 1-D float vectors (`np.save` of a float64 array: HyperNCA's solutions and reward curves)

/// Read a `.npy` file holding a plain 1-D float array (float64 or float32, either byte order, no
/// pickle), as f64 (float32 widened exactly).
pub fn read_vector(path: &Path) -> Result<Vec<f64>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    vector_from_bytes(&bytes).map_err(|reason| Error::Config {
        path: path.to_path_buf(),
        reason: format!("not a readable 1-D float .npy array: {reason}"),
    })
}

/// The values of the bytes of a `.npy` file holding a plain 1-D float array (format 1.0, 2.0 or 3.0).
/// The data must fill the rest of the file exactly.
pub fn vector_from_bytes(bytes: &[u8]) -> Result<Vec<f64>, String> {
    let h = parse_header(bytes)?;
    if h.descr.contains('O') {
        return Err(
            "the array has dtype object (a pickle); a plain float array is expected".into(),
        );
    }
    let elem = Elem::parse(&h.descr, None).map_err(|e| format!("the array holds {e}"))?;
    if elem.kind != b'f' || elem.size == 2 {
        return Err(format!(
            "the array holds {}; float64 or float32 is expected",
            elem.name()
        ));
    }
    let &[n] = &h.shape[..] else {
        return Err(format!(
            "the array has shape {}; a 1-D array is expected",
            shape_str(&h.shape)
        ));
    };
    let body = &bytes[h.data_start..];
    let want = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(elem.size))
        .filter(|&w| w == body.len())
        .ok_or_else(|| {
            format!(
                "the header declares {n} {} values ({} bytes), but {} bytes of data follow it \
                 (truncated or corrupt)",
                elem.name(),
                n.saturating_mul(elem.size as u64),
                body.len()
            )
        })?;
    elem.decode(&body[..want])
}

/// The bytes `np.save(path, np.asarray(v, dtype=np.float64))` writes: format 1.0, `'<f8'`, C order.
pub fn vector_to_bytes(v: &[f64]) -> Vec<u8> {
    let data: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    array_to_bytes("<f8", &[v.len()], &data)
}

/// The bytes `np.save` writes for a C-order array of NumPy type `descr` (`'<f4'`, `'|u1'`, `'<U16'`,
/// ...) and `shape` whose raw little-endian elements are `data`: format 1.0.
pub fn array_to_bytes(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // NumPy pads the header (with its newline) so that the data starts at a multiple of 64 bytes.
    let hlen = dict.len() + 1;
    let pad = (64 - (MAGIC.len() + 4 + hlen) % 64) % 64;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + hlen + pad + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    // These headers are a few hundred bytes at most: version 1.0's u16 holds them.
    out.extend_from_slice(&((hlen + pad) as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    out.extend_from_slice(data);
    out
}

/// A plain (not pickled) C-order array of a `.npy` file: its NumPy type string (`'<f4'`, `'|u1'`,
/// `'<U16'`), its shape and its raw bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawArray<'a> {
    pub descr: String,
    pub shape: Vec<usize>,
    pub data: &'a [u8],
}

/// The array in the bytes of a `.npy` file, whatever its element type, when it is a plain C-order
/// array whose data fill the rest of the file exactly (`elem_size` bytes an element, as `descr`
/// says: the caller checks `descr` first and passes its size).
pub fn raw_array<'a>(
    bytes: &'a [u8],
    elem_size: impl Fn(&str) -> Result<usize, String>,
) -> Result<RawArray<'a>, String> {
    let h = parse_header(bytes)?;
    if h.fortran {
        return Err("the array is in Fortran order; C order is expected".into());
    }
    let size = elem_size(&h.descr)?;
    let shape: Vec<usize> = h
        .shape
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| format!("dimension {d} is too large")))
        .collect::<Result<_, _>>()?;
    let body = &bytes[h.data_start..];
    let want = shape
        .iter()
        .try_fold(size, |n, &d| n.checked_mul(d))
        .filter(|&w| w == body.len())
        .ok_or_else(|| {
            format!(
                "the header declares shape {} of `{}`, but {} bytes of data follow it \
                 (truncated or corrupt)",
                shape_str(&h.shape),
                h.descr,
                body.len()
            )
        })?;
    Ok(RawArray {
        descr: h.descr,
        shape,
        data: &body[..want],
    })
}

/// Write `v` as a 1-D float64 `.npy` file, atomically.
pub fn write_vector(path: &Path, v: &[f64]) -> Result<()> {
    crate::fsutil::write_atomic(path, &vector_to_bytes(v))
}

/// The header of a `.npy` file.
#[derive(Debug, Clone, PartialEq)]
struct Header {
    descr: String,
    fortran: bool,
    shape: Vec<u64>,
    /// Where the data (or the pickle) starts.
    data_start: usize,
}

fn parse_header(bytes: &[u8]) -> Result<Header, String> {
    if bytes.len() < MAGIC.len() + 2 || !bytes.starts_with(MAGIC) {
        return Err(if bytes.len() < MAGIC.len() {
            format!(
                "the file is {} bytes, too short for a .npy header",
                bytes.len()
            )
        } else {
            "not a .npy file (it does not start with \\x93NUMPY)".into()
        });
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let width = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return Err(format!(
                ".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"
            ))
        }
    };
    let start = 8 + width;
    let len_bytes = bytes
        .get(8..start)
        .ok_or("the file ends inside the .npy header")?;
    let mut buf = [0u8; 4];
    buf[..width].copy_from_slice(len_bytes);
    let hlen = u32::from_le_bytes(buf) as usize;
    if hlen > MAX_HEADER_BYTES {
        return Err(format!(
            "the .npy header declares {hlen} bytes, not a plausible header"
        ));
    }
    let end = start + hlen;
    let raw = bytes.get(start..end).ok_or_else(|| {
        format!(
            "the file is truncated: the .npy header needs {hlen} bytes, {} remain",
            bytes.len() - start
        )
    })?;
    // Versions 1 and 2 are latin-1, 3 is UTF-8; every character of a valid header is ASCII.
    let text: String = if major == 3 {
        std::str::from_utf8(raw)
            .map_err(|_| "the .npy header is not UTF-8".to_string())?
            .to_string()
    } else {
        raw.iter().map(|&b| b as char).collect()
    };
    let dict = parse_dict(&text).map_err(|e| format!("the .npy header `{}` {e}", text.trim()))?;
    let get = |key: &str| {
        dict.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("the .npy header `{}` has no '{key}'", text.trim()))
    };
    let descr = match get("descr")? {
        Lit::Str(s) => s.clone(),
        Lit::List => {
            return Err(
                "the .npy file holds a structured array (a list descr); an elite population \
                        is an object array of weight matrices"
                    .into(),
            )
        }
        _ => return Err("the .npy header's 'descr' is not a string".into()),
    };
    let fortran = match get("fortran_order")? {
        Lit::Bool(b) => *b,
        _ => return Err("the .npy header's 'fortran_order' is not True or False".into()),
    };
    let shape = match get("shape")? {
        Lit::Tuple(t) => t.clone(),
        _ => return Err("the .npy header's 'shape' is not a tuple of sizes".into()),
    };
    Ok(Header {
        descr,
        fortran,
        shape,
        data_start: end,
    })
}

/// A value of the header's dict literal.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Bool(bool),
    Tuple(Vec<u64>),
    /// A list (a structured dtype's descr), not read further.
    List,
}

/// The Python dict literal of a `.npy` header: string keys; string, bool, tuple-of-int or list values.
fn parse_dict(text: &str) -> Result<Vec<(String, Lit)>, String> {
    let mut p = Lexer {
        s: text.as_bytes(),
        i: 0,
    };
    p.expect(b'{')?;
    let mut out = Vec::new();
    loop {
        p.ws();
        if p.eat(b'}') {
            break;
        }
        let key = p.string()?;
        p.ws();
        p.expect(b':')?;
        p.ws();
        let value = p.value()?;
        out.push((key, value));
        p.ws();
        if p.eat(b',') {
            continue;
        }
        p.expect(b'}')?;
        break;
    }
    p.ws();
    if p.i != p.s.len() {
        return Err("has text after its closing brace".into());
    }
    Ok(out)
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "is not a dict literal: expected `{}` at character {}",
                c as char, self.i
            ))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let q = match self.s.get(self.i) {
            Some(&q @ (b'\'' | b'"')) => q,
            _ => {
                return Err(format!(
                    "is not a dict literal: expected a string at character {}",
                    self.i
                ))
            }
        };
        let start = self.i + 1;
        let len = self.s[start..]
            .iter()
            .position(|&c| c == q || c == b'\\')
            .ok_or("has an unterminated string")?;
        if self.s[start + len] == b'\\' {
            return Err("has a string with escapes, which no .npy header needs".into());
        }
        self.i = start + len + 1;
        Ok(String::from_utf8_lossy(&self.s[start..start + len]).into_owned())
    }

    fn word(&mut self) -> &[u8] {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    fn value(&mut self) -> Result<Lit, String> {
        match self.s.get(self.i) {
            Some(b'\'' | b'"') => Ok(Lit::Str(self.string()?)),
            Some(b'[') => Ok(Lit::List),
            Some(b'(') => {
                self.i += 1;
                let mut dims = Vec::new();
                loop {
                    self.ws();
                    if self.eat(b')') {
                        break;
                    }
                    let w = self.word();
                    // Python 2 wrote long integers with an L.
                    let digits = w.strip_suffix(b"L").unwrap_or(w);
                    let n = std::str::from_utf8(digits)
                        .ok()
                        .filter(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
                        .and_then(|d| d.parse::<u64>().ok())
                        .ok_or_else(|| {
                            format!(
                                "has a shape entry `{}` that is not a size",
                                String::from_utf8_lossy(w)
                            )
                        })?;
                    dims.push(n);
                    self.ws();
                    if self.eat(b',') {
                        continue;
                    }
                    self.expect(b')')?;
                    break;
                }
                Ok(Lit::Tuple(dims))
            }
            _ => match self.word() {
                b"True" => Ok(Lit::Bool(true)),
                b"False" => Ok(Lit::Bool(false)),
                w => Err(format!(
                    "has an unexpected value `{}`",
                    String::from_utf8_lossy(w)
                )),
            },
        }
    }
}

/// An element type: NumPy's kind (`f`, `i`, `u`, `b`) and size, and the byte order.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Elem {
    kind: u8,
    size: usize,
    big_endian: bool,
}

impl Elem {
    /// From a type code (`f8`, `<f4`, `|b1`) and, for pickled dtypes, the byte order of their state.
    fn parse(code: &str, endian: Option<char>) -> Result<Elem, String> {
        let (prefix, rest) = match code.chars().next() {
            Some(c @ ('<' | '>' | '|' | '=')) => (Some(c), &code[1..]),
            _ => (None, code),
        };
        let big_endian = match endian.or(prefix) {
            Some('>') => true,
            Some('<') => false,
            _ => cfg!(target_endian = "big"),
        };
        let unsupported = || {
            format!(
                "elements of dtype `{code}`; supported are float64, float32, float16, integers and \
                 booleans"
            )
        };
        let mut chars = rest.chars();
        let kind = chars
            .next()
            .filter(char::is_ascii)
            .ok_or_else(unsupported)? as u8;
        let size: usize = chars.as_str().parse().map_err(|_| unsupported())?;
        let ok = match kind {
            b'f' => matches!(size, 2 | 4 | 8),
            b'i' | b'u' => matches!(size, 1 | 2 | 4 | 8),
            b'b' => size == 1,
            _ => false,
        };
        if !ok {
            return Err(unsupported());
        }
        Ok(Elem {
            kind,
            size,
            big_endian,
        })
    }

    fn name(self) -> String {
        match self.kind {
            b'f' => format!("float{}", 8 * self.size),
            b'i' => format!("int{}", 8 * self.size),
            b'u' => format!("uint{}", 8 * self.size),
            _ => "bool".into(),
        }
    }

    /// The values of `raw`, widened to f64; `raw.len()` is a multiple of the size.
    fn decode(self, raw: &[u8]) -> Result<Vec<f64>, String> {
        let mut out = Vec::with_capacity(raw.len() / self.size);
        for chunk in raw.chunks_exact(self.size) {
            let mut b = [0u8; 8];
            b[..self.size].copy_from_slice(chunk);
            if self.big_endian {
                b[..self.size].reverse();
            }
            let v = match (self.kind, self.size) {
                (b'f', 8) => f64::from_le_bytes(b),
                (b'f', 4) => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
                (b'f', _) => f16_to_f64(u16::from_le_bytes([b[0], b[1]])),
                (b'b', _) => match b[0] {
                    0 => 0.0,
                    1 => 1.0,
                    x => return Err(format!("a bool element holds the byte {x}")),
                },
                (b'u', _) => exact(u64::from_le_bytes(b) as i128)?,
                _ => {
                    // Sign-extend from the element's width.
                    let shift = 64 - 8 * self.size as u32;
                    exact(((i64::from_le_bytes(b) << shift) >> shift) as i128)?
                }
            };
            out.push(v);
        }
        Ok(out)
    }
}

/// An integer as f64, when it is one exactly.
fn exact(v: i128) -> Result<f64, String> {
    if v.unsigned_abs() > 1 << 53 {
        return Err(format!(
            "the integer element {v} has no exact float64 value"
        ));
    }
    Ok(v as f64)
}

/// IEEE half precision to f64, exactly.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (h >> 10) & 0x1f;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e as i32 - 15),
    }
}

/// A shape as the header or the pickle gives it, for messages: `(33, 2)`, `(33,)`.
fn shape_str(shape: &[u64]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The number of elements of `shape`, if it fits.
fn count(shape: &[u64]) -> Option<usize> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(usize::try_from(d).ok()?))
}

/// A `.npy` of plain numbers: only (K, L, R, C), every member L matrices of R × C.
fn numeric_population(bytes: &[u8], h: &Header) -> Result<Vec<Vec<Matrix>>, String> {
    let elem = Elem::parse(&h.descr, None).map_err(|e| format!("the array holds {e}"))?;
    let &[k, l, r, c] = &h.shape[..] else {
        return Err(format!(
            "the file holds a plain {} array of shape {}, not an elite population: np.save of a \
             population of K members of L layers writes an object array of shape (K, L) (or, when \
             every layer has the same shape, a number array of shape (K, L, rows, cols))",
            elem.name(),
            shape_str(&h.shape)
        ));
    };
    if l == 0 || r == 0 || c == 0 {
        return Err(format!(
            "the array of shape {} holds members without layers or empty matrices",
            shape_str(&h.shape)
        ));
    }
    let n = count(&h.shape)
        .and_then(|n| n.checked_mul(elem.size))
        .ok_or_else(|| format!("the shape {} is absurdly large", shape_str(&h.shape)))?;
    let data = &bytes[h.data_start..];
    if data.len() != n {
        return Err(format!(
            "the file {} {} bytes of data, but a {} array of shape {} needs {n}",
            if data.len() < n {
                "is truncated: it holds"
            } else {
                "holds"
            },
            data.len(),
            elem.name(),
            shape_str(&h.shape)
        ));
    }
    let values = elem.decode(data)?;
    let (k, l, r, c) = (k as usize, l as usize, r as usize, c as usize);
    let at = |ik: usize, il: usize, ir: usize, ic: usize| {
        if h.fortran {
            ik + k * (il + l * (ir + r * ic))
        } else {
            ((ik * l + il) * r + ir) * c + ic
        }
    };
    Ok((0..k)
        .map(|ik| {
            (0..l)
                .map(|il| Matrix {
                    rows: r,
                    cols: c,
                    data: (0..r)
                        .flat_map(|ir| (0..c).map(move |ic| (ir, ic)))
                        .map(|(ir, ic)| values[at(ik, il, ir, ic)])
                        .collect(),
                })
                .collect()
        })
        .collect())
}

/// A `.npy` of dtype object: the pickle of the array.
fn object_population(bytes: &[u8], h: &Header) -> Result<Vec<Vec<Matrix>>, String> {
    if !matches!(h.shape.len(), 1 | 2) {
        return Err(format!(
            "the file holds an object array of shape {}; an elite population is (K, layers)",
            shape_str(&h.shape)
        ));
    }
    if h.shape.get(1) == Some(&0) {
        return Err(format!(
            "the object array of shape {} has members without layers",
            shape_str(&h.shape)
        ));
    }
    // Each element costs the pickle at least one byte, which bounds the count (and with at least one
    // layer, the members) before anything is allocated.
    let n = count(&h.shape)
        .filter(|&n| n <= bytes.len())
        .ok_or_else(|| {
            format!(
                "the header's shape {} has more elements than the {}-byte file can hold",
                shape_str(&h.shape),
                bytes.len()
            )
        })?;
    let loaded = pickle::load_with(bytes, h.data_start, AllowList::Numpy)?;
    let a = &loaded.arena;
    let root = match a.get(loaded.root) {
        Obj::NpArray(arr) => arr,
        o => {
            return Err(format!(
                "the pickle after the header is a {}, not a NumPy array",
                o.kind()
            ))
        }
    };
    let code = dtype_code(a, root)?;
    if !code
        .trim_start_matches(['<', '>', '|', '='])
        .starts_with('O')
    {
        return Err(format!(
            "the header says dtype object, but the pickled array has dtype `{code}`"
        ));
    }
    if root.shape != h.shape {
        return Err(format!(
            "the header's shape {} differs from the pickled array's {}",
            shape_str(&h.shape),
            shape_str(&root.shape)
        ));
    }
    let items = match root.data {
        NpData::Objects(list) => match a.get(list) {
            Obj::List(v) => v.as_slice(),
            _ => return Err("malformed pickle: the object array's elements are not a list".into()),
        },
        _ => return Err("malformed pickle: the object array has no list of elements".into()),
    };
    if items.len() != n {
        return Err(format!(
            "the object array of shape {} holds {} elements, not {n}",
            shape_str(&h.shape),
            items.len()
        ));
    }
    match h.shape[..] {
        [k, l] => {
            let (k, l) = (k as usize, l as usize);
            (0..k)
                .map(|ik| {
                    (0..l)
                        .map(|il| {
                            // The list is in C order whatever the array's layout (NumPy pickles
                            // object arrays element by element through a C-order iterator).
                            matrix(a, items[ik * l + il])
                                .map_err(|e| format!("member {ik}, layer {il}: {e}"))
                        })
                        .collect()
                })
                .collect()
        }
        _ => items
            .iter()
            .enumerate()
            .map(|(ik, &id)| member(a, id).map_err(|e| format!("member {ik}: {e}")))
            .collect(),
    }
}

/// A member of a (K,) object array: a list or tuple of matrices (or an object array of them).
fn member(a: &Arena, id: Id) -> Result<Vec<Matrix>, String> {
    let layers: &[Id] = match a.get(id) {
        Obj::List(v) | Obj::Tuple(v) => v,
        Obj::NpArray(arr) if dtype_code(a, arr).is_ok_and(|c| c.contains('O')) => {
            match (arr.shape.len(), arr.data) {
                (1, NpData::Objects(list)) => match a.get(list) {
                    Obj::List(v) if v.len() as u64 == arr.shape[0] => v,
                    _ => return Err("malformed pickle: an object array's elements".into()),
                },
                _ => {
                    return Err(format!(
                        "an object array of shape {}",
                        shape_str(&arr.shape)
                    ))
                }
            }
        }
        Obj::NpArray(arr) => {
            return Err(format!(
                "a single {} array of shape {} where a member's list of layers belongs: the file \
                 looks like one agent's layers (np.save(agent)), not a population; save [agent]",
                dtype_code(a, arr).unwrap_or_default(),
                shape_str(&arr.shape)
            ))
        }
        o => {
            return Err(format!(
                "a {} where a list of weight matrices belongs",
                o.kind()
            ))
        }
    };
    layers
        .iter()
        .enumerate()
        .map(|(il, &l)| matrix(a, l).map_err(|e| format!("layer {il}: {e}")))
        .collect()
}

/// The type code of an array's dtype, with its byte order.
fn dtype_code(a: &Arena, arr: &NpArray) -> Result<String, String> {
    match arr.dtype.map(|d| a.get(d)) {
        Some(Obj::NpDtype(d)) => Ok(match d.endian {
            Some(e) => format!("{e}{}", d.code),
            None => d.code.clone(),
        }),
        _ => Err("malformed pickle: an array that was never given its state".into()),
    }
}

/// A 2-d numeric array, as a row-major matrix.
fn matrix(a: &Arena, id: Id) -> Result<Matrix, String> {
    let arr = match a.get(id) {
        Obj::NpArray(arr) => arr,
        o => return Err(format!("a {} where a weight matrix belongs", o.kind())),
    };
    let (code, endian) = match arr.dtype.map(|d| a.get(d)) {
        Some(Obj::NpDtype(d)) => (d.code.as_str(), d.endian),
        _ => return Err("malformed pickle: an array that was never given its state".into()),
    };
    let elem = Elem::parse(code, endian).map_err(|e| format!("a matrix of {e}"))?;
    let &[r, c] = &arr.shape[..] else {
        return Err(format!(
            "a {} array of shape {}; a layer is a 2-d (inputs × outputs) matrix",
            elem.name(),
            shape_str(&arr.shape)
        ));
    };
    if r == 0 || c == 0 {
        return Err(format!(
            "an empty {} matrix of shape {}",
            elem.name(),
            shape_str(&arr.shape)
        ));
    }
    let raw = match arr.data {
        NpData::Raw(b) => match a.get(b) {
            Obj::Bytes(v) => v.as_slice(),
            _ => return Err("malformed pickle: an array's data are not bytes".into()),
        },
        _ => return Err("malformed pickle: a number array without raw data".into()),
    };
    count(&arr.shape)
        .and_then(|n| n.checked_mul(elem.size))
        .filter(|&n| n == raw.len())
        .ok_or_else(|| {
            format!(
                "a {} matrix of shape {} holds {} bytes of data, not {}×{}×{}",
                elem.name(),
                shape_str(&arr.shape),
                raw.len(),
                r,
                c,
                elem.size
            )
        })?;
    let values = elem.decode(raw)?;
    let (rows, cols) = (r as usize, c as usize);
    let data = if arr.fortran {
        let mut d = Vec::with_capacity(values.len());
        for i in 0..rows {
            d.extend((0..cols).map(|j| values[j * rows + i]));
        }
        d
    } else {
        values
    };
    Ok(Matrix { rows, cols, data })
}

/// The `.npy` 1.0 header NumPy writes for an object array of shape (k, l): the dict, room for the
/// first axis to grow to 21 digits, and padding to a multiple of 64 bytes.
fn header_bytes(k: usize, l: usize) -> Vec<u8> {
    let mut dict = format!("{{'descr': '|O', 'fortran_order': False, 'shape': ({k}, {l}), }}");
    dict.push_str(&" ".repeat(21usize.saturating_sub(k.to_string().len())));
    let hlen = dict.len() + 1;
    let pad = 64 - (MAGIC.len() + 4 + hlen) % 64;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + hlen + pad);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    // An object array's header is a few hundred bytes at most: version 1.0's u16 holds it.
    out.extend_from_slice(&((hlen + pad) as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    out
}

/// The pickle NumPy 1.x writes for an object array (K, L) of float64 matrices: the same opcodes and
/// memo slots as CPython's pickler at protocol 3.
fn pickle_population(pop: &[Vec<Matrix>]) -> Result<Vec<u8>, String> {
    const RECONSTRUCT: (&str, &str) = ("numpy.core.multiarray", "_reconstruct");
    let mut p = Pickler::with_protocol(3);
    // _reconstruct(ndarray, (0,), b'b'), whose b'b' every array shares.
    p.global(RECONSTRUCT.0, RECONSTRUCT.1);
    p.global("numpy", "ndarray");
    p.int(0);
    p.tuple_n(1);
    p.memoize();
    p.bytes(b"b").expect("short");
    let b_slot = p.memoize();
    p.tuple_n(3);
    p.memoize();
    p.reduce();
    p.memoize();
    // Its state: (1, (K, L), dtype('O8'), False, [elements]).
    p.mark();
    p.int(1);
    p.int(pop.len() as u64);
    p.int(pop[0].len() as u64);
    p.tuple_n(2);
    p.memoize();
    dtype(&mut p, "O8", "|", 63);
    p.bool(false);
    p.empty_list();
    p.memoize();
    let items: Vec<&Matrix> = pop.iter().flatten().collect();
    let mut f8_slot = None;
    let mut array = |p: &mut Pickler, m: &Matrix| -> Result<(), String> {
        p.global(RECONSTRUCT.0, RECONSTRUCT.1);
        p.global("numpy", "ndarray");
        p.int(0);
        p.tuple_n(1);
        p.memoize();
        p.memo_get(b_slot);
        p.tuple_n(3);
        p.memoize();
        p.reduce();
        p.memoize();
        p.mark();
        p.int(1);
        p.int(m.rows as u64);
        p.int(m.cols as u64);
        p.tuple_n(2);
        p.memoize();
        match f8_slot {
            Some(slot) => p.memo_get(slot),
            None => f8_slot = Some(dtype(p, "f8", "<", 0)),
        }
        p.bool(false);
        let raw: Vec<u8> = m.data.iter().flat_map(|v| v.to_le_bytes()).collect();
        p.bytes(&raw)
            .ok_or_else(|| format!("a {}×{} matrix is larger than 4 GiB", m.rows, m.cols))?;
        p.memoize();
        p.tuple();
        p.memoize();
        p.build();
        Ok(())
    };
    // CPython's batching: a single item is APPENDed, more go in batches of 1000 under a MARK.
    if items.len() == 1 {
        array(&mut p, items[0])?;
        p.append();
    } else {
        for batch in items.chunks(1000) {
            p.mark();
            for m in batch {
                array(&mut p, m)?;
            }
            p.appends();
        }
    }
    p.tuple();
    p.memoize();
    p.build();
    Ok(p.finish())
}

/// `dtype(code, False, True)` with the state `(3, endian, None, None, None, -1, -1, flags)`; returns
/// the dtype's memo slot.
fn dtype(p: &mut Pickler, code: &str, endian: &str, flags: u64) -> u32 {
    p.global("numpy", "dtype");
    p.str(code);
    p.memoize();
    p.bool(false);
    p.bool(true);
    p.tuple_n(3);
    p.memoize();
    p.reduce();
    let slot = p.memoize();
    p.mark();
    p.int(3);
    p.str(endian);
    p.memoize();
    p.none();
    p.none();
    p.none();
    p.int_i32(-1);
    p.int_i32(-1);
    p.int(flags);
    p.tuple();
    p.memoize();
    p.build();
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: usize, cols: usize, seed: f64) -> Matrix {
        Matrix {
            rows,
            cols,
            data: (0..rows * cols).map(|i| seed + i as f64 * 0.25).collect(),
        }
    }

    #[test]
    fn round_trip() {
        let pop: Vec<Vec<Matrix>> = (0..3)
            .map(|k| vec![m(5, 4, k as f64), m(4, 1, -1.0)])
            .collect();
        let bytes = population_to_bytes(&pop).unwrap();
        assert_eq!(bytes[..10], *b"\x93NUMPY\x01\x00v\x00");
        assert_eq!(population_from_bytes(&bytes).unwrap(), pop);
        // One member, one layer: the single-item APPEND.
        let one = vec![vec![m(2, 3, 0.5)]];
        assert_eq!(
            population_from_bytes(&population_to_bytes(&one).unwrap()).unwrap(),
            one
        );
        // More than a batch of 1000 elements.
        let many: Vec<Vec<Matrix>> = (0..501)
            .map(|k| vec![m(1, 2, k as f64), m(2, 1, 0.0)])
            .collect();
        assert_eq!(
            population_from_bytes(&population_to_bytes(&many).unwrap()).unwrap(),
            many
        );
        // A large matrix (BINBYTES, four-byte length).
        let big = vec![vec![m(40, 40, 1.0)]];
        assert_eq!(
            population_from_bytes(&population_to_bytes(&big).unwrap()).unwrap(),
            big
        );
    }

    #[test]
    fn header_is_padded_to_64() {
        for k in [1, 33, 123456789] {
            let h = header_bytes(k, 2);
            assert_eq!(h.len() % 64, 0);
            assert_eq!(*h.last().unwrap(), b'\n');
            let parsed = parse_header(&h).unwrap();
            assert_eq!(parsed.shape, [k as u64, 2]);
            assert_eq!(parsed.descr, "|O");
            assert!(!parsed.fortran);
        }
    }

    #[test]
    fn header_literals() {
        let d =
            parse_dict("{\"descr\": '<f8', 'fortran_order': True, 'shape': (3L, 4), }  ").unwrap();
        assert_eq!(
            d,
            [
                ("descr".into(), Lit::Str("<f8".into())),
                ("fortran_order".into(), Lit::Bool(true)),
                ("shape".into(), Lit::Tuple(vec![3, 4]))
            ]
        );
        assert_eq!(
            parse_dict("{'shape': ()}").unwrap()[0].1,
            Lit::Tuple(vec![])
        );
        assert_eq!(
            parse_dict("{'shape': (7,)}").unwrap()[0].1,
            Lit::Tuple(vec![7])
        );
        for bad in [
            "",
            "{",
            "{'a' 1}",
            "{'a': (1, x)}",
            "{'a': 'b'} x",
            "{'a': 'b\\'}",
            "{'a': (-1,)}",
        ] {
            assert!(parse_dict(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn element_types() {
        let e = |code: &str, endian| Elem::parse(code, endian).unwrap();
        assert_eq!(
            e("f8", Some('<')).decode(&1.5f64.to_le_bytes()).unwrap(),
            [1.5]
        );
        assert_eq!(
            e(">f8", None).decode(&(-2.0f64).to_be_bytes()).unwrap(),
            [-2.0]
        );
        assert_eq!(
            e("f4", Some('>')).decode(&0.1f32.to_be_bytes()).unwrap(),
            [0.1f32 as f64]
        );
        assert_eq!(
            e("f2", Some('<'))
                .decode(&[0x00, 0x3c, 0x00, 0xc0])
                .unwrap(),
            [1.0, -2.0]
        );
        assert_eq!(e("b1", Some('|')).decode(&[0, 1]).unwrap(), [0.0, 1.0]);
        assert!(e("b1", None).decode(&[2]).is_err());
        assert_eq!(
            e("i2", Some('<')).decode(&(-3i16).to_le_bytes()).unwrap(),
            [-3.0]
        );
        assert_eq!(e("u1", None).decode(&[255]).unwrap(), [255.0]);
        assert!(e("i8", Some('<'))
            .decode(&(1i64 << 60).to_le_bytes())
            .is_err());
        for bad in ["c16", "U3", "f16", "O8", "V8", "f", "b2"] {
            assert!(Elem::parse(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn actors_transpose_and_chain() {
        let member = vec![m(3, 2, 0.0), m(2, 1, 1.0)];
        let a = actor_from_member(&member, Path::new("e.npy")).unwrap();
        assert_eq!(a.sizes(), [3, 2, 1]);
        assert_eq!(a.head, Head::Tanh);
        assert_eq!(a.activations, [Activation::Tanh]);
        // weight[o][i] = W[i][o]
        assert_eq!(a.layers[0].weight, [0.0, 0.5, 1.0, 0.25, 0.75, 1.25]);
        assert!(a.layers.iter().all(|l| l.bias.is_none()));
        let x = [0.1, -0.2, 0.3];
        let h: Vec<f64> = (0..2)
            .map(|o| {
                (0..3)
                    .map(|i| x[i] * member[0].get(i, o))
                    .sum::<f64>()
                    .tanh()
            })
            .collect();
        let want = (0..2)
            .map(|i| h[i] * member[1].get(i, 0))
            .sum::<f64>()
            .tanh();
        assert!((a.forward(&x)[0] - want).abs() < 1e-15);

        let e = actor_from_member(&[m(3, 2, 0.0), m(3, 1, 0.0)], Path::new("e.npy"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("e.npy") && e.contains("layer2") && e.contains("do not chain"),
            "{e}"
        );
        let mut nan = m(2, 2, 0.0);
        nan.data[3] = f64::NAN;
        let e = actor_from_member(&[nan], Path::new("e.npy"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("non-finite") && e.contains("row 1, column 1"),
            "{e}"
        );
    }

    #[test]
    fn the_writer_refuses_what_it_cannot_write() {
        assert!(population_to_bytes(&[]).unwrap_err().contains("empty"));
        assert!(population_to_bytes(&[vec![]])
            .unwrap_err()
            .contains("no layers"));
        let ragged = vec![vec![m(1, 1, 0.0)], vec![m(1, 1, 0.0), m(1, 1, 0.0)]];
        assert!(population_to_bytes(&ragged)
            .unwrap_err()
            .contains("member 1 has 2 layers"));
        let mut short = m(2, 2, 0.0);
        short.data.pop();
        assert!(population_to_bytes(&[vec![short]])
            .unwrap_err()
            .contains("3 values for a 2×2"));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let pop = vec![vec![m(2, 3, 0.0), m(3, 1, 0.0)]; 2];
        let full = population_to_bytes(&pop).unwrap();
        for n in 0..full.len() {
            assert!(population_from_bytes(&full[..n]).is_err(), "cut at {n}");
        }
    }

    #[test]
    fn corrupted_files_never_panic() {
        let pop = vec![vec![m(2, 3, 0.0), m(3, 1, 0.0)]; 2];
        let full = population_to_bytes(&pop).unwrap();
        for i in 0..full.len() {
            for v in [0x00, 0xff, 0x7f, 0x80, b'(', b'.', b'b', b'R'] {
                let mut b = full.clone();
                b[i] = v;
                let _ = population_from_bytes(&b);
            }
        }
    }

    /// A header declaring `descr` and `shape`, then `body`.
    fn with_header(descr: &str, shape: &str, body: &[u8]) -> Vec<u8> {
        let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}\n");
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&[1, 0]);
        b.extend_from_slice(&(dict.len() as u16).to_le_bytes());
        b.extend_from_slice(dict.as_bytes());
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn absurd_shapes_are_refused_before_allocating() {
        let cases = [
            with_header("|O", "(1000000000000000000, 0)", b"\x80\x03]."),
            with_header("|O", "(18446744073709551615, 2)", b""),
            with_header("|O", "(3000, 2)", b"\x80\x03]."),
            with_header("<f8", "(1000000000000000000, 1, 0, 1)", b""),
            with_header("<f8", "(1, 1, 1000000000000000000, 0)", b""),
            with_header(
                "<f8",
                "(4294967296, 4294967296, 4294967296, 4294967296)",
                b"",
            ),
            with_header("<f8", "(1, 1, 2, 2)", &[0; 31]),
            with_header("<c16", "(1, 1, 1, 1)", &[0; 16]),
            with_header("<f8", "(2, 2)", &[0; 32]),
        ];
        for b in &cases {
            assert!(population_from_bytes(b).is_err());
        }
        let ok = with_header(
            ">f4",
            "(1, 2, 1, 2)",
            &[
                0x3f, 0x80, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0xbf, 0x80, 0, 0,
            ],
        );
        let pop = population_from_bytes(&ok).unwrap();
        assert_eq!(pop[0][0].data, [1.0, 2.0]);
        assert_eq!(pop[0][1].data, [0.0, -1.0]);
    }

    #[test]
    fn foreign_globals_are_refused() {
        let mut b = header_bytes(1, 1);
        b.extend_from_slice(b"\x80\x03cos\nsystem\nX\x02\x00\x00\x00lsq\x00\x85R.");
        let e = population_from_bytes(&b).unwrap_err();
        assert!(e.contains("`os.system`") && e.contains("refusing"), "{e}");
        // A torch global is not on NumPy's list either.
        let mut b = header_bytes(1, 1);
        b.extend_from_slice(b"\x80\x02ccollections\nOrderedDict\n)R.");
        assert!(population_from_bytes(&b)
            .unwrap_err()
            .contains("`collections.OrderedDict`"));
    }

    #[test]
    fn vectors_round_trip_and_are_checked() {
        let v = [0.5, -0.0, 5e-324, f64::INFINITY, 1.0 / 3.0];
        let b = vector_to_bytes(&v);
        assert_eq!(parse_header(&b).unwrap().data_start % 64, 0);
        let back = vector_from_bytes(&b).unwrap();
        assert_eq!(
            back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(
            vector_from_bytes(&vector_to_bytes(&[])).unwrap(),
            Vec::<f64>::new()
        );
        // float32 either byte order, Fortran order (the same for 1-D), format 2.0 and 3.0 headers.
        let f4: Vec<u8> = [1.5f32, -2.25]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert_eq!(
            vector_from_bytes(&with_header("<f4", "(2,)", &f4)).unwrap(),
            [1.5, -2.25]
        );
        let be: Vec<u8> = [1.5f64, 7.0].iter().flat_map(|x| x.to_be_bytes()).collect();
        assert_eq!(
            vector_from_bytes(&with_header(">f8", "(2,)", &be)).unwrap(),
            [1.5, 7.0]
        );
        for major in [2u8, 3] {
            let dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }\n";
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&[major, 0]);
            b.extend_from_slice(&(dict.len() as u32).to_le_bytes());
            b.extend_from_slice(dict.as_bytes());
            b.extend_from_slice(&4.0f64.to_le_bytes());
            assert_eq!(vector_from_bytes(&b).unwrap(), [4.0]);
        }
        let cases: &[(Vec<u8>, &str)] = &[
            (with_header("<f8", "(3,)", &[0; 16]), "declares 3 float64"),
            (with_header("<f8", "(1,)", &[0; 16]), "16 bytes of data"),
            (with_header("<f8", "(2, 1)", &[0; 16]), "1-D"),
            (with_header("<i8", "(2,)", &[0; 16]), "int64"),
            (with_header("|O", "(2,)", &[0; 16]), "object"),
            (
                with_header("<f8", "(18446744073709551615,)", &[0; 16]),
                "declares",
            ),
        ];
        for (bytes, want) in cases {
            let e = vector_from_bytes(bytes).unwrap_err();
            assert!(e.contains(want), "{want}: {e}");
        }
        for n in 0..b.len() {
            assert!(vector_from_bytes(&b[..n]).is_err(), "cut at {n}");
        }
    }
}
