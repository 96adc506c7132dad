//! `eci-exec-lsp check`: the language server's offline diagnostics on the command line, for CI.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ropey::Rope;
use serde_json::json;

use super::check_online::OnlineChecker;
use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::{self, span::Span};
use crate::position::{self, Encoding};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Whether a file name is one the contract associates with exec configs.
pub fn is_exec_config_name(name: &str) -> bool {
    name.ends_with(".eci.json") || name.ends_with(".eci.jsonc") || name == "eci-exec.json"
}

/// Checks every path (files, and folders searched for exec configs) and prints the diagnostics.
pub fn check(paths: &[PathBuf], format: Format, mut online: Option<OnlineChecker>) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut unreadable = false;
    let mut errors = false;
    for path in paths {
        let files = match collect(path) {
            Ok(files) => files,
            Err(error) => {
                eprintln!("{}: cannot read: {error}", path.display());
                unreadable = true;
                continue;
            }
        };
        for file in files {
            match std::fs::read(&file) {
                Ok(bytes) => {
                    let (text, mut diagnostics) = check_bytes(&bytes);
                    if let Some(online) = online.as_mut() {
                        diagnostics.extend(online.diagnostics(&text));
                        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
                    }
                    errors |= diagnostics
                        .iter()
                        .any(|d| d.severity == analysis::diagnostic::Severity::Error);
                    if let Err(error) = print(&mut out, &file, &text, &diagnostics, format) {
                        eprintln!("cannot write the report: {error}");
                        return ExitCode::from(2);
                    }
                }
                Err(error) => {
                    eprintln!("{}: cannot read: {error}", file.display());
                    unreadable = true;
                }
            }
        }
    }
    let _ = out.flush();
    // CI asked for the online checks: if any region could not be checked, it must notice.
    let online_failed = online.as_ref().is_some_and(|online| {
        let (needed, mut failed) = online.failed_regions();
        failed.sort_unstable();
        if !failed.is_empty() {
            eprintln!(
                "--online: the online checks could not run for {} of {needed} regions ({})",
                failed.len(),
                failed.join(", ")
            );
        }
        !failed.is_empty()
    });
    if unreadable || online_failed {
        ExitCode::from(2)
    } else if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The file as text (invalid UTF-8 replaced, and reported) and its diagnostics.
pub fn check_bytes(bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let diagnostics = analysis::analyze(text).diagnostics;
            (text.to_owned(), diagnostics)
        }
        Err(error) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let at = error.valid_up_to();
            let message = format!(
                "the file is not valid UTF-8 (invalid byte at offset {at}): save it as UTF-8"
            );
            let replacement_end = at + char::REPLACEMENT_CHARACTER.len_utf8();
            let mut diagnostics = vec![Diagnostic::new(
                Code::Syntax,
                Span::new(at, replacement_end),
                message,
            )];
            diagnostics.extend(analysis::analyze(&text).diagnostics);
            (text, diagnostics)
        }
    }
}

/// The files a path stands for: itself, or the exec configs under a folder, in a stable order.
fn collect(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&folder)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let entry_path = entry.path();
            if entry.file_type()?.is_dir() {
                // Hidden folders (.git) and node_modules never hold the user's configs.
                if !name.starts_with('.') && name != "node_modules" {
                    folders.push(entry_path);
                }
            } else if is_exec_config_name(&name) {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn print(
    out: &mut impl Write,
    path: &Path,
    text: &str,
    diagnostics: &[Diagnostic],
    format: Format,
) -> std::io::Result<()> {
    let rope = Rope::from_str(text);
    for diagnostic in diagnostics {
        let start = position::position_of(&rope, Encoding::Utf16, diagnostic.span.start);
        let end = position::position_of(&rope, Encoding::Utf16, diagnostic.span.end);
        match format {
            Format::Text => writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                path.display(),
                start.line + 1,
                start.character + 1,
                diagnostic.severity.as_str(),
                diagnostic.code.as_str(),
                diagnostic.message
            )?,
            Format::Json => {
                let record = json!({
                    "path": path.display().to_string(),
                    "range": {
                        "start": {"line": start.line, "character": start.character},
                        "end": {"line": end.line, "character": end.character},
                    },
                    "severity": diagnostic.severity.as_str(),
                    "code": diagnostic.code.as_str(),
                    "message": diagnostic.message,
                });
                writeln!(out, "{record}")?;
            }
        }
    }
    Ok(())
}
