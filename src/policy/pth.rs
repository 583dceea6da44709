//! PyTorch `.pth` state_dict files, read and written without Python.
//!
//! Reading handles what `torch.save(model.state_dict(), path)` writes: the zip format (any top-level
//! folder name, storages keyed by number or by pointer), `OrderedDict` or `dict`, float32 and float64
//! tensors, and the legacy pre-1.6 format (`_use_new_zipfile_serialization=False`). Writing produces the
//! zip format that `torch.load(path)` (with its default `weights_only=True`) accepts.
//!
//! Zip format (torch ≥ 1.6): `<folder>/data.pkl` is a pickle of the dict whose tensors are
//! `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`, each storage being a persistent
//! id `('storage', torch.FloatStorage, key, location, numel)` whose raw little-endian bytes are the entry
//! `<folder>/data/<key>`. Legacy format: consecutive pickles (magic number, protocol version, system info,
//! the dict, the list of storage keys), then per key an i64 element count and the raw bytes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use super::pickle::{self, Arena, Id, Obj, Pickler, StorageRef, StorageType, TensorRef};
use crate::error::{Error, Result};

/// Element type of a stored tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    F32,
    F64,
}

/// One tensor, contiguous, row-major. Values are widened to f64 (exactly, for float32 files).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub dtype: Dtype,
    pub data: Vec<f64>,
}

/// An ordered state_dict: names to tensors, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateDict {
    pub entries: Vec<(String, Tensor)>,
}

impl StateDict {
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

/// Read a state_dict from a `.pth` file.
pub fn read(path: &Path) -> Result<StateDict> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    from_bytes(&bytes, path)
}

/// Parse the bytes of a `.pth` file; `path` only names the file in errors.
pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<StateDict> {
    parse(bytes).map_err(|reason| Error::Pth {
        path: path.to_path_buf(),
        reason,
    })
}

/// Write a state_dict to `path` atomically, in PyTorch's zip format.
pub fn write(path: &Path, sd: &StateDict) -> Result<()> {
    let bytes = encode(sd, &archive_name_for(path)).map_err(|reason| Error::Pth {
        path: path.to_path_buf(),
        reason,
    })?;
    crate::fsutil::write_atomic(path, &bytes)
}

/// The bytes of a `.pth` file holding `sd`, with top-level folder `archive_name` (what `torch.save`
/// derives from the file name, see [`archive_name_for`]).
pub fn to_bytes(sd: &StateDict, archive_name: &str) -> Result<Vec<u8>> {
    encode(sd, archive_name).map_err(Error::Invalid)
}

/// The folder name `torch.save` uses inside the zip: the file name without its last extension, or
/// `archive` where that would be empty or not plain ASCII.
pub fn archive_name_for(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = match name.rfind('.') {
        Some(i) => &name[..i],
        None => &name[..],
    };
    let plain = stem
        .bytes()
        .all(|b| (b.is_ascii_graphic() || b == b' ') && b != b'/' && b != b'\\');
    if stem.is_empty() || !plain {
        "archive".to_string()
    } else {
        stem.to_string()
    }
}

// ---------------------------------------------------------------------------------------------------
// Reading

/// Magic number and protocol version that open a legacy file.
const LEGACY_MAGIC: i128 = 0x1950a86a20f9469cfc6c;
const LEGACY_PROTOCOL: i128 = 1001;

fn parse(bytes: &[u8]) -> Result<StateDict, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(b"PK") {
        return parse_zip(bytes);
    }
    if bytes[0] == 0x80 {
        return parse_legacy(bytes);
    }
    if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        return Err(
            "this is the tar format of PyTorch before 0.1.10, which is not supported; re-save it \
             with a current torch.save"
                .into(),
        );
    }
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Err(format!(
        "neither a zip archive (torch.save since PyTorch 1.6) nor a legacy pickle stream; the file \
         starts with bytes {}",
        head.join(" ")
    ))
}

