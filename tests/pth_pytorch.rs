//! `.pth` reading and writing against real PyTorch (tests/oracle/pth_oracle.py): files torch.save writes
//! are read bit for bit, files written here load in `torch.load` + `load_state_dict`, and broken files
//! give clear errors.

mod common;

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use synapt_safety::policy::pth::{self, Dtype, StateDict, Tensor};
use synapt_safety::Error;

const ORACLE: &str = "pth_oracle.py";

fn oracle(args: &[&str]) -> Value {
    let out = common::run_oracle(ORACLE, args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("oracle {args:?} printed bad JSON ({e}): {out}"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// PruVer actors in the shapes of the environments the pipeline uses.
struct Actor {
    env: &'static str,
    obs: usize,
    act: usize,
    width: usize,
    dtype: Dtype,
    discrete: bool,
}

const ACTORS: [Actor; 4] = [
    Actor {
        env: "CartPole-v1",
        obs: 4,
        act: 2,
        width: 64,
        dtype: Dtype::F32,
        discrete: true,
    },
    Actor {
        env: "Pendulum-v1",
        obs: 3,
        act: 1,
        width: 128,
        dtype: Dtype::F32,
        discrete: false,
    },
    Actor {
        env: "LunarLanderContinuous-v2",
        obs: 8,
        act: 2,
        width: 64,
        dtype: Dtype::F64,
        discrete: false,
    },
    Actor {
        env: "CartPole-v1",
        obs: 4,
        act: 2,
        width: 128,
        dtype: Dtype::F64,
        discrete: true,
    },
];

impl Actor {
    fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec![
            "--obs".into(),
            self.obs.to_string(),
            "--act".into(),
            self.act.to_string(),
            "--width".into(),
            self.width.to_string(),
            "--dtype".into(),
            dtype_name(self.dtype).into(),
        ];
        if self.discrete {
            a.push("--discrete".into());
        }
        a
    }

    /// `layer1.weight, layer1.bias, ..., layer3.bias` with shapes in PyTorch's (out, in) order.
    fn shapes(&self) -> Vec<(String, Vec<usize>)> {
        let dims = [self.obs, self.width, self.width, self.act];
        (1..=3)
            .flat_map(|i| {
                [
                    (format!("layer{i}.weight"), vec![dims[i], dims[i - 1]]),
                    (format!("layer{i}.bias"), vec![dims[i]]),
                ]
            })
            .collect()
    }

    fn file_name(&self) -> String {
        format!("ppo_actor_{}_{}.pth", self.env, self.width)
    }
}

fn dtype_name(d: Dtype) -> &'static str {
    match d {
        Dtype::F32 => "float32",
        Dtype::F64 => "float64",
    }
}

fn save_args<'a>(out: &'a str, extra: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["save", out];
    v.extend(extra.iter().map(String::as_str));
    v.extend_from_slice(more);
    v
}

/// The state_dict as the oracle prints it, in the same form.
fn describe(sd: &StateDict) -> Value {
    let tensors: Vec<Value> = sd
        .entries
        .iter()
        .map(|(name, t)| {
            serde_json::json!({
                "name": name,
                "dtype": dtype_name(t.dtype),
                "shape": t.shape,
                "bits": t.data.iter().map(|v| v.to_bits()).collect::<Vec<u64>>(),
            })
        })
        .collect();
    serde_json::json!({ "tensors": tensors })
}

/// Equal names (in order), dtypes, shapes and value bits; the message names the first difference.
fn assert_same(got: &Value, want: &Value, what: &str) {
    let (g, w) = (
        got["tensors"].as_array().unwrap(),
        want["tensors"].as_array().unwrap(),
    );
    let names = |v: &[Value]| {
        v.iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(g), names(w), "{what}: tensor names");
    assert!(!w.is_empty(), "{what}: nothing to compare");
    for (gt, wt) in g.iter().zip(w) {
        let name = wt["name"].as_str().unwrap();
        assert_eq!(gt["dtype"], wt["dtype"], "{what}: dtype of {name}");
        assert_eq!(gt["shape"], wt["shape"], "{what}: shape of {name}");
        let (gb, wb) = (
            gt["bits"].as_array().unwrap(),
            wt["bits"].as_array().unwrap(),
        );
        assert_eq!(gb.len(), wb.len(), "{what}: number of values of {name}");
        if let Some(i) = (0..wb.len()).find(|&i| gb[i] != wb[i]) {
            let f = |b: &Value| f64::from_bits(b.as_u64().unwrap());
            panic!(
                "{what}: {name}[{i}] is {} but should be {}",
                f(&gb[i]),
                f(&wb[i])
            );
        }
    }
}

