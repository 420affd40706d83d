//! One refresh, the same for every helpdesk: read what the store holds of
//! it, let the adapter pull, then write everything pulled in one
//! transaction — handoffs, who I am and my teams, the helpdesk's teams, the
//! time. A failed pull writes nothing; a conversation the agent changed
//! since the pull began is left for the next one.

use chrono::{DateTime, Utc};

use super::{Ask, BackendError, Desk, Helpdesk, Known, Pulled, SyncReport};
use crate::domain::agent::Agent;
use crate::store::{Store, StoreError};

/// The store's `meta` key `what` of helpdesk `name` ("<name>.last_sync").
pub fn meta_key(name: &str, what: &str) -> String {
    format!("{name}.{what}")
}

/// When a refresh of helpdesk `name` last succeeded.
pub fn last_sync(store: &Store, name: &str) -> Option<DateTime<Utc>> {
    store
        .meta(&meta_key(name, LAST_SYNC))
        .ok()
        .flatten()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Who helpdesk `name` said I am at the last refresh: "Mine" is theirs
/// unless the user names someone else.
pub fn me_name(store: &Store, name: &str) -> Result<Option<String>, StoreError> {
    store.meta(&meta_key(name, ME_NAME))
}

/// My id in helpdesk `name`, as its last refresh said.
pub fn me_id(store: &Store, name: &str) -> Result<Option<String>, StoreError> {
    store.meta(&meta_key(name, ME_ID))
}

const LAST_SYNC: &str = "last_sync";
const ME_ID: &str = "me_id";
const ME_NAME: &str = "me_name";

/// What the store holds of helpdesk `name`.
pub fn known(store: &Store, name: &str) -> Result<Known, StoreError> {
    let (versions, unsent) = store.mirror_state(name)?;
    Ok(Known { versions, unsent })
}

/// Pull from `helpdesk` (set up as `desk`) into `store`: everything with
/// `full`, else what changed since the last refresh.
pub async fn refresh(
    desk: &Desk,
    helpdesk: &dyn Helpdesk,
    store: &mut Store,
    full: bool,
    now: DateTime<Utc>,
) -> Result<SyncReport, BackendError> {
    let name = desk.name();
    let known = known(store, name)?;
    let ask = Ask {
        known: &known,
        since: if full { None } else { last_sync(store, name) },
        history_since: now - desk.history,
        now,
    };
    let pulled = helpdesk.pull(ask).await?;
    Ok(write(store, name, pulled, now)?)
}

/// Write one pull, all of it or nothing.
pub fn write(
    store: &mut Store,
    name: &str,
    pulled: Pulled,
    now: DateTime<Utc>,
) -> Result<SyncReport, StoreError> {
    let Pulled {
        me,
        my_teams,
        all_teams,
        writes,
        mut report,
        views,
    } = pulled;
    let written = store.write_synced(name, &writes, now)?;
    report.new = written.inserted;
    report.updated = written.updated;
    report.held += written.held;
    report.at = now;
    // Me as a routing agent, so "Team unassigned" knows my teams.
    let existing = store.agents()?.into_iter().find(|a| a.name == me.name);
    let mut agent = existing.unwrap_or(Agent {
        name: me.name.clone(),
        teams: Vec::new(),
        skills: Vec::new(),
        languages: Vec::new(),
        capacity: 8,
    });
    agent.teams = my_teams;
    store.upsert_agents(&[agent])?;
    // Every team of the helpdesk, for the team picker (moving a handoff to
    // a team nobody here belongs to is the point of it).
    store.set_known_teams(&all_teams)?;
    super::views::store(store, name, &views)?;
    store.set_meta(&meta_key(name, ME_ID), &me.id)?;
    store.set_meta(&meta_key(name, ME_NAME), &me.name)?;
    store.set_meta(&meta_key(name, LAST_SYNC), &now.to_rfc3339())?;
    report.me = me.name;
    Ok(report)
}