fn parse_zip(bytes: &[u8]) -> Result<StateDict, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        format!(
            "not a readable zip archive ({e}); the file ({} bytes) may be truncated or corrupt",
            bytes.len()
        )
    })?;
    if zip.is_empty() {
        return Err("the zip archive contains no files".into());
    }
    // Like torch, take the folder of the first entry; all records live under it.
    let first = zip
        .file_names()
        .next()
        .and_then(|n| n.ok())
        .ok_or("cannot read the name of the first zip entry")?
        .into_owned();
    let folder = match first.find('/') {
        Some(i) => first[..i].to_string(),
        None => {
            return Err(format!(
                "the zip archive's first entry `{first}` is not inside a folder, so it is not a \
                 torch.save file"
            ))
        }
    };
    let pkl_name = format!("{folder}/data.pkl");
    let pkl = match read_entry(&mut zip, &pkl_name)? {
        Some(p) => p,
        None => {
            let names: Vec<String> = zip
                .file_names()
                .take(8)
                .map(|n| n.map(Cow::into_owned).unwrap_or_else(|_| "?".into()))
                .collect();
            return Err(format!(
                "the zip archive has no `{pkl_name}` (entries: {}{}), so it is not a state_dict \
                 saved by torch.save (a TorchScript archive?)",
                names.join(", "),
                if zip.len() > 8 { ", ..." } else { "" }
            ));
        }
    };
    let big_endian = match read_entry(&mut zip, &format!("{folder}/byteorder"))? {
        None => false,
        Some(b) if b == b"little" => false,
        Some(b) if b == b"big" => true,
        Some(b) => {
            return Err(format!(
                "unknown byte order `{}` in `{folder}/byteorder`",
                String::from_utf8_lossy(&b)
            ))
        }
    };
    let loaded = pickle::load(&pkl, 0).map_err(|e| format!("in `{pkl_name}`: {e}"))?;
    let items = dict_of_tensors(&loaded.arena, loaded.root)?;

    let mut records: HashMap<String, Cow<[u8]>> = HashMap::new();
    for (name, t) in &items {
        let key = &t.storage.key;
        if records.contains_key(key) {
            continue;
        }
        let entry = format!("{folder}/data/{key}");
        let data = read_entry(&mut zip, &entry)?.ok_or_else(|| {
            format!("the storage record `{entry}` of tensor `{name}` is missing from the archive")
        })?;
        records.insert(key.clone(), Cow::Owned(data));
    }
    materialize_all(items, &records, big_endian, bytes.len(), "data/")
}

/// The contents of a zip entry of a `.pth`, or None if there is no such entry.
fn read_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    read_zip_entry(zip, name, 64)
}

/// The contents of a zip entry, or None if there is no such entry; its CRC-32 checked, and a
/// compressed entry refused when it claims more than `max_ratio` times its compressed size + 1 MiB.
pub(crate) fn read_zip_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    max_ratio: u64,
) -> Result<Option<Vec<u8>>, String> {
    let mut f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read zip entry `{name}`: {e}")),
    };
    let declared = f.size();
    // A stored entry lies inside the file, so the zip reader bounds it; a compressed one (only from
    // re-zipping tools, torch never compresses) could claim any size, so its ratio is capped.
    if f.compression() != zip::CompressionMethod::Stored {
        let limit = f
            .compressed_size()
            .saturating_mul(max_ratio)
            .saturating_add(1 << 20);
        if declared > limit {
            return Err(format!(
                "zip entry `{name}` claims to inflate {} bytes to {declared}, implausibly many",
                f.compressed_size()
            ));
        }
    }
    let mut out = Vec::new();
    (&mut f)
        .take(declared)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot read zip entry `{name}`: {e}"))?;
    if (out.len() as u64) < declared {
        return Err(format!(
            "zip entry `{name}` is truncated: {} of {declared} bytes",
            out.len()
        ));
    }
    // Every entry's CRC-32, as torch's reader checks it: a flipped bit in a weight is a damaged file,
    // not a different actor.
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&out);
    if crc != f.crc32() {
        return Err(format!(
            "zip entry `{name}` is damaged: its CRC-32 is {crc:08x}, the archive records {:08x}",
            f.crc32()
        ));
    }
    Ok(Some(out))
}

