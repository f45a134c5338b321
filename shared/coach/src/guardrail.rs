//! The guardrail: generated text may state only numbers and names found in the evidence.
//!
//! Numbers: every figure in the text (with `£ $ €`, thousands commas, decimals, `%`, an `x`
//! ratio, `k`/`m`/`bn` scales, dates, and the words two to twenty) must equal a fact of the
//! evidence rounded to the decimals the text shows; a currency symbol matches only money, `%`
//! only percentages, `x` only ratios. Identifiers with digits (`O00042`, `Q3`) must be record
//! ids or labels of the evidence (`P10`, `P50` and `P90` are the forecast's own terms).
//! Names: a name of the firm's directory (`known_names`) that is not in the evidence is
//! rejected, as is any run of two or more capitalised words, not starting a sentence, that is
//! not part of an allowed name.

use crate::evidence::{Evidence, Value};
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::str::FromStr;

/// Something the text states that the evidence does not support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unsupported {
    /// A number found in no fact.
    Number {
        /// The text as written.
        text: String,
    },
    /// An identifier found in no record or label.
    Identifier {
        /// The text as written.
        text: String,
    },
    /// A name not in the evidence.
    Name {
        /// The text as written.
        text: String,
    },
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsupported::Number { text } => write!(f, "number `{text}` is not in the evidence"),
            Unsupported::Identifier { text } => write!(f, "identifier `{text}` is not in the evidence"),
            Unsupported::Name { text } => write!(f, "name `{text}` is not in the evidence"),
        }
    }
}

const FORECAST_TERMS: [&str; 3] = ["P10", "P50", "P90"];
const NUMBER_WORDS: [&str; 19] = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Money,
    Percent,
    Ratio,
    Plain,
}

/// Checks `text` against `evidence`; `known_names` are the directory's names (people, clients)
/// that must not appear unless the evidence names them. Returns everything unsupported.
pub fn check(text: &str, evidence: &Evidence, known_names: &[String]) -> Result<(), Vec<Unsupported>> {
    let mut problems = Vec::new();
    let mut allowed_names: Vec<String> = evidence.names.clone();
    let mut labels: Vec<String> = Vec::new();
    for f in &evidence.facts {
        match &f.value {
            Value::Text(t) => {
                allowed_names.push(t.clone());
                labels.push(t.clone());
            }
            Value::Date(d) => labels.push(d.to_string()),
            _ => {}
        }
    }
    allowed_names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    // Allowed names are blanked first so their words and digits are not checked again.
    let mut rest = text.to_string();
    for n in allowed_names.iter().filter(|n| !n.is_empty()) {
        rest = rest.replace(n.as_str(), &" ".repeat(n.len()));
    }
    let candidates = numbers(evidence);
    let ids: BTreeSet<&str> = evidence.records.iter().map(|r| r.id.as_str()).collect();
    for raw in rest.split(|c: char| c.is_whitespace() || c == '/' || c == '(' || c == ')' || c == ';') {
        let word = raw.trim_matches(|c: char| matches!(c, ',' | ':' | '"' | '\'' | '!' | '?' | '[' | ']'));
        let word = word.strip_suffix('.').unwrap_or(word);
        if word.is_empty() {
            continue;
        }
        if NUMBER_WORDS.contains(&word.to_lowercase().as_str()) {
            let n = NUMBER_WORDS.iter().position(|w| *w == word.to_lowercase()).unwrap_or(0) + 2;
            if !supported(&candidates, Decimal::from(n), 0, Decimal::ONE, Kind::Plain) {
                problems.push(Unsupported::Number { text: word.to_string() });
            }
            continue;
        }
        if !word.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if word.chars().next().is_some_and(|c| c.is_alphabetic()) {
            let id = word.trim_end_matches(['\'', 's']);
            let known = FORECAST_TERMS.contains(&id) || ids.contains(id) || labels.iter().any(|l| l.contains(id));
            if !known {
                problems.push(Unsupported::Identifier { text: word.to_string() });
            }
            continue;
        }
        if is_date_like(word) {
            if !labels.iter().any(|l| l.contains(word)) {
                problems.push(Unsupported::Number { text: word.to_string() });
            }
            continue;
        }
        if let Some((value, decimals, scale, kind)) = parse_number(word) {
            if !supported(&candidates, value, decimals, scale, kind) {
                problems.push(Unsupported::Number { text: word.to_string() });
            }
        } else {
            problems.push(Unsupported::Number { text: word.to_string() });
        }
    }
    problems.extend(names(&rest, known_names, &allowed_names));
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn numbers(evidence: &Evidence) -> Vec<(Decimal, Kind)> {
    let mut out = Vec::new();
    for f in &evidence.facts {
        match &f.value {
            Value::Money(m) => out.push((m.amount.abs(), Kind::Money)),
            Value::Percent(p) => out.push((p.abs(), Kind::Percent)),
            Value::Ratio(r) => out.push((r.abs(), Kind::Ratio)),
            Value::Days(d) | Value::Count(d) => out.push((Decimal::from(d.abs()), Kind::Plain)),
            Value::Date(d) => {
                for n in [d.year() as i64, i64::from(d.month()), i64::from(d.day())] {
                    out.push((Decimal::from(n), Kind::Plain));
                }
            }
            Value::Text(_) => {}
        }
    }
    out
}

fn supported(candidates: &[(Decimal, Kind)], value: Decimal, decimals: u32, scale: Decimal, kind: Kind) -> bool {
    candidates.iter().any(|(v, k)| {
        let kind_ok = match kind {
            Kind::Plain => true,
            Kind::Money => *k == Kind::Money,
            Kind::Percent => *k == Kind::Percent,
            Kind::Ratio => *k == Kind::Ratio,
        };
        kind_ok && (*v / scale).round_dp(decimals) == value
    })
}

fn is_date_like(word: &str) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts[0].len() == 4
}

