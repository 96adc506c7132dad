//! Takes the caller's secrets out of whatever the API sends back, before anything can log,
//! show or return it: an error message, a `Recommend` link or a gateway page may quote the STS
//! token or the AccessKey secret it was given.

use std::cmp::Reverse;

use serde_json::Value;

use super::credentials::Credentials;
use super::error::ApiError;
use super::percent::percent_encode;

/// What a secret becomes.
const REDACTED: &str = "***";

/// The secret values of one set of credentials, in each form the API could quote them: as
/// sent, percent-encoded (a query string) and percent-encoded twice (a V2 string to sign).
/// Deliberately not `Debug`.
pub(crate) struct Redactor {
    forms: Vec<String>,
}

impl Redactor {
    pub fn new(credentials: &Credentials) -> Self {
        let secrets = std::iter::once(&credentials.access_key_secret)
            .chain(credentials.security_token.as_ref())
            .map(|secret| secret.expose())
            .filter(|value| !value.is_empty());
        let mut forms: Vec<String> = secrets
            .flat_map(|value| {
                let once = percent_encode(value);
                let twice = percent_encode(&once);
                [value.to_owned(), once, twice]
            })
            .collect();
        // Longest first: a longer form must not be cut up by a shorter one it contains.
        forms.sort_by_key(|form| Reverse(form.len()));
        forms.dedup();
        Self { forms }
    }

    /// `text` with every secret replaced by `***`.
    pub fn text(&self, mut text: String) -> String {
        for form in &self.forms {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), REDACTED);
            }
        }
        text
    }

    /// Every string in a JSON answer, at any depth (serde_json bounds the depth at 128).
    pub fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.text(std::mem::take(text)),
            Value::Array(items) => items.iter_mut().for_each(|item| self.value(item)),
            Value::Object(members) => members.values_mut().for_each(|item| self.value(item)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Every text an error holds.
    pub fn error(&self, error: ApiError) -> ApiError {
        error.map_texts(|text| self.text(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::{CredentialSource, Secret};

    #[test]
    fn replaces_every_form_of_every_secret() {
        let credentials = Credentials {
            access_key_id: "LTAI-id".to_owned(),
            access_key_secret: Secret::new("s3cr3t"),
            security_token: Some(Secret::new("tok+/=en")),
            region_id: None,
            source: CredentialSource::Environment,
        };
        let redactor = Redactor::new(&credentials);
        let text = "a s3cr3t b tok+/=en c tok%2B%2F%3Den d tok%252B%252F%253Den LTAI-id";
        assert_eq!(
            redactor.text(text.to_owned()),
            "a *** b *** c *** d *** LTAI-id"
        );
        let mut value = serde_json::json!({"A": ["x tok+/=en", {"B": "s3cr3t"}], "C": 1});
        redactor.value(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"A": ["x ***", {"B": "***"}], "C": 1})
        );
    }
}
