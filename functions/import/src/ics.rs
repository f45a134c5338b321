//! Calendar files (iCalendar, RFC 5545) to activities.
//!
//! Each VEVENT becomes one activity: who (X-PLUMBLINE-PERSON, else the organiser's or an
//! attendee's firm e-mail), which client (X-PLUMBLINE-CLIENT or `client:ID` in DESCRIPTION,
//! else the one client whose e-mail domain an outside attendee has), which opportunity
//! (X-PLUMBLINE-OPPORTUNITY or `opportunity:ID`, else the client's only open opportunity
//! with that person). Internal meetings (no outside attendee) and cancelled events are skipped
//! and counted; anything else that cannot be linked is an error naming the event's line.

use crate::index::FirmIndex;
use crate::problem::{ProblemCode, Problems};
use crate::{Records, Skipped};
use chrono::NaiveDate;
use plumbline_firm::{Activity, ActivityKind};
use std::collections::BTreeMap;

/// One content line after unfolding: name, parameters, value, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Property {
    line: u64,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// Joins folded lines (a line starting with a space or tab continues the previous one).
fn unfold(text: &str) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ if raw.is_empty() => {}
            _ => out.push((i as u64 + 1, raw.to_string())),
        }
    }
    out
}

/// Splits `NAME;PARAM=V:value`, respecting quoted parameter values.
fn property(line: u64, text: &str) -> Option<Property> {
    let mut in_quotes = false;
    let colon = text.char_indices().find(|&(_, c)| {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        c == ':' && !in_quotes
    })?;
    let (head, value) = (&text[..colon.0], &text[colon.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim_matches('"').to_string()))
        .collect();
    Some(Property { line, name, params, value: unescape(value) })
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A VEVENT's properties and the line of its BEGIN.
struct Event {
    line: u64,
    props: Vec<Property>,
}

impl Event {
    fn get(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &Property> {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// An explicit id: the X- property, else `key:ID` in the description.
    fn explicit(&self, x_name: &str, key: &str) -> Option<(String, String)> {
        if let Some(p) = self.get(x_name) {
            return Some((p.value.trim().to_string(), x_name.to_string()));
        }
        let description = self.get("DESCRIPTION")?;
        description.value.split(|c: char| c.is_whitespace() || c == ',' || c == ';').find_map(|token| {
            let (k, v) = token.split_once(':')?;
            (k.eq_ignore_ascii_case(key) && !v.is_empty())
                .then(|| (v.trim_end_matches(['.', ')', ']']).to_string(), "DESCRIPTION".to_string()))
        })
    }
}

fn email_of(p: &Property) -> Option<String> {
    let v = p.value.trim();
    let v = v.strip_prefix("mailto:").or_else(|| v.strip_prefix("MAILTO:")).unwrap_or(v);
    v.contains('@').then(|| v.to_ascii_lowercase())
}

fn events(text: &str, problems: &mut Problems) -> Vec<Event> {
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    let mut depth = 0usize; // nesting inside the event (VALARM)
    for (line, text) in unfold(text) {
        let Some(prop) = property(line, &text) else {
            problems.push(
                Some(line),
                None,
                Some(&text),
                ProblemCode::Malformed,
                "not an iCalendar content line (NAME:value)",
            );
            continue;
        };
        match (prop.name.as_str(), prop.value.to_ascii_uppercase().as_str(), current.is_some()) {
            ("BEGIN", "VEVENT", false) => current = Some(Event { line, props: Vec::new() }),
            ("BEGIN", _, true) => depth += 1,
            ("END", "VEVENT", true) if depth == 0 => events.extend(current.take()),
            ("END", _, true) => depth = depth.saturating_sub(1),
            (_, _, true) if depth == 0 => {
                if let Some(e) = current.as_mut() {
                    e.props.push(prop);
                }
            }
            _ => {}
        }
    }
    if let Some(e) = current {
        problems.push(Some(e.line), Some("BEGIN"), None, ProblemCode::Malformed, "VEVENT has no END:VEVENT");
    }
    events
}

/// The calendar date of DTSTART: a DATE value, or the date part of a DATE-TIME as written
/// (UTC for `Z` times, the named zone's local date otherwise).
fn start_date(p: &Property) -> Option<NaiveDate> {
    let v = p.value.trim();
    NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok().filter(|_| v.len() == 8 || v.as_bytes().get(8) == Some(&b'T'))
}

fn kind_of(e: &Event) -> Result<ActivityKind, String> {
    if let Some(p) = e.get("X-PLUMBLINE-KIND") {
        return serde_json::from_value(serde_json::Value::String(p.value.trim().to_ascii_lowercase()))
            .map_err(|_| "X-PLUMBLINE-KIND must be call, meeting, email or review".to_string());
    }
    let location = e.get("LOCATION").map(|p| p.value.to_ascii_lowercase()).unwrap_or_default();
    let remote = ["zoom.us", "teams.microsoft", "meet.google", "webex", "tel:", "call"];
    Ok(if remote.iter().any(|r| location.contains(r)) { ActivityKind::Call } else { ActivityKind::Meeting })
}

/// Parses a calendar file into activities.
pub(crate) fn activities(
    bytes: &[u8],
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> (Records, usize) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            problems.push(None, None, None, ProblemCode::Malformed, format!("not UTF-8 text: {e}"));
            return (Records::Activities(Vec::new()), 0);
        }
    };
    if !text.trim_start().to_ascii_uppercase().starts_with("BEGIN:VCALENDAR") {
        problems.push(Some(1), None, None, ProblemCode::Malformed, "an iCalendar file starts with BEGIN:VCALENDAR");
        return (Records::Activities(Vec::new()), 0);
    }
    let events = events(text, problems);
    let total = events.len();
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut skips: BTreeMap<&'static str, Vec<u64>> = BTreeMap::new();
    for e in &events {
        let before = problems.list.len();
        let mut bad = |column: &str, value: Option<&str>, code, message: String| {
            problems.push(Some(e.line), Some(column), value, code, message);
        };
        if e.get("STATUS").is_some_and(|s| s.value.trim().eq_ignore_ascii_case("CANCELLED")) {
            skips.entry("cancelled event").or_default().push(e.line);
            continue;
        }
        let uid = e.get("UID").map(|p| p.value.trim().to_string()).filter(|u| !u.is_empty());
        let id = uid.map(|u| match e.get("RECURRENCE-ID") {
            Some(r) => format!("{u}#{}", r.value.trim()),
            None => u,
        });
        match &id {
            None => bad("UID", None, ProblemCode::Blank, "every event needs a UID (its stable id)".into()),
            Some(id) => {
                if let Some(first) = seen.get(id) {
                    bad("UID", Some(id), ProblemCode::DuplicateId, format!("appears again; first at line {first}"));
                } else {
                    seen.insert(id.clone(), e.line);
                }
            }
        }
        let date = match e.get("DTSTART") {
            None => {
                bad("DTSTART", None, ProblemCode::Blank, "every event needs a DTSTART".into());
                None
            }
            Some(p) => {
                let d = start_date(p);
                if d.is_none() {
                    bad(
                        "DTSTART",
                        Some(&p.value),
                        ProblemCode::BadDate,
                        "not an iCalendar date (YYYYMMDD or YYYYMMDDTHHMMSS)".into(),
                    );
                }
                d
            }
        };
        let emails: Vec<String> =
            e.get("ORGANIZER").into_iter().chain(e.all("ATTENDEE")).filter_map(email_of).collect();
        let person = match e.get("X-PLUMBLINE-PERSON") {
            Some(p) => {
                let id = p.value.trim().to_string();
                if !index.people.contains_key(&id) {
                    bad(
                        "X-PLUMBLINE-PERSON",
                        Some(&id),
                        ProblemCode::UnknownReference,
                        "names no person in the firm".into(),
                    );
                }
                Some(id)
            }
            None => emails.iter().find_map(|m| index.person_by_email(m)).map(|p| p.id.clone()),
        };
        let outside: Vec<&String> = emails.iter().filter(|m| index.person_by_email(m).is_none()).collect();
        let client = match e.explicit("X-PLUMBLINE-CLIENT", "client") {
            Some((id, column)) => {
                if !index.clients.contains_key(&id) {
                    bad(&column, Some(&id), ProblemCode::UnknownReference, "names no client in the firm".into());
                }
                Some(id)
            }
            None => {
                let mut found: Vec<&str> = Vec::new();
                for m in &outside {
                    let domain = m.rsplit('@').next().unwrap_or_default();
                    let clients = index.clients_by_domain(domain);
                    // Several clients on one domain: prefer the one this person owns.
                    let pick = match clients.as_slice() {
                        [one] => Some(one.id.as_str()),
                        many => {
                            let owned: Vec<_> = many.iter().filter(|c| Some(&c.owner_id) == person.as_ref()).collect();
                            if let [one] = owned.as_slice() { Some(one.id.as_str()) } else { None }
                        }
                    };
                    if let Some(p) = pick
                        && !found.contains(&p)
                    {
                        found.push(p);
                    }
                }
                match found.as_slice() {
                    [one] => Some(one.to_string()),
                    [] if outside.is_empty() => {
                        skips.entry("no outside attendee (internal meeting)").or_default().push(e.line);
                        continue;
                    }
                    [] => {
                        let list = outside.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                        bad(
                            "ATTENDEE",
                            Some(&list),
                            ProblemCode::UnknownReference,
                            "no attendee's e-mail domain is a client's; add X-PLUMBLINE-CLIENT".into(),
                        );
                        None
                    }
                    many => {
                        bad(
                            "ATTENDEE",
                            Some(&many.join(", ")),
                            ProblemCode::BadValue,
                            "attendees are from several clients; add X-PLUMBLINE-CLIENT".into(),
                        );
                        None
                    }
                }
            }
        };
        if person.is_none() {
            let list = emails.join(", ");
            bad(
                "ORGANIZER",
                Some(&list),
                ProblemCode::UnknownReference,
                "no organiser or attendee is a person in the firm; add X-PLUMBLINE-PERSON".into(),
            );
        }
        let opportunity = match e.explicit("X-PLUMBLINE-OPPORTUNITY", "opportunity") {
            Some((id, column)) => {
                if !index.opportunities.contains_key(&id) {
                    bad(&column, Some(&id), ProblemCode::UnknownReference, "names no opportunity in the firm".into());
                }
                Some(id)
            }
            None => {
                let open: Vec<&str> = index
                    .opportunities
                    .values()
                    .filter(|o| {
                        Some(&o.client_id) == client.as_ref()
                            && Some(&o.owner_id) == person.as_ref()
                            && o.stage.is_open()
                    })
                    .map(|o| o.id.as_str())
                    .collect();
                if let [one] = open.as_slice() { Some(one.to_string()) } else { None }
            }
        };
        let kind = kind_of(e).map_err(|m| bad("X-PLUMBLINE-KIND", None, ProblemCode::BadValue, m)).ok();
        if problems.list.len() > before {
            continue;
        }
        if let (Some(id), Some(date), Some(person_id), Some(client_id), Some(kind)) = (id, date, person, client, kind) {
            out.push((e.line, Activity { id, date, person_id, client_id, opportunity_id: opportunity, kind }));
        }
    }
    skipped.extend(skips.into_iter().map(|(reason, rows)| crate::skipped(reason, rows)));
    (Records::Activities(out), total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_splits_properties() {
        let lines = unfold(
            "BEGIN:VEVENT\r\nDESCRIPTION:first\r\n  part\r\nATTENDEE;CN=\"Doe: J\";ROLE=REQ:mailto:j@x.example\r\n",
        );
        assert_eq!(lines[1], (2, "DESCRIPTION:first part".to_string()));
        let p = property(4, &lines[2].1).unwrap();
        assert_eq!(p.name, "ATTENDEE");
        assert_eq!(p.params[0], ("CN".to_string(), "Doe: J".to_string()));
        assert_eq!(p.value, "mailto:j@x.example");
        assert_eq!(property(1, "SUMMARY:a\\, b\\nc").unwrap().value, "a, b\nc");
    }
}
