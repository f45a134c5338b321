//! Crediting: who gets how much of each transaction, to the cent.

use crate::money::{Splitter, from_minor, integer_weights, to_minor};
use crate::plan::Crediting;
use crate::transaction::{Transaction, same_text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The crediting role of roll-up credit to managers.
pub const ROLLUP_ROLE: &str = "rollup";

/// The part of one transaction credited to one payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Credit {
    /// The source transaction.
    pub txn_id: String,
    /// Who is credited.
    pub payee: String,
    /// The role they were credited in.
    pub role: String,
    /// Credited amount in the transaction's currency.
    pub amount: Decimal,
    /// Share of the transaction this credit represents (1 for overlays).
    pub share: Decimal,
}

/// One reporting line, effective from `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportingLine {
    /// The manager.
    pub manager: String,
    /// Who reports to them.
    pub report: String,
    /// First day of the line.
    pub from: NaiveDate,
    /// Last day, if it has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// Who manages whom on a given day: the org snapshot roll-up credit walks.
pub trait Hierarchy {
    /// The person's manager on `on`, if they have one.
    fn manager_of(&self, person: &str, on: NaiveDate) -> Option<&str>;
}

/// No managers at all: crediting without roll-up.
impl Hierarchy for () {
    fn manager_of(&self, _person: &str, _on: NaiveDate) -> Option<&str> {
        None
    }
}

/// Reporting lines indexed by report.
#[derive(Debug, Clone, Default)]
pub struct OrgChart<'a> {
    by_report: BTreeMap<&'a str, Vec<&'a ReportingLine>>,
}

impl<'a> OrgChart<'a> {
    /// Indexes reporting lines.
    pub fn new(lines: &'a [ReportingLine]) -> OrgChart<'a> {
        let mut by_report: BTreeMap<&str, Vec<&ReportingLine>> = BTreeMap::new();
        for line in lines {
            by_report.entry(line.report.as_str()).or_default().push(line);
        }
        OrgChart { by_report }
    }

    /// Whether there are no reporting lines.
    pub fn is_empty(&self) -> bool {
        self.by_report.is_empty()
    }
}

impl Hierarchy for OrgChart<'_> {
    /// Of overlapping lines, the one that started last wins (then the lowest manager id), so
    /// the answer does not depend on the order lines were given in.
    fn manager_of(&self, person: &str, on: NaiveDate) -> Option<&str> {
        self.by_report
            .get(person)?
            .iter()
            .filter(|l| l.from <= on && l.to.is_none_or(|to| on <= to))
            .max_by(|a, b| (a.from, std::cmp::Reverse(&a.manager)).cmp(&(b.from, std::cmp::Reverse(&b.manager))))
            .map(|l| l.manager.as_str())
    }
}

/// Credits one transaction by the plan's rules, without roll-up; split parts sum exactly to
/// the amount.
pub fn credit_transaction(rules: &Crediting, txn: &Transaction, digits: u32) -> Vec<Credit> {
    credit_with_org(rules, txn, &(), digits)
}

/// Credits one transaction by the plan's rules, rolling split credit up `org` as of the
/// transaction's date when the plan says so.
///
/// Parties whose role is neither split nor overlay are not credited. Split parts sum exactly
/// to the amount; overlay and roll-up credit come on top without reducing anyone. A manager
/// above several split parties gets one roll-up credit: the sum of theirs. A loop in the
/// reporting lines stops the walk rather than crediting anyone twice.
pub fn credit_with_org(rules: &Crediting, txn: &Transaction, org: &dyn Hierarchy, digits: u32) -> Vec<Credit> {
    credit_for(rules, txn, org, digits, None)
}

/// The credits of one transaction to one payee (usually one; two if they hold two roles).
pub fn credits_to(rules: &Crediting, txn: &Transaction, payee: &str, org: &dyn Hierarchy, digits: u32) -> Vec<Credit> {
    parts_to(rules, txn, payee, org, digits).into_iter().map(|p| p.credit(txn, payee)).collect()
}

/// Where a part of a transaction's credit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The party at this index of the transaction's parties (split or overlay).
    Party(usize),
    /// Roll-up from the split parties below a manager.
    Rollup,
}

