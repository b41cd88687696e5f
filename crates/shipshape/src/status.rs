//! Exit statuses, as `shipshape --help` documents them.

/// `check`: findings at or above the threshold remain.
pub const FINDINGS: u8 = 1;

/// `validate`: an object is invalid.
pub const INVALID: u8 = 1;

/// Bad input or usage, for every command.
pub const BAD_INPUT: u8 = 2;
