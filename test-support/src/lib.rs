//! What the function's answers must be, stated independently of its code: the rules of the documented
//! answers (`oracle`) and the reading of openapi.yaml (`spec`). The integration tests (the hostile-request
//! corpus) and the fuzz target (`fuzz/`) check the function against the same rules.

pub mod oracle;
pub mod spec;