/// Parses `£1,234.5k`, `41%`, `1.8x`, `-12`: (absolute value, decimals shown, scale, kind).
fn parse_number(word: &str) -> Option<(Decimal, u32, Decimal, Kind)> {
    let mut w = word.trim_start_matches(['-', '+', '~', '≈']);
    let mut kind = Kind::Plain;
    for sym in ["£", "$", "€", "GBP", "USD", "EUR"] {
        if let Some(r) = w.strip_prefix(sym) {
            w = r;
            kind = Kind::Money;
        }
    }
    let mut scale = Decimal::ONE;
    if let Some(r) = w.strip_suffix('%') {
        w = r;
        kind = Kind::Percent;
    } else if let Some(r) = w.strip_suffix('x') {
        w = r;
        kind = Kind::Ratio;
    } else {
        for (suffix, s) in [("bn", 1_000_000_000i64), ("m", 1_000_000), ("k", 1_000)] {
            if let Some(r) = w.strip_suffix(suffix) {
                w = r;
                scale = Decimal::from(s);
                break;
            }
        }
    }
    if w.is_empty() || !w.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    let plain: String = w.chars().filter(|c| *c != ',').collect();
    let decimals = plain.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    Some((Decimal::from_str(&plain).ok()?, decimals, scale, kind))
}

fn title_case(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_uppercase())
        && word.chars().skip(1).any(|c| c.is_lowercase())
        && word.chars().all(|c| c.is_alphabetic() || c == '\'' || c == '-')
}

