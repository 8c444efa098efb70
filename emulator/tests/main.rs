//! The emulator over real HTTP, WebSockets and its own binary, in one test binary.

mod common;

mod availability;
mod binary;
mod chat_websocket;
mod connection_faults;
mod control_api_routing;
mod control_plane;
mod operations;
mod participant_service;
mod push;
mod quota;
mod robustness;
mod sdk_client;
mod secrets;
