//! The emulator's clock: the system clock plus an offset that the control API sets or moves. It keeps
//! running (a second later by the system clock is a second later here).

use std::sync::atomic::{AtomicI64, Ordering};

use super::system_now_ms;

#[derive(Debug, Default)]
pub(crate) struct EmulatorClock {
    /// Milliseconds added to the system clock.
    offset_ms: AtomicI64,
}

impl EmulatorClock {
    /// Milliseconds since the Unix epoch, by the emulator's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        system_now_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// How far the emulator's clock is ahead of the system clock (negative: behind).
    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// From now on the clock reads `epoch_ms`, and runs on from there.
    pub(crate) fn set_ms(&self, epoch_ms: i64) {
        self.offset_ms
            .store(epoch_ms.saturating_sub(system_now_ms()), Ordering::Relaxed);
    }

    /// Moves the clock by `delta_ms` (negative: back).
    pub(crate) fn advance_ms(&self, delta_ms: i64) {
        // fetch_update cannot fail with a closure that always answers Some.
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(delta_ms))
            });
    }

    /// Back to the system clock.
    pub(crate) fn follow_system_clock(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_advance_move_the_clock_off_the_system_clock() {
        let clock = EmulatorClock::default();
        assert!((clock.now_ms() - system_now_ms()).abs() < 1000);
        let christmas_eve = 1_798_135_190_000; // 2026-12-24T17:59:50Z
        clock.set_ms(christmas_eve);
        assert!((clock.now_ms() - christmas_eve).abs() < 1000);
        clock.advance_ms(20_000);
        assert!((clock.now_ms() - christmas_eve - 20_000).abs() < 1000);
        assert!(clock.offset_ms() != 0);
        clock.follow_system_clock();
        assert_eq!(clock.offset_ms(), 0);
    }
}
