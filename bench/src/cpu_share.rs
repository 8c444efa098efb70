//! A Lambda function's share of a CPU, reproduced with the cgroup v1 `cpu` controller.
//!
//! Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU, 128 MB about 7.2 % of
//! one. It enforces the share with CFS bandwidth control: a quota of CPU time per period, after which the
//! function's threads wait for the next period. Observed pauses come in multiples of 20 ms
//! (BENCHMARKS.md cites the measurements), so a [`CpuShare`] is a child cgroup of the harness's own with
//! `cpu.cfs_period_us` = 20,000 and `cpu.cfs_quota_us` = period × memory / 1,769.
//!
//! Every function is forked inside its memory size's group. Init is either held to the share from the
//! first instruction or unthrottled (the group's quota is lifted until the function first asks for work),
//! as published measurements say Lambda's init phase is. Every group is removed when its [`CpuShare`] is dropped, and groups left
//! by a harness that was killed are removed by the next run.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The memory size at which Lambda gives a function one full vCPU.
pub const FULL_VCPU_MB: u32 = 1769;
/// Lambda's CFS period, as observed (see the module documentation).
pub const LAMBDA_PERIOD: Duration = Duration::from_millis(20);
/// The smallest quota the kernel accepts.
const MIN_QUOTA_US: u64 = 1_000;
const GROUP_PREFIX: &str = "lambda-bench-";
/// Where the cgroup v1 `cpu` controller may be mounted.
const CPU_MOUNTS: [&str; 2] = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"];

/// Whether the function's init runs at full speed or within the share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitMode {
    /// No quota until the first `/next`: init at full speed, invocations at the share.
    Unthrottled,
    /// The quota applies from the fork: everything at the share, exec included.
    Held,
}

impl InitMode {
    pub const ALL: [InitMode; 2] = [InitMode::Unthrottled, InitMode::Held];

    pub fn key(self) -> &'static str {
        match self {
            InitMode::Unthrottled => "init_unthrottled",
            InitMode::Held => "init_held",
        }
    }
}

/// Throttling counters of a group (`cpu.stat`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Throttling {
    pub periods: u64,
    pub throttled_periods: u64,
    pub throttled: Duration,
}

impl Throttling {
    pub fn since(self, earlier: Throttling) -> Throttling {
        Throttling {
            periods: self.periods.saturating_sub(earlier.periods),
            throttled_periods: self
                .throttled_periods
                .saturating_sub(earlier.throttled_periods),
            throttled: self.throttled.saturating_sub(earlier.throttled),
        }
    }
}

/// One memory size's CPU share: a cgroup the harness created and removes.
#[derive(Debug)]
pub struct CpuShare {
    pub memory_mb: u32,
    pub period: Duration,
    pub quota: Duration,
    group: PathBuf,
    /// The harness's own group: where its thread returns after forking a function inside the share.
    parent: PathBuf,
}

impl CpuShare {
    /// Creates the group for `memory_mb` under the harness's own `cpu` cgroup.
    pub fn create(memory_mb: u32, period: Duration) -> Result<Self, String> {
        let parent = own_cpu_group()?;
        remove_abandoned_groups(&parent);
        let group = parent.join(format!(
            "{GROUP_PREFIX}{}-{memory_mb}mb",
            std::process::id()
        ));
        let period_us = u64::try_from(period.as_micros()).map_err(|e| e.to_string())?;
        let quota_us =
            (period_us * u64::from(memory_mb) / u64::from(FULL_VCPU_MB)).max(MIN_QUOTA_US);
        match fs::create_dir(&group) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => {
                return Err(format!(
                    "cannot create the cgroup {} (root and the cgroup v1 cpu controller are needed): {error}",
                    group.display()
                ));
            }
        }
        let share = Self {
            memory_mb,
            period,
            quota: Duration::from_micros(quota_us),
            group,
            parent,
        };
        // The period first: the kernel checks the quota against it. No burst: Lambda documents none.
        share.write("cpu.cfs_period_us", &period_us.to_string())?;
        share.write("cpu.cfs_quota_us", &quota_us.to_string())?;
        if share.group.join("cpu.cfs_burst_us").exists() {
            share.write("cpu.cfs_burst_us", "0")?;
        }
        Ok(share)
    }

    /// The share as a fraction of one CPU.
    pub fn fraction(&self) -> f64 {
        self.quota.as_secs_f64() / self.period.as_secs_f64()
    }

    fn write(&self, file: &str, value: &str) -> Result<(), String> {
        write_to(&self.group.join(file), value)
    }

    /// Holds the group to its share, with a whole quota now, as an environment that has been idle has:
    /// setting the quota resets the kernel's bandwidth accounting.
    pub fn throttle(&self) -> Result<(), String> {
        self.write("cpu.cfs_quota_us", &self.quota.as_micros().to_string())
    }

    /// Lets the group use a whole CPU (an unthrottled init).
    pub fn unthrottle(&self) -> Result<(), String> {
        self.write("cpu.cfs_quota_us", "-1")
    }

    /// Runs `spawn` with the calling thread inside the group, so that the process it forks starts there,
    /// then returns the thread to the harness's group. Functions never move between groups: moving a
    /// process can wait for an RCU grace period (milliseconds), changing the quota does not.
    /// (The harness runs one thread; what it or a task it lets run spends meanwhile is charged to the
    /// group: call [`Self::throttle`] afterwards to forget it.)
    pub async fn fork_inside<F: std::future::Future>(&self, spawn: F) -> Result<F::Output, String> {
        let thread = current_thread_id()?;
        write_to(&self.group.join("tasks"), &thread)?;
        let spawned = spawn.await;
        write_to(&self.parent.join("tasks"), &thread)?;
        Ok(spawned)
    }

    /// The group's throttling counters so far.
    pub fn throttling(&self) -> Throttling {
        let Ok(text) = fs::read_to_string(self.group.join("cpu.stat")) else {
            return Throttling::default();
        };
        let field = |name: &str| {
            text.lines().find_map(|line| {
                let (key, value) = line.split_once(' ')?;
                (key == name).then(|| value.trim().parse::<u64>().ok())?
            })
        };
        Throttling {
            periods: field("nr_periods").unwrap_or(0),
            throttled_periods: field("nr_throttled").unwrap_or(0),
            throttled: Duration::from_nanos(field("throttled_time").unwrap_or(0)),
        }
    }
}

