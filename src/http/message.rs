//! The HTTP request and response as the handler sees them: what API Gateway or a function URL received,
//! reduced to what this API reads (method, path, headers, body), and what it answers.

/// Header names are lowercase; a header sent several times keeps every value, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Every value of `name` (lowercase), in the order they were sent.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of a header sent once; `None` when it is absent or repeated with different values.
    pub fn single<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        let mut values = self.get_all(name);
        let first = values.next()?;
        values.all(|other| other == first).then_some(first)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get_all(name).next().is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// As sent (HTTP methods are case-sensitive).
    pub method: String,
    /// The URL path as the event gives it (stage prefix and all); only its tail is read (`route.rs`).
    pub path: String,
    pub headers: Headers,
    pub body: RequestBody,
}

/// The body as the event carries it; decoded only after its size has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestBody {
    Text(String),
    /// API Gateway's `isBase64Encoded: true`.
    Base64(String),
}

impl Default for RequestBody {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl HttpRequest {
    pub fn new(method: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: String::new(),
            headers: Headers::new(),
            body: RequestBody::default(),
        }
    }

    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// The one `Authorization` header; two of them are passed on as one unreadable value, which the
    /// token verifier refuses.
    pub fn authorization(&self) -> Option<&str> {
        let mut values = self.headers.get_all("authorization");
        let first = values.next()?;
        Some(match values.next() {
            None => first,
            Some(_) => "",
        })
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(name, value);
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = RequestBody::Text(body.into());
        self
    }
}

/// Headers this API sets; names are lowercase `'static` strings, so building a response allocates only
/// for values that vary.
pub(crate) type ResponseHeaders = Vec<(&'static str, String)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: ResponseHeaders,
    /// `None` for 204 answers.
    pub body: Option<String>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn set_header(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.headers.iter_mut().find(|(key, _)| *key == name) {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name, value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_repeats_are_kept() {
        let mut headers = Headers::new();
        headers.append("Origin", "https://a.example");
        headers.append("origin", "https://a.example");
        headers.append("X-Two", "1");
        headers.append("x-two", "2");
        assert_eq!(headers.single("origin"), Some("https://a.example"));
        assert_eq!(headers.single("x-two"), None);
        assert_eq!(headers.get_all("x-two").collect::<Vec<_>>(), ["1", "2"]);
        assert!(!headers.contains("content-type"));
    }
}
