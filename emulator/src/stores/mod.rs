//! What the emulator remembers, below every handler: quotas, injected faults, records of calls, and
//! the secrets it serves. Plain data behind locks; no HTTP.

pub(crate) mod faults;
pub(crate) mod quota;
pub(crate) mod records;
pub(crate) mod secrets;
