//! The Traffic Light Protocol (FIRST TLP 2.0): how far a piece of information may be
//! shared. Set per phishing case (GREEN by default) and carried by every feed entry; the
//! intelligence-sharing features use the same type.
//!
//! Names are the TLP 2.0 ones in lower case (`clear`, `green`, `amber`, `amber+strict`,
//! `red`). Reading is lenient about what people and older tools write: any case, an
//! optional `TLP:` prefix, `amber_strict` or `amber-strict`, and TLP 1.0's `white`, which
//! TLP 2.0 renamed `clear`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A TLP 2.0 label, ordered from the least to the most restrictive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0's WHITE): no limit on disclosure.
    Clear,
    /// TLP:GREEN: the community, not published. The default.
    #[default]
    Green,
    /// TLP:AMBER: the recipient's organization and its clients, on a need-to-know basis.
    Amber,
    /// TLP:AMBER+STRICT: the recipient's organization only.
    AmberStrict,
    /// TLP:RED: the named recipients only.
    Red,
}

impl Tlp {
    /// Every label, least restrictive first.
    pub const ALL: &'static [Tlp] = &[
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The stored and wire name: `clear`, `green`, `amber`, `amber+strict`, `red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The marking as TLP 2.0 writes it, the same in every language: `TLP:AMBER+STRICT`.
    pub fn marking(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown TLP label.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown TLP label `{0}`")]
pub struct UnknownTlp(pub String);

impl FromStr for Tlp {
    type Err = UnknownTlp;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("tlp:").unwrap_or(&t).trim();
        match t {
            "clear" | "white" => Ok(Tlp::Clear),
            "green" => Ok(Tlp::Green),
            "amber" => Ok(Tlp::Amber),
            "amber+strict" | "amber_strict" | "amber-strict" => Ok(Tlp::AmberStrict),
            "red" => Ok(Tlp::Red),
            _ => Err(UnknownTlp(s.to_string())),
        }
    }
}

impl TryFrom<String> for Tlp {
    type Error = UnknownTlp;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Serialize for Tlp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tlp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<Tlp>) {
        assert_eq!(input.parse::<Tlp>().ok(), expected, "{input:?}");
    }

    #[test]
    fn parsing() {
        check("clear", Some(Tlp::Clear));
        check("white", Some(Tlp::Clear));
        check("TLP:WHITE", Some(Tlp::Clear));
        check("TLP:CLEAR", Some(Tlp::Clear));
        check(" green ", Some(Tlp::Green));
        check("Green", Some(Tlp::Green));
        check("amber", Some(Tlp::Amber));
        check("amber+strict", Some(Tlp::AmberStrict));
        check("TLP:AMBER+STRICT", Some(Tlp::AmberStrict));
        check("amber_strict", Some(Tlp::AmberStrict));
        check("amber-strict", Some(Tlp::AmberStrict));
        check("tlp: red", Some(Tlp::Red));
        check("", None);
        check("amber strict", None);
        check("blue", None);
        check("TLP:", None);
        check("tlp:tlp:red", None);
    }

    #[test]
    fn names_markings_and_order() {
        let names: Vec<&str> = Tlp::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, ["clear", "green", "amber", "amber+strict", "red"]);
        for &t in Tlp::ALL {
            assert_eq!(t.to_string().parse::<Tlp>(), Ok(t));
            assert_eq!(t.marking().parse::<Tlp>(), Ok(t));
            assert_eq!(t.marking(), format!("TLP:{}", t.as_str().to_uppercase()));
        }
        assert_eq!(Tlp::default(), Tlp::Green);
        assert!(Tlp::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(Tlp::Clear < Tlp::Red);
    }

    #[test]
    fn serde_uses_the_names() {
        assert_eq!(
            serde_json::to_string(&Tlp::AmberStrict).ok().as_deref(),
            Some("\"amber+strict\"")
        );
        assert_eq!(
            serde_json::from_str::<Tlp>("\"TLP:WHITE\"").ok(),
            Some(Tlp::Clear)
        );
        assert!(serde_json::from_str::<Tlp>("\"pink\"").is_err());
    }
}
