//! Plan version diff: what changed between two versions, path by path, in plain sentences.
//!
//! The diff works on the plans' JSON form, so a field added to [`Plan`] later is covered
//! without touching this module. Three things need more than a generic JSON diff:
//!
//! - Arrays whose elements all carry a unique string `id` (components, KPIs) are matched by
//!   id, so moving a component is one "reordered" change rather than every field changing.
//!   Arrays of plain values (measure kinds, products, overlay roles) are compared as sets.
//!   Other arrays (tiers, curve points) are compared by position, as designers number them.
//! - Values are shown as a designer reads them: fractions as exact percentages (keys `rate`,
//!   `up_to`, `*_multiple`, `threshold`, `min_attainment`, `attainment`, `payout`, `weight`,
//!   `max_score`, and crediting split shares), amounts as money in the new plan's currency
//!   (keys ending `amount`, `target`, `target_incentive`, `per_unit`).
//! - Sentences name the component (by its name) and the tier (by its 1-based number). A
//!   formula (key `expression`) is quoted whole in backticks and is "changed", never "raised".
//!
//! Order is deterministic: at each level, plain fields before nested ones, each alphabetical;
//! within id-matched arrays, removed elements (in old order), then the new plan's elements in
//! its order, then a reordering note.

use crate::format;
use crate::money::Currency;
use crate::plan::Plan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// What happened at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Present only in the new plan.
    Added,
    /// Present only in the old plan.
    Removed,
    /// Present in both with different values.
    Changed,
    /// The same elements in a different order.
    Reordered,
}

/// One difference between two plan versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanChange {
    /// JSON path in the plan, e.g. `components[1].tiers[2].rate`; indexes are the new plan's,
    /// except for removed elements, which carry their old index.
    pub path: String,
    /// Added, removed, changed or reordered.
    pub kind: ChangeKind,
    /// The old value as displayed, absent when added.
    pub old: Option<String>,
    /// The new value as displayed, absent when removed.
    pub new: Option<String>,
    /// A plain sentence, e.g. "Tier 3 rate of 'Fee revenue' raised from 7% to 8%".
    pub description: String,
}

/// Every difference from `old` to `new`, in a deterministic order (see the module docs).
pub fn diff_plans(old: &Plan, new: &Plan) -> Vec<PlanChange> {
    // Serialising a plan cannot fail (string map keys, plain data); Null would show as a
    // single whole-plan change rather than a panic.
    let old_json = serde_json::to_value(old).unwrap_or(Value::Null);
    let new_json = serde_json::to_value(new).unwrap_or(Value::Null);
    let mut differ = Differ { currency: new.currency.clone(), changes: Vec::new() };
    differ.value(&mut Vec::new(), &old_json, &new_json);
    differ.changes
}

/// How an array element is referred to in sentences.
#[derive(Debug, Clone)]
enum Owner {
    /// Matched by id: "Component 'Fee revenue'", or "of 'Fee revenue'" after a field.
    Named { singular: String, name: String },
    /// Matched by position: "Tier 3".
    Numbered(String),
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    /// An array element; set members have no owner, they are quoted by value instead.
    Index(usize, Option<Owner>),
}

struct Differ {
    currency: Currency,
    changes: Vec<PlanChange>,
}

