//! `--report`: a run as one self-contained HTML page. The page is the run's own transcript (what it
//! printed: every table, summary, replay status and round), with each file the run announces put in
//! place where it is named: figures and GIFs embedded as `data:` URIs, CSVs as tables (the first
//! [`CSV_ROWS`] rows, folded). Above it: the command, the version, the seed and the folder. No external
//! font, script, style or request: the page reads offline, from a file. One inline script marks on
//! `<body>` how many images decoded (`data-images`, `data-broken-images`), for checking it in a browser.

use std::fmt::Write as _;
use std::path::Path;

use base64ct::{Base64, Encoding};

use crate::error::Result;

/// CSV rows shown per file (the file's row count is given).
pub const CSV_ROWS: usize = 1000;

/// What the page says about the run above its transcript.
pub struct Header<'a> {
    pub command: &'a str,
    pub seed: u64,
    /// How the run ended: `None` when it succeeded, else its error (Ctrl-C included).
    pub outcome: Option<&'a str>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The files a line names that exist under `base`: figures, GIFs and CSVs, in order.
fn named_files(line: &str, base: &Path) -> Vec<String> {
    line.split_whitespace()
        .map(|t| t.trim_matches(|c: char| "\"'(),;:`".contains(c)))
        .filter(|t| {
            let lower = t.to_ascii_lowercase();
            [".png", ".gif", ".csv"].iter().any(|e| lower.ends_with(e)) && base.join(t).is_file()
        })
        .map(String::from)
        .collect()
}

fn figure(out: &mut String, name: &str, bytes: &[u8]) {
    let mime = if name.to_ascii_lowercase().ends_with(".gif") {
        "image/gif"
    } else {
        "image/png"
    };
    let _ = writeln!(
        out,
        "<figure><img alt=\"{0}\" src=\"data:{mime};base64,{1}\"><figcaption>{0}</figcaption></figure>",
        escape(name),
        Base64::encode_string(bytes)
    );
}

fn csv_table(out: &mut String, name: &str, bytes: &[u8]) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map_while(|r| r.ok())
        .map(|r| r.iter().map(String::from).collect())
        .collect();
    let total = rows.len().saturating_sub(1);
    let shown = total.min(CSV_ROWS);
    let _ = write!(
        out,
        "<details><summary>{} ({total} rows{})</summary>\n<table data-csv=\"{}\">\n",
        escape(name),
        if shown < total {
            format!(", the first {shown} shown")
        } else {
            String::new()
        },
        escape(name)
    );
    for (i, row) in rows.iter().take(shown + 1).enumerate() {
        let cell = if i == 0 { "th" } else { "td" };
        out.push_str("<tr>");
        for c in row {
            let _ = write!(out, "<{cell}>{}</{cell}>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></details>\n");
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}\
pre{font-family:monospace;font-size:12px;background:#f6f6f6;padding:0.6em;overflow-x:auto;margin:0.4em 0}\
figure{margin:0.6em 0}img{max-width:100%;border:1px solid #ddd}figcaption{font-size:12px;color:#555}\
table{border-collapse:collapse;font-size:12px;font-family:monospace}\
td,th{border:1px solid #ccc;padding:1px 6px;text-align:right}th{background:#eee}\
details{margin:0.4em 0}summary{cursor:pointer;font-size:13px}\
.meta td,.meta th{text-align:left;font-family:sans-serif}";

const SCRIPT: &str = "window.addEventListener('load',function(){var i=document.images,b=0;\
for(var k=0;k<i.length;k++){if(!i[k].complete||i[k].naturalWidth===0){b++;}}\
document.body.setAttribute('data-images',i.length);document.body.setAttribute('data-broken-images',b);});";

/// The page of a run whose standard output was `transcript`, with files named in it read from `base`
/// (the run's working folder).
pub fn page(header: &Header, transcript: &str, base: &Path) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>synapt-safety report</title><style>{STYLE}</style></head>\n<body>\n\
         <h1>synapt-safety report</h1>\n<table class=\"meta\">\n"
    );
    let folder = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
    for (k, v) in [
        ("command", header.command.to_string()),
        (
            "version",
            format!("synapt-safety {}", env!("CARGO_PKG_VERSION")),
        ),
        ("--seed", header.seed.to_string()),
        ("folder", folder.display().to_string()),
        (
            "outcome",
            header
                .outcome
                .map_or("finished".to_string(), |e| format!("stopped: {e}")),
        ),
    ] {
        let _ = writeln!(out, "<tr><th>{k}</th><td>{}</td></tr>", escape(&v));
    }
    out.push_str("</table>\n<h2>The run</h2>\n");
    let mut shown: Vec<String> = Vec::new();
    let mut text = String::new();
    let flush = |out: &mut String, text: &mut String| {
        if !text.is_empty() {
            let _ = writeln!(out, "<pre>{}</pre>", escape(text.trim_end_matches('\n')));
            text.clear();
        }
    };
    for line in transcript.lines() {
        text.push_str(line);
        text.push('\n');
        let files: Vec<String> = named_files(line, base)
            .into_iter()
            .filter(|f| !shown.contains(f))
            .collect();
        if files.is_empty() {
            continue;
        }
        flush(&mut out, &mut text);
        for f in files {
            let Ok(bytes) = std::fs::read(base.join(&f)) else {
                continue;
            };
            if f.to_ascii_lowercase().ends_with(".csv") {
                csv_table(&mut out, &f, &bytes);
            } else {
                figure(&mut out, &f, &bytes);
            }
            shown.push(f);
        }
    }
    flush(&mut out, &mut text);
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// Write the page (atomically).
pub fn write(path: &Path, header: &Header, transcript: &str, base: &Path) -> Result<()> {
    crate::fsutil::write_atomic(path, page(header, transcript, base).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_in_the_transcript_are_put_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("Graph")).unwrap();
        std::fs::write(d.join("Graph/a.csv"), "x,y\n1,<2>\n").unwrap();
        std::fs::write(d.join("Graph/f.png"), b"\x89PNG\r\n\x1a\nfake").unwrap();
        let transcript = "table <b>\nwrote Graph/a.csv\nchart \"x\" to Graph/f.png; done\nwrote Graph/f.png\nwrote Graph/missing.png\n";
        let page = page(
            &Header {
                command: "synapt-safety --test",
                seed: 3,
                outcome: None,
            },
            transcript,
            d,
        );
        assert!(
            page.contains("<pre>table &lt;b&gt;\nwrote Graph/a.csv</pre>"),
            "{page}"
        );
        assert!(
            page.contains("<tr><th>x</th><th>y</th></tr>\n<tr><td>1</td><td>&lt;2&gt;</td></tr>")
        );
        assert_eq!(
            page.matches("data:image/png;base64,").count(),
            1,
            "embedded once"
        );
        assert!(
            !page.contains("alt=\"Graph/missing.png\""),
            "a file that is not there"
        );
        assert!(!page.contains("http://") && !page.contains("https://"));
    }
}
