//! Files are written atomically: into a temporary file beside the target, then renamed over it, so no
//! stage ever leaves a half-written file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write a CSV file (a header, then rows) atomically.
pub fn write_csv<H: AsRef<[u8]>>(
    path: &Path,
    header: impl IntoIterator<Item = H>,
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<()> {
    let csv_err = |e: csv::Error| Error::Invalid(format!("{}: {e}", path.display()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(csv_err)?;
    for r in rows {
        w.write_record(&r).map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
    write_atomic(path, &bytes)
}

/// Write `bytes` to `path` atomically, creating the parent directory if needed.
///
/// The bytes go to a temporary file beside the target, `.<name>.tmp-<pid>-<n>`, created exclusively
/// (`O_EXCL`: a file or link already at that name, planted or left over, is never opened or followed;
/// the next name is tried), then renamed over the target (which replaces a link at the target rather
/// than writing through it). The temporary file is removed on every error. Temporaries of the same
/// target left by a process that no longer runs (a run killed mid-write) are removed first.
///
/// On MPI ranks other than 0 this writes nothing: rank 0 writes the run's files ([`crate::dist`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if !crate::dist::writes_files() {
        return Ok(());
    }
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: not a file path", path.display())))?
        .to_string_lossy()
        .to_string();
    remove_stale_temporaries(dir, &name);
    let pid = std::process::id();
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(
            ".{name}.tmp-{pid}-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => attempt += 1,
            Err(e) => return Err(Error::io(&tmp, e)),
        }
    };
    let result = f
        .write_all(bytes)
        .and_then(|_| f.sync_all())
        .and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Remove `.<name>.tmp-<pid>[-<n>]` files in `dir` whose process no longer runs (no `/proc/<pid>`):
/// what a killed run left behind. Errors are ignored: the write goes on either way.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether two paths name one file: the same path once made absolute, or (when both exist) the same
/// file on disk, which also catches links.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            x.dev() == y.dev() && x.ino() == y.ino()
        }
        _ => absolute(a) == absolute(b),
    }
}

fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // Drop `.` and fold `..`, so `dir/../a.pth` and `a.pth` compare equal.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The bytes of `path`, refusing (before reading them all) a file of more than `limit` bytes, so that
/// a wrong or hostile path (a huge file, /dev/zero) cannot exhaust memory. `what` names the file in
/// the error.
pub fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::Invalid(format!(
            "{}: more than {limit} bytes, far larger than {what} can be; is it the right file?",
            path.display()
        )));
    }
    Ok(bytes)
}

/// [`read_limited`], as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64, what: &str) -> Result<String> {
    String::from_utf8(read_limited(path, limit, what)?)
        .map_err(|_| Error::Invalid(format!("{}: not UTF-8 text, so not {what}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_planted_at_a_temporary_name_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let pid = std::process::id();
        // Links at the old predictable name and at the next names this process could take.
        std::os::unix::fs::symlink(&victim, d.join(format!(".out.csv.tmp-{pid}"))).unwrap();
        for n in 0..8 {
            let _ = std::os::unix::fs::symlink(&victim, d.join(format!(".out.csv.tmp-{pid}-{n}")));
        }
        let out = d.join("out.csv");
        let _ = write_atomic(&out, b"new");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        // A link at the target itself is replaced, not followed.
        std::os::unix::fs::symlink(&victim, d.join("linked.csv")).unwrap();
        write_atomic(&d.join("linked.csv"), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(d.join("linked.csv")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_killed_run_s_temporary_is_removed_and_a_live_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // No process has pid 4,000,000,000 (Linux caps pids at 2²²).
        let dead = d.join(".a.pth.tmp-4000000000-3");
        let old_style = d.join(".a.pth.tmp-4000000001");
        let live = d.join(format!(".a.pth.tmp-{}-999999", std::process::id()));
        let other = d.join(".b.pth.tmp-4000000000-0");
        for p in [&dead, &old_style, &live, &other] {
            std::fs::write(p, vec![0u8; 1024]).unwrap();
        }
        write_atomic(&d.join("a.pth"), b"x").unwrap();
        assert!(!dead.exists() && !old_style.exists());
        assert!(live.exists(), "a running process's temporary is its own");
        assert!(
            other.exists(),
            "another target's temporaries are left to its writes"
        );
        assert_eq!(std::fs::read(d.join("a.pth")).unwrap(), b"x");
    }

    #[test]
    fn reads_are_bounded_before_they_allocate() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, [b'a'; 11]).unwrap();
        assert_eq!(read_limited(&p, 11, "a test file").unwrap().len(), 11);
        let e = read_limited(&p, 10, "a test file").unwrap_err().to_string();
        assert!(
            e.contains("more than 10 bytes, far larger than a test file can be"),
            "{e}"
        );
        // An endless file is cut at the limit, not read to the end.
        let e = read_limited(Path::new("/dev/zero"), 1 << 20, "a YAML file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 1048576 bytes"), "{e}");
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        let e = read_text_limited(&p, 10, "a YAML file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not UTF-8 text, so not a YAML file"), "{e}");
    }
}
