//! Hostile `.pth` files through the command line: pickles that run `touch MARKER` through GLOBAL,
//! STACK_GLOBAL, INST, OBJ, NEWOBJ, NEWOBJ_EX, REDUCE, BUILD (a `__setstate__`, a reduced state),
//! persistent ids, `eval`, `exec` and `subprocess`; a zip bomb; entry names that leave the folder; the
//! legacy format (tests/oracle/hostile_pth.py makes them with real PyTorch and pickle). `--test` and
//! `--prune` refuse each with an error naming the file, nothing runs (the marker never appears) and
//! nothing is written. PyTorch itself is the oracle that the exploits are real: `torch.load` with
//! `weights_only=False` runs the command of every code-running file, and `weights_only=True`
//! refuses them as we do.

mod common;

use std::path::Path;

use common::{oracle_script, python_json, python_script, run_bin, stderr};
use serde_json::Value;

/// The cases whose pickle runs the command under `torch.load(weights_only=False)`.
const EXPLOITS: [&str; 9] = [
    "reduce_global",
    "reduce_stack_global",
    "eval",
    "exec",
    "subprocess",
    "inst",
    "obj",
    "build_reduce",
    "legacy_reduce",
];

/// Every file under `dir`, recursively, with its length.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            out.extend(listing(&p));
        } else {
            out.push((p.display().to_string(), e.metadata().unwrap().len()));
        }
    }
    out.sort();
    out
}

#[test]
fn hostile_pth_files_run_nothing_and_write_nothing() {
    let root = tempfile::tempdir().unwrap();
    // The files and the working folder one level down, so a name that walks up stays in the
    // test's folder and can be looked for.
    let work = root.path().join("a/work");
    std::fs::create_dir_all(&work).unwrap();
    let marker = root.path().join("PWNED");
    let base = common::shipped("bc_actorCartPole-v1.pth");
    let cases = python_json(python_script(&oracle_script("hostile_pth.py")).args([
        "make".as_ref(),
        work.as_os_str(),
        base.as_os_str(),
        marker.as_os_str(),
    ]));
    let cases = cases.as_object().unwrap();
    assert_eq!(cases.len(), 17);
    let mut files = Vec::new();
    for (case, file) in cases {
        let file = file.as_str().unwrap();
        files.push(work.join(file));
        for args in [
            &["--test", "--episodes", "1"][..],
            &["--prune", "--k", "0.5"][..],
        ] {
            let mut all = vec!["--env", "CartPole-v1", "--actor", file];
            all.extend(args);
            let before = listing(root.path());
            let o = run_bin(&work, &all);
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{case} {args:?}: {err}");
            if case == "traversal_names" {
                // A real actor with extra entries: it loads; no entry is ever written anywhere.
                assert!(o.status.success(), "{case} {args:?}: {err}");
            } else {
                assert_eq!(o.status.code(), Some(1), "{case} {args:?}: {err}");
                assert!(
                    err.contains(&format!("error: {file}: not a readable PyTorch state_dict")),
                    "{case} {args:?}: {err}"
                );
                // Refused before anything is written.
                assert_eq!(listing(root.path()), before, "{case} {args:?} wrote files");
            }
            assert!(!marker.exists(), "{case} {args:?}: the command ran");
        }
    }
    for walked in [
        root.path().join("PWNED_traversal"),
        root.path().join("PWNED_traversal2"),
        Path::new("/tmp/PWNED_absolute_synapt").to_path_buf(),
    ] {
        assert!(!walked.exists(), "{} was written", walked.display());
    }
    // PyTorch: the exploits are real (weights_only=False runs them); weights_only=True refuses every
    // one of them and runs nothing. (The zip bomb and the traversal names run no code.)
    let mut cmd = python_script(&oracle_script("hostile_pth.py"));
    cmd.arg("runs-in-torch").arg(&marker);
    for f in &files {
        if !f.ends_with("zip_bomb.pth") {
            cmd.arg(f);
        }
    }
    let torch: Value = python_json(&mut cmd);
    for case in EXPLOITS {
        let r = &torch[format!("{case}.pth")];
        assert_eq!(r["ran_with_weights_only_false"], true, "{case}: {r}");
    }
    for (file, r) in torch.as_object().unwrap() {
        assert_eq!(r["ran_with_weights_only_true"], false, "{file}: {r}");
        if file != "traversal_names.pth" {
            assert_eq!(r["weights_only_true_refused"], true, "{file}: {r}");
        }
    }
}
