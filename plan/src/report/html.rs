//! The report as one self-contained HTML page: inline CSS and inline SVG charts drawn here, no
//! scripts, no fonts, images or style sheets from anywhere else (it opens offline and prints).

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::format::{duration, esc, pct, signed_pct, thousands, HTML_NONE};
use super::{ChannelTargets, PerformanceReport, WeekRow};

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

struct Series<'a> {
    name: &'a str,
    color: &'a str,
    values: Vec<Option<f64>>,
    /// The channel's target on this chart, if it has one: a point on the wrong side is a miss.
    target: Option<f64>,
}

/// Which side of a target is a miss.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    /// Abandon rate, ASA: above the target is a miss.
    Lower,
    /// Service level, staffing against requirement: below the target is a miss.
    Higher,
}

impl Better {
    fn missed(self, value: f64, target: f64) -> bool {
        match self {
            Better::Lower => value > target + 1e-9,
            Better::Higher => value < target - 1e-9,
        }
    }
}

/// What a chart's y axis counts, which decides its round ticks and how they read.
#[derive(Clone, Copy, PartialEq)]
enum Scale {
    /// A share, ticks at round percentages.
    Percent,
    /// Seconds of waiting, ticks at round minutes and seconds (0:30, 1:00, 2:00, 5:00).
    Duration,
    /// Contacts, ticks at 1, 2, 2.5 or 5 times a power of ten with thousands separators.
    Count,
}

impl Scale {
    fn label(self, v: f64) -> String {
        match self {
            Scale::Percent => {
                let p = 100.0 * v;
                if (p - p.round()).abs() < 1e-6 {
                    format!("{p:.0}%")
                } else {
                    format!("{p:.1}%")
                }
            }
            Scale::Duration => duration(Some(v), ""),
            Scale::Count => super::format::thousands(v),
        }
    }

    /// The round tick step for an axis up to about `top`: at most five intervals.
    fn step(self, top: f64) -> f64 {
        let top = if top > 0.0 && top.is_finite() {
            top
        } else {
            1.0
        };
        if self == Scale::Duration {
            for s in [
                5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
            ] {
                if top / s <= 5.0 {
                    return s;
                }
            }
        }
        let raw = top / 5.0;
        let p = 10f64.powf(raw.log10().floor());
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
            if raw <= m * p * (1.0 + 1e-9) {
                return m * p;
            }
        }
        10.0 * p
    }
}

/// The y axis of a chart: round ticks up to `max`, and the values above it that are drawn capped
/// at the top with their own label (one outlier, e.g. a tiny channel's 300% staffing, must not
/// flatten every other line).
struct Axis {
    max: f64,
    step: f64,
}

impl Axis {
    /// The axis for `values` and `targets`: up to the largest value unless that is more than three
    /// times the median (one tiny channel's 370% staffing beside four near 60%), in which case the
    /// axis stops at 2.5 times the median, or above the highest target, and the rest is capped.
    fn new(scale: Scale, values: &[f64], targets: &[f64]) -> Self {
        let mut all: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        all.sort_by(f64::total_cmp);
        let top = all.last().copied().unwrap_or(0.0);
        let median = all.get(all.len() / 2).copied().unwrap_or(0.0);
        let target_top = targets
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let reach = if median > 0.0 && top > 3.0 * median {
            (2.5 * median).max(1.1 * target_top)
        } else {
            top.max(1.1 * target_top)
        };
        let step = scale.step(reach);
        let max = ((reach * 1.02 / step).ceil() * step).max(step);
        Self { max, step }
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let n = (self.max / self.step).round() as usize;
        (0..=n).map(move |i| self.step * i as f64)
    }

    fn y(&self, v: f64) -> f64 {
        H - B - (H - T - B) * (v / self.max).clamp(0.0, 1.0)
    }
}

