//! The JSON API against its OpenAPI document (`/openapi.json`): every answer here has a
//! documented status and media type, and its body validates against the documented schema;
//! the edge cases of the proofs and of `lang` answer what the document says.
//!
//! The schema check is a small validator for the subset of JSON Schema the document uses
//! (`$ref`, `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`,
//! `items`, `oneOf`/`anyOf`/`allOf`, bounds on numbers, lengths and item counts); `pattern`
//! and `format` are not checked.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use dauys_server::config::Config;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};
use serde_json::{json, Value};

use crate::common;

struct TestApp {
    instance: Instance,
    spec: Value,
    _db: TestDatabase,
}

/// One exchange: what was asked (the path as documented, for the schema) and answered.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

async fn start_with(db: TestDatabase, config: Config) -> TestApp {
    let instance = common::instance(config).await;
    let req = Request::get("/openapi.json").body(Body::empty()).unwrap();
    let (status, _, bytes) = common::send(&instance, req).await;
    assert_eq!(status, StatusCode::OK);
    let spec = serde_json::from_slice(&bytes).expect("the document is JSON");
    TestApp { instance, spec, _db: db }
}

async fn start() -> TestApp {
    let db = TestDatabase::new(Backend::Sqlite);
    let config = common::config(&db);
    start_with(db, config).await
}

impl TestApp {
    async fn call(&self, method: Method, uri: &str, body: Option<&Value>, token: bool) -> Answer {
        let (status, headers, body) = common::api_call(&self.instance, method, uri, body, token).await;
        Answer { status, headers, body }
    }

    /// Sends the request, checks its status is `expected` and the answer is as documented
    /// for its path.
    async fn expect(&self, method: Method, uri: &str, body: Option<&Value>, token: bool, expected: u16) -> Answer {
        let answer = self.call(method.clone(), uri, body, token).await;
        assert_eq!(answer.status.as_u16(), expected, "{method} {uri}: {}", String::from_utf8_lossy(&answer.body));
        conforms(&self.spec, template(uri), &method, &answer).unwrap_or_else(|e| panic!("{method} {uri}: {e}"));
        answer
    }

    async fn log_size(&self) -> u64 {
        let page = self.call(Method::GET, "/api/v1/entries?limit=1", None, false).await.json();
        page["size"].as_u64().expect("size")
    }

    /// Waits until a checkpoint covers at least `size` entries.
    async fn checkpoint_at_least(&self, size: u64) {
        for _ in 0..300 {
            if self.instance.state.shared.latest_checkpoint().is_some_and(|c| c.checkpoint.size >= size) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no checkpoint reached size {size}");
    }
}

// ---------------------------------------------------------------------------------------
// The document and a small validator.

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> Result<&'a Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = spec.pointer(r.trim_start_matches('#')).ok_or_else(|| format!("{r} does not resolve"))?;
            resolve(spec, target)
        }
        None => Ok(schema),
    }
}

fn type_matches(name: &str, v: &Value) -> bool {
    match name {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => false,
    }
}

