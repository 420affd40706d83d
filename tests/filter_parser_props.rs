//! The `/` query language takes whatever a person types: parsing must never
//! panic, whatever the input, and an error must say something.

use handoff::domain::filter::Query;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        if let Err(e) = Query::parse(&text) {
            prop_assert!(!e.is_empty());
        }
    }

    /// Inputs shaped like the language (fields, operators, quotes, negation)
    /// reach deeper than random text does.
    #[test]
    fn never_panics_on_query_shaped_text(
        parts in prop::collection::vec(
            prop_oneof![
                Just("priority:".to_string()),
                Just("confidence:<".to_string()),
                Just("confidence:>=".to_string()),
                Just("age:>".to_string()),
                Just("sla:".to_string()),
                Just("-".to_string()),
                Just("\"".to_string()),
                Just(":".to_string()),
                Just("<".to_string()),
                Just(" ".to_string()),
                "[a-z]{0,6}",
                "[0-9.]{0,5}[hmdw]?",
                "\\PC{0,3}",
            ],
            0..12,
        )
    ) {
        let text: String = parts.concat();
        if let Err(e) = Query::parse(&text) {
            prop_assert!(!e.is_empty());
        }
    }
}
