//! Organizations: the companies, ISACs, CERTs and others that report and share.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of body an organization is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Any private company.
    Company,
    /// A manufacturer.
    Manufacturer,
    /// A security firm.
    SecurityFirm,
    /// A product vendor.
    Vendor,
    /// A sector ISAC.
    Isac,
    /// A CERT or CSIRT, the operator included.
    Cert,
    /// An internet service provider.
    Isp,
    /// A university or research unit.
    Academia,
}

impl OrgKind {
    /// All kinds in display order.
    pub const ALL: [OrgKind; 8] = [
        OrgKind::Company,
        OrgKind::Manufacturer,
        OrgKind::SecurityFirm,
        OrgKind::Vendor,
        OrgKind::Isac,
        OrgKind::Cert,
        OrgKind::Isp,
        OrgKind::Academia,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Company => "company",
            OrgKind::Manufacturer => "manufacturer",
            OrgKind::SecurityFirm => "security_firm",
            OrgKind::Vendor => "vendor",
            OrgKind::Isac => "isac",
            OrgKind::Cert => "cert",
            OrgKind::Isp => "isp",
            OrgKind::Academia => "academia",
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown organization kind.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown organization kind `{0}`")]
pub struct UnknownOrgKind(pub String);

impl FromStr for OrgKind {
    type Err = UnknownOrgKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownOrgKind(s.to_string()))
    }
}

impl TryFrom<String> for OrgKind {
    type Error = UnknownOrgKind;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}
