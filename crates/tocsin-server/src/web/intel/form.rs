//! The 25-field form, as typed or as a TXT form, for a new record and the desk's edits.

use super::*;

// ---------------------------------------------------------------------------------------
// The form: the 25 fields, as typed.

/// What the form holds, by input name, as typed.
#[derive(Clone, Debug, Default)]
pub(super) struct FormValues(BTreeMap<String, String>);

impl FormValues {
    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }

    /// The values of a record's input (an edit, a TXT merged in).
    fn of_input(input: &IntelInput) -> FormValues {
        let mut v = FormValues::default();
        for f in IntelField::ALL {
            v.set(f.key(), input.text(f).to_string());
        }
        // The selects show the canonical names of what was read (`AMBER` → amber).
        if let Some(c) = IntelCategory::parse(&input.category) {
            v.set("category", c.as_str().to_string());
        }
        if let Ok(t) = input.tlp.parse::<Tlp>() {
            v.set("tlp", t.as_str().to_string());
        }
        v
    }
}

/// The form as typed: its values and the record input they make.
pub(super) fn read_form(f: &MultipartForm) -> (FormValues, IntelInput) {
    let mut values = FormValues::default();
    let mut input = IntelInput::default();
    for field in IntelField::ALL {
        let typed = f.get(field.key());
        input.text_mut(field).clone_from(&typed);
        values.set(field.key(), typed);
    }
    (values, input)
}

/// An uploaded TXT form merged with the form: what the file gives wins, the form fills the
/// fields the file leaves empty. Returns the merged input, the form's values showing it,
/// and the fields taken from the form.
pub(super) fn merge_txt(
    txt: &IntelInput,
    typed: &IntelInput,
    values: &FormValues,
) -> (IntelInput, FormValues, BTreeSet<&'static str>) {
    let mut merged = txt.clone();
    let mut from_form = BTreeSet::new();
    for f in IntelField::ALL {
        let slot = merged.text_mut(f);
        if slot.trim().is_empty() {
            *slot = typed.text(f).to_string();
            from_form.insert(f.key());
        }
    }
    let mut shown = FormValues::of_input(&merged);
    // What was typed stays as typed, for the fields the form gave.
    for key in &from_form {
        shown.set(key, values.get(key).to_string());
    }
    (merged, shown, from_form)
}

/// One input of the form as the template draws it.
pub(super) struct InputView {
    /// The input's name, also the key of its errors.
    key: &'static str,
    /// The label in the page's language.
    label: String,
    /// The other names (the format's Chinese name, the English key).
    alt: String,
    /// line, block, time, impact, category, tlp, entries (a block of addresses).
    widget: &'static str,
    /// Rows of a textarea.
    rows: usize,
    /// Most characters.
    max: usize,
    /// Must be filled.
    required: bool,
    /// A hint under the input (may be empty).
    hint: String,
}

pub(super) fn inputs(tr: &Tr) -> Vec<InputView> {
    use IntelField as F;
    use tocsin_domain::intel::limits;
    IntelField::ALL
        .iter()
        .map(|&f| {
            let (widget, rows, max) = match f {
                F::Category => ("category", 0, 0),
                F::Tlp => ("tlp", 0, 0),
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => ("time", 0, 40),
                F::ImpactLevel => ("impact", 0, 0),
                F::VictimIp | F::MaliciousConnections | F::ScanInfo => ("entries", 4, limits::TEXT),
                F::Content => ("block", 10, limits::CONTENT),
                F::Contact
                | F::Recommendation
                | F::References
                | F::Attachments
                | F::AffectedPlatforms
                | F::Technique => ("block", 3, limits::TEXT),
                F::DispatchId | F::IntelType | F::SourceId => ("line", 0, limits::ID),
                F::Subject | F::Source | F::EventSubject | F::Publisher => {
                    ("line", 0, limits::LINE)
                }
            };
            let hint = match f {
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => tr.t("intel-hint-time"),
                F::VictimIp => tr.t("intel-hint-victim-ip"),
                F::MaliciousConnections => tr.t("intel-hint-connections"),
                F::ScanInfo => tr.t("intel-hint-scan-info"),
                F::EventSubject => tr.t("intel-hint-event-subject"),
                F::ImpactLevel => tr.t("intel-hint-impact"),
                F::SourceId => tr.t("intel-hint-source-id"),
                _ => String::new(),
            };
            InputView {
                key: f.key(),
                label: field_label(tr, f),
                alt: field_alt(tr, f),
                widget,
                rows,
                max,
                required: matches!(
                    f,
                    F::Category | F::Subject | F::Source | F::PublishedAt | F::Tlp | F::Content
                ),
                hint,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "intel_form.html")]
pub(super) struct FormPage {
    page: Page,
    /// Where the form goes.
    action: String,
    /// Editing a stored record (no TXT upload), else a new one.
    editing: bool,
    /// The record being edited.
    id: String,
    inputs: Vec<InputView>,
    categories: Options,
    tlps: Options,
    values: FormValues,
    errors: Errors,
    /// The problems of an uploaded TXT form, each with its line.
    txt_problems: Vec<String>,
    /// A TXT form was read into the fields shown.
    txt_merged: bool,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
    fn v(&self, key: &str) -> &str {
        self.values.get(key)
    }
    fn sel(&self, key: &str, option: &str) -> bool {
        self.values.get(key) == option
    }
}

pub(super) struct FormState {
    values: FormValues,
    errors: Errors,
    txt_problems: Vec<String>,
    txt_merged: bool,
}

pub(super) fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    editing: Option<IntelId>,
    form: FormState,
) -> FormPage {
    let tr = ctx.tr();
    let (action, path) = match editing {
        Some(id) => (format!("/intel/{id}/edit"), format!("/intel/{id}/edit")),
        None => ("/intel/new".to_string(), "/intel/new".to_string()),
    };
    FormPage {
        page: Page::new(state, ctx, who, &path),
        action,
        editing: editing.is_some(),
        id: editing.map(|i| i.to_string()).unwrap_or_default(),
        inputs: inputs(&tr),
        categories: IntelCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), category_label(&tr, c.as_str())))
            .collect(),
        tlps: tlp_options_from(Tlp::Clear),
        values: form.values,
        errors: form.errors,
        txt_problems: form.txt_problems,
        txt_merged: form.txt_merged,
    }
}

