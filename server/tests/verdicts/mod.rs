//! The schema against `check`, whatever the validator: its failures mapped to the server's
//! codes, the server's diagnostics mapped to JSON pointers, and the differences
//! `schemas/README.md` allows, with the comparisons `schema.rs` (the Rust `jsonschema` crate)
//! and `schema_ajv.rs` (ajv, in Node) both make.
//!
//! How a schema failure maps to a code, at a JSON pointer:
//!
//! | schema keyword | server code | pointer |
//! | --- | --- | --- |
//! | `type` | `invalid-type` | the value |
//! | `additionalProperties` | `unknown-field` | the key (object pointer + `/name`) |
//! | `required`; `anyOf` (`hasTarget`: an id or a selector) | `missing-field` | the entry (single exec: the root) |
//! | `false` schema (`oneTarget`) on ContainerGroupName / Tags | `target-conflict` (a selector key beside ContainerGroupId) | the selector key |
//! | `propertyNames` / `maxProperties` | `invalid-tags` (an empty key / more than 20) | the key / `Tags` |
//! | `pattern` on ContainerGroupName | `invalid-container-group-name` | the value |
//! | `minItems` / `maxItems` | `command-empty` / `command-too-many` | the Command (the server marks each item past the 20th) |
//! | `maxLength` | `command-too-long` (`invalid-container-name` on a ContainerName) | the value |
//! | `pattern` on ContainerGroupId / ContainerName | `invalid-container-group-id` / `invalid-container-name` | the value |
//! | `pattern` on a Command string | `command-string`: any rule inside it (`command-invalid-json`, `command-empty`, `command-too-many`, `command-too-long`, `invalid-type`, `invalid-escape`) | the Command |
//! | `enum` on RegionId | `unknown-region` (on a non-string, `enum` and `type` both fail: one `invalid-type`) | the value |
//! | `const` on TTY | `sync-with-tty` (TTY false when Sync true in the same object) | the `TTY` value |
//!
//! The server's codes a schema cannot place are left out of the pointer comparison:
//! `duplicate-key`, `sync-with-shell`, `shell-without-tty`, a `sync-with-tty` whose `Sync` or
//! `TTY` is inherited, `hidden-characters`, and the online codes.
#![allow(dead_code)] // Each test binary uses a different part.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use eci_exec_lsp::analysis::analyze;
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::tree::{Node, NodeKind};
use serde_json::Value;

use super::support::split_comments;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn schema_path() -> PathBuf {
    root().join("schemas/eci-exec.schema.json")
}

pub fn schema() -> Value {
    let text = std::fs::read_to_string(schema_path()).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// One failure a validator reports, as the comparison needs it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    /// The instance's JSON pointer (for `additionalProperties`, the extra key's).
    pub pointer: String,
    pub keyword: String,
    /// Whether the failing instance is a string (a Command string, a RegionId of the wrong type).
    pub on_string: bool,
}

/// A validator's verdict on one file: `None` when its JSONC reader refused the file.
pub type Verdict = Option<Vec<Failure>>;

/// `text` read as JSON with comments and trailing commas (what editors' JSONC readers take),
/// by serde_json.
pub fn read_jsonc(text: &str) -> Option<Value> {
    let stripped = split_comments(text).0;
    let mut json = String::with_capacity(stripped.len());
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in stripped.char_indices() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = stripped[index + 1..].trim_start().chars().next();
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        json.push(c);
    }
    serde_json::from_str(&json).ok()
}

pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn parent(pointer: &str) -> String {
    pointer
        .rfind('/')
        .map_or_else(String::new, |at| pointer[..at].to_owned())
}

fn last_segment(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |at| &pointer[at + 1..])
}

