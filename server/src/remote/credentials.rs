//! Credentials: the environment, then the aliyun CLI's config.json, then the INI file.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A secret string (AccessKeySecret, STS token). `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where credentials were found (shown to users; holds no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` and friends.
    Environment,
    /// A profile of the aliyun CLI's `config.json`.
    CliProfile { path: PathBuf, profile: String },
    /// A section of the INI credentials file.
    CredentialsFile { path: PathBuf, profile: String },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Environment => f.write_str("environment variables"),
            Self::CliProfile { path, profile } | Self::CredentialsFile { path, profile } => {
                write!(f, "profile '{profile}' of {}", path.display())
            }
        }
    }
}

/// An AccessKey pair, with an STS token for temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The AccessKeyId (not secret: it is sent in clear with every call).
    pub access_key_id: String,
    /// The AccessKeySecret.
    pub access_key_secret: Secret,
    /// The STS token, for temporary credentials.
    pub security_token: Option<Secret>,
    /// The profile's `region_id`, else `ALIBABA_CLOUD_REGION_ID`: a default region.
    pub region_id: Option<String>,
    /// Where they came from.
    pub source: CredentialSource,
}

/// Why no credentials could be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// Nothing anywhere in the chain.
    NotFound,
    /// The chosen profile needs a role, instance metadata or similar.
    UnsupportedMode {
        path: PathBuf,
        profile: String,
        mode: String,
    },
    /// A profile was asked for by name and no file has it.
    ProfileNotFound { profile: String },
    /// A source is present but lacks a field (e.g. the secret).
    Incomplete {
        source: String,
        missing: &'static str,
    },
    /// A file exists but cannot be read or parsed.
    Unreadable { path: PathBuf, reason: String },
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str(
                "no credentials found: set ALIBABA_CLOUD_ACCESS_KEY_ID and \
                 ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), \
                 or run `aliyun configure` to create an AK profile in ~/.aliyun/config.json",
            ),
            Self::UnsupportedMode {
                path,
                profile,
                mode,
            } => write!(
                f,
                "profile '{profile}' in {}: mode {mode} is not supported yet; \
                 use an AK or StsToken profile",
                path.display()
            ),
            Self::ProfileNotFound { profile } => write!(
                f,
                "profile '{profile}' not found in ~/.aliyun/config.json or the credentials file"
            ),
            Self::Incomplete { source, missing } => write!(f, "{source}: {missing} is missing"),
            Self::Unreadable { path, reason } => {
                write!(
                    f,
                    "cannot read credentials from {}: {reason}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for CredentialsError {}

/// The environment variables the chain reads: the only ones copied from the process.
const VARIABLES: &[&str] = &[
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_REGION_ID",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
    "ECI_EXEC_ENDPOINT",
];

/// The environment variables and home folder the chain and the endpoint read, passed
/// explicitly so tests never touch the process environment. No `Debug`: it holds secrets.
#[derive(Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl Environment {
    /// The variables this crate reads, and `HOME` (`USERPROFILE` on Windows), of this process.
    pub fn from_process() -> Self {
        let vars = VARIABLES
            .iter()
            .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
            .collect();
        let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
        Self {
            vars,
            home: home.map(PathBuf::from),
        }
    }

    /// An empty environment with `home` as the home folder.
    pub fn with_home(home: impl Into<PathBuf>) -> Self {
        Self {
            vars: HashMap::new(),
            home: Some(home.into()),
        }
    }

    /// Sets a variable (builder style).
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    /// A variable's value; an empty one counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    fn home_path(&self, relative: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|home| home.join(relative))
    }
}

/// Finds credentials, first found wins: environment, `~/.aliyun/config.json`, INI file.
///
/// `profile` is the `profile` option; without it `ALIBABA_CLOUD_PROFILE`, then the CLI's
/// `current` (or `default` for the INI file).
pub fn resolve(env: &Environment, profile: Option<&str>) -> Result<Credentials, CredentialsError> {
    let region_env = env.get("ALIBABA_CLOUD_REGION_ID").map(str::to_owned);
    match (
        env.get("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ) {
        (Some(id), Some(secret)) => {
            return Ok(Credentials {
                access_key_id: id.to_owned(),
                access_key_secret: Secret::new(secret),
                security_token: env.get("ALIBABA_CLOUD_SECURITY_TOKEN").map(Secret::new),
                region_id: region_env,
                source: CredentialSource::Environment,
            });
        }
        (Some(_), None) => return Err(incomplete_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET")),
        (None, Some(_)) => return Err(incomplete_env("ALIBABA_CLOUD_ACCESS_KEY_ID")),
        (None, None) => {}
    }
    let named = profile
        .filter(|p| !p.is_empty())
        .or_else(|| env.get("ALIBABA_CLOUD_PROFILE"));
    let cli_disabled = env.get("ALIBABA_CLOUD_CLI_PROFILE_DISABLED") == Some("true");
    if let Some(path) = env
        .home_path(".aliyun/config.json")
        .filter(|_| !cli_disabled)
    {
        if let Some(found) = from_cli_config(&path, named)? {
            return Ok(with_region(found, region_env));
        }
    }
    if let Some(path) = ini_path(env)? {
        if let Some(found) = from_ini(&path, named.unwrap_or("default"))? {
            return Ok(with_region(found, region_env));
        }
    }
    match named {
        Some(profile) => Err(CredentialsError::ProfileNotFound {
            profile: profile.to_owned(),
        }),
        None => Err(CredentialsError::NotFound),
    }
}

fn incomplete_env(missing: &'static str) -> CredentialsError {
    CredentialsError::Incomplete {
        source: "environment variables".to_owned(),
        missing,
    }
}

fn with_region(mut credentials: Credentials, region_env: Option<String>) -> Credentials {
    credentials.region_id = credentials.region_id.or(region_env);
    credentials
}

fn read(path: &Path) -> Result<Option<String>, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(unreadable(path, error.to_string())),
    }
}

