//! What the harness accepts as an answer: a started chat, or an availability answer saying "open".

use local_runtime_api::{Invocation, InvocationOutcome};
use serde_json::Value;

/// Checks an availability answer: a 200 in which the default entry point is open (the emulator's
/// local schedule is open around the clock, with agents), so what is measured is a real answer.
pub fn open_now(invocation: &Invocation) -> Result<(), String> {
    let InvocationOutcome::Response(bytes) = &invocation.outcome else {
        return Err(format!("the function failed: {invocation:?}"));
    };
    let reply: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the response is not JSON ({e}): {}", lossy(bytes)))?;
    let body: Value = serde_json::from_str(reply["body"].as_str().unwrap_or_default())
        .map_err(|e| format!("the body is not JSON ({e}): {}", lossy(bytes)))?;
    if reply["statusCode"] != 200 || body["data"]["entryPoints"]["default"]["available"] != true {
        return Err(format!(
            "expected an availability answer, open now: {}",
            lossy(bytes)
        ));
    }
    Ok(())
}

/// The started chat's contact id, if any, or why the invocation is not a 200 answer.
pub fn contact_id(invocation: &Invocation) -> Result<Option<String>, String> {
    let InvocationOutcome::Response(bytes) = &invocation.outcome else {
        return Err(format!("the function failed: {invocation:?}"));
    };
    let reply: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the response is not JSON ({e}): {}", lossy(bytes)))?;
    if reply["statusCode"] != 200 {
        return Err(format!("expected status 200: {}", lossy(bytes)));
    }
    let body: Value = serde_json::from_str(reply["body"].as_str().unwrap_or_default())
        .map_err(|e| format!("the body is not JSON ({e})"))?;
    Ok(body["data"]["startChatResult"]["ContactId"]
        .as_str()
        .filter(|id| id.len() == 36)
        .map(str::to_owned))
}

fn lossy(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(600).collect()
}