/// The server code a failure stands for, per the table above.
pub fn failure_code(failure: &Failure) -> String {
    let field = last_segment(&failure.pointer);
    let code = match (failure.keyword.as_str(), field) {
        ("type", _) => "invalid-type",
        ("additionalProperties", _) => "unknown-field",
        ("required" | "anyOf", _) => "missing-field",
        // ajv names it `false schema`, the jsonschema crate `falseSchema`.
        ("false schema" | "falseSchema", "ContainerGroupName" | "Tags") => "target-conflict",
        ("propertyNames" | "maxProperties", _) => "invalid-tags",
        ("pattern", "ContainerGroupName") => "invalid-container-group-name",
        ("minItems", _) => "command-empty",
        ("maxItems", _) => "command-too-many",
        ("maxLength" | "minLength" | "pattern", "ContainerName") => "invalid-container-name",
        ("maxLength", _) => "command-too-long",
        ("pattern", "ContainerGroupId") => "invalid-container-group-id",
        ("pattern", "Command") if failure.on_string => "command-string",
        ("enum", "RegionId") if !failure.on_string => "invalid-type",
        ("enum", "RegionId") => "unknown-region",
        ("const", "TTY") => "sync-with-tty",
        (keyword, _) => return format!("unmapped schema keyword {keyword}"),
    };
    code.to_owned()
}

/// The failures as `(pointer, code)`.
pub fn schema_codes(failures: &[Failure]) -> BTreeSet<(String, String)> {
    failures
        .iter()
        .map(|failure| (failure.pointer.clone(), failure_code(failure)))
        .collect()
}

/// The JSON pointer of the innermost key or value whose span holds `span`.
fn pointer_of(node: &Node, span: Span) -> String {
    let mut pointer = String::new();
    let mut current = node;
    loop {
        let holds = |s: Span| s.start <= span.start && span.end <= s.end;
        let next = match &current.kind {
            NodeKind::Object(members) => {
                if let Some(member) = members.iter().find(|member| holds(member.key.span)) {
                    return format!("{pointer}/{}", escape(&member.key.text));
                }
                members.iter().find_map(|member| {
                    let value = member.value.as_ref().filter(|value| holds(value.span))?;
                    Some((escape(&member.key.text), value))
                })
            }
            NodeKind::Array(items) => items
                .iter()
                .enumerate()
                .find(|(_, item)| holds(item.span))
                .map(|(index, item)| (index.to_string(), item)),
            _ => None,
        };
        match next {
            Some((segment, child)) => {
                pointer = format!("{pointer}/{segment}");
                current = child;
            }
            None => return pointer,
        }
    }
}

/// The rules inside a Command string that the schema's pattern covers.
const COMMAND_STRING_CODES: [&str; 6] = [
    "command-invalid-json",
    "command-empty",
    "command-too-many",
    "command-too-long",
    "invalid-type",
    "invalid-escape",
];

/// The server's diagnostics a schema can place, as `(pointer, code)`.
pub fn server_codes(text: &str, value: &Value) -> BTreeSet<(String, String)> {
    let analysis = analyze(text);
    let tree = analysis.tree.as_ref().expect("a JSON file has a tree");
    let mut found = BTreeSet::new();
    for diagnostic in &analysis.diagnostics {
        let code = diagnostic.code.as_str();
        let pointer = pointer_of(tree, diagnostic.span);
        let in_command_string = last_segment(&pointer) == "Command"
            && value.pointer(&pointer).is_some_and(Value::is_string);
        let entry = match code {
            _ if in_command_string => {
                if !COMMAND_STRING_CODES.contains(&code) {
                    continue;
                }
                (pointer, "command-string")
            }
            "invalid-type"
            | "unknown-field"
            | "missing-field"
            | "command-empty"
            | "command-too-long"
            | "invalid-container-group-id"
            | "invalid-container-name"
            | "invalid-container-group-name"
            | "target-conflict"
            | "invalid-tags"
            | "unknown-region" => (pointer, code),
            "command-too-many" => (parent(&pointer), code),
            "sync-with-tty" => {
                let object = if last_segment(&pointer) == "TTY" {
                    parent(&pointer)
                } else {
                    pointer
                };
                let both_here = value.pointer(&object).is_some_and(|object| {
                    object.get("Sync") == Some(&Value::Bool(true))
                        && object.get("TTY") == Some(&Value::Bool(true))
                });
                if !both_here {
                    continue;
                }
                (format!("{object}/TTY"), code)
            }
            _ => continue,
        };
        found.insert((entry.0, entry.1.to_owned()));
    }
    found
}

