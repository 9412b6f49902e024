//! SOP task checklists: the tasks the desk works through for an incident report, per
//! [`IncidentType`], and the states a task goes through.
//!
//! The lists are configuration ([`TaskTemplates`], TOML); the defaults ship in
//! `data/incident-tasks.toml` ([`DEFAULT_TASKS_TOML`], parsed by [`parse_task_templates`]).

use crate::Locale;
use crate::incident::IncidentType;
use crate::names::names;
use crate::validate;
use serde::Deserialize;

/// The shipped checklists.
pub const DEFAULT_TASKS_TOML: &str = include_str!("../data/incident-tasks.toml");

/// The most tasks one incident type may have.
pub const MAX_TASKS: usize = 50;

/// The longest task title, in characters.
pub const MAX_TITLE: usize = 200;

/// The longest task id, in bytes.
pub const MAX_ID: usize = 40;

names! {
    /// Where one task stands.
    TaskState, UnknownTaskState, "task state" {
        /// Not started.
        Waiting => "waiting",
        /// Someone is on it.
        InProgress => "in_progress",
        /// Finished.
        Done => "done",
        /// Not needed for this report.
        Cancelled => "cancelled",
    }
}

impl TaskState {
    /// Still to be done: neither finished nor cancelled (closing a report with such tasks
    /// needs a reason).
    pub fn is_open(self) -> bool {
        matches!(self, TaskState::Waiting | TaskState::InProgress)
    }
}

/// A task state change that is not allowed.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("a task cannot go from {from} to {to}")]
pub struct IllegalTaskChange {
    /// The current state.
    pub from: TaskState,
    /// The requested state.
    pub to: TaskState,
}

impl TaskState {
    /// Done or cancelled.
    pub fn is_final(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Cancelled)
    }

    /// Whether `self → to` is allowed: from waiting or in progress to any other state;
    /// from done or cancelled only back to waiting. Never to the same state.
    pub fn can_change_to(self, to: TaskState) -> bool {
        self != to && (!self.is_final() || to == TaskState::Waiting)
    }

    /// [`TaskState::can_change_to`] as a `Result`.
    pub fn check_change(self, to: TaskState) -> Result<(), IllegalTaskChange> {
        if self.can_change_to(to) {
            Ok(())
        } else {
            Err(IllegalTaskChange { from: self, to })
        }
    }

    /// The states reachable in one step, for a user interface.
    pub fn allowed_next(self) -> Vec<TaskState> {
        TaskState::ALL
            .iter()
            .copied()
            .filter(|t| self.can_change_to(*t))
            .collect()
    }
}

/// One task of a checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTemplate {
    /// Stable key, stored with each task: lower-case letters, digits and `-`.
    pub id: String,
    /// Title in Traditional Chinese.
    pub zh: String,
    /// Title in English.
    pub en: String,
}

impl TaskTemplate {
    /// The title in a language.
    pub fn title(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhTw => &self.zh,
            Locale::En => &self.en,
        }
    }
}

/// One task as configured.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskTemplateConfig {
    /// See [`TaskTemplate::id`].
    pub id: String,
    /// See [`TaskTemplate::zh`].
    pub zh: String,
    /// See [`TaskTemplate::en`].
    pub en: String,
}

/// The checklists as configured: one array of tasks per incident type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskTemplatesConfig {
    /// 網頁攻擊.
    pub web_attack: Vec<TaskTemplateConfig>,
    /// 入侵攻擊.
    pub intrusion: Vec<TaskTemplateConfig>,
    /// 資安預警.
    pub early_warning: Vec<TaskTemplateConfig>,
}

/// A problem with the task configuration; `setting` names it, e.g. `intrusion[2].id`.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum TaskConfigError {
    /// Not TOML of the expected shape.
    #[error("task templates: {0}")]
    Syntax(String),
    /// An incident type without tasks.
    #[error("{setting}: at least one task is required")]
    Empty {
        /// The incident type's table.
        setting: String,
    },
    /// A bad value.
    #[error("{setting}: {reason}")]
    Invalid {
        /// The setting.
        setting: String,
        /// What is wrong.
        reason: &'static str,
    },
}

