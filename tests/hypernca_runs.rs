//! src/policy/nca/authors.rs against run folders that REAL torch, NumPy, pickle and PyYAML write the way
//! HyperNCA's `train_NCA.py` does (tests/oracle/hypernca_runs.py): every config field, seed value and
//! vector value bit for bit, from `nca.config` and from `nca_config.yml`; our `write_run` folders read
//! back by `np.load` and `yaml.safe_load`; and hostile, truncated, corrupt and ambiguous inputs refused
//! with an error (never a panic, never running anything).

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use synapt_safety::nca::authors::{self, AuthorsRun, RunConfig};
use synapt_safety::policy::npy;

/// The oracle's folders under a fresh temporary directory, and what it says they hold.
fn oracle_runs() -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_oracle("hypernca_runs.py", &[dir.path().to_str().unwrap()]);
    (dir, serde_json::from_str(&out).unwrap())
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn check_config(c: &RunConfig, want: &Value, label: &str) {
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let u = |k: &str| want[k].as_u64().unwrap() as usize;
    assert_eq!(c.environments, strs(&want["environments"]), "{label}");
    assert_eq!(c.channels, u("channels"), "{label}");
    assert_eq!(c.layers, u("layers"), "{label}");
    assert_eq!(c.size, u("size"), "{label}");
    assert_eq!(c.hidden, u("hidden"), "{label}");
    assert_eq!(c.bias, want["bias"].as_bool().unwrap(), "{label}");
    assert_eq!(c.steps, u("steps"), "{label}");
    assert_eq!(
        c.metamorphosis_steps,
        want["metamorphosis_steps"].as_u64().map(|x| x as usize),
        "{label}"
    );
    assert_eq!(
        c.reward_type.as_deref(),
        want["reward_type"].as_str(),
        "{label}"
    );
    assert_eq!(c.seed_types, strs(&want["seed_types"]), "{label}");
    assert_eq!(
        c.co_evolve_seed,
        want["co_evolve_seed"].as_bool().unwrap(),
        "{label}"
    );
    assert_eq!(
        c.random_seed_value,
        want["random_seed_value"].as_i64(),
        "{label}"
    );
    assert_eq!(c.popsize, Some(u("popsize")), "{label}");
    assert_eq!(c.generations, Some(u("generations")), "{label}");
    // The authors' −∞ is our 0; the rest of the fixed settings of the oracle.
    assert_eq!(c.living_threshold, 0.0, "{label}");
    assert_eq!(c.reading_channel, 0, "{label}");
    assert_eq!(c.living_channel, 1, "{label}");
    assert!(c.normalise && !c.replace && !c.random_seed && c.random_seed_env);
}

