//! Fuzz target: the API's answers as the client reads them: an instance, an exec answer, a
//! region (leniently: a mistyped field becomes its default), and an error body. Never a
//! panic; an instance or region read back from what it writes is itself; an error keeps no
//! part of the server's string to sign (it can hold the STS token).
#![no_main]

use eci_exec_lsp::analysis::instances;
use eci_exec_lsp::eci::{ContainerGroup, ExecResponse, Region};
use eci_exec_lsp::remote::ApiError;
use eci_exec_lsp::remote::error::from_error_body;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a value writes, read back, is the same value.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let written = serde_json::to_vec(value).expect("a parsed value serializes");
    let read: T = serde_json::from_slice(&written).expect("what it wrote parses");
    assert_eq!(
        &read,
        value,
        "round trip through {}",
        String::from_utf8_lossy(&written)
    );
}

const OUR_STRING_TO_SIGN: &str = "POST&%2F&AccessKeyId%3Dtest%26SecurityToken%3Dsts-token";

fuzz_target!(|data: &[u8]| {
    if let Ok(group) = serde_json::from_slice::<ContainerGroup>(data) {
        round_trips(&group);
        let _ = instances::instance_markdown(&group, None);
    }
    if let Ok(region) = serde_json::from_slice::<Region>(data) {
        round_trips(&region);
    }
    let _ = serde_json::from_slice::<ExecResponse>(data);
    let error = from_error_body("ExecContainerCommand", 400, data, None, OUR_STRING_TO_SIGN);
    let message = error.user_message();
    if let ApiError::Service(service) = &error {
        assert!(
            !service.message.contains("string to sign is:"),
            "the string to sign stays in {message:?}"
        );
        assert_eq!(
            service.signature_diagnosis.is_some(),
            service.code == "SignatureDoesNotMatch",
            "{error:?}"
        );
    }
});
