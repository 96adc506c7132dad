//! The credential chain and the endpoint rules, with a temporary HOME and an explicit
//! environment (the process environment is never touched).

use std::fs;
use std::path::Path;

use eci_exec_lsp::remote::credentials::resolve;
use eci_exec_lsp::remote::{CredentialSource, CredentialsError, Endpoint, Environment};

const CLI_CONFIG: &str = r#"{
  "current": "sts",
  "profiles": [
    {"name": "default", "mode": "AK", "access_key_id": "cli-ak-id", "access_key_secret": "cli-ak-secret", "region_id": "cn-beijing"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.cli-id", "access_key_secret": "cli-sts-secret", "sts_token": "cli-token", "region_id": "cn-shanghai"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y", "ram_role_arn": "acs:ram::1:role/r"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "my-role"},
    {"name": "nosecret", "mode": "AK", "access_key_id": "only-id"}
  ],
  "meta_path": ""
}"#;

const INI: &str = "\
[default]
type = access_key            # access_key | ecs_ram_role | ram_role_arn
access_key_id = ini-id
access_key_secret = ini-secret
region_id = cn-qingdao

[other]
access_key_id = ini-other-id
access_key_secret = ini-other-secret

[ecs]
type = ecs_ram_role
role_name = EcsRamRoleTest
";

fn write(home: &Path, relative: &str, text: &str) {
    let path = home.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn home_with(cli: bool, ini: Option<&str>) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    if cli {
        write(home.path(), ".aliyun/config.json", CLI_CONFIG);
    }
    if let Some(name) = ini {
        write(home.path(), &format!(".alibabacloud/{name}"), INI);
    }
    home
}

#[test]
fn environment_wins_over_every_file() {
    let home = home_with(true, Some("credentials"));
    let env = Environment::with_home(home.path())
        .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
        .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
        .var("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token")
        .var("ALIBABA_CLOUD_REGION_ID", "eu-west-1");
    let found = resolve(&env, Some("default")).unwrap();
    assert_eq!(found.access_key_id, "env-id");
    assert_eq!(found.access_key_secret.expose(), "env-secret");
    assert_eq!(found.security_token.as_ref().unwrap().expose(), "env-token");
    assert_eq!(found.region_id.as_deref(), Some("eu-west-1"));
    assert_eq!(found.source, CredentialSource::Environment);
}

#[test]
fn half_set_environment_is_an_error() {
    let env = Environment::with_home("/nonexistent").var("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id");
    let error = resolve(&env, None).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is missing"),
        "{error}"
    );
}

#[test]
fn cli_config_current_profile_then_env_profile_then_option() {
    let home = home_with(true, Some("credentials"));
    let env = Environment::with_home(home.path());
    // `current` is the StsToken profile.
    let found = resolve(&env, None).unwrap();
    assert_eq!(found.access_key_id, "STS.cli-id");
    assert_eq!(found.security_token.as_ref().unwrap().expose(), "cli-token");
    assert_eq!(found.region_id.as_deref(), Some("cn-shanghai"));
    assert!(
        matches!(&found.source, CredentialSource::CliProfile { profile, .. } if profile == "sts")
    );
    // ALIBABA_CLOUD_PROFILE beats `current`.
    let env = env.var("ALIBABA_CLOUD_PROFILE", "default");
    let found = resolve(&env, None).unwrap();
    assert_eq!(
        (found.access_key_id.as_str(), found.security_token.is_none()),
        ("cli-ak-id", true)
    );
    assert_eq!(found.region_id.as_deref(), Some("cn-beijing"));
    // The option beats ALIBABA_CLOUD_PROFILE.
    let found = resolve(&env, Some("sts")).unwrap();
    assert_eq!(found.access_key_id, "STS.cli-id");
}

#[test]
fn unsupported_modes_are_errors_not_fall_throughs() {
    let home = home_with(true, Some("credentials"));
    let env = Environment::with_home(home.path());
    for (profile, mode) in [("role", "RamRoleArn"), ("ecs", "EcsRamRole")] {
        let error = resolve(&env, Some(profile)).unwrap_err();
        assert!(matches!(&error, CredentialsError::UnsupportedMode { mode: m, .. } if m == mode));
        assert!(error.to_string().contains(&format!(
            "mode {mode} is not supported yet; use an AK or StsToken profile"
        )));
    }
    let home = home_with(false, Some("credentials"));
    let error = resolve(&Environment::with_home(home.path()), Some("ecs")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("mode ecs_ram_role is not supported yet"),
        "{error}"
    );
    let error = resolve(
        &Environment::with_home(home_with(true, None).path()),
        Some("nosecret"),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("access_key_secret is missing"),
        "{error}"
    );
}

