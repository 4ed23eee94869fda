//! `helmrs`: a helm-compatible command line over helm-core.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Commands arrive with the issues that build them (template, install, repo, ...).
    #[allow(clippy::print_stderr)]
    {
        eprintln!("helmrs: no commands are available yet");
    }
    ExitCode::from(2)
}
