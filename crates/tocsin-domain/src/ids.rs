//! Typed internal identifiers. Every id is a UUIDv7, so ids sort by creation time and
//! index well on both engines.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh UUIDv7 id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

id_type!(
    /// An organization.
    OrgId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A login session.
    SessionId
);
id_type!(
    /// A personal API token.
    ApiTokenId
);
id_type!(
    /// An audit log entry.
    AuditId
);
id_type!(
    /// A message in the mail outbox.
    OutboxId
);
id_type!(
    /// A report of any kind.
    ReportId
);
id_type!(
    /// An entry in a report's history.
    EventId
);
id_type!(
    /// A file attached to a report.
    AttachmentId
);
id_type!(
    /// A task of a report's SOP checklist.
    TaskId
);
id_type!(
    /// A subscriber of the monthly e-newsletter.
    SubscriberId
);
id_type!(
    /// An issue of the monthly e-newsletter.
    IssueId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_ordered() {
        let a = OrgId::new();
        let b = OrgId::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b, "v7 ids sort by creation");
        assert_eq!(a.to_string().parse::<OrgId>().ok(), Some(a));
    }
}
id_type!(
    /// A threat-intelligence record.
    IntelId
);
id_type!(
    /// A sharing group (an ISAC, the domestic ISPs, …).
    GroupId
);
