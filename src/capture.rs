//! `--report`: the process's standard output, teed. While a [`Capture`] is active, everything written
//! to file descriptor 1 goes through a pipe to a thread that writes it on to the real standard output
//! and keeps a copy; [`Capture::finish`] puts standard output back and returns the copy. The report is
//! built from that transcript, so it holds exactly what the run printed.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::thread::JoinHandle;

pub struct Capture {
    /// The real standard output, duplicated before fd 1 was pointed at the pipe.
    saved: RawFd,
    reader: Option<JoinHandle<Vec<u8>>>,
}

fn last_os_error(what: &str) -> std::io::Error {
    let e = std::io::Error::last_os_error();
    std::io::Error::new(e.kind(), format!("{what}: {e}"))
}

impl Capture {
    pub fn start() -> std::io::Result<Capture> {
        std::io::stdout().flush()?;
        let mut fds = [0 as RawFd; 2];
        // SAFETY: plain POSIX calls on descriptors this function owns; every result is checked.
        unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return Err(last_os_error("pipe"));
            }
            let saved = libc::dup(1);
            if saved < 0 {
                return Err(last_os_error("dup"));
            }
            if libc::dup2(fds[1], 1) < 0 {
                return Err(last_os_error("dup2"));
            }
            libc::close(fds[1]);
            let read_end = std::fs::File::from(OwnedFd::from_raw_fd(fds[0]));
            let copy_to = libc::dup(saved);
            if copy_to < 0 {
                return Err(last_os_error("dup"));
            }
            let mut out = std::fs::File::from(OwnedFd::from_raw_fd(copy_to));
            let reader = std::thread::spawn(move || {
                let mut read_end = read_end;
                let mut kept = Vec::new();
                let mut buf = [0u8; 8192];
                while let Ok(n) = read_end.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let _ = out.write_all(&buf[..n]);
                    kept.extend_from_slice(&buf[..n]);
                }
                kept
            });
            Ok(Capture {
                saved,
                reader: Some(reader),
            })
        }
    }

    /// Standard output back as it was; the transcript.
    pub fn finish(mut self) -> Vec<u8> {
        self.restore()
    }

    fn restore(&mut self) -> Vec<u8> {
        let Some(reader) = self.reader.take() else {
            return Vec::new();
        };
        let _ = std::io::stdout().flush();
        // SAFETY: fd 1 is pointed back at the saved descriptor, which closes the pipe's last write
        // end, so the reader sees the end of the stream.
        unsafe {
            libc::dup2(self.saved, 1);
            libc::close(self.saved);
        }
        reader.join().unwrap_or_default()
    }
}

impl Drop for Capture {
    /// Not finished (a panic unwinding): standard output back, and everything teed on to it.
    fn drop(&mut self) {
        self.restore();
    }
}