fn names(rest: &str, known_names: &[String], allowed: &[String]) -> Vec<Unsupported> {
    let mut out = Vec::new();
    let allowed_words: BTreeSet<&str> = allowed.iter().flat_map(|n| n.split_whitespace()).collect();
    for n in known_names.iter().filter(|n| n.len() >= 3) {
        if rest.contains(n.as_str()) && !out.iter().any(|u| matches!(u, Unsupported::Name { text } if text == n)) {
            out.push(Unsupported::Name { text: n.clone() });
        }
    }
    let known_words: BTreeSet<&str> =
        known_names.iter().flat_map(|n| n.split_whitespace()).filter(|w| w.len() >= 3 && title_case(w)).collect();
    // Runs of capitalised words, ignoring the first word of a sentence.
    let mut run: Vec<&str> = Vec::new();
    let mut sentence_start = true;
    let flush = |run: &mut Vec<&str>, out: &mut Vec<Unsupported>| {
        if run.len() >= 2 {
            out.push(Unsupported::Name { text: run.join(" ") });
        }
        run.clear();
    };
    for raw in rest.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-');
        let word = word.strip_suffix("'s").unwrap_or(word);
        let ends = raw.ends_with(['.', ':', '!', '?', ';', ',', ')']);
        if title_case(word) && !sentence_start && !allowed_words.contains(word) {
            if known_words.contains(word) && !run.is_empty() {
                // Part of a run already; reported with it.
            } else if known_words.contains(word) {
                out.push(Unsupported::Name { text: word.to_string() });
            }
            run.push(word);
        } else {
            flush(&mut run, &mut out);
        }
        if ends {
            flush(&mut run, &mut out);
        }
        sentence_start = raw.ends_with(['.', ':', '!', '?']);
    }
    flush(&mut run, &mut out);
    // One report per name: drop those inside a longer reported one.
    let texts: Vec<String> = out.iter().map(|u| u.to_string()).collect();
    let mut kept: Vec<Unsupported> = Vec::new();
    for (i, u) in out.iter().enumerate() {
        let Unsupported::Name { text } = u else { continue };
        let inside_longer = out
            .iter()
            .any(|o| matches!(o, Unsupported::Name { text: t } if t.len() > text.len() && t.contains(text.as_str())));
        if !inside_longer && !texts[..i].contains(&texts[i]) {
            kept.push(u.clone());
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Money;
    use rust_decimal::Decimal;

    fn evidence() -> Evidence {
        let mut ev = Evidence::default();
        ev.fact(
            "amount",
            "deal amount",
            Value::Money(Money { amount: Decimal::new(123_456_789, 2), currency: "GBP".into() }),
        )
        .fact("attainment", "attainment", Value::Percent(Decimal::new(412, 1)))
        .fact("days", "days in stage", Value::Days(41))
        .fact("pushes", "pushes", Value::Count(3))
        .fact("coverage", "coverage", Value::Ratio(Decimal::new(18, 1)))
        .fact("close", "close", Value::Date("2026-12-15".parse().unwrap()))
        .fact("stage", "stage", Value::Text("Proposal".into()))
        .record(crate::evidence::RecordKind::Opportunity, "O00042")
        .name("Priya Shah")
        .name("Avon Pension Fund");
        ev
    }

    fn known() -> Vec<String> {
        vec!["Priya Shah".into(), "Tom Baker".into(), "Avon Pension Fund".into(), "Kent County Council".into()]
    }

    fn rejected(text: &str) -> Vec<Unsupported> {
        check(text, &evidence(), &known()).expect_err(text)
    }

    #[test]
    fn money_in_any_honest_rounding_is_accepted() {
        for text in [
            "Avon Pension Fund (£1,234,567.89) is stalling.",
            "It is worth £1,234,568 to Priya Shah.",
            "About £1.2m is at stake, or £1,235k.",
            "1234567.89 pounds.",
        ] {
            assert_eq!(check(text, &evidence(), &known()), Ok(()), "{text}");
        }
    }

    #[test]
    fn invented_or_altered_money_is_rejected() {
        assert_eq!(rejected("It is worth £1,300,000."), vec![Unsupported::Number { text: "£1,300,000".into() }]);
        assert_eq!(rejected("Worth £1.3m."), vec![Unsupported::Number { text: "£1.3m".into() }]);
        // A money figure must match money, not the 41 days.
        assert_eq!(rejected("Only £41 left."), vec![Unsupported::Number { text: "£41".into() }]);
    }

    #[test]
    fn percentages_ratios_days_and_counts() {
        assert_eq!(
            check("At 41.2% (41%), 1.8x covered, 41 days, pushed 3 times, three pushes.", &evidence(), &known()),
            Ok(())
        );
        assert_eq!(rejected("At 42% of quota."), vec![Unsupported::Number { text: "42%".into() }]);
        // 41 days is not 41%.
        assert_eq!(rejected("Up 41.0% this year."), vec![Unsupported::Number { text: "41.0%".into() }]);
        assert_eq!(rejected("Covered 2.5x."), vec![Unsupported::Number { text: "2.5x".into() }]);
        assert_eq!(rejected("Pushed five times."), vec![Unsupported::Number { text: "five".into() }]);
        assert_eq!(rejected("Pushed 7 times."), vec![Unsupported::Number { text: "7".into() }]);
    }

    #[test]
    fn dates_and_identifiers_must_be_in_the_evidence() {
        assert_eq!(check("Close by 2026-12-15 on O00042 (P50).", &evidence(), &known()), Ok(()));
        assert_eq!(rejected("Close by 2027-01-31."), vec![Unsupported::Number { text: "2027-01-31".into() }]);
        assert_eq!(rejected("See O99999."), vec![Unsupported::Identifier { text: "O99999".into() }]);
    }

    #[test]
    fn names_outside_the_evidence_are_rejected() {
        assert_eq!(
            check("Priya Shah should call Avon Pension Fund about the Proposal.", &evidence(), &known()),
            Ok(())
        );
        assert_eq!(rejected("Ask Tom Baker to help."), vec![Unsupported::Name { text: "Tom Baker".into() }]);
        assert_eq!(
            rejected("Also chase Kent County Council."),
            vec![Unsupported::Name { text: "Kent County Council".into() }]
        );
        // A name the directory does not know is still caught as a run of capitalised words.
        assert_eq!(rejected("Talk to Sarah Jones first."), vec![Unsupported::Name { text: "Sarah Jones".into() }]);
        // The first word of a sentence is not a name.
        assert_eq!(check("Call Avon Pension Fund. Then update the deal.", &evidence(), &known()), Ok(()));
    }
}
