//! The queue: one compact row per handoff, urgency ordering, SLA clocks and
//! sections. Rows are what lists and filters work on; full records load on demand.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::{Deref, Index};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use compact_str::CompactString;
use serde::{Serialize, Serializer};

use super::completeness;
use super::feedback::Verdict;
use super::filter::{Query, Viewer};
use super::handoff::{Handoff, Priority, Status, Trigger};

/// How close the SLA clock is to breaching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Breached,
    AtRisk,
    Ok,
    None,
}

/// Remaining time under which an SLA counts as at risk.
pub const AT_RISK_WINDOW: Duration = Duration::minutes(30);

impl SlaState {
    pub fn of(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> SlaState {
        match due {
            None => SlaState::None,
            Some(d) if d <= now => SlaState::Breached,
            Some(d) if d - now <= AT_RISK_WINDOW => SlaState::AtRisk,
            Some(_) => SlaState::Ok,
        }
    }
    /// The glyph the screens and the command line put before an SLA clock:
    /// `✖` breached, `▲` at risk (and nothing else means either).
    pub fn glyph(self) -> &'static str {
        match self {
            SlaState::Breached => "✖",
            SlaState::AtRisk => "▲",
            SlaState::Ok | SlaState::None => " ",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Breached => "breached",
            SlaState::AtRisk => "at_risk",
            SlaState::Ok => "ok",
            SlaState::None => "none",
        }
    }
}

/// One line of the queue: everything the list, ordering, routing and filters
/// need, and nothing more (the transcript and summary body stay in the store).
///
/// Held once per handoff, so it is kept small (about 170 bytes inline): names
/// that repeat across handoffs (plan, team, language, assignee, procedure,
/// skills) are shared [`Name`]s, short customer names live inline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRow {
    pub id: String,
    pub escalated_at: DateTime<Utc>,
    pub status: Status,
    pub priority: Priority,
    /// The earlier of the routing SLA and what the customer was promised.
    pub due_at: Option<DateTime<Utc>>,
    pub customer: CompactString,
    pub plan: Option<Name>,
    pub vip: bool,
    pub at_risk: bool,
    pub issue: Option<Box<str>>,
    pub team: Option<Name>,
    pub skills: Skills,
    pub language: Option<Name>,
    pub assignee: Option<Name>,
    pub confidence: Option<f64>,
    pub trigger: Option<Trigger>,
    pub procedure: Option<Name>,
    /// 0..=5 of the fields a usable note needs.
    pub completeness: u8,
    pub verdict: Option<Verdict>,
}

