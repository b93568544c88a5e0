//! The report as one self-contained HTML page: inline CSS and inline SVG charts drawn here, no
//! scripts, no fonts, images or style sheets from anywhere else (it opens offline and prints).

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::format::{duration, esc, fixed, pct, signed_pct, HTML_NONE, TEXT_NONE};
use super::{ChannelTargets, PerformanceReport, WeekRow};

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

struct Series<'a> {
    name: &'a str,
    color: &'a str,
    values: Vec<Option<f64>>,
}

/// The colour of the channel at `index` in configuration order, the same in every chart.
fn color(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One line per channel (`(index in configuration order, channel)`), the values week by week.
fn channel_series<'a>(
    channels: &[(usize, &'a ChannelTargets)],
    values: &dyn Fn(&str) -> Vec<Option<f64>>,
) -> Vec<Series<'a>> {
    channels
        .iter()
        .map(|(i, c)| Series {
            name: &c.channel,
            color: color(*i),
            values: values(&c.channel),
        })
        .collect()
}

/// The target line of the first live channel, when it has that target.
fn first_target(
    live: &[(usize, &ChannelTargets)],
    target: &dyn Fn(&ChannelTargets) -> Option<f64>,
    label: &dyn Fn(&str, f64) -> String,
) -> Vec<(f64, String, &'static str)> {
    live.first()
        .and_then(|(i, c)| target(c).map(|t| (t, label(&c.channel, t), color(*i))))
        .into_iter()
        .collect()
}

const W: f64 = 560.0;
const H: f64 = 240.0;
const L: f64 = 56.0;
const R: f64 = 12.0;
const T: f64 = 28.0;
const B: f64 = 42.0;

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * p {
            return m * p;
        }
    }
    10.0 * p
}

fn axes(
    svg: &mut String,
    title: &str,
    labels: &[NaiveDate],
    ymax: f64,
    fmt: &dyn Fn(f64) -> String,
) {
    let _ = write!(
        svg,
        r#"<svg role="img" viewBox="0 0 {W} {H}" width="{W}" height="{H}"><title>{}</title><text x="{L}" y="16" class="ct">{}</text>"#,
        esc(title),
        esc(title)
    );
    for i in 0..=4 {
        let v = ymax * f64::from(i) / 4.0;
        let y = H - B - (H - T - B) * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{L}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="yl">{}</text>"#,
            W - R,
            L - 6.0,
            y + 4.0,
            esc(&fmt(v))
        );
    }
    let n = labels.len().max(1);
    let step = (n / 8).max(1);
    for (i, d) in labels.iter().enumerate() {
        if i % step == 0 {
            let x = x_of(i, n);
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{:.1}" class="xl">{}</text>"#,
                H - B + 16.0,
                d.format("%d %b")
            );
        }
    }
}

fn x_of(i: usize, n: usize) -> f64 {
    let span = W - L - R;
    L + span * (i as f64 + 0.5) / n as f64
}

fn y_of(v: f64, ymax: f64) -> f64 {
    H - B - (H - T - B) * (v / ymax).clamp(0.0, 1.05)
}

/// Lines over weeks with optional horizontal target lines.
fn line_chart(
    title: &str,
    labels: &[NaiveDate],
    series: &[Series],
    targets: &[(f64, String, &str)],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(targets.iter().map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let ymax = nice_max(top * 1.05);
    let mut svg = String::new();
    axes(&mut svg, title, labels, ymax, fmt);
    let n = labels.len();
    for (v, label, color) in targets {
        let y = y_of(*v, ymax);
        let _ = write!(
            svg,
            r#"<line x1="{L}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{color}" stroke-dasharray="6 4" stroke-width="1.5"/><text x="{}" y="{:.1}" class="tl" fill="{color}">{}</text>"#,
            W - R,
            W - R - 2.0,
            y - 4.0,
            esc(label)
        );
    }
    for s in series {
        let pts: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x_of(i, n), y_of(v, ymax))))
            .collect();
        if !pts.is_empty() {
            let _ = write!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                pts.join(" "),
                s.color
            );
            for p in &pts {
                let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
                let _ = write!(
                    svg,
                    r#"<circle cx="{x}" cy="{y}" r="2.5" fill="{}"/>"#,
                    s.color
                );
            }
        }
    }
    legend(&mut svg, series.iter().map(|s| (s.name, s.color)));
    svg.push_str("</svg>");
    svg
}

fn legend<'a>(svg: &mut String, items: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut x = L;
    for (name, color) in items {
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{color}"/><text x="{:.1}" y="{:.1}" class="lg">{}</text>"#,
            H - 14.0,
            x + 14.0,
            H - 5.0,
            esc(name)
        );
        x += 22.0 + 7.0 * name.chars().count() as f64;
    }
}

