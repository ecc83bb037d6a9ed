//! The integration tests: one binary, one module per concern (as ripgrep's `tests/` is), so
//! they build and link once. Shared set-up is in `common` (fixtures, the binary's command, the
//! Bromley acknowledgements), `tui_support` (driving the screens) and `bundling` (keys and
//! bundles made in memory). `tests/memory.rs` stays a binary of its own: it reads the process's
//! peak memory, which other tests in the same process would raise.

mod bundling;
mod common;
mod tui_support;
mod xlsx_fixtures;

mod age_vectors;
mod bag_conformance;
mod bundle;
mod canary;
mod cli;
mod engine;
mod engine_formats;
mod faithful;
mod faults;
mod free_text;
mod fuzz_artifacts;
mod grounds;
mod hostile_files;
mod hostile_inputs;
mod hostile_register;
mod load_csv;
mod load_resume;
mod load_xlsx;
mod pack;
mod profiles_embedded;
mod properties;
mod register;
mod register_transaction;
mod signing;
mod tui_big;
mod tui_docs;
mod tui_flow;
mod tui_keys;
mod tui_screens;
mod tui_tmux;
mod verify;
mod xlsx_hidden;
