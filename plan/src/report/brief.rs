//! The week on one page: what a manager reads first about a planned week. Forecast contacts,
//! the agent-hours the targets need against those rostered, the people and the cost, and per
//! channel the abandon rate, ASA and service level the simulation predicts, each against its
//! target. Built from the files the planning steps write (`forecast.csv`, `roster/roster.json`,
//! `simulation.summary.csv`), so it can be written after any run, and `make demo` opens with it.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rota_data::channel::ChannelName;
use serde::{Deserialize, Serialize};

use super::format::{duration, esc, pct, thousands, HTML_NONE};

/// One channel's line of the brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefChannel {
    /// Channel name.
    pub channel: ChannelName,
    /// Its label in the configuration.
    pub label: String,
    /// `live` or `deferred`.
    pub kind: String,
    /// Forecast contacts offered in the week (mean).
    pub forecast_contacts: f64,
    /// Agent-hours on the channel the targets need (before shrinkage).
    pub required_hours: Option<f64>,
    /// Agent-hours the roster puts on the channel.
    pub rostered_hours: Option<f64>,
    /// Predicted figures (simulation mean over the week) with their targets.
    pub abandon_rate: Predicted,
    /// Predicted ASA, seconds.
    pub asa_seconds: Predicted,
    /// Predicted service level (deferred channels: answered within the response target).
    pub service_level: Predicted,
}

/// A predicted figure with the channel's target for it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Predicted {
    /// The simulation's mean over the week.
    pub value: Option<f64>,
    /// The target.
    pub target: Option<f64>,
    /// Whether the simulation judged it met (`None` without a target).
    pub met: Option<bool>,
}

/// The headline of a planned week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekBrief {
    /// Centre name.
    pub centre: String,
    /// First and last day planned.
    pub from: NaiveDate,
    /// Last day planned.
    pub to: NaiveDate,
    /// Agents in the configuration.
    pub agents_available: usize,
    /// Agents with at least one shift.
    pub agents_rostered: usize,
    /// Paid hours of the roster.
    pub paid_hours: f64,
    /// Paid cost of the roster (configured currency).
    pub paid_cost: f64,
    /// Currency of the cost.
    pub currency: String,
    /// Per channel, in configuration order.
    pub channels: Vec<BriefChannel>,
}

/// The part of `roster.json` the brief reads.
#[derive(Debug, Clone, Deserialize)]
pub struct BriefRoster {
    /// Its summary.
    pub summary: RosterFileSummary,
}

/// The roster summary fields the brief reads.
#[derive(Debug, Clone, Deserialize)]
pub struct RosterFileSummary {
    /// Paid cost.
    pub paid_cost: f64,
    /// Paid hours.
    pub paid_hours: f64,
    /// Agents with a shift.
    pub agents_rostered: usize,
    /// Per channel.
    pub channels: Vec<RosterFileChannel>,
}

/// One channel of the roster summary.
#[derive(Debug, Clone, Deserialize)]
pub struct RosterFileChannel {
    /// Channel name.
    pub channel: ChannelName,
    /// Agent-hours needed.
    pub required_hours: f64,
    /// Agent-hours rostered.
    pub scheduled_hours: f64,
}

/// One row of `simulation.summary.csv`.
#[derive(Debug, Clone, Deserialize)]
pub struct SimulationSummaryRow {
    /// `week` or a date.
    pub period: String,
    /// Channel name.
    pub channel: ChannelName,
    /// KPI name.
    pub kpi: String,
    /// Mean over the replications.
    pub mean: Option<f64>,
    /// Target, when the channel has one.
    pub target: Option<f64>,
    /// `met` / `missed` / empty.
    pub verdict: String,
}

impl WeekBrief {
    /// The week's predicted figure `kpi` of `channel` from the simulation summary.
    pub fn predicted(rows: &[SimulationSummaryRow], channel: &str, kpi: &str) -> Predicted {
        rows.iter()
            .find(|r| r.period == "week" && r.channel == channel && r.kpi == kpi)
            .map(|r| Predicted {
                value: r.mean,
                target: r.target,
                met: match r.verdict.as_str() {
                    "met" => Some(true),
                    "missed" => Some(false),
                    _ => None,
                },
            })
            .unwrap_or_default()
    }

    /// Targets met / with a target, over every channel and figure of the brief.
    pub fn targets_met(&self) -> (usize, usize) {
        let all = self
            .channels
            .iter()
            .flat_map(|c| [c.abandon_rate, c.asa_seconds, c.service_level]);
        let judged: Vec<bool> = all.filter_map(|p| p.met).collect();
        (judged.iter().filter(|m| **m).count(), judged.len())
    }

