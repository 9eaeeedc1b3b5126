//! Model cards as records and pure rules: what a person writes on a card (the fields the register
//! lacks: intended use, out-of-scope uses, limitations, assumptions, fallback logic, human
//! oversight, and the licence and languages its metadata names), the one list of those fields
//! with their labels and which are required, how a field is set by its key or label, what a model
//! version label may be, and a saved revision of a card. A card is keyed by its system and the
//! version label a person gives ("2.1"); its own revisions (1, 2, 3, ...) are separate from that
//! label. No store, no clock, no rendering: the API keeps revisions, the report crate renders them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::macros::value_key;
use crate::{Error, FieldError, Result};

/// What a person writes on a model card. Every field is text; a field's meaning, label and
/// whether it is required are in [`CARD_FIELDS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CardFields {
    pub intended_use: String,
    pub out_of_scope_uses: String,
    pub limitations: String,
    pub assumptions: String,
    pub fallback: String,
    pub human_oversight: String,
    /// The licence the card's metadata names (an SPDX identifier, or "other"); optional.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub license: String,
    /// The languages the model works in, as codes separated by commas ("en, fr"); optional.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub language: String,
}

/// One field of a card: its key, the label a person reads (and the heading it has on the
/// rendered card), whether a revision needs it, whether it holds paragraphs or one line, and
/// what to write in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CardFieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub multiline: bool,
    pub help: &'static str,
}

/// The fields of a card, in the order the card shows them. The six sections a person writes are
/// required (a board reads each); the licence and languages only fill the metadata.
pub const CARD_FIELDS: [CardFieldSpec; 8] = [
    CardFieldSpec {
        key: "intended_use",
        label: "Intended uses",
        required: true,
        multiline: true,
        help: "What the model is for, who uses its output and for which decisions.",
    },
    CardFieldSpec {
        key: "out_of_scope_uses",
        label: "Out-of-scope use",
        required: true,
        multiline: true,
        help: "Uses it must not be put to: populations, decisions or settings it was not built or tested for.",
    },
    CardFieldSpec {
        key: "limitations",
        label: "Limitations",
        required: true,
        multiline: true,
        help: "Where it is known to be weak: segments, data gaps, drift, failure modes.",
    },
    CardFieldSpec {
        key: "assumptions",
        label: "Assumptions",
        required: true,
        multiline: true,
        help: "What must hold for its output to be right: data, stability of relationships, how it is used.",
    },
    CardFieldSpec {
        key: "fallback",
        label: "Fallback",
        required: true,
        multiline: true,
        help: "What happens when it is unavailable, out of its bounds or switched off, and who decides.",
    },
    CardFieldSpec {
        key: "human_oversight",
        label: "Human oversight",
        required: true,
        multiline: true,
        help: "The human in the loop: who reviews or can override its output, when, and how.",
    },
    CardFieldSpec {
        key: "license",
        label: "Licence",
        required: false,
        multiline: false,
        help: "For the metadata: an SPDX licence identifier, or \"other\" for an internal model.",
    },
    CardFieldSpec {
        key: "language",
        label: "Languages",
        required: false,
        multiline: false,
        help: "For the metadata: the languages it works in, as codes separated by commas (en, fr).",
    },
];

/// The longest text a field may hold, in characters.
pub const MAX_FIELD_CHARS: usize = 20_000;

/// The longest model version label, in characters.
pub const MAX_VERSION_CHARS: usize = 40;

impl CardFields {
    /// The text of field `key` (a key of [`CARD_FIELDS`]); None for a key that is no field.
    pub fn get(&self, key: &str) -> Option<&str> {
        Some(match key {
            "intended_use" => &self.intended_use,
            "out_of_scope_uses" => &self.out_of_scope_uses,
            "limitations" => &self.limitations,
            "assumptions" => &self.assumptions,
            "fallback" => &self.fallback,
            "human_oversight" => &self.human_oversight,
            "license" => &self.license,
            "language" => &self.language,
            _ => return None,
        })
    }

