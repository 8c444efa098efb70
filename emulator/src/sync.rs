//! Lock and task helpers shared by every module.

use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::runtime::Handle;
use tokio::task::JoinSet;

/// Locks a mutex, recovering the data if another thread panicked while holding it
/// (state here stays consistent between statements, so a poisoned lock is still usable).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Owns every task the emulator spawns (accept loops, connections, WebSockets, the agent),
/// so that shutdown and `Drop` can stop them all.
pub(crate) struct TaskTracker {
    runtime: Handle,
    tasks: Mutex<Option<JoinSet<()>>>,
}

impl TaskTracker {
    pub(crate) fn new(runtime: Handle) -> Self {
        TaskTracker {
            runtime,
            tasks: Mutex::new(Some(JoinSet::new())),
        }
    }

    /// Spawns a task; after shutdown the task is dropped instead.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut guard = lock(&self.tasks);
        if let Some(tasks) = guard.as_mut() {
            // Reap finished tasks so the set does not grow with every connection.
            while tasks.try_join_next().is_some() {}
            tasks.spawn_on(task, &self.runtime);
        }
    }

    /// Stops accepting tasks and hands back the running ones (aborted when dropped).
    pub(crate) fn close(&self) -> Option<JoinSet<()>> {
        lock(&self.tasks).take()
    }
}