    /// The page: a headline, cards for contacts, staff and cost, and the channel table with every
    /// missed target in red.
    pub fn render_html(&self, links: &[(&str, &str)]) -> String {
        let mut h = String::new();
        let title = format!(
            "{}: the week of {}",
            self.centre,
            self.from.format("%-d %B %Y")
        );
        h.push_str(&crate::page::open(
            &title,
            &format!(
                "{} to {} &middot; forecast, roster and a simulation of the roster against the \
                 forecast",
                self.from, self.to
            ),
            crate::page::Width::Narrow,
        ));
        let contacts: f64 = self.channels.iter().map(|c| c.forecast_contacts).sum();
        let need: f64 = self.channels.iter().filter_map(|c| c.required_hours).sum();
        let have: f64 = self.channels.iter().filter_map(|c| c.rostered_hours).sum();
        let (met, judged) = self.targets_met();
        let _ = write!(
            h,
            r#"<div class="cards">
<div class="card"><div>Forecast</div><div class="v">{contacts} contacts</div><div>{per}</div></div>
<div class="card"><div>Staff</div><div class="v">{have} of {need} agent-hours</div><div>the targets need {need} h on the channels; the roster gives {have} h from {rostered} of {available} people</div></div>
<div class="card"><div>Cost</div><div class="v">{currency} {cost}</div><div>{paid} paid hours</div></div>
<div class="card"><div>Targets</div><div class="v {cls}">{met} of {judged} met</div><div>predicted by the simulation</div></div>
</div>
"#,
            contacts = thousands(contacts),
            per = esc(&self
                .channels
                .iter()
                .map(|c| format!("{} {}", c.label, thousands(c.forecast_contacts)))
                .collect::<Vec<_>>()
                .join(" · ")),
            have = thousands(have),
            need = thousands(need),
            rostered = self.agents_rostered,
            available = self.agents_available,
            currency = esc(&self.currency),
            cost = thousands(self.paid_cost),
            paid = thousands(self.paid_hours),
            cls = if met < judged { "bad" } else { "good" },
        );
        h.push_str(
            "<h2>Per channel: predicted against target</h2><table><tr><th class=\"l\">channel</th>\
             <th>forecast contacts</th><th>agent-hours needed</th><th>rostered</th>\
             <th>abandoned</th><th>ASA</th><th>service level</th></tr>",
        );
        let cell = |p: Predicted, show: &dyn Fn(Option<f64>) -> String| {
            let target = p
                .target
                .map(|t| format!(" <small>(target {})</small>", show(Some(t))))
                .unwrap_or_default();
            let class = if p.met == Some(false) {
                " class=\"bad\" title=\"target missed\""
            } else {
                ""
            };
            format!("<td{class}>{}{target}</td>", show(p.value))
        };
        for c in &self.channels {
            let _ = write!(
                h,
                "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}{}</tr>",
                esc(&c.label),
                thousands(c.forecast_contacts),
                c.required_hours.map_or_else(|| HTML_NONE.into(), thousands),
                c.rostered_hours.map_or_else(|| HTML_NONE.into(), thousands),
                if c.kind == "deferred" {
                    format!("<td>{HTML_NONE}</td>")
                } else {
                    cell(c.abandon_rate, &|v| pct(v, HTML_NONE))
                },
                if c.kind == "deferred" {
                    format!("<td>{HTML_NONE}</td>")
                } else {
                    cell(c.asa_seconds, &|v| duration(v, HTML_NONE))
                },
                cell(c.service_level, &|v| pct(v, HTML_NONE)),
            );
        }
        h.push_str("</table>");
        if !links.is_empty() {
            h.push_str("<h2>More</h2><ul>");
            for (href, text) in links {
                let _ = write!(h, "<li><a href=\"{}\">{}</a></li>", esc(href), esc(text));
            }
            h.push_str("</ul>");
        }
        h.push_str(&crate::page::close(None));
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        channel: &str,
        kpi: &str,
        mean: f64,
        target: Option<f64>,
        verdict: &str,
    ) -> SimulationSummaryRow {
        SimulationSummaryRow {
            period: "week".into(),
            channel: ChannelName::parse(channel).unwrap(),
            kpi: kpi.into(),
            mean: Some(mean),
            target,
            verdict: verdict.into(),
        }
    }

    #[test]
    fn the_headline_counts_targets_and_marks_every_miss() {
        let rows = vec![
            row("voice", "abandon_rate", 0.268, Some(0.1), "missed"),
            row("voice", "asa_seconds", 95.0, Some(120.0), "met"),
            row("voice", "service_level", 0.62, Some(0.8), "missed"),
        ];
        let voice = BriefChannel {
            channel: ChannelName::parse("voice").unwrap(),
            label: "Telephone".into(),
            kind: "live".into(),
            forecast_contacts: 4604.6,
            required_hours: Some(1664.6),
            rostered_hours: Some(898.75),
            abandon_rate: WeekBrief::predicted(&rows, "voice", "abandon_rate"),
            asa_seconds: WeekBrief::predicted(&rows, "voice", "asa_seconds"),
            service_level: WeekBrief::predicted(&rows, "voice", "service_level"),
        };
        let brief = WeekBrief {
            centre: "Northmoor Homes".into(),
            from: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            agents_available: 45,
            agents_rostered: 45,
            paid_hours: 1415.0,
            paid_cost: 18983.4,
            currency: "GBP".into(),
            channels: vec![voice],
        };
        assert_eq!(brief.targets_met(), (1, 3));
        let page = brief.render_html(&[("report.html", "Last quarter")]);
        assert!(page.contains("Northmoor Homes: the week of 16 November 2026"));
        assert!(page.contains("4,605 contacts"));
        assert!(page.contains("899 of 1,665 agent-hours"));
        assert!(page.contains("GBP 18,983"));
        assert!(page.contains("1 of 3 met"));
        assert!(page.contains(
            "<td class=\"bad\" title=\"target missed\">26.8% <small>(target 10.0%)</small></td>"
        ));
        assert!(page.contains("<td>1:35 <small>(target 2:00)</small></td>"));
        assert!(page.contains("<a href=\"report.html\">Last quarter</a>"));
    }
}
