//! Exit statuses, as `shipshape --help` documents them.

/// `check`: findings at or above the threshold remain.
pub const FINDINGS: u8 = 1;

/// `validate`: an object is invalid.
pub const INVALID: u8 = 1;

/// Bad input or usage, for every command.
pub const BAD_INPUT: u8 = 2;

/// `deploy`, `rollback`: the deploy failed (nothing rolled back); `diff`: changes;
/// `status`: an object is not ready.
pub const DEPLOY_FAILED: u8 = 1;

/// `deploy`, `rollback`: another deploy holds the lock, or this one lost it.
pub const LOCKED: u8 = 3;

/// `deploy`: failed, and the last deployed revision was restored.
pub const ROLLED_BACK: u8 = 4;

/// `deploy`: failed, and restoring the last deployed revision failed too.
pub const ROLLBACK_FAILED: u8 = 5;

/// The cluster could not be reached, or failed outside a phase.
pub const UNREACHABLE: u8 = 6;
