//! How figures are written in the printed tables and the HTML pages of the performance report and
//! the scenario comparison, so that both say "12.3%" or "2.5 h" the same way.

/// Stands for a figure that is not available in a printed table.
pub(crate) const TEXT_NONE: &str = "-";
/// Stands for a figure that is not available on an HTML page (an en dash).
pub(crate) const HTML_NONE: &str = "–";

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
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

/// A number with `digits` decimals, or `none`.
pub(crate) fn fixed(x: Option<f64>, digits: usize, none: &str) -> String {
    x.map_or_else(|| none.into(), |v| format!("{v:.digits$}"))
}

/// Seconds, or hours for the long response times of deferred channels (`45 s`, `2.5 h`), or
/// `none`.
pub(crate) fn duration(x: Option<f64>, none: &str) -> String {
    match x {
        None => none.into(),
        Some(v) if v >= 3600.0 => format!("{:.1} h", v / 3600.0),
        Some(v) => format!("{v:.0} s"),
    }
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
        assert_eq!(fixed(Some(12.345), 1, TEXT_NONE), "12.3");
        assert_eq!(fixed(None, 0, TEXT_NONE), "-");
        assert_eq!(duration(Some(45.4), TEXT_NONE), "45 s");
        assert_eq!(duration(Some(9000.0), TEXT_NONE), "2.5 h");
        assert_eq!(duration(None, HTML_NONE), "–");
    }
}
