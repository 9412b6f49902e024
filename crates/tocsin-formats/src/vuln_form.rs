//! The product-vulnerability report as a text form (產品漏洞通報): the downloadable TXT
//! template in the seed's layout, a filled copy of it, and a forgiving parser for what
//! reporters really mail back.
//!
//! The layout is the seed's: `◎欄位：值` lines (the value may also start on the next line and
//! run over several lines, until the next field), and tick-box lines such as `■ 是 / □ 否`.
//! [`parse`] accepts full-width or ASCII colons, `■ ☑ ✔ ✓ √ ☒ ● [x] (x) [v] V v` as the tick
//! and `□ ☐ ○ [ ] ( )` as the empty box, fields in any order, English field names (see
//! [`Field::aliases`]), stray whitespace, blank lines and the seed's own slips (a heading
//! `CVSS v3 .1分數：` without `◎`, `組織：` without `◎`). It never drops text silently:
//! a field it could not read is named in [`ParseOutcome::unreadable`] with the text as read,
//! and text outside any known field lands in [`ParseOutcome::extra_text`]. The template's own
//! headings, instructions and the FIRST calculator hint are recognized and skipped.
//!
//! Values are kept as written (strings, options): validation, date parsing and CVSS scoring
//! belong to the domain crate. Labels are matched in any of the forms Big5, CP950 and IMEs
//! write their punctuation in (`∕` for `／`, `﹕` for `：`; see `form_lines`), values never
//! folded. The format's own syntax is all that is removed from a value: the spaces between
//! a label's colon and a value on its line, each line's trailing whitespace, the leading and
//! trailing blank lines and, for every field but the trigger method, the common
//! indentation of the lines below the label. The trigger method (steps or a command line)
//! keeps its indentation: ` badbutwork -i …` stays as written.
//!
//! Known limit of the format: a value line that itself starts like a field line (`◎版本…`,
//! or a label with a colon such as `Vendor: …` for a field not seen yet) starts that field.
//! Inside the long free-text fields a bare label of a field already read, or a generic one
//! (`影響：`, `Type:`), stays text of the field.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::form_lines::{fold, folded_len, match_alias, strip_colon, strip_group};
use crate::text;

/// Where the reporter learned of the vulnerability (漏洞資訊來源).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// 自己發現: found it themselves.
    #[serde(rename = "self")]
    SelfFound,
    /// 其他: another source, described in [`VulnForm::source_other`].
    #[serde(rename = "other")]
    Other,
}

/// Every field of the seed's product-vulnerability form, as written by the reporter.
///
/// `None` means absent or blank. Nothing here is validated yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnForm {
    /// 通報日期: the report date as written (e.g. `2019 年 4 月 11 日` or `2019-04-11`).
    pub report_date: Option<String>,
    /// 名稱: the reporter's name.
    pub reporter_name: Option<String>,
    /// 組織: the reporter's organization.
    pub reporter_organization: Option<String>,
    /// Email: the reporter's address.
    pub reporter_email: Option<String>,
    /// 是否公開名稱及組織: may the advisory credit the reporter by name and organization.
    pub public_credit: Option<bool>,
    /// 漏洞資訊來源: which box is ticked.
    pub source: Option<Source>,
    /// The text after 其他 (kept even when 自己發現 is ticked).
    pub source_other: Option<String>,
    /// 漏洞發現日期: the discovery date as written.
    pub discovered_on: Option<String>,
    /// 影響產品名稱: the affected product.
    pub product: Option<String>,
    /// 版本: the affected version(s).
    pub version: Option<String>,
    /// 產品開發者／廠商: the vendor or developer.
    pub vendor: Option<String>,
    /// 產品網站: the product's web site.
    pub product_url: Option<String>,
    /// 漏洞類型: the vulnerability type (e.g. 任意程式碼執行).
    pub vuln_type: Option<String>,
    /// 漏洞描述: the description.
    pub description: Option<String>,
    /// 觸發漏洞特定條件: the conditions needed to trigger it.
    pub trigger_conditions: Option<String>,
    /// 觸發漏洞方法: steps or command line, verbatim.
    pub trigger_method: Option<String>,
    /// 佐證資料: the evidence (attachments travel beside the form).
    pub evidence: Option<String>,
    /// 漏洞威脅: the impact.
    pub impact: Option<String>,
    /// The CVSS version named in the heading (`CVSS v3.1 分數` → `3.1`), which may differ
    /// from the vector's own prefix.
    pub cvss_version: Option<String>,
    /// The CVSS vector as written, e.g. `CVSS:3.1/AV:N/AC:L/…`.
    pub cvss_vector: Option<String>,
    /// The score the reporter claims, as written (e.g. `7.5`).
    pub cvss_claimed_score: Option<String>,
}

/// A field of the form, as named in problems and matched by its labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 通報日期.
    ReportDate,
    /// 名稱.
    ReporterName,
    /// 組織.
    ReporterOrganization,
    /// Email.
    ReporterEmail,
    /// 是否公開名稱及組織 (tick boxes).
    PublicCredit,
    /// 漏洞資訊來源 (tick boxes and the 其他 text).
    Source,
    /// 漏洞發現日期.
    DiscoveredOn,
    /// 影響產品名稱.
    Product,
    /// 版本.
    Version,
    /// 產品開發者／廠商.
    Vendor,
    /// 產品網站.
    ProductUrl,
    /// 漏洞類型.
    VulnType,
    /// 漏洞描述.
    Description,
    /// 觸發漏洞特定條件.
    TriggerConditions,
    /// 觸發漏洞方法.
    TriggerMethod,
    /// 佐證資料.
    Evidence,
    /// 漏洞威脅.
    Impact,
    /// CVSS 分數: the heading's version, the vector and the claimed score.
    Cvss,
}

/// How a field's value is written and read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A short value, usually on the field line.
    Inline,
    /// Free text, written below the field line.
    Block,
    /// Tick boxes.
    Choice,
    /// The CVSS heading, vector and score.
    Cvss,
}

impl Field {
    /// Every field, in the template's order.
    pub const ALL: [Field; 18] = [
        Field::ReportDate,
        Field::ReporterName,
        Field::ReporterOrganization,
        Field::ReporterEmail,
        Field::PublicCredit,
        Field::Source,
        Field::DiscoveredOn,
        Field::Product,
        Field::Version,
        Field::Vendor,
        Field::ProductUrl,
        Field::VulnType,
        Field::Description,
        Field::TriggerConditions,
        Field::TriggerMethod,
        Field::Evidence,
        Field::Impact,
        Field::Cvss,
    ];

