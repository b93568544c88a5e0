//! The plain-text tables Rota prints (the report's weeks, the scenarios side by side, the
//! simulation's week): fixed-width columns separated by one space, text left-aligned and figures
//! right-aligned, so a planner can read them in a terminal or paste them into an email.
//!
//! One renderer for every table, so they all line up the same way.
//!
//! ```
//! use rota_data::table::{Align, Table};
//! let t = Table::new(&[(8, Align::Left), (7, Align::Right)]);
//! let mut out = String::new();
//! t.row(&mut out, &["channel", "offered"]);
//! t.row(&mut out, &["voice", "5,532"]);
//! assert_eq!(out, "channel  offered\nvoice      5,532\n");
//! ```

use std::fmt::Write as _;

/// Where a cell's text sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: names, dates.
    Left,
    /// Figures.
    Right,
}

/// A table's columns: each a width (in characters; longer text is not cut) and an alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    columns: Vec<(usize, Align)>,
}

impl Table {
    /// A table of these columns.
    pub fn new(columns: &[(usize, Align)]) -> Self {
        Self {
            columns: columns.to_vec(),
        }
    }

    /// A label column of `label_width` and `n` figure columns of `width` each (a table with one
    /// row per figure and one column per scenario).
    pub fn labelled(label_width: usize, n: usize, width: usize) -> Self {
        let mut columns = vec![(label_width, Align::Left)];
        columns.extend(std::iter::repeat_n((width, Align::Right), n));
        Self { columns }
    }

    /// Appends one line: each cell padded to its column, one space between columns. Cells beyond
    /// the columns are written right-aligned to the last column's width.
    pub fn row<S: AsRef<str>>(&self, out: &mut String, cells: &[S]) {
        for (i, cell) in cells.iter().enumerate() {
            let (width, align) = self
                .columns
                .get(i)
                .or(self.columns.last())
                .copied()
                .unwrap_or((0, Align::Left));
            if i > 0 {
                out.push(' ');
            }
            let cell = cell.as_ref();
            let _ = match align {
                Align::Left => write!(out, "{cell:<width$}"),
                Align::Right => write!(out, "{cell:>width$}"),
            };
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_padded_to_their_columns_and_long_text_is_kept() {
        let t = Table::labelled(6, 2, 4);
        let mut out = String::new();
        t.row(&mut out, &["", "a", "b"]);
        t.row(&mut out, &["voice", "12", "123456"]);
        assert_eq!(out, "          a    b\nvoice    12 123456\n");
    }
}