impl QueueRow {
    /// The earlier of the routing SLA and what the customer was promised.
    pub fn due_at_of(h: &Handoff) -> Option<DateTime<Utc>> {
        let promised = h.summary.promised.as_ref().and_then(|p| p.due_at);
        match (h.routing.sla_due_at, promised) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn from_handoff(h: &Handoff, verdict: Option<Verdict>) -> QueueRow {
        let due_at = QueueRow::due_at_of(h);
        let name = |s: &Option<String>| s.as_deref().map(Name::from);
        QueueRow {
            id: h.id.clone(),
            escalated_at: h.escalated_at,
            status: h.status,
            priority: h.routing.priority,
            due_at,
            customer: CompactString::from(h.customer.name.as_str()),
            plan: name(&h.customer.plan),
            vip: h.customer.has_flag("vip"),
            at_risk: h.customer.has_flag("at_risk"),
            issue: h.summary.issue.as_deref().map(Box::from),
            team: name(&h.routing.team),
            skills: Skills::from(h.routing.skills.as_slice()),
            language: name(&h.language),
            assignee: name(&h.routing.assignee),
            confidence: h.summary.confidence,
            trigger: h.summary.escalation.as_ref().map(|e| e.trigger),
            procedure: name(&h.ai.procedure),
            completeness: completeness::score(&h.summary),
            verdict,
        }
    }

    pub fn sla(&self, now: DateTime<Utc>) -> SlaState {
        if self.status == Status::Resolved {
            return SlaState::None;
        }
        SlaState::of(self.due_at, now)
    }

    /// 0 = most valuable customer. VIPs first, then enterprise, then paid plans.
    pub fn tier_rank(&self) -> u8 {
        if self.vip {
            return 0;
        }
        // Compared in place: this runs inside every sort comparison.
        let plan = self.plan.as_deref().unwrap_or("");
        let is = |name: &str| plan.eq_ignore_ascii_case(name);
        if is("enterprise") {
            1
        } else if self.at_risk {
            2
        } else if ["business", "pro", "premium", "team"].into_iter().any(is) {
            3
        } else {
            4
        }
    }

    pub fn is_open(&self) -> bool {
        self.status != Status::Resolved
    }
}

/// Urgency order: open before resolved; SLA breached, then at risk (soonest
/// due first); then priority, customer tier, and longest wait.
pub fn urgency(a: &QueueRow, b: &QueueRow, now: DateTime<Utc>) -> Ordering {
    let (sa, sb) = (a.sla(now), b.sla(now));
    b.is_open()
        .cmp(&a.is_open())
        .then(sa.cmp(&sb))
        .then_with(|| {
            if matches!(sa, SlaState::Breached | SlaState::AtRisk) {
                a.due_at.cmp(&b.due_at)
            } else {
                Ordering::Equal
            }
        })
        .then(a.priority.cmp(&b.priority))
        .then(a.tier_rank().cmp(&b.tier_rank()))
        .then(a.escalated_at.cmp(&b.escalated_at))
        .then_with(|| a.id.cmp(&b.id))
}

pub fn sort_by_urgency(rows: &mut [QueueRow], now: DateTime<Utc>) {
    // `urgency` is a total order (ids break ties), so an unstable sort gives
    // the same result without a buffer of half the rows.
    rows.sort_unstable_by(|a, b| urgency(a, b, now));
}

/// A prefix of what [`urgency`] compares, packed in a `u64` that orders the
/// same way: open, SLA state, then the due time (breached or at risk) or
/// priority, tier and wait. Times are whole milliseconds, so the key stops at
/// the first time it holds; equal keys go to [`urgency`] itself.
fn urgency_key(r: &QueueRow, now: DateTime<Utc>) -> u64 {
    // 42 bits of milliseconds reach the year 2109; earlier than 1970 is 0.
    let ms = |t: DateTime<Utc>| t.timestamp_millis().clamp(0, (1 << 42) - 1) as u64;
    let sla = r.sla(now);
    let head = (u64::from(!r.is_open()) << 63) | ((sla as u64) << 61);
    match sla {
        SlaState::Breached | SlaState::AtRisk => head | (r.due_at.map_or(0, ms) << 19),
        SlaState::Ok | SlaState::None => {
            head | ((r.priority as u64) << 59)
                | (u64::from(r.tier_rank()) << 56)
                | (ms(r.escalated_at) << 14)
        }
    }
}

/// Sort `order` (indices into `rows`) by urgency: the same order as
/// [`urgency`], mostly by comparing one integer per row. Nearly sorted
/// input, the usual case once a minute, costs about one comparison per row.
/// The keys take 8 bytes a row while sorting; a 40-byte key tuple took 4 MB
/// on 100k rows, which the allocator kept after it was freed.
pub fn sort_order(order: &mut [u32], rows: &Rows, now: DateTime<Utc>) {
    let keys: Vec<u64> = rows.iter().map(|r| urgency_key(r, now)).collect();
    let key = |i: u32| keys.get(i as usize).copied().unwrap_or(u64::MAX);
    // Sorted as (key, index) pairs, which compare without reading a row;
    // only runs of equal keys go to `urgency` (which reads two rows each).
    let mut pairs: Vec<(u64, u32)> = order.iter().map(|&i| (key(i), i)).collect();
    pairs.sort_unstable();
    let mut start = 0;
    while start < pairs.len() {
        let k = pairs[start].0;
        let end = start + pairs[start..].iter().take_while(|p| p.0 == k).count();
        if end - start > 1 {
            pairs[start..end]
                .sort_unstable_by(|a, b| urgency(&rows[a.1 as usize], &rows[b.1 as usize], now));
        }
        start = end;
    }
    for (slot, (_, i)) in order.iter_mut().zip(pairs) {
        *slot = i;
    }
}

/// Where `row` belongs in `order` (sorted by urgency at `now`): after every
/// row that comes before it.
pub fn insert_position(order: &[u32], rows: &Rows, row: &QueueRow, now: DateTime<Utc>) -> usize {
    order.partition_point(|&i| urgency(&rows[i as usize], row, now) == Ordering::Less)
}

/// The fields urgency order reads are the same in both rows.
pub fn same_urgency(a: &QueueRow, b: &QueueRow) -> bool {
    a.status == b.status
        && a.priority == b.priority
        && a.due_at == b.due_at
        && a.escalated_at == b.escalated_at
        && a.vip == b.vip
        && a.at_risk == b.at_risk
        && a.tier_rank() == b.tier_rank()
        && a.id == b.id
}

/// The fields routing reads are the same in both rows.
pub fn same_routing(a: &QueueRow, b: &QueueRow) -> bool {
    a.is_open() == b.is_open()
        && a.assignee == b.assignee
        && a.team == b.team
        && a.language == b.language
        && a.skills == b.skills
        && a.priority == b.priority
}

/// The sections shipped with the app. Each is a query in the filter's
/// language (see [`Builtin::query`]), so a saved section can do the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// Open handoffs assigned to me.
    Mine,
    /// Unassigned open handoffs in my teams.
    Unassigned,
    /// Every handoff, resolved ones last.
    All,
    /// Conversations the AI still holds (`pending`): not handed over yet, but
    /// worth a look before they are (a helpdesk's bot-owned state).
    BotHeld,
}

