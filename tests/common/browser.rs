//! A headless Chromium driven over the W3C WebDriver protocol (chromedriver), for the dashboard
//! tests, with the skip rule of `tests/dashboard.rs`: without `chromium` and `chromium-driver`
//! the test fails, unless `ROTA_SKIP_BROWSER_TESTS=1` (then it skips and `make test` lists it;
//! under CI a skip fails). `ROTA_CHROMIUM` / `ROTA_CHROMEDRIVER` override the paths.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn http() -> ureq::Agent {
    super::agent(Duration::from_secs(60))
}

fn tool(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    match std::env::var(env) {
        Ok(p) => Some(PathBuf::from(p)),
        Err(_) => candidates.iter().map(PathBuf::from).find(|p| p.exists()),
    }
}

/// The WebDriver session and the chromedriver process behind it (both ended when dropped).
pub struct Chromium {
    base: String,
    session: String,
    driver: Child,
}

impl Chromium {
    /// A browser for `test` with its profile in `profile`; `None` when asked to skip.
    pub fn for_test(test: &str, profile: &Path) -> Option<Self> {
        if std::env::var("ROTA_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
            super::skip::skip(test, "ROTA_SKIP_BROWSER_TESTS=1");
            return None;
        }
        let binary = tool(
            "ROTA_CHROMIUM",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let driver = tool("ROTA_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(binary), Some(driver)) = (binary, driver) else {
            panic!(
                "{test} needs chromium and chromedriver (apt-get install chromium \
                 chromium-driver), or ROTA_SKIP_BROWSER_TESTS=1 to skip it explicitly"
            );
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while !http()
            .get(&format!("{base}/status"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
            .is_some_and(|v| v["value"]["ready"] == true)
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver not ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            // Tall enough for the whole dashboard in one screenshot.
            "--window-size=1400,3400",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": binary.display().to_string(), "args": args}}}});
        let v: Value = http()
            .post(&format!("{base}/session"))
            .send_json(&caps)
            .expect("new session")
            .body_mut()
            .read_json()
            .expect("session json");
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Some(Self {
            base,
            session,
            driver,
        })
    }

    /// Sends a WebDriver command (POST) of this session; its value.
    pub fn command(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut resp = http()
            .post(&url)
            .send_json(body)
            .expect("webdriver request");
        let status = resp.status().as_u16();
        let v: Value = resp.body_mut().read_json().expect("webdriver json");
        assert_eq!(status, 200, "{path}: {v}");
        v["value"].clone()
    }

    /// Opens `url`.
    pub fn open(&self, url: &str) {
        self.command("/url", json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.command("/element", json!({"using": "css selector", "value": css}));
        v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    /// Clicks the first element `css` selects.
    pub fn press(&self, css: &str) {
        let e = self.find(css);
        self.command(&format!("/element/{e}/click"), json!({}));
    }

    /// Types `text` into the first element `css` selects.
    pub fn keys(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.command(&format!("/element/{e}/value"), json!({ "text": text }));
    }

    /// Runs `script` in the page; its return value.
    pub fn run(&self, script: &str) -> Value {
        self.command("/execute/sync", json!({"script": script, "args": []}))
    }

    /// The number of elements `css` selects.
    pub fn count(&self, css: &str) -> u64 {
        self.run(&format!(
            "return document.querySelectorAll({}).length;",
            serde_json::to_string(css).expect("css")
        ))
        .as_u64()
        .unwrap_or(0)
    }

    /// Waits until the dashboard's status line contains `want`; fails at once if it shows an
    /// error. Returns the line.
    pub fn wait_status(&self, want: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let v = self.run(
                "const s = document.getElementById('status'); \
                 return [s.textContent, s.classList.contains('error')];",
            );
            let text = v[0].as_str().unwrap_or("").to_string();
            assert!(v[1] != true, "the dashboard reports an error: {text}");
            if text.contains(want) {
                return text;
            }
            assert!(
                start.elapsed() < limit,
                "status never said {want:?}; last: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub fn screenshot(&self, path: &Path) {
        let url = format!("{}/session/{}/screenshot", self.base, self.session);
        let mut resp = http().get(&url).call().expect("webdriver screenshot");
        let v: Value = resp.body_mut().read_json().expect("webdriver json");
        let png = decode_base64(v["value"].as_str().expect("base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create target dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Waits until `script` returns true; fails naming `what` after `limit`, or at once when the
    /// dashboard's status line shows an error.
    pub fn until(&self, script: &str, what: &str, limit: Duration) {
        let started = Instant::now();
        loop {
            let v = self.run(&format!(
                "const s = document.getElementById('status'); \
                 return [s.textContent, s.classList.contains('error'), (() => {{ {script} }})()];"
            ));
            assert!(v[1] != true, "the dashboard reports an error: {}", v[0]);
            if v[2] == true {
                return;
            }
            assert!(started.elapsed() < limit, "never {what}; status: {}", v[0]);
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = http()
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (the screenshot's encoding), ignoring anything else.
fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
