//! The headless face: `disclose pack`, `disclose profiles`, and (with the bundle) `verify`,
//! `register` and `keygen`. Flags are parsed by clap into [`Cli`], validated into core types,
//! and every failure becomes a sentence, a hint and an exit code.

mod console;
mod keygen;
mod pack;
mod print;
mod profiles;
mod register;
mod sending;
mod specs;
mod verify;
pub mod words;

use crate::profile::{Catalog, ProfileError};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// Refused by policy: a warning not acknowledged, a justification missing, verification failed.
    Refused = 1,
    /// Bad input or usage.
    BadInput = 2,
}

#[derive(Debug, Parser)]
#[command(
    name = "disclose",
    version,
    about = "Turn police exports into an encrypted, verifiable disclosure bundle that holds exactly what a data sharing agreement allows.",
    after_help = "Run with no command to open the interactive screens. Exit codes: 0 done, 1 refused by policy, 2 bad input or usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Export files to open in the interactive screens (no command given).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// With no command: the agreement profile to preselect in the interactive screens.
    #[arg(long = "profile", value_name = "ID")]
    pub tui_profile: Option<String>,

    /// A folder of profile files that add to, or override, the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub profiles: Option<PathBuf>,

    /// Use this date as today (YYYY-MM-DD), for reproducible runs and tests.
    #[arg(long, global = true, hide = true, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply a profile to export files and write an encrypted bundle (or preview with --dry-run).
    Pack(Box<PackArgs>),
    /// Check a received bundle (or an extracted bag folder): decrypt, check every file, show the record.
    Verify(Box<VerifyArgs>),
    /// List, check or export the register of disclosures made from this machine.
    Register(RegisterArgs),
    /// Make a new age key pair, for a partner who has no age-keygen (or, with --signing, the
    /// sender's OpenSSH signing key pair).
    Keygen {
        /// Write the secret key to this file (created owner-only, never overwritten). Without
        /// it, the key file's text is printed.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Make an OpenSSH Ed25519 signing key pair instead (FILE and FILE.pub, as ssh-keygen
        /// would), for `pack --sign-key FILE`, and print the line partners put in their
        /// allowed_signers file.
        #[arg(long, requires = "output")]
        signing: bool,
        /// With --signing: the name partners know the sender by in allowed_signers (e.g.
        /// disclosures@met.police.uk).
        #[arg(long, value_name = "NAME", requires = "signing")]
        principal: Option<String>,
    },
    /// List the agreement profiles, or show one.
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
        /// Print JSON instead of text.
        #[arg(long, global = true)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// List every profile (the default).
    List,
    /// Show one profile in full: agreement, fields with their sections and aliases, rules, warnings.
    Show {
        /// The profile id, e.g. bromley-yot-victims.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// The agreement profile to apply (see `disclose profiles`).
    #[arg(long, value_name = "ID")]
    pub profile: String,

    /// An export file, CSV or XLSX. Repeat for several; each stays its own table.
    #[arg(long = "input", value_name = "FILE", required = true)]
    pub inputs: Vec<PathBuf>,

    /// For XLSX inputs: the sheet to read (default: the first visible sheet).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The header's row number as Excel shows it (default: guessed below any title rows).
    #[arg(long, value_name = "N")]
    pub header_row: Option<u32>,

    /// Map a column to an agreed field: 'SOURCE HEADER=FIELD' (id, label or alias; '-' withholds).
    #[arg(long = "map", value_name = "SRC=FIELD")]
    pub maps: Vec<String>,

    /// Why a field is needed, where the agreement requires a justification: FIELD=TEXT.
    #[arg(long = "justify", value_name = "FIELD=TEXT")]
    pub justify: Vec<String>,

    /// The reporting month, YYYY-MM, once it has ended. Default: last month.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Option<String>,

    /// Acknowledge a warning by its code. Repeat for each.
    #[arg(long = "acknowledge", value_name = "CODE")]
    pub acknowledge: Vec<String>,

    /// Redact every detail of these kinds found in free-text fields, as a span
    /// ([REDACTED: phone]): phone, email, nhs-number, ni-number, postcode, pnc-id, cro-number,
    /// vehicle, date-of-birth, card-number, or all.
    #[arg(
        long = "redact-flagged",
        value_name = "KIND[,KIND]",
        value_delimiter = ','
    )]
    pub redact_flagged: Vec<String>,

    /// How hard to compress: fast (a quicker pack, a larger bundle), default, or small.
    #[arg(long, value_name = "fast|default|small", default_value = "default", value_parser = parse_level)]
    pub level: crate::bundle::Level,

    /// Do everything but write: show what would leave.
    #[arg(long)]
    pub dry_run: bool,

    /// A partner's age public key, named: 'ORGANISATION, ROLE=age1...'. Repeat for several.
    #[arg(long = "recipient", value_name = "LABEL=AGE1...")]
    pub recipients: Vec<String>,

    /// A file of age public keys, one per line, each under a '# ORGANISATION, ROLE' comment.
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Vec<PathBuf>,

    /// Encrypt to a passphrase read from the first line of this file instead of to keys.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// With --passphrase-file: whom the passphrase is given to (recorded as the recipient).
    #[arg(long, value_name = "NAME")]
    pub passphrase_given_to: Option<String>,

    /// Your force's own archive key (age1...), added to every bundle as the sender's copy
    /// (default: DISCLOSE_ARCHIVE_RECIPIENT).
    #[arg(long, value_name = "AGE1...")]
    pub archive_recipient: Option<String>,

    /// Your OpenSSH Ed25519 private key: signs the bundle as <bundle>.sig (default:
    /// DISCLOSE_SIGN_KEY).
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    /// The signing key's passphrase, on the first line of this file (otherwise asked for on a
    /// terminal).
    #[arg(long, value_name = "FILE")]
    pub sign_passphrase_file: Option<PathBuf>,

    /// The folder to write the bundle into (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Your name, for the disclosure record and the register.
    #[arg(long, value_name = "NAME")]
    pub analyst: Option<String>,

    /// Why this bundle is made, e.g. 'October panel, referrals list' (recorded in the bundle
    /// and the register; name no data subject in it).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// The legal basis relied on, where the agreement lists alternatives (see `disclose
    /// profiles show ID`).
    #[arg(long, value_name = "ID")]
    pub basis: Option<String>,

    /// The authorising officer (the agreement's SPOC), where the agreement requires authority;
    /// not the analyst.
    #[arg(long, value_name = "NAME")]
    pub authorised_by: Option<String>,

    /// When the authority was given, local time: 'YYYY-MM-DD HH:MM'.
    #[arg(long, value_name = "WHEN")]
    pub authorised_at: Option<String>,

    /// Answer one question of the agreement's checklist: 'ID=yes', 'ID=no' or 'ID=TEXT' (see
    /// `disclose profiles show ID`). Repeat for each.
    #[arg(long = "answer", value_name = "ID=ANSWER")]
    pub answers: Vec<String>,

    /// The register file (default: DISCLOSE_REGISTER, or your data folder).
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,

    /// Print the summary as JSON (never holds cell values).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle (.zip.age), or a folder holding an extracted bag.
    pub bundle: PathBuf,

    /// Your age identity file (secret key).
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,

    /// A file whose first line is the bundle's passphrase.
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    pub passphrase_file: Option<PathBuf>,

    /// After every check passes, write the files into this folder (never over existing files).
    #[arg(long, value_name = "DIR")]
    pub extract: Option<PathBuf>,

    /// The SHA-256 the sender quoted, if there is no .sha256 file beside the bundle.
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<String>,

    /// An OpenSSH allowed_signers file naming the senders' keys: <bundle>.sig is checked
    /// against it before anything is decrypted (default: DISCLOSE_SIGNERS).
    #[arg(long, value_name = "FILE")]
    pub signers: Option<PathBuf>,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The register file (default: DISCLOSE_REGISTER, or your data folder).
    #[arg(long, value_name = "FILE")]
    pub register: Option<PathBuf>,

    /// Check the hash chain: detects an edited, reordered, inserted or deleted entry.
    #[arg(long)]
    pub verify: bool,

    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,

    /// Export every entry as CSV, for the force system where disclosures are logged.
    #[arg(long)]
    pub csv: bool,
}

