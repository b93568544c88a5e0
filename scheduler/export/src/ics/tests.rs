//! The calendars read back with the `icalendar` crate's parser.

use chrono::TimeZone;
use icalendar::parser::{read_calendar, unfold, Component};

use super::*;
use crate::schedule::tests::sample;

fn stamp(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, h, 0, 0).unwrap()
}

fn export(agent: &str, h: u32) -> String {
    let mut out = Vec::new();
    write_ics(&sample(), agent, stamp(h), &mut out).expect("writes");
    String::from_utf8(out).expect("UTF-8")
}

fn prop<'a>(c: &'a Component<'a>, name: &str) -> Option<&'a icalendar::parser::Property<'a>> {
    c.properties.iter().find(|p| p.name == name)
}

fn zone_of<'a>(components: &'a [Component<'a>]) -> &'a Component<'a> {
    components
        .iter()
        .find(|c| c.name == "VTIMEZONE")
        .expect("a VTIMEZONE")
}

fn events<'a>(components: &'a [Component<'a>]) -> Vec<&'a Component<'a>> {
    components.iter().filter(|c| c.name == "VEVENT").collect()
}

#[test]
fn every_shift_is_one_event_in_the_centres_time_zone() {
    for (agent, shifts) in [("NH001", 2), ("NH002", 3), ("NH003", 0)] {
        let text = unfold(&export(agent, 9));
        let cal = read_calendar(&text).expect("parses");
        let evs = events(&cal.components);
        assert_eq!(evs.len(), shifts, "{agent}");
        let zone = zone_of(&cal.components);
        assert_eq!(prop(zone, "TZID").unwrap().val.as_str(), "Europe/London");
        // A time zone has no UID or DTSTAMP (RFC 5545 3.6.5), nor do its observances.
        for c in std::iter::once(zone).chain(&zone.components) {
            assert!(
                prop(c, "UID").is_none() && prop(c, "DTSTAMP").is_none(),
                "{c:?}"
            );
        }
        for e in evs {
            let start = prop(e, "DTSTART").expect("DTSTART");
            let tzid = start.params.iter().find(|p| p.key == "TZID").expect("TZID");
            assert_eq!(tzid.val.as_ref().map(|v| v.as_str()), Some("Europe/London"));
            assert!(prop(e, "DTEND").is_some() && prop(e, "UID").is_some());
        }
    }
}

#[test]
fn times_are_local_on_both_sides_of_the_clock_change() {
    let text = unfold(&export("NH001", 9));
    // Monday 19 October is in BST, Sunday 25th (the clocks went back at 02:00) in GMT: both 08:00.
    assert!(
        text.contains("DTSTART;TZID=Europe/London:20261019T080000"),
        "{text}"
    );
    assert!(text.contains("DTEND;TZID=Europe/London:20261019T163000"));
    assert!(text.contains("DTSTART;TZID=Europe/London:20261025T080000"));
    // The zone says when: the observance starting at 02:00 BST on the 25th, +0100 to +0000.
    let cal = read_calendar(&text).unwrap();
    let zone = zone_of(&cal.components);
    let autumn = zone
        .components
        .iter()
        .find(|o| prop(o, "DTSTART").unwrap().val == "20261025T020000")
        .expect("the October 2026 change");
    assert_eq!(autumn.name, "STANDARD");
    assert_eq!(prop(autumn, "TZOFFSETFROM").unwrap().val, "+0100");
    assert_eq!(prop(autumn, "TZOFFSETTO").unwrap().val, "+0000");
}

#[test]
fn the_description_has_breaks_activities_and_channels_escaped() {
    let raw = export("NH001", 9);
    // Written escaped (RFC 5545 3.3.11)...
    assert!(
        raw.contains("SUMMARY:Shift 08:00-16:30: voice\\, chat"),
        "{raw}"
    );
    assert!(raw.contains("coaching\\; 1:1\\, Jo's <b>"));
    // ...and read back as written.
    let text = unfold(&raw);
    let cal = read_calendar(&text).unwrap();
    let first = events(&cal.components)[0];
    assert_eq!(
        prop(first, "SUMMARY").unwrap().val.as_str(),
        "Shift 08:00-16:30: voice, chat"
    );
    let d = prop(first, "DESCRIPTION").unwrap().val.as_str().to_string();
    for want in [
        "Shift 08:00-16:30 at Homes & Co, North; \"Main\", 8 paid hours.",
        "Channels: voice, chat.",
        "Breaks: 10:15-10:30 break; 12:30-13:00 lunch.",
        "Activities: 13:00-14:00 coaching; 1:1, Jo's <b>.",
        "\n08:00-10:15 voice\n10:15-10:30 break\n",
    ] {
        assert!(d.contains(want), "{want:?} in {d:?}");
    }
}

#[test]
fn uids_are_unique_and_stable_across_exports() {
    let uids = |text: &str| -> Vec<String> {
        let text = unfold(text);
        let cal = read_calendar(&text).unwrap();
        events(&cal.components)
            .iter()
            .map(|e| prop(e, "UID").unwrap().val.to_string())
            .collect()
    };
    let first = uids(&export("NH002", 9));
    assert_eq!(
        first,
        uids(&export("NH002", 17)),
        "a later export keeps the UIDs"
    );
    assert_eq!(first.len(), 3);
    assert_eq!(first[0], "NH002-2026-10-20@Homes---Co--North---Main-.rota");
    assert_eq!(
        first[1],
        "NH002-2026-10-20-2@Homes---Co--North---Main-.rota"
    );
}

#[test]
fn a_zone_without_clock_changes_has_one_standard_observance_and_an_unknown_agent_is_an_error() {
    let mut s = sample();
    s.tz = chrono_tz::UTC;
    let mut out = Vec::new();
    write_ics(&s, "NH001", stamp(9), &mut out).unwrap();
    let text = unfold(&String::from_utf8(out).unwrap());
    let cal = read_calendar(&text).unwrap();
    let zone = zone_of(&cal.components);
    assert_eq!(zone.components.len(), 1);
    assert_eq!(zone.components[0].name, "STANDARD");
    let err = write_ics(&s, "NH999", stamp(9), &mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no agent \"NH999\" in the roster's configuration"
    );
}

#[test]
fn slugs_keep_ids_and_replace_the_rest() {
    assert_eq!(slug("NH045"), "NH045");
    assert_eq!(slug("../etc/passwd"), "..-etc-passwd");
    assert_eq!(slug(".."), "agent");
}
