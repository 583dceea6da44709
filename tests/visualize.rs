//! `--visualize` and the figures: PNGs decoded back and their cells read, pixel by pixel.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_ok, file_names, run_bin};
use synapt_safety::plot::{self, Fate, Matrix};
use synapt_safety::policy::Actor;
use synapt_safety::prune::{self, Method};
use synapt_safety::visualize::{self, VisualizeOptions};

fn shipped() -> PathBuf {
    common::shipped("bc_actorCartPole-v1.pth")
}

/// A temporary directory with the shipped actor as `actor.pth`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(shipped(), dir.path().join("actor.pth")).unwrap();
    dir
}

/// The stages and settings `flags` for `actor.pth` on CartPole-v1.
fn on_actor(dir: &Path, flags: &[&str]) -> Output {
    let actor = ["--env", "CartPole-v1", "--actor", "actor.pth"];
    run_bin(dir, &[flags, &actor[..]].concat())
}

/// Decode a PNG written by the figures: (width, height, RGB bytes).
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn pixel(img: &(u32, u32, Vec<u8>), (x, y): (u32, u32)) -> (u8, u8, u8) {
    let i = ((y * img.0 + x) * 3) as usize;
    (img.2[i], img.2[i + 1], img.2[i + 2])
}

fn rgb(c: plotters::style::RGBColor) -> (u8, u8, u8) {
    (c.0, c.1, c.2)
}

/// Some pixel of the image has the colour `c`.
fn has(img: &(u32, u32, Vec<u8>), c: (u8, u8, u8)) -> bool {
    img.2.chunks_exact(3).any(|p| (p[0], p[1], p[2]) == c)
}

#[test]
fn heatmap_cells_show_magnitudes_and_zeros_in_white() {
    let dir = tempfile::tempdir().unwrap();
    let dense = Actor::load(&shipped()).unwrap();
    let pruned = prune::prune(&dense, Method::Pruver, 0.7, 0).unwrap();
    // Every layer shape PruVer's actor has: tall (128×4), square (128×128), wide (2×128).
    for (i, l) in pruned.layers.iter().enumerate() {
        let path = dir.path().join(format!("layer{i}.png"));
        let layout = plot::weight_heatmap(
            &path,
            "title",
            "subtitle",
            Matrix {
                rows: l.out_features,
                cols: l.in_features,
                values: &l.weight,
            },
        )
        .unwrap();
        let img = decode(&path);
        assert_eq!((img.0, img.1), (layout.width, layout.height));
        let vmax = l.weight.iter().fold(0.0f64, |a, w| a.max(w.abs()));
        let mut whites = 0;
        for r in 0..l.out_features {
            for c in 0..l.in_features {
                let w = l.weight[r * l.in_features + c];
                let got = pixel(&img, layout.cell_center(r, c));
                assert_eq!(
                    got,
                    rgb(plot::magnitude_color(w, vmax)),
                    "layer{} ({r}, {c}) w = {w}",
                    i + 1
                );
                if w == 0.0 {
                    whites += 1;
                    assert_eq!(got, (255, 255, 255));
                } else {
                    assert_ne!(got, (255, 255, 255));
                }
            }
        }
        assert!(whites > l.weight.len() / 2);
    }
}

#[test]
fn figures_are_byte_identical_from_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let dense = Actor::load(&shipped()).unwrap();
    let l = &dense.layers[1];
    let m = Matrix {
        rows: l.out_features,
        cols: l.in_features,
        values: &l.weight,
    };
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    plot::weight_heatmap(&a, "t", "s", m).unwrap();
    plot::weight_heatmap(&b, "t", "s", m).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn pruver_thresholds_split_magnitudes_exactly() {
    // PruVer's rule is monotone in |w|: a weight is pruned exactly when |w| is at most the layer's
    // threshold, the value the histogram marks.
    let dense = Actor::load(&shipped()).unwrap();
    let pruned = prune::prune(&dense, Method::Pruver, 0.7, 0).unwrap();
    let t = visualize::thresholds(&dense, &pruned);
    for ((d, p), t) in dense.layers.iter().zip(&pruned.layers).zip(&t) {
        let t = t.unwrap();
        for (w, q) in d.weight.iter().zip(&p.weight) {
            assert_eq!(*q == 0.0, w.abs() <= t, "|w| = {} against {t}", w.abs());
        }
    }
}

