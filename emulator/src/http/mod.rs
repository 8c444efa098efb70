//! HTTP shared by the planes: serving connections, the common layers, AWS's error format and the
//! wording of constraint violations.

pub(crate) mod aws_error;
pub(crate) mod layers;
pub(crate) mod server;
pub(crate) mod validation;
