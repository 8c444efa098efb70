//! The emulator over real HTTP, WebSockets and its own binary, in one test binary.

mod common;

mod binary;
mod chat_websocket;
mod connection_faults;
mod control_plane;
mod participant_service;
mod quota;
mod robustness;
mod sdk_client;
mod secrets;
