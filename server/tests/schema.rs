//! `schemas/eci-exec.schema.json` against the server: its docs are the server's field docs, and
//! on every rule fixture (and every file in `examples/`) a JSON Schema validator flags exactly
//! the places the server flags with a rule a schema can express.
//!
//! How a diagnostic maps to a schema failure (compared as sets of `(JSON pointer, code)`):
//!
//! | server code | schema keyword | pointer |
//! | --- | --- | --- |
//! | `invalid-type` | `type` | the value |
//! | `unknown-field` | `additionalProperties` | the key (object pointer + `/name`) |
//! | `missing-field` | `required`; `anyOf` (`hasTarget`) for the target | the entry (single exec: the root) |
//! | `target-conflict` | `false` (`oneTarget`: no selector key beside `ContainerGroupId`) | the selector key |
//! | `invalid-tags` | `propertyNames` (`minLength` 1), `maxProperties` | the empty key; `Tags` |
//! | `invalid-container-group-name` | `pattern` | the value |
//! | `command-empty` | `minItems` | the Command |
//! | `command-too-many` | `maxItems` | the Command (the server marks each item past the 20th) |
//! | `command-too-long` | `maxLength` | the Command item |
//! | `invalid-container-group-id` | `pattern` | the value |
//! | `invalid-container-name` | `pattern`, `minLength`, `maxLength` | the value |
//! | `unknown-region` | `enum` (on a non-string, `enum` and `type` both fail: one `invalid-type`) | the value |
//! | `sync-with-tty` | `const` (TTY false when Sync true) | the `TTY` value |
//!
//! Not expressible, so left out of the comparison: `duplicate-key` (JSON readers keep the last
//! key), `command-invalid-json` and every rule inside a Command string (the schema sees only a
//! string), `sync-with-shell`, `shell-without-tty`, a `sync-with-tty` whose `Sync` or `TTY`
//! is inherited, `hidden-characters`, and the online codes. Fixtures with `syntax` or
//! `trailing-comma` diagnostics are not JSON once comments are stripped, and fixtures with
//! `invalid-escape` hold a lone surrogate that a JSON reader refuses (serde_json) or replaces:
//! all are skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use eci_exec_lsp::analysis::analyze;
use eci_exec_lsp::analysis::fields::{self, EXEC_FIELDS};
use eci_exec_lsp::analysis::regions::KNOWN_REGIONS;
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::tree::{Node, NodeKind};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema() -> Value {
    let text =
        std::fs::read_to_string(root().join("schemas/eci-exec.schema.json")).expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// `text` with `//` and `/* */` comments replaced by spaces (strings left alone).
fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |at| i + 2 + at + 2);
            out.extend(
                bytes[i..end]
                    .iter()
                    .map(|&c| if c == b'\n' { b'\n' } else { b' ' }),
            );
            i = end;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).expect("comments removed on byte boundaries")
}

fn escape(segment: &str) -> String {
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

/// The server's diagnostics a schema can express, as `(pointer, code)`.
fn server_verdict(text: &str, value: &Value) -> BTreeSet<(String, String)> {
    let analysis = analyze(text);
    let tree = analysis.tree.as_ref().expect("a JSON fixture has a tree");
    let mut found = BTreeSet::new();
    for diagnostic in &analysis.diagnostics {
        let code = diagnostic.code.as_str();
        let pointer = pointer_of(tree, diagnostic.span);
        // A rule on the inner JSON of a Command string: the schema sees only a string.
        let in_command_string = last_segment(&pointer) == "Command"
            && value.pointer(&pointer).is_some_and(Value::is_string);
        if in_command_string {
            continue;
        }
        let entry = match code {
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
            | "unknown-region" => pointer,
            "command-too-many" => parent(&pointer),
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
                format!("{object}/TTY")
            }
            _ => continue,
        };
        found.insert((entry, code.to_owned()));
    }
    found
}

