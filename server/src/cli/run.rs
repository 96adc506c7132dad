//! `eci-exec-lsp run`: runs one entry of a file and prints what the API answered.

use std::path::Path;
use std::process::ExitCode;

use super::ApiArgs;
use crate::analysis::{self, resolve};
use crate::remote::ExecRequest;

/// Which entry to run.
pub enum Selector<'a> {
    Label(&'a str),
    Index(usize),
    /// The file's only entry.
    Only,
}

pub fn run(api: &ApiArgs, selector: Selector<'_>, path: &Path) -> ExitCode {
    match prepare(selector, path) {
        Ok(request) => send(api, &request),
        Err(message) => {
            eprintln!("{}: {message}", path.display());
            ExitCode::from(2)
        }
    }
}

/// Reads the file and resolves the chosen entry, refusing one with errors.
fn prepare(selector: Selector<'_>, path: &Path) -> Result<ExecRequest, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
    let analysis = analysis::analyze(&text);
    let model = analysis
        .model
        .as_ref()
        .ok_or("not an exec config: the top level is not an object")?;
    let entry = match selector {
        Selector::Index(index) => {
            resolve::entry(model, index).ok_or(format!("no entry at index {index}"))?
        }
        Selector::Label(label) => model
            .entries
            .iter()
            .find(|entry| entry.own.label.value().is_some_and(|own| **own == *label))
            .ok_or(format!("no entry labelled `{label}`"))?,
        Selector::Only => match model.entries.as_slice() {
            [only] => only,
            entries => {
                let names: Vec<String> = entries
                    .iter()
                    .map(|entry| {
                        format!(
                            "  {}: {}",
                            entry.index,
                            crate::analysis::symbols::entry_name(model, entry)
                        )
                    })
                    .collect();
                return Err(format!(
                    "the file has {} entries: choose one with --label or --index\n{}",
                    entries.len(),
                    names.join("\n")
                ));
            }
        },
    };
    let resolved =
        resolve::runnable(&analysis, entry.index).map_err(|refusal| refusal.to_string())?;
    Ok(resolved.request)
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
            match (&response.sync_response, &response.http_url) {
                (Some(output), _) => print!("{output}"),
                (None, Some(url)) => {
                    println!("interactive session: open {url} within 30 seconds");
                    if let Some(socket) = &response.web_socket_uri {
                        println!("WebSocket: {socket}");
                    }
                }
                (None, None) => {}
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