/// One payee's part of a transaction, before it is written out as a [`Credit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// Who is credited.
    pub payee: &'a str,
    /// The party or roll-up it comes from.
    pub source: Source,
    /// Credited amount.
    pub amount: Decimal,
    /// Share of the transaction.
    pub share: Decimal,
}

impl Part<'_> {
    /// The crediting role.
    pub fn role<'t>(&self, txn: &'t Transaction) -> &'t str {
        match self.source {
            Source::Party(i) => txn.parties.get(i).map_or("", |p| p.role.as_str()),
            Source::Rollup => ROLLUP_ROLE,
        }
    }

    /// The part as a credit to `payee`.
    pub fn credit(&self, txn: &Transaction, payee: &str) -> Credit {
        Credit {
            txn_id: txn.id.clone(),
            payee: payee.to_string(),
            role: self.role(txn).to_string(),
            amount: self.amount,
            share: self.share,
        }
    }
}

/// The parts of one transaction credited to one payee, without building strings; without
/// roll-up, a transaction the payee is not a party to costs nothing.
pub fn parts_to<'a>(
    rules: &Crediting,
    txn: &'a Transaction,
    payee: &str,
    org: &'a dyn Hierarchy,
    digits: u32,
) -> Vec<Part<'a>> {
    let mut out = Vec::new();
    Crediter::new(rules, digits).parts_to(txn, payee, org, &mut out);
    out
}

/// Every credit of a transaction, or only one payee's.
fn credit_for(
    rules: &Crediting,
    txn: &Transaction,
    org: &dyn Hierarchy,
    digits: u32,
    only: Option<&str>,
) -> Vec<Credit> {
    let mut out = Vec::new();
    Crediter::new(rules, digits).parts(txn, org, only, &mut out);
    out.into_iter().map(|p| p.credit(txn, p.payee)).collect()
}

/// The crediting rules prepared once for many transactions: integer split weights, the
/// shares and prepared split of each combination of roles met so far, and buffers, so
/// crediting a transaction allocates nothing in the common case. This is the one
/// implementation of the crediting rule.
#[derive(Debug)]
pub struct Crediter<'r> {
    rules: &'r Crediting,
    digits: u32,
    /// Split roles with their shares and integer weights on one scale.
    roles: Vec<(&'r str, Decimal, i128)>,
    /// Per combination of split roles met (indices into `roles`, in party order).
    sets: Vec<RoleSet>,
    /// The set the previous transaction used: transactions tend to repeat a combination.
    last_set: usize,
    /// Per split party on the transaction: its index among the parties, its role's, and
    /// whether its payee is wanted.
    split: Vec<(usize, usize, bool)>,
    /// The split parties' parts in minor units of `minor_digits` places.
    minor: Vec<i128>,
}

/// The split roles present on a transaction, in party order, with their shares rescaled to
/// sum to one and their weights prepared for splitting.
#[derive(Debug)]
struct RoleSet {
    roles: Vec<usize>,
    shares: Vec<Decimal>,
    splitter: Splitter,
}

impl<'r> Crediter<'r> {
    /// Prepares the rules for a currency with `digits` minor digits.
    pub fn new(rules: &'r Crediting, digits: u32) -> Crediter<'r> {
        let shares: Vec<Decimal> = rules.splits.values().copied().collect();
        let roles = rules.splits.keys().map(String::as_str).zip(shares.iter().copied()).zip(integer_weights(&shares));
        Crediter {
            rules,
            digits,
            roles: roles.map(|((r, s), w)| (r, s, w)).collect(),
            sets: Vec::new(),
            last_set: 0,
            split: Vec::new(),
            minor: Vec::new(),
        }
    }

    /// Appends the parts of `txn` credited to `payee` to `out`; without roll-up, a
    /// transaction the payee is not a party to costs nothing.
    pub fn parts_to<'t>(&mut self, txn: &'t Transaction, payee: &str, org: &'t dyn Hierarchy, out: &mut Vec<Part<'t>>) {
        self.parts(txn, org, Some(payee), out);
    }

