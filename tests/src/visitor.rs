//! A person's browser without a browser, for setting a server up from outside as a
//! deployment would be (sign-ups, role grants, verifications, the operator's acts), before a
//! journey drives Chromium through what is being tested.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::Server;

/// What every test password ends with (after the e-mail address).
pub const PASSWORD_SUFFIX: &str = " correct horse battery";

/// A person's browser without a browser: a cookie jar and the forms' CSRF tokens, for the
/// setup only (the journeys use Chromium).
pub struct Visitor<'a> {
    server: &'a Server,
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

impl<'a> Visitor<'a> {
    pub fn new(server: &'a Server) -> Self {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).redirects(0).build();
        Visitor { server, agent, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    /// Keeps the response's cookies; returns (status, Location, body).
    fn read(&mut self, result: Result<ureq::Response, ureq::Error>, what: &str) -> (u16, String, String) {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{what}: {e}"),
        };
        for set in response.all("set-cookie") {
            let pair = set.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
        let status = response.status();
        let location = response.header("location").unwrap_or("").to_owned();
        (status, location, response.into_string().unwrap_or_default())
    }

    pub fn get(&mut self, path: &str) -> (u16, String) {
        let request = self.agent.get(&self.server.url(path)).set("Cookie", &self.cookie_header());
        let (status, _, body) = self.read(request.call(), &format!("GET {path}"));
        (status, body)
    }

    /// GETs `form_page`, then posts `fields` and its CSRF token to `action`; returns (status,
    /// Location, body).
    pub fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let (status, page) = self.get(form_page);
        assert_eq!(status, 200, "GET {form_page}:\n{page}");
        let csrf = attribute_after(&page, "name=\"csrf\"", "value")
            .unwrap_or_else(|| panic!("GET {form_page}: no csrf field:\n{page}"));
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let request = self.agent.post(&self.server.url(action)).set("Cookie", &self.cookie_header());
        self.read(request.send_form(&form), &format!("POST {action}"))
    }

    /// Submits a form (see [`Visitor::submit`]) that answers with a redirect to a page
    /// starting with `expected`, as every form of the set-up does when it succeeds; returns
    /// the redirect's Location.
    pub fn act(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)], expected: &str) -> String {
        let (status, location, body) = self.submit(form_page, action, fields);
        assert!(
            (300..400).contains(&status) && location.starts_with(expected),
            "POST {action} {fields:?}: {status} → {location:?}, expected a redirect to {expected}…\n{body}"
        );
        location
    }

    /// Signs up, signs in and returns the account id.
    pub fn sign_up_and_in(&mut self, email: &str) -> String {
        let password = format!("{email}{PASSWORD_SUFFIX}");
        self.act("/signup?lang=en", "/signup", &[("email", email), ("password", &password)], "/login");
        self.act("/login", "/login", &[("email", email), ("password", &password), ("next", "/me")], "/me");
        let (status, me) = self.get("/me");
        assert_eq!(status, 200, "/me of {email}:\n{me}");
        let at = me.find("id=\"account-id\"").unwrap_or_else(|| panic!("/me of {email}: no #account-id:\n{me}"));
        let rest = &me[at..];
        let start = rest.find("u-").expect("an account id on /me");
        rest[start..start + 18].to_owned()
    }

    /// The administrator grants `role` (of `body`, or none when empty) at /admin/roles.
    pub fn grant_role(&mut self, account: &str, role: &str, body: &str) {
        self.act(
            "/admin/people",
            "/admin/roles",
            &[("account", account), ("role", role), ("body", body)],
            "/admin/people",
        );
    }

    /// The administrator verifies `person` (account `account`) in person: they live in
    /// `region`.
    pub fn verify_in_person(&mut self, account: &str, person: &Person, region: &str) {
        let verify = format!("/admin/people/{account}/verify");
        self.act(
            &verify,
            &verify,
            &[
                ("iin", person.iin.as_str()),
                ("given_name", person.given_name),
                ("family_name", person.family_name),
                ("region", region),
                ("district", ""),
            ],
            "/admin/people",
        );
    }
}

/// A person the administrator verifies in person.
pub struct Person {
    pub iin: String,
    pub given_name: &'static str,
    pub family_name: &'static str,
}

/// The value of `attribute` in the first tag that contains `marker`.
pub fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let needle = format!("{attribute}=\"");
    let v = tag.find(&needle)? + needle.len();
    Some(tag[v..].split('"').next()?.to_owned())
}

/// An operator's act, with the operator token.
pub fn publish(server: &Server, event: Value) {
    let (status, receipt) = server.submit(&event);
    assert_eq!(status, 201, "{}: {receipt}", event["type"]);
}

pub fn text(kk: &str, ru: &str, en: &str) -> Value {
    json!({"kk": kk, "ru": ru, "en": en})
}

/// Polls /api/v1/state until `counts[kind]` is at least `n` (the rules' follow-up events
/// are committed after the batch that causes them).
pub fn wait_for_count(server: &Server, kind: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = server.get_json("/api/v1/state");
        if state["counts"][kind].as_u64().unwrap_or(0) >= n {
            return;
        }
        assert!(Instant::now() < deadline, "counts[{kind}] did not reach {n} within 20 s: {state}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
