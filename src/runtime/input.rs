//! Terminal input, read on a thread of its own and handed to the event loop
//! over a channel, with a pause: while an external editor has the terminal,
//! nothing here reads it, so every key goes to the editor.
//!
//! Why a thread polling with a timeout rather than crossterm's `EventStream`:
//! a dropped `EventStream` stops its reader thread by waking it, and a
//! `poll` of ours made to wait for that can swallow the wake-up, leaving the
//! old thread blocked on the tty and stealing the editor's first keys. Here
//! one thread does all the reading and holds crossterm's reader only inside
//! `poll`/`read`; once it has answered a pause it is parked, not reading.

use std::io;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use crossterm::event::Event as TermEvent;
use tokio::sync::{mpsc, oneshot};

/// How long one `poll` waits before the thread looks for a pause. Events
/// themselves arrive at once; only a pause can wait this long.
const POLL: Duration = Duration::from_millis(100);

enum Control {
    /// Stop reading; answer once nothing reads the terminal.
    Pause(oneshot::Sender<()>),
    Resume,
}

/// The loop's side of the reader.
pub struct Input {
    pub events: mpsc::UnboundedReceiver<io::Result<TermEvent>>,
    control: std_mpsc::Sender<Control>,
}

impl Input {
    /// Start reading. If the thread cannot start, `events` ends at once and
    /// the loop treats that as the terminal going away.
    pub fn spawn() -> Input {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (control, control_rx) = std_mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("input".into())
            .spawn(move || read(&events_tx, &control_rx));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "no input thread");
        }
        Input { events, control }
    }

    /// Stop reading the terminal; returns once the reader is parked.
    pub async fn pause(&self) {
        let (ack, done) = oneshot::channel();
        if self.control.send(Control::Pause(ack)).is_ok() {
            let _ = done.await;
        }
    }

    /// Read the terminal again.
    pub fn resume(&self) {
        let _ = self.control.send(Control::Resume);
    }
}

fn read(
    events: &mpsc::UnboundedSender<io::Result<TermEvent>>,
    control: &std_mpsc::Receiver<Control>,
) {
    loop {
        match control.try_recv() {
            Ok(Control::Pause(ack)) => {
                let _ = ack.send(());
                // Parked until resumed; a second pause is answered at once.
                loop {
                    match control.recv() {
                        Ok(Control::Resume) => break,
                        Ok(Control::Pause(ack)) => {
                            let _ = ack.send(());
                        }
                        Err(_) => return,
                    }
                }
            }
            Ok(Control::Resume) | Err(std_mpsc::TryRecvError::Empty) => {}
            Err(std_mpsc::TryRecvError::Disconnected) => return,
        }
        let event = match crossterm::event::poll(POLL) {
            Ok(true) => crossterm::event::read(),
            Ok(false) => continue,
            Err(e) => Err(e),
        };
        let failed = event.is_err();
        if events.send(event).is_err() || failed {
            return;
        }
    }
}