/// Checks `v` against `schema`; the error says where and why.
fn validate(spec: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = resolve(spec, schema)?;
    let fail = |why: String| Err(format!("{at}: {why} (value {v})"));
    match s.get("type") {
        Some(Value::String(t)) if !type_matches(t, v) => return fail(format!("not of type {t}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| t.as_str().is_some_and(|t| type_matches(t, v))) => {
            return fail(format!("not of any type {ts:?}"))
        }
        _ => {}
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return fail(format!("not {c}"));
        }
    }
    if let Some(Value::Array(allowed)) = s.get("enum") {
        if !allowed.contains(v) {
            return fail(format!("not one of {allowed:?}"));
        }
    }
    if let Some(n) = v.as_f64() {
        if s.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
            return fail(format!("below the minimum {}", s["minimum"]));
        }
        if s.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
            return fail(format!("above the maximum {}", s["maximum"]));
        }
    }
    if let Some(text) = v.as_str() {
        let chars = text.chars().count() as u64;
        if s.get("minLength").and_then(Value::as_u64).is_some_and(|m| chars < m) {
            return fail("too short".into());
        }
        if s.get("maxLength").and_then(Value::as_u64).is_some_and(|m| chars > m) {
            return fail("too long".into());
        }
    }
    if let Some(items) = v.as_array() {
        let n = items.len() as u64;
        if s.get("minItems").and_then(Value::as_u64).is_some_and(|m| n < m)
            || s.get("maxItems").and_then(Value::as_u64).is_some_and(|m| n > m)
        {
            return fail(format!("{n} items"));
        }
        if let Some(item) = s.get("items") {
            for (i, x) in items.iter().enumerate() {
                validate(spec, item, x, &format!("{at}[{i}]"))?;
            }
        }
    }
    if let Some(object) = v.as_object() {
        for name in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return fail(format!("lacks the required member {name}"));
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        for (name, member) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(schema) => validate(spec, schema, member, &format!("{at}.{name}"))?,
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => return fail(format!("has the unknown member {name}")),
                    Some(extra @ Value::Object(_)) => validate(spec, extra, member, &format!("{at}.{name}"))?,
                    _ => {}
                },
            }
        }
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        for one in all {
            validate(spec, one, v, at)?;
        }
    }
    if let Some(Value::Array(any)) = s.get("anyOf") {
        if !any.iter().any(|one| validate(spec, one, v, at).is_ok()) {
            return fail("matches none of anyOf".into());
        }
    }
    if let Some(Value::Array(options)) = s.get("oneOf") {
        let errors: Vec<String> = options.iter().filter_map(|one| validate(spec, one, v, at).err()).collect();
        let matched = options.len() - errors.len();
        if matched != 1 {
            return fail(format!("matches {matched} of oneOf: {errors:?}"));
        }
    }
    Ok(())
}

/// The path of `uri` as the document writes it.
fn template(uri: &str) -> &str {
    let path = uri.split('?').next().unwrap_or(uri);
    if path.starts_with("/tile/") {
        "/tile/{path}"
    } else if path.starts_with("/api/v1/entries/") {
        "/api/v1/entries/{index}"
    } else {
        path
    }
}

/// Whether `answer` is documented for `method template`: its status, its media type, and
/// (for JSON) its body's schema.
fn conforms(spec: &Value, template: &str, method: &Method, answer: &Answer) -> Result<(), String> {
    let op = spec["paths"]
        .get(template)
        .and_then(|p| p.get(method.as_str().to_ascii_lowercase()))
        .ok_or_else(|| format!("{method} {template} is not documented"))?;
    let status = answer.status.as_str();
    let response = op["responses"].get(status).ok_or_else(|| format!("status {status} is not documented"))?;
    let response = resolve(spec, response)?;
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if answer.body.is_empty() { Ok(()) } else { Err(format!("{status} documents no body")) };
    };
    let given = answer.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    let media = content.get(essence).ok_or_else(|| format!("{status}: {given} is not documented ({content:?})"))?;
    if essence.ends_with("json") {
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| format!("{status}: not JSON: {e}"))?;
        validate(spec, &media["schema"], &body, "body").map_err(|e| format!("{status}: {e}"))?;
    }
    Ok(())
}

fn notice(id: &str) -> Value {
    json!({"type": "notice.published", "notice": id,
        "title": {"kk": "Хабарландыру", "ru": "Объявление", "en": "Notice"},
        "text": {"kk": "Мәтін\nекі жол", "ru": "Текст", "en": "Text"}})
}

// ---------------------------------------------------------------------------------------
// Tests.

