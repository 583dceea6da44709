//! The subset of Python's pickle format that PyTorch state_dict files and NumPy object arrays use.
//!
//! Reading is a small pickle machine that, like `torch.load(weights_only=True)`, only knows an allow-list
//! of globals and nothing else: a file can never make it run code. Each kind of file has its own list
//! ([`AllowList`]): a state_dict may name `collections.OrderedDict`, the `torch._utils._rebuild_*`
//! tensor functions and the `torch.*Storage` types; a NumPy object array (`np.save` of an elite
//! population, `npy.rs`) only `numpy.ndarray`, `numpy.dtype` and the two functions that rebuild arrays
//! (`numpy.core.multiarray._reconstruct`, and `numpy.core.numeric._frombuffer` of protocol 5; NumPy 2
//! spells the module `numpy._core`). Objects live in an arena and refer to each other by index, so
//! shared and even cyclic references (which pickles may contain) cost nothing and dropping the arena
//! never recurses. Every read is bounds-checked; bad input gives an error message, never a panic.
//!
//! Writing produces the protocol-2 opcodes that `torch.save` itself emits, and the protocol-3 ones of
//! NumPy 1.x's `np.save`.

use std::collections::HashMap;

/// Index of an object in [`Arena::objs`].
pub type Id = usize;

/// More objects than any state_dict needs (about 30 per tensor); bounds the memory a hostile file costs.
const MAX_OBJECTS: usize = 1 << 22;

/// The most dimensions a tensor may have (an actor's have one or two).
const MAX_DIMS: usize = 64;

/// The longest storage key: torch's are decimal numbers. Each tensor copies its storage's key, so a
/// long key referenced by many tensors would cost their product.
const MAX_KEY_LEN: usize = 256;

/// Element type of a `torch.*Storage`, named as `torch.save` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageType {
    Float,
    Double,
    Half,
    BFloat16,
    Long,
    Int,
    Short,
    Char,
    Byte,
    Bool,
    ComplexFloat,
    ComplexDouble,
    Untyped,
}

impl StorageType {
    const ALL: [StorageType; 13] = [
        StorageType::Float,
        StorageType::Double,
        StorageType::Half,
        StorageType::BFloat16,
        StorageType::Long,
        StorageType::Int,
        StorageType::Short,
        StorageType::Char,
        StorageType::Byte,
        StorageType::Bool,
        StorageType::ComplexFloat,
        StorageType::ComplexDouble,
        StorageType::Untyped,
    ];

    /// The class name under module `torch`, e.g. `FloatStorage`.
    pub fn class_name(self) -> &'static str {
        match self {
            StorageType::Float => "FloatStorage",
            StorageType::Double => "DoubleStorage",
            StorageType::Half => "HalfStorage",
            StorageType::BFloat16 => "BFloat16Storage",
            StorageType::Long => "LongStorage",
            StorageType::Int => "IntStorage",
            StorageType::Short => "ShortStorage",
            StorageType::Char => "CharStorage",
            StorageType::Byte => "ByteStorage",
            StorageType::Bool => "BoolStorage",
            StorageType::ComplexFloat => "ComplexFloatStorage",
            StorageType::ComplexDouble => "ComplexDoubleStorage",
            StorageType::Untyped => "UntypedStorage",
        }
    }

    /// The `torch.dtype` name, for error messages.
    pub fn dtype_name(self) -> &'static str {
        match self {
            StorageType::Float => "float32",
            StorageType::Double => "float64",
            StorageType::Half => "float16",
            StorageType::BFloat16 => "bfloat16",
            StorageType::Long => "int64",
            StorageType::Int => "int32",
            StorageType::Short => "int16",
            StorageType::Char => "int8",
            StorageType::Byte => "uint8",
            StorageType::Bool => "bool",
            StorageType::ComplexFloat => "complex64",
            StorageType::ComplexDouble => "complex128",
            StorageType::Untyped => "untyped bytes",
        }
    }

    pub fn element_size(self) -> usize {
        match self {
            StorageType::Double | StorageType::Long | StorageType::ComplexFloat => 8,
            StorageType::Float | StorageType::Int => 4,
            StorageType::Half | StorageType::BFloat16 | StorageType::Short => 2,
            StorageType::Char | StorageType::Byte | StorageType::Bool | StorageType::Untyped => 1,
            StorageType::ComplexDouble => 16,
        }
    }

    fn from_class_name(name: &str) -> Option<StorageType> {
        StorageType::ALL
            .into_iter()
            .find(|t| t.class_name() == name)
    }
}

/// Which globals a pickle may name, by the kind of file it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowList {
    /// A PyTorch state_dict (`.pth`).
    Torch,
    /// A NumPy array of dtype object (`.npy`).
    Numpy,
    /// A HyperNCA `nca.config`: plain `pickle.dump` of a dict whose seeds are torch tensors, each
    /// `_rebuild_tensor_v2(_load_from_bytes(legacy torch.save of its storage), ...)`.
    HyperNca,
}

impl AllowList {
    /// What the file holds, for error messages.
    fn what(self) -> &'static str {
        match self {
            AllowList::Torch => "a state_dict",
            AllowList::Numpy => "a NumPy object array",
            AllowList::HyperNca => "a HyperNCA nca.config",
        }
    }

    /// The globals allowed, for error messages.
    fn allowed(self) -> &'static str {
        match self {
            AllowList::Torch => {
                "collections.OrderedDict, torch._utils._rebuild_tensor* and torch.*Storage"
            }
            AllowList::Numpy => {
                "numpy.ndarray, numpy.dtype, numpy.core.multiarray._reconstruct and \
                 numpy.core.numeric._frombuffer (or numpy._core.…)"
            }
            AllowList::HyperNca => {
                "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and \
                 torch.storage._load_from_bytes"
            }
        }
    }
}

/// The globals a pickle may name; anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    OrderedDict,
    RebuildTensor,
    RebuildTensorV2,
    RebuildParameter,
    RebuildParameterWithState,
    Storage(StorageType),
    /// `numpy.core.multiarray._reconstruct` (NumPy 2: `numpy._core.multiarray`): an empty array that a
    /// BUILD then fills.
    NpReconstruct,
    /// `numpy.ndarray`, only as `_reconstruct`'s first argument.
    NpNdarray,
    /// `numpy.dtype`.
    NpDtype,
    /// `numpy.core.numeric._frombuffer` (NumPy 2: `numpy._core.numeric`): protocol 5's contiguous arrays.
    NpFromBuffer,
    /// `torch.storage._load_from_bytes(b)`: a storage saved by the legacy `torch.save` into `b`, which
    /// is parsed (never executed) as such.
    LoadFromBytes,
}

impl Global {
    fn resolve(allow: AllowList, module: &str, name: &str) -> Option<Global> {
        Some(match (allow, module, name) {
            (AllowList::Torch, "collections", "OrderedDict") => Global::OrderedDict,
            (AllowList::Torch, "torch._utils", "_rebuild_tensor") => Global::RebuildTensor,
            (AllowList::Torch, "torch._utils", "_rebuild_tensor_v2") => Global::RebuildTensorV2,
            (AllowList::Torch, "torch._utils", "_rebuild_parameter") => Global::RebuildParameter,
            (AllowList::Torch, "torch._utils", "_rebuild_parameter_with_state") => {
                Global::RebuildParameterWithState
            }
            (AllowList::Torch, "torch", n) => Global::Storage(StorageType::from_class_name(n)?),
            (
                AllowList::Numpy,
                "numpy.core.multiarray" | "numpy._core.multiarray",
                "_reconstruct",
            ) => Global::NpReconstruct,
            (AllowList::Numpy, "numpy", "ndarray") => Global::NpNdarray,
            (AllowList::Numpy, "numpy", "dtype") => Global::NpDtype,
            (AllowList::Numpy, "numpy.core.numeric" | "numpy._core.numeric", "_frombuffer") => {
                Global::NpFromBuffer
            }
            (AllowList::HyperNca, "collections", "OrderedDict") => Global::OrderedDict,
            (AllowList::HyperNca, "torch._utils", "_rebuild_tensor_v2") => Global::RebuildTensorV2,
            (AllowList::HyperNca, "torch.storage", "_load_from_bytes") => Global::LoadFromBytes,
            _ => return None,
        })
    }

