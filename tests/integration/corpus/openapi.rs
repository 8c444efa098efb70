//! `openapi.yaml` in step with the code and docs/api.md: the same (status, code) pairs as the error table,
//! every answer the corpus expects documented under its status, the same request members, and the headers
//! every answer carries.

use super::build::{corpus_dir, load_entries};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use test_support::spec::{error_codes_of, load, operation_responses, resolve};

fn repo_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

pub fn spec() -> Value {
    load(&repo_file("openapi.yaml"))
}

/// Every (status, error code) openapi.yaml documents.
pub fn documented_error_codes() -> BTreeSet<(u16, String)> {
    error_codes_of(&spec())
}

/// The (status, code) rows of docs/api.md's error table (`| 403 | `A` / `B` | ...`).
fn error_table_of_docs() -> BTreeSet<(u16, String)> {
    let path = repo_file("docs/api.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut pairs = BTreeSet::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, status, codes, ..] = cells.as_slice() else {
            continue;
        };
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        for code in codes.split('`').skip(1).step_by(2) {
            if !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                pairs.insert((status, code.to_owned()));
            }
        }
    }
    pairs
}

#[test]
fn openapi_lists_exactly_the_codes_of_the_error_table_in_docs_api_md() {
    let documented = documented_error_codes();
    let table = error_table_of_docs();
    assert!(
        table.len() >= 18,
        "the error table of docs/api.md was not found: {table:?}"
    );
    let missing: Vec<_> = table.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "openapi.yaml lacks {missing:?}; docs/api.md's error table lacks {extra:?}"
    );
}

#[test]
fn every_answer_the_corpus_expects_is_in_openapi() {
    let documented = documented_error_codes();
    for entry in load_entries(&corpus_dir()) {
        let expect = &entry.expect;
        match &expect.code {
            Some(code) => assert!(
                documented.contains(&(expect.status, code.clone())),
                "{}: {} {code} is not in openapi.yaml",
                entry.name,
                expect.status
            ),
            None => assert!(
                [200, 204].contains(&expect.status),
                "{}: a {} without a code",
                entry.name,
                expect.status
            ),
        }
    }
}

#[test]
fn openapi_request_members_are_the_ones_docs_api_md_lists() {
    let spec = spec();
    let schema = &spec["components"]["schemas"]["StartChatRequest"];
    let in_spec: BTreeSet<String> = schema["properties"]
        .as_object()
        .expect("StartChatRequest has properties")
        .keys()
        .cloned()
        .collect();
    let path = repo_file("docs/api.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = text
        .split("## The request")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/api.md has a request section");
    let in_docs: BTreeSet<String> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| line.split('`').nth(1))
        .map(|member| member.split('.').next().unwrap_or(member).to_owned())
        .collect();
    assert_eq!(
        in_spec, in_docs,
        "request members: openapi.yaml vs docs/api.md"
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["ParticipantDetails"])
    );
}

#[test]
fn every_documented_answer_names_its_headers() {
    let spec = spec();
    for (operation, status, response) in operation_responses(&spec) {
        let headers = response["headers"].as_object().unwrap_or_else(|| {
            panic!("{operation} {status}: no headers");
        });
        let header = |name: &str| headers.get(name).map(|header| resolve(&spec, header));
        let required = |name: &str| header(name).is_some_and(|h| h["required"] == true);
        assert!(required("Vary"), "{operation} {status}: Vary");
        if status != 204 {
            assert!(
                required("Cache-Control"),
                "{operation} {status}: Cache-Control"
            );
            assert!(
                response
                    .pointer("/content/application~1json/schema")
                    .is_some(),
                "{operation} {status}: a JSON body"
            );
        }
        // A 405, and a preflight's 204 (a removal's 204 is the answer to a DELETE, without Allow).
        if status == 405 || (status == 204 && operation.starts_with("options")) {
            assert!(required("Allow"), "{operation} {status}: Allow");
        }
        if [429, 503, 504].contains(&status) {
            assert!(required("Retry-After"), "{operation} {status}: Retry-After");
        }
        if status == 401 {
            assert!(
                required("WWW-Authenticate"),
                "{operation} {status}: WWW-Authenticate"
            );
        }
        if status == 502 {
            assert!(
                header("Retry-After").is_some(),
                "{operation} {status}: Retry-After"
            );
        }
        // A refused origin's answer must not be readable by that page; a POST's or a DELETE's 403 may
        // also be the policy's, answered with CORS.
        let policy_answers = operation.starts_with("post") || operation.starts_with("delete");
        let origin_refusal = !policy_answers && status == 403;
        assert_eq!(
            header("Access-Control-Allow-Origin").is_some(),
            !origin_refusal,
            "{operation} {status}: Access-Control-Allow-Origin"
        );
    }
}
