//! Signing: every vector of the official SDKs (V2 and V3), copied into tests/data.

use std::collections::BTreeMap;

use eci_exec_lsp::remote::{CredentialSource, Credentials, Secret, sign_v2, sign_v3};
use serde_json::Value;

fn vectors(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(vectors.len() >= 10, "{path} has too few vectors");
    vectors
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn text<'a>(vector: &'a Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {}", vector["name"]))
}

#[test]
fn every_v2_vector() {
    let mut checked = 0;
    for vector in vectors("signature-vectors.json") {
        let name = text(&vector, "name");
        if vector.get("params").is_none() {
            // The HMAC primitive: the message and key are written in the name, e.g.
            // "hmac-sha1 primitive ('source', key 'secret')".
            let inner = name.split_once("('").unwrap().1;
            let (message, rest) = inner.split_once("', key '").unwrap();
            let key = rest.split_once('\'').unwrap().0;
            let got = sign_v2::hmac_sha1_base64(key.as_bytes(), message.as_bytes());
            assert_eq!(got, text(&vector, "signature"), "{name}");
            checked += 1;
            continue;
        }
        let params = string_map(&vector["params"]);
        let method = text(&vector, "method");
        assert_eq!(
            sign_v2::canonical_query(&params),
            text(&vector, "canonical_query_string"),
            "{name}"
        );
        let to_sign = sign_v2::string_to_sign(method, &params);
        assert_eq!(to_sign, text(&vector, "string_to_sign"), "{name}");
        if let Some(secret) = vector["access_key_secret"].as_str() {
            let signature = sign_v2::signature(secret, &to_sign);
            assert_eq!(signature, text(&vector, "signature"), "{name}");
            let encoded = eci_exec_lsp::remote::percent::percent_encode(&signature);
            assert_eq!(encoded, text(&vector, "signature_urlencoded"), "{name}");
        } else {
            // The old SDK's end-to-end URL: its signature is the last parameter.
            let url = text(&vector, "url_path_and_query");
            let sent = url.rsplit_once("Signature=").unwrap().1;
            let secret = "EciLspTestSecret0000000000000A";
            let signature = sign_v2::signature(secret, &to_sign);
            assert_eq!(
                eci_exec_lsp::remote::percent::percent_encode(&signature),
                sent,
                "{name}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 11);
}

fn test_credentials(key_id: &str, secret: &str, token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: key_id.into(),
        access_key_secret: Secret::new(secret),
        security_token: token.map(Secret::new),
        region_id: None,
        source: CredentialSource::Environment,
    }
}

#[test]
fn v2_request_matches_vector_v2() {
    // The client's own composition of the common parameters gives vector V2's signature.
    let business: BTreeMap<String, String> = [
        ("RegionId", "cn-shanghai"),
        ("ContainerGroupId", "eci-uf6fonnghi50v6n3****"),
        ("ContainerName", "nginx"),
        ("Command", r#"["/bin/sh","-c","echo 'a b*c~' && ls -a"]"#),
        ("Sync", "true"),
        ("TTY", "false"),
        ("Stdin", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let signed = sign_v2::sign_rpc(
        "POST",
        "ExecContainerCommand",
        &business,
        &test_credentials(
            "LTAI5tEciLspTestKey0001",
            "EciLspTestSecret0000000000000A",
            None,
        ),
        "2024-06-01T12:00:00Z",
        "c0ffee00-1111-4222-8333-444455556666",
    );
    assert!(
        signed
            .query
            .ends_with("&Signature=5aY%2BKCnnaJIt102klY3ktG4KvIg%3D"),
        "{}",
        signed.query
    );
    assert!(
        signed
            .string_to_sign
            .starts_with("POST&%2F&AccessKeyId%3DLTAI5tEciLspTestKey0001%26")
    );
}

#[test]
fn every_v3_vector() {
    let all = vectors("signature-vectors-v3.json");
    for vector in &all {
        let name = text(vector, "name");
        let query = string_map(&vector["query"]);
        let headers: Vec<(String, String)> = vector["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let body = text(vector, "body");
        let hashed_payload = text(vector, "hashed_payload");
        if vector["note"]
            .as_str()
            .is_none_or(|n| !n.contains("literal input"))
        {
            assert_eq!(
                sign_v3::sha256_hex(body.as_bytes()),
                hashed_payload,
                "{name}"
            );
        }
        let input = sign_v3::CanonicalInput {
            method: text(vector, "method"),
            pathname: text(vector, "pathname"),
            query: &query,
            headers: &headers,
            hashed_payload,
        };
        let signed = sign_v3::sign(&input, text(vector, "access_key_secret"));
        assert_eq!(
            sign_v3::canonical_query(&query),
            text(vector, "canonical_query_string"),
            "{name}"
        );
        assert_eq!(
            signed.signed_headers,
            text(vector, "signed_headers"),
            "{name}"
        );
        assert_eq!(
            signed.canonical_request,
            text(vector, "canonical_request"),
            "{name}"
        );
        assert_eq!(
            signed.string_to_sign,
            text(vector, "string_to_sign"),
            "{name}"
        );
        assert_eq!(signed.signature, text(vector, "signature"), "{name}");
        assert_eq!(
            signed.authorization(text(vector, "access_key_id")),
            text(vector, "authorization"),
            "{name}"
        );
    }
    assert_eq!(all.len(), 10);
}

#[test]
fn v3_request_matches_vector_v3_7() {
    let vector = vectors("signature-vectors-v3.json")
        .into_iter()
        .find(|v| text(v, "name").starts_with("V3-7"))
        .unwrap();
    let signed = sign_v3::sign_rpc(
        "POST",
        "ExecContainerCommand",
        &string_map(&vector["query"]),
        &test_credentials(
            text(&vector, "access_key_id"),
            text(&vector, "access_key_secret"),
            vector["security_token"].as_str(),
        ),
        "eci.aliyuncs.com",
        "2024-06-01T12:00:00Z",
        "c0ffee00-1111-4222-8333-444455556666",
    );
    let authorization = signed
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap();
    assert_eq!(authorization.1, text(&vector, "authorization"));
    assert_eq!(signed.query, text(&vector, "canonical_query_string"));
}
