//! Line numbers that are right whatever the line endings.
//!
//! The `csv` crate's record positions drift by one on files with CRLF endings (what Excel and most
//! Windows exports write): it ends a record at the `\r` and reports the next record as starting at
//! the `\n` that follows, so its line count, and every diagnostic, was one line early. Instead, the
//! reader is wrapped so that the byte offset of every `\n` and `\r` is recorded as the bytes stream
//! past. A record's first real byte is the first one at or after csv's offset that is not a line
//! terminator (no record starts with one: empty lines are skipped), and its line is 1 + the number
//! of newlines before that byte. This holds for LF, CRLF and quoted fields spanning lines
//! alike. The index costs 8 bytes a line (2.8 MB for two years of 15-minute history on five
//! channels, twice that for CRLF).

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

/// Shared lists of newline and carriage-return offsets, filled by [`Indexed`] and read by
/// [`LineIndex::line_of`].
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    offsets: Rc<RefCell<Terminators>>,
}

#[derive(Debug, Default)]
struct Terminators {
    newlines: Vec<u64>,
    returns: Vec<u64>,
}

impl LineIndex {
    /// Wraps `inner` so that its newlines are recorded in this index.
    pub fn wrap<R: Read>(&self, inner: R) -> Indexed<R> {
        Indexed {
            inner,
            offset: 0,
            offsets: Rc::clone(&self.offsets),
        }
    }

    /// The 1-based line of the record csv reports as starting at byte `offset`.
    pub fn line_of(&self, offset: u64) -> u64 {
        let t = self.offsets.borrow();
        let mut at = offset;
        while t.newlines.binary_search(&at).is_ok() || t.returns.binary_search(&at).is_ok() {
            at += 1;
        }
        t.newlines.partition_point(|&nl| nl < at) as u64 + 1
    }
}

/// A reader that records where its newlines are (see [`LineIndex`]).
#[derive(Debug)]
pub struct Indexed<R> {
    inner: R,
    offset: u64,
    offsets: Rc<RefCell<Terminators>>,
}

impl<R: Read> Read for Indexed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut t = self.offsets.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => t.newlines.push(self.offset + i as u64),
                b'\r' => t.returns.push(self.offset + i as u64),
                _ => {}
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// What a `csv` error means for a planner, without the crate's prefix ("CSV parse error: record 0
/// (line 1, field: 0, byte: 0)") that repeats the line the caller already names: a file that is
/// not text (an `.xlsx` renamed, a binary) says so and how to save it as CSV.
pub fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "field {} is not UTF-8 text; expected a CSV file (from Excel: Save As, \"CSV UTF-8\")",
            err.field() + 1
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields; expected {expected_len}, as in the header"),
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each record's first byte, as the history reader asks for it.
    fn record_lines(text: &[u8]) -> Vec<u64> {
        let index = LineIndex::default();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(index.wrap(text));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while csv.read_byte_record(&mut record).expect("csv") {
            lines.push(index.line_of(record.position().expect("position").byte()));
        }
        lines
    }

    #[test]
    fn lf_crlf_and_quoted_newlines_give_the_same_lines() {
        assert_eq!(record_lines(b"h,i\na,1\nb,2\n"), vec![1, 2, 3]);
        assert_eq!(record_lines(b"h,i\r\na,1\r\nb,2\r\n"), vec![1, 2, 3]);
        assert_eq!(
            record_lines(b"h,i\r\n\"a\r\nstill a\",1\r\nb,2"),
            vec![1, 2, 4]
        );
        assert_eq!(record_lines(b"h,i\r\n\r\nb,2\r\n"), vec![1, 3]);
        assert_eq!(record_lines(b"h,i\n\nb,2\n"), vec![1, 3]);
    }
}
