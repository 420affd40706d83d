//! Reply and note drafts, saved as they are typed so a crash loses nothing.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Result, Store, to_ms};

impl Store {
    pub fn draft(&self, id: &str, kind: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text FROM drafts WHERE handoff_id = ?1 AND kind = ?2",
                params![id, kind],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Save the draft; an empty text removes it.
    pub fn save_draft(&self, id: &str, kind: &str, text: &str, at: DateTime<Utc>) -> Result<()> {
        if text.trim().is_empty() {
            self.conn.execute(
                "DELETE FROM drafts WHERE handoff_id = ?1 AND kind = ?2",
                params![id, kind],
            )?;
        } else {
            self.conn.execute(
                "INSERT INTO drafts (handoff_id, kind, text, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (handoff_id, kind) DO UPDATE SET text = excluded.text,
                    updated_at = excluded.updated_at",
                params![id, kind, text, to_ms(at)],
            )?;
        }
        Ok(())
    }
}
