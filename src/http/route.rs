//! The routes of the API: which resource a request is for, and the methods each one answers. The handler
//! dispatches on the route and the method; a new route is a variant here, a file for its operation (held
//! by the handler, as `start_chat.rs`'s is) and a line in the dispatch (`handler.rs`). Its preflight and
//! its 405 follow from [`Route::allowed_methods`].
//!
//! Only the path's tail is read: API Gateway stages (`/prod`), base path mappings and function URLs put
//! anything before it, so the front door decides which prefixes reach the function.

use super::message::HttpRequest;

/// The segment that starts the push registrations' paths.
const PUSH_REGISTRATIONS: &str = "push-registrations";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The chat itself: `POST` starts one (`start_chat.rs`), `GET` asks whether one can be had now
    /// (`availability.rs`). Every path not below.
    Chat,
    /// `…/push-registrations`: `POST` registers a device for a chat's notifications.
    PushRegistrations,
    /// `…/push-registrations/{RegistrationId}`: `DELETE` removes that registration.
    PushRegistration,
    /// Deeper under `push-registrations`: no such resource.
    UnknownPushPath,
}

impl Route {
    /// The route a request is for.
    pub fn of(request: &HttpRequest) -> Self {
        Self::resolve(&request.path).0
    }

    /// The route of a path, and the registration id segment (still percent-encoded) of
    /// [`Route::PushRegistration`]. Empty segments are ignored (`//`, a trailing `/`); any text is a
    /// path, none can fail.
    pub fn resolve(path: &str) -> (Self, Option<&str>) {
        let mut segments = path.split('/').filter(|segment| !segment.is_empty());
        if !segments.any(|segment| segment == PUSH_REGISTRATIONS) {
            return (Self::Chat, None);
        }
        match (segments.next(), segments.next()) {
            (None, _) => (Self::PushRegistrations, None),
            (Some(id), None) => (Self::PushRegistration, Some(id)),
            (Some(_), Some(_)) => (Self::UnknownPushPath, None),
        }
    }

    /// `Allow` of a 405 and `Access-Control-Allow-Methods` of a preflight.
    pub fn allowed_methods(self) -> &'static str {
        match self {
            Self::Chat => "GET, POST, OPTIONS",
            Self::PushRegistrations => "POST, OPTIONS",
            Self::PushRegistration => "DELETE, OPTIONS",
            Self::UnknownPushPath => "OPTIONS",
        }
    }

    /// What a 405 tells the caller to do instead.
    pub(crate) fn method_hint(self) -> &'static str {
        match self {
            Self::Chat => {
                "Use POST to start a chat, GET to ask whether chat is available (OPTIONS answers CORS preflights)."
            }
            Self::PushRegistrations => {
                "Use POST to register a device (OPTIONS answers CORS preflights)."
            }
            Self::PushRegistration => {
                "Use DELETE to remove a registration (OPTIONS answers CORS preflights)."
            }
            Self::UnknownPushPath => "No resource has this path.",
        }
    }

    /// The name in log lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::PushRegistrations => "push-registrations",
            Self::PushRegistration => "push-registration",
            Self::UnknownPushPath => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_of_the_path_chooses_the_route_whatever_comes_before() {
        for (path, route, id) in [
            ("", Route::Chat, None),
            ("/", Route::Chat, None),
            ("/chat", Route::Chat, None),
            ("/prod/chat", Route::Chat, None),
            ("/lambda-url/start-chat/", Route::Chat, None),
            ("/anything/else", Route::Chat, None),
            ("/chat/push-registrations", Route::PushRegistrations, None),
            (
                "/prod/chat/push-registrations/",
                Route::PushRegistrations,
                None,
            ),
            ("push-registrations", Route::PushRegistrations, None),
            (
                "/chat/push-registrations/r-1",
                Route::PushRegistration,
                Some("r-1"),
            ),
            (
                "/prod/chat//push-registrations//a%2Fb/",
                Route::PushRegistration,
                Some("a%2Fb"),
            ),
            (
                "/chat/push-registrations/r-1/x",
                Route::UnknownPushPath,
                None,
            ),
            (
                "/chat/push-registrations/r-1/push-registrations",
                Route::UnknownPushPath,
                None,
            ),
            ("/chat/Push-Registrations", Route::Chat, None),
            ("/chat/push-registrationsx/r-1", Route::Chat, None),
        ] {
            assert_eq!(Route::resolve(path), (route, id), "{path:?}");
        }
    }

    #[test]
    fn hostile_paths_are_only_text() {
        let long = format!("/{}", "push-registrations/".repeat(10_000));
        assert_eq!(Route::resolve(&long).0, Route::UnknownPushPath);
        for path in [
            "\u{0}",
            "/\u{202e}/push-registrations/\u{0}",
            "%",
            "/%ff/../..",
            "?a=/push-registrations",
        ] {
            let _ = Route::resolve(path);
        }
        assert_eq!(
            Route::resolve("/push-registrations/\u{0}"),
            (Route::PushRegistration, Some("\u{0}"))
        );
    }
}