#[test]
fn ini_file_after_the_cli_config() {
    for name in ["credentials", "credentials.ini"] {
        let home = home_with(false, Some(name));
        let found = resolve(&Environment::with_home(home.path()), None).unwrap();
        assert_eq!(found.access_key_id, "ini-id", "{name}");
        assert_eq!(found.access_key_secret.expose(), "ini-secret");
        assert_eq!(found.region_id.as_deref(), Some("cn-qingdao"));
        assert!(
            matches!(&found.source, CredentialSource::CredentialsFile { profile, .. } if profile == "default")
        );
    }
    // A profile missing from config.json is looked up in the INI file.
    let home = home_with(true, Some("credentials"));
    let found = resolve(&Environment::with_home(home.path()), Some("other")).unwrap();
    assert_eq!(found.access_key_id, "ini-other-id");
    // ALIBABA_CLOUD_CREDENTIALS_FILE points anywhere; it must exist.
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "my.ini", INI);
    let env = Environment::with_home("/nonexistent").var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        elsewhere.path().join("my.ini").to_str().unwrap(),
    );
    assert_eq!(resolve(&env, None).unwrap().access_key_id, "ini-id");
    let env = Environment::with_home("/nonexistent")
        .var("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent/x.ini");
    assert!(matches!(
        resolve(&env, None),
        Err(CredentialsError::Unreadable { .. })
    ));
    // The CLI config can be switched off, as in the official SDKs.
    let env = Environment::with_home(home.path()).var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    assert_eq!(resolve(&env, None).unwrap().access_key_id, "ini-id");
}

#[test]
fn nothing_found_and_unknown_profile() {
    let home = tempfile::tempdir().unwrap();
    let error = resolve(&Environment::with_home(home.path()), None).unwrap_err();
    assert_eq!(error, CredentialsError::NotFound);
    let text = error.to_string();
    assert!(
        text.starts_with("no credentials found") && text.contains("aliyun configure"),
        "{text}"
    );
    assert!(text.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"));
    let error = resolve(&Environment::with_home(home.path()), Some("ghost")).unwrap_err();
    assert_eq!(
        error,
        CredentialsError::ProfileNotFound {
            profile: "ghost".into()
        }
    );
    write(home.path(), ".aliyun/config.json", "{not json");
    assert!(matches!(
        resolve(&Environment::with_home(home.path()), None),
        Err(CredentialsError::Unreadable { .. })
    ));
}

#[test]
fn secrets_never_show_in_debug() {
    let home = home_with(true, None);
    let found = resolve(&Environment::with_home(home.path()), None).unwrap();
    let debug = format!("{found:?}");
    assert!(
        !debug.contains("cli-sts-secret") && !debug.contains("cli-token"),
        "{debug}"
    );
    assert!(debug.contains("***"));
}

#[test]
fn endpoint_rules() {
    let env = Environment::with_home("/nonexistent");
    let default = Endpoint::resolve(None, &env).unwrap();
    assert_eq!(
        (default.base(), default.host()),
        ("https://eci.aliyuncs.com", "eci.aliyuncs.com")
    );
    let bare = Endpoint::resolve(Some("eci-vpc.cn-hangzhou.aliyuncs.com"), &env).unwrap();
    assert_eq!(bare.base(), "https://eci-vpc.cn-hangzhou.aliyuncs.com");
    let env = env.var("ECI_EXEC_ENDPOINT", "http://127.0.0.1:8080");
    let local = Endpoint::resolve(None, &env).unwrap();
    assert_eq!(
        (local.base(), local.host()),
        ("http://127.0.0.1:8080", "127.0.0.1:8080")
    );
    // The option wins over the variable.
    assert_eq!(
        Endpoint::resolve(Some("eci.cn-hangzhou.aliyuncs.com"), &env)
            .unwrap()
            .host(),
        "eci.cn-hangzhou.aliyuncs.com"
    );
    for ok in [
        "http://localhost:9",
        "http://127.1.2.3",
        "http://[::1]:8080",
        "https://eci.aliyuncs.com:443/",
    ] {
        assert!(Endpoint::parse(ok).is_ok(), "{ok}");
    }
    for (bad, why) in [
        ("http://eci.aliyuncs.com", "loopback"),
        ("http://10.0.0.1:80", "loopback"),
        ("ftp://127.0.0.1", "scheme"),
        ("https://eci.aliyuncs.com/path", "no path"),
        ("https://user@eci.aliyuncs.com", "user info"),
    ] {
        let error = Endpoint::parse(bad).unwrap_err();
        assert!(error.to_string().contains(why), "{bad}: {error}");
    }
}

/// serde_json's message quotes the value it could not read: a secret written as a number
/// (`"access_key_secret": 12345678`) must not show in the error (found by fuzzing).
#[test]
fn an_unreadable_cli_config_does_not_quote_its_values() {
    let home = tempfile::tempdir().unwrap();
    write(
        home.path(),
        ".aliyun/config.json",
        r#"{"profiles": [{"name": "default", "access_key_id": "x", "access_key_secret": 98765432}]}"#,
    );
    let error = resolve(&Environment::with_home(home.path()), None).unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, CredentialsError::Unreadable { .. }),
        "{error:?}"
    );
    assert!(!text.contains("98765432"), "{text}");
    assert!(text.contains("line 1 column"), "{text}");
}
