//! `testpg-serve [--person NAME]...`: the tests' PostgreSQL 15 for a test suite that is not
//! written in Rust (the app's end-to-end tests, in Python). It starts the server as the Rust
//! tests do ([`steward_testpg::server`]), makes a fresh database and a login role for each
//! person named (a superuser with the test password, so each one's changes are recorded as
//! theirs), prints one line of JSON on stdout, then keeps the server running until its stdin
//! closes, when it stops the server and removes its directory before exiting. Killed instead
//! (SIGTERM), the watchdog the library starts does the same once this process is gone.
//!
//! The line: `{"host", "port", "database", "password", "url", "people": {NAME: URL}}`, where
//! `url` opens the database as the superuser and each person's URL as that person.
//!
//! Test support only, like the library: never built into the app or its package.

use std::io::Read;

fn main() {
    match serve() {
        Ok(()) => {}
        Err(e) => {
            eprintln!("testpg-serve: {e}");
            std::process::exit(1);
        }
    }
}

fn serve() -> Result<(), String> {
    let people = people(std::env::args().skip(1))?;
    if !steward_testpg::enabled() {
        return Err("STEWARD_PG_TESTS=0 says not to start PostgreSQL".into());
    }
    let server = steward_testpg::server();
    let db = server.fresh_database();
    let urls: Vec<String> = people
        .iter()
        .map(|p| format!("{}:{}", json(p), json(&server.database_url_as(p, &db.name))))
        .collect();
    println!(
        "{{\"host\":\"127.0.0.1\",\"port\":{},\"database\":{},\"password\":{},\"url\":{},\"people\":{{{}}}}}",
        server.port(),
        json(&db.name),
        json(server.password()),
        json(&db.url),
        urls.join(",")
    );
    // Until the parent closes our stdin (or goes away, which closes it too).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    server.stop()
}

/// The names given with `--person NAME` (letters, digits and `_`, as a role name needs no
/// quoting then).
fn people(args: impl Iterator<Item = String>) -> Result<Vec<String>, String> {
    let usage = "usage: testpg-serve [--person NAME]...";
    let mut out = Vec::new();
    let mut args = args.peekable();
    while let Some(a) = args.next() {
        let name = match a.strip_prefix("--person=") {
            Some(v) => v.to_string(),
            None if a == "--person" => args.next().ok_or(usage)?,
            None => return Err(format!("{a:?} is not an argument it takes; {usage}")),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!(
                "{name:?} is not a person's name it takes: lowercase letters, digits and _"
            ));
        }
        out.push(name);
    }
    Ok(out)
}

/// `s` as a JSON string.
fn json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
