//! Zendesk JSON → our handoff. The adapter writes a record in the import
//! format and hands it to `import::from_value`, so a synced ticket gets the
//! same validation, cleaning, note parsing and merge as an imported one.
//!
//! Where each part comes from (docs/zendesk.md):
//! - the custom field mapped as `handoff`: a JSON object in the import
//!   format (`summary`, `ai`, `customer`, `note`, `language`,
//!   `escalated_at`, `routing.skills`/`sla_due_at`);
//! - the fields mapped as `confidence`, `trigger` and `procedure`, and
//!   `ai_trigger_<trigger>` tags, for what that object lacks;
//! - the AI's note: its newest private comment (by a `bot_user_ids` user,
//!   else written through the API), parsed like an imported `note`;
//! - the requester and their organization: name, email, locale, and
//!   `plan`, `vip`, `at_risk`, `lifetime_value`, ... from their fields;
//! - status, priority, group, assignee, channel and the comments (the
//!   transcript) from the ticket itself.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::config::ZendeskConfig;
use super::model::{Comment, Organization, Ticket, User};
use crate::backend::record;
use crate::domain::handoff::{Priority, Trigger};
use crate::domain::sanitize::clean_line;
use crate::domain::verdict_marks::{self, MarkNote, Marks};

/// What our ids for Zendesk tickets start with.
pub const ID_PREFIX: &str = "zd-";

/// Our id for a ticket: `zd-<ticket id>`.
pub fn handoff_id(ticket: i64) -> String {
    format!("{ID_PREFIX}{ticket}")
}

/// The ticket id in one of our ids, if it is a Zendesk one.
pub fn ticket_id(handoff_id: &str) -> Option<i64> {
    handoff_id
        .strip_prefix(ID_PREFIX)
        .and_then(|n| n.parse().ok())
        .filter(|&n: &i64| n > 0)
}

/// What the store remembers of a ticket as written: its `updated_at` (a
/// refresh skips the ticket while it is the same), and the status,
/// assignee and group then, so a write can tell a colleague's change to
/// the same thing from an unrelated one.
pub fn version(t: &Ticket, views: &[i64]) -> String {
    let id = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
    let mut v = format!(
        "u={};s={};a={};g={}",
        // As Zendesk writes it: `updated_stamp` takes it back.
        t.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        t.status,
        id(t.assignee_id),
        id(t.group_id)
    );
    if !views.is_empty() {
        let list: Vec<String> = views.iter().map(i64::to_string).collect();
        v.push_str(&format!(";v={}", list.join(",")));
    }
    v
}

/// One part of a version string (`u`, `s`, `a`, `g`).
pub fn version_part<'v>(version: &'v str, key: &str) -> Option<&'v str> {
    version
        .split(';')
        .find_map(|p| p.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
}

/// Zendesk's status as ours: waiting on the customer or a third party
/// (`pending`, `hold`) is snoozed; `pending` here means the AI still holds
/// it, which a ticket never is.
pub fn status(zendesk: &str) -> &'static str {
    match zendesk {
        "pending" | "hold" => "snoozed",
        "solved" | "closed" => "resolved",
        _ => "open",
    }
}

/// Who the ticket's people are, and its groups, for one pull.
#[derive(Debug, Default)]
pub struct People {
    pub users: HashMap<i64, User>,
    pub organizations: HashMap<i64, Organization>,
    pub groups: HashMap<i64, String>,
}

impl People {
    fn name(&self, id: Option<i64>) -> Option<String> {
        let user = self.users.get(&id?)?;
        user.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| user.email.clone())
    }
}

/// A mapped ticket, and what could not be used.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub handoff: crate::domain::handoff::Handoff,
    pub warnings: Vec<String>,
}

/// The verdict tags and notes on a ticket: its tags, and the private
/// comments that carry our marker, whoever wrote them.
pub fn marks(t: &Ticket, comments: &[Comment], people: &People) -> Marks {
    let mut notes: Vec<MarkNote> = comments
        .iter()
        .filter(|c| !c.public && verdict_marks::has_marker(c.text()))
        .map(|c| MarkNote {
            author: people
                .name(c.author_id)
                .map(|n| clean_line(&n))
                .unwrap_or_else(|| "unknown".into()),
            at: c.created_at,
            text: c.text().to_string(),
        })
        .collect();
    notes.sort_by_key(|n| n.at);
    Marks {
        tags: t.tags.clone(),
        notes,
    }
}

/// The AI's users on a ticket: `bot_user_ids`, or (none configured) the
/// authors of private comments written through the API that are not our
/// verdict notes — how a bot with API access leaves its handoff note.
fn bots(comments: &[&Comment], cfg: &ZendeskConfig) -> HashSet<i64> {
    if !cfg.bot_user_ids.is_empty() {
        return cfg.bot_user_ids.iter().copied().collect();
    }
    comments
        .iter()
        .filter(|c| !c.public && c.channel() == Some("api") && !verdict_marks::has_marker(c.text()))
        .filter_map(|c| c.author_id)
        .collect()
}