/// Where and how a JSON file is wrong, never what it holds: serde_json's own message quotes
/// the value it could not read (`invalid type: integer `12345678``), a secret as likely as not.
fn json_error(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Eof => "the file ends too early",
        serde_json::error::Category::Data => "a value of the wrong type",
        serde_json::error::Category::Io => "cannot be read",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
}

fn unreadable(path: &Path, reason: String) -> CredentialsError {
    CredentialsError::Unreadable {
        path: path.to_owned(),
        reason,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CliConfig {
    current: String,
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CliProfile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: String,
    sts_token: String,
    region_id: String,
}

/// The named profile (else `current`) of the CLI config; `None` when the file or the
/// profile is absent, so the chain goes on to the INI file.
fn from_cli_config(
    path: &Path,
    named: Option<&str>,
) -> Result<Option<Credentials>, CredentialsError> {
    let Some(text) = read(path)? else {
        return Ok(None);
    };
    let config: CliConfig =
        serde_json::from_str(&text).map_err(|e| unreadable(path, json_error(&e)))?;
    let wanted = named.unwrap_or(if config.current.is_empty() {
        "default"
    } else {
        &config.current
    });
    let Some(profile) = config.profiles.into_iter().find(|p| p.name == wanted) else {
        return Ok(None);
    };
    let source = CredentialSource::CliProfile {
        path: path.to_owned(),
        profile: wanted.to_owned(),
    };
    let describe = || format!("profile '{wanted}' in {}", path.display());
    let security_token = match profile.mode.as_str() {
        "AK" | "" => None,
        "StsToken" if profile.sts_token.is_empty() => {
            return Err(CredentialsError::Incomplete {
                source: describe(),
                missing: "sts_token",
            });
        }
        "StsToken" => Some(Secret::new(profile.sts_token)),
        other => {
            return Err(CredentialsError::UnsupportedMode {
                path: path.to_owned(),
                profile: wanted.to_owned(),
                mode: other.to_owned(),
            });
        }
    };
    let key = key_pair(&describe, profile.access_key_id, profile.access_key_secret)?;
    Ok(Some(Credentials {
        access_key_id: key.0,
        access_key_secret: key.1,
        security_token,
        region_id: Some(profile.region_id).filter(|r| !r.is_empty()),
        source,
    }))
}

fn key_pair(
    describe: &dyn Fn() -> String,
    id: String,
    secret: String,
) -> Result<(String, Secret), CredentialsError> {
    if id.is_empty() {
        return Err(CredentialsError::Incomplete {
            source: describe(),
            missing: "access_key_id",
        });
    }
    if secret.is_empty() {
        return Err(CredentialsError::Incomplete {
            source: describe(),
            missing: "access_key_secret",
        });
    }
    Ok((id, Secret::new(secret)))
}

/// `ALIBABA_CLOUD_CREDENTIALS_FILE` (which must exist), else the first of
/// `~/.alibabacloud/credentials` and `~/.alibabacloud/credentials.ini` that exists.
fn ini_path(env: &Environment) -> Result<Option<PathBuf>, CredentialsError> {
    if let Some(path) = env.get("ALIBABA_CLOUD_CREDENTIALS_FILE") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            let reason = "ALIBABA_CLOUD_CREDENTIALS_FILE names a file that does not exist";
            return Err(unreadable(&path, reason.to_owned()));
        }
        return Ok(Some(path));
    }
    let candidates = [".alibabacloud/credentials", ".alibabacloud/credentials.ini"];
    Ok(candidates
        .iter()
        .filter_map(|c| env.home_path(c))
        .find(|p| p.is_file()))
}

/// The section `profile` of the INI file; `None` when there is no such section.
fn from_ini(path: &Path, profile: &str) -> Result<Option<Credentials>, CredentialsError> {
    let Some(text) = read(path)? else {
        return Ok(None);
    };
    let Some(mut section) = ini_section(&text, profile) else {
        return Ok(None);
    };
    let describe = || format!("profile '{profile}' in {}", path.display());
    let kind = section
        .remove("type")
        .unwrap_or_else(|| "access_key".to_owned());
    if kind != "access_key" {
        return Err(CredentialsError::UnsupportedMode {
            path: path.to_owned(),
            profile: profile.to_owned(),
            mode: kind,
        });
    }
    let mut take = |key: &str| section.remove(key).unwrap_or_default();
    let (id, secret, region) = (
        take("access_key_id"),
        take("access_key_secret"),
        take("region_id"),
    );
    let key = key_pair(&describe, id, secret)?;
    Ok(Some(Credentials {
        access_key_id: key.0,
        access_key_secret: key.1,
        security_token: None,
        region_id: Some(region).filter(|r| !r.is_empty()),
        source: CredentialSource::CredentialsFile {
            path: path.to_owned(),
            profile: profile.to_owned(),
        },
    }))
}

/// The `key = value` pairs of `[name]`. Like the official SDKs, a `#` or `;` starts a
/// comment, also after a value.
fn ini_section(text: &str, name: &str) -> Option<HashMap<String, String>> {
    let mut current: Option<&str> = None;
    let mut found: Option<HashMap<String, String>> = None;
    for line in text.lines() {
        let line = line.split(['#', ';']).next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(header.trim());
            if current == Some(name) {
                found.get_or_insert_with(HashMap::new);
            }
        } else if let Some((key, value)) = line.split_once('=') {
            if current == Some(name) {
                let section = found.get_or_insert_with(HashMap::new);
                section.insert(key.trim().to_owned(), value.trim().to_owned());
            }
        }
    }
    found
}
