//! The web pages as a person sees them: the real `dauys` binary, real HTTP, Debian's
//! headless Chromium. Chromium missing is a failure (run `scripts/setup`), never a skip.

use dauys_e2e::{png_size, Chromium, Server};
use serde_json::json;

fn notice(id: &str, n: u32) -> serde_json::Value {
    json!({
        "type": "notice.published",
        "notice": id,
        "title": {
            "kk": format!("Жол жөндеу кестесі {n}"),
            "ru": format!("График ремонта дорог {n}"),
            "en": format!("Road repair schedule {n}"),
        },
        "text": {
            "kk": "Тұрғын аудандардағы жол жөндеу кестесі жарияланды.",
            "ru": "Опубликован график ремонта дорог в жилых массивах.",
            "en": "The schedule of road repairs in residential districts is published.",
        },
    })
}

/// Text of the first element with the given id attribute, tags stripped.
fn text_of_id(dom: &str, id: &str) -> Option<String> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let start = at + dom[at..].find('>')? + 1;
    let mut depth = 0usize;
    let mut out = String::new();
    let mut rest = &dom[start..];
    loop {
        let lt = rest.find('<')?;
        out.push_str(&rest[..lt]);
        let gt = rest[lt..].find('>')? + lt;
        let tag = &rest[lt..=gt];
        if tag.starts_with("</") {
            if depth == 0 {
                return Some(out.trim().to_string());
            }
            depth -= 1;
        } else if !tag.ends_with("/>") {
            depth += 1;
        }
        rest = &rest[gt + 1..];
    }
}

fn title_of(dom: &str) -> String {
    let start = dom.find("<title>").map(|i| i + 7).unwrap_or(0);
    let end = dom[start..].find("</title>").map_or(start, |i| start + i);
    dom[start..end].to_string()
}

