//! Fuzz target `targets` (fuzz/README.md): the bytes through `synapt_safety::fuzzing::run("targets", …)`,
//! which must return, whatever they are, without a panic.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        synapt_safety::fuzzing::run("targets", data);
    });
}