impl TaskConfigError {
    /// The name of the setting at fault.
    pub fn setting(&self) -> &str {
        match self {
            TaskConfigError::Syntax(_) => "tasks",
            TaskConfigError::Empty { setting } | TaskConfigError::Invalid { setting, .. } => {
                setting
            }
        }
    }
}

/// The checked checklists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTemplates {
    web_attack: Vec<TaskTemplate>,
    intrusion: Vec<TaskTemplate>,
    early_warning: Vec<TaskTemplate>,
}

fn check_id(id: &str) -> Result<(), &'static str> {
    let b = id.as_bytes();
    if b.is_empty() || b.len() > MAX_ID {
        return Err("an id is 1 to 40 characters");
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        || b.first() == Some(&b'-')
        || b.last() == Some(&b'-')
    {
        return Err("an id is lower-case letters, digits and inner `-`");
    }
    Ok(())
}

fn check_title(title: &str) -> Result<(), &'static str> {
    validate::required_line(title, MAX_TITLE).map_err(|e| match e.code {
        "error-required" => "a title is required",
        "error-too-long" => "a title is at most 200 characters",
        _ => "a title is one line without control characters",
    })
}

fn check_list(
    name: &str,
    list: &[TaskTemplateConfig],
) -> Result<Vec<TaskTemplate>, TaskConfigError> {
    if list.is_empty() {
        return Err(TaskConfigError::Empty {
            setting: name.to_string(),
        });
    }
    if list.len() > MAX_TASKS {
        return Err(TaskConfigError::Invalid {
            setting: name.to_string(),
            reason: "at most 50 tasks",
        });
    }
    let mut out: Vec<TaskTemplate> = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        let invalid = |field: &str, reason| TaskConfigError::Invalid {
            setting: format!("{name}[{i}].{field}"),
            reason,
        };
        let id = t.id.trim();
        check_id(id).map_err(|r| invalid("id", r))?;
        if out.iter().any(|o| o.id == id) {
            return Err(invalid("id", "an id appears twice in the list"));
        }
        check_title(&t.zh).map_err(|r| invalid("zh", r))?;
        check_title(&t.en).map_err(|r| invalid("en", r))?;
        out.push(TaskTemplate {
            id: id.to_string(),
            zh: t.zh.trim().to_string(),
            en: t.en.trim().to_string(),
        });
    }
    Ok(out)
}

impl TaskTemplates {
    /// Checks a configuration: every incident type has 1 to [`MAX_TASKS`] tasks, ids are
    /// well-formed and unique per type, titles present and at most [`MAX_TITLE`]
    /// characters.
    pub fn from_config(cfg: &TaskTemplatesConfig) -> Result<Self, TaskConfigError> {
        Ok(Self {
            web_attack: check_list("web_attack", &cfg.web_attack)?,
            intrusion: check_list("intrusion", &cfg.intrusion)?,
            early_warning: check_list("early_warning", &cfg.early_warning)?,
        })
    }

    /// The shipped checklists ([`DEFAULT_TASKS_TOML`]).
    pub fn defaults() -> Result<Self, TaskConfigError> {
        parse_task_templates(DEFAULT_TASKS_TOML)
    }

    /// The checklist of an incident type, in order.
    pub fn for_type(&self, t: IncidentType) -> &[TaskTemplate] {
        match t {
            IncidentType::WebAttack => &self.web_attack,
            IncidentType::Intrusion => &self.intrusion,
            IncidentType::EarlyWarning => &self.early_warning,
        }
    }
}

