//! The routes of the API: which resource a request is for, and the methods each one answers. The handler
//! dispatches on the route and the method; a new route is a variant here, a file for its operation (held
//! by the handler, as `start_chat.rs`'s is) and a line in the dispatch (`handler.rs`). Its preflight and
//! its 405 follow from [`Route::allowed_methods`].

use super::message::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The chat itself: `POST` starts one (`start_chat.rs`), `GET` asks whether one can be had now
    /// (`availability.rs`).
    Chat,
}

impl Route {
    /// The route a request is for. The path is not read: every request is for the chat until a second
    /// route exists (/work/plan/features.md lists the ones to come).
    pub fn of(_request: &HttpRequest) -> Self {
        Self::Chat
    }

    /// `Allow` of a 405 and `Access-Control-Allow-Methods` of a preflight.
    pub fn allowed_methods(self) -> &'static str {
        match self {
            Self::Chat => "GET, POST, OPTIONS",
        }
    }

    /// What a 405 tells the caller to do instead.
    pub(crate) fn method_hint(self) -> &'static str {
        match self {
            Self::Chat => {
                "Use POST to start a chat, GET to ask whether chat is available (OPTIONS answers CORS preflights)."
            }
        }
    }
}
