//! Storing records while another thread reads them: the reader parses and
//! hands records over in batches, the store writes them in one transaction,
//! kept only if the reader found every record good.

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use chrono::{DateTime, Utc};

use crate::domain::import::{ImportError, Imported, Warnings};
use crate::store::{ImportReport, Store, StoreError};

/// Records go to the writer in batches, and come back to the reading thread
/// to be freed there: one at a time, the threads woke each other for every
/// record, and freeing on the writer what the reader allocated made them
/// fight over the allocator's lock (a futex call and a context switch
/// each, ~15% of an import spent in the kernel).
const BATCH: usize = 64;
/// Batches parsed but not yet stored: enough to keep both threads busy, few
/// enough (~2 MB) not to matter.
const IN_FLIGHT: usize = 4;

/// How the reading thread ended.
pub enum ReadEnd {
    /// Every record read: how many, or every problem; and the unknown
    /// fields.
    Records(Result<usize, Vec<ImportError>>, Warnings),
    /// Not JSON Lines: read it again another way (see `import_again`).
    Again,
    /// Not readable, not UTF-8, or over the file limit: the reason.
    Unreadable(String),
}

type Records = Vec<Box<Imported>>;

/// Records on their way to the store. Once written and dropped, they go
/// back to the reading thread to be freed.
struct Batch {
    records: Records,
    back: Sender<Records>,
}

impl AsRef<[Box<Imported>]> for Batch {
    fn as_ref(&self) -> &[Box<Imported>] {
        &self.records
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // The reader gone (it has finished): freed here instead.
        let _ = self.back.send(std::mem::take(&mut self.records));
    }
}

/// The reading thread's end of the channel to the store.
pub struct Sink {
    batch: Records,
    batches: SyncSender<Batch>,
    back: Sender<Records>,
    written: Receiver<Records>,
}

impl Sink {
    /// Hand a good record to the store. False once the store has failed
    /// (it says why): reading can stop.
    pub fn push(&mut self, record: Box<Imported>) -> bool {
        self.batch.push(record);
        if self.batch.len() < BATCH {
            return true;
        }
        let full = Batch {
            records: std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH)),
            back: self.back.clone(),
        };
        if self.batches.send(full).is_err() {
            return false;
        }
        // Free what has been written, on this thread.
        self.written.try_iter().for_each(drop);
        true
    }

    /// Hand over what is left (unless the file turned out bad).
    pub fn finish(self, good: bool) {
        if good && !self.batch.is_empty() {
            // Unsent only if the store already failed, which it reports.
            let _ = self.batches.send(Batch {
                records: self.batch,
                back: self.back,
            });
        }
    }
}

/// Run `read` on a thread of its own, storing what it pushes into its
/// [`Sink`] as it goes; committed only if it ends with every record good.
pub fn store_while_reading(
    store: &mut Store,
    now: DateTime<Utc>,
    read: impl FnOnce(Sink) -> ReadEnd + Send,
) -> Result<(ReadEnd, Option<ImportReport>), StoreError> {
    let (batches, incoming) = sync_channel::<Batch>(IN_FLIGHT);
    let (back, written) = channel::<Records>();
    let sink = Sink {
        batch: Vec::with_capacity(BATCH),
        batches,
        back,
        written,
    };
    let mut end = None;
    let stored = std::thread::scope(|scope| {
        let reader = scope.spawn(move || read(sink));
        // Stores records until the reader is done, then keeps them only if
        // the reader found every record good.
        store.import_from(incoming, now, || {
            let finished = reader.join().unwrap_or_else(|_| {
                ReadEnd::Unreadable("the reading thread stopped unexpectedly".to_string())
            });
            let keep = matches!(finished, ReadEnd::Records(Ok(_), _));
            end = Some(finished);
            keep
        })
    })?;
    // `keep` always runs once the records are written.
    let end = end.unwrap_or_else(|| {
        ReadEnd::Unreadable("the reading thread stopped unexpectedly".to_string())
    });
    Ok((end, stored))
}
