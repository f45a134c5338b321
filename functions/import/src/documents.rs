//! JSON documents: the firm's settings and plan versions. A problem names the JSON path in its
//! `column` (and the line, when the JSON itself is unreadable).

use crate::index::FirmIndex;
use crate::problem::{ProblemCode, Problems};
use crate::values::parse_date;
use crate::{PlanDocument, Records};
use plumbline_engine::{Currency, Plan, PlanError};
use plumbline_firm::StoredSettings;
use plumbline_regulation::{RegulatedPlan, RegulationError};
use serde_json::Value;

/// Reads the bytes as one JSON value, reporting where it stops being JSON.
fn json(bytes: &[u8], problems: &mut Problems) -> Option<Value> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(
                Some(e.line() as u64),
                None,
                None,
                ProblemCode::Malformed,
                format!("not readable as JSON: {e}"),
            );
            None
        }
    }
}

const SETTINGS_FIELDS: &str = "name, base_currency, fiscal_year_start_month, as_of";

/// The firm's settings: `{"name", "base_currency", "fiscal_year_start_month", "as_of"?}`.
pub(crate) fn settings(bytes: &[u8], problems: &mut Problems) -> Records {
    let Some(doc) = json(bytes, problems) else { return Records::Settings(Vec::new()) };
    let Some(fields) = doc.as_object() else {
        problems.push(
            None,
            Some("$"),
            None,
            ProblemCode::Malformed,
            format!("expected an object with {SETTINGS_FIELDS}"),
        );
        return Records::Settings(Vec::new());
    };
    let mut bad = |path: &str, value: Option<&Value>, code, message: String| {
        let shown = value.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        problems.push(None, Some(path), shown.as_deref(), code, message);
    };
    for key in fields.keys() {
        if !SETTINGS_FIELDS.split(", ").any(|k| k == key) {
            bad(key, None, ProblemCode::BadValue, format!("unknown field; settings have {SETTINGS_FIELDS}"));
        }
    }
    let name = match fields.get("name").and_then(Value::as_str).map(str::trim) {
        Some(n) if !n.is_empty() => Some(n.to_string()),
        _ => {
            bad("name", fields.get("name"), ProblemCode::Blank, "the firm's name is required".into());
            None
        }
    };
    let currency = fields.get("base_currency");
    let base_currency = match currency.and_then(Value::as_str) {
        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) => Some(Currency::new(c)),
        _ => {
            let message = "base_currency must be a three-letter ISO 4217 code such as GBP".into();
            bad("base_currency", currency, ProblemCode::BadValue, message);
            None
        }
    };
    let month = fields.get("fiscal_year_start_month");
    let fiscal_year_start_month = match month.and_then(Value::as_u64) {
        Some(m @ 1..=12) => Some(m as u32),
        _ => {
            let message = "fiscal_year_start_month must be a month number from 1 to 12".into();
            bad("fiscal_year_start_month", month, ProblemCode::BadValue, message);
            None
        }
    };
    let as_of = match fields.get("as_of") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let read = v.as_str().ok_or_else(|| "as_of must be a date YYYY-MM-DD".to_string());
            read.and_then(|text| parse_date(text, None)).map(Some).inspect_err(|message| {
                bad("as_of", Some(v), ProblemCode::BadDate, message.clone());
            })
        }
    };
    let (Some(name), Some(base_currency), Some(fiscal_year_start_month), Ok(as_of)) =
        (name, base_currency, fiscal_year_start_month, as_of)
    else {
        return Records::Settings(Vec::new());
    };
    Records::Settings(vec![(1, StoredSettings { name, as_of, base_currency, fiscal_year_start_month })])
}

/// One plan version, validated as the engine validates plans, or a regulated plan document
/// (`{"plan": ..., "regulation": ...}`) validated with its rules. A version already stored with
/// other content is refused (a version that has paid people never changes: give a new one), and
/// so are rules that differ from the plan's stored ones.
pub(crate) fn plan(bytes: &[u8], index: &FirmIndex, problems: &mut Problems) -> Records {
    let none = Records::Plans(Vec::new());
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            problems.push(None, None, None, ProblemCode::Malformed, format!("not UTF-8 text: {e}"));
            return none;
        }
    };
    let Some(doc) = json(text.as_bytes(), problems) else { return none };
    let regulated = doc.get("regulation").is_some();
    let parsed = if regulated {
        RegulatedPlan::from_json(text).map(|d| (d.plan, Some(d.regulation))).map_err(|e| match e {
            RegulationError::Malformed { line, message, .. } => (Some(line), vec![(None, message)]),
            RegulationError::Invalid(found) => (None, found.into_iter().map(|p| (Some(p.path), p.message)).collect()),
            other => (None, vec![(None, other.to_string())]),
        })
    } else {
        Plan::from_json(text).map(|p| (p, None)).map_err(|e| match e {
            PlanError::Malformed { line, message, .. } => (Some(line), vec![(None, message)]),
            PlanError::Invalid(found) => (None, found.into_iter().map(|p| (Some(p.path), p.message)).collect()),
        })
    };
    let (plan, regulation) = match parsed {
        Ok(found) => found,
        Err((line, found)) => {
            for (path, message) in found {
                let (code, message) = match path {
                    Some(_) => (ProblemCode::BadValue, message),
                    None => (ProblemCode::Malformed, format!("not a plan document: {message}")),
                };
                problems.push(line.map(|l| l as u64), path.as_deref(), None, code, message);
            }
            return none;
        }
    };
    let at = |field: &str| if regulated { format!("plan.{field}") } else { field.to_string() };
    if let Some(stored) = index.plans.get(&(plan.id.clone(), plan.version))
        && *stored != plan
    {
        let message = format!(
            "plan {} version {} is already in the firm with other content; plan versions never change: give this one a new version",
            plan.id, plan.version
        );
        problems.push(None, Some(&at("version")), Some(&plan.version.to_string()), ProblemCode::BadValue, message);
    }
    if let (Some(stored), Some(new)) = (index.regulations.get(&plan.id), &regulation)
        && stored != new
    {
        let message = format!("plan {}'s regulation is already in the firm with other content", plan.id);
        problems.push(None, Some("regulation"), None, ProblemCode::BadValue, message);
    }
    Records::Plans(vec![(1, PlanDocument { plan, regulation })])
}
