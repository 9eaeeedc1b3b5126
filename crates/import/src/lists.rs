//! The text form of a system's list fields in one spreadsheet cell, read by import and written by
//! export, so an exported register imports back unchanged. Pure text <-> values; no files, no store.
//!
//! Grammar (items are separated by `;`, blanks around items and parts are ignored, empty items
//! are skipped; dates are YYYY-MM-DD):
//!
//! ```text
//! tags            a; b; c
//! certifications  NAME (EXPIRES)                      ISO/IEC 42001 (2027-03-31); SOC 2 (2026-12-31)
//! datasets        NAME [POLICY] until RETAIN_UNTIL    claims-2024 [7 years after closure] until 2031-12-31; web-logs [90 days]
//!                 ("[POLICY]" and "until DATE" are each optional when reading; `[]` is written
//!                 for a dataset with a date but no policy)
//! assumptions     STATEMENT (review DATE)             Churn stays below 5% (review 2027-01-15)
//!                 ("review" may be left out when reading)
//! ```
//!
//! A certification's or assumption's date is the last parenthesised group, so names and
//! statements may hold parentheses. A backslash makes the next `;`, `[`, `]` or `\` ordinary text
//! (`R\&D\; EU` is not split); before any other character it is just a backslash. Writing escapes
//! `\` and `;` everywhere and `[` `]` in dataset names and policies, which makes
//! `parse_x(&format_x(v)) == v` for every normalized value.

use chrono::NaiveDate;

use steward_domain::register::{Assumption, Certification, Dataset};

const DATE: &str = "%Y-%m-%d";