    /// The stable key: the [`VulnForm`] member name (`cvss` for the three CVSS members).
    pub fn key(self) -> &'static str {
        match self {
            Field::ReportDate => "report_date",
            Field::ReporterName => "reporter_name",
            Field::ReporterOrganization => "reporter_organization",
            Field::ReporterEmail => "reporter_email",
            Field::PublicCredit => "public_credit",
            Field::Source => "source",
            Field::DiscoveredOn => "discovered_on",
            Field::Product => "product",
            Field::Version => "version",
            Field::Vendor => "vendor",
            Field::ProductUrl => "product_url",
            Field::VulnType => "vuln_type",
            Field::Description => "description",
            Field::TriggerConditions => "trigger_conditions",
            Field::TriggerMethod => "trigger_method",
            Field::Evidence => "evidence",
            Field::Impact => "impact",
            Field::Cvss => "cvss",
        }
    }

    /// The seed's (zh-TW) label, as the template writes it after `◎`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Field::ReportDate => "通報日期",
            Field::ReporterName => "名稱",
            Field::ReporterOrganization => "組織",
            Field::ReporterEmail => "Email",
            Field::PublicCredit => "是否公開名稱及組織",
            Field::Source => "漏洞資訊來源",
            Field::DiscoveredOn => "漏洞發現日期",
            Field::Product => "影響產品名稱",
            Field::Version => "版本",
            Field::Vendor => "產品開發者／廠商",
            Field::ProductUrl => "產品網站",
            Field::VulnType => "漏洞類型",
            Field::Description => "漏洞描述",
            Field::TriggerConditions => "觸發漏洞特定條件",
            Field::TriggerMethod => "觸發漏洞方法",
            Field::Evidence => "佐證資料",
            Field::Impact => "漏洞威脅",
            Field::Cvss => "CVSS 分數",
        }
    }

    /// The English name, used as the template's hint and accepted as a label.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::ReportDate => "Report date",
            Field::ReporterName => "Name",
            Field::ReporterOrganization => "Organization",
            Field::ReporterEmail => "Email",
            Field::PublicCredit => "Public credit",
            Field::Source => "Source",
            Field::DiscoveredOn => "Discovered on",
            Field::Product => "Product",
            Field::Version => "Version",
            Field::Vendor => "Vendor",
            Field::ProductUrl => "Product URL",
            Field::VulnType => "Vulnerability type",
            Field::Description => "Description",
            Field::TriggerConditions => "Trigger conditions",
            Field::TriggerMethod => "Trigger method",
            Field::Evidence => "Evidence",
            Field::Impact => "Impact",
            Field::Cvss => "CVSS",
        }
    }

    /// Every label [`parse`] accepts for this field (case, spaces inside and `／` versus `/`
    /// do not matter). The CVSS heading is `CVSS`, an optional version (`v3.1`, `3 .1`) and
    /// an optional `分數`/`score`/`vector`.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::ReportDate => &[
                "通報日期",
                "報告日期",
                "Report date",
                "Date of report",
                "Reported on",
                "report_date",
            ],
            Field::ReporterName => &[
                "名稱",
                "姓名",
                "通報者",
                "通報者名稱",
                "通報者姓名",
                "Name",
                "Reporter",
                "Reporter name",
                "Your name",
                "reporter.name",
                "reporter_name",
            ],
            Field::ReporterOrganization => &[
                "組織",
                "組織名稱",
                "單位",
                "所屬單位",
                "所屬組織",
                "公司",
                "Organization",
                "Organisation",
                "Company",
                "Affiliation",
                "reporter.organization",
                "reporter_organization",
            ],
            Field::ReporterEmail => &[
                "Email",
                "E-mail",
                "電子郵件",
                "電子信箱",
                "聯絡信箱",
                "聯絡Email",
                "聯絡E-mail",
                "信箱",
                "reporter.email",
                "reporter_email",
            ],
            Field::PublicCredit => &[
                "是否公開名稱及組織",
                "是否公開姓名及組織",
                "公開名稱及組織",
                "是否公開",
                "Public credit",
                "Credit",
                "Publish name",
                "reporter.public_credit",
                "public_credit",
            ],
            Field::Source => &[
                "漏洞資訊來源",
                "漏洞來源",
                "資訊來源",
                "來源",
                "Source",
                "Vulnerability source",
                "Information source",
            ],
            Field::DiscoveredOn => &[
                "漏洞發現日期",
                "發現日期",
                "Discovered on",
                "Discovery date",
                "Date discovered",
                "Discovered",
                "discovered_on",
            ],
            Field::Product => &[
                "影響產品名稱",
                "影響產品",
                "產品名稱",
                "產品",
                "Product",
                "Product name",
                "Affected product",
            ],
            Field::Version => &[
                "版本",
                "影響版本",
                "產品版本",
                "版本號",
                "Version",
                "Versions",
                "Affected version",
                "Affected versions",
                "Product version",
            ],
            Field::Vendor => &[
                "產品開發者／廠商",
                "產品開發者",
                "開發者／廠商",
                "開發者",
                "廠商",
                "製造商",
                "Vendor",
                "Developer",
                "Manufacturer",
                "Vendor/Developer",
                "Developer/Vendor",
            ],
            Field::ProductUrl => &[
                "產品網站",
                "產品網址",
                "網站",
                "網址",
                "Product URL",
                "Product website",
                "Product site",
                "Website",
                "Homepage",
                "product_url",
            ],
            Field::VulnType => &[
                "漏洞類型",
                "漏洞種類",
                "類型",
                "Vulnerability type",
                "Vuln type",
                "Type of vulnerability",
                "Type",
                "Weakness",
                "CWE",
                "vuln_type",
            ],
            Field::Description => &[
                "漏洞描述",
                "漏洞細節",
                "描述",
                "Description",
                "Vulnerability description",
                "Details",
            ],
            Field::TriggerConditions => &[
                "觸發漏洞特定條件",
                "觸發漏洞條件",
                "觸發條件",
                "特定條件",
                "Trigger conditions",
                "Conditions",
                "Preconditions",
                "Prerequisites",
                "trigger_conditions",
            ],
            Field::TriggerMethod => &[
                "觸發漏洞方法",
                "觸發方法",
                "重現步驟",
                "重現方式",
                "Trigger method",
                "Steps to reproduce",
                "Reproduction steps",
                "How to reproduce",
                "Proof of concept",
                "PoC",
                "trigger_method",
            ],
            Field::Evidence => &[
                "佐證資料",
                "佐證",
                "證據",
                "附件",
                "Evidence",
                "Proof",
                "Attachments",
            ],
            Field::Impact => &["漏洞威脅", "漏洞影響", "威脅", "影響", "Impact", "Threat"],
            Field::Cvss => &["CVSS"],
        }
    }

    /// The template's English hint after the label (`None` where the label is English).
    fn hint(self) -> Option<&'static str> {
        Some(match self {
            Field::ReportDate => "Report date, YYYY-MM-DD",
            Field::ReporterName => "Name",
            Field::ReporterOrganization => "Organization",
            Field::ReporterEmail => return None,
            Field::PublicCredit => {
                "Public credit, may the advisory name you and your organization?"
            }
            Field::Source => "Source",
            Field::DiscoveredOn => "Discovered on, YYYY-MM-DD",
            Field::Product => "Product",
            Field::Version => "Version",
            Field::Vendor => "Vendor",
            Field::ProductUrl => "Product URL",
            Field::VulnType => "Vulnerability type, e.g. 任意程式碼執行 arbitrary code execution",
            Field::Description => "Description",
            Field::TriggerConditions => "Trigger conditions",
            Field::TriggerMethod => "Trigger method, steps or command line, kept as written",
            Field::Evidence => "Evidence, attach screenshots or video",
            Field::Impact => "Impact",
            Field::Cvss => "CVSS vector and score",
        })
    }

    /// Whether the lines below the label keep their indentation: the trigger method is
    /// steps or a command line, "kept as written" as the template says, where leading
    /// spaces are the reporter's (the domain keeps it verbatim too).
    fn keeps_indentation(self) -> bool {
        self == Field::TriggerMethod
    }

    fn kind(self) -> Kind {
        match self {
            Field::PublicCredit | Field::Source => Kind::Choice,
            Field::Description
            | Field::TriggerConditions
            | Field::TriggerMethod
            | Field::Evidence
            | Field::Impact => Kind::Block,
            Field::Cvss => Kind::Cvss,
            _ => Kind::Inline,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a field could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProblemKind {
    /// No box is ticked (or no answer at all).
    #[error("no box is ticked")]
    NoneTicked,
    /// More than one box is ticked.
    #[error("more than one box is ticked")]
    SeveralTicked,
    /// A mark in front of a choice is not a known tick or empty box.
    #[error("unknown tick mark {mark:?}")]
    UnknownTick {
        /// The mark as written.
        mark: String,
    },
    /// There is text but none of the choices could be found in it.
    #[error("none of the choices is named")]
    NoOption,
    /// The field appears more than once with different values; the first is used.
    #[error("given more than once with different values")]
    Duplicate,
    /// The CVSS part has text but no vector.
    #[error("no CVSS vector found")]
    CvssNoVector,
    /// More than one different CVSS vector; the first is used.
    #[error("more than one CVSS vector")]
    CvssSeveralVectors,
    /// More than one different claimed score; the first is used.
    #[error("more than one claimed CVSS score")]
    CvssSeveralScores,
}

/// A field that could not be read, with its text as read (so nothing is lost).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {kind}")]
pub struct Problem {
    /// The field.
    pub field: Field,
    /// What is wrong.
    pub kind: ProblemKind,
    /// The field's text as read (for a duplicate: the later value).
    pub text: String,
}

/// What [`parse`] made of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseOutcome {
    /// The values read.
    pub form: VulnForm,
    /// Every field that was present but could not be read, in field order.
    pub unreadable: Vec<Problem>,
    /// Text outside any known field, in document order (a field's leftover text is prefixed
    /// with its zh-TW label).
    pub extra_text: Vec<String>,
    /// The encoding the bytes were decoded from ([`parse_bytes`] only).
    pub encoding: Option<&'static str>,
    /// True when decoding replaced malformed bytes with U+FFFD ([`parse_bytes`] only).
    pub lossy: bool,
}

// ---------------------------------------------------------------------------------------
// Template and emit
// ---------------------------------------------------------------------------------------

const TITLE: &str = "產品漏洞通報表 Product Vulnerability Report Form";
const INSTRUCTIONS: [&str; 7] = [
    "填寫說明 How to fill in",
    "・請在每個「◎欄位：」之後填寫；較長的內容可從下一行起寫成多行。",
    "  Write after each \"◎field：\" marker; longer text may continue on the lines below.",
    "・勾選方式：把 □ 改為 ■（也可寫 [x] 或 V）。",
    "  To tick a box, replace □ with ■ (or write [x] or V).",
    "・填好後請將本檔案連同附件（截圖、影片、概念驗證程式）寄回本中心。",
    "  Mail the filled file back to us with attachments (screenshots, video, proof of concept).",
];
const SECTION_REPORT: &str = "通報內容 Report";
const SECTION_REPORTER: &str = "通報者資訊 Reporter";
const SECTION_VULN: &str = "漏洞資訊 Vulnerability";
const SECTION_DETAILS: &str = "漏洞說明 Details";
const END: &str = "—— 表單結束 End of form ——";
const CALCULATOR: &str = "FIRST CVSS 計算 https://www.first.org/cvss/calculator/";

/// Headings of the seed and of earlier templates, recognized and skipped.
const OTHER_HEADINGS: [&str; 8] = [
    "產品漏洞通報",
    "產品漏洞通報內容",
    "資安事件通報內容",
    "通報者資訊",
    "漏洞說明",
    "通報內容",
    "漏洞資訊",
    "表單結束",
];

const TICKED: char = '■';
const EMPTY: char = '□';

/// The downloadable TXT template: zh-TW labels with English hints, every box empty, the
/// CVSS heading naming v3.1 as the seed does.
pub fn template() -> String {
    emit(&VulnForm {
        cvss_version: Some("3.1".to_owned()),
        ..VulnForm::default()
    })
}

/// Writes a filled form in the template's layout; [`parse`] reads it back.
pub fn emit(form: &VulnForm) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line(TITLE);
    for l in INSTRUCTIONS {
        line(l);
    }
    line("");
    line(SECTION_REPORT);
    line(&text_field(Field::ReportDate, form.report_date.as_deref()));
    line("");
    line(SECTION_REPORTER);
    line(&text_field(
        Field::ReporterName,
        form.reporter_name.as_deref(),
    ));
    line(&text_field(
        Field::ReporterOrganization,
        form.reporter_organization.as_deref(),
    ));
    line(&text_field(
        Field::ReporterEmail,
        form.reporter_email.as_deref(),
    ));
    line(&format!(
        "{}{} 是 (yes) / {} 否 (no)",
        field_head(Field::PublicCredit),
        mark(form.public_credit == Some(true)),
        mark(form.public_credit == Some(false)),
    ));
    line("");
    line(SECTION_VULN);
    let boxes = format!(
        "{}{} 自己發現 (found it myself) / {} 其他 (other)：",
        field_head(Field::Source),
        mark(form.source == Some(Source::SelfFound)),
        mark(form.source == Some(Source::Other)),
    );
    line(&with_value(boxes, form.source_other.as_deref(), false));
    for (field, value) in [
        (Field::DiscoveredOn, &form.discovered_on),
        (Field::Product, &form.product),
        (Field::Version, &form.version),
        (Field::Vendor, &form.vendor),
        (Field::ProductUrl, &form.product_url),
        (Field::VulnType, &form.vuln_type),
    ] {
        line(&text_field(field, value.as_deref()));
    }
    line("");
    line(SECTION_DETAILS);
    for (field, value) in [
        (Field::Description, &form.description),
        (Field::TriggerConditions, &form.trigger_conditions),
        (Field::TriggerMethod, &form.trigger_method),
        (Field::Evidence, &form.evidence),
        (Field::Impact, &form.impact),
    ] {
        line(&text_field(field, value.as_deref()));
        line("");
    }
    let version = form.cvss_version.as_deref().map(str::trim).unwrap_or("");
    let head = if version.is_empty() {
        format!("◎CVSS 分數 ({})：", Field::Cvss.hint().unwrap_or_default())
    } else {
        format!(
            "◎CVSS v{version} 分數 ({})：",
            Field::Cvss.hint().unwrap_or_default()
        )
    };
    line(&head);
    let calculator = match version {
        "3.0" | "4.0" => version,
        _ => "3.1",
    };
    line(&format!("{CALCULATOR}{calculator}"));
    let vector = form.cvss_vector.as_deref().map(str::trim).unwrap_or("");
    let score = form
        .cvss_claimed_score
        .as_deref()
        .map(str::trim)
        .unwrap_or("");
    match (vector.is_empty(), score.is_empty()) {
        (false, false) => line(&format!("{vector}    score: {score}")),
        (false, true) => line(vector),
        (true, false) => line(&format!("score: {score}")),
        (true, true) => {}
    }
    line("");
    line(END);
    out
}

