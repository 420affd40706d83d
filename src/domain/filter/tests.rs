//! The filter language as a user meets it: what a typed value may be, and
//! which queries a worker may answer from an earlier query's matches.

use super::Query;

fn error(text: &str) -> String {
    match Query::parse(text) {
        Ok(q) => panic!("{text:?} parsed as {q:?}"),
        Err(e) => e,
    }
}

fn parses(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn a_bad_value_names_the_values_the_field_takes() {
    for (text, names) in [
        ("priority:asap", "urgent, high, normal or low"),
        ("priority:((", "urgent, high, normal or low"),
        ("status:closed", "open, pending, snoozed or resolved"),
        ("verdict:meh", "good, bad or none"),
        ("sla:late", "breached, at_risk, ok or none"),
        ("trigger:angry", "low_confidence"),
    ] {
        let e = error(text);
        assert!(e.starts_with(text), "{text}: {e}");
        assert!(e.contains(names), "{text}: {e}");
    }
}

#[test]
fn a_value_may_be_the_start_of_just_one_name_or_the_screens_short_form() {
    assert_eq!(parses("priority:URG"), parses("priority:urgent"));
    assert_eq!(parses("priority:norm"), parses("priority:normal"));
    assert_eq!(parses("p:u"), parses("priority:urgent"));
    assert_eq!(parses("status:res"), parses("status:resolved"));
    assert_eq!(parses("sla:risk"), parses("sla:at_risk"));
    assert_eq!(parses("trigger:low"), parses("trigger:low"));
    assert_eq!(parses("status:s"), parses("status:snoozed"));
}

#[test]
fn a_query_typed_on_narrows_the_one_before() {
    let narrows = |new: &str, old: &str| parses(new).narrows(&parses(old));
    assert!(narrows("refund", "ref"));
    assert!(narrows("refund card", "refund"));
    assert!(narrows("refund team:billing", "refund"));
    assert!(narrows("team:billing refund", "team:billing"));
    assert!(narrows("ref", ""));
    // Backspace, a different word, or a longer negated word widen it.
    assert!(!narrows("ref", "refund"));
    assert!(!narrows("fund", "refund"));
    assert!(!narrows("-refu", "-ref"));
    assert!(!narrows("team:bil", "team:billing"));
}
