//! Tidy checks over the source, as rust-analyzer's tidy tests: the layering that
//! ARCHITECTURE.md promises, a `//!` line on every file, no printing outside the command line's
//! report, and `docs/lsp-extensions.md` in step with the extensions the server defines.

use std::path::{Path, PathBuf};

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`, with its text.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).expect("source text");
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

/// The lines of `text` that are code: comments dropped, and nothing from `#[cfg(test)]` on.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .map(|(number, line)| (number + 1, line.split("//").next().unwrap_or_default()))
}

/// Fails with every line of the files under `folder` that names one of `forbidden`.
fn assert_no_use(folder: &str, forbidden: &[&str]) {
    let mut found = Vec::new();
    for (path, text) in rust_files(&source_dir().join(folder)) {
        for (number, line) in code_lines(&text) {
            for name in forbidden {
                if line.contains(name) {
                    found.push(format!("{}:{number}: {name}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{folder}/ must not use:\n{}",
        found.join("\n")
    );
}

#[test]
fn analysis_is_pure() {
    assert_no_use(
        "analysis",
        &[
            "crate::lsp",
            "crate::remote",
            "crate::cli",
            "crate::online",
            "tokio",
            "ls_types",
            "tower_lsp",
            "reqwest",
            "std::fs",
            "std::net",
            "std::process",
        ],
    );
}

#[test]
fn remote_knows_neither_the_protocol_nor_the_analysis() {
    assert_no_use(
        "remote",
        &[
            "crate::lsp",
            "crate::analysis",
            "crate::online",
            "crate::cli",
            "ls_types",
        ],
    );
}

#[test]
fn sessions_know_neither_the_protocol_nor_the_command_line() {
    assert_no_use(
        "session",
        &[
            "crate::lsp",
            "crate::online",
            "crate::cli",
            "ls_types",
            "tower_lsp",
        ],
    );
}

#[test]
fn the_shared_api_values_import_nothing_of_the_crate() {
    let text = std::fs::read_to_string(source_dir().join("eci.rs")).expect("eci.rs");
    let uses: Vec<&str> = code_lines(&text)
        .map(|(_, line)| line)
        .filter(|line| line.contains("crate::") || line.contains("super::"))
        .collect();
    assert!(uses.is_empty(), "eci.rs imports {uses:?}");
}

/// The code lines, outside `folder`, that `matches` finds.
fn lines_outside(folder: &str, matches: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in rust_files(&source_dir()) {
        if path.starts_with(source_dir().join(folder)) {
            continue;
        }
        for (number, line) in code_lines(&text) {
            if matches(line) {
                found.push(format!("{}:{number}", path.display()));
            }
        }
    }
    found
}

#[test]
fn protocol_types_stay_in_lsp() {
    let found = lines_outside("lsp", |line| line.contains("ls_types"));
    assert!(found.is_empty(), "protocol types outside lsp/: {found:?}");
}

#[test]
fn handlers_convert_positions_only_through_the_protocol_boundary() {
    assert_no_use("lsp/handlers", &["crate::position", "position::"]);
}

#[test]
fn every_file_says_what_it_owns() {
    let missing: Vec<String> = rust_files(&source_dir())
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! line: {missing:?}");
}

#[test]
fn only_the_command_line_prints() {
    let found = lines_outside("cli", |line| {
        line.contains("print!(") || line.contains("println!(")
    });
    assert!(found.is_empty(), "printing outside cli/: {found:?}");
}

/// The string constants of an extension file (`pub const NAME: &str = "value";`).
fn string_constants(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| line.trim_start().starts_with("pub const") && line.contains("&str"))
        .filter_map(|line| line.split('"').nth(1).map(str::to_owned))
        .collect()
}

/// The option names config.rs accepts (`"name" =>` arms of its match).
fn option_names(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('"') && line.contains("=>"))
        .flat_map(|line| {
            let arms = line.split("=>").next().unwrap_or_default();
            arms.split('|')
                .map(|arm| arm.trim().trim_matches('"').to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_extensions_document_matches_the_server() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lsp-extensions.md");
    let doc = std::fs::read_to_string(doc_path).expect("docs/lsp-extensions.md");
    let ext = std::fs::read_to_string(source_dir().join("lsp/ext.rs")).expect("ext.rs");
    let config = std::fs::read_to_string(source_dir().join("lsp/config.rs")).expect("config.rs");
    let mut names = string_constants(&ext);
    names.extend(string_constants(&config));
    names.extend(
        ext.lines()
            .filter(|line| line.contains("const METHOD"))
            .filter_map(|line| line.split('"').nth(1).map(str::to_owned)),
    );
    names.extend(option_names(&config));
    assert!(names.len() >= 10, "too few names read: {names:?}");
    let undocumented: Vec<&String> = names
        .iter()
        .filter(|name| !doc.contains(&format!("`{name}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/lsp-extensions.md: {undocumented:?}"
    );
    // And the reverse: every `eciExec…` name the document gives exists in the server.
    let documented: Vec<&str> = doc
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| word.starts_with("eciExec") && !word.contains(' '))
        .collect();
    let unknown: Vec<&&str> = documented
        .iter()
        .filter(|name| !names.iter().any(|known| known == *name))
        .collect();
    assert!(
        unknown.is_empty(),
        "documented but not in the server: {unknown:?}"
    );
}