    fn describe(self) -> String {
        match self {
            Global::OrderedDict => "collections.OrderedDict".into(),
            Global::RebuildTensor => "torch._utils._rebuild_tensor".into(),
            Global::RebuildTensorV2 => "torch._utils._rebuild_tensor_v2".into(),
            Global::RebuildParameter => "torch._utils._rebuild_parameter".into(),
            Global::RebuildParameterWithState => {
                "torch._utils._rebuild_parameter_with_state".into()
            }
            Global::Storage(t) => format!("torch.{}", t.class_name()),
            Global::NpReconstruct => "numpy.core.multiarray._reconstruct".into(),
            Global::NpNdarray => "numpy.ndarray".into(),
            Global::NpDtype => "numpy.dtype".into(),
            Global::NpFromBuffer => "numpy.core.numeric._frombuffer".into(),
            Global::LoadFromBytes => "torch.storage._load_from_bytes".into(),
        }
    }
}

/// A `numpy.dtype` as a pickle builds it: `dtype('f8', False, True)`, then a BUILD whose state gives
/// the byte order.
#[derive(Debug, Clone, PartialEq)]
pub struct NpDtype {
    /// The type code the constructor got, e.g. `f8`, `b1`, `O8` (possibly with a byte-order prefix).
    pub code: String,
    /// The byte order of the state (`<`, `>`, `|` or `=`), once a BUILD has set it.
    pub endian: Option<char>,
}

/// The contents of an [`NpArray`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NpData {
    /// `_reconstruct`'s empty array, before its BUILD.
    Unset,
    /// The raw element bytes: an [`Obj::Bytes`].
    Raw(Id),
    /// The elements of an object array, as a list ([`Obj::List`]), in the array's order.
    Objects(Id),
}

/// A `numpy.ndarray`: `_reconstruct(ndarray, (0,), b'b')` and a BUILD with the state
/// `(version, shape, dtype, is_fortran, data)`, or protocol 5's `_frombuffer(data, dtype, shape, order)`.
/// Nothing is checked against the shape here; `npy.rs` does that.
#[derive(Debug, Clone, PartialEq)]
pub struct NpArray {
    pub shape: Vec<u64>,
    /// An [`Obj::NpDtype`], once set.
    pub dtype: Option<Id>,
    /// The data is in Fortran (column-major) order.
    pub fortran: bool,
    pub data: NpData,
}

/// A storage named by a persistent id: `('storage', torch.XStorage, key, location, numel[, view])`.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageRef {
    pub ty: StorageType,
    /// The storage's record key (`data/<key>` in zip files; a key of the storage table in legacy files).
    pub key: String,
    /// Number of elements the record holds.
    pub numel: u64,
    /// Legacy files only: this storage is elements `offset .. offset + size` of storage `key`.
    pub view: Option<(u64, u64)>,
}

/// A tensor built by `torch._utils._rebuild_tensor(_v2)`, not yet read from its storage.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorRef {
    pub storage: StorageRef,
    pub offset: u64,
    pub size: Vec<u64>,
    pub stride: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<Id>),
    List(Vec<Id>),
    /// `dict` and `OrderedDict` alike, in insertion order (a repeated key is resolved by the reader).
    Dict(Vec<(Id, Id)>),
    Global(Global),
    Storage(StorageRef),
    Tensor(TensorRef),
    NpDtype(NpDtype),
    NpArray(NpArray),
}

impl Obj {
    /// The bytes the object holds beyond its own slot (its strings, ids and dimensions), charged
    /// against the machine's budget as it is built.
    fn heap_bytes(&self) -> usize {
        match self {
            Obj::Str(s) => s.len(),
            Obj::Bytes(b) => b.len(),
            Obj::Tuple(v) | Obj::List(v) => v.len() * 8,
            Obj::Dict(v) => v.len() * 16,
            Obj::Storage(st) => st.key.len(),
            Obj::Tensor(t) => t.storage.key.len() + 8 * (t.size.len() + t.stride.len()),
            Obj::NpDtype(d) => d.code.len(),
            Obj::NpArray(a) => 8 * a.shape.len(),
            _ => 0,
        }
    }

    /// What the object is, for error messages.
    pub fn kind(&self) -> String {
        match self {
            Obj::None => "None".into(),
            Obj::Bool(_) => "bool".into(),
            Obj::Int(_) => "int".into(),
            Obj::Float(_) => "float".into(),
            Obj::Str(_) => "str".into(),
            Obj::Bytes(_) => "bytes".into(),
            Obj::Tuple(_) => "tuple".into(),
            Obj::List(_) => "list".into(),
            Obj::Dict(_) => "dict".into(),
            Obj::Global(g) => format!("reference to {}", g.describe()),
            Obj::Storage(_) => "bare storage".into(),
            Obj::Tensor(_) => "tensor".into(),
            Obj::NpDtype(_) => "numpy.dtype".into(),
            Obj::NpArray(_) => "numpy.ndarray".into(),
        }
    }
}

/// All objects of one unpickled stream.
#[derive(Debug, Default)]
pub struct Arena {
    pub objs: Vec<Obj>,
    /// [`AllowList::HyperNca`] only: the storages that `torch.storage._load_from_bytes` parsed, each
    /// the [`Obj::Bytes`] holding the legacy `torch.save`, where the raw elements lie in those bytes, and
    /// whether they are big-endian. Such a storage's key is its index here.
    pub inband: Vec<InBand>,
}

/// A storage held inside the pickle (see [`Arena::inband`]).
#[derive(Debug, Clone, PartialEq)]
pub struct InBand {
    pub bytes: Id,
    pub range: std::ops::Range<usize>,
    pub big_endian: bool,
}

impl Arena {
    pub fn get(&self, id: Id) -> &Obj {
        &self.objs[id]
    }

