//! Appeals in a real browser (issue 11): a citizen files a private appeal in Kazakh to the
//! wrong body; an official of that body forwards it; the head of the competent body opens it
//! (an accountable access) and extends the deadline; an official answers it; the citizen
//! sees each step, rates the answer and sees who opened the appeal
//! (`tests/browser/appeals.mjs`).
//!
//! The server is set up from outside as a deployment would be: the bodies through the
//! operator API, every person's act through the web pages in that person's session. Chromium
//! or Node.js missing is a failure (run `scripts/setup`), never a skip.

use std::path::Path;
use std::time::Duration;

use dauys_e2e::visitor::{publish, text, wait_for_count, Person, Visitor, PASSWORD_SUFFIX};
use dauys_e2e::{run_browser_journey, Server, ServerOptions, OIDC_PEOPLE};
use serde_json::json;

const ADMIN_EMAIL: &str = "admin@example.kz";

#[test]
fn a_citizen_follows_an_appeal_the_bodies_forward_extend_and_answer() {
    let server = Server::start_with(ServerOptions {
        extra_env: vec![
            ("DAUYS_FIRST_ADMINISTRATOR_EMAIL".into(), ADMIN_EMAIL.into()),
            ("DAUYS_SIGN_IN_PER_MINUTE".into(), "1000".into()),
            ("DAUYS_SIGN_UP_PER_HOUR".into(), "1000".into()),
        ],
        ..ServerOptions::default()
    });
    let body = |id: &str, parent: Option<&str>, competence: Option<&str>, names: [&str; 3]| {
        let mut event = json!({
            "type": "body.registered",
            "body": id,
            "name": text(names[0], names[1], names[2]),
            "kind": if parent.is_some() { "ministry" } else { "government" },
        });
        if let Some(p) = parent {
            event["parent"] = json!(p);
        }
        if let Some(c) = competence {
            event["competences"] = json!([c]);
        }
        event
    };
    publish(
        &server,
        body("government", None, None, ["Қазақстан Үкіметі", "Правительство Казахстана", "Government of Kazakhstan"]),
    );
    publish(
        &server,
        body(
            "mon",
            Some("government"),
            Some("education"),
            ["Оқу-ағарту министрлігі", "Министерство просвещения", "Ministry of Education"],
        ),
    );
    publish(
        &server,
        body(
            "moh",
            Some("government"),
            Some("health"),
            ["Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Health"],
        ),
    );

    let mut admin = Visitor::new(&server);
    admin.sign_up_and_in(ADMIN_EMAIL);
    let emails = [
        ("CITIZEN", "aigerim@example.kz"),
        ("FORWARDER", "mon-official@example.kz"),
        ("HEAD", "moh-head@example.kz"),
        ("ANSWERER", "moh-official@example.kz"),
    ];
    let ids: Vec<String> = emails.iter().map(|(_, email)| Visitor::new(&server).sign_up_and_in(email)).collect();
    admin.grant_role(&ids[1], "official", "mon");
    admin.grant_role(&ids[2], "head", "moh");
    admin.grant_role(&ids[3], "official", "moh");
    let person = OIDC_PEOPLE[0];
    admin.verify_in_person(
        &ids[0],
        &Person { iin: person.iin.into(), given_name: person.given_name, family_name: person.family_name },
        "astana",
    );
    wait_for_count(&server, "person.verified", 1);

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("appeals_browser");
    let _ = std::fs::remove_dir_all(&artifacts);
    let passwords: Vec<String> = emails.iter().map(|(_, e)| format!("{e}{PASSWORD_SUFFIX}")).collect();
    let mut env: Vec<(String, &str)> = Vec::new();
    for ((role, email), password) in emails.iter().zip(&passwords) {
        env.push((format!("E2E_{role}_EMAIL"), email));
        env.push((format!("E2E_{role}_PASSWORD"), password));
    }
    let artifacts_str = artifacts.to_string_lossy().into_owned();
    env.push(("E2E_ARTIFACTS_DIR".into(), &artifacts_str));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let output = run_browser_journey("appeals.mjs", &server.base_url, &env, Duration::from_secs(300));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "node tests/browser/appeals.mjs failed ({}); screenshots and pages in {artifacts_str}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}\n--- server log:\n{}",
        output.status,
        server.log()
    );
    assert!(stdout.contains("steps passed"), "the journey ended without its summary:\n{stdout}\n{stderr}");
    // From outside the browser: each act is on the log, and the opening too.
    let state = server.get_json("/api/v1/state");
    for kind in [
        "appeal.filed",
        "appeal.forwarded",
        "appeal.extended",
        "appeal.answered",
        "appeal.rated",
        "personal_data.opened",
    ] {
        assert_eq!(state["counts"][kind], 1, "{kind}: {state}");
    }
    eprintln!("{stdout}");
}