    /// Where in `sets` the split roles present are, prepared on first sight; none for a
    /// lone split party, who takes the whole.
    fn role_set(&mut self) -> Option<usize> {
        if self.split.len() < 2 {
            return None;
        }
        let same = |set: &RoleSet, split: &[(usize, usize, bool)]| {
            set.roles.len() == split.len() && set.roles.iter().zip(split).all(|(&r, &(_, role, _))| r == role)
        };
        if self.sets.get(self.last_set).is_some_and(|set| same(set, &self.split)) {
            return Some(self.last_set);
        }
        let at = match self.sets.iter().position(|set| same(set, &self.split)) {
            Some(at) => at,
            None => {
                let roles: Vec<usize> = self.split.iter().map(|&(_, r, _)| r).collect();
                let total: Decimal = roles.iter().map(|&r| self.roles[r].1).sum();
                let shares = roles.iter().map(|&r| self.roles[r].1 / total).collect();
                let weights: Vec<i128> = roles.iter().map(|&r| self.roles[r].2).collect();
                self.sets.push(RoleSet { roles, shares, splitter: Splitter::new(&weights) });
                self.sets.len() - 1
            }
        };
        self.last_set = at;
        Some(at)
    }

    /// The share of the `k`th split party, given [`Crediter::role_set`]'s answer.
    fn share(&self, set: Option<usize>, k: usize) -> Decimal {
        set.map_or(Decimal::ONE, |at| self.sets[at].shares[k])
    }

