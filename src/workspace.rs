//! Opening the workspace: resolve paths and identity, open the store, seed the
//! demo on first run. Shared by the full screen and every subcommand.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::{self, Config, ConfigError};
use crate::domain::demo;
use crate::store::{Destination, ImportReport, Store, StoreError};

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
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo data: {0}")]
    Demo(String),
}

pub struct Workspace {
    pub read_only: bool,
    pub paths: Paths,
    pub config: Config,
    pub agent: String,
    /// Where `agent` came from when nobody said (`--agent`, config `agent`,
    /// a helpdesk's token): the login name. The screen then says how to set it.
    pub agent_guessed: bool,
    pub store: Store,
}

/// Marks a store that holds data on purpose (imported or seeded), so the demo
/// is never mixed into a real workspace.
const INITIALISED: &str = "initialised_at";
/// Marks a store the demo was seeded into.
const DEMO: &str = "demo_seeded_at";

/// Who is at the keyboard when nobody said: the login name.
fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
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
        let config = if opts.lenient_config {
            // Keep what parses; the screen lists the rest.
            match Config::read_text(&config_path, required) {
                Ok(Some(text)) => crate::config_check::salvage(&config_path, &text).0,
                Ok(None) => Config::default(),
                Err(e) => Config {
                    problems: vec![crate::config_problem::Problem::from_error(&e)],
                    ..Config::default()
                },
            }
        } else {
            Config::load(&config_path, required)?
        };
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
        let mut store = if opts.read_only {
            Store::open_read_only(&paths.database)?
        } else {
            Store::open(&paths.database)?
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
        if let Some(cw) = config.chatwoot_backend().filter(|_| !opts.read_only) {
            store.set_helpdesk(Some(Destination {
                name: crate::backend::chatwoot::CHATWOOT.to_string(),
                hold: cw.hold(),
            }));
        }
        // With a helpdesk, "Mine" is whoever its token belongs to (learnt at
        // the first sync) unless the user says otherwise.
        let synced_me = match config.chatwoot_backend() {
            Some(_) => store.meta(crate::backend::chatwoot::sync::ME_NAME)?,
            None => None,
        };
        let named = opts
            .agent
            .clone()
            .or_else(|| config.agent.clone())
            .or(synced_me);
        let mut ws = Workspace {
            read_only: opts.read_only,
            paths,
            config,
            agent: named.clone().unwrap_or_default(),
            agent_guessed: false,
            store,
        };
        // A helpdesk workspace holds the helpdesk's data, never the demo.
        let seed = seed && !opts.read_only && ws.config.chatwoot_backend().is_none();
        if seed && ws.store.meta(INITIALISED)?.is_none() && ws.store.count()? == 0 {
            ws.seed_demo(None, now)?;
        }
        // Nobody said who is working: the demo's own agent in the demo,
        // else the login name, never the demo's persona on real data. (A
        // helpdesk names its token's owner at the first sync; until then it
        // keeps the old default, which its sync code relies on.)
        if named.is_none() {
            if ws.config.chatwoot_backend().is_some() || ws.holds_demo()? {
                ws.agent = demo::DEFAULT_AGENT.to_string();
            } else {
                ws.agent = login_name();
                ws.agent_guessed = true;
            }
        }
        Ok(ws)
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

    /// Replace nothing, add the demo (or `count` generated handoffs) and its agents.
    pub fn seed_demo(
        &mut self,
        count: Option<usize>,
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
        let report = self.store.import(&items, now)?;
        self.mark_initialised(now)?;
        self.store.set_meta(DEMO, &now.to_rfc3339())?;
        Ok(report)
    }

    pub fn mark_initialised(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.store.set_meta(INITIALISED, &now.to_rfc3339())
    }

    pub fn database(&self) -> &Path {
        &self.paths.database
    }
}
