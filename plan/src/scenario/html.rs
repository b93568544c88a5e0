//! The comparison as one self-contained HTML page (inline CSS and SVG; no scripts, no external
//! resources), for the demo summary and for sending to a manager.

use std::fmt::Write as _;

use super::run::{Comparison, Outcome};
use crate::report::format::{duration, esc, pct, HTML_NONE};

/// Horizontal bars, one per scenario, with an optional dashed target line.
fn hbar_chart(
    title: &str,
    items: &[(String, Option<f64>)],
    target: Option<(f64, String)>,
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let (w, label_w, bar_h, gap, top) = (560.0, 150.0, 18.0, 8.0, 30.0);
    let h = top + items.len() as f64 * (bar_h + gap) + 24.0;
    let max = items
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(target.iter().map(|t| t.0))
        .fold(0.0_f64, f64::max)
        .max(1e-9)
        * 1.1;
    let x_of = |v: f64| label_w + (w - label_w - 70.0) * (v / max).clamp(0.0, 1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title><text x="8" y="18" class="ct">{t}</text>"#,
        t = esc(title)
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + i as f64 * (bar_h + gap);
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" class="yl">{}</text>"#,
            label_w - 6.0,
            y + bar_h - 5.0,
            esc(label)
        );
        if let Some(v) = v {
            let color = if i == 0 { "#7f7f7f" } else { "#1f77b4" };
            let _ = write!(
                svg,
                r#"<rect x="{label_w}" y="{y:.1}" width="{:.1}" height="{bar_h}" fill="{color}"/><text x="{:.1}" y="{:.1}" class="vl">{}</text>"#,
                (x_of(*v) - label_w).max(0.0),
                x_of(*v) + 4.0,
                y + bar_h - 5.0,
                esc(&fmt(*v))
            );
        }
    }
    if let Some((v, label)) = target {
        let x = x_of(v);
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#d62728" stroke-dasharray="5 4" stroke-width="1.5"/><text x="{x:.1}" y="{:.1}" class="tm">{}</text>"##,
            top - 4.0,
            h - 18.0,
            h - 6.0,
            esc(&label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Every figure of every scenario side by side: the staffing, then each channel's figures.
fn side_by_side(c: &Comparison) -> String {
    let mut html = String::new();
    html.push_str("<h2>Side by side</h2><table><tr><th></th>");
    for o in &c.outcomes {
        let _ = write!(html, "<th>{}</th>", esc(&o.name));
    }
    html.push_str("</tr>");
    let row = |html: &mut String, label: &str, f: &dyn Fn(&Outcome) -> String| {
        let _ = write!(html, "<tr><td class=\"l\">{}</td>", esc(label));
        for o in &c.outcomes {
            let _ = write!(html, "<td>{}</td>", esc(&f(o)));
        }
        html.push_str("</tr>");
    };
    row(&mut html, "agents (FTE)", &|o| {
        format!("{} ({:.1})", o.agents, o.headcount_fte)
    });
    row(&mut html, "required FTE", &|o| {
        format!("{:.1}", o.required_fte)
    });
    row(&mut html, "roster paid hours", &|o| {
        o.roster
            .as_ref()
            .map_or_else(|| HTML_NONE.into(), |r| format!("{:.1}", r.paid_hours))
    });
    row(
        &mut html,
        &format!("roster paid cost ({})", c.currency),
        &|o| {
            o.roster
                .as_ref()
                .map_or_else(|| HTML_NONE.into(), |r| format!("{:.0}", r.paid_cost))
        },
    );
    for (ch, kind) in &c.channel_kinds() {
        let _ = write!(
            html,
            "<tr class=\"ch\"><td colspan=\"{}\">{} ({})</td></tr>",
            c.outcomes.len() + 1,
            esc(ch.as_str()),
            esc(kind)
        );
        let get = |o: &Outcome| o.channel(ch.as_str()).cloned();
        row(&mut html, "offered", &|o| {
            get(o).map_or_else(|| HTML_NONE.into(), |x| format!("{:.0}", x.offered))
        });
        row(&mut html, "AHT", &|o| {
            get(o).map_or_else(|| HTML_NONE.into(), |x| format!("{:.0} s", x.aht_seconds))
        });
        row(&mut html, "required FTE", &|o| {
            get(o).map_or_else(|| HTML_NONE.into(), |x| format!("{:.1}", x.required_fte))
        });
        row(&mut html, "rostered / short hours", &|o| {
            get(o)
                .and_then(|x| Some((x.rostered_hours?, x.shortfall_hours?)))
                .map_or_else(|| HTML_NONE.into(), |(r, s)| format!("{r:.0} / {s:.0}"))
        });
        if kind == "deferred" {
            row(&mut html, "within response target", &|o| {
                pct(get(o).and_then(|x| x.kpis?.service_level), HTML_NONE)
            });
        } else {
            row(&mut html, "abandon rate", &|o| {
                pct(
                    get(o).and_then(|x| x.kpis).map(|k| k.abandon_rate),
                    HTML_NONE,
                )
            });
            row(&mut html, "ASA", &|o| {
                duration(get(o).and_then(|x| x.kpis?.asa_seconds), HTML_NONE)
            });
            row(&mut html, "service level", &|o| {
                pct(get(o).and_then(|x| x.kpis?.service_level), HTML_NONE)
            });
        }
    }
    html.push_str("</table>");
    html
}

/// The page: charts of required FTE and per live channel abandon rate and ASA by scenario, the
/// full table, and which targets each scenario's roster misses.
pub fn render_html(c: &Comparison) -> String {
    let mut html = String::new();
    let title = format!("{}: what-if scenarios", c.centre);
    html.push_str(&crate::page::open(
        &title,
        &format!(
            "{days} day(s) from {from} &middot; forecast {q} &middot; 1 FTE = {fte} paid hours a \
             week &middot; KPIs: {src}",
            days = c.days,
            from = c.from,
            q = esc(&c.quantile),
            fte = c.fte_hours_per_week,
            src = esc(&c.kpi_source)
        ),
        crate::page::Width::Full,
    ));

    html.push_str("<h2>Staffing</h2><div class=\"charts\">");
    let fte: Vec<(String, Option<f64>)> = c
        .outcomes
        .iter()
        .map(|o| (o.name.clone(), Some(o.required_fte)))
        .collect();
    let headcount = c.outcomes.first().map(|o| o.headcount_fte);
    html.push_str(&hbar_chart(
        "Required FTE (after shrinkage)",
        &fte,
        headcount.map(|h| (h, format!("baseline headcount {h:.1} FTE"))),
        &|v| format!("{v:.1}"),
    ));
    let live: Vec<(rota_data::channel::ChannelName, String)> = c
        .channel_kinds()
        .into_iter()
        .filter(|(_, kind)| kind != "deferred")
        .collect();
    html.push_str("</div>");
    if c.outcomes.iter().any(|o| o.roster.is_some()) {
        html.push_str("<h2>Service the roster delivers</h2><div class=\"charts\">");
        for (ch, _) in &live {
            let get = |o: &Outcome, f: &dyn Fn(&super::run::Kpis) -> Option<f64>| {
                o.channel(ch).and_then(|x| x.kpis.as_ref().and_then(f))
            };
            let abandon: Vec<(String, Option<f64>)> = c
                .outcomes
                .iter()
                .map(|o| (o.name.clone(), get(o, &|k| Some(k.abandon_rate))))
                .collect();
            html.push_str(&hbar_chart(
                &format!("{ch}: abandon rate"),
                &abandon,
                c.outcomes
                    .first()
                    .and_then(|o| o.channel(ch)?.max_abandon_rate)
                    .map(|t| (t, format!("target {:.0}%", 100.0 * t))),
                &|v| format!("{:.1}%", 100.0 * v),
            ));
            let asa: Vec<(String, Option<f64>)> = c
                .outcomes
                .iter()
                .map(|o| (o.name.clone(), get(o, &|k| k.asa_seconds)))
                .collect();
            html.push_str(&hbar_chart(
                &format!("{ch}: ASA (seconds)"),
                &asa,
                c.outcomes
                    .first()
                    .and_then(|o| o.channel(ch)?.max_asa_seconds)
                    .map(|t| (t, format!("target {t:.0} s"))),
                &|v| format!("{v:.0} s"),
            ));
        }
        html.push_str("</div>");
    }

    html.push_str(&side_by_side(c));
    html.push_str("<h2>Targets</h2><ul>");
    for o in &c.outcomes {
        let _ = write!(html, "<li><b>{}</b>", esc(&o.name));
        if let Some(d) = &o.description {
            let _ = write!(html, " ({})", esc(d));
        }
        if o.roster.is_none() {
            html.push_str(": no roster</li>");
            continue;
        }
        if o.misses.is_empty() {
            html.push_str(
                ": <span class=\"good\">the roster meets every configured target</span></li>",
            );
        } else {
            let _ = write!(
                html,
                ": <span class=\"bad\">the configured headcount cannot meet {} target(s)</span><ul>",
                o.misses.len()
            );
            for m in &o.misses {
                let _ = write!(html, "<li>{}</li>", esc(&m.text));
            }
            html.push_str("</ul></li>");
        }
    }
    html.push_str("</ul>");
    // where each scenario's roster moved capacity, and what it bought (render::capacity_moves)
    let moves: Vec<(&str, String)> = c
        .outcomes
        .first()
        .map(|b| {
            c.outcomes
                .iter()
                .filter_map(|o| super::render::capacity_moves(b, o).map(|m| (o.name.as_str(), m)))
                .collect()
        })
        .unwrap_or_default();
    if !moves.is_empty() {
        html.push_str("<h2>Where the capacity went</h2><ul>");
        for (name, m) in moves {
            let _ = write!(html, "<li><b>{}</b>: {}</li>", esc(name), esc(&m));
        }
        html.push_str("</ul>");
    }
    html.push_str(&crate::page::close(None));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_target_are_drawn_and_text_escaped() {
        let svg = hbar_chart(
            "a <b>",
            &[("x".into(), Some(1.0)), ("y".into(), None)],
            Some((2.0, "t".into())),
            &|v| format!("{v}"),
        );
        assert!(svg.contains("a &lt;b&gt;"));
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains("stroke-dasharray"));
    }
}
