//! `synapt-safety` runs without libtorch: every stage that needs no gradients runs with no libtorch or
//! CUDA library in the process (the dynamic loader's own account of the whole run, `LD_DEBUG=files`,
//! and `/proc/PID/maps` of a running `--test`); the commands that need gradients run in
//! `synapt-safety-torch` with libtorch's CPU library and none of CUDA's unless a GPU is asked for; a
//! missing helper or libtorch is a clear error, and the other stages keep working.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{assert_ok, assert_refused, bin, pruned_cartpole, stdout};

/// libtorch's and CUDA's libraries, by file name.
fn is_torch_or_cuda(lib: &str) -> bool {
    [
        "torch", "c10", "cuda", "cublas", "cudnn", "cupti", "nvrtc", "nccl", "cusparse",
    ]
    .iter()
    .any(|k| lib.contains(k))
}

/// Run `cmd` with the dynamic loader reporting every library it loads (at start and by dlopen, in
/// either program); returns the output with the loader's lines taken out of stderr, and the libraries.
fn run_counting_libraries(cmd: &mut Command) -> (Output, Vec<String>) {
    let mut o = cmd.env("LD_DEBUG", "files").output().unwrap();
    let text = String::from_utf8_lossy(&o.stderr).into_owned();
    let mut libs = Vec::new();
    let mut rest = String::new();
    for line in text.lines() {
        let is_loader = line
            .trim_start()
            .split_once(":\t")
            .is_some_and(|(pid, _)| pid.chars().all(|c| c.is_ascii_digit()));
        if !is_loader {
            rest.push_str(line);
            rest.push('\n');
        } else if let Some(f) = line.split("file=").nth(1) {
            let name = f.split_whitespace().next().unwrap_or("").to_string();
            if !libs.contains(&name) {
                libs.push(name);
            }
        }
    }
    o.stderr = rest.into_bytes();
    (o, libs)
}

fn in_dir(dir: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.current_dir(dir).args(args);
    c
}

#[test]
fn stages_without_gradients_never_load_libtorch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    pruned_cartpole(d);
    let env = ["--env", "CartPole-v0"];
    let pruned = ["--actor", "ppo_actorCartPole-v0_0.78.pth"];
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--list-envs"],
        [&env[..], &["--actor", "ppo_actorCartPole-v0.pth", "--test"]].concat(),
        [
            &env[..],
            &["--actor", "ppo_actorCartPole-v0.pth", "--prune"],
        ]
        .concat(),
        [
            &env[..],
            &pruned[..],
            &["--falsify", "--falsify-method", "random", "--budget", "10"],
            &["--spec", "upright", "--display", "--gifs", "1"],
        ]
        .concat(),
        [&env[..], &pruned[..], &["--convert", "--visualize"]].concat(),
        vec![
            "--env",
            "CartPole-v1",
            "--train",
            "--algo",
            "es",
            "--iterations",
            "1",
        ],
    ];
    for args in &commands {
        let (o, libs) = run_counting_libraries(&mut in_dir(d, args));
        assert_ok(&o);
        assert!(
            libs.iter().any(|l| l.starts_with("libc.so")),
            "{args:?}: the loader reported nothing: {libs:?}"
        );
        let torch: Vec<&String> = libs.iter().filter(|l| is_torch_or_cuda(l)).collect();
        assert!(torch.is_empty(), "{args:?} loaded {torch:?}");
        if args.len() > 1 {
            assert!(
                !stdout(&o).contains("libtorch device"),
                "{args:?}: the header names a libtorch device\n{}",
                stdout(&o)
            );
        }
    }
}

