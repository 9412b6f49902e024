//! How stored values read on a page: states, types and each line of a report's history.

use tocsin_domain::vuln::{CnaState, VendorStatus};
use tocsin_domain::{IncidentType, UrlState};
use tocsin_storage::{ReportEvent, Visibility};

use super::kit::when;
use crate::state::AppState;
use tocsin_app::i18n::Tr;

/// A translated name, e.g. `state-` + `closed`; empty stays empty.
pub(super) fn label(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        tr.t2(prefix, key)
    }
}

/// A stored key as a message-id part: `report.claim_requested` → `report-claim-requested`.
fn key_part(key: &str) -> String {
    key.chars()
        .map(|c| if c == '.' || c == '_' { '-' } else { c })
        .collect()
}

/// The reader's name of a message keyed by stored text (`prefix` + key), or the stored
/// text itself when no message names it (a key added later still shows).
pub(super) fn keyed(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        return String::new();
    }
    tr.try_t(&format!("{prefix}{}", key_part(key)))
        .unwrap_or_else(|| key.to_string())
}

/// An actor as stored (a user's mail, or `system`, `reporter`, `reporter (status link)`,
/// `anonymous`, `cli`) in the reader's words.
pub(super) fn actor_label(tr: &Tr, actor: &str) -> String {
    match actor {
        "reporter" => tr.t("event-by-reporter"),
        "system" | "anonymous" | "cli" => tr.t2("actor-", actor),
        "reporter (status link)" => tr.t("actor-reporter-link"),
        _ => actor.to_string(),
    }
}

/// The incident type's name, or the stored text if unknown.
pub(super) fn type_label(tr: &Tr, category: &str) -> String {
    category
        .parse::<IncidentType>()
        .map(|t| t.label(tr.locale).to_string())
        .unwrap_or_else(|_| category.to_string())
}

/// One history entry as shown.
pub(super) struct EventView {
    /// When.
    pub at: String,
    /// The event's kind, for a class name.
    pub kind: String,
    /// The event's name.
    pub label: String,
    /// Who.
    pub actor: String,
    /// Internal to the desk.
    pub internal: bool,
    /// A one-line summary of the change, e.g. `已收到 → 已分類`.
    pub change: String,
    /// Free text (a message, a note, the reporter's addition).
    pub body: String,
}