    /// The string an object holds (Python 2 files may hold `bytes` instead).
    pub fn as_str(&self, id: Id) -> Option<&str> {
        match self.get(id) {
            Obj::Str(s) => Some(s),
            Obj::Bytes(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    pub fn as_int(&self, id: Id) -> Option<i128> {
        match self.get(id) {
            Obj::Int(i) => Some(*i),
            Obj::Bool(b) => Some(*b as i128),
            _ => None,
        }
    }

    pub fn as_u64(&self, id: Id) -> Option<u64> {
        self.as_int(id).and_then(|i| u64::try_from(i).ok())
    }

    /// The items of a tuple (or list).
    pub fn tuple_items(&self, id: Id) -> Option<&[Id]> {
        match self.get(id) {
            Obj::Tuple(v) | Obj::List(v) => Some(v),
            _ => None,
        }
    }
}

/// One unpickled stream: its objects, the object it evaluates to, and where it ended.
#[derive(Debug)]
pub struct Loaded {
    pub arena: Arena,
    pub root: Id,
    /// Offset just past the STOP opcode (legacy files put further pickles and raw data there).
    pub end: usize,
}

/// Unpickle the state_dict stream that starts at `data[start]` (the [`AllowList::Torch`] globals).
pub fn load(data: &[u8], start: usize) -> Result<Loaded, String> {
    load_with(data, start, AllowList::Torch)
}

/// Unpickle the stream that starts at `data[start]`, allowing the globals of `allow`.
pub fn load_with(data: &[u8], start: usize, allow: AllowList) -> Result<Loaded, String> {
    let mut m = Machine {
        data,
        pos: start,
        allow,
        arena: Arena::default(),
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
        budget: data.len().saturating_mul(64).saturating_add(16 << 20),
    };
    let root = m.run()?;
    Ok(Loaded {
        arena: m.arena,
        root,
        end: m.pos,
    })
}

struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    allow: AllowList,
    arena: Arena,
    stack: Vec<Id>,
    /// Stack lengths at each MARK.
    marks: Vec<usize>,
    memo: HashMap<u64, Id>,
    /// The bytes objects may still hold: 64 times the input, plus 16 MiB. An object referenced
    /// through the memo costs two bytes of input however large it is, so copies made from it (a
    /// tensor's size tuple, a storage's key) are what a hostile file would multiply.
    budget: usize,
}

impl Machine<'_> {
    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| {
                format!(
                    "the pickle is truncated: {what} at offset {} needs {n} bytes, {} remain",
                    self.pos,
                    self.data.len().saturating_sub(self.pos)
                )
            })?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn take_arr<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    /// A length prefix, checked against what remains so that it can never cause a huge allocation.
    fn take_len(&mut self, width: usize, what: &str) -> Result<usize, String> {
        let raw = self.take(width, what)?;
        let mut buf = [0u8; 8];
        buf[..width].copy_from_slice(raw);
        let n = u64::from_le_bytes(buf);
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.data.len() - self.pos)
            .ok_or_else(|| {
                format!(
                    "the pickle is truncated: {what} at offset {} declares {n} bytes, {} remain",
                    self.pos,
                    self.data.len() - self.pos
                )
            })
    }

    fn alloc(&mut self, obj: Obj) -> Result<Id, String> {
        if self.arena.objs.len() >= MAX_OBJECTS {
            return Err(format!(
                "the pickle builds more than {MAX_OBJECTS} objects, far more than {} needs",
                self.allow.what()
            ));
        }
        let cost = obj.heap_bytes() + std::mem::size_of::<Obj>();
        self.budget = self.budget.checked_sub(cost).ok_or_else(|| {
            format!(
                "the pickle builds more than 64 times its own size in objects, far more than {} \
                 needs",
                self.allow.what()
            )
        })?;
        self.arena.objs.push(obj);
        Ok(self.arena.objs.len() - 1)
    }

    fn push(&mut self, obj: Obj) -> Result<(), String> {
        let id = self.alloc(obj)?;
        self.stack.push(id);
        Ok(())
    }

    fn pop(&mut self, op: &str) -> Result<Id, String> {
        // Objects above the last MARK belong to it; popping below it would corrupt the stream.
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return Err(format!(
                "malformed pickle: {op} at offset {} finds an empty stack",
                self.pos
            ));
        }
        Ok(self.stack.pop().expect("checked above"))
    }

    fn top(&self, op: &str) -> Result<Id, String> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return Err(format!(
                "malformed pickle: {op} at offset {} finds an empty stack",
                self.pos
            ));
        }
        Ok(self.stack[self.stack.len() - 1])
    }

    /// Everything pushed since the last MARK, which is removed.
    fn pop_mark(&mut self, op: &str) -> Result<Vec<Id>, String> {
        let m = self.marks.pop().ok_or_else(|| {
            format!(
                "malformed pickle: {op} at offset {} without a MARK",
                self.pos
            )
        })?;
        Ok(self.stack.split_off(m))
    }

    fn memo_put(&mut self, idx: u64) -> Result<(), String> {
        let top = self.top("a memo store")?;
        self.memo.insert(idx, top);
        Ok(())
    }

    fn memo_get(&mut self, idx: u64) -> Result<(), String> {
        let id = *self.memo.get(&idx).ok_or_else(|| {
            format!(
                "malformed pickle: memo entry {idx} read at offset {} was never stored",
                self.pos
            )
        })?;
        self.stack.push(id);
        Ok(())
    }

    fn string(&mut self, width: usize, what: &str) -> Result<(), String> {
        let n = self.take_len(width, what)?;
        let raw = self.take(n, what)?;
        let s = std::str::from_utf8(raw)
            .map_err(|_| format!("the pickle holds a {what} that is not valid UTF-8"))?
            .to_owned();
        self.push(Obj::Str(s))
    }

    fn bytes(&mut self, width: usize, what: &str) -> Result<(), String> {
        let n = self.take_len(width, what)?;
        let raw = self.take(n, what)?.to_vec();
        self.push(Obj::Bytes(raw))
    }

    fn global(&mut self, module: &str, name: &str) -> Result<(), String> {
        let g = Global::resolve(self.allow, module, name).ok_or_else(|| {
            format!(
                "the pickle refers to `{module}.{name}`, which {} does not need; refusing it \
                 (only {} are allowed)",
                self.allow.what(),
                self.allow.allowed()
            )
        })?;
        self.push(Obj::Global(g))
    }

    fn run(&mut self) -> Result<Id, String> {
        loop {
            let at = self.pos;
            let op = self.take(1, "an opcode")?[0];
            match op {
                // PROTO: any protocol up to 5 uses only opcodes handled here.
                0x80 => {
                    let v = self.take(1, "PROTO")?[0];
                    if v > 5 {
                        return Err(format!("unsupported pickle protocol {v}"));
                    }
                }
                // FRAME: only a read-ahead hint.
                0x95 => {
                    self.take(8, "FRAME")?;
                }
                b'.' => {
                    let root = self.pop("STOP")?;
                    return Ok(root);
                }
                b'(' => self.marks.push(self.stack.len()),
                b'0' => {
                    self.pop("POP")?;
                }
                b'1' => {
                    self.pop_mark("POP_MARK")?;
                }
                b'2' => {
                    let top = self.top("DUP")?;
                    self.stack.push(top);
                }
                b'N' => self.push(Obj::None)?,
                0x88 => self.push(Obj::Bool(true))?,
                0x89 => self.push(Obj::Bool(false))?,
                b'J' => {
                    let v = i32::from_le_bytes(self.take_arr("BININT")?);
                    self.push(Obj::Int(v.into()))?
                }
                b'K' => {
                    let v = self.take(1, "BININT1")?[0];
                    self.push(Obj::Int(v.into()))?
                }
                b'M' => {
                    let v = u16::from_le_bytes(self.take_arr("BININT2")?);
                    self.push(Obj::Int(v.into()))?
                }
                0x8a | 0x8b => {
                    let width = if op == 0x8a { 1 } else { 4 };
                    let n = self.take_len(width, "LONG")?;
                    let raw = self.take(n, "LONG")?;
                    let v = long_value(raw).ok_or_else(|| {
                        format!(
                            "the pickle holds an integer of {n} bytes at offset {at}, too large"
                        )
                    })?;
                    self.push(Obj::Int(v))?
                }
                b'G' => {
                    let v = f64::from_be_bytes(self.take_arr("BINFLOAT")?);
                    self.push(Obj::Float(v))?
                }
                b'X' => self.string(4, "BINUNICODE")?,
                0x8c => self.string(1, "SHORT_BINUNICODE")?,
                0x8d => self.string(8, "BINUNICODE8")?,
                // Python 2 `str`: raw bytes, which the reader accepts as a key if they are UTF-8.
                b'T' => self.bytes(4, "BINSTRING")?,
                b'U' => self.bytes(1, "SHORT_BINSTRING")?,
                b'B' => self.bytes(4, "BINBYTES")?,
                b'C' => self.bytes(1, "SHORT_BINBYTES")?,
                0x8e => self.bytes(8, "BINBYTES8")?,
                // Protocol 5's in-band PickleBuffer of a writable array.
                0x96 => self.bytes(8, "BYTEARRAY8")?,
                b')' => self.push(Obj::Tuple(Vec::new()))?,
                b']' => self.push(Obj::List(Vec::new()))?,
                b'}' => self.push(Obj::Dict(Vec::new()))?,
                b't' => {
                    let items = self.pop_mark("TUPLE")?;
                    self.push(Obj::Tuple(items))?
                }
                0x85..=0x87 => {
                    let n = (op - 0x84) as usize;
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.pop("TUPLE1/2/3")?);
                    }
                    items.reverse();
                    self.push(Obj::Tuple(items))?
                }
                b'l' => {
                    let items = self.pop_mark("LIST")?;
                    self.push(Obj::List(items))?
                }
                b'd' => {
                    let items = self.pop_mark("DICT")?;
                    let pairs = pairs(items, "DICT")?;
                    self.push(Obj::Dict(pairs))?
                }
                b'a' => {
                    let v = self.pop("APPEND")?;
                    self.extend_list(vec![v], "APPEND")?
                }
                b'e' => {
                    let items = self.pop_mark("APPENDS")?;
                    self.extend_list(items, "APPENDS")?
                }
                b's' => {
                    let v = self.pop("SETITEM")?;
                    let k = self.pop("SETITEM")?;
                    self.extend_dict(vec![(k, v)], "SETITEM")?
                }
                b'u' => {
                    let items = self.pop_mark("SETITEMS")?;
                    let pairs = pairs(items, "SETITEMS")?;
                    self.extend_dict(pairs, "SETITEMS")?
                }
                b'q' => {
                    let i = self.take(1, "BINPUT")?[0];
                    self.memo_put(i.into())?
                }
                b'r' => {
                    let i = u32::from_le_bytes(self.take_arr("LONG_BINPUT")?);
                    self.memo_put(i.into())?
                }
                0x94 => {
                    let i = self.memo.len() as u64;
                    self.memo_put(i)?
                }
                b'h' => {
                    let i = self.take(1, "BINGET")?[0];
                    self.memo_get(i.into())?
                }
                b'j' => {
                    let i = u32::from_le_bytes(self.take_arr("LONG_BINGET")?);
                    self.memo_get(i.into())?
                }
                b'c' => {
                    let module = self.line("GLOBAL")?;
                    let name = self.line("GLOBAL")?;
                    self.global(&module, &name)?
                }
                0x93 => {
                    let name = self.pop("STACK_GLOBAL")?;
                    let module = self.pop("STACK_GLOBAL")?;
                    let (Obj::Str(m), Obj::Str(n)) = (self.arena.get(module), self.arena.get(name))
                    else {
                        return Err(format!(
                            "malformed pickle: STACK_GLOBAL at offset {at} needs two strings"
                        ));
                    };
                    let (m, n) = (m.clone(), n.clone());
                    self.global(&m, &n)?
                }
                b'Q' if self.allow == AllowList::Torch => {
                    let pid = self.pop("BINPERSID")?;
                    let storage = persistent_storage(&self.arena, pid)?;
                    self.push(Obj::Storage(storage))?
                }
                b'R' => {
                    let args = self.pop("REDUCE")?;
                    let func = self.pop("REDUCE")?;
                    let obj = self.call(func, args)?;
                    self.push(obj)?
                }
                0x81 => {
                    let args = self.pop("NEWOBJ")?;
                    let cls = self.pop("NEWOBJ")?;
                    match (self.arena.get(cls), self.arena.tuple_items(args)) {
                        (Obj::Global(Global::OrderedDict), Some([])) => {
                            self.push(Obj::Dict(Vec::new()))?
                        }
                        (c, _) => {
                            return Err(format!(
                                "the pickle instantiates a {} at offset {at}; only an empty \
                                 OrderedDict is allowed",
                                c.kind()
                            ))
                        }
                    }
                }
                b'b' => {
                    // BUILD sets attributes: `_metadata` on an OrderedDict, or a tensor's state,
                    // neither of which matters for the values, so it is checked and dropped; or the
                    // state of a NumPy dtype or array, which is their contents.
                    let state = self.pop("BUILD")?;
                    let inst = self.top("BUILD")?;
                    match self.arena.get(inst) {
                        Obj::Dict(_) | Obj::Tensor(_)
                            if matches!(self.allow, AllowList::Torch | AllowList::HyperNca) => {}
                        Obj::NpDtype(_) => self.build_dtype(inst, state, at)?,
                        Obj::NpArray(_) => self.build_array(inst, state, at)?,
                        o => {
                            return Err(format!(
                                "the pickle sets the state of a {} at offset {at}; only {} are \
                                 allowed",
                                o.kind(),
                                match self.allow {
                                    AllowList::Torch | AllowList::HyperNca =>
                                        "OrderedDicts and tensors",
                                    AllowList::Numpy => "NumPy arrays and dtypes",
                                }
                            ))
                        }
                    }
                }
                _ => {
                    return Err(format!(
                        "unsupported pickle opcode 0x{op:02x} ({:?}) at offset {at}; {} never uses \
                         it",
                        op as char,
                        match self.allow {
                            AllowList::Torch => "a state_dict written by torch.save",
                            AllowList::Numpy => "an object array written by np.save",
                            AllowList::HyperNca => "a config dict written by pickle.dump",
                        }
                    ))
                }
            }
        }
    }

    /// BUILD of a dtype: the state `(version, endian, subarray, names, fields, elsize, alignment,
    /// flags[, metadata])`; only plain dtypes (no subarray, no fields) are allowed.
    fn build_dtype(&mut self, inst: Id, state: Id, at: usize) -> Result<(), String> {
        let a = &self.arena;
        let bad =
            |what: &str| format!("malformed pickle: the numpy.dtype state at offset {at} {what}");
        let items = a.tuple_items(state).ok_or_else(|| bad("is not a tuple"))?;
        if items.len() < 5 {
            return Err(bad(&format!("has {} items, expected 8 or 9", items.len())));
        }
        let endian = match a.as_str(items[1]) {
            Some(e @ ("<" | ">" | "|" | "=")) => e.chars().next(),
            _ => return Err(bad("has no byte order (<, >, | or =)")),
        };
        if !matches!(a.get(items[2]), Obj::None) || !matches!(a.get(items[3]), Obj::None) {
            return Err(
                "the pickle holds a structured or sub-array numpy.dtype; only plain numbers are \
                 supported"
                    .into(),
            );
        }
        if let Obj::NpDtype(d) = &mut self.arena.objs[inst] {
            d.endian = endian;
        }
        Ok(())
    }

    /// BUILD of an array: the state `([version,] shape, dtype, is_fortran, data)`, data being the raw
    /// bytes, or a list of the elements of an object array.
    fn build_array(&mut self, inst: Id, state: Id, at: usize) -> Result<(), String> {
        let a = &self.arena;
        let bad =
            |what: &str| format!("malformed pickle: the numpy.ndarray state at offset {at} {what}");
        let items = a.tuple_items(state).ok_or_else(|| bad("is not a tuple"))?;
        let items = match items.len() {
            5 => &items[1..],
            4 => items,
            n => return Err(bad(&format!("has {n} items, expected 5"))),
        };
        let shape = int_tuple(a, items[0])
            .ok_or_else(|| bad("has a shape that is not a tuple of sizes"))?;
        let dtype = match a.get(items[1]) {
            Obj::NpDtype(_) => items[1],
            o => return Err(bad(&format!("has a {} where the dtype belongs", o.kind()))),
        };
        let fortran = match a.as_int(items[2]) {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(bad("has an is_fortran flag that is not a bool")),
        };
        let data = match a.get(items[3]) {
            Obj::Bytes(_) => NpData::Raw(items[3]),
            Obj::List(_) => NpData::Objects(items[3]),
            o => return Err(bad(&format!("holds its data as a {}", o.kind()))),
        };
        if let Obj::NpArray(arr) = &mut self.arena.objs[inst] {
            *arr = NpArray {
                shape,
                dtype: Some(dtype),
                fortran,
                data,
            };
        }
        Ok(())
    }

    /// A newline-terminated ASCII line (the text operands of GLOBAL).
    fn line(&mut self, what: &str) -> Result<String, String> {
        let rest = &self.data[self.pos..];
        let n = rest
            .iter()
            .take(256)
            .position(|&b| b == b'\n')
            .ok_or_else(|| {
                format!(
                    "the pickle is truncated or malformed: {what} at offset {}",
                    self.pos
                )
            })?;
        let s = std::str::from_utf8(&rest[..n])
            .map_err(|_| {
                format!(
                    "malformed pickle: {what} at offset {} is not text",
                    self.pos
                )
            })?
            .to_owned();
        self.pos += n + 1;
        Ok(s)
    }

    fn extend_list(&mut self, items: Vec<Id>, op: &str) -> Result<(), String> {
        let target = self.top(op)?;
        match &mut self.arena.objs[target] {
            Obj::List(v) => {
                v.extend(items);
                Ok(())
            }
            o => Err(format!(
                "malformed pickle: {op} at offset {} applies to a {}",
                self.pos,
                o.kind()
            )),
        }
    }

    fn extend_dict(&mut self, items: Vec<(Id, Id)>, op: &str) -> Result<(), String> {
        let target = self.top(op)?;
        match &mut self.arena.objs[target] {
            Obj::Dict(v) => {
                v.extend(items);
                Ok(())
            }
            o => Err(format!(
                "malformed pickle: {op} at offset {} applies to a {}",
                self.pos,
                o.kind()
            )),
        }
    }

    /// REDUCE: call one of the allowed globals.
    fn call(&mut self, func: Id, args: Id) -> Result<Obj, String> {
        let a = &self.arena;
        let Obj::Global(g) = *a.get(func) else {
            return Err(format!(
                "malformed pickle: REDUCE at offset {} calls a {}",
                self.pos,
                a.get(func).kind()
            ));
        };
        let args: &[Id] = a.tuple_items(args).ok_or_else(|| {
            format!(
                "malformed pickle: the arguments of {} are not a tuple",
                g.describe()
            )
        })?;
        let bad = |what: &str| format!("{} called with {what}", g.describe());
        match g {
            Global::OrderedDict if args.is_empty() => Ok(Obj::Dict(Vec::new())),
            Global::OrderedDict => Err(bad("arguments; only `OrderedDict()` is supported")),
            Global::RebuildTensor | Global::RebuildTensorV2 => {
                if args.len() < 4 {
                    return Err(bad("fewer than 4 arguments"));
                }
                let Obj::Storage(storage) = a.get(args[0]) else {
                    return Err(bad(&format!(
                        "a {} where a storage belongs",
                        a.get(args[0]).kind()
                    )));
                };
                let offset = a
                    .as_u64(args[1])
                    .ok_or_else(|| bad("a storage offset that is not a non-negative integer"))?;
                let dims = |id: Id, what: &str| -> Result<Vec<u64>, String> {
                    a.tuple_items(id)
                        .and_then(|v| v.iter().map(|&i| a.as_u64(i)).collect::<Option<Vec<_>>>())
                        .ok_or_else(|| {
                            bad(&format!(
                                "a {what} that is not a tuple of non-negative integers"
                            ))
                        })
                };
                // Checked before copying: one size tuple, memoised, may be referenced by every
                // tensor of the file, and each copy costs its length.
                for (id, what) in [(args[2], "size"), (args[3], "stride")] {
                    if a.tuple_items(id).is_some_and(|v| v.len() > MAX_DIMS) {
                        return Err(bad(&format!("a {what} of more than {MAX_DIMS} dimensions")));
                    }
                }
                let size = dims(args[2], "size")?;
                let stride = dims(args[3], "stride")?;
                if size.len() != stride.len() {
                    return Err(bad(&format!(
                        "size {size:?} and stride {stride:?} of different lengths"
                    )));
                }
                Ok(Obj::Tensor(TensorRef {
                    storage: storage.clone(),
                    offset,
                    size,
                    stride,
                }))
            }
            Global::RebuildParameter | Global::RebuildParameterWithState => {
                // A Parameter is its data tensor (requires_grad and hooks do not matter here).
                match args.first().map(|&i| a.get(i)) {
                    Some(t @ Obj::Tensor(_)) => Ok(t.clone()),
                    _ => Err(bad("something other than a tensor")),
                }
            }
            Global::Storage(t) => Err(format!(
                "the pickle constructs a torch.{} directly instead of through a persistent id",
                t.class_name()
            )),
            Global::NpReconstruct => {
                // `_reconstruct(numpy.ndarray, (0,), b'b')`: an empty array of that class.
                match args {
                    [cls, shape, _] if matches!(a.get(*cls), Obj::Global(Global::NpNdarray)) => {
                        if int_tuple(a, *shape).is_none() {
                            return Err(bad("a shape that is not a tuple of sizes"));
                        }
                        Ok(Obj::NpArray(NpArray {
                            shape: vec![0],
                            dtype: None,
                            fortran: false,
                            data: NpData::Unset,
                        }))
                    }
                    [cls, _, _] => Err(bad(&format!(
                        "a {} where numpy.ndarray belongs (subclasses such as matrices and masked \
                         arrays are not supported)",
                        a.get(*cls).kind()
                    ))),
                    _ => Err(bad(&format!("{} arguments; expected 3", args.len()))),
                }
            }
            Global::NpDtype => {
                // `dtype('f8', False, True)` (Python 2 pickles: 0 and 1).
                match args {
                    [code, align, copy]
                        if a.as_int(*align).is_some() && a.as_int(*copy).is_some() =>
                    {
                        let code = a
                            .as_str(*code)
                            .filter(|c| !c.is_empty() && c.len() <= 16)
                            .ok_or_else(|| bad("a type code that is not a short string"))?;
                        Ok(Obj::NpDtype(NpDtype {
                            code: code.to_string(),
                            endian: None,
                        }))
                    }
                    _ => Err(bad("arguments other than (type code, align, copy)")),
                }
            }
            Global::NpFromBuffer => {
                // `_frombuffer(buffer, dtype, shape, order)`.
                let [buf, dtype, shape, order] = args else {
                    return Err(bad(&format!("{} arguments; expected 4", args.len())));
                };
                if !matches!(a.get(*buf), Obj::Bytes(_)) {
                    return Err(bad(&format!(
                        "a {} where the buffer belongs",
                        a.get(*buf).kind()
                    )));
                }
                if !matches!(a.get(*dtype), Obj::NpDtype(_)) {
                    return Err(bad(&format!(
                        "a {} where the dtype belongs",
                        a.get(*dtype).kind()
                    )));
                }
                let shape = int_tuple(a, *shape)
                    .ok_or_else(|| bad("a shape that is not a tuple of sizes"))?;
                let fortran = match a.as_str(*order) {
                    Some("C") => false,
                    Some("F") => true,
                    _ => return Err(bad("an order other than 'C' or 'F'")),
                };
                Ok(Obj::NpArray(NpArray {
                    shape,
                    dtype: Some(*dtype),
                    fortran,
                    data: NpData::Raw(*buf),
                }))
            }
            Global::NpNdarray => Err(
                "the pickle calls numpy.ndarray directly; only _reconstruct builds arrays".into(),
            ),
            Global::LoadFromBytes => {
                let [b] = args else {
                    return Err(bad(&format!("{} arguments; expected 1", args.len())));
                };
                let b = *b;
                let Obj::Bytes(raw) = a.get(b) else {
                    return Err(bad(&format!("a {} where bytes belong", a.get(b).kind())));
                };
                let key = self.arena.inband.len().to_string();
                let (storage, range, big_endian) =
                    crate::policy::pth::legacy_bare_storage(raw, &key)
                        .map_err(|e| format!("{} at offset {}: {e}", g.describe(), self.pos))?;
                self.arena.inband.push(InBand {
                    bytes: b,
                    range,
                    big_endian,
                });
                Ok(Obj::Storage(storage))
            }
        }
    }
}

