//! The random plan of the soak: which request, and which fault the emulator injects into its
//! StartChatContact calls; and which answers each combination allows.

use super::MAX_ATTEMPTS;
use connect_emulator::{ConnectErrorKind, Fault};
use std::time::Duration;

/// What the harness sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Request {
    Typical,
    Maximal,
    /// A body that is not JSON: refused before Connect.
    BadJson,
    /// An origin the function does not allow: refused before Connect.
    WrongOrigin,
    /// A CORS preflight: answered without Connect.
    Preflight,
}

impl Request {
    pub fn reaches_connect(self) -> bool {
        matches!(self, Request::Typical | Request::Maximal)
    }
}

/// What the emulator does to the StartChatContact calls of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Injection {
    None,
    /// Connect answers this error, for `copies` attempts.
    Error(ErrorKind, u32),
    /// Connect answers within the attempt timeout.
    ShortDelay,
    /// Connect answers after the attempt timeout, for `copies` attempts.
    LongDelay(u32),
    /// The connection is closed without an answer, for `copies` attempts.
    DropConnection(u32),
}

/// `ConnectErrorKind`, ordered for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ErrorKind(pub u8);

impl ErrorKind {
    pub fn kind(self) -> ConnectErrorKind {
        ConnectErrorKind::ALL[usize::from(self.0) % ConnectErrorKind::ALL.len()]
    }
}

impl Injection {
    pub fn name(self) -> String {
        match self {
            Injection::None => "none".into(),
            Injection::Error(kind, copies) => format!("{} ×{copies}", kind.kind().code()),
            Injection::ShortDelay => "short delay".into(),
            Injection::LongDelay(copies) => format!("delay past the attempt timeout ×{copies}"),
            Injection::DropConnection(copies) => format!("dropped connection ×{copies}"),
        }
    }

    /// The status classes (2 for 2xx, ...) the function may answer with. A fault queued for fewer
    /// attempts than the function makes may be retried away, so success is allowed too.
    pub fn allowed_classes(self) -> Vec<u16> {
        // A retried fault ends in a success when a retry gets through, in the fault's own class when
        // every attempt meets it, or in a 504 when the retries outlast the Connect budget.
        let retried = |copies: u32, class: u16| {
            let mut classes = if copies < MAX_ATTEMPTS {
                vec![2]
            } else {
                Vec::new()
            };
            classes.push(class);
            if class != 5 {
                classes.push(5);
            }
            classes
        };
        match self {
            Injection::None | Injection::ShortDelay => vec![2],
            Injection::Error(kind, copies) => match kind.kind() {
                // Connect's verdict on the request: final at the first attempt, and the browser's
                // problem (4xx) except access denied, the deployment's (5xx).
                ConnectErrorKind::InvalidRequest
                | ConnectErrorKind::InvalidParameter
                | ConnectErrorKind::ResourceNotFound => vec![4],
                ConnectErrorKind::AccessDenied => vec![5],
                retryable => retried(copies, retryable.status() / 100),
            },
            Injection::LongDelay(copies) | Injection::DropConnection(copies) => retried(copies, 5),
        }
    }

    pub fn faults(self, attempt_timeout: Duration) -> Vec<Fault> {
        let copies = |fault: Fault, n: u32| vec![fault; n as usize];
        match self {
            Injection::None => Vec::new(),
            Injection::Error(kind, n) => copies(Fault::Error(kind.kind()), n),
            Injection::ShortDelay => vec![Fault::Delay(Duration::from_millis(20))],
            Injection::LongDelay(n) => copies(
                Fault::Delay(attempt_timeout + Duration::from_millis(200)),
                n,
            ),
            Injection::DropConnection(n) => copies(Fault::DropConnection, n),
        }
    }
}

/// The random plan: which request, which fault.
pub fn draw(rng: &mut fastrand::Rng) -> (Request, Injection) {
    let request = match rng.u32(0..100) {
        0..75 => Request::Typical,
        75..90 => Request::Maximal,
        90..94 => Request::BadJson,
        94..97 => Request::WrongOrigin,
        _ => Request::Preflight,
    };
    if !request.reaches_connect() {
        return (request, Injection::None);
    }
    let copies = rng.u32(1..=MAX_ATTEMPTS);
    let injection = match rng.u32(0..100) {
        0..60 => Injection::None,
        60..84 => Injection::Error(
            ErrorKind(rng.u8(0..u8::try_from(ConnectErrorKind::ALL.len()).unwrap_or(1))),
            copies,
        ),
        84..90 => Injection::ShortDelay,
        90..92 => Injection::LongDelay(copies),
        _ => Injection::DropConnection(copies),
    };
    (request, injection)
}
