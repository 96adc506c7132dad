//! Fuzz target: the credentials files, read through the credential chain from a temporary home
//! folder: the aliyun CLI's `~/.aliyun/config.json` or the INI file
//! `~/.alibabacloud/credentials`. Never a panic; found credentials have a key id and a secret;
//! no secret of the file shows in an error message or in the credentials' `Debug`.
//!
//! Input: one flags byte (bit 0: the INI file rather than the CLI config; bits 1-2: the
//! profile asked for: none, `default`, `prod`, or empty), then the file.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use eci_exec_lsp::remote::credentials::{Environment, resolve};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SECRET_KEYS: [&str; 2] = ["access_key_secret", "sts_token"];

/// A home folder of this process's own, with the folders the two files live in.
fn home() -> &'static PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("eci-exec-fuzz-home-{}", std::process::id()));
        for folder in [".aliyun", ".alibabacloud"] {
            std::fs::create_dir_all(home.join(folder)).expect("temporary home folder");
        }
        home
    })
}

/// The scalars of a JSON value, split into the values of secret keys and everything else
/// (keys included).
fn json_scalars(value: &Value, secret: bool, secrets: &mut Vec<String>, others: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, value) in members {
                others.push(key.clone());
                json_scalars(value, SECRET_KEYS.contains(&key.as_str()), secrets, others);
            }
        }
        Value::Array(items) => {
            for item in items {
                json_scalars(item, secret, secrets, others);
            }
        }
        Value::String(text) => (if secret { secrets } else { others }).push(text.clone()),
        Value::Number(number) => (if secret { secrets } else { others }).push(number.to_string()),
        Value::Bool(_) | Value::Null => {}
    }
}

/// The values of `key = value` lines whose key is a secret's, and every other piece of text.
fn ini_scalars(text: &str, secrets: &mut Vec<String>, others: &mut Vec<String>) {
    for line in text.lines() {
        match line.split_once('=') {
            Some((key, value)) if SECRET_KEYS.contains(&key.trim()) => {
                secrets.push(value.trim().to_owned());
            }
            _ => others.push(line.to_owned()),
        }
    }
}

/// A secret that looks like one (8 chars or more, with a digit) and is not also written
/// elsewhere in the file (where showing it would be fine) is not in `shown`.
fn assert_hidden(shown: &str, secrets: &[String], others: &[String], what: &str) {
    for secret in secrets {
        let looks_secret = secret.len() >= 8 && secret.contains(|c: char| c.is_ascii_digit());
        if looks_secret
            && !others.iter().any(|other| other.contains(secret.as_str()))
            && !home().to_string_lossy().contains(secret.as_str())
        {
            assert!(
                !shown.contains(secret.as_str()),
                "{what} shows the secret {secret:?}: {shown}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, file)) = data.split_first() else {
        return;
    };
    let home = home();
    let cli_config = home.join(".aliyun/config.json");
    let ini = home.join(".alibabacloud/credentials");
    let (write, absent) = if flags & 1 == 0 {
        (&cli_config, &ini)
    } else {
        (&ini, &cli_config)
    };
    let _ = std::fs::remove_file(absent);
    std::fs::write(write, file).expect("write the credentials file");
    let profile = [None, Some("default"), Some("prod"), Some("")][usize::from(flags >> 1 & 3)];

    let (mut secrets, mut others) = (Vec::new(), Vec::new());
    if flags & 1 == 0 {
        if let Ok(value) = serde_json::from_slice::<Value>(file) {
            json_scalars(&value, false, &mut secrets, &mut others);
        }
    } else {
        ini_scalars(&String::from_utf8_lossy(file), &mut secrets, &mut others);
    }

    match resolve(&Environment::with_home(home), profile) {
        Ok(credentials) => {
            assert!(
                !credentials.access_key_id.is_empty(),
                "credentials without a key id"
            );
            assert!(
                !credentials.access_key_secret.expose().is_empty(),
                "credentials without a secret"
            );
            assert_hidden(&format!("{credentials:?}"), &secrets, &others, "Debug");
        }
        Err(error) => assert_hidden(&error.to_string(), &secrets, &others, "the error"),
    }
});