/// A tuple of non-negative integers (a shape).
fn int_tuple(a: &Arena, id: Id) -> Option<Vec<u64>> {
    match a.get(id) {
        Obj::Tuple(v) => v.iter().map(|&i| a.as_u64(i)).collect(),
        _ => None,
    }
}

/// Pair up `k1 v1 k2 v2 ...` (SETITEMS / DICT).
fn pairs(items: Vec<Id>, op: &str) -> Result<Vec<(Id, Id)>, String> {
    if items.len() % 2 != 0 {
        return Err(format!(
            "malformed pickle: {op} with an odd number ({}) of keys and values",
            items.len()
        ));
    }
    Ok(items.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect())
}

/// A little-endian two's-complement integer (LONG1/LONG4), if it fits in i128.
fn long_value(raw: &[u8]) -> Option<i128> {
    if raw.is_empty() {
        return Some(0);
    }
    let negative = raw[raw.len() - 1] & 0x80 != 0;
    let fill = if negative { 0xff } else { 0 };
    // Bytes beyond 16 may only be sign extension.
    if raw.len() > 16 && raw[16..].iter().any(|&b| b != fill) {
        return None;
    }
    let mut buf = [fill; 16];
    let n = raw.len().min(16);
    buf[..n].copy_from_slice(&raw[..n]);
    Some(i128::from_le_bytes(buf))
}

