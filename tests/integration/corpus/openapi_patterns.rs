//! The request rules openapi.yaml states as patterns, checked against the function's own code, so that a
//! generator reading the schema makes exactly the requests the function accepts:
//! - the display name's character classes, generated from `display_name_problem` with every code point
//!   classified (`UPDATE_OPENAPI=1 cargo test --test integration openapi_patterns` rewrites them, say after
//!   a Unicode update of the function's tables), and the three patterns, run by a real regex engine,
//!   agreeing with the function on names mixed from every class;
//! - the whitespace a content type may carry around it and an initial message may not consist of: Rust's
//!   `str::trim`, that is `char::is_whitespace`;
//! - the content types: the same names as the function's, the initial message's types, and the ones an
//!   initial message may have without `SupportedMessagingContentTypes` being `make local`'s default.

use regex_lite::Regex;
use serde_json::Value;
use start_chat::chat::{ContentType, display_name_problem};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

const BEGIN: &str = "      # BEGIN generated: display name classes\n";
const END: &str = "      # END generated: display name classes\n";
/// Where the generated YAML wraps its long strings.
const LINE_WIDTH: usize = 110;
const ZWJ: char = '\u{200D}';

fn openapi_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.yaml")
}

fn openapi_text() -> String {
    std::fs::read_to_string(openapi_path()).expect("openapi.yaml is readable")
}

fn schema(spec: &Value, name: &str) -> Value {
    spec["components"]["schemas"][name].clone()
}

fn load(text: &str) -> Value {
    serde_norway::from_str(text).expect("openapi.yaml is YAML")
}

/// How the display-name rule treats a character, as the function's answers to four probes show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Shown by itself: the name may consist of it.
    Visible,
    /// Allowed, not shown by itself, and a joiner may sit next to it (combining marks).
    Mark,
    /// Allowed, not shown, and a joiner may not sit next to it (spaces, blank letters).
    Blank,
    /// Allowed only between two visible characters or marks.
    Joiner,
    Refused,
}

fn class_of(c: char) -> Class {
    let accepted = |name: String| display_name_problem(&name).is_none();
    if accepted(c.to_string()) {
        Class::Visible
    } else if accepted(format!("a{c}")) {
        if accepted(format!("a{ZWJ}{c}")) {
            Class::Mark
        } else {
            Class::Blank
        }
    } else if accepted(format!("a{c}a")) {
        Class::Joiner
    } else {
        Class::Refused
    }
}

/// Every Unicode scalar value's class, in code point order: about three million probes on every core,
/// made once for the tests that need them.
fn classify_every_character() -> &'static [(char, Class)] {
    static CLASSIFIED: OnceLock<Vec<(char, Class)>> = OnceLock::new();
    CLASSIFIED.get_or_init(classify)
}

fn classify() -> Vec<(char, Class)> {
    let characters: Vec<char> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .collect();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let chunk = characters.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = characters
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|c| (*c, class_of(*c))).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a classifier thread"))
            .collect()
    })
}

/// Inclusive ranges of the characters whose class is one of `classes`.
fn ranges(classified: &[(char, Class)], classes: &[Class]) -> Vec<(char, char)> {
    let mut ranges: Vec<(char, char)> = Vec::new();
    for (c, class) in classified {
        if !classes.contains(class) {
            continue;
        }
        match ranges.last_mut() {
            // The surrogate gap is not a character either side of it can bridge.
            Some((_, end)) if u32::from(*end) + 1 == u32::from(*c) => *end = *c,
            _ => ranges.push((*c, *c)),
        }
    }
    ranges
}

/// A character in a class: ASCII letters and digits as themselves, other ASCII as `\xHH`, everything
/// else as itself. Every dialect (ECMA-262 with or without `u`, Python's `re`, Rust's `regex`) reads
/// these alike, which escapes such as `\u{1F600}` or `\U0001F600` are not.
fn class_char(c: char) -> String {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        c.to_string()
    } else {
        format!("\\x{:02X}", u32::from(c))
    }
}

