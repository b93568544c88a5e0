//! One agent's states over time: each event's state lasts until the agent's next event, and the
//! agent is logged out before the first.

use chrono::{DateTime, FixedOffset};

use crate::events::{AgentEvent, AgentState};

/// A stretch of time in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run<'a> {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub state: &'a AgentState,
}

static OFFLINE: AgentState = AgentState::Offline;

/// One agent's events, in time order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeline<'a> {
    events: &'a [AgentEvent],
}

impl<'a> Timeline<'a> {
    pub fn new(events: &'a [AgentEvent]) -> Self {
        Self { events }
    }

    /// The state at instant `t`.
    pub fn state_at(&self, t: DateTime<FixedOffset>) -> &'a AgentState {
        let after = self.events.partition_point(|e| e.at <= t);
        match after {
            0 => &OFFLINE,
            i => &self.events[i - 1].state,
        }
    }

    /// The runs that cover `[from, to)` exactly, in time order (empty when `to <= from`).
    pub fn runs(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Vec<Run<'a>> {
        let mut out = Vec::new();
        if to <= from {
            return out;
        }
        let mut t = from;
        let mut state = self.state_at(from);
        let next = self.events.partition_point(|e| e.at <= from);
        for e in &self.events[next..] {
            if e.at >= to {
                break;
            }
            out.push(Run {
                from: t,
                to: e.at,
                state,
            });
            t = e.at;
            state = &e.state;
        }
        out.push(Run { from: t, to, state });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rota_data::channel::ChannelName;

    fn at(hm: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-11-16T{hm}:00+00:00")).unwrap()
    }

    fn event(hm: &str, state: AgentState) -> AgentEvent {
        AgentEvent {
            agent_id: "NH001".into(),
            at: at(hm),
            state,
            line: 0,
        }
    }

    #[test]
    fn an_agent_is_logged_out_before_the_first_event_and_each_state_lasts_until_the_next() {
        let voice = ChannelName::parse("voice").unwrap();
        let events = [
            event("09:05", AgentState::Available(voice.clone())),
            event("11:00", AgentState::Break),
            event("11:20", AgentState::OnContact(voice.clone())),
        ];
        let tl = Timeline::new(&events);
        assert_eq!(tl.state_at(at("09:00")), &AgentState::Offline);
        assert_eq!(
            tl.state_at(at("09:05")),
            &AgentState::Available(voice.clone())
        );
        assert_eq!(
            tl.state_at(at("18:00")),
            &AgentState::OnContact(voice.clone())
        );
        let runs = tl.runs(at("09:00"), at("12:00"));
        let shown: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>, &str)> = runs
            .iter()
            .map(|r| (r.from, r.to, r.state.name()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (at("09:00"), at("09:05"), "offline"),
                (at("09:05"), at("11:00"), "available"),
                (at("11:00"), at("11:20"), "break"),
                (at("11:20"), at("12:00"), "on_contact"),
            ]
        );
        // A window inside one run is that run, cut to the window.
        let inside = tl.runs(at("10:00"), at("10:30"));
        assert_eq!(inside.len(), 1);
        assert_eq!((inside[0].from, inside[0].to), (at("10:00"), at("10:30")));
        assert!(tl.runs(at("10:30"), at("10:30")).is_empty());
    }
}