/// Resolve `('storage', torch.XStorage, key, location, numel)` (zip files) or the legacy
/// `('storage', torch.XStorage, root_key, location, numel, view_metadata)`.
fn persistent_storage(a: &Arena, pid: Id) -> Result<StorageRef, String> {
    let items = match a.get(pid) {
        Obj::Tuple(v) => v.as_slice(),
        o => {
            return Err(format!(
                "malformed file: a persistent id is a {}, not a tuple",
                o.kind()
            ))
        }
    };
    match items.first().and_then(|&i| a.as_str(i)) {
        Some("storage") => {}
        Some(other) => {
            return Err(format!(
                "the file holds a persistent object of type `{other}` (e.g. a pickled module's \
                 source); only tensor storages are supported"
            ))
        }
        None => return Err("malformed file: a persistent id has no type name".into()),
    }
    if !(items.len() == 5 || items.len() == 6) {
        return Err(format!(
            "malformed file: a storage persistent id has {} fields, expected 5 (or 6 in legacy files)",
            items.len()
        ));
    }
    let ty = match a.get(items[1]) {
        Obj::Global(Global::Storage(t)) => *t,
        o => {
            return Err(format!(
                "malformed file: a storage's type is a {}, not a torch.*Storage",
                o.kind()
            ))
        }
    };
    let key = match a.get(items[2]) {
        Obj::Str(s) => s.clone(),
        Obj::Bytes(b) => String::from_utf8(b.clone())
            .map_err(|_| "malformed file: a storage key is not text".to_string())?,
        Obj::Int(i) => i.to_string(),
        o => return Err(format!("malformed file: a storage key is a {}", o.kind())),
    };
    if key.len() > MAX_KEY_LEN {
        return Err(format!(
            "malformed file: a storage key of {} bytes (torch's are short numbers; at most \
             {MAX_KEY_LEN})",
            key.len()
        ));
    }
    let numel = a
        .as_u64(items[4])
        .ok_or_else(|| format!("malformed file: storage `{key}` has no valid element count"))?;
    let view = match items.get(5).map(|&i| a.get(i)) {
        None | Some(Obj::None) => None,
        Some(Obj::Tuple(v)) if v.len() == 3 => {
            // (view_key, offset, view_size): a slice of the root storage `key`.
            let off = a.as_u64(v[1]);
            let len = a.as_u64(v[2]);
            match (off, len) {
                (Some(o), Some(l)) => Some((o, l)),
                _ => return Err(format!("malformed file: storage `{key}` has a bad view")),
            }
        }
        Some(o) => {
            return Err(format!(
                "malformed file: storage `{key}` has view metadata that is a {}",
                o.kind()
            ))
        }
    };
    Ok(StorageRef {
        ty,
        key,
        numel,
        view,
    })
}

