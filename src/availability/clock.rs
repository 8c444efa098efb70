//! The function's "now" for schedules: Connect's clock as of the last metrics answer
//! (`DataSnapshotTime`) advanced by the monotonic clock since; the system clock before any answer. In
//! AWS both agree; locally the emulator's clock can be moved and the function follows it.

use jiff::Timestamp;
use std::time::Instant;

/// Where the cache reads the time: the system, or a test's hand.
pub trait TimeSource: Send + Sync {
    /// For TTLs and elapsed time.
    fn monotonic(&self) -> Instant;
    /// The wall clock, used until Connect has told its own.
    fn wall(&self) -> Timestamp;
}

/// The real clocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemTime;

impl TimeSource for SystemTime {
    fn monotonic(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Connect's time as last seen, and when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectClock {
    reading: Option<(Timestamp, Instant)>,
}

impl ConnectClock {
    /// Connect said it was `connect_time` at `seen` (the monotonic instant its answer arrived).
    pub fn observe(&mut self, connect_time: Timestamp, seen: Instant) {
        self.reading = Some((connect_time, seen));
    }

    /// The time at the monotonic instant `at`.
    pub fn now(&self, time: &dyn TimeSource, at: Instant) -> Timestamp {
        match self.reading {
            Some((connect_time, seen)) => connect_time
                .checked_add(at.saturating_duration_since(seen))
                .unwrap_or(connect_time),
            None => time.wall(),
        }
    }
}
