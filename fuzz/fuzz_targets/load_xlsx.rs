//! XLSX loading from the raw file: any bytes, written to a file, opened with `Table::open` and
//! streamed to the end, keeping the invariants in `common`. Real workbooks are the seeds; most
//! mutations break a zip checksum, so `load_xlsx_parts` fuzzes the XML inside a sound package.
#![no_main]

mod common;

use disclose::load::Table;
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: common::let_guards_catch_dependency_panics(), |data: &[u8]| {
    let (options, file) = common::split_options(data);
    let path = common::write_scratch("input.xlsx", file);
    match Table::open(&path, &options) {
        Ok(table) => {
            let _ = common::check_table(&table, &options, file);
        }
        Err(e) => {
            let _ = (e.to_string(), e.hint());
        }
    }
});