/// Writes pickles with the opcodes `torch.save` (protocol 2) and NumPy 1.x's `np.save` (protocol 3) use.
#[derive(Debug, Default)]
pub struct Pickler {
    pub out: Vec<u8>,
    /// Memo slots of globals already written, so that each is spelled out once (as pickle does).
    globals: HashMap<(&'static str, &'static str), u32>,
    next_memo: u32,
}

impl Pickler {
    /// A protocol-2 pickle.
    pub fn new() -> Pickler {
        Pickler::with_protocol(2)
    }

    /// A pickle of protocol 2 or 3 (3 adds the bytes opcodes).
    pub fn with_protocol(protocol: u8) -> Pickler {
        let mut p = Pickler::default();
        p.out.extend_from_slice(&[0x80, protocol]);
        p
    }

    pub fn global(&mut self, module: &'static str, name: &'static str) {
        if let Some(&i) = self.globals.get(&(module, name)) {
            self.get(i);
            return;
        }
        self.out.push(b'c');
        self.out.extend_from_slice(module.as_bytes());
        self.out.push(b'\n');
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(b'\n');
        let i = self.put();
        self.globals.insert((module, name), i);
    }

    /// Store the object on top of the stack in the next memo slot (BINPUT), as Python's pickler does
    /// after each string, bytes, tuple, list and reduced object; returns the slot.
    pub fn memoize(&mut self) -> u32 {
        self.put()
    }

    /// Push the object of memo slot `i` again (BINGET).
    pub fn memo_get(&mut self, i: u32) {
        self.get(i)
    }

    fn put(&mut self) -> u32 {
        let i = self.next_memo;
        self.next_memo += 1;
        if let Ok(b) = u8::try_from(i) {
            self.out.extend_from_slice(&[b'q', b]);
        } else {
            self.out.push(b'r');
            self.out.extend_from_slice(&i.to_le_bytes());
        }
        i
    }

    fn get(&mut self, i: u32) {
        if let Ok(b) = u8::try_from(i) {
            self.out.extend_from_slice(&[b'h', b]);
        } else {
            self.out.push(b'j');
            self.out.extend_from_slice(&i.to_le_bytes());
        }
    }