impl Drop for CpuShare {
    fn drop(&mut self) {
        remove_group(&self.group, &self.parent);
    }
}

fn write_to(path: &Path, value: &str) -> Result<(), String> {
    fs::write(path, value)
        .map_err(|error| format!("cannot write {value} to {}: {error}", path.display()))
}

/// `/proc/thread-self` links to `<pid>/task/<tid>`.
fn current_thread_id() -> Result<String, String> {
    let link = fs::read_link("/proc/thread-self")
        .map_err(|error| format!("cannot read /proc/thread-self: {error}"))?;
    link.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| format!("unexpected /proc/thread-self: {}", link.display()))
}

/// The harness's group in the `cpu` hierarchy, from `/proc/self/cgroup`.
fn own_cpu_group() -> Result<PathBuf, String> {
    let mount = CPU_MOUNTS
        .iter()
        .map(Path::new)
        .find(|mount| mount.join("cgroup.procs").exists())
        .ok_or("the cgroup v1 cpu controller is not mounted (looked in /sys/fs/cgroup/cpu)")?;
    let cgroups = fs::read_to_string("/proc/self/cgroup")
        .map_err(|error| format!("cannot read /proc/self/cgroup: {error}"))?;
    let relative = cgroups
        .lines()
        .find_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            controllers
                .split(',')
                .any(|controller| controller == "cpu")
                .then(|| path.trim_start_matches('/').to_owned())
        })
        .unwrap_or_default();
    Ok(mount.join(relative))
}

/// Moves whatever is left in `group` back to `parent` and removes it.
fn remove_group(group: &Path, parent: &Path) {
    if let Ok(procs) = fs::read_to_string(group.join("cgroup.procs")) {
        for pid in procs.split_whitespace() {
            let _ = fs::write(parent.join("cgroup.procs"), pid);
        }
    }
    // A process that is exiting may keep the group busy for a moment.
    for _ in 0..50 {
        match fs::remove_dir(group) {
            Ok(()) => return,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    eprintln!(
        "[bench] warning: could not remove the cgroup {}",
        group.display()
    );
}

/// Groups named after a harness process that no longer exists (one killed before it could clean up).
fn remove_abandoned_groups(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(owner) = name
            .strip_prefix(GROUP_PREFIX)
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if !Path::new("/proc").join(owner).exists() {
            remove_group(&entry.path(), parent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_counters_subtract() {
        let later = Throttling {
            periods: 10,
            throttled_periods: 4,
            throttled: Duration::from_millis(70),
        };
        let earlier = Throttling {
            periods: 3,
            throttled_periods: 1,
            throttled: Duration::from_millis(20),
        };
        assert_eq!(
            later.since(earlier),
            Throttling {
                periods: 7,
                throttled_periods: 3,
                throttled: Duration::from_millis(50)
            }
        );
    }

    #[test]
    fn this_thread_has_an_id() {
        let id = current_thread_id().expect("a thread id");
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    }
}
