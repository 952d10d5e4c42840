//! Running a child process under limits: its wall time, its peak resident memory and how it
//! ended, killed when it runs past a time or memory limit.
//!
//! Linux reports a process's peak memory (`ru_maxrss`) as at least that of the process it was
//! forked from: the bench, holding its generated inputs, would put a floor of tens of MB under
//! every figure. So the bench starts each measured program through a launcher, a fresh copy of
//! its own binary ([`launcher_main`]) that forks the program, waits for it and reports its
//! figures: the floor is then the launcher's few MB, the same for every run.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

/// What the bench allows one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub memory_bytes: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Exited(i32),
    /// Killed by a signal it did not get from us (a crash: SIGSEGV, SIGABRT, …).
    Signalled(i32),
    TimedOut,
    OverMemory,
}

impl Outcome {
    /// A normal end of `cio-lsp check`: 0 (clean), 1 (findings).
    pub fn is_clean_check_exit(self) -> bool {
        matches!(self, Outcome::Exited(0) | Outcome::Exited(1))
    }
}

/// One finished (or killed) process.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    pub wall: Duration,
    /// User and system CPU time: on a machine shared with other jobs, wall time includes time
    /// spent descheduled, CPU time does not.
    pub cpu: Duration,
    pub peak_rss_bytes: u64,
    pub outcome: Outcome,
}

/// The environment variable that makes the bench binary a launcher.
pub const LAUNCH_ENV: &str = "CIO_SCALE_LAUNCH";

static LAUNCHER: OnceLock<PathBuf> = OnceLock::new();

/// Starts every later process through `launcher` (a binary that calls [`launcher_main`] when
/// [`LAUNCH_ENV`] is set). Without one, processes are started directly and their peak memory
/// includes the caller's.
pub fn use_launcher(launcher: PathBuf) {
    let _ = LAUNCHER.set(launcher);
}

/// The launcher: runs `argv[1..]` with this process's standard input and output (its standard
/// error discarded), then writes `pid <pid>` when it starts and
/// `done <wait status> <peak RSS in KB> <wall ns> <CPU ns>` when it ends to standard error.
pub fn launcher_main() -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let child = Command::new(&args[0])
        .args(&args[1..])
        .env_remove(LAUNCH_ENV)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", args[0]));
    let pid = child.id() as libc::pid_t;
    eprintln!("pid {pid}");
    let (status, usage) = wait(pid);
    eprintln!(
        "done {status} {} {} {}",
        usage.ru_maxrss,
        started.elapsed().as_nanos(),
        cpu_time(&usage).as_nanos()
    );
    std::process::exit(0)
}

fn cpu_time(usage: &libc::rusage) -> Duration {
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn wait(pid: libc::pid_t) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: plain out-parameters; `pid` is the caller's own child, reaped only here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    (status, usage)
}

/// The standard input and output a program gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Io {
    /// Nothing to read, output discarded (`check`).
    Discarded,
    /// Pipes to the caller (a language server).
    Piped,
}

impl Io {
    fn apply(self, command: &mut Command) -> &mut Command {
        match self {
            Io::Discarded => command.stdin(Stdio::null()).stdout(Stdio::null()),
            Io::Piped => command.stdin(Stdio::piped()).stdout(Stdio::piped()),
        }
    }
}

/// What the watcher thread reports.
enum Event {
    Started(u32),
    Ended(Finished),
}

/// A spawned program watched by a thread.
pub struct Watched {
    /// The process spawned: the launcher, or the program itself.
    pub child: Child,
    /// The program's pid, once known.
    pid: Option<u32>,
    started: Instant,
    events: mpsc::Receiver<Event>,
    limits: Limits,
    killed_for: Option<Outcome>,
    ended: Option<Finished>,
}