    /// Appends the parts of `txn` to `out`; `only` limits whose parts (the split is always
    /// computed over every party, so each part is the same either way).
    #[inline]
    pub fn parts<'t>(
        &mut self,
        txn: &'t Transaction,
        org: &'t dyn Hierarchy,
        only: Option<&str>,
        out: &mut Vec<Part<'t>>,
    ) {
        // The common case, one party and neither roll-up nor overlays: a split party alone
        // takes the whole amount, as in `split_parts`, without preparing a split.
        if let [party] = &txn.parties[..]
            && self.rules.rollup.is_none()
            && self.rules.overlays.is_empty()
        {
            if only.is_none_or(|o| same_text(o, &party.payee))
                && self.roles.iter().any(|(role, _, _)| same_text(role, &party.role))
            {
                out.push(Part {
                    payee: &party.payee,
                    source: Source::Party(0),
                    amount: txn.amount,
                    share: Decimal::ONE,
                });
            }
            return;
        }
        self.split_parts(txn, org, only, out);
    }

    /// [`Crediter::parts`] in general: the split over every split party, roll-up and
    /// overlays. Out of line, so the common case above stays small.
    #[inline(never)]
    fn split_parts<'t>(
        &mut self,
        txn: &'t Transaction,
        org: &'t dyn Hierarchy,
        only: Option<&str>,
        out: &mut Vec<Part<'t>>,
    ) {
        let wanted = |payee: &str| only.is_none_or(|o| same_text(o, payee));
        self.split.clear();
        // Each party's payee is compared once; without roll-up, a transaction that credits
        // none of the wanted payees stops here, before any split.
        let mut any_wanted = false;
        for (i, party) in txn.parties.iter().enumerate() {
            let mine = wanted(&party.payee);
            any_wanted |= mine;
            if let Some(r) = self.roles.iter().position(|(role, _, _)| same_text(role, &party.role)) {
                self.split.push((i, r, mine));
            }
        }
        if !any_wanted && self.rules.rollup.is_none() {
            return;
        }
        let set = self.role_set();
        // A lone split party takes the whole amount as given: nothing to allocate. Otherwise
        // each part needed is read off the split table, or the whole amount is split.
        let (mut minor, mut digits) = (0, self.digits);
        if let Some(at) = set {
            (minor, digits) = to_minor(txn.amount, self.digits);
            if !self.sets[at].splitter.is_tabulated() {
                self.sets[at].splitter.split(minor, &mut self.minor);
            }
        }
        let amount = |k: usize| match set {
            None => txn.amount,
            Some(at) => {
                from_minor(self.sets[at].splitter.tabulated_part(minor, k).unwrap_or_else(|| self.minor[k]), digits)
            }
        };
        for k in 0..self.split.len() {
            let (i, _, mine) = self.split[k];
            if mine {
                out.push(Part {
                    payee: &txn.parties[i].payee,
                    source: Source::Party(i),
                    amount: amount(k),
                    share: self.share(set, k),
                });
            }
        }
        if let Some(rollup) = &self.rules.rollup {
            let mut managers: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
            for k in 0..self.split.len() {
                let party = &txn.parties[self.split[k].0];
                if !rollup.roles.is_empty() && !rollup.roles.contains(&party.role) {
                    continue;
                }
                let share = self.share(set, k);
                let mut visited = vec![party.payee.as_str()];
                let mut person = party.payee.as_str();
                let mut level = 0u32;
                while let Some(manager) = org.manager_of(person, txn.date) {
                    level += 1;
                    if rollup.levels.is_some_and(|max| level > max) || visited.contains(&manager) {
                        break;
                    }
                    let entry = managers.entry(manager).or_default();
                    entry.0 += amount(k);
                    entry.1 += share;
                    visited.push(manager);
                    person = manager;
                }
            }
            out.extend(managers.into_iter().filter(|(m, _)| wanted(m)).map(|(m, (amount, share))| Part {
                payee: m,
                source: Source::Rollup,
                amount,
                share,
            }));
        }
        let overlays = &self.rules.overlays;
        if overlays.is_empty() {
            return;
        }
        for (i, p) in txn.parties.iter().enumerate() {
            if overlays.contains(&p.role) && wanted(&p.payee) {
                out.push(Part { payee: &p.payee, source: Source::Party(i), amount: txn.amount, share: Decimal::ONE });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::plan::Rollup;
    use crate::transaction::{Party, TxnKind};
    use rust_decimal_macros::dec;

    fn txn(date: &str, parties: &[(&str, &str)]) -> Transaction {
        Transaction {
            id: "T1".into(),
            date: date.parse().unwrap(),
            kind: TxnKind::Booking,
            amount: dec!(1000.01),
            currency: Currency::new("GBP"),
            product: None,
            client_id: None,
            channel: None,
            origin: None,
            recorded_on: None,
            parties: parties.iter().map(|(p, r)| Party { payee: p.to_string(), role: r.to_string() }).collect(),
        }
    }

    fn line(manager: &str, report: &str, from: &str, to: Option<&str>) -> ReportingLine {
        ReportingLine {
            manager: manager.into(),
            report: report.into(),
            from: from.parse().unwrap(),
            to: to.map(|t| t.parse().unwrap()),
        }
    }

    #[test]
    fn rollup_follows_the_org_on_the_transaction_date_and_survives_loops() {
        let rules = Crediting {
            splits: BTreeMap::from([("owner".into(), dec!(0.6)), ("specialist".into(), dec!(0.4))]),
            overlays: vec![],
            rollup: Some(Rollup::default()),
        };
        let lines = vec![
            line("M1", "R1", "2026-01-01", Some("2026-06-30")),
            line("M2", "R1", "2026-07-01", None),
            line("M1", "S1", "2026-01-01", None),
            line("D1", "M1", "2026-01-01", None),
            line("M1", "D1", "2026-01-01", None),
        ];
        let org = OrgChart::new(&lines);
        let credits = credit_with_org(&rules, &txn("2026-03-01", &[("R1", "owner"), ("S1", "specialist")]), &org, 2);
        let rolled: Vec<(&str, Decimal)> =
            credits.iter().filter(|c| c.role == ROLLUP_ROLE).map(|c| (c.payee.as_str(), c.amount)).collect();
        // Owner 600.01, specialist 400.00: M1 manages both, D1 manages M1; the M1-D1 loop stops.
        assert_eq!(rolled, vec![("D1", dec!(1000.01)), ("M1", dec!(1000.01))]);
        let credits = credit_with_org(&rules, &txn("2026-07-01", &[("R1", "owner")]), &org, 2);
        assert_eq!(
            credits.iter().filter(|c| c.role == ROLLUP_ROLE).map(|c| c.payee.as_str()).collect::<Vec<_>>(),
            ["M2"]
        );
    }
}