/// Bars (actual offered) with a line (forecast made before the week).
fn bar_line_chart(title: &str, rows: &[&WeekRow]) -> String {
    let labels: Vec<NaiveDate> = rows.iter().map(|r| r.week_start).collect();
    let top = rows
        .iter()
        .map(|r| (r.offered as f64).max(r.forecast_offered.unwrap_or(0.0)))
        .fold(0.0_f64, f64::max);
    let ymax = nice_max(top * 1.05);
    let mut svg = String::new();
    axes(&mut svg, title, &labels, ymax, &|v| format!("{v:.0}"));
    let n = rows.len().max(1);
    let bw = (W - L - R) / n as f64 * 0.7;
    for (i, r) in rows.iter().enumerate() {
        let x = x_of(i, n) - bw / 2.0;
        let y = y_of(r.offered as f64, ymax);
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="#9ecae1"><title>{}: {} offered</title></rect>"##,
            (H - B - y).max(0.0),
            r.week_start,
            r.offered
        );
    }
    let pts: Vec<String> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.forecast_offered
                .map(|f| format!("{:.1},{:.1}", x_of(i, n), y_of(f, ymax)))
        })
        .collect();
    if !pts.is_empty() {
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#d62728" stroke-width="2"/>"##,
            pts.join(" ")
        );
    }
    legend(
        &mut svg,
        [
            ("offered", "#9ecae1"),
            ("forecast made before the week", "#d62728"),
        ]
        .into_iter(),
    );
    svg.push_str("</svg>");
    svg
}