/// The libraries a running `--test` has mapped, read from /proc while it waits for its
/// hyperparameters file (a FIFO, so it waits for as long as the test needs).
#[test]
fn a_running_test_has_no_libtorch_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ship_actor(d, "ppo_actorCartPole-v0.pth", "actor.pth");
    let fifo = d.join("h.yml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let child = bin()
        .current_dir(d)
        .args([
            "--env",
            "CartPole-v0",
            "--actor",
            "Policies/actor.pth",
            "--test",
        ])
        .args(["--episodes", "2", "--hyperparameters", "h.yml"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // It opens the FIFO once started; opening the writing end waits for that.
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", child.id())).unwrap();
    let files: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter(|p| p.starts_with('/'))
        .collect();
    writer
        .write_all(&std::fs::read(common::root().join("hyperparameters.yml")).unwrap())
        .unwrap();
    drop(writer);
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("mean"), "{}", stdout(&o));
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_synapt-safety"));
    assert!(
        files.iter().any(|f| Path::new(f) == exe),
        "{} is not mapped: {files:?}",
        exe.display()
    );
    assert!(files.iter().any(|f| f.contains("libc.so")), "{files:?}");
    let torch: Vec<&&str> = files.iter().filter(|f| is_torch_or_cuda(f)).collect();
    assert!(torch.is_empty(), "a running --test maps {torch:?}");
}

#[test]
fn gradients_run_with_libtorch_cpu_and_no_cuda() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ppo = ["--env", "CartPole-v0", "--train", "--iterations", "1"];
    let mut devices = vec!["cpu"];
    // `auto` is the CPU, without CUDA's libraries, on a machine without NVIDIA's driver.
    if !Path::new("/proc/driver/nvidia/version").exists() && !Path::new("/dev/nvidiactl").exists() {
        devices.push("auto");
    }
    for device in devices {
        let (o, libs) =
            run_counting_libraries(&mut in_dir(d, &[&ppo[..], &["--device", device]].concat()));
        assert_ok(&o);
        assert!(stdout(&o).contains("libtorch device Cpu"), "{}", stdout(&o));
        assert!(libs.iter().any(|l| l == "libtorch_cpu.so"), "{libs:?}");
        assert!(
            !libs.iter().any(|l| l.contains("torch_cuda")),
            "--device {device}: {libs:?}"
        );
    }
    // Handed over, the helper's errors and exit codes are the command's: --resume of a missing
    // checkpoint.
    let o = in_dir(d, &["--env", "CartPole-v1", "--train", "--resume"])
        .output()
        .unwrap();
    assert_refused(&o, 1, "ppo_checkpointCartPole-v1.json");
}

/// `bytes` with every occurrence of `from` replaced by `to` (the same length).
fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

/// Copy a built binary into `dir`, executable, with `patch` applied to its bytes.
fn copy_binary(name: &str, dir: &Path, patch: impl Fn(&mut Vec<u8>)) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let from = Path::new(env!("CARGO_BIN_EXE_synapt-safety")).with_file_name(name);
    let mut bytes = std::fs::read(&from).unwrap();
    patch(&mut bytes);
    let to = dir.join(name);
    std::fs::write(&to, bytes).unwrap();
    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).unwrap();
    to
}

#[test]
fn without_the_helper_or_libtorch_gradients_are_refused_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ship_actor(d, "ppo_actorCartPole-v0.pth", "ppo_actorCartPole-v0.pth");
    let bin_dir = d.join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let run = |exe: &Path, args: &[&str], env: Option<(&str, &str)>| {
        let mut c = Command::new(exe);
        c.current_dir(d).args(args);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let test = ["--env", "CartPole-v0", "--test", "--episodes", "2"];
    let train = ["--env", "CartPole-v0", "--train", "--iterations", "1"];

    // The helper is not there.
    let front = copy_binary("synapt-safety", &bin_dir, |_| {});
    assert_refused(&run(&front, &train, None), 1, "synapt-safety-torch");
    assert_ok(&run(&front, &test, None));
    assert!(!d.join("Policies/ppo_criticCartPole-v0.pth").exists());

    // Both binaries, but libtorch is not where they were built against (its directory, in both,
    // replaced by one that does not exist, of the same length).
    let lib = env!("SYNAPT_LIBTORCH_LIB");
    let gone = format!("/{}", "x".repeat(lib.len() - 1));
    let patch = |b: &mut Vec<u8>| {
        assert!(replace_all(b, lib.as_bytes(), gone.as_bytes()) > 0);
    };
    let front = copy_binary("synapt-safety", &bin_dir, patch);
    copy_binary("synapt-safety-torch", &bin_dir, patch);
    let o = run(&front, &train, None);
    assert_refused(&o, 1, "libtorch_cpu.so is neither in");
    assert!(common::stderr(&o).contains("scripts/setup.sh"));
    assert!(!d.join("Policies/ppo_criticCartPole-v0.pth").exists());
    assert_ok(&run(&front, &test, None));
    // libtorch found on LD_LIBRARY_PATH instead: the helper starts and trains.
    let o = run(&front, &train, Some(("LD_LIBRARY_PATH", lib)));
    assert_ok(&o);
    assert!(d.join("Policies/ppo_criticCartPole-v0.pth").exists());
}
