//! Closed sets of named options (prune methods, PPO presets, falsification methods, …): the name a user
//! types and a line of help for each. The binary builds its flags' possible values from these, so the
//! library depends on no command-line parser.

pub trait Choice: Copy + PartialEq + Send + Sync + 'static {
    /// Every value, in the order help lists them.
    const ALL: &'static [Self];
    /// The name on the command line and in files.
    fn name(self) -> &'static str;
    /// One line for `--help`.
    fn help(self) -> &'static str;

    /// The value called `name`, if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}
