//! The `disclose` binary: all the work is in the library.
fn main() {
    std::process::exit(disclose::cli::main());
}
