//! A declarative macro for the crate's closed vocabularies: snake_case enums with `ALL`,
//! `as_str`, `Display`, `FromStr` (with a typed error) and serde under the same names.

/// Declares an enum whose values have fixed names: `ALL`, `as_str`, `Display`, `FromStr`
/// (surrounding spaces ignored) and serde, all with the given names.
macro_rules! names {
    (
        $(#[$meta:meta])*
        $name:ident, $err:ident, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[doc = concat!("An unknown ", $what, " name.")]
        #[derive(Clone, Debug, ::thiserror::Error, PartialEq, Eq)]
        #[error("unknown {what} `{0}`", what = $what)]
        pub struct $err(pub String);

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| $err(s.to_string()))
            }
        }
    };
}
pub(crate) use names;
