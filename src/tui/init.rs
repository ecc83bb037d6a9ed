//! The first state: which screen the screens open on, given what the command line said.

use super::memory::Memory;
use super::model::*;
use super::text_input::TextInput;
use crate::dates::Period;
use crate::profile::Catalog;

impl<'c> Model<'c> {
    pub fn new(catalog: &'c Catalog, opts: Options) -> Model<'c> {
        let memory = Memory::load(opts.config_dir.as_deref());
        let profile_cursor = opts
            .profile
            .as_deref()
            .and_then(|id| catalog.profiles.iter().position(|p| p.id == id))
            .unwrap_or(0);
        let mut m = Model {
            catalog,
            screen: Screen::Start,
            popup: None,
            help: None,
            status: None,
            quit: false,
            size: (80, 24),
            start_cursor: 0,
            open: OpenState {
                path: TextInput::default(),
                dir: opts.cwd.clone(),
                entries: Vec::new(),
                browse_cursor: 0,
                inputs_cursor: 0,
                focus: OpenFocus::Path,
            },
            inputs: Vec::new(),
            next_input_id: 1,
            profile_cursor,
            profile_detail: false,
            profile_scroll: 0,
            profile: None,
            decisions: Default::default(),
            row_hashes: Default::default(),
            hash_key: std::hash::RandomState::new(),
            carried: Vec::new(),
            period: Period::previous(opts.today),
            acknowledged: Default::default(),
            job: None,
            job_error: None,
            plans: Vec::new(),
            suggestions: Vec::new(),
            columns: ColumnsState {
                input: 0,
                pane: ColumnsPane::Sources,
                source_cursor: 0,
                field_cursor: 0,
            },
            rows: RowsState {
                input: 0,
                counts: Vec::new(),
                fates: Vec::new(),
                visible: Default::default(),
                cursor: 0,
                offset: 0,
                column: 0,
                show_excluded: false,
                search: None,
                page: Vec::new(),
                page_of: None,
                searching: None,
                searches: 0,
                search_forward: true,
            },
            package: PackageForm {
                recipients: Vec::new(),
                passphrase: None,
                passphrase_first: None,
                passphrase_given_to: String::new(),
                analyst: String::new(),
                reason: String::new(),
                basis: None,
                authorised_by: String::new(),
                authorised_at: String::new(),
                out_dir: String::new(),
                checklist: Vec::new(),
                cursor: 0,
            },
            writing: None,
            done: None,
            verify: VerifyForm {
                bundle: String::new(),
                identity: String::new(),
                passphrase: None,
                use_passphrase: false,
                cursor: 0,
                running: false,
                report: None,
                failure: None,
                scroll: 0,
            },
            memory,
            cmds: Vec::new(),
            opts,
        };
        if let Some(b) = m.opts.verify.clone() {
            super::update::enter_verify(&mut m, b);
        } else if !m.opts.files.is_empty() {
            super::update::enter_open(&mut m);
            for f in m.opts.files.clone() {
                let path = if f.is_absolute() {
                    f
                } else {
                    m.opts.cwd.join(f)
                };
                super::update::add_input(&mut m, path);
            }
            m.open.focus = OpenFocus::Inputs;
        }
        m
    }
}