fn mark(ticked: bool) -> char {
    if ticked { TICKED } else { EMPTY }
}

fn field_head(field: Field) -> String {
    match field.hint() {
        Some(hint) => format!("◎{} ({hint})：", field.label_zh()),
        None => format!("◎{}：", field.label_zh()),
    }
}

fn text_field(field: Field, value: Option<&str>) -> String {
    with_value(field_head(field), value, field.kind() == Kind::Block)
}

/// The field line, with a one-line value after it or a longer one on the lines below.
fn with_value(mut head: String, value: Option<&str>, below: bool) -> String {
    let value = text::normalize_newlines(value.unwrap_or_default());
    let value = value.trim_matches('\n');
    if value.trim().is_empty() {
        return head;
    }
    if below || value.contains('\n') {
        head.push('\n');
    }
    head.push_str(value);
    head
}

// ---------------------------------------------------------------------------------------
// Parse: lines to field segments
// ---------------------------------------------------------------------------------------

/// Decodes a file of unknown encoding ([`text::decode`]) and parses it.
pub fn parse_bytes(bytes: &[u8]) -> ParseOutcome {
    let decoded = text::decode(bytes);
    let mut outcome = parse(&decoded.text);
    outcome.encoding = Some(decoded.encoding);
    outcome.lossy = decoded.lossy;
    outcome
}