/// The codes `schemas/README.md` lists where the schema and `check` may disagree on whether a
/// file is valid: the rows of its table under "Where the schema and `check` disagree".
pub fn allowed_differences() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(root().join("schemas/README.md")).expect("README");
    let section = readme
        .split("\n## ")
        .find(|section| section.starts_with("Where the schema and `check` disagree"))
        .expect("the README's section on disagreements");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let reason = cells.get(3)?;
            Some((code.to_owned(), (*reason).to_owned()))
        })
        .collect()
}

/// The exec configs the comparison runs on: every rule fixture and example.
pub fn files() -> Vec<PathBuf> {
    let mut files = super::support::fixture_files("tests/fixtures/rules");
    files.extend(super::support::fixture_files("examples"));
    files
}

/// The codes of the errors `eci-exec-lsp check` reports, per file, as the CLI prints them.
pub fn check_errors(files: &[PathBuf]) -> BTreeMap<PathBuf, BTreeSet<String>> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
        .arg("check")
        .args(["--format", "json"])
        .args(files)
        .output()
        .expect("run check");
    let mut errors: BTreeMap<PathBuf, BTreeSet<String>> = files
        .iter()
        .map(|file| (file.clone(), BTreeSet::new()))
        .collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let diagnostic: Value = serde_json::from_str(line).expect("a JSON line");
        if diagnostic["severity"] == "error" {
            let path = PathBuf::from(diagnostic["path"].as_str().expect("path"));
            let code = diagnostic["code"].as_str().expect("code").to_owned();
            errors.entry(path).or_default().insert(code);
        }
    }
    errors
}

/// Compares a validator's verdicts with `check` on every file; returns the disagreements
/// the README does not allow, and how many files the validator could read.
pub fn compare(verdicts: &BTreeMap<PathBuf, Verdict>) -> (Vec<String>, usize) {
    let files: Vec<PathBuf> = verdicts.keys().cloned().collect();
    let errors = check_errors(&files);
    let allowed = allowed_differences();
    let mut problems = Vec::new();
    let mut read = 0;
    for (file, verdict) in verdicts {
        let name = file.display();
        let text = std::fs::read_to_string(file).expect("file text");
        let check_errors = &errors[file];
        read += usize::from(verdict.is_some());
        let schema_valid = verdict.as_ref().is_some_and(Vec::is_empty);
        if check_errors.is_empty() != schema_valid {
            // The side that fails must fail only for reasons the README lists.
            let reasons: BTreeSet<String> = match verdict {
                _ if !check_errors.is_empty() => check_errors.clone(),
                Some(failures) => failures.iter().map(failure_code).collect(),
                None => BTreeSet::from(["the reader refused the file".to_owned()]),
            };
            let unlisted: Vec<&String> = reasons
                .iter()
                .filter(|code| !allowed.contains_key(*code))
                .collect();
            if !unlisted.is_empty() {
                problems.push(format!(
                    "{name}: `check` finds errors {check_errors:?}, the schema says valid = \
                     {schema_valid}, for reasons the README does not list: {unlisted:?}"
                ));
            }
        }
        // Where both read the file, they must flag the same places.
        if let (Some(failures), Some(value)) = (verdict, read_jsonc(&text)) {
            let server = server_codes(&text, &value);
            let schema = schema_codes(failures);
            if server != schema {
                let only_server: Vec<_> = server.difference(&schema).collect();
                let only_schema: Vec<_> = schema.difference(&server).collect();
                problems.push(format!(
                    "{name}:\n  only the server: {only_server:?}\n  only the schema: {only_schema:?}"
                ));
            }
        }
    }
    (problems, read)
}