/// Parse the process arguments and run. Returns the exit code.
pub fn parse() -> Result<Cli, i32> {
    Cli::try_parse().map_err(|e| {
        let _ = e.print();
        match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
            _ => Exit::BadInput as i32,
        }
    })
}

/// Which face a command line asks for: the screens (no command; or `verify BUNDLE` with no
/// key, on a terminal, to choose the key there), with what to open them on, or the commands.
pub fn screens(cli: &Cli) -> Result<Option<crate::tui::Options>, Exit> {
    let today = today(cli)?;
    Ok(match &cli.command {
        None => {
            let mut opts = crate::tui::Options::from_env(today);
            opts.files = cli.files.clone();
            opts.profile = cli.tui_profile.clone();
            Some(opts)
        }
        Some(Command::Verify(args))
            if args.identity.is_none()
                && args.passphrase_file.is_none()
                && !args.json
                && !args.bundle.is_dir()
                && std::io::IsTerminal::is_terminal(&std::io::stdout()) =>
        {
            let mut opts = crate::tui::Options::from_env(today);
            opts.verify = Some(args.bundle.clone());
            Some(opts)
        }
        Some(_) => None,
    })
}

fn today(cli: &Cli) -> Result<crate::dates::Date, Exit> {
    match &cli.today {
        None => Ok(crate::dates::Date::today()),
        Some(s) => crate::dates::Date::parse_iso(s)
            .ok_or_else(|| fail("--today: write the date as YYYY-MM-DD", None)),
    }
}

