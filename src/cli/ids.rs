//! Handoff ids as people type them: any case, and a "did you mean" for a
//! near miss.

use super::output::{Failure, NOT_FOUND};
use crate::domain::spelling;
use crate::store::Store;

/// The stored id `typed` names (case ignored), or a not-found failure that
/// suggests the nearest ids.
pub fn resolve(store: &Store, typed: &str) -> Result<String, Failure> {
    if let Some(id) = store.find_id(typed)? {
        return Ok(id);
    }
    let ids = store.ids()?;
    let near = spelling::nearest(typed, ids.iter().map(String::as_str), 3);
    let hint = match near.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [rest @ .., last] => format!(" (did you mean {} or {last}?)", rest.join(", ")),
    };
    Err(Failure {
        code: NOT_FOUND,
        message: format!("no handoff with id '{typed}'{hint}"),
    })
}