fn class(ranges: &[(char, char)]) -> String {
    let mut text = String::from("[");
    for (start, end) in ranges {
        text.push_str(&class_char(*start));
        if end != start {
            if u32::from(*end) > u32::from(*start) + 1 {
                text.push('-');
            }
            text.push_str(&class_char(*end));
        }
    }
    text.push(']');
    text
}

/// The three patterns of `DisplayName`: the characters it admits, a misplaced joiner, nothing visible.
struct DisplayNamePatterns {
    characters: String,
    misplaced_joiner: String,
    nothing_visible: String,
}

fn display_name_patterns(classified: &[(char, Class)]) -> DisplayNamePatterns {
    use Class::*;
    let joiner = class(&ranges(classified, &[Joiner]));
    let unjoinable = class(&ranges(classified, &[Blank, Joiner]));
    DisplayNamePatterns {
        characters: format!(
            "^{}*$",
            class(&ranges(classified, &[Visible, Mark, Blank, Joiner]))
        ),
        misplaced_joiner: format!("^{joiner}|{joiner}$|{unjoinable}{joiner}|{joiner}{unjoinable}"),
        nothing_visible: format!("^{}*$", class(&ranges(classified, &[Mark, Blank, Joiner]))),
    }
}

/// One character of a YAML double-quoted scalar.
fn yaml_char(c: char) -> String {
    match c {
        '\\' => "\\\\".to_owned(),
        '"' => "\\\"".to_owned(),
        ' '..='~' => c.to_string(),
        c if u32::from(c) <= 0xFFFF => format!("\\u{:04X}", u32::from(c)),
        c => format!("\\U{:08X}", u32::from(c)),
    }
}

/// `key: "value"` as a YAML double-quoted scalar wrapped at LINE_WIDTH with escaped line breaks (which
/// YAML joins without a space), never inside an escape.
fn yaml_string(indent: usize, key: &str, value: &str) -> String {
    let mut lines = vec![format!("{:indent$}{key}: \"", "")];
    for piece in value.chars().map(yaml_char) {
        let line = lines.last_mut().expect("a line");
        if line.len() + piece.len() + 1 > LINE_WIDTH {
            line.push('\\');
            lines.push(format!("{:width$}", "", width = indent + 2));
        }
        lines.last_mut().expect("a line").push_str(&piece);
    }
    lines.last_mut().expect("a line").push('"');
    lines.join("\n") + "\n"
}

fn generated_block(patterns: &DisplayNamePatterns) -> String {
    let mut block = String::from(BEGIN);
    block.push_str("      # From the function's rule (src/chat/display_name.rs) by tests/integration/corpus/openapi_patterns.rs:\n");
    block.push_str(
        "      # UPDATE_OPENAPI=1 cargo test --test integration openapi_patterns rewrites it.\n",
    );
    block.push_str(&yaml_string(6, "pattern", &patterns.characters));
    block.push_str("      allOf:\n");
    block.push_str("        - description: A joiner at an edge, or next to a space, a blank letter or another joiner.\n");
    block.push_str("          not:\n");
    block.push_str(&yaml_string(12, "pattern", &patterns.misplaced_joiner));
    block.push_str(
        "        - description: Nothing visible (only marks, spaces, blank letters and joiners).\n",
    );
    block.push_str("          not:\n");
    block.push_str(&yaml_string(12, "pattern", &patterns.nothing_visible));
    block.push_str(END);
    block
}

fn with_block(text: &str, block: &str) -> String {
    let start = text
        .find(BEGIN)
        .expect("openapi.yaml marks the generated display name classes");
    let end = text[start..].find(END).expect("the generated block ends") + start + END.len();
    format!("{}{block}{}", &text[..start], &text[end..])
}