/// The colour of the channel at `index` in configuration order, the same in every chart.
fn color(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One line per channel (`(index in configuration order, channel)`), the values week by week, with
/// the channel's own target.
fn channel_series<'a>(
    channels: &[(usize, &'a ChannelTargets)],
    values: &dyn Fn(&str) -> Vec<Option<f64>>,
    target: &dyn Fn(&ChannelTargets) -> Option<f64>,
) -> Vec<Series<'a>> {
    channels
        .iter()
        .map(|(i, c)| Series {
            name: c.channel.as_str(),
            color: color(*i),
            values: values(c.channel.as_str()),
            target: target(c),
        })
        .collect()
}

const W: f64 = 560.0;
const H: f64 = 240.0;
const L: f64 = 56.0;
const R: f64 = 12.0;
const T: f64 = 28.0;
const B: f64 = 42.0;

fn axes(svg: &mut String, title: &str, labels: &[NaiveDate], axis: &Axis, scale: Scale) {
    let _ = write!(
        svg,
        r#"<svg role="img" viewBox="0 0 {W} {H}" width="{W}" height="{H}"><title>{}</title><text x="{L}" y="16" class="ct">{}</text>"#,
        esc(title),
        esc(title)
    );
    for v in axis.ticks() {
        let y = axis.y(v);
        let _ = write!(
            svg,
            r#"<line x1="{L}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" class="yl">{}</text>"#,
            W - R,
            L - 6.0,
            y + 4.0,
            esc(&scale.label(v))
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

/// The target lines of a chart: one dashed line per distinct target, labelled with the channels
/// that share it (every channel's target is drawn, not only the first's).
fn target_lines(series: &[Series], extra: &[(f64, &str)]) -> Vec<(f64, String, &'static str)> {
    let mut lines: Vec<(f64, Vec<&str>)> = Vec::new();
    for s in series {
        if let Some(t) = s.target {
            if extra.iter().any(|(v, _)| (*v - t).abs() < 1e-9) {
                continue;
            }
            match lines.iter_mut().find(|(v, _)| (*v - t).abs() < 1e-9) {
                Some((_, names)) => names.push(s.name),
                None => lines.push((t, vec![s.name])),
            }
        }
    }
    let mut out: Vec<(f64, String, &'static str)> = extra
        .iter()
        .map(|(v, label)| (*v, label.to_string(), "#444"))
        .collect();
    for (v, names) in lines {
        out.push((v, format!("target: {}", names.join(", ")), "#b30000"));
    }
    out
}

/// Lines over weeks, each channel's target as a dashed line, misses ringed in red, and values
/// beyond the axis capped at the top with their figure.
fn line_chart(
    title: &str,
    labels: &[NaiveDate],
    series: &[Series],
    scale: Scale,
    better: Better,
    extra_targets: &[(f64, &str)],
) -> String {
    let targets = target_lines(series, extra_targets);
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let target_values: Vec<f64> = targets.iter().map(|t| t.0).collect();
    let axis = Axis::new(scale, &values, &target_values);
    let mut svg = String::new();
    axes(&mut svg, title, labels, &axis, scale);
    let n = labels.len();
    let mut label_ys: Vec<f64> = Vec::new();
    for (v, label, color) in &targets {
        let y = axis.y(*v);
        // Labels of targets close together are stacked upwards rather than printed over each other.
        let mut ly = y - 4.0;
        while label_ys.iter().any(|o| (o - ly).abs() < 11.0) {
            ly -= 11.0;
        }
        label_ys.push(ly);
        let _ = write!(
            svg,
            r#"<line x1="{L}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{color}" stroke-dasharray="6 4" stroke-width="1.2"/><text x="{}" y="{:.1}" class="tl" fill="{color}">{} {}</text>"#,
            W - R,
            W - R - 2.0,
            ly,
            esc(label),
            esc(&scale.label(*v))
        );
    }
    for s in series {
        let pts: Vec<(f64, f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (x_of(i, n), axis.y(v), v)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let line: Vec<String> = pts
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            line.join(" "),
            s.color
        );
        for &(x, y, v) in &pts {
            let miss = s.target.is_some_and(|t| better.missed(v, t));
            let tip = format!(
                "{}: {}{}",
                s.name,
                scale.label(v),
                if miss { " (target missed)" } else { "" }
            );
            if v > axis.max {
                // Capped: an upward triangle at the top edge (the figure in its tooltip).
                let _ = write!(
                    svg,
                    r#"<path d="M{:.1},{:.1} l-5,8 h10 z" fill="{}" class="cap"><title>{}</title></path>"#,
                    x,
                    y - 6.0,
                    s.color,
                    esc(&tip),
                );
            } else {
                let _ = write!(
                    svg,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="{}"><title>{}</title></circle>"#,
                    s.color,
                    esc(&tip)
                );
            }
            if miss {
                let _ = write!(
                    svg,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="5.5" fill="none" stroke="#b30000" stroke-width="1.5" class="miss"/>"##
                );
            }
        }
    }
    // One label per capped series, under the title: what lies above the axis and how far.
    let mut cap_y = T + 2.0;
    for s in series {
        let capped: Vec<f64> = s
            .values
            .iter()
            .flatten()
            .copied()
            .filter(|v| *v > axis.max)
            .collect();
        if capped.is_empty() {
            continue;
        }
        let lo = capped.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = capped.iter().copied().fold(0.0_f64, f64::max);
        let range = if capped.len() == 1 {
            scale.label(hi)
        } else {
            format!("{} to {}", scale.label(lo), scale.label(hi))
        };
        let weeks = if capped.len() == 1 { "week" } else { "weeks" };
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="cl" fill="{}">&#9650; {} above the chart in {} {weeks}: {}</text>"#,
            L + 4.0,
            cap_y + 9.0,
            s.color,
            esc(s.name),
            capped.len(),
            esc(&range)
        );
        cap_y += 11.0;
    }
    legend(&mut svg, series.iter().map(|s| (s.name, s.color)), true);
    svg.push_str("</svg>");
    svg
}

fn legend<'a>(svg: &mut String, items: impl Iterator<Item = (&'a str, &'a str)>, misses: bool) {
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
    if !misses {
        return;
    }
    let _ = write!(
        svg,
        r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="none" stroke="#b30000" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" class="lg">missed</text>"##,
        x + 5.0,
        H - 9.0,
        x + 14.0,
        H - 5.0
    );
}

/// Bars (actual offered) with a line (forecast made before the week).
fn bar_line_chart(title: &str, rows: &[&WeekRow]) -> String {
    let labels: Vec<NaiveDate> = rows.iter().map(|r| r.week_start).collect();
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|r| [Some(r.offered as f64), r.forecast_offered])
        .flatten()
        .collect();
    let top = values.iter().copied().fold(0.0_f64, f64::max);
    // Volumes are not capped: a busy week is the point of this chart.
    let axis = Axis::new(Scale::Count, &[top], &[]);
    let mut svg = String::new();
    axes(&mut svg, title, &labels, &axis, Scale::Count);
    let n = rows.len().max(1);
    let bw = (W - L - R) / n as f64 * 0.7;
    for (i, r) in rows.iter().enumerate() {
        let x = x_of(i, n) - bw / 2.0;
        let y = axis.y(r.offered as f64);
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="#9ecae1"><title>{}: {} offered</title></rect>"##,
            (H - B - y).max(0.0),
            r.week_start,
            super::format::thousands(r.offered as f64)
        );
    }
    let pts: Vec<String> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.forecast_offered
                .map(|f| format!("{:.1},{:.1}", x_of(i, n), axis.y(f)))
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
        false,
    );
    svg.push_str("</svg>");
    svg
}

