//! The report-handling SOP as a state machine: the states a report goes through, the one
//! table of allowed transitions ([`TRANSITIONS`]), and what a transition must carry (a
//! rejection reason, the report it duplicates, a resolution and outcome on closing).
//!
//! The main line is received → triaged → in_progress → resolved → closed. A report may be
//! rejected while received or triaged, marked duplicate until it is resolved, and reopened
//! (back to in_progress) when resolved or closed.

use crate::TrackingNumber;
use crate::names::names;
#[cfg(test)]
use std::{fmt, str::FromStr};

names! {
    /// Where a report stands in the handling SOP.
    ReportState, UnknownReportState, "report state" {
        /// Filed, not yet looked at (受理).
        Received => "received",
        /// Looked at, classified and prioritised.
        Triaged => "triaged",
        /// Being handled (處理中).
        InProgress => "in_progress",
        /// Handled; waiting for the reporter's confirmation or the survey.
        Resolved => "resolved",
        /// Done (結案). May be reopened.
        Closed => "closed",
        /// Not handled: spam, out of scope, or not an incident.
        Rejected => "rejected",
        /// The same incident as another report.
        Duplicate => "duplicate",
    }
}

names! {
    /// Why a report was rejected.
    RejectionReason, UnknownRejectionReason, "rejection reason" {
        /// Junk, not a real report.
        Spam => "spam",
        /// Not ours to handle, e.g. from a government agency, which reports elsewhere.
        OutOfScope => "out_of_scope",
        /// A real report, but of something that is not a security incident.
        NotAnIncident => "not_an_incident",
    }
}

names! {
    /// How handling ended, recorded on closing.
    Resolution, UnknownResolution, "resolution" {
        /// The incident was dealt with.
        Resolved => "resolved",
        /// Handling ended without a fix (e.g. the reporter declined help).
        NoResolution => "no_resolution",
        /// The reporter stopped answering.
        NoResponse => "no_response",
    }
}

names! {
    /// What the incident turned out to be, recorded on closing.
    Outcome, UnknownOutcome, "outcome" {
        /// A real incident.
        TruePositive => "true_positive",
        /// Not an incident after all.
        FalsePositive => "false_positive",
        /// Could not be determined.
        Indeterminate => "indeterminate",
    }
}

/// Every allowed transition, `(from, to)`. Nothing else is allowed, self-transitions
/// included.
pub const TRANSITIONS: &[(ReportState, ReportState)] = {
    use ReportState::*;
    &[
        (Received, Triaged),
        (Received, Rejected),
        (Received, Duplicate),
        (Triaged, InProgress),
        (Triaged, Rejected),
        (Triaged, Duplicate),
        (InProgress, Resolved),
        (InProgress, Duplicate),
        (Resolved, Closed),
        // Reopening.
        (Resolved, InProgress),
        (Closed, InProgress),
    ]
};

impl ReportState {
    /// The state of a new report.
    pub const INITIAL: ReportState = ReportState::Received;

    /// Handling has ended: closed, rejected or duplicate. (A closed report may still be
    /// reopened; rejected and duplicate ones are final.)
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ReportState::Closed | ReportState::Rejected | ReportState::Duplicate
        )
    }

    /// Still on the desk: the opposite of [`ReportState::is_terminal`].
    pub fn is_open(self) -> bool {
        !self.is_terminal()
    }

    /// Whether the table allows `self → to`.
    pub fn can_go_to(self, to: ReportState) -> bool {
        TRANSITIONS.contains(&(self, to))
    }

    /// The states reachable in one step, in table order, for a user interface.
    pub fn allowed_next(self) -> Vec<ReportState> {
        TRANSITIONS
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|(_, to)| *to)
            .collect()
    }
}

/// What a transition carries besides the target state. Only the fields the target needs
/// are looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransitionInput {
    /// Required to reject.
    pub rejection_reason: Option<RejectionReason>,
    /// Required to mark as duplicate: the report this one duplicates.
    pub duplicate_of: Option<TrackingNumber>,
    /// Required to close.
    pub resolution: Option<Resolution>,
    /// Required to close.
    pub outcome: Option<Outcome>,
}

/// Why a transition is refused.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum TransitionError {
    /// The table does not allow it.
    #[error("a report cannot go from {from} to {to}")]
    Illegal {
        /// The current state.
        from: ReportState,
        /// The requested state.
        to: ReportState,
    },
    /// The target state needs this field of [`TransitionInput`].
    #[error("{0} is required for this change")]
    Missing(&'static str),
}