/// The profiles: the embedded ones, with `dir`'s added (or overriding them); an error said
/// in the command line's words.
pub fn catalog(dir: Option<&std::path::Path>) -> Result<Catalog, Exit> {
    load_catalog(dir).map_err(|e| fail(&e.to_string(), Some(&words::advice(&e.advice()))))
}

/// Run a parsed command line (one [`screens`] did not take).
pub fn run(cli: Cli) -> Exit {
    let today = match today(&cli) {
        Ok(t) => t,
        Err(exit) => return exit,
    };
    // Only the commands that use profiles read them, so a broken --profiles folder cannot
    // stop a partner verifying a bundle or making a key.
    let profiles_dir = cli.profiles.clone();
    let catalog = || catalog(profiles_dir.as_deref());
    let today_given = cli.today.is_some();
    match cli.command {
        Some(Command::Pack(args)) => match catalog() {
            Ok(c) => pack::run(&c, &args, today, today_given),
            Err(exit) => exit,
        },
        Some(Command::Profiles { action, json }) => match catalog() {
            Ok(c) => profiles::run(&c, action, json, today),
            Err(exit) => exit,
        },
        Some(Command::Register(args)) => register::run(&args),
        Some(Command::Keygen {
            output,
            signing: false,
            ..
        }) => keygen::run(output.as_deref()),
        Some(Command::Keygen {
            output: Some(output),
            signing: true,
            principal,
        }) => keygen::run_signing(&output, principal.as_deref()),
        Some(Command::Keygen { output: None, .. }) => fail(
            "--signing needs -o FILE: the key pair is written to FILE and FILE.pub",
            None,
        ),
        Some(Command::Verify(args)) => verify::run(&args),
        None => fail(
            "no command given",
            Some("Run disclose with no arguments for the screens, or see disclose --help."),
        ),
    }
}

fn load_catalog(dir: Option<&std::path::Path>) -> Result<Catalog, ProfileError> {
    match dir {
        Some(dir) => Catalog::with_dir(dir),
        None => Catalog::embedded(),
    }
}

/// A path remembered in the environment (e.g. `DISCLOSE_SIGN_KEY`), as `DISCLOSE_REGISTER`
/// remembers the register: set once in the analyst's profile, used by every run.
pub(crate) fn env_default(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// Print an error and its hint to stderr; exit code 2. Both are made printable: they can name
/// files, sheets and headers, which come from outside and may hold escape sequences.
pub fn fail(what: &str, hint: Option<&str>) -> Exit {
    use crate::text::printable;
    let mut err = console::stderr();
    let _ = writeln!(err, "error: {}", printable(what));
    // A hint may run over several lines; each is made printable on its own.
    for line in hint.iter().flat_map(|h| h.lines()) {
        let _ = writeln!(err, "  {}", printable(line));
    }
    Exit::BadInput
}

/// `--level`: one of the names [`crate::bundle::Level::name`] gives.
fn parse_level(s: &str) -> Result<crate::bundle::Level, String> {
    crate::bundle::Level::parse(s)
        .ok_or_else(|| format!("{s:?} is not a level: give fast, default or small"))
}
