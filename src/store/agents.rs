//! The people and teams work is routed to.

use rusqlite::params;

use super::{Result, Store, json_list, parse_list};
use crate::domain::agent::Agent;

impl Store {
    pub fn agents(&self) -> Result<Vec<Agent>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, teams, skills, languages, capacity FROM agents ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            let teams: String = r.get(1)?;
            let skills: String = r.get(2)?;
            let languages: String = r.get(3)?;
            Ok(Agent {
                name: r.get(0)?,
                teams: parse_list(&teams),
                skills: parse_list(&skills),
                languages: parse_list(&languages),
                capacity: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn upsert_agents(&mut self, agents: &[Agent]) -> Result<()> {
        let tx = self.conn.transaction()?;
        // Routing and "my teams" read the agents: a watcher reloads them.
        let seq = super::changes::next(&tx)?;
        for a in agents {
            tx.execute(
                "INSERT INTO agents (name, teams, skills, languages, capacity)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (name) DO UPDATE SET teams = excluded.teams,
                    skills = excluded.skills, languages = excluded.languages,
                    capacity = excluded.capacity",
                params![
                    a.name,
                    json_list(&a.teams),
                    json_list(&a.skills),
                    json_list(&a.languages),
                    a.capacity
                ],
            )?;
        }
        tx.commit()?;
        self.written = seq;
        Ok(())
    }

    /// Remove everything (for `demo --reset`). The change counter is kept
    /// and moved on, so a workspace watching the store reloads.
    pub fn clear(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM feedback; DELETE FROM activity; DELETE FROM outbox;
             DELETE FROM drafts; DELETE FROM handoffs; DELETE FROM agents;
             DELETE FROM meta WHERE key NOT IN ('schema_version', 'change_seq');",
        )?;
        super::changes::cleared(&tx)?;
        tx.commit()?;
        Ok(())
    }
}
