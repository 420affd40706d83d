//! The command line: the full screen by default, and subcommands for scripts
//! and leads who want answers without it.

mod config;
mod demo;
mod feedback;
mod ids;
mod import;
mod login;
mod outbox;
mod output;
mod queue;
mod review;
mod show;
mod stats;
mod status;
mod sync;
mod tag;
mod team;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::workspace::{OpenError, Options};

pub use output::Failure;

const AFTER_HELP: &str = "\
Keys in the workspace: j/k move, Enter reads the summary, t transcript, b flags a
bad handoff (then 1-7 for the reason), g marks a good one, u undoes, c claims,
x resolves, n internal note, r reply, / filter, Tab next section, ? every key,
: commands, Space marks for bulk work. Keys are rebindable ([keys] in the config).

Exit status: 0 ok, 1 failure (disk, database), 2 bad usage, 3 invalid input
(e.g. a malformed import; nothing was written), 4 no such handoff, 78 bad config.

Examples:
  handoff                                 open your queue (demo data on first run)
  handoff import escalations.jsonl        load handoffs exported from your AI agent
  handoff queue --json | jq '.[0]'        the most urgent handoff, for scripts
  handoff tag HO-1042 bad --reason wrong_data --note \"asked for the wrong order\"
  handoff feedback export --since 7d --format csv > review.csv";

#[derive(Debug, Parser)]
#[command(
    name = "handoff",
    version,
    about = "A terminal workspace for taking over conversations your AI support agent escalated",
    long_about = "A terminal workspace for taking over conversations your AI support agent escalated.\n\n\
        Run without a subcommand to open your routed queue: the most urgent handoff first, \
        its summary beside it (what the customer wants, what the AI collected, found and \
        tried, why it escalated, what to do next), and one key to flag a bad handoff.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Where the database and log live [default: the platform data directory]
    #[arg(long, global = true, env = "HANDOFF_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Config file [default: config.toml in the platform config directory]
    #[arg(long, global = true, env = "HANDOFF_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Work as this agent (whose queue "Mine" is) [default: from config, else the demo agent]
    #[arg(long, global = true, env = "HANDOFF_AGENT", value_name = "NAME")]
    agent: Option<String>,
    /// Colour theme: dark, light, high-contrast, monochrome (NO_COLOR implies monochrome)
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,
    /// Look without changing anything (for leads): no verdicts, claims, notes or imports
    #[arg(long, global = true)]
    read_only: bool,
    /// Leave the mouse to the terminal: no clicks or wheel in the workspace,
    /// and text selects by plain drag again (with the mouse on, most
    /// terminals select with Shift-drag) [config: mouse = false]
    #[arg(long)]
    no_mouse: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import handoffs from JSON, a JSON array, or JSON Lines files ("-" reads stdin)
    #[command(after_help = "The format is documented in docs/handoff-format.md. \
        Records are upserted by id. If any record in a file is invalid, every problem \
        is listed as FILE:LINE: field: reason and nothing from that file is written.")]
    Import(import::Args),
    /// Print your routed queue, most urgent first, as the screen orders it
    Queue(queue::Args),
    /// Print one handoff's summary as the screen presents it
    Show(show::Args),
    /// Record a verdict on a handoff, exactly as the b and g keys do
    Tag(tag::Args),
    /// Move handoffs to a team, exactly as the T key does (--list: the teams known)
    Team(team::Args),
    /// Verdicts for the people who tune the AI
    #[command(subcommand)]
    Feedback(feedback::Command),
    /// Seed the demo workspace, or generate many handoffs for load testing
    Demo(demo::Args),
    /// Queue status per team (waiting, unassigned, oldest, SLA) and agent load
    Status(status::Args),
    /// Handoff quality figures with sample sizes, against the previous window
    Stats(stats::Args),
    /// The weekly review: bad handoffs by reason and AI procedure, ready to share
    Review(review::Args),
    /// Verdict events the webhook has not acknowledged; --retry sends them now
    Outbox(outbox::Args),
    /// Check a helpdesk's address, API token and account (HANDOFF_<HELPDESK>_TOKEN)
    Login(login::Args),
    /// Send waiting changes to the helpdesk and pull its queues once, printing counts
    Sync(sync::Args),
    /// Write a commented default config (init), or list every problem in one (check)
    #[command(subcommand)]
    Config(config::Command),
}

impl Cli {
    fn options(&self) -> Options {
        Options {
            data_dir: self.data_dir.clone(),
            config: self.config.clone(),
            agent: self.agent.clone(),
            read_only: self.read_only,
            // Only the full screen opens despite a bad config (showing why);
            // subcommands stop with exit 78 so scripts notice.
            lenient_config: self.command.is_none(),
            // The full screen draws first; it waits for the check before
            // anything can write.
            check_later: self.command.is_none(),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = run(cli);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}

/// clap echoes the argument it could not take. One holding escape
/// sequences or control characters is shown cleaned, without clap's
/// colours; any other error (and `--help`) exactly as clap prints it.
fn usage_error(e: clap::Error) -> ExitCode {
    let text = e.render().to_string();
    let cleaned = crate::domain::sanitize::clean(&text);
    if !e.use_stderr() || cleaned == text {
        e.exit()
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), cleaned.as_bytes());
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(output::USAGE))
}