/// A string of an event's data, or empty.
pub(super) fn data_str(data: &serde_json::Value, key: &str) -> String {
    data.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A history entry for the desk (`desk`: actors by name) or for the reporter (the
/// operator speaks as one).
pub(super) fn event_view(state: &AppState, tr: &Tr, e: &ReportEvent, desk: bool) -> EventView {
    let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
    let mut body = e.body.clone();
    let change = match e.event.as_str() {
        "state" => {
            let mut parts = vec![format!(
                "{} → {}",
                label(tr, "state-", &data_str(&data, "from")),
                label(tr, "state-", &data_str(&data, "to"))
            )];
            match data_str(&data, "to").as_str() {
                "rejected" => {
                    parts.push(label(tr, "reason-", &data_str(&data, "rejection_reason")))
                }
                "duplicate" => parts.push(format!(
                    "{} {}",
                    tr.t("field-duplicate-of"),
                    data_str(&data, "duplicate_of")
                )),
                "closed" => {
                    parts.push(label(tr, "resolution-", &data_str(&data, "resolution")));
                    parts.push(label(tr, "outcome-", &data_str(&data, "outcome")));
                }
                _ => {}
            }
            parts.retain(|p| !p.trim().is_empty());
            parts.join("；")
        }
        "classified" => {
            let rsit = tocsin_domain::rsit::RsitType::from_key(&data_str(&data, "rsit"))
                .map(|t| t.label(tr.locale).to_string())
                .unwrap_or_default();
            format!(
                "{rsit} · {}",
                label(tr, "priority-", &data_str(&data, "priority"))
            )
        }
        "task" => {
            let title = match tr.locale {
                tocsin_domain::Locale::ZhTw => std::mem::take(&mut body),
                tocsin_domain::Locale::En => {
                    body.clear();
                    data_str(&data, "task")
                }
            };
            format!(
                "{title}: {} → {}",
                label(tr, "task-", &data_str(&data, "from")),
                label(tr, "task-", &data_str(&data, "to"))
            )
        }
        kind if kind.starts_with("phishing_") => phishing_change(tr, kind, &data),
        kind if is_vuln_event(kind) => {
            if kind == "cve_assigned" {
                // The body is the id itself.
                body.clear();
            }
            vuln_change(tr, kind, &data)
        }
        "assigned" => {
            let to = std::mem::take(&mut body);
            if to.is_empty() {
                tr.t("unassigned")
            } else {
                to
            }
        }
        _ => String::new(),
    };
    let actor = if desk {
        actor_label(tr, &e.actor)
    } else if matches!(e.event.as_str(), "received" | "reporter_info") {
        tr.t("event-by-reporter")
    } else {
        match tr.locale {
            tocsin_domain::Locale::ZhTw => state.config.operator.name_zh.clone(),
            tocsin_domain::Locale::En => state.config.operator.name_en.clone(),
        }
    };
    EventView {
        at: when(state, tr, e.at),
        kind: e.event.clone(),
        label: label(tr, "event-", &e.event),
        actor,
        internal: e.visibility == Visibility::Internal,
        change,
        body,
    }
}

/// The change line of a phishing event in a history (see `report::event_view`).
pub(super) fn phishing_change(tr: &Tr, kind: &str, data: &serde_json::Value) -> String {
    let states = || {
        format!(
            "{} → {}",
            state_label(tr, &data_str(data, "from")),
            state_label(tr, &data_str(data, "to"))
        )
    };
    match kind {
        "phishing_state" => states(),
        "phishing_notice" => {
            let to: Vec<&str> = data
                .get("recipients")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
                .unwrap_or_default();
            format!(
                "{}; {} {}",
                states(),
                tr.t("phishing-notice-sent-to"),
                to.join(", ")
            )
        }
        "phishing_fetch" => {
            let mut parts = vec![format!(
                "HTTP {}",
                data.get("status").and_then(|v| v.as_u64()).unwrap_or(0)
            )];
            // The service defangs the final URL; the title is the phishing page's own text.
            for (key, value) in [
                (
                    "final_url",
                    tocsin_domain::phish_url::defang_text(&data_str(data, "final_url")),
                ),
                (
                    "title",
                    tocsin_domain::phish_url::defang_text(&data_str(data, "title")),
                ),
                ("sha256", data_str(data, "sha256")),
            ] {
                if !value.is_empty() {
                    parts.push(format!("{}: {value}", tr.t2("phishing-fetch-", key)));
                }
            }
            parts.join(" · ")
        }
        "phishing_reported_again" => tr.t_args(
            "phishing-reported-by",
            &[("tracking", data_str(data, "by"))],
        ),
        _ => String::new(),
    }
}

/// A URL state for people (the stored name if unknown).
pub(super) fn state_label(tr: &Tr, state: &str) -> String {
    state
        .parse::<UrlState>()
        .map(|s| s.label(tr.locale).to_string())
        .unwrap_or_else(|_| state.to_string())
}

/// The change line of a coordination event in a history (see `report::event_view`).
pub(super) fn vuln_change(tr: &Tr, kind: &str, data: &serde_json::Value) -> String {
    match kind {
        "cna_state" => format!(
            "{} → {}",
            cna_label(tr, &data_str(data, "from")),
            cna_label(tr, &data_str(data, "to"))
        ),
        "cve_assigned" => data_str(data, "cve_id"),
        "vendor" => vendor_status_label(tr, &data_str(data, "status")),
        "duplicate_of" => match data_str(data, "duplicate_of").as_str() {
            "" => format!("{} —", tr.t("vuln-duplicate-field")),
            original => format!("{} {original}", tr.t("vuln-duplicate-field")),
        },
        "vendor_notified" => {
            let to: Vec<&str> = data
                .get("recipients")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|r| r.as_str()).collect())
                .unwrap_or_default();
            format!("{} {}", tr.t("vuln-notice-sent-to"), to.join(", "))
        }
        _ => String::new(),
    }
}

/// Whether `kind` is an event of the coordination workflow.
pub(super) fn is_vuln_event(kind: &str) -> bool {
    matches!(
        kind,
        "cna_state"
            | "cve_assigned"
            | "vendor"
            | "vendor_notified"
            | "advisory"
            | "publication_reminder"
            | "duplicate_of"
    )
}

/// A CNA state for people (the stored name if unknown).
pub(super) fn cna_label(tr: &Tr, s: &str) -> String {
    s.parse::<CnaState>()
        .map(|s| s.label(tr.locale).to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// A vendor status for people (the stored name if unknown).
pub(super) fn vendor_status_label(tr: &Tr, s: &str) -> String {
    s.parse::<VendorStatus>()
        .map(|s| s.label(tr.locale).to_string())
        .unwrap_or_else(|_| s.to_string())
}
