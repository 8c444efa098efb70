//! Integration tests: the handler and the real `start-chat` binary, through the real SDK client, over
//! HTTP to the local Connect emulator. One test binary keeps link time down.

mod availability;
mod binary;
mod connect_errors;
mod corpus;
mod events;
mod push;
mod quota;
mod signed;
mod support;
