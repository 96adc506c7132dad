//! At trace log level, through successes and every kind of failure, the secret and the
//! STS token appear in no log line, error message, error Debug or client Debug.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eci_exec_lsp::remote::percent::percent_encode;
use eci_exec_lsp::remote::{
    ClientOptions, CredentialSource, Credentials, EciClient, Endpoint, ExecRequest, RetryPolicy,
    Secret, SignatureVersion, Timeouts,
};
use fake_eci::{FakeConfig, FakeEci, FakeKey, Fault, TEST_KEY_ID};

const SECRET: &str = "SuperSecretValue9876543210XYZ";
const TOKEN: &str = "StsTokenValue+/=CAIS8QF1q6Ft5B2yfSjIr5bXL";
const WRONG_SECRET: &str = "WrongSecretValue1234567890QQ";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn client(fake: &FakeEci, version: SignatureVersion, secret: &str, token: &str) -> EciClient {
    let credentials = Credentials {
        access_key_id: TEST_KEY_ID.into(),
        access_key_secret: Secret::new(secret),
        security_token: Some(Secret::new(token)),
        region_id: None,
        source: CredentialSource::Environment,
    };
    let options = ClientOptions {
        signature_version: version,
        timeouts: Timeouts {
            connect: Duration::from_secs(1),
            attempt: Duration::from_millis(300),
            call: Duration::from_secs(5),
        },
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    };
    EciClient::from_parts(credentials, Endpoint::parse(&fake.url()).unwrap(), &options).unwrap()
}

#[tokio::test]
async fn secrets_appear_nowhere() {
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let keys = vec![FakeKey::new(TEST_KEY_ID, SECRET).with_token(TOKEN)];
    let fake = FakeEci::start(FakeConfig {
        keys,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut seen = Vec::new();
    let exec = ExecRequest {
        region_id: "cn-hangzhou".into(),
        container_group_id: "eci-bp1fakeweb0001".into(),
        container_name: "nginx".into(),
        command: vec!["/bin/sh".into(), "-c".into(), "echo secretless".into()],
        tty: false,
        stdin: true,
        sync: true,
    };
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let good = client(&fake, version, SECRET, TOKEN);
        seen.push(format!("{good:?}"));
        assert!(good.describe_regions(None).await.is_ok());
        assert!(good.exec_container_command(&exec).await.is_ok());
        for fault in [
            Fault::error(503, "ServiceUnavailable").times(2),
            Fault::error(400, "Throttling.User")
                .times(2)
                .retry_after_ms(10),
            Fault::drop_connection().times(2),
            Fault::malformed_json().times(1),
            Fault::delay(1_000).times(2),
        ] {
            fake.add_fault(fault);
            let error = good
                .describe_container_groups("cn-hangzhou", &[])
                .await
                .unwrap_err();
            seen.push(format!("{error} {error:?}"));
            fake.reset();
        }
        for (secret, token) in [(WRONG_SECRET, TOKEN), (SECRET, "expired-token")] {
            let bad = client(&fake, version, secret, token);
            let error = bad.exec_container_command(&exec).await.unwrap_err();
            seen.push(format!("{error} {error:?} {bad:?}"));
        }
    }
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying") && logs.contains("ECI API error"),
        "the test must see the client's logs:\n{logs}"
    );
    seen.push(logs);
    let everything = seen.join("\n");
    assert!(
        everything.contains("SignatureDoesNotMatch") && everything.contains("InvalidSecurityToken")
    );
    for needle in [
        SECRET,
        WRONG_SECRET,
        TOKEN,
        &percent_encode(TOKEN),
        &percent_encode(&percent_encode(TOKEN)),
        "CAIS8QF1q6Ft5B2yfSjIr5bXL",
    ] {
        assert!(
            !everything.contains(needle),
            "found {needle} in:\n{everything}"
        );
    }
}