fn parse_legacy(bytes: &[u8]) -> Result<StateDict, String> {
    let (start, big_endian) = legacy_header(bytes)?;
    let main = pickle::load(bytes, start).map_err(|e| format!("legacy file, main pickle: {e}"))?;
    let items = dict_of_tensors(&main.arena, main.root)?;
    let (ranges, _) = legacy_records(bytes, &main.arena, main.end, big_endian)?;
    let records: HashMap<String, Cow<[u8]>> = ranges
        .into_iter()
        .map(|(k, r)| (k, Cow::Borrowed(&bytes[r])))
        .collect();
    materialize_all(items, &records, big_endian, bytes.len(), "")
}

/// The three pickles that open a legacy file (magic number, protocol version, system info): where the
/// main pickle starts, and whether the data is big-endian.
fn legacy_header(bytes: &[u8]) -> Result<(usize, bool), String> {
    let what = "the file is neither a zip archive nor a legacy torch.save file";
    let magic = pickle::load(bytes, 0).map_err(|e| format!("{what}: {e}"))?;
    if magic.arena.as_int(magic.root) != Some(LEGACY_MAGIC) {
        return Err(format!(
            "{what}: it is a pickle, but does not start with torch's magic number"
        ));
    }
    let proto = pickle::load(bytes, magic.end).map_err(|e| format!("legacy file: {e}"))?;
    if proto.arena.as_int(proto.root) != Some(LEGACY_PROTOCOL) {
        return Err(format!(
            "legacy file with unsupported protocol version (expected {LEGACY_PROTOCOL})"
        ));
    }
    let info = pickle::load(bytes, proto.end).map_err(|e| format!("legacy file: {e}"))?;
    let big_endian = match lookup(&info.arena, info.root, "little_endian") {
        Some(Obj::Bool(little)) => !little,
        _ => false,
    };
    Ok((info.end, big_endian))
}

/// Storage keys and where their raw bytes lie in a legacy file.
type Records = HashMap<String, std::ops::Range<usize>>;

/// After a legacy file's main pickle (whose objects are `main`, ending at `main_end`): the list of
/// storage keys, then per key an i64 element count and the raw data. Where each record's bytes lie in
/// `bytes` (checked to lie inside it), and where the last one ends.
fn legacy_records(
    bytes: &[u8],
    main: &Arena,
    main_end: usize,
    big_endian: bool,
) -> Result<(Records, usize), String> {
    let keys =
        pickle::load(bytes, main_end).map_err(|e| format!("legacy file, storage keys: {e}"))?;
    // The element size of each storage is only known from the tensors that use it.
    let mut types: HashMap<&str, StorageType> = HashMap::new();
    for obj in &main.objs {
        if let Obj::Storage(s) = obj {
            types.insert(&s.key, s.ty);
        }
    }
    let key_ids: &[Id] = match keys.arena.get(keys.root) {
        Obj::List(v) | Obj::Tuple(v) => v,
        o => {
            return Err(format!(
                "legacy file: the storage key list is a {}",
                o.kind()
            ))
        }
    };
    let mut records: Records = HashMap::new();
    let mut pos = keys.end;
    for &id in key_ids {
        let key = match keys.arena.get(id) {
            Obj::Int(i) => i.to_string(),
            _ => keys
                .arena
                .as_str(id)
                .ok_or("legacy file: a storage key is not a string")?
                .to_string(),
        };
        let ty = *types.get(key.as_str()).ok_or_else(|| {
            format!("legacy file: storage `{key}` is listed but no tensor uses it")
        })?;
        let head: [u8; 8] = bytes
            .get(pos..pos.saturating_add(8))
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| {
                format!("legacy file is truncated: the size of storage `{key}` at offset {pos} is missing")
            })?;
        let count = if big_endian {
            i64::from_be_bytes(head)
        } else {
            i64::from_le_bytes(head)
        };
        let start = pos + 8;
        let end = u64::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(ty.element_size() as u64))
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| start.checked_add(n))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                format!(
                    "legacy file is truncated or corrupt: storage `{key}` declares {count} {} \
                     elements at offset {start}, but the file has {} bytes",
                    ty.dtype_name(),
                    bytes.len()
                )
            })?;
        records.insert(key, start..end);
        pos = end;
    }
    Ok((records, pos))
}

