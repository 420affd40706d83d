//! Every signal that would end the process, caught so the event loop can
//! put the terminal back before it goes (the default action would leave the
//! shell in raw mode on the alternate screen). The process then exits with
//! 128 + the signal's number, as if the signal had ended it.
//!
//! Not caught: SIGKILL and SIGSTOP (nothing can); SIGSEGV, SIGBUS, SIGILL,
//! SIGFPE, SIGTRAP and SIGSYS, which report a fault in the instruction that
//! raised them (a handler that returns would run it again, forever);
//! SIGPIPE, which Rust already ignores (a write to a closed pipe fails
//! instead); and the ones whose default is to do nothing or to stop.

use std::future::poll_fn;
use std::task::Poll;

use tokio::signal::unix::{Signal, SignalKind, signal};

/// The signals every Unix ends a process with by default and that can be
/// caught, with their names for the log.
const NAMED: [(i32, &str); 13] = [
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGINT, "SIGINT"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGABRT, "SIGABRT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
    (libc::SIGALRM, "SIGALRM"),
    (libc::SIGVTALRM, "SIGVTALRM"),
    (libc::SIGPROF, "SIGPROF"),
    (libc::SIGXCPU, "SIGXCPU"),
    (libc::SIGXFSZ, "SIGXFSZ"),
    (libc::SIGIO, "SIGIO"),
];

/// The signals that end a process by default and can be caught, by number.
fn ending() -> Vec<i32> {
    let mut numbers: Vec<i32> = NAMED.iter().map(|(n, _)| *n).collect();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        numbers.extend([libc::SIGPWR, libc::SIGSTKFLT]);
        // Real-time signals end a process too; tokio keeps room for those
        // below SIGRTMAX.
        numbers.extend(libc::SIGRTMIN()..libc::SIGRTMAX());
    }
    numbers
}

/// The name for the log: `SIGINT`, or `signal 40` for a real-time one.
pub fn name(number: i32) -> String {
    NAMED
        .iter()
        .find(|(n, _)| *n == number)
        .map_or_else(|| format!("signal {number}"), |(_, name)| name.to_string())
}

/// Ctrl-C and Ctrl-\ at the terminal. While an editor has the terminal
/// they are the editor's keys, not a request to end the workspace.
pub fn typed(number: i32) -> bool {
    number == libc::SIGINT || number == libc::SIGQUIT
}

/// The caught signals, as one stream.
pub struct Signals(Vec<(i32, Signal)>);

impl Signals {
    /// Catch every ending signal. One that cannot be caught here is left to
    /// its default (logged); only SIGTERM, SIGHUP and SIGINT must succeed.
    pub fn catch() -> std::io::Result<Signals> {
        let mut caught = Vec::new();
        for number in ending() {
            match signal(SignalKind::from_raw(number)) {
                Ok(s) => caught.push((number, s)),
                Err(e) if [libc::SIGTERM, libc::SIGHUP, libc::SIGINT].contains(&number) => {
                    return Err(e);
                }
                Err(e) => tracing::debug!(signal = number, error = %e, "not caught"),
            }
        }
        Ok(Signals(caught))
    }

    /// The next signal to arrive, by number.
    pub async fn recv(&mut self) -> i32 {
        poll_fn(|cx| {
            for (number, s) in &mut self.0 {
                if let Poll::Ready(Some(())) = s.poll_recv(cx) {
                    return Poll::Ready(*number);
                }
            }
            Poll::Pending
        })
        .await
    }
}