impl Watched {
    /// Spawns `command` (through the launcher when there is one) with standard input and output
    /// as `io` says; the program's standard error is discarded.
    pub fn spawn(command: Command, io: Io, limits: Limits) -> std::io::Result<Watched> {
        let (send, events) = mpsc::channel();
        let started = Instant::now();
        let (child, pid) = match LAUNCHER.get() {
            Some(launcher) => {
                let mut via = Command::new(launcher);
                via.env(LAUNCH_ENV, "1")
                    .arg(command.get_program())
                    .args(command.get_args())
                    .stderr(Stdio::piped());
                if let Some(dir) = command.get_current_dir() {
                    via.current_dir(dir);
                }
                for (key, value) in command.get_envs() {
                    match value {
                        Some(value) => via.env(key, value),
                        None => via.env_remove(key),
                    };
                }
                let mut child = io.apply(&mut via).spawn()?;
                let report = child.stderr.take().unwrap();
                std::thread::spawn(move || read_launcher_report(report, send));
                (child, None)
            }
            None => {
                let mut direct = command;
                let child = io.apply(&mut direct).stderr(Stdio::null()).spawn()?;
                let pid = child.id();
                std::thread::spawn(move || {
                    let (status, usage) = wait(pid as libc::pid_t);
                    let _ = send.send(Event::Ended(Finished {
                        wall: started.elapsed(),
                        cpu: cpu_time(&usage),
                        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
                        outcome: outcome_of(status),
                    }));
                });
                (child, Some(pid))
            }
        };
        Ok(Watched {
            child,
            pid,
            started,
            events,
            limits,
            killed_for: None,
            ended: None,
        })
    }

    /// Kills the program when it is over a limit.
    fn enforce_limits(&mut self) {
        let Some(pid) = self.pid.filter(|_| self.killed_for.is_none()) else {
            return;
        };
        let over = if self.started.elapsed() > self.limits.time {
            Some(Outcome::TimedOut)
        } else if current_rss_bytes(pid) > self.limits.memory_bytes {
            Some(Outcome::OverMemory)
        } else {
            None
        };
        if let Some(reason) = over {
            self.killed_for = Some(reason);
            self.kill();
        }
    }

    /// Kills the program (SIGKILL); its end is reported as usual.
    pub fn kill(&self) {
        if let Some(pid) = self.pid {
            // SAFETY: the pid of our own child (or the launcher's), not reaped until the
            // watcher (or the launcher) waits for it.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
    }

    /// Takes the watcher's news for up to `wait` and enforces the limits; true while the
    /// program runs and has not been killed.
    pub fn watch(&mut self, wait: Duration) -> bool {
        if self.ended.is_some() {
            return false;
        }
        match self.events.recv_timeout(wait) {
            Ok(Event::Started(pid)) => self.pid = Some(pid),
            Ok(Event::Ended(mut finished)) => {
                if let Some(reason) = self.killed_for {
                    finished.outcome = reason;
                }
                let _ = self.child.wait(); // the launcher, or an already reaped direct child
                self.ended = Some(finished);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.ended = Some(Finished {
                    wall: self.started.elapsed(),
                    cpu: Duration::ZERO,
                    peak_rss_bytes: 0,
                    outcome: self.killed_for.unwrap_or(Outcome::Signalled(0)),
                });
            }
        }
        self.enforce_limits();
        self.ended.is_none() && self.killed_for.is_none()
    }

    /// Waits for the program to end, enforcing the limits meanwhile.
    pub fn finish(mut self) -> Finished {
        while self.ended.is_none() {
            self.watch(Duration::from_millis(20));
        }
        self.ended.unwrap()
    }
}

fn read_launcher_report(report: impl std::io::Read, send: mpsc::Sender<Event>) {
    for line in BufReader::new(report).lines() {
        let Ok(line) = line else { return };
        let words: Vec<&str> = line.split_whitespace().collect();
        let event = match words.as_slice() {
            ["pid", pid] => Event::Started(pid.parse().unwrap()),
            ["done", status, max_rss_kb, wall_ns, cpu_ns] => Event::Ended(Finished {
                wall: Duration::from_nanos(wall_ns.parse().unwrap()),
                cpu: Duration::from_nanos(cpu_ns.parse().unwrap()),
                peak_rss_bytes: max_rss_kb.parse::<u64>().unwrap() * 1024,
                outcome: outcome_of(status.parse().unwrap()),
            }),
            _ => continue,
        };
        if send.send(event).is_err() {
            return;
        }
    }
}

/// Runs `command` with its output discarded.
pub fn run(command: Command, limits: Limits) -> Finished {
    let program = command.get_program().to_owned();
    Watched::spawn(command, Io::Discarded, limits)
        .unwrap_or_else(|e| panic!("cannot start {program:?}: {e}"))
        .finish()
}

fn outcome_of(status: i32) -> Outcome {
    if libc::WIFEXITED(status) {
        Outcome::Exited(libc::WEXITSTATUS(status))
    } else {
        Outcome::Signalled(libc::WTERMSIG(status))
    }
}

/// The resident memory of a running process (0 once it is gone).
pub fn current_rss_bytes(pid: u32) -> u64 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb * 1024)
}