/// One appearance of a field: the text on its line after the label and the lines after it.
struct Segment {
    field: Field,
    /// The CVSS version in the heading.
    version: Option<String>,
    inline: String,
    lines: Vec<String>,
}

/// What one line is.
enum Line {
    Blank,
    Heading,
    Hint,
    Field {
        field: Field,
        version: Option<String>,
        value: String,
        marked: bool,
        weak: bool,
    },
    Vector,
    UnknownMarked,
    Text,
}

/// Reads a filled form (already decoded). Never panics; see the module documentation.
pub fn parse(input: &str) -> ParseOutcome {
    let input = text::normalize_newlines(input);
    let mut segments: Vec<Segment> = Vec::new();
    let mut current: Option<Segment> = None;
    let mut seen: BTreeSet<Field> = BTreeSet::new();
    let mut extra: Vec<String> = Vec::new();
    let mut block: Vec<String> = Vec::new();

    fn flush(block: &mut Vec<String>, extra: &mut Vec<String>) {
        if !block.is_empty() {
            extra.push(block.join("\n"));
            block.clear();
        }
    }

    for raw in input.split('\n') {
        let raw = raw.trim_start_matches('\u{feff}');
        match classify(raw) {
            Line::Blank => match current.as_mut() {
                Some(seg) => seg.lines.push(String::new()),
                None => flush(&mut block, &mut extra),
            },
            Line::Hint => {}
            Line::Heading => {
                segments.extend(current.take());
                flush(&mut block, &mut extra);
            }
            Line::Field {
                field,
                version,
                value,
                marked,
                weak,
            } => {
                let in_block = current
                    .as_ref()
                    .is_some_and(|seg| seg.field.kind() == Kind::Block);
                if in_block && !marked && (weak || seen.contains(&field)) {
                    if let Some(seg) = current.as_mut() {
                        seg.lines.push(raw.to_owned());
                    }
                    continue;
                }
                segments.extend(current.take());
                flush(&mut block, &mut extra);
                seen.insert(field);
                current = Some(Segment {
                    field,
                    version,
                    inline: value,
                    lines: Vec::new(),
                });
            }
            Line::Vector => {
                if let Some(seg) = current.as_mut()
                    && seg.field == Field::Cvss
                {
                    seg.lines.push(raw.to_owned());
                    continue;
                }
                segments.extend(current.take());
                flush(&mut block, &mut extra);
                seen.insert(Field::Cvss);
                current = Some(Segment {
                    field: Field::Cvss,
                    version: None,
                    inline: raw.trim().to_owned(),
                    lines: Vec::new(),
                });
            }
            Line::UnknownMarked => {
                segments.extend(current.take());
                flush(&mut block, &mut extra);
                block.push(raw.trim().to_owned());
            }
            Line::Text => match current.as_mut() {
                Some(seg) => seg.lines.push(raw.to_owned()),
                None => block.push(raw.trim().to_owned()),
            },
        }
    }
    segments.extend(current.take());
    flush(&mut block, &mut extra);

    let mut outcome = ParseOutcome {
        form: VulnForm::default(),
        unreadable: Vec::new(),
        extra_text: extra,
        encoding: None,
        lossy: false,
    };
    for field in Field::ALL {
        let of_field: Vec<&Segment> = segments.iter().filter(|s| s.field == field).collect();
        if of_field.is_empty() {
            continue;
        }
        match field.kind() {
            Kind::Inline | Kind::Block => read_text(field, &of_field, &mut outcome),
            Kind::Choice => read_choice(field, &of_field, &mut outcome),
            Kind::Cvss => read_cvss(&of_field, &mut outcome),
        }
    }
    outcome
}

const FIELD_MARKS: [char; 4] = ['◎', '◉', '⊚', '●'];
const BULLETS: [char; 10] = ['・', '•', '※', '▪', '▶', '►', '*', '-', '–', '—'];

