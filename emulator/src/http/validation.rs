//! Constraint violations in the wording AWS front ends use
//! (`1 validation error detected: Value null at 'content' failed to satisfy constraint: ...`).

/// Collects violations; both planes turn the result into their own error code.
#[derive(Default)]
pub(crate) struct Violations(Vec<String>);

impl Violations {
    pub(crate) fn not_null(&mut self, path: &str) {
        self.0.push(format!(
            "Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ));
    }

    pub(crate) fn length(&mut self, path: &str, value: &str, min: usize, max: usize) {
        let length = value.chars().count();
        if length < min {
            self.0.push(format!(
                "Value at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
            ));
        } else if length > max {
            self.0.push(format!(
                "Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ));
        }
    }

    pub(crate) fn required(&mut self, path: &str, value: Option<&str>, min: usize, max: usize) {
        match value {
            None => self.not_null(path),
            Some(value) => self.length(path, value, min, max),
        }
    }

    pub(crate) fn optional(&mut self, path: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(value) = value {
            self.length(path, value, min, max);
        }
    }

    pub(crate) fn range(&mut self, path: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.0.push(format!(
                "Value '{value}' at '{path}' failed to satisfy constraint: Member must have value between {min} and {max}"
            ));
        }
    }

    pub(crate) fn one_of(&mut self, path: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.0.push(format!(
                "Value '{}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                printable(value),
                allowed.join(", ")
            ));
        }
    }

    pub(crate) fn other(&mut self, message: String) {
        self.0.push(message);
    }

    /// `None` when nothing was violated, else the combined message.
    pub(crate) fn into_message(self) -> Option<String> {
        match self.0.len() {
            0 => None,
            1 => Some(format!("1 validation error detected: {}", self.0[0])),
            n => Some(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            )),
        }
    }
}

/// Caps echoed values: some members may be 32 KiB long.
pub(crate) fn printable(value: &str) -> String {
    if value.chars().count() > 100 {
        format!("{}...", value.chars().take(100).collect::<String>())
    } else {
        value.to_owned()
    }
}
