//! The one declaration of a closed set of values (stage, risk tier, KPI kind, event kind,
//! sign-off role, ...): a stable snake_case key stored and exported, a human label, and the
//! spellings an input may use for it.

/// Declares a closed set: `Name [as "TsName"] { Variant = "key", "Label" [, ["synonym", ...]]; ... }`.
/// Gives `ALL`, `key`, `label`, `parse` (key, label or synonym, ignoring case, spaces, `-` and
/// `_`), `expected` (for error messages), `Display` (the key), serde as the key, and a ts-rs type.
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

            /// Parses a key, a label or a known synonym, ignoring case, spaces, '-' and '_'.
            pub fn parse(input: &str) -> Option<$name> {
                let n = $crate::macros::squash(input);
                $(
                    if n == $crate::macros::squash($key)
                        || n == $crate::macros::squash($label)
                        $($(|| n == $crate::macros::squash($syn))*)?
                    {
                        return Some($name::$variant);
                    }
                )+
                None
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

/// Lowercase letters and digits only: how `parse` compares spellings.
pub(crate) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
