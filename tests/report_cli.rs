//! `--report`: one self-contained HTML page per run, opened in headless Chromium (Debian's package):
//! every embedded image decodes (the page's own script counts them), a screenshot renders, every CSV
//! table holds the CSV's cells, every figure and GIF the run wrote is on the page, nothing is fetched
//! from outside, and a run stopped by Ctrl-C still leaves its page.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_ok, assert_refused, run_bin, stdout, workdir_with};

/// Debian's Chromium, which scripts/test.sh installs.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(o) = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
        {
            let p = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if o.status.success() && !p.is_empty() {
                return PathBuf::from(p);
            }
        }
    }
    panic!("Chromium is missing: run the tests through `bash scripts/test.sh`, which installs Debian's chromium");
}

fn headless(page: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs")
}

/// The text between `<tag` … `</tag>` blocks of `html`, naively (our own markup).
fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = row;
    while let Some(i) = rest.find("<t") {
        let after = &rest[i + 4..];
        let end = after.find("</t").unwrap();
        out.push(
            after[..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        rest = &after[end + 5..];
    }
    out
}

#[test]
fn the_page_holds_the_whole_pipeline_and_renders_in_chromium() {
    let dir = workdir_with("ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let d = dir.path();
    std::fs::copy(
        common::root().join("specifications.yml"),
        d.join("specifications.yml"),
    )
    .unwrap();
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/ppo_actorCartPole-v0.pth",
            "--prune",
            "--k",
            "0.78",
            "--episodes",
            "3",
            "--falsify",
            "--falsify-method",
            "bo,random",
            "--budget",
            "20",
            "--spec",
            "upright",
            "--refine",
            "--visualize",
            "--display",
            "--gifs",
            "1",
            "--seed",
            "7",
            "--report",
            "out/page.html",
        ],
    );
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.ends_with("report written to out/page.html\n"), "{out}");
    let page_path = d.join("out/page.html");
    let html = std::fs::read_to_string(&page_path).unwrap();

    // Self-contained: no request leaves the file.
    for outside in [
        "http://",
        "https://",
        "<link",
        "@import",
        "url(",
        "src=\"/",
        "src=\"file",
    ] {
        assert!(!html.contains(outside), "`{outside}` in the page");
    }
    assert_eq!(
        html.matches("<img ").count(),
        html.matches("src=\"data:image/").count()
    );
    assert!(html.contains("<tr><th>--seed</th><td>7</td></tr>"));
    assert!(html.contains("<tr><th>outcome</th><td>finished</td></tr>"));
    assert!(html.contains("--report out/page.html"), "the command");

    // Every figure and GIF the run announced is on the page, once.
    let images: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("wrote "))
        .filter(|f| f.ends_with(".png") || f.ends_with(".gif"))
        .collect();
    assert!(images.iter().any(|f| f.ends_with(".gif")), "{out}");
    assert!(images.len() >= 8, "{images:?}");
    for f in &images {
        assert_eq!(html.matches(&format!("alt=\"{f}\"")).count(), 1, "{f}");
    }

    // Every CSV table holds the file's cells, row for row.
    let mut tables = 0;
    for chunk in html.split("<table data-csv=\"").skip(1) {
        let name = &chunk[..chunk.find('"').unwrap()];
        let table = &chunk[..chunk.find("</table>").unwrap()];
        let rows: Vec<Vec<String>> = table.split("<tr>").skip(1).map(cells).collect();
        let csv = std::fs::read_to_string(d.join(name)).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        let want: Vec<Vec<String>> = r
            .records()
            .take(rows.len())
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows, want, "{name}");
        assert!(!rows.is_empty(), "{name}: no header");
        tables += usize::from(rows.len() > 1);
    }
    assert!(tables >= 4, "{tables} CSV tables with rows");

    // Chromium: every image decoded (the page's script ran on load), and a screenshot renders.
    let dom = headless(&page_path, &["--virtual-time-budget=10000", "--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    let n = html.matches("<img ").count();
    assert!(
        dom.contains(&format!("data-images=\"{n}\" data-broken-images=\"0\"")),
        "{}",
        dom.lines()
            .find(|l| l.contains("<body"))
            .unwrap_or("no <body>")
    );
    let shot = d.join("shot.png");
    let s = headless(
        &page_path,
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(shot.is_file(), "{}", String::from_utf8_lossy(&s.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let info = decoder.read_info().unwrap();
    assert_eq!(info.info().width, 1280);
}

#[test]
fn a_run_stopped_by_ctrl_c_leaves_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("hyperparameters.yml"),
        "CartPole-v1:\n  timesteps_per_batch: 512\n  hidden_sizes: [16, 16]\n  save_freq: 1\n",
    )
    .unwrap();
    let args = [
        "--train",
        "--env",
        "CartPole-v1",
        "--iterations",
        "100000",
        "--report",
    ];
    let o = common::interrupt_after(d, &args, "Graph/train_CartPole-v1.csv", 3);
    assert_eq!(o.status.code(), Some(130));
    let html = std::fs::read_to_string(d.join("Graph/report.html")).unwrap();
    assert!(
        html.contains("<tr><th>outcome</th><td>stopped: interrupted"),
        "{html}"
    );
    assert!(html.contains("training CartPole-v1 with PPO"));
    assert!(html.ends_with("</body></html>\n"));
}

#[test]
fn a_page_over_an_input_is_refused() {
    let dir = workdir_with("ppo_actorCartPole-v0.pth", "a.pth");
    let d = dir.path();
    let before = std::fs::read(d.join("Policies/a.pth")).unwrap();
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/a.pth",
            "--test",
            "--report",
            "Policies/a.pth",
        ],
    );
    assert_refused(&o, 2, "--report Policies/a.pth is the input --actor");
    assert_eq!(std::fs::read(d.join("Policies/a.pth")).unwrap(), before);
    // A refused request writes no page either.
    let o = run_bin(
        d,
        &[
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/a.pth",
            "--report",
        ],
    );
    assert_refused(&o, 2, "no stage given");
    assert!(!d.join("Graph/report.html").exists());
}
