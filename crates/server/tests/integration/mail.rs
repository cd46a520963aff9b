//! Outgoing mail through a real SMTP server (Python's aiosmtpd, installed by scripts/setup):
//! a message queued in the sealed outbox is delivered by the background task and arrives in
//! the server's mailbox with its recipient, subject and code.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dauys_server::config::Config;
use dauys_server::people::mail::Mail;
use dauys_server::Instance;
use dauys_testkit::{Backend, TestDatabase};

struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let maildir = tempfile::tempdir().expect("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.path().join(sub)).expect("maildir layout");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (run scripts/setup)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on {port}; is it installed (scripts/setup)?");
            std::thread::sleep(Duration::from_millis(100));
        }
        SmtpServer { child, port, maildir }
    }

    fn delivered(&self) -> Vec<String> {
        std::fs::read_dir(self.maildir.path().join("new"))
            .map(|d| d.filter_map(|e| e.ok()).filter_map(|e| std::fs::read_to_string(e.path()).ok()).collect())
            .unwrap_or_default()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_mail_reaches_a_real_smtp_server() {
    let smtp = SmtpServer::start();
    let db = TestDatabase::new(Backend::Sqlite);
    let config = Config {
        data_dir: db.dir.path().to_path_buf(),
        database_url: db.database_url(),
        smtp_url: format!("smtp://127.0.0.1:{}", smtp.port),
        mail_from: "Dauys test <noreply@dauys.test>".into(),
        ..Config::default()
    };
    let instance = Instance::start(config).await.expect("instance starts");
    let people = instance.state.people.clone();
    tokio::task::spawn_blocking(move || people.enqueue_mail(&Mail::registry_code("nurlan@example.kz", "73019254")))
        .await
        .expect("task")
        .expect("queued");
    let deadline = Instant::now() + Duration::from_secs(20);
    let message = loop {
        if let Some(m) = smtp.delivered().into_iter().next() {
            break m;
        }
        assert!(Instant::now() < deadline, "no mail arrived at the SMTP server");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(message.contains("To: nurlan@example.kz"), "{message}");
    assert!(
        message.contains("From: \"Dauys test\" <noreply@dauys.test>")
            || message.contains("From: Dauys test <noreply@dauys.test>"),
        "{message}"
    );
    let body = decoded_body(&message);
    assert!(body.contains("73019254"), "the code is not in the message:\n{message}");
    assert!(body.contains("Dauys"), "{body}");
    // The outbox marks it sent: it is not delivered twice.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(smtp.delivered().len(), 1);
    instance.shutdown().await.expect("shutdown");
}

/// The text of a single-part message, undoing the transfer encoding the sender chose for
/// non-ASCII text (base64 or quoted-printable).
fn decoded_body(message: &str) -> String {
    use base64::Engine as _;
    let normalized = message.replace("\r\n", "\n");
    let (headers, body) = normalized.split_once("\n\n").unwrap_or((&normalized, ""));
    let encoding = headers
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-transfer-encoding:").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    match encoding.as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(compact).expect("base64 body"))
                .expect("UTF-8 body")
        }
        "quoted-printable" => {
            let joined = body.replace("=\n", "");
            let bytes = joined.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' && i + 2 < bytes.len() {
                    if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8(out).expect("UTF-8 body")
        }
        _ => body.to_string(),
    }
}
