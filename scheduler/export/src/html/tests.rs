//! The printable grid: a table per week, every shift in its cell, markup escaped.

use super::*;
use crate::schedule::tests::sample;

fn page() -> String {
    let mut out = Vec::new();
    assert_eq!(write_html(&sample(), &mut out).expect("writes"), 1);
    String::from_utf8(out).unwrap()
}

#[test]
fn the_grid_has_every_shift_and_prints_landscape() {
    let p = page();
    assert!(p.starts_with("<!DOCTYPE html>"));
    assert!(p.contains("<title>Homes &amp; Co, North; &quot;Main&quot;: rota</title>"));
    assert!(p.contains("@page { size: A4 landscape"));
    assert!(p.contains("<th>Mon 19/10</th>"));
    assert!(p.contains("<td>08:00-16:30<span class=\"ch\">voice, chat</span></td>"));
    assert!(p.contains(
        "<td>07:00-11:00<span class=\"ch\">voice</span><br>16:00-20:00<span class=\"ch\">reception</span></td>"
    ));
    // Cat is off all week: seven greyed cells and 0 hours.
    let cat = p.split("<td class=\"l\">NH003</td>").nth(1).unwrap();
    let cat = cat.split("</tr>").next().unwrap();
    assert_eq!(cat.matches("<td class=\"off\">off</td>").count(), 7);
    assert!(cat.ends_with("<td>0</td>"));
    // Two teams: each has its heading row.
    assert!(p.contains("<tr class=\"team\"><td colspan=\"10\">Green</td></tr>"));
    assert!(p.contains("Bob O&#39;Neil, Jr") || p.contains("Bob O'Neil, Jr"));
}
