//! Opening the workspace: read the config, set up the helpdesk, resolve
//! paths and identity, open the store, seed the demo on first run. Shared by
//! the full screen and every subcommand; `check` is `handoff config check`.

pub mod check;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::backend::{self, Desk};
use crate::config::{self, Config, ConfigError, Problem};
use crate::domain::demo;
use crate::domain::sanitize::clean_line;
use crate::store::{Check, Destination, ImportReport, PendingCheck, Routing, Store, StoreError};

#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    pub data_dir: PathBuf,
    pub database: PathBuf,
    pub log: PathBuf,
}

/// What the command line said about where things are and who is working.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub data_dir: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub agent: Option<String>,
    /// Look, change nothing: the database is opened read-only.
    pub read_only: bool,
    /// A config file that does not parse opens with defaults, its problem
    /// kept in `config.problems` (the full screen shows it) instead of failing.
    pub lenient_config: bool,
    /// Check the store on a thread of its own: the caller draws its first
    /// frame meanwhile and calls [`Workspace::checked`] before any write.
    pub check_later: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo data: {0}")]
    Demo(String),
    #[error(
        "the agent name (--agent, HANDOFF_AGENT or `agent` in the config) is empty once control characters are removed"
    )]
    Agent,
    #[error(
        "the config file has {} (the full screen opens despite them; scripts stop):\n{}",
        count(.0.len()), lines(.0)
    )]
    Problems(Vec<Problem>),
}

fn count(n: usize) -> String {
    format!("{n} problem{}", if n == 1 { "" } else { "s" })
}

fn lines(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

pub struct Workspace {
    pub read_only: bool,
    pub paths: Paths,
    pub config: Config,
    /// The helpdesk this workspace mirrors (`[backend] kind`), if any.
    pub desk: Option<Desk>,
    pub agent: String,
    /// Where `agent` came from when nobody said (`--agent`, config `agent`,
    /// a helpdesk's token): the login name. The screen then says how to set it.
    pub agent_guessed: bool,
    pub store: Store,
    /// The store's quick check, with `check_later` (see [`Workspace::checked`]).
    check: Option<PendingCheck>,
}

/// The data dir, the database with its journals, and the log are the
/// user's alone; ones left open to others are closed, and the log says so.
/// A failure to write that note is no reason to stop working.
fn keep_private(paths: &Paths) {
    let mut files = vec![paths.data_dir.clone(), paths.database.clone()];
    for journal in ["-wal", "-shm"] {
        let mut name = paths.database.clone().into_os_string();
        name.push(journal);
        files.push(PathBuf::from(name));
    }
    files.push(paths.log.clone());
    let changed: Vec<String> = files
        .iter()
        .filter_map(|f| crate::private::tighten(f))
        .map(|what| format!("permissions: {what}"))
        .collect();
    let _ = crate::private::note(&paths.log, &changed);
}

/// When the demo team's history is written, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    Now,
    /// Left due, for [`Workspace::write_history`] or a thread to write.
    Later,
    /// Only the live demo: a clean slate for trying verdicts and figures.
    Never,
}

/// Marks a store that holds data on purpose (imported or seeded), so the demo
/// is never mixed into a real workspace.
const INITIALISED: &str = "initialised_at";
/// Marks a store the demo was seeded into.
pub const DEMO: &str = "demo_seeded_at";
/// The demo team's eight weeks of history: `due` from the demo's seeding
/// until they are written (after the first frame, on a first run), then
/// `written`.
const HISTORY: &str = "demo_history";

