//! `handoff login <helpdesk>`: check the address, token and account, say
//! exactly what is wrong, and with `--save` keep the token in the
//! credentials file. The same for every helpdesk: the adapter says who the
//! token belongs to, or what to do.

use super::output::{Failure, print};
use crate::backend::{self, credentials, registry};
use crate::config::{self, Config};
use crate::domain::sanitize::clean_line;
use crate::workspace::Options;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The helpdesk: its table in the config file says where it is
    #[arg(value_parser = helpdesks())]
    helpdesk: String,
    /// Keep the token (from HANDOFF_<HELPDESK>_TOKEN) in credentials.toml, mode 0600
    #[arg(long)]
    save: bool,
}

/// The helpdesks, each with what `--help` says of it.
fn helpdesks() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        registry::HELPDESKS
            .iter()
            .map(|e| clap::builder::PossibleValue::new(e.name).help(e.about)),
    )
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let entry = registry::find(&args.helpdesk)
        .ok_or_else(|| Failure::usage(format!("no helpdesk called {}", args.helpdesk)))?;
    let path = opts
        .config
        .clone()
        .unwrap_or_else(config::default_config_path);
    let config =
        Config::load(&path, opts.config.is_some()).map_err(|e| Failure::config(e.to_string()))?;
    let desk = backend::named(&config, &path, entry)
        .map_err(|e| Failure::config(e.to_string()))?
        .ok_or_else(|| {
            Failure::config(format!(
                "{}: no [{}] table; add {} (see docs/{}.md)",
                path.display(),
                entry.name,
                entry.needs,
                entry.name
            ))
        })?;
    let token = credentials::load_token(entry.token).map_err(|e| Failure::config(e.to_string()))?;
    let helpdesk = desk
        .settings
        .connect(&token)
        .map_err(|e| Failure::config(e.to_string()))?;
    let runtime = super::output::runtime()?;
    let me = runtime
        .block_on(helpdesk.whoami())
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let mut out = format!(
        "Logged in to {} as {} <{}>, {} of {}.\n",
        entry.label,
        me.name,
        me.email.as_deref().map(clean_line).unwrap_or_default(),
        me.role.as_deref().unwrap_or("agent"),
        me.account,
    );
    if config.helpdesk_kind().map(|k| k.get_ref().as_str()) != Some(entry.name) {
        out.push_str(&format!(
            "Note: [backend] kind is not \"{}\" in the config file, so the workspace \
             does not mirror it yet.\n",
            entry.name
        ));
    }
    if args.save {
        let path = credentials::credentials_path();
        credentials::save_credentials(&path, entry.name, &token)
            .map_err(|e| Failure::runtime(format!("{}: {e}", path.display())))?;
        out.push_str(&format!("Token saved to {} (mode 0600).\n", path.display()));
    }
    print(&out)
}
