//! A workspace's own rules file laid over the file Steward ships (calendar rules, review rules):
//! the TOML merge both share. Parsing only; each caller deserializes and checks its own rules.

/// Parses `text` and lays it over `shipped`, table by table: a key the text leaves out keeps the
/// shipped value, and a value or a list (such as the review rules or the checklist items) is
/// replaced whole. A syntax error in `text` is the parser's message with its line, for the
/// caller to put in its own error.
pub fn over_shipped(shipped: &str, text: &str) -> Result<toml::Value, String> {
    over_shipped_with(shipped, text, &[])
}

/// As [`over_shipped`], except that each top-level table named in `whole` that `text` gives
/// replaces the shipped one whole rather than key by key (so a key it leaves out is gone: the
/// evidence policy's tiers, where leaving out a bound means no bound).
pub fn over_shipped_with(shipped: &str, text: &str, whole: &[&str]) -> Result<toml::Value, String> {
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
    for key in whole {
        if user.contains_key(*key) {
            merged.remove(*key);
        }
    }
    merge(&mut merged, user);
    Ok(toml::Value::Table(merged))
}

/// The line (1-based) at which `text` writes the key at `path`, written as an error names it
/// (`high.metrics[1].at_least`, `version`), or else the nearest table or list item around it
/// that `text` writes; None when `text` writes none of it (the value is the shipped one) or
/// cannot be parsed.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        steps.push(Err(key));
        for i in rest.split('[') {
            if let Ok(n) = i.trim_end_matches(']').parse::<usize>() {
                steps.push(Ok(n));
            }
        }
    }
    let mut found = None;
    let mut here: Option<&DeValue<'_>> = None;
    let root = doc.get_ref();
    for step in steps {
        let next = match (step, here) {
            (Err(key), None) => root
                .iter()
                .find(|(k, _)| k.get_ref() == key)
                .map(|(_, v)| v),
            (Err(key), Some(DeValue::Table(t))) => {
                t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
            }
            (Ok(i), Some(DeValue::Array(a))) => a.get(i),
            _ => None,
        };
        let Some(v) = next else { break };
        found = Some(line(v.span().start));
        here = Some(v.get_ref());
    }
    found
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
    fn a_key_is_found_on_its_line() {
        let text = "version = 1\n\n[high]\nmax_age_days = 0\n\n[[high.metrics]]\nname = \"auc\"\n\n[[high.metrics]]\nname = \"gini\"\nat_least = 2\n";
        for (path, line) in [
            ("version", Some(1)),
            ("high.max_age_days", Some(4)),
            ("high.metrics[1].at_least", Some(11)),
            ("high.metrics[1]", Some(9)),
            // Not written: the nearest item that is.
            ("high.metrics[0].at_most", Some(6)),
            ("high.fairness.min_ratio", Some(3)),
            ("low.max_age_days", None),
        ] {
            assert_eq!(super::line_of(text, path), line, "{path}");
        }
        assert_eq!(super::line_of("[high", "high"), None, "unreadable text");
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