impl Builtin {
    pub const ALL: [Builtin; 4] = [
        Builtin::Mine,
        Builtin::Unassigned,
        Builtin::All,
        Builtin::BotHeld,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Builtin::Mine => "Mine",
            Builtin::Unassigned => "Team unassigned",
            Builtin::All => "All",
            Builtin::BotHeld => "Bot-held",
        }
    }
    /// The name the config file and `handoff queue --section` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Builtin::Mine => "mine",
            Builtin::Unassigned => "unassigned",
            Builtin::All => "all",
            Builtin::BotHeld => "bot_held",
        }
    }
    pub fn parse(name: &str) -> Option<Builtin> {
        let name = name.trim().to_lowercase().replace('-', "_");
        Builtin::ALL.into_iter().find(|b| b.as_str() == name)
    }
    /// What the section holds, in the filter's language.
    pub fn query(self) -> &'static str {
        match self {
            Builtin::Mine => "is:open assignee:me",
            // Pending conversations are still the AI's, not anyone's to take.
            Builtin::Unassigned => "is:open -status:pending assignee:none team:mine",
            Builtin::All => "",
            Builtin::BotHeld => "status:pending",
        }
    }
}

/// At most this many sections: keys 1-9 reach each one, and the tab line
/// and the per-row membership bits (`u16`) hold them all.
pub const MAX_SECTIONS: usize = 9;

/// A queue section (gh-dash style): a name and a saved query, matched for
/// the agent at the screen. The built-ins are sections like any other.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: String,
    /// The query as written (shown when the section is empty).
    pub query_text: String,
    pub query: Query,
    /// Which built-in this is, if any: its empty-queue text is more helpful
    /// than "Nothing matches".
    pub builtin: Option<Builtin>,
    /// For one of the helpdesk's own queues (a saved view): the handoffs it
    /// lists, as the last refresh said. Only those are in the section.
    pub listed: Option<Listed>,
}

/// The handoff ids a helpdesk lists in one of its own queues, shared with
/// the refresh that keeps them current (a section cannot tell from a row
/// whether the helpdesk lists it).
#[derive(Clone, Default)]
pub struct Listed(Arc<std::sync::RwLock<HashSet<String>>>);

impl Listed {
    pub fn new(ids: impl IntoIterator<Item = String>) -> Listed {
        let listed = Listed::default();
        listed.set(ids);
        listed
    }
    /// Replace the ids (after a refresh).
    pub fn set(&self, ids: impl IntoIterator<Item = String>) {
        let ids: HashSet<String> = ids.into_iter().collect();
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = ids;
    }
    pub fn has(&self, id: &str) -> bool {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(id)
    }
    pub fn len(&self) -> usize {
        self.0.read().unwrap_or_else(|e| e.into_inner()).len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The same listing, not equal contents: two sections share one refresh.
impl PartialEq for Listed {
    fn eq(&self, other: &Listed) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Listed({} ids)", self.len())
    }
}

impl Section {
    pub fn builtin(b: Builtin) -> Section {
        Section {
            name: b.title().to_string(),
            query_text: b.query().to_string(),
            // The built-in queries are fixed text, checked by a test.
            query: Query::parse(b.query()).unwrap_or_default(),
            builtin: Some(b),
            listed: None,
        }
    }

    /// Mine, Team unassigned, All, Bot-held: the sections without a config.
    pub fn builtins() -> Vec<Section> {
        Builtin::ALL.into_iter().map(Section::builtin).collect()
    }