fn classify(raw: &str) -> Line {
    let s = raw.trim();
    if s.is_empty() {
        return Line::Blank;
    }
    if is_heading(s) {
        return Line::Heading;
    }
    if is_hint(s) {
        return Line::Hint;
    }
    if starts_with_vector(s) {
        return Line::Vector;
    }
    let (marked, rest) = match s.strip_prefix(FIELD_MARKS) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, strip_bullet(s)),
    };
    if marked && starts_with_vector(rest) {
        return Line::Vector;
    }
    for (field, alias) in ALIASES.iter() {
        let after = if *field == Field::Cvss {
            // No word boundary: "CVSSv3.1：" is a heading too.
            rest.get(..4)
                .filter(|p| p.eq_ignore_ascii_case("cvss"))
                .and_then(|_| rest.get(4..))
        } else {
            match_alias(rest, alias)
        };
        let Some(after) = after else {
            continue;
        };
        let found = if *field == Field::Cvss {
            cvss_heading(after, marked)
        } else {
            after_label(*field, after, marked, alias.is_ascii()).map(|v| (None, v))
        };
        if let Some((version, value)) = found {
            return Line::Field {
                field: *field,
                version,
                value,
                marked,
                weak: is_weak(alias),
            };
        }
    }
    if marked {
        Line::UnknownMarked
    } else {
        Line::Text
    }
}

/// Every alias with its field, longest (in folded characters) first.
static ALIASES: LazyLock<Vec<(Field, &'static str)>> = LazyLock::new(|| {
    let mut all: Vec<(Field, &'static str)> = Field::ALL
        .iter()
        .flat_map(|f| f.aliases().iter().map(move |a| (*f, *a)))
        .collect();
    all.sort_by_key(|(_, a)| std::cmp::Reverse(folded_len(a)));
    all
});

/// Generic labels that, without `◎`, do not end a free-text field.
fn is_weak(alias: &str) -> bool {
    const WEAK_EN: [&str; 14] = [
        "name",
        "reporter",
        "company",
        "credit",
        "source",
        "discovered",
        "type",
        "weakness",
        "cwe",
        "website",
        "homepage",
        "details",
        "conditions",
        "proof",
    ];
    if alias.is_ascii() {
        let lower = alias.to_ascii_lowercase();
        WEAK_EN.contains(&lower.as_str()) || lower == "threat" || lower == "poc"
    } else {
        alias.chars().count() <= 2
    }
}

/// After a field's label: an optional hint in parentheses, a colon, the value. Without a
/// colon only a `◎` line with a Chinese label is a field line (the seed's `◎版本 1.24`).
fn after_label(field: Field, after: &str, marked: bool, ascii_alias: bool) -> Option<String> {
    let mut rest = after.trim_start();
    let mut hint_skipped = false;
    if let Some((inner, behind)) = strip_group(rest) {
        let behind = behind.trim_start();
        let names_field = field
            .aliases()
            .iter()
            .any(|a| match_alias(inner.trim(), a).is_some());
        if strip_colon(behind).is_some() || names_field {
            rest = behind;
            hint_skipped = true;
        }
    }
    if let Some(value) = strip_colon(rest) {
        return Some(value.to_owned());
    }
    if !marked || ascii_alias {
        return None;
    }
    let next = after.chars().next();
    let separated =
        hint_skipped || next.is_none_or(|c| c.is_whitespace() || !is_cjk(c) && fold(c) != '(');
    separated.then(|| rest.to_owned())
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ffff}')
}

fn strip_bullet(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix(BULLETS)
        && rest.starts_with(char::is_whitespace)
    {
        return rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix(['・', '•', '※', '▪', '▶', '►']) {
        return rest.trim_start();
    }
    // "1." "1)" "1、" "(1)"
    let digits_end = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(s.len(), |(i, _)| i);
    if (1..=2).contains(&digits_end)
        && let Some(rest) = s[digits_end..].strip_prefix(['.', ')', '、', '．'])
    {
        return rest.trim_start();
    }
    if let Some(inner) = s.strip_prefix('(')
        && let Some((num, rest)) = inner.split_once(')')
        && (1..=2).contains(&num.len())
        && num.chars().all(|c| c.is_ascii_digit())
    {
        return rest.trim_start();
    }
    s
}

/// Whitespace removed, lower case, leading field mark and surrounding dashes dropped.
fn normalized(s: &str) -> String {
    let s = s.trim().trim_start_matches(FIELD_MARKS);
    let s: String = s.chars().filter(|c| !c.is_whitespace()).map(fold).collect();
    s.trim_matches(|c| matches!(c, '-' | '—' | '─' | '=' | '_' | '*' | '#'))
        .to_owned()
}

static HEADINGS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let mut set: BTreeSet<String> = [TITLE, SECTION_REPORT, SECTION_REPORTER, SECTION_VULN]
        .into_iter()
        .chain([SECTION_DETAILS, END])
        .chain(INSTRUCTIONS)
        .chain(OTHER_HEADINGS)
        .map(normalized)
        .collect();
    set.insert("endofform".to_owned());
    set.insert("產品漏洞通報表".to_owned());
    set
});

fn is_heading(s: &str) -> bool {
    HEADINGS.contains(&normalized(s))
}

/// The template's FIRST calculator line under the CVSS heading, exactly.
fn is_hint(s: &str) -> bool {
    let n = normalized(s);
    let Some(version) = n.strip_prefix(&normalized(CALCULATOR)) else {
        return false;
    };
    matches!(version.trim_end_matches('/'), "" | "3.0" | "3.1" | "4.0")
}

// ---------------------------------------------------------------------------------------
// Parse: text fields
// ---------------------------------------------------------------------------------------

/// The value of a segment: the text on the field line (without the spaces that separate
/// it from the label), then the following lines, without their common indentation when
/// `dedent`; trailing whitespace and surrounding blank lines removed.
fn assemble(inline: &str, lines: &[String], dedent: bool) -> Option<String> {
    let trimmed: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    let indent = trimmed
        .iter()
        .filter(|l| !l.is_empty() && dedent)
        .map(|l| l.chars().take_while(|c| c.is_whitespace()).count())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(trimmed.len() + 1);
    out.push(inline.trim());
    for l in trimmed {
        let cut = l.char_indices().nth(indent).map_or(l.len(), |(i, _)| i);
        out.push(l.get(cut..).unwrap_or_default());
    }
    let start = out.iter().position(|l| !l.is_empty())?;
    let end = out.iter().rposition(|l| !l.is_empty())?;
    Some(out[start..=end].join("\n"))
}

fn segment_text(seg: &Segment) -> Option<String> {
    assemble(&seg.inline, &seg.lines, !seg.field.keeps_indentation())
}

