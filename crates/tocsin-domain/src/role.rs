//! Roles a user may hold. A user holds a set of them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a user may do, by function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Files reports and follows their own.
    Reporter,
    /// A member of a registered organization: sees the organization's reports.
    Member,
    /// The operator's desk staff: handles reports.
    Analyst,
    /// The operator's coordinators: CVE review, disclosure, sharing.
    Coordinator,
    /// Runs the platform: organizations, users, audit.
    Admin,
    /// A sharing partner (ISAC, CERT, ISP).
    Partner,
    /// A monitoring system's account: reads the operational metrics, nothing else.
    Monitor,
}

impl Role {
    /// All roles in a stable order.
    pub const ALL: [Role; 7] = [
        Role::Reporter,
        Role::Member,
        Role::Analyst,
        Role::Coordinator,
        Role::Admin,
        Role::Partner,
        Role::Monitor,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Member => "member",
            Role::Analyst => "analyst",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
            Role::Partner => "partner",
            Role::Monitor => "monitor",
        }
    }

    /// True for the operator's own staff roles.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Analyst | Role::Coordinator | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown role name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// A set of roles, stored as a comma-separated list of names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// Builds a set, sorted and without repeats.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        Roles(v)
    }
    /// Whether the set holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    /// Whether the set holds any staff role.
    pub fn is_staff(&self) -> bool {
        self.0.iter().any(|r| r.is_staff())
    }
    /// The roles in order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
    /// The comma-separated stored form.
    pub fn to_csv(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
    /// Parses the comma-separated stored form.
    pub fn from_csv(s: &str) -> Result<Self, UnknownRole> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Roles::new)
    }
}

impl TryFrom<String> for Roles {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Roles::from_csv(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip() {
        let r = Roles::new([Role::Admin, Role::Analyst, Role::Admin]);
        assert_eq!(r.to_csv(), "analyst,admin");
        assert_eq!(Roles::from_csv("analyst, admin").ok(), Some(r));
        assert!(Roles::from_csv("root").is_err());
        assert_eq!(Roles::from_csv("").ok(), Some(Roles::default()));
    }
}