#[test]
fn openapi_patterns_display_name_classes_are_the_functions_rule() {
    let classified = classify_every_character();
    let patterns = display_name_patterns(classified);
    let text = openapi_text();
    let expected = with_block(&text, &generated_block(&patterns));
    if std::env::var_os("UPDATE_OPENAPI").is_some() && expected != text {
        std::fs::write(openapi_path(), &expected).expect("openapi.yaml is writable");
        eprintln!("openapi.yaml: the display name classes were rewritten");
        return;
    }
    assert!(
        expected == text,
        "openapi.yaml's display name classes are not the function's rule: \
         UPDATE_OPENAPI=1 cargo test --test integration openapi_patterns rewrites them"
    );
    // The YAML reads back as the patterns themselves.
    let name = schema(&load(&text), "DisplayName");
    assert_eq!(name["pattern"], patterns.characters.as_str());
    assert_eq!(
        name["allOf"][0]["not"]["pattern"],
        patterns.misplaced_joiner.as_str()
    );
    assert_eq!(
        name["allOf"][1]["not"]["pattern"],
        patterns.nothing_visible.as_str()
    );
}

/// The schema's verdict on a display name, by the patterns as a validator runs them (searches).
struct DisplayNameSchema {
    characters: Regex,
    misplaced_joiner: Regex,
    nothing_visible: Regex,
}

impl DisplayNameSchema {
    fn from_openapi() -> Self {
        let name = schema(&load(&openapi_text()), "DisplayName");
        let regex = |pattern: &Value| {
            Regex::new(pattern.as_str().expect("a pattern")).expect("the pattern compiles")
        };
        Self {
            characters: regex(&name["pattern"]),
            misplaced_joiner: regex(&name["allOf"][0]["not"]["pattern"]),
            nothing_visible: regex(&name["allOf"][1]["not"]["pattern"]),
        }
    }

    fn admits(&self, name: &str) -> bool {
        self.characters.is_match(name)
            && !self.misplaced_joiner.is_match(name)
            && !self.nothing_visible.is_match(name)
    }
}

/// A small deterministic generator: the test needs variety, not cryptographic randomness.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

#[test]
fn openapi_patterns_display_name_schema_agrees_with_the_function() {
    let schema = DisplayNameSchema::from_openapi();
    let classified = classify_every_character();
    // Up to 64 characters of each class, spread over it, so every kind of neighbour meets every other.
    let mut pool = Vec::new();
    for class in [
        Class::Visible,
        Class::Mark,
        Class::Blank,
        Class::Joiner,
        Class::Refused,
    ] {
        let members: Vec<char> = classified
            .iter()
            .filter(|(_, c)| *c == class)
            .map(|(c, _)| *c)
            .collect();
        assert!(!members.is_empty(), "no {class:?} character");
        let step = members.len().div_ceil(64);
        pool.extend(members.iter().step_by(step));
        pool.push(*members.last().expect("a member"));
    }
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    let names = (0..30_000).map(|_| {
        let length = 1 + random.below(6);
        (0..length)
            .map(|_| pool[random.below(pool.len())])
            .collect::<String>()
    });
    let known = [
        "Ada Lovelace",
        "علی\u{200C}رضا",
        "Ada \u{1F469}\u{200D}\u{1F4BB}",
        "\u{2764}\u{FE0F}\u{200D}\u{1F525}",
        "e\u{301}",
        "\u{301}\u{301}",
        "\u{3164} \u{3164}",
        "Ada \u{200D} Lovelace",
        "\u{200C}\u{200D}",
        "Ada\u{202E}ecalevoL",
    ];
    for name in known.into_iter().map(str::to_owned).chain(names) {
        let function = display_name_problem(&name).is_none();
        accepted += usize::from(function);
        assert_eq!(
            schema.admits(&name),
            function,
            "{name:?}: openapi.yaml and the function disagree"
        );
    }
    assert!(
        accepted > 1000,
        "too few accepted names to mean anything: {accepted}"
    );
}