    fn slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "intended_use" => &mut self.intended_use,
            "out_of_scope_uses" => &mut self.out_of_scope_uses,
            "limitations" => &mut self.limitations,
            "assumptions" => &mut self.assumptions,
            "fallback" => &mut self.fallback,
            "human_oversight" => &mut self.human_oversight,
            "license" => &mut self.license,
            "language" => &mut self.language,
            _ => return None,
        })
    }

    /// Sets the field named `field` (its key or its label, ignoring case, spaces, `-` and `_`)
    /// to `text` as given; "" empties it. Err names the field and lists the fields there are.
    /// Returns the field's key.
    pub fn set(&mut self, field: &str, text: &str) -> std::result::Result<&'static str, String> {
        let spec = field_spec(field).ok_or_else(|| {
            format!(
                "{field:?} is not a field of a model card; the fields are: {}",
                field_keys()
            )
        })?;
        if let Some(slot) = self.slot(spec.key) {
            *slot = text.to_string();
        }
        Ok(spec.key)
    }

    /// The fields as a person saves them: each trimmed of surrounding blanks, line endings made
    /// `\n`, trailing blanks cut from each line, the languages written `en, fr`.
    pub fn normalised(&self) -> CardFields {
        let mut out = self.clone();
        for spec in CARD_FIELDS {
            if let Some(slot) = out.slot(spec.key) {
                let text = slot.replace("\r\n", "\n").replace('\r', "\n");
                let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
                *slot = lines.join("\n").trim().to_string();
            }
        }
        out.language = languages(&out.language).join(", ");
        out
    }
}

/// The spec of the field named `field` by its key or label (ignoring case, spaces, `-` and `_`).
pub fn field_spec(field: &str) -> Option<&'static CardFieldSpec> {
    let k = value_key(field);
    CARD_FIELDS
        .iter()
        .find(|s| value_key(s.key) == k || value_key(s.label) == k)
}

/// The fields' keys, for error messages.
pub fn field_keys() -> String {
    CARD_FIELDS
        .iter()
        .map(|s| s.key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The language codes of a `language` field ("en, fr" or "en; fr"), in order, blanks dropped.
pub fn languages(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A language code as model hubs take it: two or three lowercase letters, optionally followed by
/// a region or script subtag (`en`, `fil`, `pt-BR`, `zh-Hant`).
fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Every problem of a card's fields (as normalised), each naming the field and what would be
/// accepted; Ok when there is none.
pub fn validate(fields: &CardFields) -> Result<()> {
    let mut problems = Vec::new();
    for spec in CARD_FIELDS {
        let text = fields.get(spec.key).unwrap_or_default();
        if spec.required && text.trim().is_empty() {
            problems.push(FieldError::new(
                spec.key,
                format!(
                    "{} is required: every revision of a card states it ({})",
                    spec.label,
                    spec.help.trim_end_matches('.').to_lowercase()
                ),
            ));
        }
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            problems.push(FieldError::new(
                spec.key,
                format!(
                    "{} holds {chars} characters; at most {MAX_FIELD_CHARS} are accepted",
                    spec.label
                ),
            ));
        }
        if !spec.multiline && text.contains('\n') {
            problems.push(FieldError::new(
                spec.key,
                format!("{} is one line; remove the line breaks", spec.label),
            ));
        }
    }
    if fields.license.chars().count() > 100 {
        problems.push(FieldError::new(
            "license",
            "a licence is an SPDX identifier (e.g. Apache-2.0) or \"other\", at most 100 characters",
        ));
    }
    let bad: Vec<String> = languages(&fields.language)
        .into_iter()
        .filter(|c| !is_language_code(c))
        .collect();
    if !bad.is_empty() {
        problems.push(FieldError::new(
            "language",
            format!(
                "{} {} not a language code; expected codes such as en, fr or pt-BR, separated by commas",
                bad.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "),
                if bad.len() == 1 { "is" } else { "are" }
            ),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation {
            entity: "model card",
            fields: problems,
        })
    }
}

/// The model version label `label` as kept (trimmed), or why it is not one: 1 to
/// [`MAX_VERSION_CHARS`] characters, a letter or digit first, then letters, digits and `.`, `-`,
/// `_`, `+` (`2.1`, `v3`, `2024-06`, `1.0.0-rc.1`).
pub fn version_label(label: &str) -> Result<String> {
    let v = label.trim();
    let ok = !v.is_empty()
        && v.chars().count() <= MAX_VERSION_CHARS
        && v.chars().next().is_some_and(|c| c.is_alphanumeric())
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if ok {
        return Ok(v.to_string());
    }
    let why = if v.is_empty() {
        "is required: the version of the model the card describes".to_string()
    } else {
        format!("{v:?} is not a version label")
    };
    Err(Error::Validation {
        entity: "model card",
        fields: vec![FieldError::new(
            "version",
            format!(
                "{why}; expected 1 to {MAX_VERSION_CHARS} characters, a letter or digit first, \
                 then letters, digits, '.', '-', '_' or '+' (e.g. 2.1, v3, 1.0.0-rc.1)"
            ),
        )],
    })
}

/// Reads a draft file: a TOML table of fields, each a field's key or label = its text. Err
/// lists every problem (a value that is not text, a name that is no field), each naming the key.
pub fn read_draft(text: &str) -> std::result::Result<Vec<(String, String)>, Vec<FieldError>> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        vec![FieldError::new(
            "file",
            format!(
                "not a TOML draft: {}; expected each field as key = \"text\" (multi-line text \
                 between triple quotes)",
                e.message().trim_end()
            ),
        )]
    })?;
    let mut changes = Vec::new();
    let mut bad = Vec::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => match field_spec(&k) {
                Some(spec) => changes.push((spec.key.to_string(), s)),
                None => bad.push(FieldError::new(
                    k.as_str(),
                    format!(
                        "{k:?} is not a field of a model card; the fields are: {}",
                        field_keys()
                    ),
                )),
            },
            other => bad.push(FieldError::new(
                k.as_str(),
                format!(
                    "is not text but a TOML {}; write the field's text in quotes",
                    other.type_str()
                ),
            )),
        }
    }
    if bad.is_empty() {
        Ok(changes)
    } else {
        Err(bad)
    }
}

