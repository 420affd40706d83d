//! Moving handoffs between teams, and the teams the store knows of (for the
//! team picker). Kept apart from `handoffs` so the queue index code can
//! change without touching this.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Result, Store, parse_list};
use crate::domain::change::Change;
use crate::domain::handoff::Handoff;
use crate::domain::sanitize;

/// `meta` key: team names a helpdesk listed (JSON array), so teams nobody
/// here belongs to and no synced handoff carries can still be picked.
const KNOWN_TEAMS: &str = "teams";

impl Store {
    /// Move a handoff to `team` (`None`: no team), in one transaction with
    /// its activity record and, for a mirrored handoff, its outbox row. The
    /// assignee is left as is: the helpdesk decides whether it follows.
    pub fn assign_team(
        &mut self,
        id: &str,
        team: Option<&str>,
        agent: &str,
        at: DateTime<Utc>,
    ) -> Result<Handoff> {
        // A name typed on the command line is as untrusted as an import.
        let team = team.map(sanitize::clean_line).filter(|t| !t.is_empty());
        let remote = Change::Team {
            team: team.clone(),
            agent: agent.to_string(),
        };
        self.modify(id, agent, "team", at, remote, |h| {
            let from = std::mem::replace(&mut h.routing.team, team.clone());
            json!({ "team": team, "from": from })
        })
    }

    /// Every team the store knows: the agents', the handoffs' and those a
    /// helpdesk listed. One spelling each (case ignored, as routing does),
    /// sorted by name.
    pub fn teams(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = Vec::new();
        for agent in self.agents()? {
            names.extend(agent.teams);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT team FROM handoffs WHERE team IS NOT NULL")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for name in rows {
            names.push(name?);
        }
        if let Some(listed) = self.meta(KNOWN_TEAMS)? {
            names.extend(parse_list(&listed));
        }
        Ok(unique_teams(names))
    }

    /// Remember the teams a helpdesk lists (replacing the last list).
    pub fn set_known_teams(&self, names: &[String]) -> Result<()> {
        let clean: Vec<String> = names.iter().map(|n| sanitize::clean_line(n)).collect();
        self.set_meta(KNOWN_TEAMS, &super::json_list(&unique_teams(clean)))
    }
}

/// Sorted, blank names dropped, one per case-insensitive name (the first
/// spelling seen wins).
fn unique_teams(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut by_key: BTreeMap<String, String> = BTreeMap::new();
    for name in names {
        let name = name.trim().to_string();
        if name.is_empty() {
            continue;
        }
        by_key.entry(name.to_lowercase()).or_insert(name);
    }
    by_key.into_values().collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::agent::Agent;
    use crate::domain::handoff::{Customer, Routing, Status, Summary};
    use crate::domain::import::Imported;
    use crate::store::{Destination, StoreError};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn item(id: &str, team: Option<&str>) -> Imported {
        Imported {
            raw: String::new(),
            handoff: Handoff {
                id: id.into(),
                created_at: None,
                escalated_at: now(),
                channel: None,
                language: Some("en".into()),
                status: Status::Open,
                customer: Customer {
                    name: "Ada".into(),
                    ..Customer::default()
                },
                ai: Default::default(),
                summary: Summary::default(),
                note: None,
                routing: Routing {
                    team: team.map(str::to_string),
                    ..Routing::default()
                },
                transcript: vec![],
            },
        }
    }

    fn store() -> Result<Store> {
        let mut s = Store::open_in_memory()?;
        s.import(&[item("H1", Some("billing")), item("H2", None)], now())?;
        Ok(s)
    }

    fn team_of(s: &Store, id: &str) -> Option<String> {
        s.queue_row(id)
            .ok()
            .flatten()
            .and_then(|r| r.team.map(|t| t.to_string()))
    }

    fn activity(s: &Store) -> Vec<(String, String)> {
        let mut stmt = match s
            .conn
            .prepare("SELECT kind, detail FROM activity ORDER BY seq")
        {
            Ok(stmt) => stmt,
            Err(e) => panic!("{e}"),
        };
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .unwrap_or_default()
    }

    #[test]
    fn moving_changes_the_team_and_records_where_it_came_from() -> Result<()> {
        let mut s = store()?;
        let h = s.assign_team("H1", Some("orders"), "Maya", now())?;
        assert_eq!(h.routing.team.as_deref(), Some("orders"));
        assert_eq!(team_of(&s, "H1").as_deref(), Some("orders"));
        // The full record says the same as the index.
        let stored = s.handoff("H1")?.and_then(|h| h.routing.team);
        assert_eq!(stored.as_deref(), Some("orders"));
        let log = activity(&s);
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].0, "team");
        let detail: serde_json::Value = serde_json::from_str(&log[0].1).unwrap_or_default();
        assert_eq!(detail, json!({ "team": "orders", "from": "billing" }));
        Ok(())
    }

    #[test]
    fn moving_back_and_to_no_team() -> Result<()> {
        let mut s = store()?;
        s.assign_team("H2", Some("orders"), "Maya", now())?;
        assert_eq!(team_of(&s, "H2").as_deref(), Some("orders"));
        s.assign_team("H2", None, "Maya", now())?;
        assert_eq!(team_of(&s, "H2"), None);
        // A blank name means no team, not "".
        s.assign_team("H1", Some(" \t "), "Maya", now())?;
        assert_eq!(team_of(&s, "H1"), None);
        Ok(())
    }

    #[test]
    fn an_unknown_handoff_is_refused_and_nothing_is_logged() -> Result<()> {
        let mut s = store()?;
        let err = s.assign_team("nope", Some("orders"), "Maya", now());
        assert!(matches!(err, Err(StoreError::NotFound(_))));
        assert!(activity(&s).is_empty());
        Ok(())
    }

    #[test]
    fn a_mirrored_handoff_enqueues_one_team_change() -> Result<()> {
        let mut s = store()?;
        s.set_helpdesk(Some(Destination {
            name: "helpdesk".into(),
            hold: std::time::Duration::from_secs(10),
        }));
        s.write_synced(
            "helpdesk",
            &[crate::store::SyncWrite {
                imported: item("cw-7", Some("billing")),
                version: "v1".into(),
                marks: Default::default(),
            }],
            now(),
        )?;
        s.assign_team("cw-7", Some("orders"), "Maya", now())?;
        // Local-only handoffs never reach the helpdesk.
        s.assign_team("H1", Some("orders"), "Maya", now())?;
        let rows = s.outbox_unsent()?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].handoff_id, "cw-7");
        assert_eq!(rows[0].kind, "change.team");
        let change: Change =
            serde_json::from_str(&rows[0].payload).unwrap_or_else(|e| panic!("payload: {e}"));
        assert_eq!(
            change,
            Change::Team {
                team: Some("orders".into()),
                agent: "Maya".into()
            }
        );
        Ok(())
    }

    #[test]
    fn teams_come_from_agents_handoffs_and_the_helpdesk() -> Result<()> {
        let mut s = store()?;
        s.upsert_agents(&[Agent {
            name: "Maya".into(),
            teams: vec!["Access".into(), "billing".into()],
            skills: vec![],
            languages: vec![],
            capacity: 5,
        }])?;
        assert_eq!(s.teams()?, ["Access", "billing"]);
        s.set_known_teams(&["Enterprise".into(), "BILLING".into(), " ".into()])?;
        assert_eq!(s.teams()?, ["Access", "billing", "Enterprise"]);
        Ok(())
    }
}