impl Differ {
    fn value(&mut self, path: &mut Vec<Step>, old: &Value, new: &Value) {
        if old == new {
            return;
        }
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => self.object(path, a, b),
            (Value::Array(a), Value::Array(b)) => self.array(path, a, b),
            _ => self.record(path, ChangeKind::Changed, Some(old), Some(new)),
        }
    }

    fn object(&mut self, path: &mut Vec<Step>, old: &Map<String, Value>, new: &Map<String, Value>) {
        // A null field is an absent one: optional fields may be written either way.
        let get = |map: &'_ Map<String, Value>, key: &str| map.get(key).filter(|v| !v.is_null()).cloned();
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let nested = |key: &&String| {
            [old.get(key.as_str()), new.get(key.as_str())].into_iter().flatten().any(|v| v.is_object() || v.is_array())
        };
        let (nested_keys, plain_keys): (Vec<&String>, Vec<&String>) = keys.into_iter().partition(nested);
        for key in plain_keys.into_iter().chain(nested_keys) {
            path.push(Step::Key(key.clone()));
            match (get(old, key), get(new, key)) {
                (Some(a), Some(b)) => self.value(path, &a, &b),
                (None, Some(b)) => self.record(path, ChangeKind::Added, None, Some(&b)),
                (Some(a), None) => self.record(path, ChangeKind::Removed, Some(&a), None),
                (None, None) => {}
            }
            path.pop();
        }
    }

    fn array(&mut self, path: &mut Vec<Step>, old: &[Value], new: &[Value]) {
        if let (Some(old_ids), Some(new_ids)) = (ids(old), ids(new)) {
            self.by_id(path, old, new, &old_ids, &new_ids);
        } else if is_set(old) && is_set(new) {
            self.as_set(path, old, new);
        } else {
            self.by_position(path, old, new);
        }
    }

    fn by_id(&mut self, path: &mut Vec<Step>, old: &[Value], new: &[Value], old_ids: &[&str], new_ids: &[&str]) {
        let singular = singular(path);
        let owner = |element: &Value, id: &str| Owner::Named {
            singular: singular.clone(),
            name: element.get("name").and_then(Value::as_str).unwrap_or(id).to_string(),
        };
        let old_at: BTreeMap<&str, usize> = old_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let new_at: BTreeMap<&str, usize> = new_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        for (i, (element, id)) in old.iter().zip(old_ids).enumerate() {
            if !new_at.contains_key(id) {
                path.push(Step::Index(i, Some(owner(element, id))));
                self.record(path, ChangeKind::Removed, Some(element), None);
                path.pop();
            }
        }
        for (j, (element, id)) in new.iter().zip(new_ids).enumerate() {
            path.push(Step::Index(j, Some(owner(element, id))));
            match old_at.get(id).and_then(|&i| old.get(i)) {
                Some(before) => self.value(path, before, element),
                None => self.record(path, ChangeKind::Added, None, Some(element)),
            }
            path.pop();
        }
        let kept_old: Vec<&str> = old_ids.iter().copied().filter(|id| new_at.contains_key(id)).collect();
        let kept_new: Vec<&str> = new_ids.iter().copied().filter(|id| old_at.contains_key(id)).collect();
        if kept_old != kept_new {
            // Both orders in the new plan's names, so a rename does not blur the comparison.
            let names = |order: &[&str]| {
                let names: Vec<String> =
                    order.iter().filter_map(|id| new_at.get(id).and_then(|&j| new.get(j))).map(label_of).collect();
                Value::String(names.join(", "))
            };
            self.record(path, ChangeKind::Reordered, Some(&names(&kept_old)), Some(&names(&kept_new)));
        }
    }

    fn as_set(&mut self, path: &mut Vec<Step>, old: &[Value], new: &[Value]) {
        let mut changed = false;
        for (kind, from, to) in [(ChangeKind::Removed, old, new), (ChangeKind::Added, new, old)] {
            for (i, element) in from.iter().enumerate().filter(|(_, e)| !to.contains(e)) {
                changed = true;
                path.push(Step::Index(i, None));
                let (a, b) = if kind == ChangeKind::Removed { (Some(element), None) } else { (None, Some(element)) };
                self.record(path, kind, a, b);
                path.pop();
            }
        }
        if !changed {
            self.record(path, ChangeKind::Reordered, Some(&Value::from(old)), Some(&Value::from(new)));
        }
    }

    fn by_position(&mut self, path: &mut Vec<Step>, old: &[Value], new: &[Value]) {
        let singular = format::capitalise(&singular(path));
        for i in 0..old.len().max(new.len()) {
            path.push(Step::Index(i, Some(Owner::Numbered(format!("{singular} {}", i + 1)))));
            match (old.get(i), new.get(i)) {
                (Some(a), Some(b)) => self.value(path, a, b),
                (None, Some(b)) => self.record(path, ChangeKind::Added, None, Some(b)),
                (Some(a), None) => self.record(path, ChangeKind::Removed, Some(a), None),
                (None, None) => {}
            }
            path.pop();
        }
    }

    fn record(&mut self, path: &[Step], kind: ChangeKind, old: Option<&Value>, new: Option<&Value>) {
        let key = value_key(path);
        let show = |v: &Value| display(v, key, &self.currency);
        let (mut old_text, mut new_text) = (old.map(show), new.map(show));
        if old_text.is_some() && old_text == new_text {
            // Money display rounds to the minor unit; show the exact values rather than a
            // change from £10.00 to £10.00.
            (old_text, new_text) = (old.map(raw), new.map(raw));
        }
        let description = describe(path, kind, old, new, old_text.as_deref(), new_text.as_deref());
        self.changes.push(PlanChange { path: path_text(path), kind, old: old_text, new: new_text, description });
    }
}

