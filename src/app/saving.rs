//! Writes in flight, each by its own id: a write's `Saved` or failure ends
//! that write and no other, so a failed draft save or detail load never
//! clears "saving…" while a verdict is still on its way to the disk.

use std::collections::BTreeSet;

use super::effect::{Effect, WriteId};

#[derive(Debug, Clone, Default)]
pub struct Saving {
    next: u64,
    in_flight: BTreeSet<WriteId>,
}

impl Saving {
    /// Give each write among `effects` an id and count it in flight until
    /// its outcome comes back; other effects pass through.
    pub fn track(&mut self, mut effects: Vec<Effect>) -> Vec<Effect> {
        for effect in &mut effects {
            if let Some(done) = effect.done_mut() {
                done.write = Some(self.start());
            }
        }
        effects
    }

    /// A new write in flight.
    pub fn start(&mut self) -> WriteId {
        self.next += 1;
        let id = WriteId(self.next);
        self.in_flight.insert(id);
        id
    }

    /// `write` is durable or failed. False if it was not in flight.
    pub fn finish(&mut self, write: Option<WriteId>) -> bool {
        write.is_some_and(|id| self.in_flight.remove(&id))
    }

    /// How many writes are not yet durable.
    pub fn count(&self) -> usize {
        self.in_flight.len()
    }

    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }
}
