//! How figures are written in the printed tables and the HTML pages of the performance report and
//! the scenario comparison, so that both say "12.3%" or "2.5 h" the same way.

/// Stands for a figure that is not available in a printed table.
pub(crate) const TEXT_NONE: &str = "-";
/// Stands for a figure that is not available on an HTML page (an en dash).
pub(crate) const HTML_NONE: &str = "–";

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A share as a percentage with one decimal (`0.123` -> `12.3%`), or `none`.
pub(crate) fn pct(x: Option<f64>, none: &str) -> String {
    x.map_or_else(|| none.into(), |v| format!("{:.1}%", 100.0 * v))
}

/// A relative change as a signed percentage (`-0.05` -> `-5.0%`), or `none`.
pub(crate) fn signed_pct(x: Option<f64>, none: &str) -> String {
    x.map_or_else(|| none.into(), |v| format!("{:+.1}%", 100.0 * v))
}

/// A wait or handle time as a manager reads it: minutes and seconds under an hour (`0:45`,
/// `28:13`), hours above for the long response times of deferred channels (`2.5 h`), or `none`.
pub fn duration(x: Option<f64>, none: &str) -> String {
    match x {
        None => none.into(),
        Some(v) if v >= 3600.0 => format!("{:.1} h", v / 3600.0),
        Some(v) => {
            let s = v.round() as u64;
            format!("{}:{:02}", s / 60, s % 60)
        }
    }
}

/// A count or a number of hours with thousands separators (`54446.2` -> `54,446`): what people
/// read in tables; machine-facing CSV keeps plain numbers.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// [`thousands`] of an optional figure, or `none`.
pub(crate) fn thousands_or(x: Option<f64>, none: &str) -> String {
    x.map_or_else(|| none.into(), thousands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
    }

    #[test]
    fn figures_and_missing_figures() {
        assert_eq!(pct(Some(0.1234), TEXT_NONE), "12.3%");
        assert_eq!(pct(None, HTML_NONE), "–");
        assert_eq!(signed_pct(Some(-0.05), TEXT_NONE), "-5.0%");
        assert_eq!(signed_pct(Some(0.05), TEXT_NONE), "+5.0%");
        assert_eq!(duration(Some(45.4), TEXT_NONE), "0:45");
        assert_eq!(duration(Some(1693.0), TEXT_NONE), "28:13");
        assert_eq!(duration(Some(9000.0), TEXT_NONE), "2.5 h");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(54446.2), "54,446");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-4321.0), "-4,321");
        assert_eq!(thousands_or(None, TEXT_NONE), "-");
        assert_eq!(duration(None, HTML_NONE), "–");
    }
}
