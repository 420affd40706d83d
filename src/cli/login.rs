//! `handoff login chatwoot`: check the URL, token and account, say exactly
//! what is wrong, and with `--save` keep the token in the credentials file.

use super::output::{Failure, print};
use crate::backend::chatwoot::client::{ApiError, Client};
use crate::backend::chatwoot::sync::{SyncError, whoami};
use crate::backend::chatwoot::{ChatwootConfig, auth};
use crate::config::{self, Config};
use crate::domain::sanitize::clean_line;
use crate::workspace::Options;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Helpdesk {
    /// Chatwoot Cloud or self-hosted ([chatwoot] table in the config file)
    Chatwoot,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    helpdesk: Helpdesk,
    /// Keep the token (from HANDOFF_CHATWOOT_TOKEN) in credentials.toml, mode 0600
    #[arg(long)]
    save: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let Helpdesk::Chatwoot = args.helpdesk;
    let path = opts
        .config
        .clone()
        .unwrap_or_else(config::default_config_path);
    let config =
        Config::load(&path, opts.config.is_some()).map_err(|e| Failure::config(e.to_string()))?;
    let cfg = config.chatwoot.clone().ok_or_else(|| {
        Failure::config(format!(
            "{}: no [chatwoot] table; add base_url and account_id (see docs/chatwoot.md)",
            path.display()
        ))
    })?;
    let token = auth::load_token().map_err(|e| Failure::config(e.to_string()))?;
    let client = Client::new(&cfg, &token).map_err(Failure::config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("starting the runtime: {e}")))?;
    let (profile, me) = runtime
        .block_on(whoami(&client))
        .map_err(|e| Failure::runtime(explain(&cfg, &e)))?;
    let role = profile
        .accounts
        .iter()
        .find(|a| a.id == cfg.account_id)
        .and_then(|a| a.role.clone())
        .unwrap_or_else(|| "agent".into());
    let email = profile.email.as_deref().map(clean_line).unwrap_or_default();
    let mut out = format!(
        "Logged in to {} as {} <{}>, {} of account {} ({}).\n",
        clean_line(cfg.base()),
        me.name,
        email,
        clean_line(&role),
        cfg.account_id,
        me.account,
    );
    if config.chatwoot_backend().is_none() {
        out.push_str(
            "Note: [backend] kind is not \"chatwoot\" in the config file, so the workspace \
             still shows the local store.\n",
        );
    }
    if args.save {
        let path = auth::credentials_path();
        auth::save_credentials(&path, &token)
            .map_err(|e| Failure::runtime(format!("{}: {e}", path.display())))?;
        out.push_str(&format!("Token saved to {} (mode 0600).\n", path.display()));
    }
    print(&out)
}

/// What went wrong, and what to do about it.
fn explain(cfg: &ChatwootConfig, e: &SyncError) -> String {
    let base = clean_line(cfg.base());
    match e {
        SyncError::Api(ApiError::Unreachable(why)) => format!(
            "cannot reach Chatwoot at {base}: {why}. Check base_url and that the server is up."
        ),
        SyncError::Api(ApiError::Tls(_)) => format!(
            "TLS error talking to {base}: its certificate is not trusted or it does not speak \
             HTTPS on that port (self-hosted without TLS? use http://)."
        ),
        SyncError::Api(ApiError::Timeout(s)) => {
            format!("{base} did not answer within {s:.0}s. Check base_url and your network.")
        }
        SyncError::Api(ApiError::Unauthorized) => format!(
            "{base} refused the API token (401): it is wrong or was reset. Copy it again from \
             Chatwoot → Profile settings → Access Token."
        ),
        SyncError::Api(ApiError::NotFound(_) | ApiError::BadBody(..)) => format!(
            "{base} does not look like Chatwoot ({e}). base_url is the address you open Chatwoot \
             at, without /app/..."
        ),
        SyncError::Account(why) => format!("{why}. Set account_id in the [chatwoot] table."),
        other => format!("checking {base}: {other}"),
    }
}