/// A bare storage saved in the legacy format, `torch.save(storage, f, _use_new_zipfile_serialization=
/// False)`: what `torch.storage._load_from_bytes(b)` loads when plain `pickle` (or PyYAML) stores a
/// tensor. The storage (its key replaced by `key`), where its raw elements lie in `bytes`, and whether
/// they are big-endian. Nothing is copied; every size is checked against `bytes`.
pub(crate) fn legacy_bare_storage(
    bytes: &[u8],
    key: &str,
) -> Result<(StorageRef, std::ops::Range<usize>, bool), String> {
    let (start, big_endian) = legacy_header(bytes)?;
    let main = pickle::load(bytes, start).map_err(|e| format!("legacy storage: {e}"))?;
    let storage = match main.arena.get(main.root) {
        Obj::Storage(s) => s.clone(),
        o => {
            return Err(format!(
                "the legacy torch.save holds a {}, not a bare storage",
                o.kind()
            ))
        }
    };
    let (records, _) = legacy_records(bytes, &main.arena, main.end, big_endian)?;
    let range = records.get(&storage.key).cloned().ok_or_else(|| {
        format!(
            "the legacy torch.save of storage `{}` holds no data for it",
            storage.key
        )
    })?;
    Ok((
        StorageRef {
            key: key.to_string(),
            ..storage
        },
        range,
        big_endian,
    ))
}

/// The value stored under the string key `key` of a dict object.
fn lookup<'a>(arena: &'a Arena, dict: Id, key: &str) -> Option<&'a Obj> {
    match arena.get(dict) {
        Obj::Dict(items) => items
            .iter()
            .rev()
            .find(|(k, _)| arena.as_str(*k) == Some(key))
            .map(|(_, v)| arena.get(*v)),
        _ => None,
    }
}