fn run(cli: Cli) -> Result<(), Failure> {
    let opts = cli.options();
    if opts.read_only {
        let writer = match &cli.command {
            Some(Command::Import(_)) => Some("import"),
            Some(Command::Tag(_)) => Some("tag"),
            Some(Command::Team(a)) if !a.lists() => Some("team"),
            Some(Command::Demo(_)) => Some("demo"),
            Some(Command::Sync(_)) => Some("sync"),
            _ => None,
        };
        if let Some(name) = writer {
            return Err(Failure::usage(format!(
                "--read-only: '{name}' changes the workspace"
            )));
        }
    }
    match cli.command {
        None => open_workspace(&opts, cli.theme.as_deref(), cli.no_mouse),
        Some(Command::Import(args)) => import::run(&opts, args),
        Some(Command::Queue(args)) => queue::run(&opts, args),
        Some(Command::Show(args)) => show::run(&opts, args),
        Some(Command::Tag(args)) => tag::run(&opts, args),
        Some(Command::Team(args)) => team::run(&opts, args),
        Some(Command::Feedback(cmd)) => feedback::run(&opts, cmd),
        Some(Command::Demo(args)) => demo::run(&opts, args),
        Some(Command::Status(args)) => status::run(&opts, args),
        Some(Command::Stats(args)) => stats::run(&opts, args),
        Some(Command::Review(args)) => review::run(&opts, args),
        Some(Command::Outbox(args)) => outbox::run(&opts, args),
        Some(Command::Login(args)) => login::run(&opts, args),
        Some(Command::Sync(args)) => sync::run(&opts, args),
        Some(Command::Config(cmd)) => config::run(&opts, cmd),
    }
}

fn open_workspace(opts: &Options, theme: Option<&str>, no_mouse: bool) -> Result<(), Failure> {
    let mut ws = crate::workspace::Workspace::open(opts, true, chrono::Utc::now())?;
    if no_mouse {
        ws.config.mouse = Some(false);
    }
    let _log_guard = init_logging(&ws.paths.log);
    let themes = crate::config::themes_dir(&ws.paths.config);
    let (theme, problem) = choose_theme(theme, ws.config.theme.as_deref(), &themes)?;
    if let Some(message) = problem {
        // A bad theme in the config file opens with the default and says so.
        let text = std::fs::read_to_string(&ws.paths.config).unwrap_or_default();
        ws.config.problems.push(crate::config::Problem {
            file: ws.paths.config.clone(),
            line: crate::config::check::line_of_key(&text, "theme"),
            message,
        });
    }
    tracing::info!(agent = %ws.agent, db = %ws.paths.database.display(), "workspace opened");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("starting the runtime: {e}")))?;
    match runtime.block_on(crate::runtime::run(ws, theme)) {
        Ok(None) => Ok(()),
        Ok(Some(signal)) => Err(Failure::signal(signal)),
        Err(e) => Err(Failure::runtime(e.to_string())),
    }
}

/// NO_COLOR (any non-empty value) wins over every theme: monochrome keeps
/// bold, reverse and underline, so nothing depends on colour. Then `--theme`
/// (a bad name is a usage error), then the config's `theme` (a bad one falls
/// back and is returned as a problem to show), then the background's colour.
fn choose_theme(
    flag: Option<&str>,
    configured: Option<&str>,
    themes: &std::path::Path,
) -> Result<(crate::ui::theme::Theme, Option<String>), Failure> {
    use crate::ui::theme::{self, Theme};
    // crossterm turns colour changes into SGR resets under NO_COLOR, which
    // would wipe reverse video; we honour NO_COLOR ourselves instead.
    crossterm::style::force_color_output(true);
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok((Theme::monochrome(), None));
    }
    if let Some(name) = flag {
        return Theme::load(name, Some(themes))
            .map(|t| (t, None))
            .map_err(Failure::usage);
    }
    let fgbg = std::env::var("COLORFGBG").ok();
    let fallback = || Theme::builtin(theme::for_background(fgbg.as_deref())).unwrap_or_default();
    match configured.map(|name| Theme::load(name, Some(themes))) {
        None => Ok((fallback(), None)),
        Some(Ok(t)) => Ok((t, None)),
        Some(Err(problem)) => Ok((fallback(), Some(problem))),
    }
}

/// Log to a file: stdout belongs to the screen.
pub(crate) fn init_logging(path: &std::path::Path) -> Option<()> {
    let file = crate::private::append(path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("HANDOFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Failure {
        match &e {
            OpenError::Config(c) => Failure::config(c.to_string()),
            OpenError::Agent => Failure::usage(e.to_string()),
            OpenError::Problems(_) => Failure::config(e.to_string()),
            other => Failure::runtime(other.to_string()),
        }
    }
}