/// The ids of an array whose elements are all objects with a unique string `id`.
fn ids(list: &[Value]) -> Option<Vec<&str>> {
    let ids: Vec<&str> = list.iter().map(|e| e.get("id").and_then(Value::as_str)).collect::<Option<_>>()?;
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    (unique.len() == ids.len()).then_some(ids)
}

/// Whether an array holds distinct plain values, so order carries no meaning to compare.
fn is_set(list: &[Value]) -> bool {
    list.iter().all(|v| !v.is_object() && !v.is_array()) && list.iter().enumerate().all(|(i, v)| !list[..i].contains(v))
}

fn label_of(element: &Value) -> String {
    element.get("name").or_else(|| element.get("id")).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The key naming the value at `path`, and the key above it (`splits` for a split share).
fn value_key(path: &[Step]) -> (&str, &str) {
    let mut keys = path.iter().rev().filter_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(..) => None,
    });
    (keys.next().unwrap_or_default(), keys.next().unwrap_or_default())
}

fn path_text(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(i, _) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// Singular noun for an element of the array at the end of `path`.
fn singular(path: &[Step]) -> String {
    match value_key(path).0 {
        "kpis" => "KPI".to_string(),
        "curve" => "curve point".to_string(),
        key => humanise(key.strip_suffix('s').unwrap_or(key)),
    }
}

/// A field's name as words.
fn label(key: &str) -> String {
    match key {
        "up_to" => "upper bound".to_string(),
        "cap_quota_multiple" => "cap (multiple of quota)".to_string(),
        "cap_fixed_pay_multiple" => "cap (multiple of fixed pay)".to_string(),
        "cap_amount" => "cap".to_string(),
        "min_attainment" => "minimum attainment".to_string(),
        "min_amount" => "minimum amount".to_string(),
        "per_unit" => "amount per unit".to_string(),
        "aum_fee" => "AUM fee".to_string(),
        "bps" => "basis points".to_string(),
        "kpis" => "KPIs".to_string(),
        "expression" => "formula".to_string(),
        key => humanise(key),
    }
}

fn humanise(key: &str) -> String {
    key.replace('_', " ")
}

/// Whether a key holds a fraction shown as a percentage.
fn is_fraction((key, parent): (&str, &str)) -> bool {
    const KEYS: [&str; 8] =
        ["rate", "up_to", "threshold", "min_attainment", "attainment", "payout", "weight", "max_score"];
    KEYS.contains(&key) || key.ends_with("_multiple") || parent == "splits"
}

/// Whether a key holds money in the plan's currency.
fn is_money((key, _): (&str, &str)) -> bool {
    key.ends_with("amount") || ["target", "target_incentive", "per_unit"].contains(&key)
}

fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

/// A fraction as an exact percentage: 0.00125 is `0.125%`. (`format::percent` rounds to two
/// decimals, which could show a real change as "0.13% to 0.13%".)
fn exact_percent(fraction: Decimal) -> Option<String> {
    fraction.checked_mul(Decimal::ONE_HUNDRED).map(|p| format!("{}%", p.normalize()))
}

fn display(value: &Value, key: (&str, &str), currency: &Currency) -> String {
    if key.0 == "expression" {
        return format!("`{}`", raw(value));
    }
    if let Some(d) = decimal(value) {
        if is_fraction(key)
            && let Some(text) = exact_percent(d)
        {
            return text;
        }
        if is_money(key) {
            return format::money(d, currency);
        }
    }
    match value {
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            items.iter().map(raw).collect::<Vec<_>>().join(", ")
        }
        _ => raw(value),
    }
}