/// The (name, tensor) pairs of the unpickled dict, in order, with Python's rule for a repeated key (the
/// later value wins, the first position stays).
fn dict_of_tensors(arena: &Arena, root: Id) -> Result<Vec<(String, TensorRef)>, String> {
    let items = match arena.get(root) {
        Obj::Dict(items) => items,
        o => {
            return Err(format!(
                "the file holds a {}, not a dict of tensors (a state_dict)",
                o.kind()
            ))
        }
    };
    let mut out: Vec<(String, TensorRef)> = Vec::with_capacity(items.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for &(k, v) in items {
        let name = arena.as_str(k).ok_or_else(|| {
            format!(
                "the state_dict has a key that is a {}, not a string",
                arena.get(k).kind()
            )
        })?;
        let t = match arena.get(v) {
            Obj::Tensor(t) => t.clone(),
            o => {
                return Err(format!(
                    "the value of `{name}` is a {}, not a tensor; only a dict of tensors (a \
                     state_dict) is supported",
                    o.kind()
                ))
            }
        };
        match index.get(name) {
            Some(&i) => out[i].1 = t,
            None => {
                index.insert(name.to_string(), out.len());
                out.push((name.to_string(), t));
            }
        }
    }
    Ok(out)
}

/// Read every tensor out of its storage record. `budget_bytes` (the file size) bounds how many values
/// a file may expand to, so that zero strides or shared storages cannot ask for absurd allocations.
fn materialize_all(
    items: Vec<(String, TensorRef)>,
    records: &HashMap<String, Cow<[u8]>>,
    big_endian: bool,
    budget_bytes: usize,
    record_prefix: &str,
) -> Result<StateDict, String> {
    let mut budget = (budget_bytes as u64)
        .saturating_mul(4)
        .saturating_add(1 << 20);
    let mut entries = Vec::with_capacity(items.len());
    for (name, t) in items {
        let record = records.get(&t.storage.key).ok_or_else(|| {
            format!(
                "the storage record `{record_prefix}{}` of tensor `{name}` is missing",
                t.storage.key
            )
        })?;
        let tensor = materialize(&t, record, big_endian, &mut budget)
            .map_err(|e| format!("tensor `{name}`: {e}"))?;
        entries.push((name, tensor));
    }
    Ok(StateDict { entries })
}

/// The values of tensor `t`, read from its storage's raw `record`; `budget` bounds the number of
/// values (and is reduced by them), so that no file can ask for a huge allocation.
pub(crate) fn materialize(
    t: &TensorRef,
    record: &[u8],
    big_endian: bool,
    budget: &mut u64,
) -> Result<Tensor, String> {
    let StorageRef {
        ty,
        key,
        numel,
        view,
        ..
    } = &t.storage;
    let dtype = match ty {
        StorageType::Float => Dtype::F32,
        StorageType::Double => Dtype::F64,
        other => {
            return Err(format!(
                "dtype {} (torch.{}) is not supported; only float32 and float64 tensors are",
                other.dtype_name(),
                other.class_name()
            ))
        }
    };
    let es = ty.element_size() as u64;
    let record_elems = record.len() as u64 / es;
    if *numel > record_elems {
        return Err(format!(
            "its storage `{key}` declares {numel} {} elements ({} bytes) but its record holds only \
             {} bytes",
            ty.dtype_name(),
            numel.saturating_mul(es),
            record.len()
        ));
    }
    // Legacy views are a window [base, base + len) of the root storage.
    let (base, len) = match view {
        None => (0, *numel),
        Some((off, len)) => {
            if off.checked_add(*len).is_none_or(|e| e > *numel) {
                return Err(format!(
                    "its storage view [{off}, {off}+{len}) lies outside storage `{key}` of {numel} \
                     elements"
                ));
            }
            (*off, *len)
        }
    };
    let count = t
        .size
        .iter()
        .try_fold(1u64, |acc, &s| acc.checked_mul(s))
        .ok_or_else(|| format!("its size {:?} overflows", t.size))?;
    if count > *budget {
        return Err(format!(
            "its size {:?} asks for {count} values, implausibly many for a file of this size",
            t.size
        ));
    }
    *budget -= count;
    let shape: Vec<usize> = t
        .size
        .iter()
        .map(|&s| usize::try_from(s).map_err(|_| format!("its size {:?} is too large", t.size)))
        .collect::<Result<_, _>>()?;
    if count == 0 {
        return Ok(Tensor {
            shape,
            dtype,
            data: Vec::new(),
        });
    }
    // The last element a view reaches: offset + Σ (size_i - 1) · stride_i.
    let last = t
        .size
        .iter()
        .zip(&t.stride)
        .try_fold(t.offset, |acc, (&s, &st)| {
            (s - 1).checked_mul(st).and_then(|x| acc.checked_add(x))
        });
    if last.is_none_or(|l| l >= len) {
        return Err(format!(
            "size {:?}, stride {:?} and offset {} reach past the end of storage `{key}`, which \
             has {len} elements",
            t.size, t.stride, t.offset
        ));
    }
    let elems = &record[(base * es) as usize..((base + len) * es) as usize];
    let value = |i: u64| -> f64 {
        let at = (i * es) as usize;
        let b = &elems[at..at + es as usize];
        match (dtype, big_endian) {
            (Dtype::F32, false) => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            (Dtype::F32, true) => f32::from_be_bytes(b.try_into().unwrap()) as f64,
            (Dtype::F64, false) => f64::from_le_bytes(b.try_into().unwrap()),
            (Dtype::F64, true) => f64::from_be_bytes(b.try_into().unwrap()),
        }
    };
    let mut data = Vec::with_capacity(count as usize);
    if is_contiguous(&t.size, &t.stride) {
        data.extend((t.offset..t.offset + count).map(value));
    } else {
        // Walk the indices in row-major order like an odometer, tracking the storage position. Every
        // visited position is within the bound checked above; only the step past the end of a dimension
        // (whose stride may be anything if its size is 1) can leave it, hence the wrapping arithmetic.
        let nd = t.size.len();
        let mut idx = vec![0u64; nd];
        let mut pos = t.offset;
        for _ in 0..count {
            data.push(value(pos));
            for d in (0..nd).rev() {
                idx[d] += 1;
                pos = pos.wrapping_add(t.stride[d]);
                if idx[d] < t.size[d] {
                    break;
                }
                pos = pos.wrapping_sub(t.stride[d].wrapping_mul(t.size[d]));
                idx[d] = 0;
            }
        }
    }
    Ok(Tensor { shape, dtype, data })
}

/// Row-major contiguous, ignoring the stride of dimensions of size 1 (as torch does).
fn is_contiguous(size: &[u64], stride: &[u64]) -> bool {
    let mut expected = 1u64;
    for (&s, &st) in size.iter().zip(stride).rev() {
        if s != 1 && st != expected {
            return false;
        }
        expected = expected.saturating_mul(s);
    }
    true
}

// ---------------------------------------------------------------------------------------------------
// Writing

fn encode(sd: &StateDict, archive_name: &str) -> Result<Vec<u8>, String> {
    if archive_name.is_empty() || archive_name.contains('/') {
        return Err(format!("invalid archive folder name `{archive_name}`"));
    }
    let mut seen = std::collections::HashSet::new();
    for (name, t) in &sd.entries {
        if !seen.insert(name.as_str()) {
            return Err(format!("the state_dict holds the key `{name}` twice"));
        }
        let n = t
            .shape
            .iter()
            .try_fold(1usize, |a, &s| a.checked_mul(s))
            .ok_or_else(|| format!("tensor `{name}`: shape {:?} overflows", t.shape))?;
        if n != t.data.len() {
            return Err(format!(
                "tensor `{name}`: shape {:?} has {n} elements but the data holds {}",
                t.shape,
                t.data.len()
            ));
        }
    }

    // data.pkl, as torch.save pickles an OrderedDict of tensors (minus the `_metadata` attribute,
    // which load_state_dict does not need for nn.Linear).
    let mut p = Pickler::new();
    p.global("collections", "OrderedDict");
    p.empty_tuple();
    p.reduce();
    if !sd.entries.is_empty() {
        p.mark();
        for (key, (name, t)) in sd.entries.iter().enumerate() {
            let size: Vec<u64> = t.shape.iter().map(|&s| s as u64).collect();
            p.str(name);
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.mark();
            p.mark();
            p.str("storage");
            match t.dtype {
                Dtype::F32 => p.global("torch", "FloatStorage"),
                Dtype::F64 => p.global("torch", "DoubleStorage"),
            }
            p.str(&key.to_string());
            p.str("cpu");
            p.int(t.data.len() as u64);
            p.tuple();
            p.binpersid();
            p.int(0);
            p.int_tuple(&size);
            p.int_tuple(&contiguous_strides(&size));
            p.bool(false);
            p.global("collections", "OrderedDict");
            p.empty_tuple();
            p.reduce();
            p.tuple();
            p.reduce();
        }
        p.setitems();
    }
    let pkl = p.finish();

    // Stored entries, data aligned to 64 bytes in a padding field with torch's id "FB", a fixed time
    // stamp so that equal inputs give equal files. `.format_version` is left out on purpose: it promises
    // miniz's exact layout (data descriptors), which torch's mmap loader may then compute offsets from.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .with_alignment_and_header_id(64, u16::from_le_bytes(*b"FB"));
    let mut zw = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let add = |zw: &mut zip::ZipWriter<Cursor<Vec<u8>>>, name: &str, data: &[u8]| {
        let opts = options.large_file(data.len() as u64 >= u32::MAX as u64);
        zw.start_file(format!("{archive_name}/{name}"), opts)
            .and_then(|_| zw.write_all(data).map_err(Into::into))
            .map_err(|e| format!("cannot build the zip archive: {e}"))
    };
    add(&mut zw, "data.pkl", &pkl)?;
    add(&mut zw, "byteorder", b"little")?;
    for (key, (_, t)) in sd.entries.iter().enumerate() {
        let raw: Vec<u8> = match t.dtype {
            Dtype::F32 => t
                .data
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect(),
            Dtype::F64 => t.data.iter().flat_map(|&v| v.to_le_bytes()).collect(),
        };
        add(&mut zw, &format!("data/{key}"), &raw)?;
    }
    add(&mut zw, "version", b"3\n")?;
    let out = zw
        .finish()
        .map_err(|e| format!("cannot build the zip archive: {e}"))?;
    Ok(out.into_inner())
}

/// torch's strides of a contiguous tensor (a dimension of size 0 counts as 1).
fn contiguous_strides(size: &[u64]) -> Vec<u64> {
    let mut strides = vec![1u64; size.len()];
    for d in (0..size.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * size[d + 1].max(1);
    }
    strides
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tensor(shape: &[usize], dtype: Dtype, data: Vec<f64>) -> Tensor {
        Tensor {
            shape: shape.to_vec(),
            dtype,
            data,
        }
    }

    fn sample() -> StateDict {
        let w: Vec<f64> = (0..12).map(|i| (i as f32 * 0.37 - 2.0) as f64).collect();
        StateDict {
            entries: vec![
                ("layer1.weight".into(), tensor(&[3, 4], Dtype::F32, w)),
                (
                    "layer1.bias".into(),
                    tensor(&[3], Dtype::F32, vec![-0.0, f64::from(1e-40f32), 3.5]),
                ),
                ("scalar".into(), tensor(&[], Dtype::F64, vec![0.1])),
                ("empty".into(), tensor(&[0, 5], Dtype::F64, vec![])),
                (
                    "d".into(),
                    tensor(
                        &[2, 1, 1, 2],
                        Dtype::F64,
                        vec![1.0 / 3.0, -7e300, 5e-324, 2.0],
                    ),
                ),
            ],
        }
    }

    fn parse_ok(bytes: &[u8]) -> StateDict {
        from_bytes(bytes, Path::new("t.pth")).unwrap()
    }

    fn parse_err(bytes: &[u8]) -> String {
        match from_bytes(bytes, Path::new("t.pth")) {
            Err(e @ Error::Pth { .. }) => e.to_string(),
            other => panic!("expected a Pth error, got {other:?}"),
        }
    }

    #[test]
    fn round_trip_in_rust() {
        let sd = sample();
        let bytes = to_bytes(&sd, "my_policy").unwrap();
        let back = parse_ok(&bytes);
        assert_eq!(back, sd);
        // Bit for bit, including the sign of zero.
        assert!(back.get("layer1.bias").unwrap().data[0].is_sign_negative());
        // Deterministic output.
        assert_eq!(bytes, to_bytes(&sd, "my_policy").unwrap());
    }

    #[test]
    fn written_zip_is_stored_aligned_and_named() {
        let bytes = to_bytes(&sample(), "pol").unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(names[0], "pol/data.pkl");
        for want in ["pol/byteorder", "pol/version", "pol/data/0", "pol/data/4"] {
            assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        }
        for i in 0..zip.len() {
            let f = zip.by_index(i).unwrap();
            assert_eq!(f.compression(), zip::CompressionMethod::Stored);
            let name = f.name().unwrap().into_owned();
            if name.contains("/data/") {
                assert_eq!(f.data_start().unwrap() % 64, 0, "{name}");
            }
        }
    }

    #[test]
    fn write_rejects_inconsistent_tensors() {
        let mut sd = sample();
        sd.entries[0].1.data.pop();
        assert!(to_bytes(&sd, "a")
            .unwrap_err()
            .to_string()
            .contains("12 elements"));
        let mut sd = sample();
        sd.entries.push(sd.entries[0].clone());
        assert!(to_bytes(&sd, "a")
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }

    #[test]
    fn archive_names_follow_torch() {
        let name = |p: &str| archive_name_for(Path::new(p));
        assert_eq!(
            name("dir/ppo_actor_refinedLunarLanderContinuous-v2.pth"),
            "ppo_actor_refinedLunarLanderContinuous-v2"
        );
        assert_eq!(name("a.b.pth"), "a.b");
        assert_eq!(name("noext"), "noext");
        assert_eq!(name("with space.pt"), "with space");
        assert_eq!(name("ünï.pth"), "archive");
        assert_eq!(name(".pth"), "archive");
    }

    #[test]
    fn strided_views_are_gathered() {
        // Storage 0..12 as a 3x4 matrix; read its transpose, a slice with offset, and a broadcast row.
        let record: Vec<u8> = (0..12).flat_map(|i| (i as f32).to_le_bytes()).collect();
        let storage = StorageRef {
            ty: StorageType::Float,
            key: "0".into(),
            numel: 12,
            view: None,
        };
        let view = |offset, size: &[u64], stride: &[u64]| TensorRef {
            storage: storage.clone(),
            offset,
            size: size.to_vec(),
            stride: stride.to_vec(),
        };
        let get = |t: TensorRef| materialize(&t, &record, false, &mut 1000).map(|t| t.data);
        assert_eq!(
            get(view(0, &[3, 4], &[4, 1])).unwrap(),
            (0..12).map(f64::from).collect::<Vec<_>>()
        );
        assert_eq!(
            get(view(0, &[4, 3], &[1, 4])).unwrap(),
            [0., 4., 8., 1., 5., 9., 2., 6., 10., 3., 7., 11.]
        );
        assert_eq!(get(view(5, &[2, 2], &[4, 1])).unwrap(), [5., 6., 9., 10.]);
        assert_eq!(
            get(view(1, &[2, 3], &[0, 1])).unwrap(),
            [1., 2., 3., 1., 2., 3.]
        );
        // A size-1 dimension may carry any stride.
        assert_eq!(
            get(view(0, &[2, 1, 2], &[4, u64::MAX / 2, 2])).unwrap(),
            [0., 2., 4., 6.]
        );
        let err = get(view(1, &[3, 4], &[4, 1])).unwrap_err();
        assert!(err.contains("reach past the end"), "{err}");
        let err = get(view(0, &[1 << 40, 1 << 40], &[0, 0])).unwrap_err();
        assert!(err.contains("overflows"), "{err}");
        let err = get(view(0, &[1 << 20], &[0])).unwrap_err();
        assert!(err.contains("implausibly many"), "{err}");
        let short = &record[..40];
        let err = materialize(&view(0, &[2], &[1]), short, false, &mut 1000).unwrap_err();
        assert!(err.contains("holds only 40 bytes"), "{err}");
    }

    #[test]
    fn not_a_pth_file() {
        assert!(parse_err(b"").contains("empty"));
        assert!(parse_err(b"hello world\n").contains("neither a zip archive"));
        assert!(parse_err(b"PK\x05\x06").contains("zip"));
        // A pickle that is not a legacy file.
        assert!(parse_err(b"\x80\x02K\x05.").contains("magic number"));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = to_bytes(&sample(), "archive").unwrap();
        for n in (0..bytes.len()).step_by(7) {
            assert!(
                from_bytes(&bytes[..n], Path::new("t.pth")).is_err(),
                "cut at {n}"
            );
        }
    }

    #[test]
    fn a_flipped_bit_in_a_weight_is_refused() {
        let mut bytes = to_bytes(&sample(), "archive").unwrap();
        let start = {
            let mut z = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
            let f = z.by_name("archive/data/0").unwrap();
            f.data_start().unwrap() as usize
        };
        bytes[start + 2] ^= 0x10;
        let e = from_bytes(&bytes, Path::new("t.pth"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`archive/data/0` is damaged: its CRC-32"), "{e}");
    }

    #[test]
    fn corrupted_files_never_panic() {
        // Flip bytes all over a valid file (a cheap deterministic fuzz); any outcome but a panic is fine.
        let bytes = to_bytes(&sample(), "archive").unwrap();
        let mut state = 0x2545f4914f6cdd1du64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut b = bytes.clone();
            let at = (state % b.len() as u64) as usize;
            b[at] ^= (state >> 32) as u8 | 1;
            let _ = from_bytes(&b, Path::new("t.pth"));
        }
    }
}