/// Whether the caller may submit records (asked of the policy, refusals audited).
pub(super) async fn may_create(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<(), AppError> {
    service::check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Intel {
            tlp: Tlp::Red,
            draft: true,
            audience: IntelAudience::default(),
        },
    )
    .await
}

/// The TXT form with an example of every field, as a download: partners overwrite it.
pub(in crate::web) async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"intel-template.txt\"",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        intel_form::emit(&intel_form::example()),
    )
        .into_response()
}

pub(in crate::web) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    if let Err(e) = may_create(&state, &who, &ctx).await {
        return e.into_response();
    }
    let mut values = FormValues::default();
    values.set("published_at", now_text(&state));
    let form = FormState {
        values,
        errors: vec![],
        txt_problems: vec![],
        txt_merged: false,
    };
    render(StatusCode::OK, &form_page(&state, &ctx, &who, None, form))
}

/// The form again with its messages (422): nothing was stored.
pub(super) fn refused(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    editing: Option<IntelId>,
    form: FormState,
) -> Response {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(state, ctx, who, editing, form),
    )
}

pub(in crate::web) async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    // The policy first: whoever may not submit learns nothing about their input.
    if let Err(e) = may_create(&state, &who, &ctx).await {
        return e.into_response();
    }
    let tr = ctx.tr();
    let (values, typed) = read_form(&f);
    let (input, values, channel, txt_merged) = match f.take_file("txt") {
        Some(upload) => {
            let outcome = intel_form::parse_bytes(&upload.bytes);
            let problems = txt_problems(&tr, &outcome);
            if !problems.is_empty() {
                let form = FormState {
                    values,
                    errors: vec![],
                    txt_problems: problems,
                    txt_merged: false,
                };
                return refused(&state, &ctx, &who, None, form);
            }
            let (merged, shown, _) = merge_txt(&outcome.input, &typed, &values);
            (merged, shown, Channel::Txt, true)
        }
        None => (typed, values, Channel::Web, false),
    };
    match svc::submit(&state, &who, &ctx, &input, channel).await {
        Ok(intel) => see_other(&format!("/intel/{}", intel.row.id)),
        Err(AppError::Validation(e)) => {
            let form = FormState {
                values,
                errors: field_errors(&ctx, &e),
                txt_problems: vec![],
                txt_merged,
            };
            refused(&state, &ctx, &who, None, form)
        }
        Err(e) => e.into_response(),
    }
}

pub(in crate::web) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = record_id(&id)?;
        svc::load(&state, &who, &ctx, id, Action::Update).await
    }
    .await;
    let (intel, _) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let form = FormState {
        values: FormValues::of_input(&intel.record.to_input()),
        errors: vec![],
        txt_problems: vec![],
        txt_merged: false,
    };
    render(
        StatusCode::OK,
        &form_page(&state, &ctx, &who, Some(intel.row.id), form),
    )
}

pub(in crate::web) async fn edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let id = match record_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    // Whoever may not edit it is answered before their input is looked at.
    if let Err(e) = svc::load(&state, &who, &ctx, id, Action::Update).await {
        return e.into_response();
    }
    let (values, input) = read_form(&f);
    match svc::edit(&state, &who, &ctx, id, &input).await {
        Ok(_) => see_other(&format!("/intel/{id}")),
        Err(AppError::Validation(e)) => {
            let form = FormState {
                values,
                errors: field_errors(&ctx, &e),
                txt_problems: vec![],
                txt_merged: false,
            };
            refused(&state, &ctx, &who, Some(id), form)
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_txt_wins_and_the_form_fills_the_rest() {
        let txt = IntelInput {
            subject: "from the file".into(),
            ..Default::default()
        };
        let typed = IntelInput {
            subject: "typed".into(),
            source: "typed source".into(),
            ..Default::default()
        };
        let mut values = FormValues::default();
        values.set("subject", "typed".into());
        values.set("source", "typed source".into());
        let (merged, shown, from_form) = merge_txt(&txt, &typed, &values);
        assert_eq!(merged.subject, "from the file");
        assert_eq!(merged.source, "typed source");
        assert_eq!(shown.get("subject"), "from the file");
        assert!(from_form.contains("source") && !from_form.contains("subject"));
    }
}
