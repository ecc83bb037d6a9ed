//! CSV loading: any bytes, written to a file, opened with `Table::open` and streamed to the end.
//! Besides never panicking, a table that loads must keep the invariants in `common`, and when
//! the file is UTF-8 with its header on the first record, every row must be what the `csv`
//! crate reads from the same text (no silent misparse).
#![no_main]

mod common;

use disclose::load::{Encoding, Format, Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (options, file) = common::split_options(data);
    let path = common::write_scratch("input.csv", file);
    let table = match Table::open(&path, &options) {
        Ok(t) => t,
        Err(e) => {
            let _ = (e.to_string(), e.hint());
            return;
        }
    };
    let Some(rows) = common::check_table(&table, &options, file) else {
        return;
    };
    let Format::Csv {
        encoding,
        delimiter,
    } = table.format
    else {
        panic!("a text file loaded as a workbook");
    };
    let text = match encoding {
        Encoding::Utf8 => file,
        Encoding::Utf8Bom => &file[3..],
        _ => return,
    };
    // The csv crate also drops a U+FEFF at the start of its first record even after blank
    // lines; disclose takes only the one at the very start of the file as a byte-order mark.
    if options.header_row.is_some() || text.windows(3).any(|w| w == "\u{feff}".as_bytes()) {
        return;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let mut records = reader.records();
    let header = records
        .next()
        .expect("the csv crate finds a header")
        .expect("the csv crate reads the header");
    let mut names: Vec<String> = header.iter().map(|s| s.trim().to_string()).collect();
    while names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    let ours = &table.headers;
    assert_eq!(&names, ours, "headers differ from the csv crate's");
    let width = names.len();
    let mut n = 0;
    for record in records {
        let record = record.expect("the csv crate reads a record disclose read");
        let row = rows
            .get(n)
            .expect("the csv crate reads more rows than disclose");
        let cells: Vec<&str> = record.iter().take(width).collect();
        assert_eq!(
            cells, row.cells,
            "row {} differs from the csv crate's",
            row.number
        );
        assert!(
            record.iter().skip(width).all(str::is_empty),
            "disclose dropped a non-empty extra field"
        );
        n += 1;
    }
    assert_eq!(
        n,
        rows.len(),
        "the csv crate reads fewer rows than disclose"
    );
});