fn text_slot(form: &mut VulnForm, field: Field) -> Option<&mut Option<String>> {
    Some(match field {
        Field::ReportDate => &mut form.report_date,
        Field::ReporterName => &mut form.reporter_name,
        Field::ReporterOrganization => &mut form.reporter_organization,
        Field::ReporterEmail => &mut form.reporter_email,
        Field::DiscoveredOn => &mut form.discovered_on,
        Field::Product => &mut form.product,
        Field::Version => &mut form.version,
        Field::Vendor => &mut form.vendor,
        Field::ProductUrl => &mut form.product_url,
        Field::VulnType => &mut form.vuln_type,
        Field::Description => &mut form.description,
        Field::TriggerConditions => &mut form.trigger_conditions,
        Field::TriggerMethod => &mut form.trigger_method,
        Field::Evidence => &mut form.evidence,
        Field::Impact => &mut form.impact,
        Field::PublicCredit | Field::Source | Field::Cvss => return None,
    })
}

fn read_text(field: Field, segs: &[&Segment], outcome: &mut ParseOutcome) {
    let mut first: Option<String> = None;
    for value in segs.iter().filter_map(|s| segment_text(s)) {
        match &first {
            None => first = Some(value),
            Some(f) if *f == value => {}
            Some(_) => outcome.unreadable.push(Problem {
                field,
                kind: ProblemKind::Duplicate,
                text: value,
            }),
        }
    }
    if let Some(slot) = text_slot(&mut outcome.form, field) {
        *slot = first;
    }
}

// ---------------------------------------------------------------------------------------
// Parse: tick boxes
// ---------------------------------------------------------------------------------------

const TICK_MARKS: [&str; 16] = [
    "■", "☑", "✔", "✓", "√", "☒", "✅", "●", "◉", "▣", "⊠", "V", "v", "[x]", "[X]", "(x)",
];
const EMPTY_MARKS: [&str; 6] = ["□", "☐", "◻", "▢", "○", "◯"];

/// Punctuation between and around tick boxes (`■ 是 / □ 否`), in any of the forms
/// [`fold`] knows (a Big5 `∕` separates as `/` does).
fn is_separator(c: char) -> bool {
    matches!(
        fold(c),
        '/' | '|' | ',' | ';' | ':' | '-' | '.' | '、' | '﹑' | '—' | '。'
    )
}

/// A mark and the byte range of its token.
type Marked = Option<(Mark, (usize, usize))>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    Ticked,
    Empty,
    Unknown,
}

fn choice_options(field: Field) -> &'static [&'static [&'static str]] {
    match field {
        Field::PublicCredit => &[
            &["是", "同意", "公開", "yes"],
            &["否", "不同意", "不公開", "no"],
        ],
        _ => &[
            &[
                "自己發現",
                "自行發現",
                "本人發現",
                "自己",
                "found it myself",
                "found myself",
                "myself",
                "self",
            ],
            &["其他", "其它", "other", "others"],
        ],
    }
}

/// `[x]`, `( v )`, `【■】` become `■`; `[ ]`, `()`, `（ ）` become `□`. Also returns, for
/// every byte offset of the result (and its end), the offset in `s` it came from.
fn normalize_brackets(s: &str) -> (String, Vec<usize>) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |k: usize| chars.get(k).map_or(s.len(), |(i, _)| *i);
    let mut out = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len() + 1);
    let push = |out: &mut String, origin: &mut Vec<usize>, c: char, from: usize| {
        out.push(c);
        origin.extend(std::iter::repeat_n(from, c.len_utf8()));
    };
    let blank = |c: char| c.is_whitespace() && c != '\n';
    let mut i = 0;
    while let Some(&(pos, c)) = chars.get(i) {
        if let Some(close) = closing(c) {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|(_, c)| blank(*c)) {
                j += 1;
            }
            if chars.get(j).is_some_and(|(_, c)| *c == close) {
                push(&mut out, &mut origin, EMPTY, pos);
                i = j + 1;
                continue;
            }
            if chars.get(j).is_some_and(|(_, c)| is_bracket_tick(*c)) {
                let mut k = j + 1;
                while chars.get(k).is_some_and(|(_, c)| blank(*c)) {
                    k += 1;
                }
                if chars.get(k).is_some_and(|(_, c)| *c == close) {
                    push(&mut out, &mut origin, TICKED, pos);
                    i = k + 1;
                    continue;
                }
            }
        }
        push(&mut out, &mut origin, c, pos);
        i += 1;
    }
    origin.push(at(chars.len()));
    (out, origin)
}

fn closing(c: char) -> Option<char> {
    match c {
        '[' => Some(']'),
        '(' => Some(')'),
        '（' => Some('）'),
        '［' => Some('］'),
        '【' => Some('】'),
        '〔' => Some('〕'),
        _ => None,
    }
}

fn is_bracket_tick(c: char) -> bool {
    matches!(
        c,
        'x' | 'X' | 'v' | 'V' | '*' | '■' | '✓' | '✔' | '√' | '●' | 'ｘ' | 'Ｘ' | 'ｖ' | 'Ｖ'
    )
}

fn classify_mark(token: &str) -> Option<Mark> {
    let t = token.trim_matches(is_separator);
    if t.is_empty() {
        return None;
    }
    if TICK_MARKS.contains(&t) {
        return Some(Mark::Ticked);
    }
    if EMPTY_MARKS.contains(&t) {
        return Some(Mark::Empty);
    }
    let n = t.chars().count();
    let symbols = t
        .chars()
        .all(|c| !c.is_alphanumeric() && !is_cjk(c) && !"()（）[]".contains(c));
    // Letters some people tick with; other letters are just text.
    let letter = matches!(t, "X" | "x" | "O" | "o" | "Y" | "y" | "Ｘ" | "ｘ" | "〇");
    if n <= 3 && (symbols || letter) {
        Some(Mark::Unknown)
    } else {
        None
    }
}

/// An option's name found in the text.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    option: usize,
    start: usize,
    end: usize,
}

