//! TensorBoard event files: what `tensorboard --logdir runs` reads, written as training runs.
//!
//! An event file is a sequence of records, each `length (u64 LE) · masked CRC-32C of the length (u32
//! LE) · data · masked CRC-32C of the data`, where the data is a serialised `tensorflow.Event`
//! protobuf and the mask is `((crc >> 15) | (crc << 17)) + 0xa282ead8`. The first event carries the
//! file version `brain.Event:2`; then one event per training step with a scalar per number of the
//! step's log row (`Summary.Value.simple_value`, a float32, tagged with the log's column name). Every
//! run first writes a `SessionLog.START` at its first step (1, or the step after the checkpoint it
//! resumes from), which tells TensorBoard to drop what earlier files of the folder hold from that step
//! on: an interrupted run's orphaned steps, or a previous run's curve. File names sort in the order
//! they were made (seconds, then nanoseconds), the order TensorBoard reads them in. Records are flushed
//! as they are written, so a running TensorBoard shows live curves, and a run stopped at any moment
//! leaves whole records (a cut last record is skipped by TensorBoard's reader).
//!
//! The messages are the few fields of TensorFlow's `event.proto` and `summary.proto` these files need,
//! declared for prost by field number (as src/convert/onnx.rs does for ONNX); the CRC is the `crc`
//! crate's CRC-32/ISCSI (Castagnoli).

use std::io::Write;
use std::path::{Path, PathBuf};

use prost::Message;

use crate::error::{Error, Result};

#[derive(Clone, PartialEq, Message)]
struct Event {
    #[prost(double, tag = "1")]
    wall_time: f64,
    #[prost(int64, tag = "2")]
    step: i64,
    #[prost(string, optional, tag = "3")]
    file_version: Option<String>,
    #[prost(message, optional, tag = "5")]
    summary: Option<Summary>,
    #[prost(message, optional, tag = "7")]
    session_log: Option<SessionLog>,
}

#[derive(Clone, PartialEq, Message)]
struct Summary {
    #[prost(message, repeated, tag = "1")]
    value: Vec<SummaryValue>,
}

#[derive(Clone, PartialEq, Message)]
struct SummaryValue {
    #[prost(string, tag = "1")]
    tag: String,
    #[prost(float, optional, tag = "2")]
    simple_value: Option<f32>,
}

#[derive(Clone, PartialEq, Message)]
struct SessionLog {
    /// `START` is 1.
    #[prost(int32, tag = "1")]
    status: i32,
}

const CASTAGNOLI: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

fn masked_crc(bytes: &[u8]) -> u32 {
    let c = CASTAGNOLI.checksum(bytes);
    (c.rotate_right(15)).wrapping_add(0xa282_ead8)
}

/// One record of an event file.
fn record(data: &[u8]) -> Vec<u8> {
    let len = (data.len() as u64).to_le_bytes();
    let mut out = Vec::with_capacity(data.len() + 16);
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
    out
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// An event file being written.
pub struct EventWriter {
    path: PathBuf,
    file: std::fs::File,
}

impl EventWriter {
    /// A new event file in `dir` (created if needed),
    /// `events.out.tfevents.<seconds>.<nanoseconds>.synapt-safety.<pid>`: the file version, then the
    /// session's start at `first_step`, the first step this run writes.
    pub fn create(dir: &Path, first_step: usize) -> Result<EventWriter> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let wall = since.as_secs_f64();
        let path = dir.join(format!(
            "events.out.tfevents.{}.{:09}.synapt-safety.{}",
            since.as_secs(),
            since.subsec_nanos(),
            std::process::id()
        ));
        let file = std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut w = EventWriter { path, file };
        w.write(&Event {
            wall_time: wall,
            file_version: Some("brain.Event:2".into()),
            ..Event::default()
        })?;
        w.write(&Event {
            wall_time: wall,
            step: first_step as i64,
            session_log: Some(SessionLog { status: 1 }),
            ..Event::default()
        })?;
        Ok(w)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&mut self, event: &Event) -> Result<()> {
        self.file
            .write_all(&record(&event.encode_to_vec()))
            .and_then(|_| self.file.flush())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// The scalars of one step, `(tag, value)`; non-finite values are written as they are.
    pub fn scalars(&mut self, step: usize, values: &[(&str, f64)]) -> Result<()> {
        self.write(&Event {
            wall_time: now(),
            step: step as i64,
            summary: Some(Summary {
                value: values
                    .iter()
                    .map(|(tag, v)| SummaryValue {
                        tag: (*tag).into(),
                        simple_value: Some(*v as f32),
                    })
                    .collect(),
            }),
            ..Event::default()
        })
    }
}

/// The scalars of a CSV log row: every cell that is a number, tagged with its column's name (the
/// first column, the step, is the event's step, not a scalar).
pub fn row_scalars<'a>(header: &'a [&'a str], row: &str) -> Vec<(&'a str, f64)> {
    header
        .iter()
        .zip(row.trim_end().split(','))
        .skip(1)
        .filter_map(|(h, c)| c.trim().parse::<f64>().ok().map(|v| (*h, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masked_crc_of_the_empty_string() {
        // CRC-32C("123456789") = 0xE3069283, the standard check value.
        assert_eq!(CASTAGNOLI.checksum(b"123456789"), 0xE306_9283);
        let r = record(b"");
        assert_eq!(r.len(), 16);
        assert_eq!(&r[..8], &0u64.to_le_bytes());
    }

    #[test]
    fn rows_become_tagged_scalars() {
        let header = ["iteration", "steps", "return", "note"];
        assert_eq!(
            row_scalars(&header, "3,2048,-170.5,,\n"),
            vec![("steps", 2048.0), ("return", -170.5)]
        );
    }
}
