//! `disclose`: turn police exports into an encrypted, verifiable disclosure bundle that holds
//! exactly what a data sharing agreement allows.
//!
//! The data flows one way, and each stage is its own module:
//!
//! - [`load`]: an export file (CSV in any common encoding, or an XLSX sheet) → headers and a
//!   stream of rows;
//! - [`profile`]: an agreement's data-to-share profile (TOML), validated into typed form;
//! - [`apply`]: headers + profile + the analyst's decisions → an [`apply::InputPlan`] saying which
//!   column becomes which agreed field, then each row kept or excluded with a counted reason,
//!   and every shared cell made safe for a spreadsheet;
//! - [`fit`]: how well a header fits an agreed field (words, abbreviations, whose data);
//! - [`suggest`]: for an agreed field no column matched, the withheld column that fits it best
//!   (offered to the analyst, never applied on its own);
//! - [`freetext`]: other people's details (telephone, NHS and PNC numbers, postcodes, …) found
//!   in agreed free-text fields, counted and redacted as spans;
//! - [`bundle`]: the shared CSVs → a BagIt zip → age encryption → `<name>.zip.age` and its
//!   `.sha256`, streamed and hashed as written, never overwriting;
//! - [`keys`]: partners' public keys, passphrases, identities for opening bundles, keygen;
//! - [`verify`]: a received bundle (or an extracted bag folder) checked end to end, every problem
//!   reported, and extraction only after everything passed;
//! - [`sign`]: the detached OpenSSH signature (`<bundle>.sig`) that shows who made a bundle,
//!   made with the sender's Ed25519 key and checked against an `allowed_signers` file;
//! - [`register`]: the hash-chained local log of every disclosure (metadata only);
//! - [`grounds`]: who discloses, why, under which basis, on whose authority, and the checklist;
//! - [`job`]: one disclosure job (profile, inputs, decisions, period) and its [`job::Summary`];
//! - [`record`]: the disclosure record that travels in the bundle;
//! - [`transaction`]: the bundle and its register entry written as one, under the register's lock;
//! - [`advice`]: what the analyst can do about a problem, as data each face words itself;
//! - [`folders`]: where the register, the signing key and what the screens remember are kept;
//! - [`cli`] and [`tui`]: the headless commands and the interactive screens on top.
//!
//! Nothing here writes a cell value anywhere but into the caller's writer or, encrypted, into a
//! bundle: no plaintext temp files, no logs. Errors name files, rows, columns and headers, never
//! cell values.
#![forbid(unsafe_code)]
// A `pub` item a private module cannot export is `pub(crate)` (or narrower): what is public is
// what the crate offers, not what happens to be written `pub`.
#![warn(unreachable_pub)]

pub mod advice;
pub mod apply;
pub mod bundle;
pub mod cli;
pub mod dates;
pub mod files;
pub mod fit;
pub mod folders;
pub mod freetext;
pub mod grounds;
mod hash_behind;
mod hex;
pub mod job;
pub mod keys;
pub mod load;
pub mod names;
pub mod pack;
pub mod panics;
pub mod profile;
pub mod record;
pub mod register;
pub mod sign;
pub mod suggest;
pub mod text;
pub mod transaction;
pub mod tui;
pub mod verify;