fn zip_names(path: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    z.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// Deterministic values for a tensor: exact float32 values for F32, full precision for F64, with a few
/// awkward ones (signed zero, subnormals, extremes) at the front.
fn values(n: usize, dtype: Dtype, seed: u64) -> Vec<f64> {
    let mut x = seed.wrapping_mul(0x9e3779b97f4a7c15) | 1;
    let special32 = [
        -0.0,
        f32::MIN_POSITIVE as f64 / 4.0,
        f32::MAX as f64,
        f64::from(-1.0e-3f32),
    ];
    let special64 = [-0.0, 5e-324, -1.7e308, 1.0 / 3.0];
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            match dtype {
                Dtype::F32 if i < 4 => special32[i],
                Dtype::F64 if i < 4 => special64[i],
                Dtype::F32 => u as f32 as f64,
                Dtype::F64 => u,
            }
        })
        .collect()
}

fn actor_state_dict(a: &Actor) -> StateDict {
    let entries = a
        .shapes()
        .into_iter()
        .enumerate()
        .map(|(k, (name, shape))| {
            let n = shape.iter().product();
            let data = values(n, a.dtype, k as u64 + 1);
            (
                name,
                Tensor {
                    shape,
                    dtype: a.dtype,
                    data,
                },
            )
        })
        .collect();
    StateDict { entries }
}

fn pth_err(path: &Path) -> String {
    match pth::read(path) {
        Err(e @ Error::Pth { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(s(path)), "the error names the file: {msg}");
            msg
        }
        Err(e) => panic!("{}: expected a Pth error, got {e:?}", path.display()),
        Ok(sd) => panic!(
            "{}: expected an error, read {} tensors",
            path.display(),
            sd.entries.len()
        ),
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn torch_save_files_are_read_bit_exact() {
    let dir = tmp();
    for a in &ACTORS {
        let path = dir.path().join(a.file_name());
        let args = a.args();
        let want = oracle(&save_args(s(&path), &args, &[]));
        // torch names the zip folder after the file, not `archive`.
        let stem = a.file_name().trim_end_matches(".pth").to_string();
        assert_eq!(zip_names(&path)[0], format!("{stem}/data.pkl"));
        let sd = pth::read(&path).unwrap();
        assert_same(&describe(&sd), &want, &a.file_name());
        // Independent of the oracle: the layout of a PruVer actor.
        let got: Vec<(String, Vec<usize>)> = sd
            .entries
            .iter()
            .map(|(n, t)| (n.clone(), t.shape.clone()))
            .collect();
        assert_eq!(got, a.shapes());
        assert!(sd.entries.iter().all(|(_, t)| t.dtype == a.dtype));
    }
}

#[test]
fn legacy_files_are_read_bit_exact() {
    let dir = tmp();
    for a in [&ACTORS[0], &ACTORS[2]] {
        let path = dir.path().join(a.file_name());
        let args = a.args();
        let want = oracle(&save_args(s(&path), &args, &["--format", "legacy"]));
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.starts_with(b"PK") && bytes[0] == 0x80,
            "not the legacy format"
        );
        assert_same(&describe(&pth::read(&path).unwrap()), &want, "legacy");
    }
}

#[test]
fn pointer_keyed_compressed_and_renamed_files_are_read() {
    let dir = tmp();
    let a = &ACTORS[2];
    let args = a.args();
    // Saved under one name with the folder of another, storages keyed by pointer, entries deflated.
    let path = dir.path().join("renamed.pth");
    let folder = "ppo_actor_refinedLunarLanderContinuous-v2";
    let want = oracle(&save_args(
        s(&path),
        &args,
        &["--format", "by-hand", "--folder", folder, "--deflate"],
    ));
    let names = zip_names(&path);
    let keys: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix(&format!("{folder}/data/")))
        .collect();
    assert_eq!(keys.len(), 6, "{names:?}");
    assert!(
        keys.iter()
            .all(|k| k.len() > 8 && k.bytes().all(|b| b.is_ascii_digit())),
        "{keys:?}"
    );
    assert_same(&describe(&pth::read(&path).unwrap()), &want, "pointer keys");

    // A big-endian file (byteorder record `big`), which torch byte-swaps on load.
    let path = dir.path().join("big.pth");
    let want = oracle(&save_args(
        s(&path),
        &args,
        &["--format", "by-hand-big", "--folder", "big"],
    ));
    assert_same(&describe(&pth::read(&path).unwrap()), &want, "big endian");
}

