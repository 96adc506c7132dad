//! `eci-exec-lsp run`: runs one entry of a file and prints what the API answered.

use std::path::Path;
use std::process::ExitCode;

use super::ApiArgs;
use super::entry::{self, Selector};
use crate::remote::ExecRequest;

pub fn run(api: &ApiArgs, selector: Selector<'_>, path: &Path) -> ExitCode {
    match entry::resolve(selector, path) {
        Ok(entry) if !entry.request.sync => {
            eprintln!(
                "{}: not run: `{}` is not a Sync entry; it opens a session: use `eci-exec-lsp exec`",
                path.display(),
                entry.name
            );
            ExitCode::from(2)
        }
        Ok(entry) => send(api, &entry.request),
        Err(message) => {
            eprintln!("{}: {message}", path.display());
            ExitCode::from(2)
        }
    }
}

#[allow(clippy::print_stdout)] // The command's output is its report, on stdout.
fn send(api: &ApiArgs, request: &ExecRequest) -> ExitCode {
    let client = match api.client() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(1);
        }
    };
    let runtime = match super::runtime() {
        Ok(runtime) => runtime,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(client.exec_container_command(request)) {
        Ok(response) => {
            if let Some(output) = &response.sync_response {
                print!("{output}");
            }
            eprintln!("request id: {}", response.request_id);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(1)
        }
    }
}
