//! A helpdesk's own queues (saved views), each shown as a queue section
//! after the config's: the adapter pulls them (`Pulled::views`), the
//! refresh keeps the last ones in the store (`<name>.views` in `meta`), and
//! the sections built from them (`Desk::sections`) follow every refresh
//! through their shared [`Listed`] handles (`Desk::relist`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::sync::meta_key;
use crate::domain::queue::{Listed, MAX_SECTIONS, Section};
use crate::domain::sanitize::clean_line;
use crate::store::{Store, StoreError};

/// One of the helpdesk's queues as a refresh found it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// How the config names it (a view id).
    pub key: String,
    /// Its title in the helpdesk.
    pub title: String,
    /// What the helpdesk counts in it (`None`: it did not say).
    pub count: Option<u64>,
    /// Our ids of the handoffs it lists.
    pub ids: Vec<String>,
}

const VIEWS: &str = "views";

/// The views the last refresh of helpdesk `name` found.
pub fn stored(store: &Store, name: &str) -> Vec<View> {
    store
        .meta(&meta_key(name, VIEWS))
        .ok()
        .flatten()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Keep the views a refresh found (written with the rest of it).
pub fn store(store: &Store, name: &str, views: &[View]) -> Result<(), StoreError> {
    let text = serde_json::to_string(views).unwrap_or_else(|_| "[]".into());
    store.set_meta(&meta_key(name, VIEWS), &text)
}

/// The view sections of one running workspace, by key.
#[derive(Clone, Default)]
pub struct Shown(Arc<Mutex<HashMap<String, Listed>>>);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shown")
    }
}

impl Shown {
    /// `sections`, then one section per configured view (`keys`), titled
    /// as the store's last refresh said (or "View <key>" before one).
    pub fn sections(
        &self,
        mut sections: Vec<Section>,
        keys: &[String],
        store: &Store,
        name: &str,
    ) -> Vec<Section> {
        let known = stored(store, name);
        let mut shown = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if sections.len() >= MAX_SECTIONS {
                tracing::warn!(view = %key, "no room for the view's section (at most {MAX_SECTIONS})");
                break;
            }
            let view = known.iter().find(|v| &v.key == key);
            let title = view
                .map(|v| clean_line(&v.title))
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| format!("View {key}"));
            let listed = shown
                .entry(key.clone())
                .or_insert_with(|| Listed::new(view.map(|v| v.ids.clone()).unwrap_or_default()))
                .clone();
            // A title the config's sections already use gets the key too.
            let taken = sections
                .iter()
                .any(|s| Section::key(&s.name) == Section::key(&title));
            let title = if taken {
                format!("{title} ({key})")
            } else {
                title
            };
            sections.push(Section::listed(&title, listed));
        }
        sections
    }

    /// Bring every view section up to what the store's last refresh found.
    pub fn relist(&self, store: &Store, name: &str) {
        let shown = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if shown.is_empty() {
            return;
        }
        let known = stored(store, name);
        for (key, listed) in shown.iter() {
            let ids = known
                .iter()
                .find(|v| &v.key == key)
                .map(|v| v.ids.clone())
                .unwrap_or_default();
            listed.set(ids);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_sections_are_titled_by_the_last_refresh_and_follow_the_next() {
        let Ok(db) = Store::open_in_memory() else {
            return;
        };
        let shown = Shown::default();
        let keys = vec!["360011".to_string(), "360012".to_string()];
        let before = shown.sections(Vec::new(), &keys, &db, "desk");
        let names: Vec<&str> = before.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["View 360011", "View 360012"]);

        let view = View {
            key: "360011".into(),
            title: "AI escalations".into(),
            count: Some(2),
            ids: vec!["zd-1".into(), "zd-2".into()],
        };
        assert!(store(&db, "desk", std::slice::from_ref(&view)).is_ok());
        assert_eq!(stored(&db, "desk"), [view]);
        shown.relist(&db, "desk");
        let listed = before[0].listed.clone().unwrap_or_default();
        assert!(listed.has("zd-2") && !listed.has("zd-3"));

        let builtins = Section::builtins();
        let after = Shown::default().sections(builtins, &keys, &db, "desk");
        assert_eq!(after[4].name, "AI escalations");
        assert_eq!(after[5].name, "View 360012");
    }
}