/// A value as written: strings unquoted, anything else as compact JSON.
fn raw(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_string(),
        other => other.to_string(),
    }
}

/// Who or what a change is about: "Tier 3 rate of 'Fee revenue'", "Crediting split for
/// referrer", "Component 'SPIF Q3'".
fn subject(path: &[Step]) -> String {
    let owners: Vec<(usize, &Owner)> = path
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Step::Index(_, Some(owner)) => Some((i, owner)),
            _ => None,
        })
        .collect();
    let fields_from = owners.last().map_or(0, |(i, _)| i + 1);
    let keys: Vec<&str> = path[fields_from..]
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(..) => None,
        })
        .collect();
    let mut words = Vec::new();
    let mut k = 0;
    while let Some(&key) = keys.get(k) {
        // Map keys are data, not fields: `crediting.splits.referrer` is the referrer's split.
        match (key, keys.get(k + 1)) {
            ("splits", Some(role)) => {
                words.push(format!("split for {role}"));
                k += 2;
            }
            _ => {
                words.push(label(key));
                k += 1;
            }
        }
    }
    let fields = words.join(" ");
    // Named owners from the innermost outwards: "of 'Client NPS' in 'Balanced scorecard'".
    let named: Vec<&str> = owners
        .iter()
        .rev()
        .filter_map(|(_, o)| match o {
            Owner::Named { name, .. } => Some(name.as_str()),
            Owner::Numbered(_) => None,
        })
        .collect();
    let context = |skip: usize, first: &str| -> String {
        let words = std::iter::once(first).chain(std::iter::repeat("in"));
        named.iter().skip(skip).zip(words).map(|(name, word)| format!(" {word} '{name}'")).collect()
    };
    match owners.last().map(|(_, o)| *o) {
        None => format::capitalise(&fields),
        Some(Owner::Numbered(number)) if fields.is_empty() => format!("{number}{}", context(0, "of")),
        Some(Owner::Numbered(number)) => format!("{number} {fields}{}", context(0, "of")),
        Some(Owner::Named { singular, name }) if fields.is_empty() => {
            format!("{} '{name}'{}", format::capitalise(singular), context(1, "in"))
        }
        Some(Owner::Named { .. }) => format::capitalise(&format!("{fields}{}", context(0, "of"))),
    }
}