/// The whole page.
pub fn render_html(r: &PerformanceReport) -> String {
    let mut weeks: Vec<NaiveDate> = r.rows.iter().map(|w| w.week_start).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let value_of = |ch: &str, f: &dyn Fn(&WeekRow) -> Option<f64>| -> Vec<Option<f64>> {
        weeks
            .iter()
            .map(|w| {
                r.rows
                    .iter()
                    .find(|x| x.channel == ch && x.week_start == *w)
                    .and_then(f)
            })
            .collect()
    };
    let all: Vec<(usize, &ChannelTargets)> = r.channels.iter().enumerate().collect();
    let live: Vec<(usize, &ChannelTargets)> = all
        .iter()
        .copied()
        .filter(|(_, c)| c.kind != "deferred")
        .collect();

    let mut html = String::new();
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 24px; color: #222; background: #fff; }}
h1 {{ font-size: 22px; margin: 0 0 4px 0; }} h2 {{ font-size: 17px; margin: 28px 0 8px 0; }}
p.sub {{ color: #555; margin: 0 0 16px 0; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 180px; }}
.card .v {{ font-size: 20px; font-weight: 600; }} .bad {{ color: #b30000; }} .good {{ color: #006d2c; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 16px; }}
svg {{ border: 1px solid #eee; background: #fcfcfc; }}
svg .ct {{ font-size: 13px; font-weight: 600; }} svg .yl {{ font-size: 10px; text-anchor: end; fill: #555; }}
svg .xl {{ font-size: 10px; text-anchor: middle; fill: #555; }} svg .lg {{ font-size: 11px; }}
svg .tl {{ font-size: 10px; text-anchor: end; }} svg .grid {{ stroke: #e6e6e6; }}
table {{ border-collapse: collapse; font-size: 12px; margin-top: 8px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 6px; text-align: right; }}
th {{ background: #f3f3f3; }} td.l, th.l {{ text-align: left; }}
footer {{ margin-top: 24px; color: #666; font-size: 12px; }}
</style></head><body>
<h1>{title}</h1>
<p class="sub">{from} to {to} &middot; per channel and week &middot; service level estimated from the interval figures (Erlang A with the logged-in agents)</p>
"#,
        title = esc(&format!("{}: contact-centre performance", r.centre)),
        from = r.from,
        to = r.to
    );

    // Headline cards: the whole period per channel.
    html.push_str("<h2>The period at a glance</h2><div class=\"cards\">");
    for c in &r.channels {
        let rows: Vec<&WeekRow> = r.channel_rows(&c.channel).collect();
        let offered: u64 = rows.iter().map(|w| w.offered).sum();
        let abandoned: f64 = rows
            .iter()
            .filter_map(|w| w.abandon_rate.map(|a| a * w.offered as f64))
            .sum();
        let rate = (offered > 0 && rows.iter().any(|w| w.abandon_rate.is_some()))
            .then(|| abandoned / offered as f64);
        let class = match (rate, c.max_abandon_rate) {
            (Some(a), Some(t)) if a > t => "bad",
            (Some(_), Some(_)) => "good",
            _ => "",
        };
        let _ = write!(
            html,
            r#"<div class="card"><div>{}</div><div class="v">{} offered</div>"#,
            esc(&c.label),
            offered
        );
        if c.kind != "deferred" {
            let _ = write!(
                html,
                r#"<div class="{class}">abandoned {}{}</div>"#,
                pct(rate, HTML_NONE),
                c.max_abandon_rate
                    .map(|t| format!(" (target under {:.0}%)", 100.0 * t))
                    .unwrap_or_default()
            );
        }
        html.push_str("</div>");
    }
    html.push_str("</div>");

    html.push_str("<h2>Service</h2><div class=\"charts\">");
    html.push_str(&line_chart(
        "Abandon rate per week",
        &weeks,
        &channel_series(&live, &|ch| value_of(ch, &|w| w.abandon_rate)),
        &first_target(&live, &|c| c.max_abandon_rate, &|ch, t| {
            format!("{ch} target {:.0}%", 100.0 * t)
        }),
        &|v| format!("{:.0}%", 100.0 * v),
    ));
    html.push_str(&line_chart(
        "Average speed of answer per week (seconds)",
        &weeks,
        &channel_series(&live, &|ch| value_of(ch, &|w| w.asa_seconds)),
        &first_target(&live, &|c| c.max_asa_seconds, &|ch, t| {
            format!("{ch} target {t:.0} s")
        }),
        &|v| format!("{v:.0}"),
    ));
    html.push_str(&line_chart(
        "Service level per week (estimated)",
        &weeks,
        &channel_series(&all, &|ch| value_of(ch, &|w| w.service_level)),
        &[],
        &|v| format!("{:.0}%", 100.0 * v),
    ));
    html.push_str(&line_chart(
        "Logged-in agent-hours against the requirement",
        &weeks,
        &channel_series(&all, &|ch| value_of(ch, &|w| w.staffing_ratio())),
        &[(1.0, "requirement".into(), "#444")],
        &|v| format!("{:.0}%", 100.0 * v),
    ));
    html.push_str("</div>");

    html.push_str("<h2>Demand and forecast accuracy</h2><div class=\"charts\">");
    for c in &r.channels {
        let rows: Vec<&WeekRow> = r.channel_rows(&c.channel).collect();
        html.push_str(&bar_line_chart(
            &format!("{}: offered per week", c.label),
            &rows,
        ));
    }
    html.push_str("</div>");

    html.push_str("<h2>Every channel and week</h2><table><tr>");
    for h in [
        "channel",
        "week",
        "days",
        "offered",
        "handled",
        "abandon",
        "ASA",
        "SL est.",
        "AHT",
        "forecast",
        "WAPE",
        "bias",
        "staffed h",
        "required h",
        "staffed / req.",
    ] {
        let _ = write!(html, "<th>{h}</th>");
    }
    html.push_str("</tr>");
    for w in &r.rows {
        let target = r.channels.iter().find(|c| c.channel == w.channel);
        let bad = matches!((w.abandon_rate, target.and_then(|t| t.max_abandon_rate)), (Some(a), Some(t)) if a > t);
        let _ = write!(
            html,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&w.channel),
            w.week_start,
            w.days,
            w.offered,
            w.handled.map_or_else(|| HTML_NONE.into(), |h| h.to_string()),
            if bad { " class=\"bad\"" } else { "" },
            pct(w.abandon_rate, HTML_NONE),
            // The plain-text table's ASA column, missing figures included.
            duration(w.asa_seconds, TEXT_NONE),
            pct(w.service_level, HTML_NONE),
            w.aht_seconds.map_or_else(|| HTML_NONE.into(), |a| format!("{a:.0} s")),
            fixed(w.forecast_offered, 0, HTML_NONE),
            pct(w.forecast_wape, HTML_NONE),
            signed_pct(w.forecast_bias, HTML_NONE),
            fixed(w.staffed_hours, 0, HTML_NONE),
            fixed(w.required_hours, 0, HTML_NONE),
            pct(w.staffing_ratio(), HTML_NONE),
        );
    }
    html.push_str("</table>");
    if !r.notes.is_empty() {
        html.push_str("<h2>Notes</h2><ul>");
        for n in &r.notes {
            let _ = write!(html, "<li>{}</li>", esc(n));
        }
        html.push_str("</ul>");
    }
    html.push_str(
        "<footer>Made by Rota (rota report). Forecast accuracy: the forecast each week that the \
         production pipeline would have published from the history before it, against what \
         happened (WAPE over intervals). Staffing against requirement: logged-in agent-hours \
         against the agent-hours the targets needed for the actual contacts.</footer></body></html>\n",
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_maxima() {
        assert_eq!(nice_max(0.43), 0.5);
        assert_eq!(nice_max(1.05), 1.2);
        assert_eq!(nice_max(870.0), 1000.0);
        assert_eq!(nice_max(0.0), 1.0);
    }
}
