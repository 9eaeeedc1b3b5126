//! A workspace's own rules file laid over the file Steward ships (calendar rules, review rules):
//! the TOML merge both share. Parsing only; each caller deserializes and checks its own rules.

/// Parses `text` and lays it over `shipped`, table by table: a key the text leaves out keeps the
/// shipped value, and a value or a list (such as the review rules or the checklist items) is
/// replaced whole. A syntax error in `text` is the parser's message with its line, for the
/// caller to put in its own error.
pub fn over_shipped(shipped: &str, text: &str) -> Result<toml::Value, String> {
    let user: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e
            .span()
            .map(|s| format!(" (line {})", text[..s.start].matches('\n').count() + 1))
            .unwrap_or_default();
        format!("{}{at}", e.message().trim_end())
    })?;
    let mut merged: toml::Table = shipped.parse().map_err(|e: toml::de::Error| {
        format!(
            "the shipped rules cannot be read: {}",
            e.message().trim_end()
        )
    })?;
    merge(&mut merged, user);
    Ok(toml::Value::Table(merged))
}

/// Lays `over` onto `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::over_shipped;

    fn check(text: &str, expected: Result<&str, &str>) {
        const SHIPPED: &str = "version = 1\n[a]\nx = 1\ny = [1, 2]\n[a.deep]\nz = \"s\"\n";
        let got = over_shipped(SHIPPED, text).map(|v| toml::to_string(&v).expect("serializes"));
        let expected = expected.map(|e| {
            toml::to_string(&e.parse::<toml::Table>().expect("expected parses")).expect("toml")
        });
        assert_eq!(got, expected.map_err(str::to_string), "over {text:?}");
    }

    #[test]
    fn the_text_overrides_key_by_key_and_lists_whole() {
        check(
            "",
            Ok("version = 1\n[a]\nx = 1\ny = [1, 2]\n[a.deep]\nz = \"s\""),
        );
        check(
            "[a]\nx = 2",
            Ok("version = 1\n[a]\nx = 2\ny = [1, 2]\n[a.deep]\nz = \"s\""),
        );
        check(
            "[a.deep]\nz = \"t\"\n[a]\ny = [3]",
            Ok("version = 1\n[a]\nx = 1\ny = [3]\n[a.deep]\nz = \"t\""),
        );
        check(
            "extra = true",
            Ok("version = 1\nextra = true\n[a]\nx = 1\ny = [1, 2]\n[a.deep]\nz = \"s\""),
        );
        check(
            "version = ",
            Err("string values must be quoted, expected literal string (line 1)"),
        );
    }
}