/// The events the token may submit validate against the request body's schema, and the
/// events it may not do not: the document and the allow-list agree on real events.
#[tokio::test]
async fn operator_events_validate_against_the_request_schema() {
    let app = start().await;
    let body_schema = json!({"$ref": "#/components/schemas/OperatorEvent"});
    let samples = [
        notice("n-1"),
        json!({"type": "deployment.configured", "name": {"kk": "Дауыс", "ru": "Дауыс", "en": "Dauys"}, "utc_offset_minutes": 300}),
        json!({"type": "calendar.published", "year": 2026, "holidays": ["2026-01-01", "2026-01-02"], "transferred_working_days": ["2026-01-03"]}),
        json!({"type": "body.registered", "body": "gov", "kind": "government", "name": {"kk": "Үкімет", "ru": "Правительство", "en": "Government"}}),
        json!({"type": "body.registered", "body": "min-edu", "kind": "ministry", "parent": "gov", "name": {"kk": "Министрлік", "ru": "Министерство", "en": "Ministry"}}),
        // `null` for an absent optional member is taken as absent (and logged without it).
        json!({"type": "body.registered", "body": "agency", "kind": "agency", "parent": null, "name": {"kk": "Агенттік", "ru": "Агентство", "en": "Agency"}}),
    ];
    for sample in &samples {
        validate(&app.spec, &body_schema, sample, "event").unwrap_or_else(|e| panic!("{e}"));
        app.expect(Method::POST, "/api/v1/events", Some(sample), true, 201).await;
    }
    // The access bases and petition rules the server itself logged on its first start are
    // operator acts of the same shapes.
    let mut genesis = Vec::new();
    for index in 0..3 {
        let entry = app.expect(Method::GET, &format!("/api/v1/entries/{index}"), None, false, 200).await.json();
        validate(&app.spec, &body_schema, &entry["event"], "event").unwrap_or_else(|e| panic!("entry {index}: {e}"));
        genesis.push(entry["type"].as_str().unwrap().to_owned());
    }
    genesis.sort();
    assert_eq!(genesis, ["access_bases.published", "deployment.configured", "petition_rules.published"]);
    // Not an operator act, or not an event: the schema refuses them as the server does.
    for refused in [
        json!({"type": "role.granted", "account": "someone", "role": "administrator", "by": "admin"}),
        json!({"type": "petition.signed", "petition": "p-1", "signer": format!("ps1-{}", "0".repeat(64)), "region": "astana"}),
        json!({"type": "notice.published", "notice": "n-2", "title": {"kk": "a", "ru": "a", "en": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}, "by": "x"}),
        json!({"type": "notice.published", "notice": "n-3", "title": {"kk": "a", "ru": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}}),
        json!({"type": "deployment.configured", "name": {"kk": "a", "ru": "a", "en": "a"}, "utc_offset_minutes": 900}),
    ] {
        assert!(validate(&app.spec, &body_schema, &refused, "event").is_err(), "the schema accepts {refused}");
        let answer = app.call(Method::POST, "/api/v1/events", Some(&refused), true).await;
        assert!(answer.status.is_client_error(), "{refused}: {}", answer.status);
        conforms(&app.spec, "/api/v1/events", &Method::POST, &answer).unwrap_or_else(|e| panic!("{refused}: {e}"));
    }
    // Control characters in a one-line text (the schema's `pattern`, which the validator
    // here does not check): the server refuses them as the document says.
    for refused in [
        json!({"type": "deployment.configured", "name": {"kk": "a\u{7}", "ru": "a", "en": "a"}, "utc_offset_minutes": 300}),
        json!({"type": "notice.published", "notice": "n-4", "title": {"kk": "a\nb", "ru": "a", "en": "a"}, "text": {"kk": "a", "ru": "a", "en": "a"}}),
    ] {
        let answer = app.expect(Method::POST, "/api/v1/events", Some(&refused), true, 400).await;
        assert_eq!(answer.json()["code"], "invalid-event", "{refused}");
    }
    app.instance.shutdown().await.unwrap();
}