/// The schema's failures on `value`, as `(pointer, code)` per the table above.
fn schema_verdict(validator: &jsonschema::Validator, value: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().as_str().to_owned();
        let field = last_segment(&pointer).to_owned();
        let code = match error.kind() {
            ValidationErrorKind::Type { .. } => "invalid-type",
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    found.insert((
                        format!("{pointer}/{}", escape(name)),
                        "unknown-field".to_owned(),
                    ));
                }
                continue;
            }
            // `hasTarget`: ContainerGroupId, ContainerGroupName or Tags.
            ValidationErrorKind::Required { .. } | ValidationErrorKind::AnyOf { .. } => {
                "missing-field"
            }
            // `oneTarget`: a selector key beside ContainerGroupId.
            ValidationErrorKind::FalseSchema
                if field == "ContainerGroupName" || field == "Tags" =>
            {
                "target-conflict"
            }
            ValidationErrorKind::MaxProperties { .. } => "invalid-tags",
            // On the key at fault, as the server reports it.
            ValidationErrorKind::PropertyNames { error } => {
                let name = error.instance().as_str().unwrap_or_default();
                found.insert((
                    format!("{pointer}/{}", escape(name)),
                    "invalid-tags".to_owned(),
                ));
                continue;
            }
            ValidationErrorKind::MinItems { .. } => "command-empty",
            ValidationErrorKind::MaxItems { .. } => "command-too-many",
            ValidationErrorKind::MaxLength { .. } | ValidationErrorKind::MinLength { .. }
                if field == "ContainerName" =>
            {
                "invalid-container-name"
            }
            ValidationErrorKind::MaxLength { .. } => "command-too-long",
            ValidationErrorKind::Pattern { .. } if field == "ContainerGroupId" => {
                "invalid-container-group-id"
            }
            ValidationErrorKind::Pattern { .. } if field == "ContainerName" => {
                "invalid-container-name"
            }
            ValidationErrorKind::Pattern { .. } if field == "ContainerGroupName" => {
                "invalid-container-group-name"
            }
            // `enum` fails on a RegionId of the wrong type too, beside `type`: one invalid-type.
            ValidationErrorKind::Enum { .. }
                if field == "RegionId" && !error.instance().is_string() =>
            {
                "invalid-type"
            }
            ValidationErrorKind::Enum { .. } if field == "RegionId" => "unknown-region",
            ValidationErrorKind::Constant { .. } if field == "TTY" => "sync-with-tty",
            other => {
                found.insert((
                    pointer,
                    format!("unmapped schema keyword {}: {error}", other.keyword()),
                ));
                continue;
            }
        };
        found.insert((pointer, code.to_owned()));
    }
    found
}