/// The AI's handoff note: its newest private comment that is not one of
/// our verdict notes.
fn bot_note<'c>(comments: &[&'c Comment], bots: &HashSet<i64>) -> Option<&'c Comment> {
    comments
        .iter()
        .rev()
        .find(|c| {
            !c.public
                && c.author_id.is_some_and(|a| bots.contains(&a))
                && !verdict_marks::has_marker(c.text())
                && !c.text().trim().is_empty()
        })
        .copied()
}

/// Map one ticket and its comments (any order).
pub fn handoff(
    t: &Ticket,
    comments: &[Comment],
    people: &People,
    cfg: &ZendeskConfig,
    now: DateTime<Utc>,
) -> Result<Mapped, Vec<String>> {
    let mut warnings = Vec::new();
    let field = |id: Option<i64>| {
        let id = id?;
        t.custom_fields
            .iter()
            .find(|f| f.id == id)
            .map(|f| &f.value)
            .filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    };
    let label = |key: &str| format!("custom field {key} ({})", field_id(cfg, key));
    let object = match field(cfg.fields.handoff).map(record::object) {
        None => None,
        Some(Some(o)) => Some(o),
        Some(None) => {
            warnings.push(format!("{}: not a JSON object; ignored", label("handoff")));
            None
        }
    };
    let mut extra = Extra::default();
    if let Some(v) = field(cfg.fields.confidence) {
        match record::number(v).filter(|x| (0.0..=1.0).contains(x)) {
            Some(x) => extra.confidence = Some(x),
            None => warnings.push(format!(
                "{}: {} is not a number from 0 to 1; ignored",
                label("confidence"),
                record::quoted(v)
            )),
        }
    }
    if let Some(v) = field(cfg.fields.trigger) {
        match v.as_str().and_then(trigger) {
            Some(x) => extra.trigger = Some(x),
            None => warnings.push(format!(
                "{}: {} is not a trigger; ignored",
                label("trigger"),
                record::quoted(v)
            )),
        }
    }
    extra.trigger = extra
        .trigger
        .or_else(|| t.tags.iter().find_map(|tag| trigger_tag(tag)));
    extra.procedure = field(cfg.fields.procedure)
        .and_then(Value::as_str)
        .map(str::to_string);

    let mut sorted: Vec<&Comment> = comments.iter().collect();
    sorted.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let parts = Parts {
        t,
        bots: bots(&sorted, cfg),
        comments: &sorted,
        people,
        extra: &extra,
        now,
    };
    record::convert(
        |object| parts.record(object),
        object,
        &label("handoff"),
        warnings,
    )
    .map(|(handoff, warnings)| Mapped { handoff, warnings })
}

fn field_id(cfg: &ZendeskConfig, key: &str) -> String {
    let id = match key {
        "confidence" => cfg.fields.confidence,
        "trigger" => cfg.fields.trigger,
        "procedure" => cfg.fields.procedure,
        _ => cfg.fields.handoff,
    };
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// A trigger as a drop-down value or tag names it: `policy_exception`,
/// `ai_trigger_policy_exception`, `Policy-Exception`.
fn trigger(value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let v = v
        .strip_prefix("ai_trigger_")
        .or_else(|| v.strip_prefix("trigger_"))
        .unwrap_or(&v);
    Trigger::parse(v).map(Trigger::as_str)
}

/// `ai_trigger_low_confidence` (or `ai-trigger-…`) → `low_confidence`.
fn trigger_tag(tag: &str) -> Option<&'static str> {
    let t = tag.to_ascii_lowercase().replace('-', "_");
    t.starts_with("ai_trigger_").then(|| trigger(&t)).flatten()
}

/// The mapped custom fields and tags, used where the `handoff` object has
/// nothing.
#[derive(Debug, Default)]
struct Extra {
    confidence: Option<f64>,
    trigger: Option<&'static str>,
    procedure: Option<String>,
}

struct Parts<'a> {
    t: &'a Ticket,
    bots: HashSet<i64>,
    comments: &'a [&'a Comment],
    people: &'a People,
    extra: &'a Extra,
    now: DateTime<Utc>,
}

