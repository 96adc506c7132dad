//! Fuzz target: how a run shows. The input is the command's output (lossy UTF-8), or its
//! error, and is also read as the document the hint sits in and as the command a confirmation
//! shows. The inlay hint never holds a control character; in the hover, each fenced block
//! holds exactly the text shown (nothing in the output closes its fence) and the request id
//! stays on its line; the cap cuts on a char boundary; the hint sits at the end of a line of
//! the text; the confirmation shows no hidden character, on one line, cut to its length.
//! A fleet run (one result per target) is built from the input's parts between U+001F: each
//! part is a target's name, id, output, error, error code or skip reason; its hover keeps one
//! line per target outside the fences, and its fences hold the outputs' first lines.
//!
//! Input: one flags byte (bit 0: an error rather than output, or a cancelled fleet run; bit 1:
//! stale; bit 2: a request id made of the first 40 bytes; bits 3 and 4: the output repeated
//! past the 1 MiB cap; bit 5: a fleet run), then the text.
#![no_main]

use eci_exec_lsp::analysis::analyze;
use eci_exec_lsp::analysis::fleet::{FleetRun, TargetResult, TargetStatus};
use eci_exec_lsp::analysis::hidden::{CONFIRM_CHARS, display_command, escape_hidden, is_hidden};
use eci_exec_lsp::analysis::run_result::{self, MAX_OUTPUT_BYTES, RunRecord, RunResult, SingleRun};
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp_fuzz::assert_span;
use libfuzzer_sys::fuzz_target;

/// The opening fence of a CommonMark code block (up to three spaces, then three or more
/// backticks), as the line it opens with.
fn opening_fence(line: &str) -> Option<&str> {
    let fence = line.trim_start_matches(' ');
    let indent = line.len() - fence.len();
    let ticks = fence.len() - fence.trim_start_matches('`').len();
    (indent <= 3 && ticks >= 3).then(|| &fence[..ticks])
}

/// Reads `markdown`'s fenced blocks as a CommonMark renderer does: a block ends at the first
/// line that is, after up to three spaces, at least as many backticks as its fence.
fn fenced_blocks(markdown: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut lines = markdown.split('\n');
    while let Some(line) = lines.next() {
        let Some(fence) = opening_fence(line) else {
            continue;
        };
        let mut block = Vec::new();
        for inner in lines.by_ref() {
            let unindented = inner.trim_start_matches(' ');
            if inner.len() - unindented.len() <= 3 && unindented.starts_with(fence) {
                break;
            }
            block.push(inner);
        }
        blocks.push(block);
    }
    blocks
}

/// The hint has no control character, whatever the run gave.
fn assert_plain_hint(record: &RunRecord, stale: bool) {
    let hint = run_result::hint_label(record, stale);
    assert!(
        !hint.chars().any(char::is_control),
        "control character in the hint {hint:?}"
    );
}

/// A fleet run with one target per part of `text` between U+001F (at most 8): ok, failed and
/// skipped in turn, named (or not) by the part, which is also its output, error or reason.
fn fleet_run(text: &str, cancelled: bool) -> FleetRun {
    let targets: Vec<TargetResult> = text
        .split('\u{1f}')
        .take(8)
        .enumerate()
        .map(|(index, part)| {
            let status = [
                TargetStatus::Ok,
                TargetStatus::Failed,
                TargetStatus::Skipped,
            ][index % 3];
            let part = part.to_owned();
            TargetResult {
                container_group_id: part.clone(),
                container_group_name: (index % 4 != 3).then(|| part.clone()),
                status,
                request_id: Some(part.clone()),
                output: (status == TargetStatus::Ok).then(|| run_result::cap_output(part.clone())),
                error: (status == TargetStatus::Failed).then(|| part.clone()),
                error_code: (status == TargetStatus::Failed).then(|| part.clone()),
                reason: (status == TargetStatus::Skipped).then_some(part),
            }
        })
        .collect();
    let planned = targets.len();
    FleetRun::new(targets, planned, cancelled)
}