/// Who is at the keyboard when nobody said: the login name.
fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .find_map(|k| {
            let name = clean_line(&std::env::var(k).ok()?);
            (!name.trim().is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "me".to_string())
}

impl Workspace {
    /// Open the workspace. With `seed`, an empty, never-used store gets the
    /// demo workspace.
    pub fn open(opts: &Options, seed: bool, now: DateTime<Utc>) -> Result<Workspace, OpenError> {
        let config_path = opts
            .config
            .clone()
            .unwrap_or_else(config::default_config_path);
        let required = opts.config.is_some();
        let mut config = if opts.lenient_config {
            // Keep what parses; the screen lists the rest.
            match Config::read_text(&config_path, required) {
                Ok(Some(text)) => config::check::salvage(&config_path, &text).0,
                Ok(None) => Config::default(),
                Err(e) => Config {
                    problems: vec![Problem::from_error(&e)],
                    ..Config::default()
                },
            }
        } else {
            Config::load(&config_path, required)?
        };
        let desk = open_desk(&mut config, &config_path, opts.lenient_config)?;
        if !opts.lenient_config {
            // What the full screen would show and go on without (a theme,
            // keys, sections): a script stops on it, with every problem.
            let themes = config::themes_dir(&config_path);
            let problems = check::check_text(&config_path, &config.text, Some(&themes));
            if !problems.is_empty() {
                return Err(OpenError::Problems(problems));
            }
        }
        let data_dir = opts
            .data_dir
            .clone()
            .or_else(|| config.data_dir.clone())
            .unwrap_or_else(config::default_data_dir);
        let paths = Paths {
            database: data_dir.join(config::DATABASE_FILE),
            log: data_dir.join(config::LOG_FILE),
            config: config_path,
            data_dir,
        };
        let (mut store, check) = if opts.read_only {
            (Store::open_read_only(&paths.database)?, None)
        } else {
            let when = if opts.check_later {
                Check::Later
            } else {
                Check::Now
            };
            let opened = Store::open_checked(&paths.database, when)?;
            keep_private(&paths);
            opened
        };
        // Every verdict written through this workspace is enqueued for these.
        store.set_destinations(
            config
                .webhook
                .iter()
                .map(|w| Destination {
                    name: crate::outbox::WEBHOOK.to_string(),
                    hold: w.hold(),
                })
                .collect(),
        );
        // A helpdesk's changes are enqueued for it in the change's transaction.
        if let Some(desk) = desk.as_ref().filter(|_| !opts.read_only) {
            store.set_helpdesk(Some(Destination {
                name: desk.name().to_string(),
                hold: desk.timing().hold,
            }));
        }
        // With a helpdesk, "Mine" is whoever its token belongs to (learnt at
        // the first sync) unless the user says otherwise.
        let synced_me = match &desk {
            Some(desk) => backend::sync::me_name(&store, desk.name())?,
            None => None,
        };
        // Who "Mine" is goes into the store with every verdict and comes
        // back out in exports and on screen: cleaned like customer text.
        let named = opts
            .agent
            .clone()
            .or_else(|| config.agent.clone())
            .or(synced_me)
            .map(|a| clean_line(&a));
        if named.as_deref().is_some_and(str::is_empty) {
            return Err(OpenError::Agent);
        }
        let mut ws = Workspace {
            read_only: opts.read_only,
            paths,
            config,
            desk,
            agent: named.clone().unwrap_or_default(),
            agent_guessed: false,
            store,
            check,
        };
        // A helpdesk workspace holds the helpdesk's data, never the demo.
        let seed = seed && !opts.read_only && ws.desk.is_none();
        if seed && ws.store.meta(INITIALISED)?.is_none() && ws.store.count()? == 0 {
            ws.checked()?;
            // The full screen draws the live demo first; the history follows
            // on a connection of its own, as another process's write would.
            if opts.check_later {
                ws.seed(None, History::Later, now)?;
                ws.write_history_later(now);
            } else {
                ws.seed(None, History::Now, now)?;
            }
        } else if seed && ws.history_due()? {
            // A first run that ended before its history was written.
            ws.checked()?;
            ws.write_history(now)?;
        }
        // Nobody said who is working: the demo's own agent in the demo,
        // else the login name, never the demo's persona on real data. (A
        // helpdesk names its token's owner at the first sync; until then it
        // keeps the old default, which its sync code relies on.)
        if named.is_none() {
            if ws.desk.is_some() || ws.holds_demo()? {
                ws.agent = demo::DEFAULT_AGENT.to_string();
            } else {
                ws.agent = login_name();
                ws.agent_guessed = true;
            }
        }
        Ok(ws)
    }

    /// Run the store's quick check if it is still to run: a damaged
    /// store is an error here, before anything is written to it.
    pub fn checked(&mut self) -> Result<(), StoreError> {
        self.check.take().map_or(Ok(()), PendingCheck::wait)
    }

    /// The store's quick check if it is still to run, for a caller that
    /// waits for it its own way (the full screen draws meanwhile).
    pub fn take_check(&mut self) -> Option<PendingCheck> {
        self.check.take()
    }

    /// Whether the store holds the demo workspace (seeded here, or by a
    /// version from before that was noted: its agents are the demo's).
    pub fn holds_demo(&self) -> Result<bool, StoreError> {
        if self.store.meta(DEMO)?.is_some() {
            return Ok(true);
        }
        Ok(self
            .store
            .agents()?
            .iter()
            .any(|a| a.name == demo::DEFAULT_AGENT))
    }

    /// Replace nothing, add the demo with its team's eight weeks of history
    /// (or `count` generated handoffs) and its agents.
    pub fn seed_demo(
        &mut self,
        count: Option<usize>,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, OpenError> {
        self.seed(count, History::Now, now)
    }

    /// [`Workspace::seed_demo`], with its team's history written now, left
    /// due (for a thread to write), or left out.
    pub fn seed(
        &mut self,
        count: Option<usize>,
        history: History,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, OpenError> {
        let items = match count {
            None => demo::workspace(now),
            Some(n) => demo::generate(n, now, 42),
        }
        .map_err(OpenError::Demo)?;
        // `--count 0` seeds nothing: an empty store of your own, not the demo.
        if count == Some(0) {
            self.mark_initialised(now)?;
            return Ok(ImportReport::default());
        }
        let agents = demo::agents().map_err(OpenError::Demo)?;
        self.store.upsert_agents(&agents)?;
        let mut report = self.store.import(&items, now)?;
        if count.is_none() && history != History::Never {
            self.store.set_meta(HISTORY, "due")?;
        }
        self.mark_initialised(now)?;
        self.store.set_meta(DEMO, &now.to_rfc3339())?;
        if count.is_none() && history == History::Now {
            let past = self.write_history(now)?;
            report.inserted += past.inserted;
            report.updated += past.updated;
        }
        Ok(report)
    }

    fn history_due(&self) -> Result<bool, StoreError> {
        Ok(self.store.meta(HISTORY)?.as_deref() == Some("due"))
    }

    /// Write the demo team's history (see [`demo::history`]) if it is due.
    pub fn write_history(&mut self, now: DateTime<Utc>) -> Result<ImportReport, OpenError> {
        if !self.history_due()? {
            return Ok(ImportReport::default());
        }
        write_history(&mut self.store, now)
    }

    /// [`Workspace::write_history`] on a thread and connection of its own:
    /// the store watcher shows it when it lands, and if the process ends
    /// first it stays due for the next start.
    fn write_history_later(&self, now: DateTime<Utc>) {
        let database = self.paths.database.clone();
        let spawned = std::thread::Builder::new()
            .name("demo-history".into())
            .spawn(move || {
                let written = Store::open(&database)
                    .map_err(OpenError::from)
                    .and_then(|mut store| write_history(&mut store, now));
                if let Err(e) = written {
                    tracing::warn!(error = %e, "writing the demo's history");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "starting the demo's history");
        }
    }

    pub fn mark_initialised(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.store.set_meta(INITIALISED, &now.to_rfc3339())
    }

    pub fn database(&self) -> &Path {
        &self.paths.database
    }
}

/// The demo team's eight weeks: resolved handoffs and their verdicts, then
/// the mark that they are written. Made-up history, not news: no webhook or
/// helpdesk hears of the verdicts, whatever the config says.
fn write_history(store: &mut Store, now: DateTime<Utc>) -> Result<ImportReport, OpenError> {
    let live = demo::workspace(now).map_err(OpenError::Demo)?;
    let agents = demo::agents().map_err(OpenError::Demo)?;
    let past = demo::history::history(now, &live, &agents).map_err(OpenError::Demo)?;
    let report = store.import(&past.handoffs, now)?;
    let routing = store.routing();
    store.set_routing(Routing::default());
    let written = store.set_feedback_all(&past.verdicts);
    store.set_routing(routing);
    written?;
    store.set_meta(HISTORY, "written")?;
    Ok(report)
}

/// The helpdesk the config sets up. A bad kind or table, or a table that is
/// no one's, stops a subcommand; with `lenient` (the full screen) it opens
/// on the local store instead, the problem listed.
fn open_desk(config: &mut Config, path: &Path, lenient: bool) -> Result<Option<Desk>, ConfigError> {
    let mut problems = backend::unknown_tables(config, path);
    let desk = match backend::open(config, path) {
        Ok(desk) => desk,
        Err(e) => {
            problems.push(Problem::from_error(&e));
            None
        }
    };
    match problems.first() {
        Some(first) if !lenient => Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: match first.line {
                Some(line) => format!("line {line}: {}", first.message),
                None => first.message.clone(),
            },
        }),
        _ => {
            config.problems.extend(problems);
            config.problems.sort_by_key(|p| p.line);
            Ok(desk)
        }
    }
}
