//! Progress lines on stderr, so that stdout keeps the tables.

pub fn progress(message: &str) {
    eprintln!("[bench] {message}");
}