#[test]
fn the_mask_figure_shows_kept_pruned_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let dense = Actor::load(&shipped()).unwrap();
    let pruned = prune::prune(&dense, Method::Pruver, 0.7, 0).unwrap();
    // A refinement in PruVer's manner: dense values restored into some pruned positions.
    let mut refined = pruned.clone();
    let restored: Vec<usize> = (0..16384)
        .filter(|&i| pruned.layers[1].weight[i] == 0.0)
        .step_by(9)
        .collect();
    for &i in &restored {
        refined.layers[1].weight[i] = dense.layers[1].weight[i];
    }
    let (pd, pp, pr) = (
        d.join("dense.pth"),
        d.join("dense_0.7.pth"),
        d.join("refined.pth"),
    );
    dense.save(&pd).unwrap();
    pruned.save(&pp).unwrap();
    refined.save(&pr).unwrap();
    let opts = VisualizeOptions {
        out_dir: d.join("Graph"),
        k: 0.7,
        method: Method::Pruver,
        seed: 0,
        elite: None,
    };
    let report = visualize::run(&opts, &pd, Some(&pp), Some(&pr)).unwrap();
    let names: Vec<String> = report
        .files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "dense_layer1_heatmap.png",
        "dense_layer3_heatmap.png",
        "dense_histogram.png",
        "dense_0.7_layer2_heatmap.png",
        "dense_0.7_histogram.png",
        "refined_layer2_heatmap.png",
        "refined_histogram.png",
        "refined_layer1_mask.png",
        "refined_layer2_mask.png",
        "refined_layer3_mask.png",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert!(report.notes.is_empty(), "{:?}", report.notes);

    let fates = visualize::fates(&dense, Some(&pruned), Some(&refined));
    let count = |f: Fate| fates[1].iter().filter(|&&g| g == f).count();
    assert_eq!(count(Fate::Restored), restored.len());
    assert_eq!(count(Fate::Kept), 16384 - 11470);
    assert_eq!(count(Fate::Pruned), 11470 - restored.len());

    let layout = plot::HeatmapLayout::for_matrix(128, 128);
    let img = decode(&d.join("Graph/refined_layer2_mask.png"));
    for r in 0..128 {
        for c in 0..128 {
            let f = fates[1][r * 128 + c];
            assert_eq!(
                pixel(&img, layout.cell_center(r, c)),
                rgb(f.color()),
                "({r}, {c}) {f:?}"
            );
        }
    }
    // Without the pruned actor a restored weight cannot be told from a kept one, and the report
    // says so.
    let report = visualize::run(&opts, &pd, None, Some(&pr)).unwrap();
    assert!(
        report.notes.iter().any(|n| n.contains("--pruned")),
        "{:?}",
        report.notes
    );
}

#[test]
fn prune_then_visualize_draws_the_dense_and_the_pruned_actor() {
    let dir = workdir();
    let d = dir.path();
    let o = on_actor(d, &["--prune", "--visualize", "--episodes", "0"]);
    assert_ok(&o);
    let files = file_names(&d.join("Graph"));
    assert_eq!(
        files,
        [
            "actor_0.7_histogram.png",
            "actor_0.7_layer1_heatmap.png",
            "actor_0.7_layer1_mask.png",
            "actor_0.7_layer2_heatmap.png",
            "actor_0.7_layer2_mask.png",
            "actor_0.7_layer3_heatmap.png",
            "actor_0.7_layer3_mask.png",
            "actor_histogram.png",
            "actor_layer1_heatmap.png",
            "actor_layer2_heatmap.png",
            "actor_layer3_heatmap.png",
        ]
    );
    for f in &files {
        let (w, h, _) = decode(&d.join("Graph").join(f));
        assert!(w >= 800 && h >= 400, "{f}: {w}×{h}");
    }
}

#[test]
fn a_smaller_network_gets_figures_but_no_mask() {
    let dir = workdir();
    let d = dir.path();
    assert_ok(&on_actor(
        d,
        &[
            "--prune",
            "--prune-method",
            "neuron",
            "--k",
            "0.5",
            "--episodes",
            "0",
        ],
    ));
    let o = run_bin(
        d,
        &[
            "--visualize",
            "--actor",
            "actor.pth",
            "--pruned",
            "actor_0.5_neuron.pth",
        ],
    );
    assert_ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("note: no mask figure for the pruned actor actor_0.5_neuron"),
        "{text}"
    );
    assert!(d.join("Graph/actor_0.5_neuron_layer2_heatmap.png").exists());
    let layout = plot::HeatmapLayout::for_matrix(64, 64);
    let (w, h, _) = decode(&d.join("Graph/actor_0.5_neuron_layer2_heatmap.png"));
    assert_eq!((w, h), (layout.width, layout.height));
    assert!(!d.join("Graph/actor_0.5_neuron_layer2_mask.png").exists());
}

#[test]
fn sweep_csvs_overlay_on_one_chart() {
    let dir = workdir();
    let d = dir.path();
    for method in ["pruver", "random"] {
        assert_ok(&on_actor(
            d,
            &[
                "--sweep",
                "0.6,0.8,0.95",
                "--prune-method",
                method,
                "--episodes",
                "2",
            ],
        ));
    }
    let (a, b) = (
        "Graph/prune_sweep_CartPole-v1_pruver.csv",
        "Graph/prune_sweep_CartPole-v1_random.csv",
    );
    let overlay = format!("{a},{b}");
    let o = run_bin(d, &["--visualize", "--overlay", &overlay]);
    assert_ok(&o);
    let chart = d.join("Graph/prune_vs_rewards.png");
    let img = decode(&chart);
    assert!(img.0 >= 1100 && img.1 == 720);
    // Both series are drawn: the first two palette colours both appear.
    assert!(has(&img, (0, 114, 178)) && has(&img, (213, 94, 0)));

    // A sweep can overlay earlier CSVs on its own chart.
    assert_ok(&on_actor(
        d,
        &[
            "--sweep",
            "0.7,0.9",
            "--prune-method",
            "magnitude",
            "--episodes",
            "2",
            "--overlay",
            &overlay,
        ],
    ));
    let img = decode(&d.join("Graph/prune_sweep_CartPole-v1_magnitude.png"));
    assert!(has(&img, (0, 114, 178)) && has(&img, (213, 94, 0)) && has(&img, (0, 158, 115)));

    // A file that is not a sweep CSV is named.
    std::fs::write(d.join("bad.csv"), "k,reward\n0.5,10\n").unwrap();
    let o = run_bin(d, &["--visualize", "--overlay", "bad.csv"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.csv: not a sweep CSV"), "{err}");
    std::fs::write(
        d.join("bad2.csv"),
        format!(
            "{}\nCartPole-v1,pruver,0.5,x,2,1,1,1,1\n",
            prune::SWEEP_HEADER.join(",")
        ),
    )
    .unwrap();
    let o = run_bin(d, &["--visualize", "--overlay", "bad2.csv"]);
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("bad2.csv: line 2: sparsity `x` is not a number"));
}