fn check_seeds(c: &RunConfig, want: &Value, label: &str) {
    let want: Vec<Vec<u64>> = want["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(common::json_u64s)
        .collect();
    let got: Vec<Vec<u64>> = c.seeds.iter().map(|s| bits(s)).collect();
    assert_eq!(got, want, "{label}: seeds");
}

fn check_run(run: &AuthorsRun, want: &Value, vector: &str, label: &str) {
    check_config(&run.config, &want["config"], label);
    check_seeds(&run.config, &want["config"], label);
    assert_eq!(
        bits(&run.vector),
        common::json_u64s(&want[vector]),
        "{label}: vector"
    );
    assert_eq!(
        bits(run.rewards_best.as_ref().unwrap()),
        common::json_u64s(&want["rewards_best"]),
        "{label}"
    );
    assert_eq!(
        bits(run.rewards_mean.as_ref().unwrap()),
        common::json_u64s(&want["rewards_mean"]),
        "{label}"
    );
}

/// A copy of the run folder `from` as `to`, without the files `drop`.
fn copy_run(from: &Path, to: &Path, drop: &[&str]) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !drop.contains(&name.as_str()) {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
    to.to_path_buf()
}

fn err(path: &Path) -> String {
    match authors::read_run(path) {
        Ok(r) => panic!("{} was read: {:?}", path.display(), r.config),
        Err(e) => e.to_string(),
    }
}

#[test]
fn authors_folders_read_bit_for_bit() {
    let (dir, want) = oracle_runs();
    let d = dir.path();

    // Lander-like (226 parameters), from nca.config: the mean solution by default.
    let run = authors::read_run(&d.join("lander")).unwrap();
    assert!(run.config_file.ends_with("nca.config"));
    assert_eq!(run.vector.len(), 226);
    check_run(&run, &want["lander"], "mean", "lander");
    assert!(run
        .solution
        .ends_with("['LunarLander-v2']_pop_64_meansolution.npy"));
    // The best one, named.
    let best = d.join("lander/['LunarLander-v2']_pop_64__rew_335_bestsolution.npy");
    let run = authors::read_run(&best).unwrap();
    check_run(&run, &want["lander"], "best", "lander best");
    // The same folder from its tagged yml alone: the same config, seeds and all.
    let yml = copy_run(&d.join("lander"), &d.join("lander_yml"), &["nca.config"]);
    let from_yml = authors::read_run(&yml).unwrap();
    assert!(from_yml.config_file.ends_with("nca_config.yml"));
    check_run(&from_yml, &want["lander"], "mean", "lander yml");
    assert_eq!(
        from_yml.config,
        authors::read_run(&d.join("lander")).unwrap().config
    );

    // No bias (210), and a yml written without its seeds.
    let run = authors::read_run(&d.join("nobias")).unwrap();
    assert_eq!(run.vector.len(), 210);
    check_run(&run, &want["nobias"], "mean", "nobias");
    let yml = copy_run(&d.join("nobias"), &d.join("nobias_yml"), &["nca.config"]);
    let run = authors::read_run(&yml).unwrap();
    check_config(&run.config, &want["nobias"]["config"], "nobias yml");
    assert!(run.config.seeds.is_empty());

    // Metamorphosis: one `seed`, a seed_type string, a co-evolved seed in the vector; only a best
    // solution in the folder.
    let run = authors::read_run(&d.join("meta")).unwrap();
    assert_eq!(run.vector.len(), 350 + 3 * 4 * 6 * 6);
    assert!(run
        .solution
        .to_string_lossy()
        .ends_with("__rew_-12_bestsolution.npy"));
    check_run(&run, &want["meta"], "best", "meta");
    let yml = copy_run(&d.join("meta"), &d.join("meta_yml"), &["nca.config"]);
    check_run(
        &authors::read_run(&yml).unwrap(),
        &want["meta"],
        "best",
        "meta yml",
    );

    // A folder with only the yml, as the oracle wrote it.
    let run = authors::read_run(&d.join("ymlonly")).unwrap();
    check_run(&run, &want["ymlonly"], "best", "ymlonly");

    assert!(authors::is_run(&d.join("lander")) && authors::is_run(&best));
    assert!(!authors::is_run(d));
}

/// What the oracle's `--load` (np.load, yaml.safe_load) finds in a folder.
fn numpy_view(dir: &Path) -> Value {
    serde_json::from_str(&common::run_oracle(
        "hypernca_runs.py",
        &["--load", dir.to_str().unwrap()],
    ))
    .unwrap()
}

#[test]
fn our_runs_load_in_numpy_and_pyyaml() {
    let (dir, _) = oracle_runs();
    let d = dir.path();
    for (name, best_reward) in [("lander", 335.99), ("meta", -12.5)] {
        let src = authors::read_run(&d.join(name)).unwrap();
        let out = d.join(format!("ours_{name}"));
        // Values a plain decimal printer would lose: subnormals, −0, tiny and huge magnitudes.
        let mut mean = src.vector.clone();
        mean[0] = -0.0;
        mean[1] = 5e-324;
        mean[2] = 1e-7;
        mean[3] = 1.2345678901234567e300;
        let best: Vec<f64> = src.vector.iter().map(|x| x * 3.0 + 1e-17).collect();
        let rb = vec![-1.5, -2.25, f64::MIN_POSITIVE];
        let rm = vec![0.1, 0.2];
        let files =
            authors::write_run(&out, &src.config, &mean, &best, &rb, &rm, best_reward).unwrap();
        let mut names = common::file_names(&out);
        names.retain(|n| !n.starts_with('.'));
        let env = if name == "lander" {
            "['LunarLander-v2']_pop_64".to_string()
        } else {
            "['AntBulletEnv-v0', 'AntBulletEnv-v0']_pop_64".to_string()
        };
        let rew = if name == "lander" { 335 } else { -12 };
        let mut want_names = vec![
            format!("{env}__rew_{rew}_bestsolution.npy"),
            format!("{env}_meansolution.npy"),
            "nca_config.yml".to_string(),
            "rewards_best.npy".to_string(),
            "rewards_mean.npy".to_string(),
        ];
        want_names.sort();
        assert_eq!(names, want_names);
        assert!(files.best.ends_with(&want_names[0]));

        // We read it back, as it was.
        let back = authors::read_run(&out).unwrap();
        assert_eq!(back.config, src.config, "{name}");
        assert_eq!(bits(&back.vector), bits(&mean));
        let back_best = authors::read_run(&files.best).unwrap();
        assert_eq!(bits(&back_best.vector), bits(&best));
        assert_eq!(bits(back.rewards_best.as_ref().unwrap()), bits(&rb));
        assert_eq!(bits(back.rewards_mean.as_ref().unwrap()), bits(&rm));

        // NumPy and PyYAML's safe loader read the same values.
        let view = numpy_view(&out);
        let npy_bits = |file: &Path| -> Vec<u64> {
            let f = &view["files"][file.file_name().unwrap().to_str().unwrap()];
            assert_eq!(f["dtype"], "float64");
            assert_eq!(f["shape"].as_array().unwrap().len(), 1);
            common::json_u64s(&f["bits"])
        };
        assert_eq!(npy_bits(&files.mean), bits(&mean));
        assert_eq!(npy_bits(&files.best), bits(&best));
        assert_eq!(npy_bits(&files.rewards_best), bits(&rb));
        assert_eq!(npy_bits(&files.rewards_mean), bits(&rm));
        let cfg = &view["config"];
        let c = &src.config;
        assert_eq!(cfg["NCA_channels"], c.channels as u64);
        assert_eq!(cfg["policy_layers"], c.layers as u64);
        assert_eq!(cfg["size_substrate"], c.size as u64);
        assert_eq!(cfg["update_net_channel_dims"], c.hidden as u64);
        assert_eq!(cfg["NCA_bias"], c.bias);
        assert_eq!(cfg["alpha_living_threshold"], "-inf");
        assert_eq!(cfg["popsize"], 64);
        assert_eq!(cfg["co_evolve_seed"], c.co_evolve_seed);
        assert_eq!(cfg["NCA_dimension"], 3);
        assert_eq!(
            cfg["environment"].as_array().unwrap().len(),
            c.environments.len()
        );
        assert_eq!(cfg["environment"][0], c.environments[0].as_str());
        let seeds: Vec<Vec<u64>> = view["seeds"]
            .as_array()
            .unwrap()
            .iter()
            .map(common::json_u64s)
            .collect();
        let want: Vec<Vec<u64>> = c.seeds.iter().map(|s| bits(s)).collect();
        assert_eq!(seeds, want, "{name}: seeds through yaml.safe_load");
    }
}

#[test]
fn bad_inputs_are_refused_without_panics() {
    let (dir, want) = oracle_runs();
    let d = dir.path();
    let marker = PathBuf::from(want["marker"].as_str().unwrap());

    // No config at all.
    let bare = copy_run(
        &d.join("lander"),
        &d.join("bare"),
        &["nca.config", "nca_config.yml"],
    );
    let e = err(&bare);
    assert!(e.contains("no `nca.config` or `nca_config.yml`"), "{e}");
    let e = err(d);
    assert!(e.contains("no `nca.config` or `nca_config.yml`"), "{e}");
    // A config but no solution.
    let nosol = copy_run(
        &d.join("lander"),
        &d.join("nosol"),
        &[
            "['LunarLander-v2']_pop_64_meansolution.npy",
            "['LunarLander-v2']_pop_64__rew_335_bestsolution.npy",
        ],
    );
    let e = err(&nosol);
    assert!(
        e.contains("no `*_meansolution.npy` or `*_bestsolution.npy`"),
        "{e}"
    );

    // A vector of the wrong length: the message names both lengths.
    let short = copy_run(&d.join("lander"), &d.join("short"), &[]);
    let mean = short.join("['LunarLander-v2']_pop_64_meansolution.npy");
    npy::write_vector(&mean, &[0.5; 225]).unwrap();
    let e = err(&short);
    assert!(e.contains("225 values") && e.contains("226"), "{e}");
    // NaN in the vector.
    let mut v = vec![0.5; 226];
    v[17] = f64::NAN;
    npy::write_vector(&mean, &v).unwrap();
    let e = err(&short);
    assert!(e.contains("value 17") && e.contains("NaN"), "{e}");

    // Hostile pickles: real pickle's STACK_GLOBAL posix.system + REDUCE, and a hand-made GLOBAL
    // os.system + REDUCE. Refused, and nothing ran.
    let e = err(&d.join("hostile"));
    assert!(e.contains("posix.system") && e.contains("refusing"), "{e}");
    let global = copy_run(&d.join("hostile"), &d.join("hostile_global"), &[]);
    let mut p = b"\x80\x02}q\x00X\x05\x00\x00\x00extraq\x01cos\nsystem\nq\x02X".to_vec();
    let cmd = format!("touch {}", marker.display());
    p.extend_from_slice(&(cmd.len() as u32).to_le_bytes());
    p.extend_from_slice(cmd.as_bytes());
    p.extend_from_slice(b"\x85q\x03Rq\x04s.");
    std::fs::write(global.join("nca.config"), &p).unwrap();
    let e = err(&global);
    assert!(e.contains("`os.system`") && e.contains("refusing"), "{e}");
    let e = err(&d.join("hostile_yml"));
    assert!(e.contains("posix.system") && e.contains("refusing"), "{e}");
    // builtins.eval through STACK_GLOBAL at protocol 4.
    let mut p = b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01x\x94\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94".to_vec();
    p.extend_from_slice(b"\x8c\x0aprint(1)\x20\x20\x94\x85\x94R\x94s.");
    std::fs::write(global.join("nca.config"), &p).unwrap();
    let e = err(&global);
    assert!(e.contains("`builtins.eval`"), "{e}");
    assert!(!marker.exists(), "a hostile file ran a command");

    // Every truncation of nca.config and of the solution, and bit flips all over both: errors (or, for
    // a flip in a value, a different value), never a panic.
    let cut = copy_run(&d.join("lander"), &d.join("cut"), &["nca_config.yml"]);
    let config = std::fs::read(d.join("lander/nca.config")).unwrap();
    for n in (0..config.len()).step_by(13) {
        std::fs::write(cut.join("nca.config"), &config[..n]).unwrap();
        let e = err(&cut);
        assert!(e.contains("nca.config"), "cut at {n}: {e}");
    }
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..400 {
        let mut b = config.clone();
        let r = next();
        let at = (r % b.len() as u64) as usize;
        b[at] ^= (r >> 32) as u8 | 1;
        std::fs::write(cut.join("nca.config"), &b).unwrap();
        let _ = authors::read_run(&cut);
    }
    std::fs::write(cut.join("nca.config"), &config).unwrap();
    let sol = std::fs::read(&mean).unwrap();
    let cut_mean = cut.join("['LunarLander-v2']_pop_64_meansolution.npy");
    for n in 0..sol.len() {
        std::fs::write(&cut_mean, &sol[..n]).unwrap();
        let e = err(&cut);
        assert!(e.contains("meansolution.npy"), "cut at {n}: {e}");
    }
    for _ in 0..400 {
        let mut b = sol.clone();
        let r = next();
        let at = (r % 128) as usize;
        b[at] ^= (r >> 32) as u8 | 1;
        std::fs::write(&cut_mean, &b).unwrap();
        let _ = authors::read_run(&cut);
    }
    // The tagged yml, cut and flipped.
    let ycut = copy_run(&d.join("lander"), &d.join("ycut"), &["nca.config"]);
    let yml = std::fs::read(d.join("lander/nca_config.yml")).unwrap();
    for n in (0..yml.len()).step_by(97) {
        std::fs::write(ycut.join("nca_config.yml"), &yml[..n]).unwrap();
        assert!(authors::read_run(&ycut).is_err(), "cut at {n}");
    }
    for _ in 0..300 {
        let mut b = yml.clone();
        let r = next();
        let at = (r % b.len() as u64) as usize;
        b[at] ^= (r >> 32) as u8 | 1;
        std::fs::write(ycut.join("nca_config.yml"), &b).unwrap();
        let _ = authors::read_run(&ycut);
    }

    // Settings we do not support, and wrong types: named.
    let text = String::from_utf8(yml).unwrap();
    for (from, to, needle) in [
        ("NCA_MLP: false", "NCA_MLP: true", "NCA_MLP is true"),
        ("plastic: false", "plastic: true", "plastic is true"),
        ("NCA_dimension: 3", "NCA_dimension: 2", "NCA_dimension is 2"),
        (
            "NCA_channels: 2",
            "NCA_channels: '2'",
            "`NCA_channels` is a str",
        ),
        ("NCA_bias: true", "NCA_bias: 1", "`NCA_bias` is a int"),
        (
            "size_substrate: 8",
            "size_substrate: 9",
            "shape [1, 2, 5, 8, 8]",
        ),
        (
            "policy_layers: 5",
            "policy_layers_x: 5",
            "`policy_layers` is missing",
        ),
        (
            "size_substrate: 8",
            "size_substrate: 9223372036854775807",
            "not a plausible",
        ),
        ("NCA_channels: 2", "NCA_channels: 4097", "implausibly large"),
    ] {
        assert!(text.contains(from), "{from}");
        std::fs::write(ycut.join("nca_config.yml"), text.replace(from, to)).unwrap();
        let e = err(&ycut);
        assert!(
            e.contains(needle) && e.contains("nca_config.yml"),
            "{to}: {e}"
        );
    }

    // Two mean solutions: ambiguous, both named.
    let two = copy_run(&d.join("lander"), &d.join("two"), &[]);
    std::fs::copy(
        two.join("['LunarLander-v2']_pop_64_meansolution.npy"),
        two.join("['LunarLander-v2']_pop_32_meansolution.npy"),
    )
    .unwrap();
    let e = err(&two);
    assert!(
        e.contains("several")
            && e.contains("['LunarLander-v2']_pop_32_meansolution.npy")
            && e.contains("['LunarLander-v2']_pop_64_meansolution.npy"),
        "{e}"
    );
    assert!(!marker.exists(), "a hostile file ran a command");
}

/// The authors' `saved_models/1645447353/nca_config.yml`, verbatim but for its base64, which is the
/// oracle's Lander seed (same shape and strides) put in its place.
const AUTHORS_YML: &str = "NCA_MLP: false
NCA_MLP_bias: true
NCA_MLP_hidden: 8
NCA_MLP_nb_layers: 3
NCA_bias: true
NCA_channels: 2
NCA_dimension: 3
NCA_steps: 20
RANDOM_SEED: 68717
alpha_living_threshold: -.inf
batch_size: 1
bits_per_seed: &id001
- 160
co_evolve_seed: false
date: 2022-02-21
debugging: 0
environment:
- LunarLander-v2
generations: 10000
id: '1645447353'
living_channel_dim: 1
nb_envs: 1
neighborhood: Moore
normalise: true
penalty_off_topology: false
plastic: false
policies_sizes: *id001
policy_layers: 5
popsize: 64
random_seed: false
random_seed_env: true
reading_channel: 0
replace: false
seed_size: 640
seed_type:
- randomU2
seeds:
- !!python/object/apply:torch._utils._rebuild_tensor_v2
  - !!python/object/apply:torch.storage._load_from_bytes
    - !!binary |
@BASE64@
  - 0
  - !!python/tuple
    - 1
    - 2
    - 5
    - 8
    - 8
  - !!python/tuple
    - 640
    - 320
    - 64
    - 8
    - 1
  - false
  - !!python/object/apply:collections.OrderedDict
    - []
seeds_size: []
size_substrate: 8
training time: 4720 seconds
update_net_channel_dims: 4
";

#[test]
fn the_authors_yml_layout_is_read() {
    let (dir, want) = oracle_runs();
    let d = dir.path();
    // The base64 lines of the oracle's Lander yml.
    let yml = std::fs::read_to_string(d.join("lander/nca_config.yml")).unwrap();
    let base64: Vec<&str> = yml
        .lines()
        .skip_while(|l| !l.ends_with("!!binary |"))
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .collect();
    assert!(!base64.is_empty());
    let run_dir = copy_run(&d.join("lander"), &d.join("authors"), &["nca.config"]);
    std::fs::write(
        run_dir.join("nca_config.yml"),
        AUTHORS_YML.replace("@BASE64@", &base64.join("\n")),
    )
    .unwrap();
    let run = authors::read_run(&run_dir).unwrap();
    check_run(&run, &want["lander"], "mean", "the authors' yml");
}