#[test]
fn pages_in_a_real_browser() {
    let chromium = Chromium::find();
    let started = std::time::Instant::now();
    let server = Server::start();
    eprintln!("server ready after {:.1?}", started.elapsed());

    // A body and a few notices, through the public API like any client.
    let (status, body) = server.submit(&json!({
        "type": "body.registered",
        "body": "akimat-shymkent",
        "name": {"kk": "Шымкент қаласының әкімдігі", "ru": "Акимат города Шымкент", "en": "Akimat of Shymkent"},
        "kind": "akimat",
    }));
    assert_eq!(status, 201, "{body}");
    let mut last = 0;
    for n in 1..=3 {
        let (status, receipt) = server.submit(&notice(&format!("n-{n}"), n));
        assert_eq!(status, 201, "{receipt}");
        last = receipt["index"].as_u64().expect("receipt index");
    }
    let size = server.wait_for_checkpoint(last + 1);
    eprintln!("events checkpointed after {:.1?}", started.elapsed());

    // Home, in Russian by the browser's preference: for citizens first, with the way to the
    // ledger.
    let dom = chromium.dump_dom(&server.url("/"), &["--accept-lang=ru", "--lang=ru"]);
    assert!(dom.contains("<html lang=\"ru\""), "home is not in Russian:\n{dom}");
    assert!(
        dom.contains("Создать петицию") && dom.contains("href=\"/petitions/new\""),
        "no way to start a petition:\n{dom}"
    );
    assert!(dom.contains("Как это работает"), "no how-it-works:\n{dom}");
    assert!(dom.contains("href=\"/ledger\""), "no way to the ledger:\n{dom}");
    for info in ["/about", "/help", "/privacy", "/accessibility", "/contact"] {
        assert!(dom.contains(&format!("href=\"{info}\"")), "no footer link to {info}");
        let (status, body) = server.get(&format!("{info}?lang=en"));
        assert_eq!(status, 200, "{info}: {body}");
        assert!(body.contains("<h1>") && body.contains("<h2"), "{info} has no content:\n{body}");
    }
    assert!(!dom.contains("<script"), "the home page needs no script");

    // The ledger at a glance: its size, its checkpoint, its newest entries.
    let dom = chromium.dump_dom(&server.url("/ledger"), &["--accept-lang=ru", "--lang=ru"]);
    assert!(title_of(&dom).contains("Открытый реестр"), "title: {}", title_of(&dom));
    assert!(dom.contains("Последняя контрольная точка"), "no checkpoint heading:\n{dom}");
    let shown: u64 = text_of_id(&dom, "tree-size").and_then(|s| s.parse().ok()).expect("tree size on the home page");
    assert!(shown >= size, "home shows tree size {shown}, checkpoint was {size}");
    assert!(dom.contains("Орган зарегистрирован"), "no Russian event label:\n{dom}");
    assert!(dom.contains("Опубликовано объявление"));
    assert!(dom.contains("График ремонта дорог 3"), "no Russian notice title");
    // The language switcher, with each language named in itself.
    for (lang, name) in [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")] {
        assert!(dom.contains(&format!("href=\"/ledger?lang={lang}\"")), "no switcher link to {lang}");
        assert!(dom.contains(name), "switcher lacks {name}");
    }
    assert!(!dom.contains("<script"), "the ledger's pages need no script");

    // Default language is Kazakh when the browser asks for none we have.
    let dom = chromium.dump_dom(&server.url("/log"), &["--accept-lang=de", "--lang=de"]);
    assert!(dom.contains("<html lang=\"kk\""), "default is not Kazakh");
    assert!(dom.contains("Орган тіркелді"), "no Kazakh event label");

    // The log browser in English by ?lang=.
    let dom = chromium.dump_dom(&server.url("/log?lang=en"), &["--accept-lang=ru"]);
    assert!(dom.contains("<html lang=\"en\""));
    assert!(title_of(&dom).starts_with("Ledger entries"), "title: {}", title_of(&dom));
    assert!(dom.contains("Body registered") && dom.contains("Road repair schedule 2"));
    assert!(dom.contains(&format!("href=\"/log/{last}\"")), "no link to entry {last}");

    // One entry in Russian: fields, proof and how to verify it.
    let dom = chromium.dump_dom(&server.url(&format!("/log/{last}")), &["--accept-lang=ru", "--lang=ru"]);
    assert!(title_of(&dom).starts_with(&format!("Запись № {last}")), "title: {}", title_of(&dom));
    assert!(dom.contains("Доказательство включения"), "no proof section:\n{dom}");
    assert!(dom.contains("Как проверить это самостоятельно"), "no how-to-verify heading");
    assert!(dom.contains("✓"), "the page's own walk of the proof did not reach the root:\n{dom}");
    let vkey = server.get_json("/api/v1/log")["vkey"].as_str().expect("vkey").to_string();
    assert_eq!(text_of_id(&dom, "vkey").as_deref(), Some(vkey.as_str()), "the page shows another key");
    let leaf = server.get_json(&format!("/api/v1/entries/{last}"))["leaf_hash"].as_str().expect("leaf").to_string();
    assert_eq!(text_of_id(&dom, "leaf-hash").as_deref(), Some(leaf.as_str()));
    assert!(dom.contains(&format!("href=\"/log/{last}?lang=en\"")), "switcher does not keep the path");

    // Friendly errors in the page's language, with the right status.
    let (status, body) = server.get("/log/abc?lang=ru");
    assert_eq!(status, 400);
    assert!(body.contains("не номер записи"), "{body}");
    let (status, body) = server.get("/log/999999?lang=en");
    assert_eq!(status, 404);
    assert!(body.contains("No such entry"), "{body}");
    let dom = chromium.dump_dom(&server.url("/no/such/page"), &["--accept-lang=en", "--lang=en"]);
    assert!(dom.contains("Page not found"), "{dom}");

    eprintln!("pages checked after {:.1?}", started.elapsed());
    // A phone: the home page at 390×844 renders to a real picture.
    let shots = tempfile::tempdir().expect("a directory for screenshots");
    for (name, path) in [("home", "/"), ("entry", &*format!("/log/{last}"))] {
        let file = shots.path().join(format!("{name}-phone.png"));
        chromium.screenshot(&server.url(path), 390, 844, &file, &["--accept-lang=kk", "--lang=kk"]);
        let png = std::fs::read(&file).expect("screenshot file");
        assert!(png.len() > 20_000, "{name} screenshot is only {} bytes", png.len());
        let (w, h) = png_size(&png).expect("a PNG");
        assert!(w >= 390 && h >= 600, "{name} screenshot is {w}×{h}");
        if let Some(dir) = std::env::var_os("E2E_SCREENSHOT_DIR") {
            let _ = std::fs::copy(&file, std::path::Path::new(&dir).join(format!("{name}-phone.png")));
        }
    }
}

#[test]
fn language_choice_is_remembered_in_a_cookie() {
    let server = Server::start();
    let response = ureq::get(&server.url("/?lang=ru")).call().expect("home");
    let cookie = response.header("set-cookie").unwrap_or_default().to_string();
    // The same cookie whatever order the attributes come in (the cookie crate writes its own).
    let mut parts: Vec<&str> = cookie.split("; ").collect();
    parts.sort_unstable();
    assert_eq!(parts, ["Max-Age=31536000", "Path=/", "SameSite=Lax", "lang=ru"], "{cookie}");
    assert_eq!(response.header("content-language"), Some("ru"));
    let html = response.into_string().expect("body");
    assert!(html.contains("<html lang=\"ru\""));
    // Without ?lang= nothing is set, and the cookie then decides.
    let response = ureq::get(&server.url("/log")).set("Cookie", "lang=en").call().expect("log");
    assert!(response.header("set-cookie").is_none());
    assert!(response.into_string().expect("body").contains("<html lang=\"en\""));
    // The stylesheet is served and cached for long.
    let css = ureq::get(&server.url("/static/style.css")).call().expect("css");
    assert!(css.header("cache-control").unwrap_or_default().contains("max-age=31536000"));
    assert!(css.into_string().expect("css").contains("overflow-wrap: anywhere"));
}
