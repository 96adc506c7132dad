//! `schemas/eci-exec.schema.json` against the server, with the Rust `jsonschema` crate: its
//! docs are the server's field docs, it is valid draft 2020-12, and on every rule fixture and
//! example a file is valid for it exactly when `check` reports no error (but for the
//! differences `schemas/README.md` lists), flagging the same places the server flags (see
//! `verdicts/mod.rs` for how the two are compared; `schema_ajv.rs` makes the same comparison
//! with ajv).

mod support;
mod verdicts;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use eci_exec_lsp::analysis::fields::{self, EXEC_FIELDS};
use eci_exec_lsp::analysis::regions::KNOWN_REGIONS;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use support::split_comments;
use verdicts::{Failure, Verdict, escape, read_jsonc, schema, schema_codes, server_codes};

/// The crate's failures on `value`.
fn failures(validator: &jsonschema::Validator, value: &Value) -> Vec<Failure> {
    let mut found = Vec::new();
    for error in validator.iter_errors(value) {
        let pointer = error.instance_path().as_str().to_owned();
        let on_string = error.instance().is_string();
        let keyword = error.kind().keyword().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                found.extend(unexpected.iter().map(|name| Failure {
                    pointer: format!("{pointer}/{}", escape(name)),
                    keyword: keyword.clone(),
                    on_string: false,
                }));
            }
            // On the key at fault, as the server reports it.
            ValidationErrorKind::PropertyNames { error } => found.push(Failure {
                pointer: format!(
                    "{pointer}/{}",
                    escape(error.instance().as_str().unwrap_or_default())
                ),
                keyword,
                on_string: false,
            }),
            _ => found.push(Failure {
                pointer,
                keyword,
                on_string,
            }),
        }
    }
    found.sort();
    found
}

fn verdicts(files: &[PathBuf]) -> BTreeMap<PathBuf, Verdict> {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("file text");
            let verdict = read_jsonc(&text).map(|value| failures(&validator, &value));
            (file.clone(), verdict)
        })
        .collect()
}

#[test]
fn the_schema_agrees_with_check_on_every_rule_fixture_and_example() {
    let files = verdicts::files();
    let (problems, read) = verdicts::compare(&verdicts(&files));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Most files are JSONC without syntax errors; if this drops, the test compares little.
    assert!(read >= 20, "only {read} of {} files read", files.len());
}

#[test]
fn every_allowed_difference_has_a_reason_and_is_a_code() {
    let allowed = verdicts::allowed_differences();
    assert!(allowed.len() >= 4, "{allowed:?}");
    for (code, reason) in &allowed {
        assert!(
            eci_exec_lsp::analysis::diagnostic::Code::ALL
                .iter()
                .any(|known| known.as_str() == code),
            "{code} is not a diagnostic code"
        );
        assert!(reason.len() > 20, "{code}: give the reason");
    }
}

#[test]
fn the_comparison_catches_a_disagreement() {
    // A value the schema accepts only if the regions agree: a region the server does not know.
    let text = r#"{"RegionId": "xx-nowhere-1", "ContainerGroupId": "eci-a", "ContainerName": "a", "Command": ["ls"]}"#;
    let value: Value = serde_json::from_str(text).expect("json");
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let expected = BTreeSet::from([("/RegionId".to_owned(), "unknown-region".to_owned())]);
    assert_eq!(server_codes(text, &value), expected);
    assert_eq!(schema_codes(&failures(&validator, &value)), expected);
}

#[test]
fn a_command_string_is_checked_like_the_array_it_holds() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let command = |inner: String| {
        let value = serde_json::json!({"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-a",
            "ContainerName": "a", "Command": inner});
        validator.is_valid(&value)
    };
    let item = |length: usize| format!("\"{}\"", "é".repeat(length));
    let items = |count: usize| vec!["\"a\""; count].join(", ");
    assert!(command(format!(
        " [{}, \"x\\\"y \\u00e9 \\ud83d\\ude00\"]\n",
        item(256)
    )));
    assert!(
        !command(format!("[{}]", item(257))),
        "an item over 256 characters"
    );
    assert!(command(format!("[{}]", items(20))));
    assert!(!command(format!("[{}]", items(21))), "more than 20 items");
    for wrong in [
        "",
        "[]",
        "ls -a",
        "[\"ls\",]",
        "[\"ls\", 5]",
        "[\"ls\" /* c */]",
        "\"ls\"",
        "[\"\\ud83d\"]",
        "[\"a\tb\"]",
    ] {
        assert!(!command(wrong.to_owned()), "{wrong:?}");
    }
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
fn the_jsonc_reader_keeps_strings_and_drops_comments_and_trailing_commas() {
    let text = "{\"a\": \"//not /* a comment,]\", // c\n \"b\": [1, /* d\n e */], \"c\\\"\": 2,}";
    assert_eq!(
        read_jsonc(text),
        Some(serde_json::json!({"a": "//not /* a comment,]", "b": [1], "c\"": 2}))
    );
    assert_eq!(split_comments(text).1, ["// c", "/* d\n e */"]);
}
