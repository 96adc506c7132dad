//! Owns: `cargo bench -p eci-exec-lsp --bench analysis` (issue 6): `analysis::analyze` on
//! generated exec configs of 100 and 10,000 entries (the shape of tests/bench/gen_execs.py,
//! with a few broken entries) against the floor, serde_json parsing the same text into a
//! `Value`; `parse` alone (the tolerant JSONC parser) shows where analysis spends its time.
//! Goal: analysis on 10,000 entries within 3x the serde_json `Value` parse.

use std::fmt::Write as _;
use std::hint::black_box;

use eci_exec_lsp::analysis;

// Counts allocations per iteration (count and bytes, shown under each timing): the tree and
// the model allocate per string and per container, which is most of the gap to serde_json.
#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [100, 10_000];

/// `{"RegionId": ..., "Execs": [...]}` with `n` entries, indented like Python's
/// `json.dump(indent=2)`; every (n/6)-th entry breaks one rule, as `gen_execs.py --invalid 6`.
fn generate(n: usize) -> String {
    let mut seed: u64 = 1;
    let mut next = move || {
        // xorshift64*: a fixed sequence, so every run analyses the same text.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let bad_every = n / 6;
    let mut out = String::from("{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Execs\": [\n");
    for i in 0..n {
        let id: String = (0..8)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
            .collect();
        let mut command = vec!["/bin/sh".to_owned(), "-c".to_owned(), "ls -a".to_owned()];
        let mut tty = false;
        if bad_every > 0 && i % bad_every == bad_every - 1 {
            match (i / bad_every) % 3 {
                0 => tty = true,
                1 => command[2] = "x".repeat(300),
                _ => {
                    command = std::iter::once("echo".to_owned())
                        .chain((0..25).map(|k| k.to_string()))
                        .collect()
                }
            }
        }
        let items: Vec<String> = command.iter().map(|c| format!("        \"{c}\"")).collect();
        let _ = write!(
            out,
            "    {{\n      \"ContainerGroupId\": \"eci-{id}\",\n      \"ContainerName\": \"nginx\",\n      \"Command\": [\n{}\n      ],\n      \"Sync\": true,\n      \"TTY\": {tty}\n    }}{}\n",
            items.join(",\n"),
            if i + 1 < n { "," } else { "" }
        );
    }
    out.push_str("  ]\n}\n");
    out
}

#[divan::bench(args = SIZES)]
fn analyze(bencher: divan::Bencher, n: usize) {
    let text = generate(n);
    assert!(!analysis::analyze(&text).diagnostics.is_empty());
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| analysis::analyze(black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn parse_only(bencher: divan::Bencher, n: usize) {
    let text = generate(n);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| analysis::parser::parse(black_box(&text), false));
}

#[divan::bench(args = SIZES)]
fn serde_json_value(bencher: divan::Bencher, n: usize) {
    let text = generate(n);
    bencher
        .counter(divan::counter::BytesCount::of_str(&text))
        .bench(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap());
}

/// An edit while typing: one character inserted in an entry in the middle of the file,
/// through the incremental path (the previous analysis is updated in place).
#[divan::bench(args = SIZES)]
fn reanalyze_after_typing(bencher: divan::Bencher, n: usize) {
    use analysis::incremental::{TextEdit, try_reanalyze};
    let text = generate(n);
    let at = text[text.len() / 2..].find("\"nginx\"").expect("an entry") + text.len() / 2 + 1;
    let mut typed = text.clone();
    typed.insert(at, 'x');
    let edit = TextEdit {
        start: at,
        old_end: at,
        new_len: 1,
        removed_blank: true,
    };
    bencher
        .with_inputs(|| analysis::analyze(&text))
        .bench_local_values(|previous| {
            try_reanalyze(previous, edit, black_box(&typed)).expect("incremental")
        });
}