    /// A saved section; `Err` says why `query` does not parse.
    pub fn saved(name: &str, query: &str) -> Result<Section, String> {
        Ok(Section {
            name: name.to_string(),
            query_text: query.trim().to_string(),
            query: Query::parse(query)?,
            builtin: None,
            listed: None,
        })
    }

    /// One of the helpdesk's own queues: what `listed` holds.
    pub fn listed(name: &str, listed: Listed) -> Section {
        Section {
            name: name.to_string(),
            query_text: String::new(),
            query: Query::default(),
            builtin: None,
            listed: Some(listed),
        }
    }

    pub fn contains<'v>(
        &self,
        row: &QueueRow,
        me: impl Into<Viewer<'v>>,
        now: DateTime<Utc>,
    ) -> bool {
        self.listed.as_ref().is_none_or(|l| l.has(&row.id)) && self.query.matches(row, me, now)
    }

    /// The label when room is short ("Team" for Team unassigned).
    pub fn short_title(&self) -> &str {
        match self.builtin {
            Some(Builtin::Unassigned) if self.name == Builtin::Unassigned.title() => "Team",
            _ => &self.name,
        }
    }

    /// Whether the queue should show who owns each row: not when every row
    /// is necessarily mine.
    pub fn shows_owner(&self) -> bool {
        !self.query.only_mine()
    }

    /// A section name as compared: case, surrounding space and `-`/`_`/
    /// space differences ignored ("Bot-held" is "bot_held").
    pub fn key(name: &str) -> String {
        name.trim().to_lowercase().replace(['-', ' '], "_")
    }

    /// The section of `list` called `name` (case and `-`/`_` ignored), or
    /// the built-in of that name when the list does not have it.
    pub fn find(list: &[Section], name: &str) -> Option<Section> {
        let want = Section::key(name);
        list.iter()
            .find(|s| Section::key(&s.name) == want)
            .or_else(|| {
                let b = Builtin::parse(name)?;
                list.iter().find(|s| s.builtin == Some(b))
            })
            .cloned()
            .or_else(|| Builtin::parse(name).map(Section::builtin))
    }
}

/// Compact clock text: "-1h05" when breached by 1h05, "25m" left, "3d" left.
pub fn clock(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(due) = due else {
        return "—".to_string();
    };
    let secs = (due - now).num_seconds();
    let sign = if secs < 0 { "-" } else { "" };
    format!("{sign}{}", short_duration(secs.unsigned_abs()))
}

/// "45s", "12m", "1h05", "3d4h".
pub fn short_duration(secs: u64) -> String {
    let m = secs / 60;
    let h = m / 60;
    let d = h / 24;
    if secs < 60 {
        format!("{secs}s")
    } else if m < 60 {
        format!("{m}m")
    } else if h < 24 {
        format!("{h}h{:02}", m % 60)
    } else {
        format!("{d}d{}h", h % 24)
    }
}

/// A short name many handoffs share (a team, plan, language, assignee or
/// procedure). One pointer wide; reads as a `&str`; equal by content.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<NameText>);

#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
struct NameText {
    text: Box<str>,
    /// Lower case without accents, when that differs from `text` and is not
    /// plain ASCII already: worked out once per name, not once per row the
    /// filter reads it in.
    folded: Option<Box<str>>,
}

impl Name {
    fn new(text: Box<str>) -> Name {
        let folded = super::filter::fold(&text);
        Name(Arc::new(NameText { text, folded }))
    }

    pub fn as_str(&self) -> &str {
        self
    }

    /// The text the filter matches words against (see [`super::filter`]).
    pub fn search_text(&self) -> &str {
        self.0.folded.as_deref().unwrap_or(&self.0.text)
    }

