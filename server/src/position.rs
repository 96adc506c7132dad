//! The one place that converts between byte offsets and LSP positions (line, character in the
//! negotiated encoding), over a ropey `Rope`. Out-of-range positions are clamped, never a panic.

use ropey::Rope;

/// How `character` in a position counts: UTF-16 code units (LSP's default) or UTF-8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf16,
    Utf8,
}

/// A 0-based line and character, as LSP counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub character: u32,
}

/// The byte offset of `position`, clamped to the end of its line and of the text; a
/// character inside a UTF-16 surrogate pair or a UTF-8 sequence moves back to its start.
pub fn offset_of(rope: &Rope, encoding: Encoding, position: LineCol) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_end_char = line_start_char + line_content_chars(rope, line);
    let character = position.character as usize;
    let char_index = match encoding {
        Encoding::Utf16 => {
            let start_units = rope.char_to_utf16_cu(line_start_char);
            let end_units = rope.char_to_utf16_cu(line_end_char);
            rope.utf16_cu_to_char((start_units + character).min(end_units))
        }
        Encoding::Utf8 => {
            let start_byte = rope.char_to_byte(line_start_char);
            let end_byte = rope.char_to_byte(line_end_char);
            rope.byte_to_char((start_byte + character).min(end_byte))
        }
    };
    rope.char_to_byte(char_index.min(line_end_char))
}

/// The position of byte `offset` (clamped to the text's length).
pub fn position_of(rope: &Rope, encoding: Encoding, offset: usize) -> LineCol {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let line_start_byte = rope.line_to_byte(line);
    let character = match encoding {
        Encoding::Utf16 => {
            let char_index = rope.byte_to_char(offset);
            rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(rope.line_to_char(line))
        }
        Encoding::Utf8 => offset - line_start_byte,
    };
    LineCol {
        line: to_u32(line),
        character: to_u32(character),
    }
}

/// The char index of `position`, for edits on the rope.
pub fn char_of(rope: &Rope, encoding: Encoding, position: LineCol) -> usize {
    rope.byte_to_char(offset_of(rope, encoding, position))
}

/// The number of chars on `line`, its line break excluded.
fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut length = slice.len_chars();
    if length > 0 && slice.char(length - 1) == '\n' {
        length -= 1;
    }
    if length > 0 && slice.char(length - 1) == '\r' {
        length -= 1;
    }
    length
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> LineCol {
        LineCol { line, character }
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two() {
        let rope = Rope::from_str("a😀b\n你好x");
        assert_eq!(position_of(&rope, Encoding::Utf16, 5), at(0, 3));
        assert_eq!(offset_of(&rope, Encoding::Utf16, at(0, 3)), 5);
        assert_eq!(offset_of(&rope, Encoding::Utf16, at(1, 2)), 13);
        assert_eq!(position_of(&rope, Encoding::Utf16, 13), at(1, 2));
    }

    #[test]
    fn utf8_counts_bytes() {
        let rope = Rope::from_str("你好x");
        assert_eq!(position_of(&rope, Encoding::Utf8, 6), at(0, 6));
        assert_eq!(offset_of(&rope, Encoding::Utf8, at(0, 6)), 6);
    }

    #[test]
    fn inside_a_surrogate_pair_moves_to_the_character_start() {
        let rope = Rope::from_str("a😀b");
        assert_eq!(offset_of(&rope, Encoding::Utf16, at(0, 2)), 1);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let rope = Rope::from_str("ab\r\ncd");
        assert_eq!(offset_of(&rope, Encoding::Utf16, at(0, 99)), 2);
        assert_eq!(offset_of(&rope, Encoding::Utf16, at(7, 0)), 6);
        assert_eq!(position_of(&rope, Encoding::Utf16, 999), at(1, 2));
    }

    #[test]
    fn crlf_and_lone_cr_are_line_breaks_but_not_other_separators() {
        let rope = Rope::from_str("a\r\nb\rc\u{2028}d");
        assert_eq!(position_of(&rope, Encoding::Utf16, 3), at(1, 0));
        assert_eq!(position_of(&rope, Encoding::Utf16, 5), at(2, 0));
        assert_eq!(position_of(&rope, Encoding::Utf16, 9), at(2, 2));
    }
}
