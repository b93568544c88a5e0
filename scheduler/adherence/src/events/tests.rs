use super::*;

fn config() -> CentreConfig {
    CentreConfig::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/centre.toml"
    ))
    .expect("the sample centre loads")
}

fn read(text: &str) -> Result<EventLog, AdherenceError> {
    EventLog::read_from(text.as_bytes(), Path::new("events.csv"), &config())
}

fn error(text: &str) -> String {
    read(text).expect_err("the file is refused").to_string()
}

const HEADER: &str = "agent_id,timestamp,state,channel\n";

#[test]
fn every_state_reads_with_its_channel_or_activity_and_local_times_are_the_centres() {
    let log = read(
        "agent_id,timestamp,state,channel,activity\n\
         NH001,2026-11-16 09:00,available,voice,\n\
         NH001,2026-11-16T09:05:00+00:00,on_contact,Voice,\n\
         NH001,2026-11-16 10:00:30,On-Contact,chat,\n\
         NH001,2026-11-16 11:15,break,,\n\
         NH001,2026-11-16 12:00,lunch,,\n\
         NH001,2026-11-16 12:30,activity,,training\n\
         NH001,2026-11-16 13:00,activity,,\n\
         NH001,2026-11-16 17:00,offline,,\n",
    )
    .unwrap();
    let states: Vec<String> = log.events().iter().map(|e| e.state.to_string()).collect();
    assert_eq!(
        states,
        [
            "available on voice",
            "on a contact on voice",
            "on a contact on chat",
            "break",
            "lunch",
            "activity training",
            "activity",
            "logged out"
        ]
    );
    assert_eq!(log.events()[2].at.to_rfc3339(), "2026-11-16T10:00:30+00:00");
    assert_eq!(log.events()[0].line, 2);
    assert_eq!((log.reordered(), log.duplicates()), (0, 0));
}

#[test]
fn a_summer_local_time_is_placed_at_british_summer_time() {
    let log = read(&format!("{HEADER}NH001,2026-07-01 09:00,available,voice\n")).unwrap();
    assert_eq!(log.events()[0].at.to_rfc3339(), "2026-07-01T09:00:00+01:00");
}

#[test]
fn an_unknown_agent_is_refused_naming_file_line_and_column() {
    let e = error(&format!(
        "{HEADER}NH001,2026-11-16 09:00,available,voice\nNH999,2026-11-16 09:00,available,voice\n"
    ));
    assert!(
        e.starts_with("events.csv:3: column agent_id: unknown agent \"NH999\"; expected an agent of the configuration (NH001 to"),
        "{e}"
    );
}

#[test]
fn an_unknown_state_is_refused_with_the_states_expected() {
    let e = error(&format!("{HEADER}NH001,2026-11-16 09:00,coffee,\n"));
    assert_eq!(
        e,
        "events.csv:2: column state: \"coffee\" is not an agent state; expected available, \
         on_contact, break, lunch, activity or offline"
    );
}

#[test]
fn a_bad_timestamp_is_refused_with_the_forms_expected() {
    let e = error(&format!("{HEADER}NH001,16th Nov 9am,available,voice\n"));
    assert!(
        e.starts_with("events.csv:2: column timestamp: \"16th Nov 9am\" is not a timestamp; expected RFC 3339"),
        "{e}"
    );
    // The hour the clocks skip names no instant.
    let e = error(&format!("{HEADER}NH001,2026-03-29 01:30,available,voice\n"));
    assert!(
        e.starts_with(
            "events.csv:2: column timestamp: local time 2026-03-29 01:30:00 does not exist"
        ),
        "{e}"
    );
}

#[test]
fn an_unknown_or_missing_channel_is_refused() {
    let e = error(&format!("{HEADER}NH001,2026-11-16 09:00,available,fax\n"));
    assert!(
        e.starts_with("events.csv:2: column channel: unknown channel \"fax\"; expected one of the configuration's channels: "),
        "{e}"
    );
    assert!(e.contains("voice"), "{e}");
    let e = error(&format!("{HEADER}NH001,2026-11-16 09:00,on_contact,\n"));
    assert!(
        e.starts_with(
            "events.csv:2: column channel: empty; state on_contact needs the channel being worked"
        ),
        "{e}"
    );
    // Without a channel column at all, the same.
    let e = error("agent_id,timestamp,state\nNH001,2026-11-16 09:00,available\n");
    assert!(e.starts_with("events.csv:2: column channel: empty"), "{e}");
}

#[test]
fn a_missing_column_is_named() {
    let e = error("agent,timestamp,status\nNH001,2026-11-16 09:00,available\n");
    assert_eq!(
        e,
        "events.csv:1: missing column(s) agent_id, state; expected a header \
         agent_id,timestamp,state[,channel][,activity]"
    );
}

#[test]
fn out_of_order_events_are_sorted_and_counted_and_duplicates_dropped() {
    let log = read(&format!(
        "{HEADER}\
         NH002,2026-11-16 08:00,available,voice\n\
         NH001,2026-11-16 11:15,break,\n\
         NH001,2026-11-16 09:00,available,voice\n\
         NH001,2026-11-16 09:00,available,voice\n\
         NH001,2026-11-16 11:30,available,chat\n\
         NH002,2026-11-16 08:00,available,voice\n"
    ))
    .unwrap();
    assert_eq!(log.reordered(), 1);
    assert_eq!(log.first_reordered_line(), Some(4));
    assert_eq!(log.duplicates(), 2);
    let nh001: Vec<(String, &str)> = log
        .of_agent("NH001")
        .iter()
        .map(|e| (e.at.format("%H:%M").to_string(), e.state.name()))
        .collect();
    assert_eq!(
        nh001,
        [
            ("09:00".to_string(), "available"),
            ("11:15".to_string(), "break"),
            ("11:30".to_string(), "available")
        ]
    );
    assert_eq!(log.of_agent("NH002").len(), 1);
    assert!(log.of_agent("NH003").is_empty());
}

#[test]
fn reading_a_file_twice_over_gives_the_same_log() {
    let once = format!(
        "{HEADER}NH001,2026-11-16 09:00,available,voice\nNH001,2026-11-16 17:00,offline,\n"
    );
    let twice = format!("{once}{}", once.trim_start_matches(HEADER));
    let (a, b) = (read(&once).unwrap(), read(&twice).unwrap());
    assert_eq!(a.events().len(), b.events().len());
    for (x, y) in a.events().iter().zip(b.events()) {
        assert_eq!((&x.agent_id, x.at, &x.state), (&y.agent_id, y.at, &y.state));
    }
    assert_eq!(b.duplicates(), 2);
}

#[test]
fn two_states_at_one_instant_are_refused_naming_both_lines() {
    let e = error(&format!(
        "{HEADER}NH001,2026-11-16 09:00,available,voice\nNH001,2026-11-16T09:00:00Z,break,\n"
    ));
    assert_eq!(
        e,
        "events.csv:3: column state: agent NH001 is break at 2026-11-16 09:00:00 +00:00 here but \
         available on voice at the same instant on line 2; expected one state per agent and instant"
    );
}

#[test]
fn a_broken_csv_row_is_an_error_not_a_panic() {
    let e = error("agent_id,timestamp,state\n\"NH001,2026-11-16 09:00,available\n");
    assert!(e.starts_with("events.csv:"), "{e}");
}