/// A draft file of `fields` that [`read_draft`] reads back: `header` as comments, then each
/// field with its label, whether it is required and what to write in it.
pub fn draft_toml(header: &str, fields: &CardFields) -> String {
    let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
    for spec in CARD_FIELDS {
        let mut one = toml::Table::new();
        let text = fields.get(spec.key).unwrap_or_default();
        one.insert(spec.key.into(), toml::Value::String(text.to_string()));
        out.push_str(&format!(
            "\n# {}{}: {}\n{}",
            spec.label,
            if spec.required { " (required)" } else { "" },
            spec.help,
            toml::to_string(&one).unwrap_or_default()
        ));
    }
    out
}

/// One saved revision of a card: which system and model version, its number (1 for the first
/// save of that version, then 2, 3, ...), when and by whom, and the fields as saved. Revisions
/// are only ever added. Its JSON (the fields beside the rest) is what the audit log records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CardRevision {
    #[ts(type = "number")]
    pub system_id: i64,
    pub model_version: String,
    pub revision: u32,
    pub saved_at: String,
    pub saved_by: String,
    #[serde(flatten)]
    pub fields: CardFields,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> CardFields {
        CardFields {
            intended_use: "Scores applications".into(),
            out_of_scope_uses: "Business lending".into(),
            limitations: "Thin files".into(),
            assumptions: "Stable economy".into(),
            fallback: "Manual underwriting".into(),
            human_oversight: "Underwriters review declines".into(),
            license: String::new(),
            language: String::new(),
        }
    }

    /// Data-driven: the problems (field, part of the message) a card's fields have.
    fn check(edit: impl FnOnce(&mut CardFields), expected: &[(&str, &str)]) {
        let mut f = full();
        edit(&mut f);
        let got: Vec<(String, String)> = match validate(&f.normalised()) {
            Ok(()) => Vec::new(),
            Err(Error::Validation { fields, .. }) => {
                fields.into_iter().map(|e| (e.field, e.message)).collect()
            }
            Err(other) => panic!("a validation error, not {other}"),
        };
        assert_eq!(got.len(), expected.len(), "problems: {got:?}");
        for ((field, message), (want_field, want_text)) in got.iter().zip(expected) {
            assert_eq!(field, want_field, "the field is named: {got:?}");
            assert!(
                message.contains(want_text),
                "{message:?} should say {want_text:?}"
            );
        }
    }

    #[test]
    fn fields_are_checked() {
        check(|_| {}, &[]);
        check(
            |f| f.limitations = "  \n ".into(),
            &[("limitations", "Limitations is required")],
        );
        check(
            |f| {
                f.intended_use.clear();
                f.human_oversight.clear();
            },
            &[
                ("intended_use", "Intended uses is required"),
                ("human_oversight", "Human oversight is required"),
            ],
        );
        check(
            |f| f.fallback = "x".repeat(MAX_FIELD_CHARS + 1),
            &[("fallback", "at most 20000")],
        );
        check(|f| f.language = "en, fr; pt-BR".into(), &[]);
        check(
            |f| f.language = "English, fr".into(),
            &[("language", "\"English\" is not a language code")],
        );
        check(
            |f| f.license = "MIT\nApache".into(),
            &[("license", "one line")],
        );
        check(|f| f.license = "other".into(), &[]);
    }

    #[test]
    fn fields_are_set_by_key_or_label() {
        let mut f = CardFields::default();
        assert_eq!(f.set("Out-of-scope use", "x"), Ok("out_of_scope_uses"));
        assert_eq!(f.set("HUMAN_OVERSIGHT", "y"), Ok("human_oversight"));
        assert_eq!(f.set("languages", "en"), Ok("language"));
        assert_eq!(
            (f.out_of_scope_uses.as_str(), f.human_oversight.as_str()),
            ("x", "y"),
            "set by label and by key"
        );
        let e = f.set("owner", "Ann").expect_err("not a card field");
        assert!(
            e.contains("\"owner\" is not a field of a model card")
                && e.contains("intended_use, out_of_scope_uses"),
            "names the field and lists the fields: {e}"
        );
    }

    #[test]
    fn fields_are_normalised_as_saved() {
        let mut f = full();
        f.limitations = "  First line   \r\nsecond\r\n\r\n".into();
        f.language = " en ;fr, ".into();
        let n = f.normalised();
        assert_eq!(n.limitations, "First line\nsecond", "trimmed, \\n endings");
        assert_eq!(n.language, "en, fr", "codes joined by a comma");
    }

    #[test]
    fn version_labels() {
        for ok in ["2.1", " v3 ", "1.0.0-rc.1+build_7", "2024-06"] {
            assert_eq!(
                version_label(ok).ok().as_deref(),
                Some(ok.trim()),
                "{ok:?} is a version label"
            );
        }
        for bad in ["", "  ", "-1", "2.1/beta", "two words", &"9".repeat(41)] {
            let e = version_label(bad).expect_err("refused");
            assert!(
                e.to_string().contains("version") && e.to_string().contains("e.g. 2.1"),
                "{bad:?} refused naming the field and what is accepted: {e}"
            );
        }
    }

    #[test]
    fn a_draft_file_round_trips_and_names_each_bad_key() {
        let mut f = full();
        f.limitations = "Thin files.\n\nAnd \"quoted\" text with ''' and \"\"\" inside.".into();
        let text = draft_toml("Card of X\nsecond line", &f);
        assert!(text.starts_with("# Card of X\n# second line\n"), "{text}");
        let mut back = CardFields::default();
        for (k, v) in read_draft(&text).expect("reads back") {
            back.set(&k, &v).expect("a field");
        }
        assert_eq!(back, f, "every field comes back as written");

        let bad = read_draft("owner = \"Ann\"\nlimitations = 3\n'Intended uses' = \"ok\"")
            .expect_err("refused");
        let got: Vec<(&str, bool)> = bad
            .iter()
            .map(|e| {
                (
                    e.field.as_str(),
                    e.message.contains("is not a field")
                        || e.message.contains("is not text but a TOML integer"),
                )
            })
            .collect();
        assert_eq!(
            got,
            [("limitations", true), ("owner", true)],
            "each bad key named, a label accepted: {bad:?}"
        );
        let e = read_draft("limitations = ").expect_err("not TOML");
        assert_eq!(e[0].field, "file", "a file that is not TOML: {e:?}");
    }

    #[test]
    fn a_revision_logs_its_fields_beside_the_rest() {
        let r = CardRevision {
            system_id: 3,
            model_version: "2.1".into(),
            revision: 2,
            saved_at: "2026-11-02T09:30:00Z".into(),
            saved_by: "Ann".into(),
            fields: full(),
        };
        let v = serde_json::to_value(&r).expect("json");
        assert_eq!(v["limitations"], "Thin files", "fields at the top level");
        assert!(
            v.get("license").is_none(),
            "an empty optional field is left out"
        );
        let back: CardRevision = serde_json::from_value(v).expect("reads back");
        assert_eq!(back, r, "round trip");
    }
}
