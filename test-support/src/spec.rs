//! Reading openapi.yaml: its `$ref`s, the answers of every operation and the error codes each status lists.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

pub fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Follows a local `$ref` (`#/components/...`).
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local references: {reference}"));
            let target = spec
                .pointer(pointer)
                .unwrap_or_else(|| panic!("a dangling reference: {reference}"));
            resolve(spec, target)
        }
        None => value,
    }
}

/// Every `enum` of an `error.code` member anywhere in a schema (through `$ref` and `allOf`).
fn error_codes(spec: &Value, schema: &Value, into: &mut BTreeSet<String>) {
    let schema = resolve(spec, schema);
    if let Some(error) = schema.pointer("/properties/error") {
        collect_code_enums(spec, error, into);
    }
}

fn collect_code_enums(spec: &Value, schema: &Value, into: &mut BTreeSet<String>) {
    let schema = resolve(spec, schema);
    if let Some(codes) = schema
        .pointer("/properties/code/enum")
        .and_then(Value::as_array)
    {
        into.extend(codes.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect_code_enums(spec, part, into);
    }
}

/// Every answer the document describes: `(path and operation, status, response)` for each method of
/// each path, and each `x-…` member that holds answers (every other method, deeper paths). The operation
/// is named `method` on `/chat` (`post`, `x-other-methods`) and `method path` elsewhere.
pub fn operation_responses(spec: &Value) -> Vec<(String, u16, &Value)> {
    let paths = spec["paths"]
        .as_object()
        .unwrap_or_else(|| panic!("openapi.yaml has no paths"));
    let mut responses = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            panic!("openapi.yaml: {path} is not an object");
        };
        for (operation, described) in item {
            if operation == "parameters" {
                continue;
            }
            let Some(listed) = described["responses"].as_object() else {
                panic!("openapi.yaml: {path} {operation} has no responses");
            };
            let name = if path == "/chat" {
                operation.clone()
            } else {
                format!("{operation} {path}")
            };
            for (status, response) in listed {
                let status: u16 = status.parse().unwrap_or_else(|_| {
                    panic!("openapi.yaml: {path} {operation}: status {status:?}")
                });
                responses.push((name.clone(), status, resolve(spec, response)));
            }
        }
    }
    responses
}

/// Every (status, error code) the document lists.
pub fn error_codes_of(spec: &Value) -> BTreeSet<(u16, String)> {
    let mut pairs = BTreeSet::new();
    for (_, status, response) in operation_responses(spec) {
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            continue;
        };
        let mut codes = BTreeSet::new();
        error_codes(spec, schema, &mut codes);
        pairs.extend(codes.into_iter().map(|code| (status, code)));
    }
    pairs
}
