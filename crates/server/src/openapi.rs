//! The OpenAPI description of the JSON API, kept as a document in the repository
//! (`openapi.json`) and checked against the router by the tests. The list of every event type
//! an entry may hold is filled in from [`Event::KINDS`] when it is first served, so a new
//! capability's events are described without editing the document's lists.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use dauys_core::Event;
use serde_json::Value;

const TEMPLATE: &str = include_str!("../openapi.json");

/// Where the document lists every event type.
const KIND_LISTS: [&str; 2] =
    ["/components/schemas/LoggedEvent/properties/type/enum", "/components/schemas/Entry/properties/type/enum"];

/// The document as served.
pub fn text() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc: Value = serde_json::from_str(TEMPLATE).expect("openapi.json is JSON (a test reads it)");
        for pointer in KIND_LISTS {
            if let Some(list) = doc.pointer_mut(pointer) {
                *list = Value::from(Event::KINDS.to_vec());
            }
        }
        doc.to_string()
    })
}

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], text())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use dauys_core::Event;
    use serde_json::Value;

    use super::{text, KIND_LISTS};

    fn document() -> Value {
        serde_json::from_str(text()).expect("the served document is JSON")
    }

    fn schema<'a>(doc: &'a Value, reference: &str) -> &'a Value {
        let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{reference}"));
        doc.pointer(&format!("/components/schemas/{name}")).unwrap_or_else(|| panic!("{reference} is not defined"))
    }

    fn kinds(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|k| k.to_string()).collect()
    }

    /// The request body of POST /api/v1/events lists exactly the events the token may submit.
    #[test]
    fn the_events_body_is_the_operator_allow_list() {
        let doc = document();
        let body = &doc["paths"]["/api/v1/events"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        let operator = schema(&doc, body["$ref"].as_str().expect("a $ref"));
        let listed: BTreeSet<String> = operator["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .map(|one| {
                let event = schema(&doc, one["$ref"].as_str().expect("$ref"));
                assert_eq!(event["additionalProperties"], false, "{one}: unknown members are refused");
                assert!(event["required"].as_array().expect("required").contains(&Value::from("type")));
                event["properties"]["type"]["const"].as_str().expect("a const type").to_owned()
            })
            .collect();
        assert_eq!(listed, kinds(&Event::OPERATOR_KINDS));
        let mapping = operator["discriminator"]["mapping"].as_object().expect("mapping");
        assert_eq!(mapping.keys().cloned().collect::<BTreeSet<_>>(), kinds(&Event::OPERATOR_KINDS));
        for (kind, reference) in mapping {
            let event = schema(&doc, reference.as_str().expect("$ref"));
            assert_eq!(event["properties"]["type"]["const"], kind.as_str());
        }
        assert_eq!(operator["discriminator"]["propertyName"], "type");
    }

    /// Entries may hold any event type; the document names them all.
    #[test]
    fn logged_entries_may_hold_every_event_type() {
        let doc = document();
        for pointer in KIND_LISTS {
            let listed: BTreeSet<String> = doc
                .pointer(pointer)
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{pointer}"))
                .iter()
                .map(|k| k.as_str().expect("a string").to_owned())
                .collect();
            assert_eq!(listed, kinds(&Event::KINDS), "{pointer}");
        }
    }

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// The document names the versions of the rule on signed acts this build knows.
    #[test]
    fn the_act_rule_versions_are_the_cores() {
        let doc = document();
        let act_rule = &doc["components"]["schemas"]["DeploymentConfiguredEvent"]["properties"]["act_rule"];
        assert_eq!(act_rule["minimum"], 1);
        assert_eq!(act_rule["maximum"], dauys_core::ACT_RULE_LATEST);
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(all.len() > 50);
        for r in all {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not local"));
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    /// Every operation of the machine interface takes `lang` (kk, ru, en; anything else a
    /// 400), and every error it documents is a problem document.
    #[test]
    fn every_api_operation_documents_lang_and_problem_errors() {
        let doc = document();
        let lang = &doc["components"]["parameters"]["lang"];
        assert_eq!(lang["schema"]["enum"], serde_json::json!(["kk", "ru", "en"]));
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("operations") {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let takes_lang = params.iter().any(|p| p["$ref"] == "#/components/parameters/lang");
                if path.starts_with("/api/") || path.starts_with("/feeds/") {
                    assert!(takes_lang, "{method} {path} does not document lang");
                    assert!(op["responses"].get("400").is_some(), "{method} {path}: an unknown lang is a 400");
                }
                assert!(!params.iter().any(|p| p["name"] == "lang"), "{method} {path}: use the shared lang parameter");
                for (status, response) in op["responses"].as_object().expect("responses") {
                    if status.starts_with('4') || status.starts_with('5') {
                        let content = response["content"].as_object().expect("an error has content");
                        assert_eq!(
                            content.keys().collect::<Vec<_>>(),
                            vec!["application/problem+json"],
                            "{method} {path} {status}"
                        );
                    }
                }
            }
        }
    }
}
