//! The one declaration of a closed set of values (stage, risk tier, KPI kind, event kind,
//! sign-off role, ...): a stable snake_case key stored and exported, a human label, and the
//! spellings an input may use for it.

/// Declares a closed set: `Name [as "TsName"] { Variant = "key", "Label" [, ["synonym", ...]]; ... }`.
/// Gives `ALL`, `key`, `label`, `parse` (key, label or synonym, ignoring case, and spaces, `-` and
/// `_` between words: see [`value_key`]), `expected` (for error messages), `Display` (the key),
/// serde as the key, and a ts-rs type.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident $(as $ts:literal)? {
        $($variant:ident = $key:literal, $label:literal $(, [$($syn:literal),*])?);+ $(;)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export $(, rename = $ts)?)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable key stored in the database and written in exports.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a key, a label or a known synonym, ignoring case, surrounding blanks, and
            /// spaces, '-' and '_' between words; nothing else ("-3" is not "3"). Of two values
            /// with a spelling in common, the one declared first.
            pub fn parse(input: &str) -> Option<$name> {
                static SPELLINGS: std::sync::OnceLock<std::collections::HashMap<String, $name>> =
                    std::sync::OnceLock::new();
                let spellings = SPELLINGS.get_or_init(|| {
                    let mut m = std::collections::HashMap::new();
                    $(
                        for s in [$key, $label $($(, $syn)*)?] {
                            m.entry($crate::macros::value_key(s)).or_insert($name::$variant);
                        }
                    )+
                    m
                });
                // `value_key` of a spelling's form is that form, so an input already in that
                // form (a stored key, most cells) is found without making its form.
                spellings
                    .get(input)
                    .or_else(|| spellings.get(&$crate::macros::value_key(input)))
                    .copied()
            }

            /// What an input may say, for error messages.
            pub fn expected() -> String {
                [$($key),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

/// How a closed set's `parse` compares spellings: surrounding blanks (non-breaking spaces too)
/// dropped, lower case, and spaces, '-' and '_' between words left out ("In-house", "in house",
/// "IN_HOUSE" are one spelling). Every other character counts, and so does a leading or trailing
/// '-' or '_': "-3" and "-high" are not "3" and "high", and "n/a" is not "na".
pub fn value_key(s: &str) -> String {
    let sep = |c: char| c.is_whitespace() || c == '-' || c == '_';
    let t = s.trim();
    let core = t.trim_matches(sep);
    let start = t.len() - t.trim_start_matches(sep).len();
    let mut out = String::with_capacity(t.len());
    out.push_str(&t[..start]);
    out.extend(
        core.chars()
            .filter(|c| !sep(*c))
            .flat_map(char::to_lowercase),
    );
    out.push_str(&t[start + core.len()..]);
    out
}

/// Lowercase letters and digits only: how sort keys and other loose words are compared.
pub(crate) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::register::{RiskTier, Sourcing, Stage};

    /// Data-driven: how a risk tier cell reads; `None` means refused.
    fn check(input: &str, expected: Option<RiskTier>) {
        assert_eq!(
            RiskTier::parse(input),
            expected,
            "{input:?} must read only as a declared spelling or synonym"
        );
    }

    #[test]
    fn only_declared_spellings_parse() {
        check("high", Some(RiskTier::High));
        check(" High ", Some(RiskTier::High));
        check("\u{a0}HIGH\u{a0}", Some(RiskTier::High));
        check("Tier 3", Some(RiskTier::High));
        check("tier-3", Some(RiskTier::High));
        check("3", Some(RiskTier::High));
        check("1", Some(RiskTier::Low));
        // Signs and stray punctuation are not dropped (issue 14.7).
        check("-3", None);
        check("-1", None);
        check("-high", None);
        check("high-", None);
        check("+3", None);
        check("3.", None);
        check("hi gh?", None);
        check("", None);
    }

    #[test]
    fn a_spellings_form_is_its_own_form() {
        // `parse` looks an input up as it is before making its form: that finds only what the
        // form would, because the form of a form is itself.
        for s in [
            "In-House",
            " in house ",
            "IN_HOUSE",
            "- x -",
            "-high",
            "high-",
            "--",
            "n/a",
            "\u{a0}HIGH\u{a0}",
            "Tier 3",
            "İstanbul",
            "ǅungla",
            "ΣΟΦΊΑ",
            "public_sector",
            "",
        ] {
            let form = super::value_key(s);
            assert_eq!(super::value_key(&form), form, "the form of {s:?}");
            assert_eq!(
                Stage::parse(&form),
                Stage::parse(s),
                "{s:?} and its form read alike"
            );
        }
        for (key, _) in Stage::ALL.iter().map(|s| (s.key(), s.label())) {
            assert_eq!(
                Stage::parse(key).map(Stage::key),
                Some(key),
                "a stored key reads as itself"
            );
        }
    }

    #[test]
    fn common_words_are_synonyms() {
        for (input, stage) in [
            ("Live", Stage::Production),
            ("Pilot", Stage::Staging),
            ("Sunset", Stage::Deprecated),
            ("Decommissioned", Stage::Retired),
            ("in production", Stage::Production),
        ] {
            assert_eq!(Stage::parse(input), Some(stage), "{input:?} names a stage");
        }
        assert_eq!(Sourcing::parse("In-house"), Some(Sourcing::InHouse));
        assert_eq!(Sourcing::parse("in house"), Some(Sourcing::InHouse));
        assert_eq!(
            Sourcing::parse("Yes"),
            Some(Sourcing::InHouse),
            "an In-house column"
        );
        assert_eq!(
            Sourcing::parse("No"),
            Some(Sourcing::Vendor),
            "an In-house column"
        );
    }
}