/// Parses and checks checklists in the format of `data/incident-tasks.toml`.
pub fn parse_task_templates(text: &str) -> Result<TaskTemplates, TaskConfigError> {
    let cfg: TaskTemplatesConfig =
        toml::from_str(text).map_err(|e| TaskConfigError::Syntax(e.message().to_string()))?;
    TaskTemplates::from_config(&cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskState::*;

    #[test]
    fn state_changes() {
        // (from, to, allowed?) for every pair.
        let table = [
            (Waiting, Waiting, false),
            (Waiting, InProgress, true),
            (Waiting, Done, true),
            (Waiting, Cancelled, true),
            (InProgress, Waiting, true),
            (InProgress, InProgress, false),
            (InProgress, Done, true),
            (InProgress, Cancelled, true),
            (Done, Waiting, true),
            (Done, InProgress, false),
            (Done, Done, false),
            (Done, Cancelled, false),
            (Cancelled, Waiting, true),
            (Cancelled, InProgress, false),
            (Cancelled, Done, false),
            (Cancelled, Cancelled, false),
        ];
        assert_eq!(table.len(), TaskState::ALL.len() * TaskState::ALL.len());
        for (from, to, ok) in table {
            let want = if ok {
                Ok(())
            } else {
                Err(IllegalTaskChange { from, to })
            };
            assert_eq!(from.check_change(to), want, "{from} → {to}");
        }
        assert_eq!(Done.allowed_next(), vec![Waiting]);
        assert_eq!(Waiting.allowed_next(), vec![InProgress, Done, Cancelled]);
        for (s, name) in TaskState::ALL
            .iter()
            .zip(["waiting", "in_progress", "done", "cancelled"])
        {
            assert_eq!(s.as_str(), name);
            assert_eq!(name.parse::<TaskState>(), Ok(*s));
        }
        assert!("finished".parse::<TaskState>().is_err());
    }

    #[test]
    fn shipped_defaults() {
        let t = TaskTemplates::defaults().expect("the shipped file is valid");
        for it in IncidentType::ALL {
            let list = t.for_type(it);
            assert!(list.len() >= 4, "{it}");
            assert!(list.iter().all(|x| !x.title(Locale::ZhTw).is_empty()));
        }
        let ids = |it| {
            t.for_type(it)
                .iter()
                .map(|x| x.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(IncidentType::WebAttack),
            [
                "confirm-report",
                "collect-evidence",
                "analyse-indicators",
                "contain",
                "eradicate",
                "recover",
                "notify-stakeholders",
                "close-report"
            ]
        );
        assert_eq!(ids(IncidentType::EarlyWarning)[0], "verify-warning");
        assert_eq!(
            t.for_type(IncidentType::Intrusion)[0].title(Locale::En),
            "Confirm the report and acknowledge it to the reporter"
        );
    }

    /// Parses `text`; `expected` is Ok(number of web_attack tasks) or the setting at fault.
    fn check(text: &str, expected: Result<usize, &str>) {
        let got = parse_task_templates(text);
        assert_eq!(
            got.as_ref()
                .map(|t| t.for_type(IncidentType::WebAttack).len())
                .map_err(|e| e.setting()),
            expected,
            "{got:?}"
        );
    }

    const OTHERS: &str = "[[intrusion]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n[[early_warning]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n";

    fn with_web(web: &str) -> String {
        format!("{web}\n{OTHERS}")
    }

    #[test]
    fn validation_names_the_setting() {
        let one = "[[web_attack]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\n";
        check(&with_web(one), Ok(1));
        check(OTHERS, Err("web_attack"));
        check(one, Err("intrusion"));
        check(&with_web(&format!("{one}{one}")), Err("web_attack[1].id"));
        check(
            &with_web("[[web_attack]]\nid = \"Bad Id\"\nzh = \"甲\"\nen = \"A\"\n"),
            Err("web_attack[0].id"),
        );
        check(
            &with_web("[[web_attack]]\nid = \"-a\"\nzh = \"甲\"\nen = \"A\"\n"),
            Err("web_attack[0].id"),
        );
        check(
            &with_web("[[web_attack]]\nid = \"a\"\nzh = \" \"\nen = \"A\"\n"),
            Err("web_attack[0].zh"),
        );
        check(
            &with_web(&format!(
                "[[web_attack]]\nid = \"a\"\nzh = \"甲\"\nen = \"{}\"\n",
                "x".repeat(201)
            )),
            Err("web_attack[0].en"),
        );
        check(
            &with_web("[[web_attack]]\nid = \"a\"\nzh = \"甲\"\nen = \"A\"\nowner = \"x\"\n"),
            Err("tasks"),
        );
        check(&with_web("[[phishing]]\nid = \"a\""), Err("tasks"));
        check("not toml [", Err("tasks"));
        let many: String = (0..51)
            .map(|i| format!("[[web_attack]]\nid = \"t{i}\"\nzh = \"甲\"\nen = \"A\"\n"))
            .collect();
        check(&with_web(&many), Err("web_attack"));
    }
}
