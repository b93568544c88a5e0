//! The printable rota: in the page frame the report and the brief share (`rota_plan::page`), a
//! table per week with agents down (by team) and days across, each cell the shift's times and the
//! channels worked, a day off greyed. Printed, each week starts a new landscape page and the day
//! headings repeat on every page.

use std::io::Write;

use rota_plan::page::{self, Width};
use rota_plan::report::format::esc;

use crate::error::ExportError;
use crate::schedule::{day_heading, hours, AgentSchedule, Schedule};

/// The grid's own styles, added to the shared frame's: compact cells, and the print rules.
const GRID_STYLE: &str = r#"<style>
table.rota td, table.rota th { text-align: center; vertical-align: top; min-width: 6.5em; }
table.rota td.l, table.rota th.l { text-align: left; }
table.rota td.off { color: #999; background: #f7f7f7; }
table.rota .ch { display: block; color: #555; font-size: 11px; }
table.rota tr.team td { background: #fafafa; font-weight: 600; text-align: left; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; font-size: 11px; }
  h2.week { break-before: page; }
  h2.week:first-of-type { break-before: auto; }
  table.rota thead { display: table-header-group; }
  table.rota tr { break-inside: avoid; }
}
</style>
"#;

/// Writes the page to `w`. Returns the number of weeks (tables).
pub fn write_html(schedule: &Schedule, w: &mut dyn Write) -> Result<usize, ExportError> {
    let weeks = schedule.weeks();
    let (first, last) = (schedule.first_date, schedule.last_date);
    let mut out = page::open(
        &format!("{}: rota", schedule.centre),
        &esc(&format!(
            "{} to {} · {} agents rostered · times in {}",
            first.format("%a %d %b %Y"),
            last.format("%a %d %b %Y"),
            schedule.rostered().count(),
            schedule.tz.name()
        )),
        Width::Full,
    );
    out.push_str(GRID_STYLE);
    let mut teams: Vec<Option<&str>> = Vec::new();
    for a in &schedule.agents {
        if !teams.contains(&a.team.as_deref()) {
            teams.push(a.team.as_deref());
        }
    }
    for week in &weeks {
        out.push_str(&format!(
            "<h2 class=\"week\">Week of {}</h2>\n<table class=\"rota\"><thead><tr>\
             <th class=\"l\">Agent</th><th class=\"l\">Name</th>",
            esc(&week[0].format("%a %d %b %Y").to_string())
        ));
        for d in week {
            out.push_str(&format!("<th>{}</th>", esc(&day_heading(*d))));
        }
        out.push_str("<th>Paid hours</th></tr></thead>\n<tbody>\n");
        for team in &teams {
            let members: Vec<&AgentSchedule> = schedule
                .agents
                .iter()
                .filter(|a| a.team.as_deref() == *team)
                .collect();
            if let (Some(t), true) = (team, teams.len() > 1) {
                out.push_str(&format!(
                    "<tr class=\"team\"><td colspan=\"{}\">{}</td></tr>\n",
                    week.len() + 3,
                    esc(t)
                ));
            }
            for a in members {
                out.push_str(&row(a, week));
            }
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str(&page::close(Some(&esc(&format!(
        "Rota {} for {}: shift start and end, local times; the channels worked below.",
        env!("CARGO_PKG_VERSION"),
        schedule.centre
    )))));
    w.write_all(out.as_bytes())?;
    Ok(weeks.len())
}

/// One agent's row of one week.
fn row(a: &AgentSchedule, week: &[chrono::NaiveDate]) -> String {
    let mut out = format!(
        "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td>",
        esc(&a.id),
        esc(&a.name)
    );
    let mut paid = 0.0;
    for d in week {
        let shifts: Vec<String> = a
            .on(*d)
            .map(|s| {
                paid += s.paid_hours();
                format!(
                    "{}<span class=\"ch\">{}</span>",
                    esc(&s.times()),
                    esc(&s.channels().join(", "))
                )
            })
            .collect();
        match shifts.is_empty() {
            true => out.push_str("<td class=\"off\">off</td>"),
            false => out.push_str(&format!("<td>{}</td>", shifts.join("<br>"))),
        }
    }
    out.push_str(&format!("<td>{}</td></tr>\n", hours(paid)));
    out
}

#[cfg(test)]
mod tests;
