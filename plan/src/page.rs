//! The one HTML page frame of the report, the scenarios page and the brief: a self-contained page
//! (no scripts, fonts or images from anywhere else, so it can be emailed or opened offline) with
//! one stylesheet, so the three read as one product.

use crate::report::format::esc;

/// The stylesheet every page shares: cards for headline figures, inline SVG charts, tables.
const STYLE: &str = r#"body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 24px; color: #222; background: #fff; }
body.narrow { margin: 24px auto; max-width: 70em; }
h1 { font-size: 22px; margin: 0 0 4px 0; } h2 { font-size: 17px; margin: 26px 0 8px 0; }
p.sub { color: #555; margin: 0 0 16px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 180px; }
.card .v { font-size: 20px; font-weight: 600; } .bad { color: #b30000; } .good { color: #006d2c; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg { border: 1px solid #eee; background: #fcfcfc; }
svg .ct { font-size: 13px; font-weight: 600; } svg .yl { font-size: 10px; text-anchor: end; fill: #555; }
svg .xl { font-size: 10px; text-anchor: middle; fill: #555; } svg .lg { font-size: 11px; } svg .vl { font-size: 11px; }
svg .tl { font-size: 10px; text-anchor: end; } svg .tm { font-size: 10px; fill: #d62728; text-anchor: middle; }
svg .cl { font-size: 10px; font-weight: 600; } svg .grid { stroke: #e6e6e6; }
table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; }
tr.ch td { background: #fafafa; font-weight: 600; text-align: left; }
footer { margin-top: 24px; color: #666; font-size: 12px; }
"#;

/// How wide the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// The whole window (wide tables and rows of charts).
    Full,
    /// A readable column (a one-page brief).
    Narrow,
}

/// The page up to and including its title and subtitle; `subtitle_html` is already escaped.
pub fn open(title: &str, subtitle_html: &str, width: Width) -> String {
    let class = match width {
        Width::Full => "",
        Width::Narrow => " class=\"narrow\"",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>\n{STYLE}</style></head><body{class}>\n<h1>{t}</h1>\n\
         <p class=\"sub\">{subtitle_html}</p>\n",
        t = esc(title)
    )
}

/// The end of the page, after an optional footer (already escaped HTML).
pub fn close(footer_html: Option<&str>) -> String {
    match footer_html {
        Some(f) => format!("<footer>{f}</footer></body></html>\n"),
        None => "</body></html>\n".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_escaped_and_the_page_closes() {
        let page = open("Homes & Co", "a &middot; b", Width::Narrow) + &close(None);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<title>Homes &amp; Co</title>"));
        assert!(page.contains("<body class=\"narrow\">"));
        assert!(page.ends_with("</body></html>\n"));
    }
}