fn describe(
    path: &[Step],
    kind: ChangeKind,
    old: Option<&Value>,
    new: Option<&Value>,
    old_text: Option<&str>,
    new_text: Option<&str>,
) -> String {
    let (old_text, new_text) = (old_text.unwrap_or_default(), new_text.unwrap_or_default());
    // A member of a set (a measure kind, an overlay role) is quoted by value.
    if let Some(Step::Index(_, None)) = path.last() {
        let set = subject(&path[..path.len() - 1]);
        let set = set.chars().next().map(|c| c.to_lowercase().chain(set.chars().skip(1)).collect::<String>());
        let set = set.unwrap_or_default();
        return match kind {
            ChangeKind::Added => format!("'{new_text}' added to {set}"),
            _ => format!("'{old_text}' removed from {set}"),
        };
    }
    let subject = subject(path);
    // A single value or a list of them reads as "set to"; a structure is "added".
    let plain = |v: Option<&Value>| {
        v.is_some_and(|v| match v {
            Value::Array(items) => items.iter().all(|i| !i.is_object() && !i.is_array()),
            other => !other.is_object(),
        })
    };
    match kind {
        ChangeKind::Added if plain(new) => format!("{subject} set to {new_text}"),
        ChangeKind::Added => format!("{subject} added"),
        ChangeKind::Removed => format!("{subject} removed"),
        ChangeKind::Reordered => format!("{subject} reordered from {old_text} to {new_text}"),
        ChangeKind::Changed => {
            if value_key(path).0 == "name" {
                match path {
                    [_] => return format!("Plan renamed from '{old_text}' to '{new_text}'"),
                    [.., Step::Index(_, Some(Owner::Named { singular, .. })), Step::Key(_)] => {
                        return format!("{} '{old_text}' renamed to '{new_text}'", format::capitalise(singular));
                    }
                    _ => {}
                }
            }
            let numbers = |v: Option<&Value>| v.filter(|_| value_key(path).0 != "expression").and_then(decimal);
            let verb = match (numbers(old), numbers(new)) {
                (Some(a), Some(b)) if b > a => "raised",
                (Some(a), Some(b)) if b < a => "lowered",
                _ => "changed",
            };
            format!("{subject} {verb} from {old_text} to {new_text}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wealth_v1() -> Value {
        json!({
            "id": "wm-adviser", "version": 1, "name": "Wealth Adviser Incentive Plan", "currency": "GBP",
            "effective_from": "2026-01-01",
            "crediting": {"splits": {"owner": "0.7", "specialist": "0.2", "referrer": "0.1"}},
            "components": [
                {"type": "tiered", "id": "fee-revenue", "name": "Fee revenue",
                 "measure": {"kinds": ["fee_revenue", "trail"]}, "method": "marginal",
                 "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"up_to": "1", "rate": "0.04"}, {"rate": "0.07"}],
                 "cap_quota_multiple": "0.08"},
                {"type": "flat", "id": "net-new-assets", "name": "Net new assets",
                 "measure": {"kinds": ["inflow", "outflow"]}, "rate": "0.001", "floor": "0"}
            ]
        })
    }

    fn plan(value: Value) -> Plan {
        serde_json::from_value(value).expect("test plan parses")
    }

    fn changes(old: Value, new: Value) -> Vec<(String, String)> {
        diff_plans(&plan(old), &plan(new)).into_iter().map(|c| (c.path, c.description)).collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected.iter().map(|(p, d)| (p.to_string(), d.to_string())).collect()
    }

    #[test]
    fn identical_plans_have_no_changes() {
        assert!(diff_plans(&plan(wealth_v1()), &plan(wealth_v1())).is_empty());
    }

    #[test]
    fn a_new_version_lists_every_change_in_plain_words() {
        let mut v2 = wealth_v1();
        v2["version"] = json!(2);
        v2["effective_from"] = json!("2027-01-01");
        v2["crediting"]["splits"] = json!({"owner": "0.75", "specialist": "0.25"});
        v2["components"][0]["tiers"][2]["rate"] = json!("0.08");
        v2["components"][0]["tiers"][0]["up_to"] = json!("0.6");
        v2["components"][0]["measure"]["kinds"] = json!(["fee_revenue"]);
        v2["components"][0]["cap_amount"] = json!("150000");
        v2["components"][0].as_object_mut().unwrap().remove("cap_quota_multiple");
        v2["components"][1]["rate"] = json!("0.00125");
        v2["components"].as_array_mut().unwrap().push(json!({
            "type": "spif", "id": "spif-q3", "name": "SPIF Q3", "measure": {"kinds": ["inflow"]},
            "from": "2027-07-01", "to": "2027-09-30", "per_unit": "250"
        }));
        let got = diff_plans(&plan(wealth_v1()), &plan(v2));
        let described: Vec<(&str, &str)> = got.iter().map(|c| (c.path.as_str(), c.description.as_str())).collect();
        assert_eq!(
            described,
            vec![
                ("effective_from", "Effective from changed from 2026-01-01 to 2027-01-01"),
                ("version", "Version raised from 1 to 2"),
                ("components[0].cap_amount", "Cap of 'Fee revenue' set to £150,000.00"),
                ("components[0].cap_quota_multiple", "Cap (multiple of quota) of 'Fee revenue' removed"),
                ("components[0].measure.kinds[1]", "'trail' removed from measure kinds of 'Fee revenue'"),
                ("components[0].tiers[0].up_to", "Tier 1 upper bound of 'Fee revenue' raised from 50% to 60%"),
                ("components[0].tiers[2].rate", "Tier 3 rate of 'Fee revenue' raised from 7% to 8%"),
                ("components[1].rate", "Rate of 'Net new assets' raised from 0.1% to 0.125%"),
                ("components[2]", "Component 'SPIF Q3' added"),
                ("crediting.splits.owner", "Crediting split for owner raised from 70% to 75%"),
                ("crediting.splits.referrer", "Crediting split for referrer removed"),
                ("crediting.splits.specialist", "Crediting split for specialist raised from 20% to 25%"),
            ]
        );
        let tier = &got[6];
        assert_eq!(
            (tier.kind, tier.old.as_deref(), tier.new.as_deref()),
            (ChangeKind::Changed, Some("7%"), Some("8%"))
        );
        let removed = &got[10];
        assert_eq!(
            (removed.kind, removed.old.as_deref(), removed.new.as_deref()),
            (ChangeKind::Removed, Some("10%"), None)
        );
        assert_eq!(got[8].kind, ChangeKind::Added);
        assert!(got[8].new.as_deref().is_some_and(|v| v.contains("\"per_unit\":\"250\"")), "{:?}", got[8].new);
    }

    #[test]
    fn reordering_components_is_one_change_not_every_field() {
        let mut v2 = wealth_v1();
        v2["components"].as_array_mut().unwrap().reverse();
        v2["components"][0]["rate"] = json!("0.0009");
        assert_eq!(
            changes(wealth_v1(), v2),
            pairs(&[
                ("components[0].rate", "Rate of 'Net new assets' lowered from 0.1% to 0.09%"),
                ("components", "Components reordered from Fee revenue, Net new assets to Net new assets, Fee revenue"),
            ])
        );
    }

    #[test]
    fn removal_renaming_and_type_changes_name_the_component() {
        let mut v2 = wealth_v1();
        v2["name"] = json!("Wealth Adviser Plan 2027");
        v2["components"].as_array_mut().unwrap().remove(0);
        v2["components"][0]["name"] = json!("Net new money");
        assert_eq!(
            changes(wealth_v1(), v2),
            pairs(&[
                ("name", "Plan renamed from 'Wealth Adviser Incentive Plan' to 'Wealth Adviser Plan 2027'"),
                ("components[0]", "Component 'Fee revenue' removed"),
                ("components[0].name", "Component 'Net new assets' renamed to 'Net new money'"),
            ])
        );
        let mut v3 = wealth_v1();
        v3["components"][1] = json!({"type": "tiered", "id": "net-new-assets", "name": "Net new assets",
            "measure": {"kinds": ["inflow", "outflow"]}, "method": "retroactive", "tiers": [{"rate": "0.001"}]});
        assert_eq!(
            changes(wealth_v1(), v3),
            pairs(&[
                ("components[1].floor", "Floor of 'Net new assets' removed"),
                ("components[1].method", "Method of 'Net new assets' set to retroactive"),
                ("components[1].rate", "Rate of 'Net new assets' removed"),
                ("components[1].type", "Type of 'Net new assets' changed from flat to tiered"),
                ("components[1].tiers", "Tiers of 'Net new assets' added"),
            ])
        );
    }

    #[test]
    fn tiers_added_and_removed_by_position_and_fields_new_to_the_plan() {
        let mut v2 = wealth_v1();
        let tiers = v2["components"][0]["tiers"].as_array_mut().unwrap();
        tiers[2] = json!({"up_to": "1.5", "rate": "0.07"});
        tiers.push(json!({"rate": "0.1"}));
        v2["crediting"]["overlays"] = json!(["team_lead"]);
        v2["cap_fixed_pay_multiple"] = json!("2");
        v2["effective_to"] = json!("2027-12-31");
        assert_eq!(
            changes(wealth_v1(), v2),
            pairs(&[
                ("cap_fixed_pay_multiple", "Cap (multiple of fixed pay) set to 200%"),
                ("effective_to", "Effective to set to 2027-12-31"),
                ("components[0].tiers[2].up_to", "Tier 3 upper bound of 'Fee revenue' set to 150%"),
                ("components[0].tiers[3]", "Tier 4 of 'Fee revenue' added"),
                ("crediting.overlays", "Crediting overlays set to team_lead"),
            ])
        );
    }

    #[test]
    fn kpis_are_matched_by_id_inside_their_component() {
        let scorecard = |weight: &str, first: &str| {
            json!({
                "id": "mgr", "version": 1, "name": "Manager plan", "currency": "USD", "effective_from": "2026-01-01",
                "components": [{"type": "scorecard", "id": "mbo", "name": "Balanced scorecard",
                    "target_incentive": "20000",
                    "kpis": [
                        {"id": first, "name": "Client NPS", "weight": weight, "scale": "5"},
                        {"id": "revenue", "name": "Revenue", "weight": "0.6", "measure": {"kinds": ["fee_revenue"]}}
                    ]}]
            })
        };
        let mut v2 = scorecard("0.3", "nps");
        v2["components"][0]["target_incentive"] = json!("25000");
        v2["components"][0]["kpis"][1]["measure"]["kinds"] = json!(["fee_revenue", "trail"]);
        assert_eq!(
            changes(scorecard("0.4", "nps"), v2),
            pairs(&[
                (
                    "components[0].target_incentive",
                    "Target incentive of 'Balanced scorecard' raised from $20,000.00 to $25,000.00"
                ),
                (
                    "components[0].kpis[0].weight",
                    "Weight of 'Client NPS' in 'Balanced scorecard' lowered from 40% to 30%"
                ),
                (
                    "components[0].kpis[1].measure.kinds[1]",
                    "'trail' added to measure kinds of 'Revenue' in 'Balanced scorecard'"
                ),
            ])
        );
        assert_eq!(
            changes(scorecard("0.4", "nps"), scorecard("0.4", "csat")),
            pairs(&[
                ("components[0].kpis[0]", "KPI 'Client NPS' in 'Balanced scorecard' removed"),
                ("components[0].kpis[0]", "KPI 'Client NPS' in 'Balanced scorecard' added"),
            ])
        );
    }

    #[test]
    fn sub_penny_money_changes_show_exact_values() {
        let mut v1 = wealth_v1();
        v1["cap_amount"] = json!("100000.001");
        let mut v2 = wealth_v1();
        v2["cap_amount"] = json!("100000.002");
        let got = diff_plans(&plan(v1), &plan(v2));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].description, "Cap raised from 100000.001 to 100000.002");
    }
    #[test]
    fn formula_changes_quote_the_formulas_and_are_never_raised() {
        let bonus = |expression: &str| {
            let mut plan = wealth_v1();
            plan["components"][1] = json!({"type": "formula", "id": "net-new-assets", "name": "NNA bonus",
                "measure": {"kinds": ["inflow", "outflow"]}, "expression": expression});
            plan
        };
        assert_eq!(
            changes(bonus("100"), bonus("max(0, measured * 0.1%)")),
            pairs(&[(
                "components[1].expression",
                "Formula of 'NNA bonus' changed from `100` to `max(0, measured * 0.1%)`"
            )])
        );
        assert_eq!(
            changes(wealth_v1(), bonus("measured * 0.1%")),
            pairs(&[
                ("components[1].expression", "Formula of 'NNA bonus' set to `measured * 0.1%`"),
                ("components[1].floor", "Floor of 'NNA bonus' removed"),
                ("components[1].name", "Component 'Net new assets' renamed to 'NNA bonus'"),
                ("components[1].rate", "Rate of 'NNA bonus' removed"),
                ("components[1].type", "Type of 'NNA bonus' changed from flat to formula"),
            ])
        );
    }
}