/// Every endpoint of the log, with good and bad input: documented statuses, media types and
/// bodies.
#[tokio::test]
async fn log_endpoints_answer_as_documented() {
    let app = start().await;
    for n in 0..3 {
        app.expect(Method::POST, "/api/v1/events", Some(&notice(&format!("c-{n}"))), true, 201).await;
    }
    let size = app.log_size().await;
    app.checkpoint_at_least(size).await;
    let leaf = app.call(Method::GET, "/api/v1/entries/1", None, false).await.json()["leaf_hash"].clone();
    let leaf = leaf.as_str().unwrap();
    let role = json!({"type": "role.granted", "account": "someone", "role": "administrator"});
    let cases: Vec<(Method, String, Option<Value>, bool, u16)> = vec![
        (Method::GET, "/api/v1/log".into(), None, false, 200),
        (Method::GET, "/api/v1/log?lang=ru".into(), None, false, 200),
        (Method::GET, "/api/v1/log?lang=de".into(), None, false, 400),
        (Method::GET, "/api/v1/state".into(), None, false, 200),
        (Method::GET, "/api/v1/entries".into(), None, false, 200),
        (Method::GET, "/api/v1/entries?limit=100&before=3&lang=en".into(), None, false, 200),
        (Method::GET, "/api/v1/entries?limit=0".into(), None, false, 400),
        (Method::GET, "/api/v1/entries?limit=101".into(), None, false, 400),
        (Method::GET, "/api/v1/entries?lang=xx".into(), None, false, 400),
        (Method::GET, "/api/v1/entries/0".into(), None, false, 200),
        (Method::GET, "/api/v1/entries/99999".into(), None, false, 404),
        (Method::GET, "/api/v1/entries/-1".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=0".into(), None, false, 200),
        (Method::GET, "/api/v1/proof/inclusion?index=0&size=1".into(), None, false, 200),
        (Method::GET, format!("/api/v1/proof/inclusion?index=1&hash={leaf}"), None, false, 200),
        (Method::GET, format!("/api/v1/proof/inclusion?hash={leaf}&size=2"), None, false, 200),
        (Method::GET, format!("/api/v1/proof/inclusion?hash={leaf}&size=1"), None, false, 400),
        (Method::GET, format!("/api/v1/proof/inclusion?index=2&hash={leaf}"), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=0&size=0".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?size=0&hash=00".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=3&size=3".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion?index=5&size=2".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/inclusion".into(), None, false, 400),
        (Method::GET, format!("/api/v1/proof/inclusion?index={size}"), None, false, 404),
        (Method::GET, "/api/v1/proof/inclusion?index=0&size=99999".into(), None, false, 404),
        (Method::GET, format!("/api/v1/proof/inclusion?hash={}", "ab".repeat(32)), None, false, 404),
        (Method::GET, "/api/v1/proof/consistency?from=1".into(), None, false, 200),
        (Method::GET, "/api/v1/proof/consistency?from=0".into(), None, false, 200),
        (Method::GET, "/api/v1/proof/consistency?from=0&to=0".into(), None, false, 200),
        (Method::GET, "/api/v1/proof/consistency?from=2&to=2".into(), None, false, 200),
        (Method::GET, "/api/v1/proof/consistency?from=3&to=2".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/consistency".into(), None, false, 400),
        (Method::GET, "/api/v1/proof/consistency?from=1&to=99999".into(), None, false, 404),
        (Method::POST, "/api/v1/events".into(), Some(notice("c-0")), true, 409),
        (Method::POST, "/api/v1/events".into(), Some(notice("c-9")), false, 401),
        (Method::POST, "/api/v1/events".into(), Some(role), true, 403),
        (Method::POST, "/api/v1/events".into(), Some(json!({"type": "nope"})), true, 400),
        (Method::POST, "/api/v1/events?lang=fr".into(), Some(notice("c-9")), true, 400),
        (Method::GET, "/checkpoint".into(), None, false, 200),
        (Method::GET, "/tile/entries/000.p/1".into(), None, false, 200),
        (Method::GET, "/tile/0/x".into(), None, false, 400),
        (Method::GET, "/healthz".into(), None, false, 200),
        (Method::GET, "/readyz".into(), None, false, 200),
        (Method::GET, "/metrics".into(), None, false, 200),
        (Method::GET, "/api/v1/petitions?lang=kk".into(), None, false, 200),
        (Method::GET, "/api/v1/petitions?lang=kz".into(), None, false, 400),
        (Method::GET, "/feeds/petitions.atom?lang=en".into(), None, false, 200),
        (Method::GET, "/feeds/petitions.atom?lang=english".into(), None, false, 400),
    ];
    for (method, uri, body, token, expected) in cases {
        app.expect(method, &uri, body.as_ref(), token, expected).await;
    }
    // Nothing refused above reached the log.
    assert_eq!(app.log_size().await, size);

    // Proofs carry what they prove.
    let proof = app.call(Method::GET, "/api/v1/proof/inclusion?index=0&size=1", None, false).await.json();
    assert_eq!((proof["tree_size"].as_u64(), proof["proof"].as_array().map(Vec::len)), (Some(1), Some(0)));
    let empty = app.call(Method::GET, "/api/v1/proof/consistency?from=0", None, false).await.json();
    assert_eq!(empty["proof"], json!([]), "the empty tree is a prefix of every tree");
    // An unknown `lang` names the parameter and what it may be, in the caller's language.
    let req =
        Request::get("/api/v1/entries?lang=de").header(header::ACCEPT_LANGUAGE, "ru").body(Body::empty()).unwrap();
    let (status, headers, bytes) = common::send(&app.instance, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers[header::CONTENT_LANGUAGE], "ru");
    let problem: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((problem["code"].as_str(), problem["parameter"].as_str()), (Some("invalid-parameter"), Some("lang")));
    assert_eq!(problem["allowed"], json!(["kk", "ru", "en"]));
    // Pages keep falling back: an old link with another language still shows the page.
    let (status, _, _) = common::send(&app.instance, Request::get("/log?lang=de").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    app.instance.shutdown().await.unwrap();
}

/// Entries the log holds but no checkpoint covers yet: 409 with Retry-After ("not yet"),
/// where entries the log does not hold are 404.
#[tokio::test]
async fn logged_but_not_yet_checkpointed_is_a_conflict_to_retry() {
    let db = TestDatabase::new(Backend::Sqlite);
    // A first start signs the genesis entries; the second signs only once a minute, so
    // what it logs stays uncovered for the test's duration.
    let first = common::instance(common::config(&db)).await;
    first.shutdown().await.unwrap();
    let config = Config { checkpoint_interval_ms: 60_000, ..common::config(&db) };
    let app = start_with(db, config).await;
    let signed =
        app.instance.state.shared.latest_checkpoint().expect("a checkpoint from the first start").checkpoint.size;
    let receipt = app.expect(Method::POST, "/api/v1/events", Some(&notice("late")), true, 201).await.json();
    let index = receipt["index"].as_u64().unwrap();
    assert_eq!(index, signed, "the notice is the first entry after the checkpoint");
    let leaf = receipt["leaf_hash"].as_str().unwrap();
    for (uri, expected) in [
        (format!("/api/v1/proof/inclusion?index={index}"), 409),
        (format!("/api/v1/proof/inclusion?hash={leaf}"), 409),
        // The receipt's own proof link: the smallest tree holding the entry.
        (format!("/api/v1/proof/inclusion?index={index}&size={}", index + 1), 409),
        (format!("/api/v1/proof/inclusion?index=0&size={}", index + 1), 409),
        (format!("/api/v1/proof/inclusion?index={}", index + 1), 404),
        (format!("/api/v1/proof/inclusion?index=0&size={}", index + 2), 404),
        (format!("/api/v1/proof/inclusion?index=0&size={signed}"), 200),
        (format!("/api/v1/proof/consistency?from=1&to={}", index + 1), 409),
        (format!("/api/v1/proof/consistency?from=1&to={}", index + 2), 404),
        (format!("/api/v1/proof/consistency?from=1&to={signed}"), 200),
    ] {
        let answer = app.expect(Method::GET, &uri, None, false, expected).await;
        if expected == 409 {
            assert_eq!(answer.json()["code"], "not-yet-checkpointed", "{uri}");
            assert_eq!(answer.headers[header::RETRY_AFTER], "1", "{uri}");
        }
    }
    app.instance.shutdown().await.unwrap();
}
