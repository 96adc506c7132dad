//! Incremental re-analysis gives exactly what a full analysis gives: thousands of random edits
//! inside the entries of the fixtures, each compared field by field.

use std::path::Path;

use eci_exec_lsp::analysis::incremental::{TextEdit, reanalyze, try_reanalyze};
use eci_exec_lsp::analysis::{Analysis, analyze};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

const PIECES: [&str; 18] = [
    "",
    "a",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "😀",
    "你",
    "\\",
    "true",
    "\"TTY\": true, ",
    // hidden-characters and invalid-escape
    "\u{202e}",
    "\\ud83d",
];

fn assert_same(incremental: &Analysis, full: &Analysis, context: &str) {
    assert_eq!(incremental.tree, full.tree, "tree differs {context}");
    assert_eq!(incremental.model, full.model, "model differs {context}");
    assert_eq!(
        incremental.diagnostics, full.diagnostics,
        "diagnostics differ {context}"
    );
}

/// A random edit strictly inside some entry's braces (on character boundaries).
fn edit_inside_an_entry(
    text: &str,
    analysis: &Analysis,
    random: &mut Random,
) -> Option<(TextEdit, String)> {
    let entries = &analysis.model.as_ref()?.entries;
    let entry = entries.get(random.below(entries.len()))?;
    let boundaries: Vec<usize> = (entry.span.start + 1..entry.span.end)
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let start = *boundaries.get(random.below(boundaries.len()))?;
    let old_end = boundaries
        .iter()
        .copied()
        .filter(|&end| end >= start)
        .nth(random.below(4))
        .unwrap_or(start);
    let insert = PIECES[random.below(PIECES.len())];
    let mut new_text = text.to_owned();
    let removed_blank = text[start..old_end]
        .bytes()
        .all(|b| b == b' ' || b == b'\t');
    new_text.replace_range(start..old_end, insert);
    Some((
        TextEdit {
            start,
            old_end,
            new_len: insert.len(),
            removed_blank,
        },
        new_text,
    ))
}

#[test]
fn random_edits_inside_entries_match_a_full_analysis() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let (mut incremental_paths, mut total) = (0, 0);
    for file in std::fs::read_dir(folder).expect("fixtures") {
        let path = file.expect("entry").path();
        if !path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "jsonc")
        {
            continue;
        }
        let original = std::fs::read_to_string(&path).expect("fixture");
        let mut text = original.clone();
        for step in 0..150 {
            let analysis = analyze(&text);
            let Some((edit, new_text)) = edit_inside_an_entry(&text, &analysis, &mut random) else {
                break;
            };
            let full = analyze(&new_text);
            let context = format!("in {} at step {step}: {edit:?}\n{new_text}", path.display());
            if let Some(incremental) = try_reanalyze(analyze(&text), edit, &new_text) {
                assert_same(&incremental, &full, &context);
                incremental_paths += 1;
            }
            assert_same(&reanalyze(analysis, edit, &new_text), &full, &context);
            total += 1;
            // Keep edits coming to a file that still has entries.
            text = if step % 5 == 4 {
                original.clone()
            } else {
                new_text
            };
        }
    }
    assert!(total > 1000, "only {total} edits");
    assert!(
        incremental_paths * 5 > total,
        "the incremental path ran for {incremental_paths} of {total} edits"
    );
}

#[test]
fn an_edit_in_a_large_file_moves_every_later_entry() {
    let entry = r#"    {"ContainerGroupId": "eci-abc", "ContainerName": "nginx", "Command": ["ls"], "Sync": true, "TTY": true}"#;
    let entries: Vec<&str> = std::iter::repeat_n(entry, 200).collect();
    let text = format!(
        "{{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Execs\": [\n{}\n  ],\n  \"TTY\": 1\n}}\n",
        entries.join(",\n")
    );
    let analysis = analyze(&text);
    let at = text.find("\"nginx\"").expect("entry") + 1;
    let mut new_text = text.clone();
    new_text.replace_range(at..at + 5, "web-server-😀");
    let edit = TextEdit {
        start: at,
        old_end: at + 5,
        new_len: "web-server-😀".len(),
        removed_blank: false,
    };
    let incremental = try_reanalyze(analysis, edit, &new_text).expect("took the incremental path");
    assert_same(
        &incremental,
        &analyze(&new_text),
        "after renaming a container",
    );
}

/// A missing comma before an entry is reported on the entry's brace, and a full parse folds
/// a syntax error right after that brace into it (a run of junk reports once): typing an
/// unquoted key there must not report it alone (found by fuzzing).
#[test]
fn an_error_right_after_a_brace_with_an_error_folds_as_in_a_full_analysis() {
    let text = r#"{"Execs":[{}{b}]}"#;
    let at = text.find('b').expect("the key");
    let mut new_text = text.to_owned();
    new_text.insert(at, 'a');
    let edit = TextEdit {
        start: at,
        old_end: at,
        new_len: 1,
        removed_blank: true,
    };
    assert_same(
        &reanalyze(analyze(text), edit, &new_text),
        &analyze(&new_text),
        "after typing into an unquoted key",
    );
}

#[test]
fn spaces_typed_or_deleted_anywhere_match_a_full_analysis() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let (mut shifted, mut total) = (0, 0);
    let entry =
        "    {\"ContainerName\": \"nginx\", \"Command\": [\"ls\"], \"Sync\": true, \"TTY\": true}";
    let large = format!(
        "{{\"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-abc\", \"Execs\": [\n{}\n]}}",
        vec![entry; 50].join(",\n")
    );
    let mut texts = vec![large];
    for file in std::fs::read_dir(folder).expect("fixtures") {
        let path = file.expect("entry").path();
        if path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "jsonc")
        {
            texts.push(std::fs::read_to_string(&path).expect("fixture"));
        }
    }
    for original in texts {
        let mut text = original.clone();
        for step in 0..200 {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let start = boundaries[random.below(boundaries.len())];
            let removable = text[start..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            let (old_end, insert) = if removable > 0 && random.below(2) == 0 {
                (start + 1, "")
            } else {
                (start, ["  ", " ", "\t"][random.below(3)])
            };
            let mut new_text = text.clone();
            new_text.replace_range(start..old_end, insert);
            let edit = TextEdit {
                start,
                old_end,
                new_len: insert.len(),
                removed_blank: true,
            };
            let full = analyze(&new_text);
            let context = format!("at step {step}: {edit:?}\n{new_text}");
            if let Some(incremental) = try_reanalyze(analyze(&text), edit, &new_text) {
                assert_same(&incremental, &full, &context);
                shifted += 1;
            }
            total += 1;
            text = if step % 50 == 49 {
                original.clone()
            } else {
                new_text
            };
        }
    }
    assert!(
        shifted * 10 > total,
        "the incremental paths ran for {shifted} of {total} blank edits"
    );
}