/// Headline cards: the whole period per channel, offered and abandoned against target.
fn headline_cards(r: &PerformanceReport) -> String {
    let mut html = String::new();
    html.push_str("<h2>The period at a glance</h2><div class=\"cards\">");
    for c in &r.channels {
        let rows: Vec<&WeekRow> = r.channel_rows(c.channel.as_str()).collect();
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
            thousands(offered as f64)
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

    html
}

/// Every channel and week as a table, each missed target marked.
fn week_table(r: &PerformanceReport) -> String {
    let mut html = String::new();
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
        "error per interval",
        "per day",
        "bias (week)",
        "staffed h",
        "required h",
        "staffed / req.",
    ] {
        let _ = write!(html, "<th>{h}</th>");
    }
    html.push_str("</tr>");
    for w in &r.rows {
        let target = r.channels.iter().find(|c| c.channel == w.channel);
        let t = |f: &dyn Fn(&ChannelTargets) -> Option<f64>| target.and_then(f);
        // Every missed target is marked, not only the abandon rate.
        let mark = |v: Option<f64>, t: Option<f64>, better: Better| match (v, t) {
            (Some(v), Some(t)) if better.missed(v, t) => " class=\"bad\" title=\"target missed\"",
            _ => "",
        };
        let _ = write!(
            html,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td{}>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>",
            esc(w.channel.as_str()),
            w.week_start,
            w.days,
            thousands(w.offered as f64),
            w.handled.map_or_else(|| HTML_NONE.into(), |h| thousands(h as f64)),
            mark(w.abandon_rate, t(&|c| c.max_abandon_rate), Better::Lower),
            pct(w.abandon_rate, HTML_NONE),
            mark(w.asa_seconds, t(&|c| c.max_asa_seconds), Better::Lower),
            duration(w.asa_seconds, HTML_NONE),
            mark(w.service_level, t(&|c| c.service_level), Better::Higher),
            pct(w.service_level, HTML_NONE),
            duration(w.aht_seconds, HTML_NONE),
            w.forecast_offered.map_or_else(|| HTML_NONE.into(), thousands),
            pct(w.forecast_wape, HTML_NONE),
            pct(w.forecast_wape_daily, HTML_NONE),
            signed_pct(w.forecast_bias, HTML_NONE),
            w.staffed_hours.map_or_else(|| HTML_NONE.into(), thousands),
            w.required_hours.map_or_else(|| HTML_NONE.into(), thousands),
            mark(w.staffing_ratio(), Some(1.0), Better::Higher),
            pct(w.staffing_ratio(), HTML_NONE),
        );
    }
    html.push_str("</table>");
    html
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
    html.push_str(&crate::page::open(
        &format!("{}: contact-centre performance", r.centre),
        &format!(
            "{} to {} &middot; per channel and week &middot; service level estimated from the \
             interval figures (Erlang A with the logged-in agents)",
            r.from, r.to
        ),
        crate::page::Width::Full,
    ));

    html.push_str(&headline_cards(r));

    html.push_str("<h2>Service</h2><div class=\"charts\">");
    html.push_str(&line_chart(
        "Abandon rate per week",
        &weeks,
        &channel_series(&live, &|ch| value_of(ch, &|w| w.abandon_rate), &|c| {
            c.max_abandon_rate
        }),
        Scale::Percent,
        Better::Lower,
        &[],
    ));
    html.push_str(&line_chart(
        "Average speed of answer per week (minutes:seconds)",
        &weeks,
        &channel_series(&live, &|ch| value_of(ch, &|w| w.asa_seconds), &|c| {
            c.max_asa_seconds
        }),
        Scale::Duration,
        Better::Lower,
        &[],
    ));
    html.push_str(&line_chart(
        "Service level per week (estimated)",
        &weeks,
        &channel_series(&all, &|ch| value_of(ch, &|w| w.service_level), &|c| {
            c.service_level
        }),
        Scale::Percent,
        Better::Higher,
        &[],
    ));
    html.push_str(&line_chart(
        "Logged-in agent-hours against the requirement",
        &weeks,
        &channel_series(&all, &|ch| value_of(ch, &|w| w.staffing_ratio()), &|_| {
            Some(1.0)
        }),
        Scale::Percent,
        Better::Higher,
        &[(1.0, "requirement")],
    ));
    html.push_str("</div>");

    html.push_str("<h2>Demand and forecast accuracy</h2><div class=\"charts\">");
    for c in &r.channels {
        let rows: Vec<&WeekRow> = r.channel_rows(c.channel.as_str()).collect();
        html.push_str(&bar_line_chart(
            &format!("{}: offered per week", c.label),
            &rows,
        ));
    }
    html.push_str("</div>");

    html.push_str(&week_table(r));
    if !r.notes.is_empty() {
        html.push_str("<h2>Notes</h2><ul>");
        for n in &r.notes {
            let _ = write!(html, "<li>{}</li>", esc(n));
        }
        html.push_str("</ul>");
    }
    html.push_str(&crate::page::close(Some(
        "Made by Rota (rota report). Forecast accuracy: the forecast each week that the \
         production pipeline would have published from the history before it, against what \
         happened: the error per interval and per day (WAPE: the absolute errors over the actual \
         contacts) and the week's bias. Small channels' interval errors are mostly chance; judge \
         them by the day. Staffing against requirement: logged-in agent-hours \
         against the agent-hours the targets needed for the actual contacts.",
    )));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ticks_are_round_numbers() {
        let ticks = |scale: Scale, top: f64| -> Vec<f64> {
            let a = Axis::new(scale, &[top], &[]);
            a.ticks().map(|t| (t * 1e6).round() / 1e6).collect()
        };
        // The old axis split 2,500 in quarters: 625, 1,250, 1,875.
        assert_eq!(
            ticks(Scale::Count, 2400.0),
            vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
        );
        assert_eq!(
            ticks(Scale::Percent, 0.43),
            vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
        );
        assert_eq!(
            ticks(Scale::Duration, 1326.0),
            vec![0.0, 300.0, 600.0, 900.0, 1200.0, 1500.0]
        );
        assert_eq!(Scale::Duration.label(300.0), "5:00");
        assert_eq!(Scale::Percent.label(0.25), "25%");
        assert_eq!(Scale::Count.label(2500.0), "2,500");
        for top in [0.0, 0.003, 7.0, 61.0, 999.0, 1e6] {
            let a = Axis::new(Scale::Count, &[top], &[]);
            assert!(
                a.max >= top && a.max <= 2.0 * top.max(a.step),
                "{top}: {}",
                a.max
            );
            assert!((a.max / a.step - (a.max / a.step).round()).abs() < 1e-9);
        }
    }

    #[test]
    fn an_outlier_is_capped_and_the_target_stays_on_the_axis() {
        // Eleven weeks near 100% staffing and one at 320%: the axis stops near the rest.
        let a = Axis::new(
            Scale::Percent,
            &[0.6, 0.55, 0.7, 3.7, 3.2, 0.65, 0.6],
            &[1.0],
        );
        assert!(
            a.max <= 2.0 && a.max >= 1.1,
            "a whole channel far above: axis to {}",
            a.max
        );
        let mut values = vec![0.95, 1.0, 1.05, 0.9, 1.1, 0.97, 1.02, 0.99, 1.0, 1.03, 0.96];
        values.push(3.2);
        let a = Axis::new(Scale::Percent, &values, &[1.0]);
        assert!(
            a.max < 3.2 && a.max >= 1.1,
            "the outlier is capped: axis to {}",
            a.max
        );
        // A target above every value is still drawn inside the chart.
        let a = Axis::new(Scale::Duration, &[30.0, 45.0], &[120.0]);
        assert!(a.max >= 120.0, "{}", a.max);
        // On a chart, the capped channel is labelled with what lies above the axis.
        let (ok, social) = (targets("email", None), targets("social", None));
        let chans = [(0, &ok), (1, &social)];
        let weeks: Vec<NaiveDate> = (0..4)
            .map(|i| NaiveDate::from_ymd_opt(2026, 11, 2).unwrap() + chrono::Duration::weeks(i))
            .collect();
        let series = channel_series(
            &chans,
            &|ch| match ch {
                "email" => vec![Some(0.9), Some(1.0), Some(1.1), Some(0.95)],
                _ => vec![Some(0.8), Some(3.1), Some(3.7), Some(1.0)],
            },
            &|_| Some(1.0),
        );
        let svg = line_chart(
            "Staffing",
            &weeks,
            &series,
            Scale::Percent,
            Better::Higher,
            &[(1.0, "requirement")],
        );
        assert!(
            svg.contains("social above the chart in 2 weeks: 310% to 370%"),
            "{svg}"
        );
        assert_eq!(svg.matches("class=\"cap\"").count(), 2);
    }

    fn targets(channel: &str, abandon: Option<f64>) -> ChannelTargets {
        ChannelTargets {
            channel: rota_data::channel::ChannelName::parse(channel).unwrap(),
            label: channel.into(),
            kind: "live".into(),
            max_abandon_rate: abandon,
            max_asa_seconds: None,
            service_level: None,
            service_level_text: None,
        }
    }

    #[test]
    fn every_channels_target_is_drawn_and_misses_are_ringed() {
        let voice = targets("voice", Some(0.1));
        let chat = targets("chat", Some(0.05));
        let web = targets("web", Some(0.1));
        let chans = [(0, &voice), (1, &chat), (2, &web)];
        let weeks = [
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
        ];
        let series = channel_series(
            &chans,
            &|ch| match ch {
                "voice" => vec![Some(0.08), Some(0.12)],
                "chat" => vec![Some(0.06), Some(0.04)],
                _ => vec![Some(0.02), None],
            },
            &|c| c.max_abandon_rate,
        );
        let svg = line_chart(
            "Abandon",
            &weeks,
            &series,
            Scale::Percent,
            Better::Lower,
            &[],
        );
        assert!(svg.contains("target: voice, web 10%"), "{svg}");
        assert!(svg.contains("target: chat 5%"), "{svg}");
        assert_eq!(
            svg.matches("class=\"miss\"").count(),
            2,
            "voice week 2, chat week 1"
        );
        assert!(svg.contains("voice: 12% (target missed)"));
    }
}