    pub fn mark(&mut self) {
        self.out.push(b'(');
    }

    pub fn str(&mut self, s: &str) {
        self.out.push(b'X');
        self.out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.out.extend_from_slice(s.as_bytes());
    }

    /// The smallest integer opcode, as Python's pickler chooses it.
    pub fn int(&mut self, v: u64) {
        if let Ok(b) = u8::try_from(v) {
            self.out.extend_from_slice(&[b'K', b]);
        } else if let Ok(w) = u16::try_from(v) {
            self.out.push(b'M');
            self.out.extend_from_slice(&w.to_le_bytes());
        } else if let Ok(d) = i32::try_from(v) {
            self.out.push(b'J');
            self.out.extend_from_slice(&d.to_le_bytes());
        } else {
            // LONG1 with 9 bytes: a u64 always has room for the sign bit then.
            self.out.extend_from_slice(&[0x8a, 9]);
            self.out.extend_from_slice(&v.to_le_bytes());
            self.out.push(0);
        }
    }

    pub fn bool(&mut self, v: bool) {
        self.out.push(if v { 0x88 } else { 0x89 });
    }

    /// A signed 32-bit integer (BININT), as Python writes negative ones.
    pub fn int_i32(&mut self, v: i32) {
        self.out.push(b'J');
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    pub fn none(&mut self) {
        self.out.push(b'N');
    }

    /// A `bytes` object (protocol 3): SHORT_BINBYTES up to 255 bytes, else BINBYTES. `None` when it is
    /// too long for protocol 3 (4 GiB).
    pub fn bytes(&mut self, b: &[u8]) -> Option<()> {
        if let Ok(n) = u8::try_from(b.len()) {
            self.out.extend_from_slice(&[b'C', n]);
        } else {
            let n = u32::try_from(b.len()).ok()?;
            self.out.push(b'B');
            self.out.extend_from_slice(&n.to_le_bytes());
        }
        self.out.extend_from_slice(b);
        Some(())
    }

    pub fn empty_list(&mut self) {
        self.out.push(b']');
    }

    /// Append the items since the last `mark` to the list below it.
    pub fn appends(&mut self) {
        self.out.push(b'e');
    }

    /// Append the top item to the list below it.
    pub fn append(&mut self) {
        self.out.push(b'a');
    }

    /// A tuple of the top 1, 2 or 3 items (TUPLE1/2/3).
    pub fn tuple_n(&mut self, n: u8) {
        debug_assert!((1..=3).contains(&n));
        self.out.push(0x84 + n);
    }

    /// Set the state of the object below the top to the top (BUILD).
    pub fn build(&mut self) {
        self.out.push(b'b');
    }

    /// A tuple of integers (sizes and strides).
    pub fn int_tuple(&mut self, v: &[u64]) {
        if v.is_empty() {
            self.out.push(b')');
            return;
        }
        if v.len() > 3 {
            self.mark();
        }
        for &x in v {
            self.int(x);
        }
        self.out.push(match v.len() {
            1 => 0x85,
            2 => 0x86,
            3 => 0x87,
            _ => b't',
        });
    }

    /// Close the tuple opened by the last `mark`.
    pub fn tuple(&mut self) {
        self.out.push(b't');
    }

    pub fn empty_tuple(&mut self) {
        self.out.push(b')');
    }

    pub fn reduce(&mut self) {
        self.out.push(b'R');
    }

    pub fn binpersid(&mut self) {
        self.out.push(b'Q');
    }

    pub fn setitems(&mut self) {
        self.out.push(b'u');
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.out.push(b'.');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8]) -> Result<Loaded, String> {
        load(bytes, 0)
    }

    #[test]
    fn small_values_and_memo() {
        // [1, 300, -2, 'ab', 1.5, None, True, memo-get of 'ab']
        let mut b = vec![0x80, 2, b']', b'q', 0, b'('];
        b.extend_from_slice(&[b'K', 1, b'M', 0x2c, 0x01, b'J']);
        b.extend_from_slice(&(-2i32).to_le_bytes());
        b.extend_from_slice(&[0x8c, 2, b'a', b'b', b'q', 1, b'G']);
        b.extend_from_slice(&1.5f64.to_be_bytes());
        b.extend_from_slice(&[b'N', 0x88, b'h', 1, b'e', b'.']);
        let l = run(&b).unwrap();
        let Obj::List(items) = l.arena.get(l.root) else {
            panic!("not a list")
        };
        let vals: Vec<&Obj> = items.iter().map(|&i| l.arena.get(i)).collect();
        assert_eq!(
            vals,
            [
                &Obj::Int(1),
                &Obj::Int(300),
                &Obj::Int(-2),
                &Obj::Str("ab".into()),
                &Obj::Float(1.5),
                &Obj::None,
                &Obj::Bool(true),
                &Obj::Str("ab".into()),
            ]
        );
        assert_eq!(l.end, b.len());
    }

    #[test]
    fn long_values() {
        assert_eq!(long_value(&[]), Some(0));
        assert_eq!(long_value(&[0xff]), Some(-1));
        assert_eq!(long_value(&[0x00, 0x80, 0x00]), Some(0x8000));
        // torch's legacy magic number 0x1950a86a20f9469cfc6c, as LONG1 writes it.
        let magic = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
        assert_eq!(long_value(&magic), Some(0x1950a86a20f9469cfc6c));
        assert_eq!(long_value(&[1u8; 17]), None);
        let mut ext = vec![0xfe];
        ext.extend([0xff; 20]);
        assert_eq!(long_value(&ext), Some(-2));
    }

    #[test]
    fn pickler_ints_round_trip() {
        for v in [
            0u64,
            255,
            256,
            65535,
            65536,
            i32::MAX as u64,
            1 << 31,
            u64::MAX,
        ] {
            let mut p = Pickler::new();
            p.int(v);
            let l = run(&p.finish()).unwrap();
            assert_eq!(l.arena.get(l.root), &Obj::Int(v as i128), "{v}");
        }
        for dims in [
            vec![],
            vec![3],
            vec![3, 4],
            vec![1, 2, 3],
            vec![1, 2, 3, 4, 5],
        ] {
            let mut p = Pickler::new();
            p.int_tuple(&dims);
            let l = run(&p.finish()).unwrap();
            let got: Vec<u64> = l
                .arena
                .tuple_items(l.root)
                .unwrap()
                .iter()
                .map(|&i| l.arena.as_u64(i).unwrap())
                .collect();
            assert_eq!(got, dims);
        }
    }