pub fn format_tags(tags: &[String]) -> String {
    tags.iter()
        .map(|t| escape(t, false))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn parse_tags(cell: &str) -> Vec<String> {
    split_items(cell).iter().map(|raw| unescape(raw)).collect()
}

pub fn format_certifications(certs: &[Certification]) -> String {
    certs
        .iter()
        .map(|c| format!("{} ({})", escape(&c.name, false), c.expires.format(DATE)))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn parse_certifications(cell: &str) -> Result<Vec<Certification>, String> {
    split_items(cell)
        .iter()
        .map(|raw| {
            let bad = || {
                format!(
                    "certification {:?} needs its expiry date in parentheses: NAME (YYYY-MM-DD), \
                     e.g. ISO/IEC 42001 (2027-03-31); separate certifications with ';'",
                    unescape(raw)
                )
            };
            let (name, inner) = trailing_group(raw).ok_or_else(bad)?;
            let expires = date(inner).ok_or_else(bad)?;
            Ok(Certification {
                name: unescape(name),
                expires,
            })
        })
        .collect()
}

pub fn format_datasets(datasets: &[Dataset]) -> String {
    datasets
        .iter()
        .map(|d| {
            let mut s = format!(
                "{} [{}]",
                escape(&d.name, true),
                escape(&d.retention_policy, true)
            );
            if let Some(u) = d.retain_until {
                s.push_str(&format!(" until {}", u.format(DATE)));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn parse_datasets(cell: &str) -> Result<Vec<Dataset>, String> {
    split_items(cell)
        .iter()
        .map(|raw| parse_dataset(raw))
        .collect()
}

fn parse_dataset(raw: &str) -> Result<Dataset, String> {
    const SHAPE: &str = "write NAME [RETENTION POLICY] until YYYY-MM-DD, e.g. claims-2024 [7 years after closure] until 2031-12-31";
    let Some(open) = find_unescaped(raw, '[', 0) else {
        let (name, retain_until) = strip_until(raw)?;
        return Ok(Dataset {
            name: unescape(name),
            retention_policy: String::new(),
            retain_until,
        });
    };
    let close = find_unescaped(raw, ']', open + 1).ok_or_else(|| {
        format!(
            "dataset {:?}: '[' has no closing ']'; {SHAPE}",
            unescape(raw)
        )
    })?;
    let rest = raw[close + 1..].trim();
    let retain_until = if rest.is_empty() {
        None
    } else {
        match strip_until(rest)? {
            ("", until @ Some(_)) => until,
            _ => {
                return Err(format!(
                    "dataset {:?}: after the retention policy in [...] only \"until YYYY-MM-DD\" may follow, not {rest:?}; {SHAPE}",
                    unescape(raw)
                ))
            }
        }
    };
    Ok(Dataset {
        name: unescape(raw[..open].trim()),
        retention_policy: unescape(raw[open + 1..close].trim()),
        retain_until,
    })
}

/// Splits a trailing "until DATE" off `s`: (the rest, the date).
fn strip_until(s: &str) -> Result<(&str, Option<NaiveDate>), String> {
    let s = s.trim();
    let (head, last) = s.rsplit_once(char::is_whitespace).unwrap_or(("", s));
    let head = head.trim_end();
    let (before, word) = head.rsplit_once(char::is_whitespace).unwrap_or(("", head));
    if !word.eq_ignore_ascii_case("until") {
        return Ok((s, None));
    }
    match date(last) {
        Some(d) => Ok((before.trim_end(), Some(d))),
        None => Err(format!("retain-until date {last:?} is not a date; write it as YYYY-MM-DD, e.g. until 2031-12-31")),
    }
}

pub fn format_assumptions(assumptions: &[Assumption]) -> String {
    assumptions
        .iter()
        .map(|a| {
            format!(
                "{} (review {})",
                escape(&a.statement, false),
                a.review_date.format(DATE)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn parse_assumptions(cell: &str) -> Result<Vec<Assumption>, String> {
    split_items(cell)
        .iter()
        .map(|raw| {
            let bad = || {
                format!(
                    "assumption {:?} needs its review date in parentheses: STATEMENT (review YYYY-MM-DD), \
                     e.g. Churn stays below 5% (review 2027-01-15); separate assumptions with ';'",
                    unescape(raw)
                )
            };
            let (statement, inner) = trailing_group(raw).ok_or_else(bad)?;
            let inner = inner.trim();
            let inner = match inner.get(..6) {
                Some(w) if w.eq_ignore_ascii_case("review") => &inner[6..],
                _ => inner,
            };
            let review_date = date(inner).ok_or_else(bad)?;
            Ok(Assumption { statement: unescape(statement), review_date })
        })
        .collect()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), DATE).ok()
}

/// "text (inner)" -> ("text", "inner"), using the last '(' of an item that ends with ')'.
fn trailing_group(raw: &str) -> Option<(&str, &str)> {
    let body = raw.trim().strip_suffix(')')?;
    let open = body.rfind('(')?;
    Some((body[..open].trim(), &body[open + 1..]))
}

fn is_special(c: char) -> bool {
    matches!(c, '\\' | ';' | '[' | ']')
}

/// The items of a cell split at unescaped ';', trimmed, empty ones dropped; escapes are kept.
fn split_items(cell: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut chars = cell.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|&(_, n)| is_special(n)) => {
                chars.next();
            }
            ';' => {
                items.push(&cell[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&cell[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The byte index of the first `target` at or after `from` that is not escaped.
fn find_unescaped(raw: &str, target: char, from: usize) -> Option<usize> {
    let mut chars = raw[from..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|&(_, n)| is_special(n)) {
            chars.next();
        } else if c == target {
            return Some(from + i);
        }
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&n) if c == '\\' && is_special(n) => {
                out.push(n);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn escape(text: &str, brackets: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' || c == ';' || (brackets && (c == '[' || c == ']')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE).expect("test dates are valid")
    }

    fn cert(name: &str, expires: &str) -> Certification {
        Certification {
            name: name.into(),
            expires: d(expires),
        }
    }

    fn ds(name: &str, policy: &str, until: Option<&str>) -> Dataset {
        Dataset {
            name: name.into(),
            retention_policy: policy.into(),
            retain_until: until.map(d),
        }
    }

    fn asm(statement: &str, review: &str) -> Assumption {
        Assumption {
            statement: statement.into(),
            review_date: d(review),
        }
    }

    /// Reading `cell` gives `want`, and writing `want` reads back as `want`.
    fn check<T: PartialEq + std::fmt::Debug>(
        parse: impl Fn(&str) -> Result<Vec<T>, String>,
        format: impl Fn(&[T]) -> String,
        cell: &str,
        want: Vec<T>,
    ) {
        assert_eq!(parse(cell).as_ref(), Ok(&want), "reading {cell:?}");
        let written = format(&want);
        assert_eq!(
            parse(&written),
            Ok(want),
            "what export writes ({written:?}) must import back unchanged"
        );
    }

    fn tags(cell: &str) -> Result<Vec<String>, String> {
        Ok(parse_tags(cell))
    }

    #[test]
    fn tags_round_trip() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        check(tags, format_tags, "", s(&[]));
        check(tags, format_tags, "a; b ;c", s(&["a", "b", "c"]));
        check(tags, format_tags, ";; nlp ;", s(&["nlp"]));
        check(tags, format_tags, r"R&D\; EU; x", s(&["R&D; EU", "x"]));
        check(tags, format_tags, r"C:\data; a\\", s(&[r"C:\data", r"a\"]));
        check(tags, format_tags, "[beta]", s(&["[beta]"]));
    }

    #[test]
    fn certifications_round_trip() {
        check(parse_certifications, format_certifications, "", vec![]);
        check(
            parse_certifications,
            format_certifications,
            "ISO/IEC 42001 (2027-03-31); SOC 2 ( 2026-12-31 )",
            vec![
                cert("ISO/IEC 42001", "2027-03-31"),
                cert("SOC 2", "2026-12-31"),
            ],
        );
        check(
            parse_certifications,
            format_certifications,
            "ISO 27001 (2022) (2027-01-01)",
            vec![cert("ISO 27001 (2022)", "2027-01-01")],
        );
        check(
            parse_certifications,
            format_certifications,
            r"A\;B (2027-01-01)",
            vec![cert("A;B", "2027-01-01")],
        );
    }

    #[test]
    fn datasets_round_trip() {
        check(parse_datasets, format_datasets, "", vec![]);
        check(
            parse_datasets,
            format_datasets,
            "claims-2024 [7 years after closure] until 2031-12-31; web-logs [90 days]",
            vec![
                ds("claims-2024", "7 years after closure", Some("2031-12-31")),
                ds("web-logs", "90 days", None),
            ],
        );
        check(
            parse_datasets,
            format_datasets,
            "crm until 2030-01-01",
            vec![ds("crm", "", Some("2030-01-01"))],
        );
        check(
            parse_datasets,
            format_datasets,
            "crm [] UNTIL 2030-01-01",
            vec![ds("crm", "", Some("2030-01-01"))],
        );
        check(
            parse_datasets,
            format_datasets,
            "bare",
            vec![ds("bare", "", None)],
        );
        check(
            parse_datasets,
            format_datasets,
            r"logs \[eu\] [keep \[a\] 1y] until 2030-01-01",
            vec![ds("logs [eu]", "keep [a] 1y", Some("2030-01-01"))],
        );
        check(
            parse_datasets,
            format_datasets,
            r"x until 2020-01-01 \[a\] [p]",
            vec![ds("x until 2020-01-01 [a]", "p", None)],
        );
        // A name that ends like a date is kept apart from the date by the brackets export writes.
        let tricky = vec![
            ds("x until 2020-01-01", "", None),
            ds("y", "p; q", Some("2030-01-01")),
        ];
        assert_eq!(
            parse_datasets(&format_datasets(&tricky)),
            Ok(tricky),
            "brackets keep the name apart"
        );
    }

    #[test]
    fn assumptions_round_trip() {
        check(
            parse_assumptions,
            format_assumptions,
            "Churn stays below 5% (review 2027-01-15); Rates (ECB) hold (2026-06-30)",
            vec![
                asm("Churn stays below 5%", "2027-01-15"),
                asm("Rates (ECB) hold", "2026-06-30"),
            ],
        );
    }

    fn check_err(result: Result<impl std::fmt::Debug, String>, want: &str) {
        let err = result.expect_err("the cell is malformed");
        assert!(
            err.contains(want),
            "the message must say {want:?} so the user can fix the cell: {err}"
        );
    }

    #[test]
    fn malformed_cells_say_what_is_expected() {
        check_err(parse_certifications("SOC 2"), "NAME (YYYY-MM-DD)");
        check_err(
            parse_certifications("SOC 2 (next year)"),
            "SOC 2 (next year)",
        );
        check_err(parse_datasets("crm [7 years"), "no closing ']'");
        check_err(
            parse_datasets("crm [7 years] until 2031-02-30"),
            "YYYY-MM-DD",
        );
        check_err(
            parse_datasets("crm [7 years] forever"),
            "only \"until YYYY-MM-DD\"",
        );
        check_err(
            parse_assumptions("Churn stays low"),
            "STATEMENT (review YYYY-MM-DD)",
        );
    }
}