#[test]
fn non_contiguous_views_are_read_bit_exact() {
    let dir = tmp();
    for format in ["zip", "legacy", "by-hand"] {
        let path = dir.path().join(format!("views_{format}.pth"));
        let want = oracle(&["save", s(&path), "--views", "--format", format]);
        let sd = pth::read(&path).unwrap();
        assert_same(&describe(&sd), &want, format);
        // Spot check without the oracle: w_t is the transpose of w.
        let (w, wt) = (sd.get("w").unwrap(), sd.get("w_t").unwrap());
        assert_eq!(
            (w.shape.as_slice(), wt.shape.as_slice()),
            ([5, 6].as_slice(), [6, 5].as_slice())
        );
        assert_eq!(wt.data[5 + 2], w.data[2 * 6 + 1]);
        assert_eq!(sd.get("b_rows").unwrap().dtype, Dtype::F64);
    }
}

#[test]
fn written_files_load_in_pytorch_bit_exact() {
    let dir = tmp();
    for (i, a) in ACTORS.iter().enumerate() {
        // One file name torch itself would save under folder `archive`.
        let name = if i == 1 {
            "política.pth".to_string()
        } else {
            a.file_name()
        };
        let path = dir.path().join(&name);
        let sd = actor_state_dict(a);
        pth::write(&path, &sd).unwrap();
        let folder = if i == 1 {
            "archive".to_string()
        } else {
            name.trim_end_matches(".pth").to_string()
        };
        assert_eq!(zip_names(&path)[0], format!("{folder}/data.pkl"));
        // torch.load with its default weights_only=True, then load_state_dict(strict=True) into the actor.
        let mut args = vec!["load-actor".to_string(), s(&path).to_string()];
        args.extend(a.args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_same(&oracle(&args), &describe(&sd), &name);
        // And torch.load's own view of the file, dtypes included.
        assert_same(&oracle(&["dump", s(&path)]), &describe(&sd), &name);
    }
    // No temporary file is left behind by the atomic write.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".pth"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn python_to_rust_to_python_round_trip() {
    let dir = tmp();
    let a = &ACTORS[1];
    let args = a.args();
    for (format, views) in [("zip", false), ("legacy", false), ("legacy", true)] {
        let src = dir.path().join(format!("src_{format}_{views}.pth"));
        let mut save = save_args(s(&src), &args, &["--format", format]);
        if views {
            save.push("--views");
        }
        let want = oracle(&save);
        let dst = dir.path().join(format!("dst_{format}_{views}.pth"));
        pth::write(&dst, &pth::read(&src).unwrap()).unwrap();
        assert_same(
            &oracle(&["dump", s(&dst)]),
            &want,
            &format!("{format} views={views}"),
        );
    }
}

#[test]
fn unsupported_contents_give_clear_errors() {
    let dir = tmp();
    oracle(&["save-unsupported", s(dir.path())]);
    let cases: [(&str, &[&str]); 6] = [
        ("int64", &["steps", "int64", "only float32 and float64"]),
        ("float16", &["layer1.weight", "float16"]),
        ("non_tensor", &["learning_rate", "is a float, not a tensor"]),
        ("nested", &["`model`", "is a dict, not a tensor"]),
        ("list", &["holds a list, not a dict of tensors"]),
        ("module", &["torch.nn.modules.linear", "refusing"]),
    ];
    for (case, wants) in cases {
        let msg = pth_err(&dir.path().join(format!("{case}.pth")));
        for want in wants {
            assert!(msg.contains(want), "{case}: `{want}` not in: {msg}");
        }
    }
}

/// Copy a zip, replacing (Some) or dropping (None) the entries `edit` names.
fn rewrite_zip(src: &[u8], edit: impl Fn(&str) -> Option<Option<Vec<u8>>>) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(Cursor::new(src)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let data = match edit(&name) {
            None => data,
            Some(None) => continue,
            Some(Some(d)) => d,
        };
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn broken_files_give_clear_errors() {
    let dir = tmp();
    let a = &ACTORS[0];
    let args = a.args();
    let good = dir.path().join("good.pth");
    oracle(&save_args(s(&good), &args, &[]));
    let legacy = dir.path().join("legacy.pth");
    oracle(&save_args(s(&legacy), &args, &["--format", "legacy"]));
    let (zip_bytes, legacy_bytes) = (
        std::fs::read(&good).unwrap(),
        std::fs::read(&legacy).unwrap(),
    );
    let bad = |name: &str, bytes: &[u8]| -> String {
        let p: PathBuf = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        pth_err(&p)
    };

    // Truncated at several lengths: zip (the central directory is at the end) and legacy.
    let n = zip_bytes.len();
    for cut in [2, 4, 30, 100, n / 4, n / 2, n - 100, n - 22, n - 1] {
        let msg = bad("cut.pth", &zip_bytes[..cut]);
        assert!(
            msg.contains("zip archive") && msg.contains("truncated"),
            "cut {cut}: {msg}"
        );
    }
    let n = legacy_bytes.len();
    for cut in [1, 10, 20, 100, 400, 700, 750, n / 2, n - 4, n - 1] {
        let msg = bad("cut_legacy.pth", &legacy_bytes[..cut]);
        assert!(msg.contains("truncated"), "legacy cut {cut}: {msg}");
    }

    assert!(bad("empty.pth", b"").contains("the file is empty"));
    let text = bad("text.pth", b"layer1.weight: [0.5, -0.25]\n");
    assert!(
        text.contains("neither a zip archive") && text.contains("legacy pickle"),
        "{text}"
    );
    let mut x = 0x1234_5678_9abc_def0u64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    assert!(bad("random.pth", &random).contains("neither a zip archive"));

    // Zips that are not torch.save files.
    let msg = bad(
        "no_pkl.pth",
        &zip_of(&[("archive/version", b"3\n"), ("archive/data/0", &[0; 16])]),
    );
    assert!(msg.contains("no `archive/data.pkl`"), "{msg}");
    let msg = bad("flat.pth", &zip_of(&[("data.pkl", b"\x80\x02}.")]));
    assert!(msg.contains("not inside a folder"), "{msg}");
    let msg = bad("opcode.pth", &zip_of(&[("a/data.pkl", b"\x80\x02\xff")]));
    assert!(msg.contains("unsupported pickle opcode 0xff"), "{msg}");

    // A storage record missing, or shorter than its tensor.
    let folder = "good";
    let msg = bad(
        "missing.pth",
        &rewrite_zip(&zip_bytes, |n| {
            (n == format!("{folder}/data/1")).then_some(None)
        }),
    );
    assert!(
        msg.contains("`good/data/1`") && msg.contains("layer1.bias") && msg.contains("missing"),
        "{msg}"
    );
    let msg = bad(
        "short.pth",
        &rewrite_zip(&zip_bytes, |n| {
            (n == format!("{folder}/data/2")).then(|| Some(vec![0u8; 10]))
        }),
    );
    assert!(
        msg.contains("layer2.weight") && msg.contains("holds only 10 bytes"),
        "{msg}"
    );
}

#[test]
fn corrupted_legacy_files_never_panic() {
    // Legacy files have no checksums, so corruption reaches the pickle reader and the storage table.
    let dir = tmp();
    let path = dir.path().join("legacy.pth");
    let args = ACTORS[0].args();
    oracle(&save_args(
        s(&path),
        &args,
        &["--format", "legacy", "--width", "8"],
    ));
    let good = std::fs::read(&path).unwrap();
    assert!(pth::from_bytes(&good, &path).is_ok());
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut errors = 0;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = good.clone();
        // Mostly the pickles at the front, where the structure is.
        let at = (x % (b.len() as u64).min(900)) as usize;
        b[at] = (x >> 40) as u8;
        if (x >> 20) % 4 == 0 {
            b.truncate((x >> 30) as usize % good.len());
        }
        if let Err(e) = pth::from_bytes(&b, &path) {
            assert!(matches!(e, Error::Pth { .. }));
            errors += 1;
        }
    }
    assert!(
        errors > 1000,
        "the corruptions should mostly be detected ({errors})"
    );
}

#[test]
fn the_shipped_policy_reads_bit_exact() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Policies/bc_actorCartPole-v1.pth");
    let want = oracle(&["dump", s(&path)]);
    let sd = pth::read(&path).unwrap();
    assert_same(&describe(&sd), &want, "Policies/bc_actorCartPole-v1.pth");
    assert_eq!(sd.get("layer2.weight").unwrap().shape, [128, 128]);
}