    /// Where the shared text lives: the same for every copy of this name,
    /// for as long as one is alive.
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0.text
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(Box::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::new(s.into_boxed_str())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// A handoff's required skills: a shared list, one pointer wide.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Skills(Arc<Vec<Name>>);

impl Deref for Skills {
    type Target = [Name];
    fn deref(&self) -> &[Name] {
        &self.0
    }
}

impl<S: AsRef<str>> From<&[S]> for Skills {
    fn from(list: &[S]) -> Skills {
        Skills(Arc::new(
            list.iter().map(|s| Name::from(s.as_ref())).collect(),
        ))
    }
}

impl fmt::Debug for Skills {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Skills {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Hands out one shared [`Name`] per distinct text while a queue loads, so
/// 100k handoffs in five teams hold five team names, not 100k copies.
#[derive(Debug, Default)]
pub struct Interner {
    names: HashMap<Box<str>, Name, Quick>,
    skills: HashMap<Box<str>, Skills, Quick>,
}

/// A hasher for the interner's short keys (team, plan, agent names): six
/// lookups a row while 100k rows load, where SipHash's care against
/// crafted keys costs more than the lookups themselves. The keys are a
/// store's own handful of names, looked up, never grown without bound by
/// a stranger (customer text is not interned).
#[derive(Debug, Default, Clone, Copy)]
pub struct Quick;

impl std::hash::BuildHasher for Quick {
    type Hasher = QuickHasher;
    fn build_hasher(&self) -> QuickHasher {
        QuickHasher(0xcbf2_9ce4_8422_2325)
    }
}

/// FNV-1a, eight bytes at a time.
#[derive(Debug)]
pub struct QuickHasher(u64);

impl std::hash::Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0x0100_0000_01b3);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

impl Interner {
    pub fn name(&mut self, text: &str) -> Name {
        if let Some(n) = self.names.get(text) {
            return n.clone();
        }
        let n = Name::from(text);
        self.names.insert(Box::from(text), n.clone());
        n
    }

    /// `key` identifies the list (its stored text); `parse` builds it once.
    pub fn skills(&mut self, key: &str, parse: impl FnOnce() -> Vec<String>) -> Skills {
        if let Some(s) = self.skills.get(key) {
            return s.clone();
        }
        let list: Vec<Name> = parse().iter().map(|s| self.name(s)).collect();
        let skills = Skills(Arc::new(list));
        self.skills.insert(Box::from(key), skills.clone());
        skills
    }
}

/// Rows per chunk of [`Rows`]: small enough that copying one on write is
/// cheap (~0.1 ms), large enough that a snapshot is a few dozen pointers.
const CHUNK: usize = 1024;

/// Every handoff's row, in load order, shared in chunks: a clone (a snapshot
/// for the filter worker) copies pointers, not rows, and changing a row copies
/// at most its chunk, and only while a snapshot still holds it.
#[derive(Clone, Default)]
pub struct Rows {
    chunks: Vec<Arc<Vec<QueueRow>>>,
    len: usize,
}

impl Rows {
    pub fn new() -> Rows {
        Rows::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&QueueRow> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    /// The row to change in place (its chunk is copied first if shared).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut QueueRow> {
        let chunk = self.chunks.get_mut(i / CHUNK)?;
        Arc::make_mut(chunk).get_mut(i % CHUNK)
    }

    /// Append a row; returns its index.
    pub fn push(&mut self, row: QueueRow) -> usize {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(row),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(row);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
        self.len - 1
    }

    pub fn iter(&self) -> impl Iterator<Item = &QueueRow> + Clone + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Whether both hold the very same rows (one is a clone of the other,
    /// neither changed since): a pointer comparison per chunk.
    pub fn same(&self, other: &Rows) -> bool {
        self.len == other.len
            && self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|(a, b)| Arc::ptr_eq(a, b))
    }

    /// The index of the row with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.iter().position(|r| r.id == id)
    }

    /// `position` of each of `ids` that is here, in one pass over the rows
    /// however many ids there are.
    pub fn positions<'a>(&self, ids: &'a [String]) -> HashMap<&'a str, usize> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut found = HashMap::with_capacity(wanted.len());
        for (i, row) in self.iter().enumerate() {
            if found.len() == wanted.len() {
                break;
            }
            if let Some(&id) = wanted.get(row.id.as_str()) {
                found.entry(id).or_insert(i);
            }
        }
        found
    }
}

impl From<Vec<QueueRow>> for Rows {
    fn from(rows: Vec<QueueRow>) -> Rows {
        let len = rows.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut rest = rows.into_iter();
        loop {
            let chunk: Vec<QueueRow> = rest.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(Arc::new(chunk));
        }
        Rows { chunks, len }
    }
}

impl FromIterator<QueueRow> for Rows {
    fn from_iter<I: IntoIterator<Item = QueueRow>>(iter: I) -> Rows {
        Rows::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Index<usize> for Rows {
    type Output = QueueRow;
    fn index(&self, i: usize) -> &QueueRow {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.len == other.len
            && (self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|(a, b)| Arc::ptr_eq(a, b))
                || self.iter().eq(other.iter()))
    }
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rows({} rows)", self.len)
    }
}