/// Checks a transition against [`TRANSITIONS`] and the extras its target requires:
/// `rejected` needs `rejection_reason`, `duplicate` needs `duplicate_of`, `closed` needs
/// `resolution` and `outcome` (the first missing one is named).
pub fn check_transition(
    from: ReportState,
    to: ReportState,
    extra: &TransitionInput,
) -> Result<(), TransitionError> {
    if !from.can_go_to(to) {
        return Err(TransitionError::Illegal { from, to });
    }
    match to {
        ReportState::Rejected if extra.rejection_reason.is_none() => {
            Err(TransitionError::Missing("rejection_reason"))
        }
        ReportState::Duplicate if extra.duplicate_of.is_none() => {
            Err(TransitionError::Missing("duplicate_of"))
        }
        ReportState::Closed if extra.resolution.is_none() => {
            Err(TransitionError::Missing("resolution"))
        }
        ReportState::Closed if extra.outcome.is_none() => Err(TransitionError::Missing("outcome")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportState::*;

    /// Everything a target could need.
    fn full() -> TransitionInput {
        TransitionInput {
            rejection_reason: Some(RejectionReason::OutOfScope),
            duplicate_of: TrackingNumber::new("INC", 2026, 1).ok(),
            resolution: Some(Resolution::Resolved),
            outcome: Some(Outcome::TruePositive),
        }
    }

    /// The allowed pairs written out again, independently of `TRANSITIONS`.
    const EXPECTED: &[(&str, &str)] = &[
        ("received", "triaged"),
        ("received", "rejected"),
        ("received", "duplicate"),
        ("triaged", "in_progress"),
        ("triaged", "rejected"),
        ("triaged", "duplicate"),
        ("in_progress", "resolved"),
        ("in_progress", "duplicate"),
        ("resolved", "closed"),
        ("resolved", "in_progress"),
        ("closed", "in_progress"),
    ];

    #[test]
    fn full_matrix() {
        assert_eq!(ReportState::ALL.len(), 7);
        let mut allowed = 0;
        for &from in ReportState::ALL {
            for &to in ReportState::ALL {
                let listed = EXPECTED.contains(&(from.as_str(), to.as_str()));
                let got = check_transition(from, to, &full());
                if listed {
                    allowed += 1;
                    assert_eq!(got, Ok(()), "{from} → {to}");
                } else {
                    assert_eq!(
                        got,
                        Err(TransitionError::Illegal { from, to }),
                        "{from} → {to}"
                    );
                }
                assert_eq!(from.can_go_to(to), listed, "{from} → {to}");
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        assert_eq!(allowed, EXPECTED.len());
    }

    fn check(
        from: ReportState,
        to: ReportState,
        edit: fn(&mut TransitionInput),
        want: Result<(), TransitionError>,
    ) {
        let mut extra = full();
        edit(&mut extra);
        assert_eq!(check_transition(from, to, &extra), want, "{from} → {to}");
    }

    #[test]
    fn required_extras() {
        use TransitionError::Missing;
        let none = |e: &mut TransitionInput| *e = TransitionInput::default();
        check(
            Received,
            Rejected,
            |e| e.rejection_reason = None,
            Err(Missing("rejection_reason")),
        );
        check(
            Triaged,
            Rejected,
            |e| e.rejection_reason = None,
            Err(Missing("rejection_reason")),
        );
        check(
            Received,
            Duplicate,
            |e| e.duplicate_of = None,
            Err(Missing("duplicate_of")),
        );
        check(
            InProgress,
            Duplicate,
            |e| e.duplicate_of = None,
            Err(Missing("duplicate_of")),
        );
        check(
            Resolved,
            Closed,
            |e| e.resolution = None,
            Err(Missing("resolution")),
        );
        check(
            Resolved,
            Closed,
            |e| e.outcome = None,
            Err(Missing("outcome")),
        );
        check(Resolved, Closed, none, Err(Missing("resolution")));
        // Targets that need nothing accept an empty input.
        check(Received, Triaged, none, Ok(()));
        check(Triaged, InProgress, none, Ok(()));
        check(InProgress, Resolved, none, Ok(()));
        check(Resolved, InProgress, none, Ok(()));
        check(Closed, InProgress, none, Ok(()));
        // An illegal change is reported as such even when extras are missing.
        check(
            Rejected,
            Closed,
            none,
            Err(TransitionError::Illegal {
                from: Rejected,
                to: Closed,
            }),
        );
    }

    #[test]
    fn open_and_terminal() {
        for &s in ReportState::ALL {
            assert_ne!(s.is_open(), s.is_terminal(), "{s}");
            assert!(s.allowed_next().iter().all(|t| s.can_go_to(*t)));
            assert!(!s.allowed_next().contains(&s), "{s}");
        }
        assert!(Received.is_open() && Resolved.is_open());
        assert!(Closed.is_terminal() && Rejected.is_terminal() && Duplicate.is_terminal());
        assert_eq!(Received.allowed_next(), vec![Triaged, Rejected, Duplicate]);
        assert_eq!(InProgress.allowed_next(), vec![Resolved, Duplicate]);
        assert_eq!(Closed.allowed_next(), vec![InProgress]);
        assert_eq!(Rejected.allowed_next(), vec![]);
        assert_eq!(Duplicate.allowed_next(), vec![]);
        assert_eq!(ReportState::INITIAL, Received);
    }

    #[test]
    fn names_round_trip() {
        fn check_names<T: Copy + PartialEq + fmt::Debug + FromStr + fmt::Display>(
            all: &[T],
            names: &[&str],
        ) {
            assert_eq!(all.len(), names.len());
            for (v, n) in all.iter().zip(names) {
                assert_eq!(v.to_string(), *n);
                assert_eq!(n.parse::<T>().ok(), Some(*v));
            }
        }
        check_names(
            ReportState::ALL,
            &[
                "received",
                "triaged",
                "in_progress",
                "resolved",
                "closed",
                "rejected",
                "duplicate",
            ],
        );
        check_names(
            RejectionReason::ALL,
            &["spam", "out_of_scope", "not_an_incident"],
        );
        check_names(
            Resolution::ALL,
            &["resolved", "no_resolution", "no_response"],
        );
        check_names(
            Outcome::ALL,
            &["true_positive", "false_positive", "indeterminate"],
        );
        assert_eq!(
            "In_Progress".parse::<ReportState>(),
            Err(UnknownReportState("In_Progress".into()))
        );
    }
}