/// The fleet hover: outside its fences, the summary and one line per target (nothing a name,
/// an id or a reason holds starts a line of its own); one fence per output or error, holding
/// its first lines as plain text.
fn assert_fleet_hover(fleet: &FleetRun, stale: bool) {
    let hover = fleet.hover_markdown(stale);
    let bodies: Vec<String> = fleet
        .targets
        .iter()
        .filter_map(|target| target.error.as_deref().or(target.output.as_deref()))
        .map(run_result::plain_text)
        .collect();
    let blocks = fenced_blocks(&hover);
    assert_eq!(blocks.len(), bodies.len(), "fenced blocks in {hover:?}");
    for (block, body) in blocks.iter().zip(&bodies) {
        let lines: Vec<&str> = body
            .strip_suffix('\n')
            .unwrap_or(body)
            .split('\n')
            .collect();
        let shown = match block.last() {
            Some(last) if last.starts_with("… ") && last.ends_with(" more lines") => {
                &block[..block.len() - 1]
            }
            _ => &block[..],
        };
        assert_eq!(
            shown,
            &lines[..shown.len().min(lines.len())],
            "a fence in {hover:?}"
        );
    }
    let mut outside = Vec::new();
    let mut lines = hover.split('\n');
    while let Some(line) = lines.next() {
        if let Some(fence) = opening_fence(line) {
            lines.by_ref().find(|inner| {
                let unindented = inner.trim_start_matches(' ');
                inner.len() - unindented.len() <= 3 && unindented.starts_with(fence)
            });
        } else if !line.is_empty() {
            outside.push(line);
        }
    }
    assert_eq!(
        outside.len(),
        1 + fleet.targets.len(),
        "lines outside the fences in {hover:?}"
    );
    for line in &outside[1..] {
        assert!(
            line.starts_with(['✓', '✗', '–']),
            "a line that is not a target's in {hover:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let stale = flags & 2 != 0;
    if flags & 0x20 != 0 {
        let fleet = fleet_run(&text, flags & 1 != 0);
        assert_fleet_hover(&fleet, stale);
        let record = RunRecord {
            entry_text: String::new(),
            result: RunResult::Fleet(fleet),
        };
        assert_plain_hint(&record, stale);
        return;
    }
    let request_id =
        (flags & 4 != 0).then(|| String::from_utf8_lossy(&rest[..rest.len().min(40)]).into_owned());
    let body = if flags & 0x18 == 0x18 && !text.is_empty() {
        let capped = run_result::cap_output(text.repeat(MAX_OUTPUT_BYTES / text.len() + 1));
        assert!(
            capped.len() <= MAX_OUTPUT_BYTES + 64,
            "cap_output keeps {} bytes",
            capped.len()
        );
        capped
    } else {
        run_result::cap_output(text.clone())
    };
    let (output, error) = if flags & 1 != 0 {
        (None, Some(body))
    } else {
        (Some(body), None)
    };
    let run = SingleRun {
        output,
        error,
        request_id,
    };
    let record = RunRecord {
        entry_text: String::new(),
        result: RunResult::Single(run.clone()),
    };
    assert_plain_hint(&record, stale);

    let hover = run_result::hover_markdown(&record, stale);
    let shown: Vec<String> = [&run.error, &run.output]
        .into_iter()
        .flatten()
        .map(|body| run_result::plain_text(body))
        .collect();
    let blocks = fenced_blocks(&hover);
    assert_eq!(blocks.len(), shown.len(), "fenced blocks in {hover:?}");
    for (block, body) in blocks.iter().zip(&shown) {
        let expected: Vec<&str> = body.split('\n').collect();
        assert_eq!(*block, expected, "the fence is closed early in {hover:?}");
    }
    if run.request_id.is_some() {
        let tail = hover.rsplit_once("\nRequestId ").map(|(_, tail)| tail);
        assert!(
            tail.is_some_and(|tail| !tail.contains('\n')),
            "the request id leaves its line in {hover:?}"
        );
    }

    // The confirmation of a command whose items are the text's parts between U+001F.
    let items: Vec<String> = text.split('\u{1f}').map(str::to_owned).collect();
    let escaped = escape_hidden(&text);
    assert!(
        !escaped.contains(is_hidden) && !escaped.contains('\t'),
        "escape_hidden leaves {escaped:?}"
    );
    let shown = display_command(&items, CONFIRM_CHARS);
    assert!(
        !shown.contains(is_hidden),
        "the confirmation shows a hidden character: {shown:?}"
    );
    let kept = shown
        .split_once("… (+")
        .map_or(shown.as_str(), |(kept, _)| kept);
    assert!(
        kept.chars().count() <= CONFIRM_CHARS,
        "the confirmation is not cut: {shown:?}"
    );

    let analysis = analyze(&text);
    for index in 0..analysis
        .model
        .as_ref()
        .map_or(0, |model| model.entries.len())
    {
        let Some(offset) = run_result::hint_offset(&analysis, &text, index) else {
            continue;
        };
        assert_span(&text, Span::new(offset, offset), "hint");
        assert!(
            text[offset..].is_empty() || text[offset..].starts_with(['\n', '\r']),
            "the hint at {offset} is not at a line's end"
        );
    }
});