/// The whitespace class the content type patterns and the initial message's pattern spell out.
#[test]
fn openapi_patterns_whitespace_is_rusts_trim() {
    let spec = load(&openapi_text());
    let plain = Regex::new(
        schema(&spec, "TextPlain")["pattern"]
            .as_str()
            .expect("a pattern"),
    )
    .expect("the pattern compiles");
    let content = spec["components"]["schemas"]["StartChatRequest"]["properties"]["InitialMessage"]
        ["properties"]["Content"]["pattern"]
        .as_str()
        .expect("Content has a pattern");
    let content = Regex::new(content).expect("the pattern compiles");
    // Every White_Space character is below U+3001; beyond, a sample.
    let characters = (0..=0x3100u32)
        .chain((0x3101..=u32::from(char::MAX)).step_by(97))
        .filter_map(char::from_u32);
    for c in characters {
        let whitespace = c.is_whitespace();
        assert_eq!(
            plain.is_match(&format!("{c}text/plain{c}")),
            whitespace,
            "U+{:04X} around text/plain",
            u32::from(c)
        );
        assert_eq!(
            content.is_match(&c.to_string()),
            !whitespace,
            "U+{:04X} as the whole message",
            u32::from(c)
        );
    }
}

/// The content type a `$ref`'d type schema stands for.
fn content_type_of(spec: &Value, reference: &Value) -> ContentType {
    let name = reference["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("a content type reference: {reference}"));
    let pattern = Regex::new(schema(spec, name)["pattern"].as_str().expect("a pattern"))
        .expect("the pattern compiles");
    let matching: Vec<ContentType> = ContentType::ALL
        .into_iter()
        .filter(|t| pattern.is_match(t.as_str()))
        .collect();
    assert_eq!(matching.len(), 1, "{name} matches {matching:?}");
    matching[0]
}

fn referenced_types(spec: &Value, any_of: &Value) -> BTreeSet<ContentType> {
    any_of
        .as_array()
        .expect("an anyOf")
        .iter()
        .map(|reference| content_type_of(spec, reference))
        .collect()
}

#[test]
fn openapi_patterns_content_types_are_the_functions_and_make_locals() {
    let spec = load(&openapi_text());
    let request = schema(&spec, "StartChatRequest");
    assert_eq!(
        referenced_types(&spec, &schema(&spec, "ContentType")["anyOf"]),
        ContentType::ALL.into_iter().collect(),
        "SupportedMessagingContentTypes items"
    );
    let message_types = referenced_types(
        &spec,
        &request["properties"]["InitialMessage"]["properties"]["ContentType"]["anyOf"],
    );
    let customer_types: BTreeSet<ContentType> = ContentType::ALL
        .into_iter()
        .filter(|t| t.is_customer_message_type())
        .collect();
    assert_eq!(message_types, customer_types, "InitialMessage.ContentType");

    // The rule "the initial message's type is one of the chat's": a case per type (and one for no
    // message); the types whose case does not require SupportedMessagingContentTypes are make local's
    // default ones.
    let rule = request["allOf"]
        .as_array()
        .expect("StartChatRequest has rules")
        .iter()
        .find(|rule| {
            rule["title"] == "The initial message's type is one of the chat's content types"
        })
        .expect("the initial message rule");
    let mut ruled = BTreeSet::new();
    let mut without_list = BTreeSet::new();
    for case in rule["anyOf"].as_array().expect("a case per type") {
        let content_type = &case["properties"]["InitialMessage"]["properties"]["ContentType"];
        if content_type.is_null() {
            continue;
        }
        let content_type = content_type_of(&spec, content_type);
        ruled.insert(content_type);
        let required = case["required"]
            .as_array()
            .is_some_and(|r| r.contains(&Value::from("SupportedMessagingContentTypes")));
        if !required {
            without_list.insert(content_type);
        }
    }
    assert_eq!(ruled, customer_types, "a case per type of message");
    let local_default: BTreeSet<ContentType> =
        connect_emulator::local::SUPPORTED_MESSAGING_CONTENT_TYPES
            .split(',')
            .map(|name| ContentType::parse(name).expect("a content type"))
            .collect();
    assert_eq!(
        without_list,
        local_default
            .intersection(&customer_types)
            .copied()
            .collect(),
        "the types an initial message may have without SupportedMessagingContentTypes"
    );
}