    #[test]
    fn bad_streams_are_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "truncated"),
            (&[0x80, 2], "truncated"),
            (&[0x80, 2, b'.'], "empty stack"),
            (&[0x80, 2, 0xff], "unsupported pickle opcode 0xff"),
            (&[0x80, 9], "protocol 9"),
            (&[0x80, 2, b'h', 7], "memo entry 7"),
            (&[0x80, 2, b't'], "without a MARK"),
            (&[0x80, 2, b'X', 0xff, 0xff, 0xff, 0x7f, b'a'], "declares"),
            (&[0x80, 2, b'K', 1, b'a', b'.'], "APPEND"),
            (&[0x80, 2, b'(', b'K', 1, b'u'], "odd number"),
            (&[0x80, 2, b'(', b'0'], "empty stack"),
            (b"\x80\x02cos\nsystem\n.", "`os.system`"),
            (b"\x80\x02cbuiltins\neval\n.", "`builtins.eval`"),
            (b"\x80\x02ctorch\nFloatStorage\n)R.", "persistent id"),
            (b"\x80\x02ccollections\nOrderedDict\nK\x01R.", "not a tuple"),
            (b"\x80\x02K\x01)R.", "calls a int"),
            (b"\x80\x02K\x01Q.", "not a tuple"),
            (b"\x80\x02X\x03\x00\x00\x00abcQ.", "not a tuple"),
            (
                b"\x80\x02X\x03\x00\x00\x00modX\x01\x00\x00\x00f\x93.",
                "`mod.f`",
            ),
            (b"\x80\x02]K\x01b.", "state of a list"),
        ];
        for (bytes, want) in cases {
            let err = run(bytes).unwrap_err();
            assert!(err.contains(want), "{bytes:?}: {err}");
        }
    }

    #[test]
    fn each_file_kind_has_its_own_globals() {
        let np = |b: &[u8]| load_with(b, 0, AllowList::Numpy);
        assert!(run(b"\x80\x02cnumpy\ndtype\n.")
            .unwrap_err()
            .contains("`numpy.dtype`"));
        assert!(np(b"\x80\x02cnumpy\ndtype\n.").is_ok());
        assert!(np(b"\x80\x02cnumpy._core.multiarray\n_reconstruct\n.").is_ok());
        let torch = b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n.";
        assert!(run(torch).is_ok());
        assert!(np(torch).unwrap_err().contains("refusing"));
        // No persistent ids in NumPy pickles.
        let e = np(b"\x80\x02X\x01\x00\x00\x00aQ.").unwrap_err();
        assert!(
            e.contains("unsupported pickle opcode 0x51") && e.contains("np.save"),
            "{e}"
        );
    }

    #[test]
    fn numpy_objects_are_checked() {
        let np = |b: &[u8]| load_with(b, 0, AllowList::Numpy).map(|_| ()).unwrap_err();
        let recon = b"\x80\x02cnumpy.core.multiarray\n_reconstruct\n";
        let cases: &[(&[u8], &str)] = &[
            // _reconstruct of a class other than ndarray.
            (b"K\x00K\x00\x85C\x01b\x87R.", "where numpy.ndarray belongs"),
            (b"cnumpy\nndarray\nK\x00\x85\x86R.", "2 arguments"),
            // An array BUILD whose state is not (version, shape, dtype, fortran, data).
            (
                b"cnumpy\nndarray\nK\x00\x85C\x01b\x87RK\x01b.",
                "not a tuple",
            ),
            (
                b"cnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01K\x02\x85K\x03\x89C\x00tb.",
                "dtype belongs",
            ),
        ];
        for (tail, want) in cases {
            let mut b = recon.to_vec();
            b.extend_from_slice(tail);
            let e = np(&b);
            assert!(e.contains(want), "{tail:?}: {e}");
        }
        // A structured dtype, a dtype without byte order, numpy.ndarray called directly.
        let e = np(b"\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00f8\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NX\x01\x00\x00\x00aNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb.");
        assert!(e.contains("structured"), "{e}");
        let e = np(b"\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00f8\x89\x88\x87R(K\x03NNNNtb.");
        assert!(e.contains("byte order"), "{e}");
        let e = np(b"\x80\x02cnumpy\nndarray\n)R.");
        assert!(e.contains("directly"), "{e}");
    }

    #[test]
    fn cyclic_and_deep_structures_are_harmless() {
        // A list that contains itself, then a very deep chain of one-element tuples.
        let mut b = vec![0x80, 2, b']', b'q', 0, b'h', 0, b'a', b'0'];
        b.push(b'N');
        b.extend(std::iter::repeat_n(0x85, 100_000));
        b.push(b'.');
        let l = run(&b).unwrap();
        assert!(matches!(l.arena.get(l.root), Obj::Tuple(_)));
    }

    #[test]
    fn every_truncation_of_a_valid_stream_is_an_error() {
        let mut p = Pickler::new();
        p.global("collections", "OrderedDict");
        p.empty_tuple();
        p.reduce();
        p.mark();
        p.str("w");
        p.int_tuple(&[1, 2, 3, 4]);
        p.setitems();
        let full = p.finish();
        assert!(run(&full).is_ok());
        for n in 0..full.len() {
            assert!(run(&full[..n]).is_err(), "cut at {n}");
        }
    }

    #[test]
    fn hypernca_configs_name_only_their_three_globals() {
        let nca = |b: &[u8]| load_with(b, 0, AllowList::HyperNca);
        assert!(nca(b"\x80\x02ccollections\nOrderedDict\n.").is_ok());
        assert!(nca(b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n.").is_ok());
        assert!(nca(b"\x80\x02ctorch.storage\n_load_from_bytes\n.").is_ok());
        for bad in [
            &b"\x80\x02cos\nsystem\n."[..],
            b"\x80\x02cbuiltins\neval\n.",
            b"\x80\x02ctorch\nFloatStorage\n.",
            b"\x80\x02ctorch._utils\n_rebuild_parameter\n.",
            b"\x80\x04\x8c\x05posix\x8c\x06system\x93.",
        ] {
            let e = nca(bad).unwrap_err();
            assert!(e.contains("refusing") && e.contains("nca.config"), "{e}");
        }
        // Neither a state_dict nor a NumPy pickle may load storages from bytes.
        let lfb = b"\x80\x02ctorch.storage\n_load_from_bytes\n.";
        assert!(run(lfb).unwrap_err().contains("refusing"));
        // No persistent ids: storages only come from _load_from_bytes.
        assert!(nca(b"\x80\x02X\x01\x00\x00\x00aQ.").is_err());
        // _load_from_bytes of something that is not a legacy torch.save: an error, not a panic.
        let e = nca(b"\x80\x02ctorch.storage\n_load_from_bytes\nC\x03abc\x85R.").unwrap_err();
        assert!(e.contains("_load_from_bytes"), "{e}");
        let e = nca(b"\x80\x02ctorch.storage\n_load_from_bytes\nK\x01\x85R.").unwrap_err();
        assert!(e.contains("where bytes belong"), "{e}");
    }

    /// A pickle of many tensors that all reuse one memoised size tuple, storage and stride: each
    /// REDUCE costs a few bytes of input and copies the tuples. The copies are bounded by the budget
    /// (64 times the input), and tuples of more than 64 dimensions are refused outright.
    #[test]
    fn memo_reuse_cannot_multiply_memory() {
        let pickle = |dims: usize, tensors: usize| {
            let mut p = Pickler::new();
            p.global("torch._utils", "_rebuild_tensor_v2");
            let rebuild = p.memoize();
            p.mark();
            p.str("storage");
            p.global("torch", "FloatStorage");
            p.str("0");
            p.str("cpu");
            p.int(1);
            p.tuple();
            p.binpersid();
            let storage = p.memoize();
            p.int_tuple(&vec![1; dims]);
            let size = p.memoize();
            p.int_tuple(&vec![0; dims]);
            let stride = p.memoize();
            p.empty_list();
            p.mark();
            for _ in 0..tensors {
                p.memo_get(rebuild);
                p.mark();
                p.memo_get(storage);
                p.int(0);
                p.memo_get(size);
                p.memo_get(stride);
                p.tuple();
                p.reduce();
            }
            p.appends();
            p.finish()
        };
        let e = run(&pickle(65, 1)).unwrap_err();
        assert!(e.contains("more than 64 dimensions"), "{e}");
        // 64 dimensions, 200,000 tensors: 2.4 MB of pickle asking for 200 MB of copies.
        let bytes = pickle(64, 200_000);
        let e = run(&bytes).unwrap_err();
        assert!(e.contains("more than 64 times its own size"), "{e}");
        // The same file with few tensors loads.
        assert!(run(&pickle(64, 10)).is_ok());
    }
}