fn is_exec_config(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    name.ends_with(".eci.json") || name.ends_with(".eci.jsonc") || name == "eci-exec.json"
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else if is_exec_config(&path) {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Compares the two verdicts on each file; returns how many files were compared.
fn compare(files: &[PathBuf], failures: &mut Vec<String>) -> usize {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let mut compared = 0;
    for file in files {
        let text = std::fs::read_to_string(file).expect("file text");
        let codes: Vec<&str> = analyze(&text)
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        if codes
            .iter()
            .any(|code| matches!(*code, "syntax" | "trailing-comma" | "invalid-escape"))
        {
            continue;
        }
        let value: Value = match serde_json::from_str(&strip_comments(&text)) {
            Ok(value) => value,
            Err(error) => {
                failures.push(format!(
                    "{}: the server finds no syntax error, but serde_json: {error}",
                    file.display()
                ));
                continue;
            }
        };
        compared += 1;
        let server = server_verdict(&text, &value);
        let schema = schema_verdict(&validator, &value);
        if server.is_empty() != validator.is_valid(&value) {
            failures.push(format!(
                "{}: the server and the schema disagree on validity",
                file.display()
            ));
        }
        if server != schema {
            let only_server: Vec<_> = server.difference(&schema).collect();
            let only_schema: Vec<_> = schema.difference(&server).collect();
            failures.push(format!(
                "{}:\n  only the server: {only_server:?}\n  only the schema: {only_schema:?}",
                file.display()
            ));
        }
    }
    compared
}

#[test]
fn the_schema_and_the_server_agree_on_every_rule_fixture() {
    let files = files_under(&root().join("tests/fixtures/rules"));
    let mut failures = Vec::new();
    let compared = compare(&files, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most fixtures are JSON(C) without syntax errors; if this drops, the test compares nothing.
    assert!(
        compared >= 15,
        "only {compared} of {} fixtures compared",
        files.len()
    );
}

#[test]
fn the_schema_and_the_server_agree_on_the_examples() {
    let files = files_under(&root().join("examples"));
    let mut failures = Vec::new();
    compare(&files, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_comparison_catches_a_disagreement() {
    // A value the schema accepts only if the regions agree: a region the server does not know.
    let text = r#"{"RegionId": "xx-nowhere-1", "ContainerGroupId": "eci-a", "ContainerName": "a", "Command": ["ls"]}"#;
    let value: Value = serde_json::from_str(text).expect("json");
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let expected = BTreeSet::from([("/RegionId".to_owned(), "unknown-region".to_owned())]);
    assert_eq!(server_verdict(text, &value), expected);
    assert_eq!(schema_verdict(&validator, &value), expected);
}

/// Resolves a `{"$ref": "#/$defs/NAME"}` property to its definition.
fn resolve<'a>(schema: &'a Value, property: &'a Value) -> &'a Value {
    match property.get("$ref").and_then(Value::as_str) {
        Some(reference) => schema
            .pointer(reference.trim_start_matches('#'))
            .expect("$ref resolves"),
        None => property,
    }
}

fn property_names(shape: &Value) -> BTreeSet<String> {
    shape["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_field_has_the_servers_docs_in_every_shape() {
    let schema = schema();
    let exec: BTreeSet<String> = EXEC_FIELDS
        .iter()
        .map(|spec| spec.name.to_owned())
        .collect();
    let with = |names: &[&str], base: &BTreeSet<String>| -> BTreeSet<String> {
        base.iter()
            .cloned()
            .chain(names.iter().map(|name| (*name).to_owned()))
            .collect()
    };
    let defaults: BTreeSet<String> = exec
        .iter()
        .filter(|name| fields::is_default_field(name))
        .cloned()
        .collect();
    let shapes = [
        ("single", with(&[fields::SCHEMA], &exec)),
        ("entry", exec.clone()),
        ("multi", with(&[fields::SCHEMA, fields::EXECS], &defaults)),
    ];
    for (shape_name, expected) in shapes {
        let shape = &schema["$defs"][shape_name];
        assert_eq!(
            property_names(shape),
            expected,
            "properties of {shape_name}"
        );
        assert_eq!(
            shape["additionalProperties"],
            Value::Bool(false),
            "{shape_name} reports unknown fields"
        );
        for (name, property) in shape["properties"].as_object().expect("properties") {
            let spec = fields::any_field(name).expect("a known field");
            let definition = resolve(&schema, property);
            assert_eq!(
                definition["description"], spec.doc,
                "description of {name} in {shape_name}"
            );
            assert_eq!(
                definition["markdownDescription"], spec.doc,
                "markdownDescription of {name} in {shape_name}"
            );
        }
    }
    let required: BTreeSet<String> = EXEC_FIELDS
        .iter()
        .filter(|spec| spec.required)
        .map(|spec| spec.name.to_owned())
        .collect();
    let single_required: BTreeSet<String> = schema["$defs"]["single"]["required"]
        .as_array()
        .expect("required")
        .iter()
        .map(|v| v.as_str().expect("name").to_owned())
        .collect();
    assert_eq!(single_required, required);
    assert_eq!(schema["$defs"]["TTY"]["default"], Value::Bool(false));
    assert_eq!(schema["$defs"]["Stdin"]["default"], Value::Bool(true));
    assert_eq!(schema["$defs"]["Sync"]["default"], Value::Bool(false));
    let regions: Vec<&str> = KNOWN_REGIONS.iter().map(|(id, _)| *id).collect();
    let schema_regions: Vec<&str> = schema["$defs"]["RegionId"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(schema_regions, regions);
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["$id"].as_str().is_some_and(|id| !id.is_empty()));
    let meta = jsonschema::meta::validate(&schema);
    assert!(meta.is_ok(), "{meta:?}");
}

#[test]
fn the_comment_stripper_keeps_strings() {
    let text = "{\"a\": \"//not /* a comment\", // c\n \"b\": 1 /* d\n e */}";
    let value: Value = serde_json::from_str(&strip_comments(text)).expect("json");
    assert_eq!(
        value,
        serde_json::json!({"a": "//not /* a comment", "b": 1})
    );
}
