//! What the app is told at start, resolved here from the workspace: the
//! keys in force, the sections, where the helpdesk's web UI is, and every
//! problem with the config file. The app reads no files and knows no
//! config format; this is where the two meet.

use crate::app::Settings;
use crate::app::external::WebUi;
use crate::workspace::Workspace;

pub fn resolve(ws: &Workspace) -> Settings {
    let config = &ws.config;
    let (keymap, key_problems) = crate::app::keymap_config::build(
        config.keymap.as_ref(),
        config.keys.as_ref(),
        &ws.paths.config,
        &config.text,
    );
    let mut problems = config.problems.clone();
    problems.extend(key_problems);
    problems.sort_by_key(|p| p.line);
    problems.dedup();
    Settings {
        keymap,
        sections: match &ws.desk {
            Some(desk) => desk.sections(config.sections(), &ws.store),
            None => config.sections(),
        },
        web_ui: WebUi {
            helpdesk: ws
                .desk
                .as_ref()
                .and_then(|d| d.settings.web_link())
                .map(|l| (l.prefix, l.url)),
            template: config.backend.as_ref().and_then(|b| b.web_url.clone()),
        },
        problems: problems.iter().map(|p| p.to_string()).collect(),
        read_only: ws.read_only,
    }
}