fn find_options(s: &str, options: &[&[&str]]) -> Vec<Occurrence> {
    let mut aliases: Vec<(usize, &str)> = options
        .iter()
        .enumerate()
        .flat_map(|(i, names)| names.iter().map(move |n| (i, *n)))
        .collect();
    aliases.sort_by_key(|(_, a)| std::cmp::Reverse(a.len()));
    let mut found: Vec<Occurrence> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let hit = aliases.iter().find_map(|(option, alias)| {
            let end = i + alias.len();
            let candidate = s.get(i..end)?;
            if !candidate.eq_ignore_ascii_case(alias) {
                return None;
            }
            if alias.is_ascii() {
                let before = s[..i].chars().next_back();
                let after = s[end..].chars().next();
                if before.is_some_and(|c| c.is_alphanumeric())
                    || after.is_some_and(|c| c.is_alphanumeric())
                {
                    return None;
                }
            }
            Some(Occurrence {
                option: *option,
                start: i,
                end,
            })
        });
        match hit {
            Some(occ) => {
                // "是 (yes)": the same option named twice in a row is one occurrence.
                if let Some(last) = found.last_mut()
                    && last.option == occ.option
                    && s[last.end..occ.start]
                        .chars()
                        .all(|c| c.is_whitespace() || "()（）".contains(c))
                {
                    last.end = occ.end;
                } else {
                    found.push(occ);
                }
                i = occ.end;
            }
            None => i += s[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    // Close a hint's parenthesis: "是 (yes)" ends after ")".
    for occ in &mut found {
        let rest = &s[occ.end..];
        if rest.starts_with([')', '）']) {
            let open_before = s[occ.start..occ.end].contains(['(', '（']);
            if open_before {
                occ.end += rest.chars().next().map_or(0, char::len_utf8);
            }
        }
    }
    found
}

/// Whitespace-separated tokens of `s[from..to]` as byte ranges of `s`.
fn tokens(s: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s[from..to].char_indices() {
        let at = from + i;
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, at));
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(st) = start {
        out.push((st, to));
    }
    out
}

/// The result of reading one tick-box field.
struct Choice {
    answer: Option<usize>,
    problem: Option<ProblemKind>,
    /// The text after 其他 (up to the next option's box), as written.
    other: Option<String>,
    leftover: Vec<String>,
    /// Nothing but empty boxes and option names.
    blank: bool,
}

fn read_one_choice(raw: &str, options: &[&[&str]], other_option: Option<usize>) -> Choice {
    let (s, origin) = normalize_brackets(raw);
    let occurrences = find_options(&s, options);
    // The mark in front of each occurrence, and the token it is.
    let mut marks: Vec<Marked> = Vec::with_capacity(occurrences.len());
    let mut prev_end = 0;
    for occ in &occurrences {
        let toks = tokens(&s, prev_end.min(occ.start), occ.start);
        let mark = toks
            .iter()
            .rev()
            .find(|(a, b)| !s[*a..*b].trim_matches(is_separator).is_empty())
            .and_then(|t| classify_mark(&s[t.0..t.1]).map(|m| (m, *t)));
        marks.push(mark);
        prev_end = occ.end;
    }
    let any_mark = marks.iter().any(Option::is_some);
    // With marks, an option named without one is just text ("■ 其他：其他研究者告知").
    let used: Vec<(Occurrence, Marked)> = occurrences
        .iter()
        .zip(marks.iter())
        .filter(|(_, m)| !any_mark || m.is_some())
        .map(|(o, m)| (*o, *m))
        .collect();

    let mut consumed: Vec<(usize, usize)> = Vec::new();
    for (occ, mark) in &used {
        consumed.push((occ.start, occ.end));
        if let Some((_, span)) = mark {
            consumed.push(*span);
        }
    }

    // 其他's text: from the end of its name to the next used option's mark (or the end).
    let mut other = None;
    if let Some(other_index) = other_option
        && let Some(pos) = used.iter().position(|(o, _)| o.option == other_index)
    {
        let from = used[pos].0.end;
        let to = used
            .get(pos + 1)
            .map_or(s.len(), |(o, m)| m.map_or(o.start, |(_, span)| span.0));
        let raw_from = origin.get(from).copied().unwrap_or(raw.len());
        let raw_to = origin.get(to).copied().unwrap_or(raw.len());
        let text = raw.get(raw_from..raw_to).unwrap_or_default();
        let text = text
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(fold(c), ':' | '-' | '—'));
        let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let (first, rest) = lines
            .split_first()
            .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        other = assemble(first, rest, true);
        consumed.push((from, to));
    }

    let mut leftover = Vec::new();
    consumed.sort_unstable();
    let mut at = 0;
    let mut gaps = Vec::new();
    for (a, b) in consumed {
        if a > at {
            gaps.push((at, a));
        }
        at = at.max(b);
    }
    if at < s.len() {
        gaps.push((at, s.len()));
    }
    let is_option_name = |t: &str| {
        options
            .iter()
            .flat_map(|names| names.iter())
            .any(|n| n.eq_ignore_ascii_case(t))
    };
    for (a, b) in gaps {
        let piece: Vec<&str> = tokens(&s, a, b)
            .into_iter()
            .filter(|(ta, tb)| {
                let t = s[*ta..*tb].trim_matches(is_separator);
                // An option's bare name ("✔ 是  否") is the form's, not the reporter's.
                !t.is_empty() && !EMPTY_MARKS.contains(&t) && !is_hint_word(t) && !is_option_name(t)
            })
            // Written as the reporter wrote it, not as normalized ("f()" stays "f()").
            .filter_map(|(ta, tb)| {
                let from = origin.get(ta).copied()?;
                let to = origin.get(tb).copied()?;
                raw.get(from..to).map(|t| t.trim_matches(is_separator))
            })
            .collect();
        if !piece.is_empty() {
            leftover.push(piece.join(" "));
        }
    }

    let mut ticked: BTreeSet<usize> = BTreeSet::new();
    let mut unknown: Option<String> = None;
    for (occ, mark) in &used {
        match mark {
            Some((Mark::Ticked, _)) => {
                ticked.insert(occ.option);
            }
            Some((Mark::Unknown, span)) if unknown.is_none() => {
                unknown = Some(s[span.0..span.1].to_owned());
            }
            _ => {}
        }
    }
    let named: BTreeSet<usize> = used.iter().map(|(o, _)| o.option).collect();
    let (answer, problem) = if let Some(mark) = unknown {
        (None, Some(ProblemKind::UnknownTick { mark }))
    } else if any_mark {
        match ticked.len() {
            1 => (ticked.first().copied(), None),
            0 => (None, Some(ProblemKind::NoneTicked)),
            _ => (None, Some(ProblemKind::SeveralTicked)),
        }
    } else if named.len() == 1 {
        (named.first().copied(), None)
    } else if named.is_empty() && !raw.trim().is_empty() {
        (None, Some(ProblemKind::NoOption))
    } else {
        (None, Some(ProblemKind::NoneTicked))
    };
    let blank = answer.is_none()
        && matches!(problem, Some(ProblemKind::NoneTicked))
        && other.is_none()
        && leftover.is_empty();
    Choice {
        answer,
        problem,
        other,
        leftover,
        blank,
    }
}

/// Parenthesized hints the template puts beside options, e.g. `(yes)`.
fn is_hint_word(t: &str) -> bool {
    matches!(t, "(" | ")" | "（" | "）")
}

