//! What a display name may contain. The agent reads it as who they are talking to, so it must be text a
//! person can see, in the order it is shown: no control or formatting characters (bidi overrides such as
//! U+202E reverse what follows; zero-width characters hide), no line or paragraph separators, no
//! private-use or unassigned code points, and at least one visible character.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Letters that Unicode marks as default-ignorable or that render as blanks: a name made only of them
/// looks empty (the Hangul fillers, and the braille blank).
const BLANK_LETTERS: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

/// Zero-width non-joiner and joiner: format characters, but part of how Persian and Indic names are
/// spelled and of emoji sequences (👩‍💻). Allowed between two characters that are shown or are marks,
/// so they can neither stand alone nor hide at an edge.
const JOINERS: [char; 2] = ['\u{200C}', '\u{200D}'];

/// Why a display name is refused, for the field error. Public so that openapi.yaml's character classes
/// can be generated from, and checked against, this rule (tests/integration/corpus/openapi_patterns.rs).
pub fn display_name_problem(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let joins = |index: usize| {
        let neighbour = |c: Option<&char>| c.is_some_and(|c| is_visible(*c) || is_mark(*c));
        neighbour(index.checked_sub(1).and_then(|before| chars.get(before)))
            && neighbour(chars.get(index + 1))
    };
    let refused = chars
        .iter()
        .enumerate()
        .find(|(index, c)| is_refused(**c) && !(JOINERS.contains(c) && joins(*index)));
    if let Some((_, refused)) = refused {
        return Some(format!(
            "must not contain control, formatting, separator, private-use or unassigned characters (found U+{:04X})",
            u32::from(*refused)
        ));
    }
    if !name.chars().any(is_visible) {
        return Some("must contain a visible character".to_owned());
    }
    None
}

fn is_refused(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::Surrogate
    )
}

/// Combining marks and variation selectors, which belong to the character before them.
fn is_mark(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

/// A character that is shown by itself: letters, digits, punctuation and symbols, but not spaces, and
/// not marks, which only decorate the character before them.
fn is_visible(c: char) -> bool {
    use GeneralCategory::*;
    let shown = matches!(
        get_general_category(c),
        UppercaseLetter
            | LowercaseLetter
            | TitlecaseLetter
            | ModifierLetter
            | OtherLetter
            | DecimalNumber
            | LetterNumber
            | OtherNumber
            | ConnectorPunctuation
            | DashPunctuation
            | OpenPunctuation
            | ClosePunctuation
            | InitialPunctuation
            | FinalPunctuation
            | OtherPunctuation
            | MathSymbol
            | CurrencySymbol
            | ModifierSymbol
            | OtherSymbol
    );
    shown && !BLANK_LETTERS.contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_people_write_are_accepted() {
        for name in [
            "Ada Lovelace",
            "José Álvarez",
            "Zoë O'Brien-Smith",
            "山田 太郎",
            "محمد",
            "Ψ 🦀",
            "e\u{301}", // e + combining acute
            " Ada ",
            "علی\u{200C}رضا",                    // Persian, zero-width non-joiner
            "Ada \u{1F469}\u{200D}\u{1F4BB}",    // woman technologist: an emoji ZWJ sequence
            "\u{2764}\u{FE0F}\u{200D}\u{1F525}", // heart on fire: variation selector, then joiner
        ] {
            assert_eq!(display_name_problem(name), None, "{name}");
        }
    }

    #[test]
    fn invisible_reordering_and_unassigned_characters_are_refused() {
        for name in [
            "Ada\u{202E}ecalevoL", // right-to-left override
            "\u{2066}Ada",         // left-to-right isolate
            "\u{200B}\u{200B}",    // zero-width spaces only
            "\u{FEFF}",            // byte order mark only
            "Ada\u{2028}Lovelace", // line separator
            "Ada\u{2029}",         // paragraph separator
            "Ada\u{E000}",         // private use
            "Ada\u{0378}",         // unassigned
            "A\u{0007}",           // control
            "Ada\u{00AD}",         // soft hyphen (format)
            "\u{200D}Ada",         // a joiner at an edge
            "Ada\u{200C}",
            "Ada \u{200D} Lovelace", // a joiner between spaces
            "\u{200C}\u{200D}",
        ] {
            assert!(display_name_problem(name).is_some(), "{name:?}");
        }
    }

    #[test]
    fn a_name_must_show_something() {
        for name in [
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{FFA0}",
            "\u{2800}",
            "\u{301}\u{301}",
            "\u{3000}",
            "\u{3164} \u{3164}",
        ] {
            assert_eq!(
                display_name_problem(name).as_deref(),
                Some("must contain a visible character"),
                "{name:?}"
            );
        }
    }
}
