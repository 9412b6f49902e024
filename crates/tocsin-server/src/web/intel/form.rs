//! The 25-field form, as typed or as a TXT form, for a new record and the desk's edits.

use super::*;

// ---------------------------------------------------------------------------------------
// The form: the 25 fields, as typed.

/// The form's inputs that are not one of the 25 fields' own names.
pub(super) const SCAN_KEYS: [&str; 4] = [
    "scan_engine",
    "scan_engine_type",
    "scan_version",
    "scan_result",
];

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
            match f {
                IntelField::VictimIp => v.set(f.key(), victim_lines(&input.victim_ip)),
                IntelField::MaliciousConnections => {
                    v.set(f.key(), connection_lines(&input.malicious_connections))
                }
                IntelField::ScanInfo => {
                    let s = &input.scan_info;
                    for (k, val) in
                        SCAN_KEYS
                            .iter()
                            .zip([&s.engine, &s.engine_type, &s.version, &s.result])
                    {
                        v.set(k, val.clone());
                    }
                }
                _ => v.set(f.key(), text_of(input, f).to_string()),
            }
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

/// A text field of an input (not the three structured ones, which give "").
pub(super) fn text_of(input: &IntelInput, f: IntelField) -> &str {
    input.text(f).unwrap_or_default()
}

/// The form as typed: its values, the record input they make, and the errors of the
/// structured fields' lines.
pub(super) fn read_form(tr: &Tr, f: &MultipartForm) -> (FormValues, IntelInput, FieldErrors) {
    let mut values = FormValues::default();
    let mut input = IntelInput::default();
    let mut errors = FieldErrors::new();
    for field in IntelField::ALL {
        match field {
            IntelField::VictimIp => {
                let typed = f.get(field.key());
                input.victim_ip = parse_entries(tr, field, &typed, &mut errors).victim_ip;
                values.set(field.key(), typed);
            }
            IntelField::MaliciousConnections => {
                let typed = f.get(field.key());
                input.malicious_connections =
                    parse_entries(tr, field, &typed, &mut errors).malicious_connections;
                values.set(field.key(), typed);
            }
            IntelField::ScanInfo => {
                let [engine, engine_type, version, result] = SCAN_KEYS.map(|k| f.get(k));
                for (k, v) in SCAN_KEYS
                    .iter()
                    .zip([&engine, &engine_type, &version, &result])
                {
                    values.set(k, v.clone());
                }
                input.scan_info = ScanInfo {
                    engine,
                    engine_type,
                    version,
                    result,
                };
            }
            _ => {
                let typed = f.get(field.key());
                if let Some(slot) = input.text_mut(field) {
                    *slot = typed.clone();
                }
                values.set(field.key(), typed);
            }
        }
    }
    (values, input, errors)
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
        let take_form = match f {
            IntelField::VictimIp => {
                let empty = merged.victim_ip.is_empty();
                if empty {
                    merged.victim_ip = typed.victim_ip.clone();
                }
                empty
            }
            IntelField::MaliciousConnections => {
                let empty = merged.malicious_connections.is_empty();
                if empty {
                    merged.malicious_connections = typed.malicious_connections.clone();
                }
                empty
            }
            IntelField::ScanInfo => {
                let empty = merged.scan_info.is_empty();
                if empty {
                    merged.scan_info = typed.scan_info.clone();
                }
                empty
            }
            _ => {
                let form_text = text_of(typed, f).to_string();
                match merged.text_mut(f) {
                    Some(slot) if slot.trim().is_empty() => {
                        *slot = form_text;
                        true
                    }
                    _ => false,
                }
            }
        };
        if take_form {
            from_form.insert(f.key());
        }
    }
    let mut shown = FormValues::of_input(&merged);
    // What was typed stays as typed (bad lines included), for the fields the form gave.
    for key in &from_form {
        if *key == IntelField::ScanInfo.key() {
            for k in SCAN_KEYS {
                shown.set(k, values.get(k).to_string());
            }
        } else {
            shown.set(key, values.get(key).to_string());
        }
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
    /// line, block, time, impact, category, tlp, entries, scan.
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
                F::VictimIp | F::MaliciousConnections => ("entries", 4, 200_000),
                F::ScanInfo => ("scan", 0, limits::TEXT),
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

/// The blank TXT form, as a download.
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
        intel_form::template(),
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

/// Adds the record's own errors to the structured fields' line errors (those first).
pub(super) fn with_validation(mut lines: FieldErrors, input: &IntelInput) -> FieldErrors {
    if let Err(e) = input.validate() {
        for (k, v) in e.iter() {
            lines.add(k, v.clone());
        }
    }
    lines
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
    let (values, typed, mut line_errors) = read_form(&tr, &f);
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
            let (merged, shown, from_form) = merge_txt(&outcome.input, &typed, &values);
            // Line errors only count for the fields the form gave.
            let mut kept = FieldErrors::new();
            for (k, v) in line_errors.iter() {
                if from_form.contains(k) {
                    kept.add(k, v.clone());
                }
            }
            line_errors = kept;
            (merged, shown, Channel::Txt, true)
        }
        None => (typed, values, Channel::Web, false),
    };
    if !line_errors.is_empty() {
        let errors = with_validation(line_errors, &input);
        let form = FormState {
            values,
            errors: field_errors(&ctx, &errors),
            txt_problems: vec![],
            txt_merged,
        };
        return refused(&state, &ctx, &who, None, form);
    }
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
    let tr = ctx.tr();
    let (values, input, line_errors) = read_form(&tr, &f);
    if !line_errors.is_empty() {
        let errors = with_validation(line_errors, &input);
        let form = FormState {
            values,
            errors: field_errors(&ctx, &errors),
            txt_problems: vec![],
            txt_merged: false,
        };
        return refused(&state, &ctx, &who, Some(id), form);
    }
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