impl Parts<'_> {
    fn author(&self, c: &Comment) -> &'static str {
        if c.author_id.is_some_and(|a| self.bots.contains(&a)) {
            return "ai";
        }
        let user = c.author_id.and_then(|a| self.people.users.get(&a));
        match (c.author_id, user) {
            (Some(a), _) if Some(a) == self.t.requester_id => "customer",
            (_, Some(u)) if u.is_end_user() => "customer",
            (Some(_), Some(_)) => "agent",
            // An author we could not look up: the requester's side if
            // public and not an agent we know, else an agent's note.
            _ if c.public => "customer",
            _ => "agent",
        }
    }

    fn customer(&self) -> Map<String, Value> {
        let t = self.t;
        let requester = t.requester_id.and_then(|r| self.people.users.get(&r));
        let org = t
            .organization_id
            .or(requester.and_then(|u| u.organization_id))
            .and_then(|o| self.people.organizations.get(&o));
        let mut out = Map::new();
        let name = requester
            .and_then(|u| u.name.clone().filter(|n| !n.trim().is_empty()))
            .or_else(|| requester.and_then(|u| u.email.clone()))
            .or_else(|| t.requester_id.map(|id| format!("requester #{id}")))
            .unwrap_or_else(|| "unknown requester".into());
        out.insert("name".into(), Value::String(name));
        if let Some(email) = requester
            .and_then(|u| u.email.clone())
            .filter(|e| !e.is_empty())
        {
            out.insert("email".into(), Value::String(email));
        }
        // The person's own fields first, their organization's for the rest.
        let empty = Map::new();
        let user_fields = requester.map_or(&empty, |u| &u.user_fields);
        let org_fields = org.map_or(&empty, |o| &o.organization_fields);
        record::customer_attributes(org_fields, &mut out);
        record::customer_attributes(user_fields, &mut out);
        let tags = requester
            .map(|u| u.tags.as_slice())
            .unwrap_or_default()
            .iter()
            .chain(org.map(|o| o.tags.as_slice()).unwrap_or_default())
            .chain(&t.tags);
        for tag in tags {
            let flag = tag.to_ascii_lowercase().replace('-', "_");
            if flag == "vip" || flag == "at_risk" {
                record::add_flag(&mut out, &flag);
            }
        }
        out
    }

    /// The import record, with the `handoff` object's fields or without.
    fn record(&self, object: Option<&Map<String, Value>>) -> Value {
        let t = self.t;
        let note = bot_note(self.comments, &self.bots);
        let mut rec = Map::new();
        rec.insert("id".into(), Value::String(handoff_id(t.id)));
        rec.insert("created_at".into(), json!(t.created_at.to_rfc3339()));
        if let Some(ch) = t.via.as_ref().and_then(|v| v.channel.clone()) {
            rec.insert("channel".into(), Value::String(ch));
        }
        rec.insert("status".into(), Value::String(status(&t.status).into()));

        let escalated = note.map_or(t.created_at, |n| n.created_at).min(self.now);
        let mut given = record::Given {
            escalated_at: json!(escalated.to_rfc3339()),
            language: t
                .requester_id
                .and_then(|r| self.people.users.get(&r))
                .and_then(|u| u.locale.clone())
                .map(Value::String),
            customer: self.customer(),
            note: note.map(|n| n.text().to_string()),
            ..record::Given::default()
        };
        if let Some(name) = note.and_then(|n| self.people.name(n.author_id)) {
            given.ai.insert("agent".into(), Value::String(name));
        }
        if let Some(p) = &self.extra.procedure {
            given
                .ai
                .insert("procedure".into(), Value::String(p.clone()));
        }
        if let Some(c) = self.extra.confidence {
            given.summary.insert("confidence".into(), json!(c));
        }
        if let Some(trigger) = self.extra.trigger {
            given
                .summary
                .insert("escalation".into(), json!({ "trigger": trigger }));
        }
        if let Some(group) = t
            .group_id
            .and_then(|g| self.people.groups.get(&g))
            .filter(|g| !g.is_empty())
        {
            given
                .routing
                .insert("team".into(), Value::String(group.clone()));
        }
        let priority = t
            .priority
            .as_deref()
            .and_then(Priority::parse)
            .unwrap_or_default();
        given
            .routing
            .insert("priority".into(), json!(priority.as_str()));
        if let Some(a) = self.people.name(t.assignee_id) {
            given.routing.insert("assignee".into(), Value::String(a));
        }
        record::with_object(&mut rec, object, given);

        let transcript: Vec<Value> = self
            .comments
            .iter()
            .map(|c| {
                let text = if c.text().trim().is_empty() && !c.attachments.is_empty() {
                    format!("[{} attachment(s)]", c.attachments.len())
                } else {
                    c.text().to_string()
                };
                let mut m = json!({
                    "at": c.created_at.to_rfc3339(),
                    "author": self.author(c),
                    "text": text,
                    "private": !c.public,
                });
                if let (Some(name), Value::Object(o)) = (self.people.name(c.author_id), &mut m) {
                    o.insert("name".into(), Value::String(name));
                }
                m
            })
            .collect();
        rec.insert("transcript".into(), Value::Array(transcript));
        Value::Object(rec)
    }
}