fn read_choice(field: Field, segs: &[&Segment], outcome: &mut ParseOutcome) {
    let options = choice_options(field);
    let other_option = (field == Field::Source).then_some(1);
    let mut chosen: Option<(Choice, String)> = None;
    for seg in segs {
        let raw = segment_raw(seg);
        let choice = read_one_choice(&raw, options, other_option);
        let replace = match &chosen {
            None => true,
            Some((first, _)) if first.blank => !choice.blank,
            Some((first, _)) => {
                let same = first.answer == choice.answer && first.other == choice.other;
                if !choice.blank && !same {
                    outcome.unreadable.push(Problem {
                        field,
                        kind: ProblemKind::Duplicate,
                        text: raw.clone(),
                    });
                } else {
                    // The same answer again: only its stray text is new.
                    for piece in &choice.leftover {
                        outcome
                            .extra_text
                            .push(format!("{}：{piece}", field.label_zh()));
                    }
                }
                false
            }
        };
        if replace {
            chosen = Some((choice, raw));
        }
    }
    let Some((choice, raw)) = chosen else {
        return;
    };
    if let Some(kind) = choice.problem {
        outcome.unreadable.push(Problem {
            field,
            kind,
            text: raw,
        });
    }
    for piece in choice.leftover {
        outcome
            .extra_text
            .push(format!("{}：{piece}", field.label_zh()));
    }
    match field {
        Field::PublicCredit => outcome.form.public_credit = choice.answer.map(|a| a == 0),
        _ => {
            outcome.form.source = choice.answer.map(|a| {
                if a == 0 {
                    Source::SelfFound
                } else {
                    Source::Other
                }
            });
            outcome.form.source_other = choice.other;
        }
    }
}

/// The segment's text with the following lines dedented, for tick boxes and CVSS.
fn segment_raw(seg: &Segment) -> String {
    assemble(&seg.inline, &seg.lines, true).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Parse: CVSS
// ---------------------------------------------------------------------------------------

fn vector_token(token: &str) -> Option<&str> {
    let t = token
        .trim_matches(|c: char| "()（）[]［］<>「」『』\"'`,，;；。".contains(c) || (c == '.'));
    let lower = t.get(..5).map(str::to_ascii_lowercase);
    let cvss = lower.as_deref() == Some("cvss:")
        && t[5..].starts_with(|c: char| c.is_ascii_digit())
        && t.contains('/');
    let bare = t.starts_with("AV:") && t.matches('/').count() >= 2;
    (cvss || bare).then_some(t)
}

fn starts_with_vector(s: &str) -> bool {
    s.split_whitespace().next().and_then(vector_token).is_some()
}

/// `CVSS` was matched: an optional version, an optional `分數`/`score`, an optional hint,
/// then a colon (or, on a `◎` line, the value directly).
fn cvss_heading(after: &str, marked: bool) -> Option<(Option<String>, String)> {
    let mut rest = after.trim_start();
    let mut version = None;
    let v_start = rest
        .strip_prefix(['v', 'V'])
        .map(str::trim_start)
        .unwrap_or(rest);
    let taken: String = v_start
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ' ' || *c == 'x' || *c == 'X')
        .collect();
    let compact: String = taken.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_end_matches(['x', 'X']).trim_end_matches('.');
    let plausible = matches!(compact, "2" | "2.0" | "3" | "3.0" | "3.1" | "4" | "4.0");
    if plausible {
        version = Some(compact.to_owned());
        rest = v_start[taken.len()..].trim_start();
    }
    const KEYWORDS: [&str; 12] = [
        "vector and score",
        "score and vector",
        "向量及分數",
        "向量與分數",
        "向量和分數",
        "base score",
        "分數",
        "評分",
        "score",
        "vector",
        "向量",
        "分",
    ];
    if let Some(after_keyword) = KEYWORDS.iter().find_map(|k| match_alias(rest, k)) {
        rest = after_keyword.trim_start();
    }
    if let Some((_, behind)) = strip_group(rest)
        && strip_colon(behind.trim_start()).is_some()
    {
        rest = behind.trim_start();
    }
    if let Some(value) = strip_colon(rest) {
        return Some((version, value.to_owned()));
    }
    if marked && (rest.is_empty() || rest.len() < after.trim_start().len()) {
        return Some((version, rest.to_owned()));
    }
    None
}

fn score_token(t: &str) -> Option<&str> {
    let t = t.trim_end_matches('分');
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || int.len() > 2 || frac.is_some_and(|f| !digits(f) || f.len() > 2) {
        return None;
    }
    let value: f64 = t.parse().ok()?;
    (value <= 10.0).then_some(t)
}

fn is_cvss_word(t: &str) -> bool {
    let lower = t.to_lowercase();
    if matches!(
        lower.as_str(),
        "cvss"
            | "score"
            | "base"
            | "basescore"
            | "分數"
            | "分"
            | "評分"
            | "vector"
            | "向量"
            | "claimed"
            | "="
    ) {
        return true;
    }
    // A version such as "v3.1".
    lower
        .strip_prefix('v')
        .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn read_cvss(segs: &[&Segment], outcome: &mut ParseOutcome) {
    let field = Field::Cvss;
    let mut vectors: Vec<String> = Vec::new();
    let mut scores: Vec<String> = Vec::new();
    let mut raw_all: Vec<String> = Vec::new();
    let version = segs.iter().find_map(|s| s.version.clone());
    for seg in segs {
        let raw = segment_raw(seg);
        if raw.is_empty() {
            continue;
        }
        for line in raw.split('\n') {
            let mut left: Vec<&str> = Vec::new();
            for token in line.split_whitespace() {
                if let Some(v) = vector_token(token) {
                    if !vectors.iter().any(|x| x == v) {
                        vectors.push(v.to_owned());
                    }
                    continue;
                }
                let mut understood = true;
                for part in token.split(|c: char| matches!(fold(c), ':' | '=')) {
                    let part = part.trim_matches(|c: char| "()（）[]［］,，;；。".contains(c));
                    if part.is_empty() || is_cvss_word(part) {
                        continue;
                    }
                    if let Some(score) = score_token(part) {
                        if !scores.iter().any(|x| x == score) {
                            scores.push(score.to_owned());
                        }
                        continue;
                    }
                    understood = false;
                }
                if !understood {
                    left.push(token);
                }
            }
            if !left.is_empty() {
                outcome
                    .extra_text
                    .push(format!("{}：{}", field.label_zh(), left.join(" ")));
            }
        }
        raw_all.push(raw);
    }
    let raw = raw_all.join("\n");
    if vectors.is_empty() && !raw.is_empty() {
        outcome.unreadable.push(Problem {
            field,
            kind: ProblemKind::CvssNoVector,
            text: raw.clone(),
        });
    }
    if vectors.len() > 1 {
        outcome.unreadable.push(Problem {
            field,
            kind: ProblemKind::CvssSeveralVectors,
            text: vectors.join("\n"),
        });
    }
    if scores.len() > 1 {
        outcome.unreadable.push(Problem {
            field,
            kind: ProblemKind::CvssSeveralScores,
            text: scores.join("\n"),
        });
    }
    outcome.form.cvss_version = version;
    outcome.form.cvss_vector = vectors.into_iter().next();
    outcome.form.cvss_claimed_score = scores.into_iter().next();
}
