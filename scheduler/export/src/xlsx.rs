//! The rota as an Excel workbook (`rust_xlsxwriter`): a sheet per week (Monday to Sunday, cut to
//! the roster period), agents down, days across, each cell the day's shift times (`08:00-16:30`,
//! two shifts on two lines) or `off`, and the week's paid hours at the end of the row. Headings
//! and the agents' columns stay put when scrolling; it prints landscape, one page wide.

use std::io::Write;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

use crate::error::ExportError;
use crate::schedule::{day_heading, Schedule};

/// The first row of agents on each sheet (rows above: title, blank, headings).
pub const FIRST_AGENT_ROW: u32 = 3;
/// The first day's column (columns before: agent id, name, team).
pub const FIRST_DAY_COLUMN: u16 = 3;
/// What a day off shows.
pub const OFF: &str = "off";

/// Writes the workbook to `w`. Returns the number of sheets (weeks).
pub fn write_xlsx(schedule: &Schedule, w: &mut dyn Write) -> Result<usize, ExportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF3F3F3))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let off = cell.clone().set_font_color(Color::RGB(0x888888));
    let text = Format::new().set_border(FormatBorder::Thin);
    let number = text.clone().set_num_format("0.##");
    let weeks = schedule.weeks();
    for week in &weeks {
        let sheet = book.add_worksheet();
        sheet.set_name(week[0].format("Week of %d %b %Y").to_string())?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.write_string_with_format(
            0,
            0,
            format!(
                "{}: rota, {} to {}",
                schedule.centre,
                week[0].format("%a %d %b %Y"),
                week[week.len() - 1].format("%a %d %b %Y")
            ),
            &bold,
        )?;
        let header_row = FIRST_AGENT_ROW - 1;
        for (c, h) in ["Agent", "Name", "Team"].iter().enumerate() {
            sheet.write_string_with_format(header_row, c as u16, *h, &heading)?;
        }
        let total_col = FIRST_DAY_COLUMN + week.len() as u16;
        for (k, d) in week.iter().enumerate() {
            let col = FIRST_DAY_COLUMN + k as u16;
            sheet.write_string_with_format(header_row, col, day_heading(*d), &heading)?;
            sheet.set_column_width(col, 13)?;
        }
        sheet.write_string_with_format(header_row, total_col, "Paid hours", &heading)?;
        sheet.set_column_width(0, 10)?;
        sheet.set_column_width(1, 22)?;
        sheet.set_column_width(2, 14)?;
        sheet.set_column_width(total_col, 11)?;
        sheet.set_freeze_panes(FIRST_AGENT_ROW, FIRST_DAY_COLUMN)?;
        for (i, a) in schedule.agents.iter().enumerate() {
            let row = FIRST_AGENT_ROW + i as u32;
            sheet.write_string_with_format(row, 0, &a.id, &text)?;
            sheet.write_string_with_format(row, 1, &a.name, &text)?;
            sheet.write_string_with_format(row, 2, a.team.as_deref().unwrap_or(""), &text)?;
            let mut paid = 0.0;
            for (k, d) in week.iter().enumerate() {
                let col = FIRST_DAY_COLUMN + k as u16;
                let shifts: Vec<String> = a.on(*d).map(|s| s.times()).collect();
                paid += a.on(*d).map(|s| s.paid_hours()).sum::<f64>();
                match shifts.is_empty() {
                    true => sheet.write_string_with_format(row, col, OFF, &off)?,
                    false => sheet.write_string_with_format(row, col, shifts.join("\n"), &cell)?,
                };
            }
            sheet.write_number_with_format(row, total_col, paid, &number)?;
        }
    }
    let bytes = book.save_to_buffer()?;
    w.write_all(&bytes)?;
    Ok(weeks.len())
}

#[cfg(test)]
mod tests;
