//! The single-table key design, in one place. Each record type lives in a partition chosen
//! for the query that reads it; the sort key orders it within. See docs/store.md.

/// Partition of the audit chain.
pub const AUDIT: &str = "AUDIT";
/// Sort key of the chain head (latest sequence and hash).
pub const AUDIT_HEAD: &str = "HEAD";
/// Sort-key prefix of audit records.
pub const AUDIT_SEQ_PREFIX: &str = "SEQ#";
/// Partition of firm-wide singletons.
pub const FIRM: &str = "FIRM";
/// Sort key of the firm settings; its presence means the firm is fully loaded.
pub const FIRM_SETTINGS: &str = "SETTINGS";
/// Partition of all people, sorted by id.
pub const PEOPLE: &str = "PERSON";
/// Partition of all teams, sorted by id.
pub const TEAMS: &str = "TEAM";
/// Partition of all plan versions.
pub const PLANS: &str = "PLAN";

/// Record kinds: the partition-key prefix (before `#`) of each record type filed under its
/// owner, for reading every owner's at once with [`crate::Store::query_kind`].
pub mod kind {
    /// Plan assignments.
    pub const ASSIGNMENTS: &str = "ASSIGN";
    /// Quotas.
    pub const QUOTAS: &str = "QUOTA";
    /// Transactions (one copy per party).
    pub const TRANSACTIONS: &str = "TXN";
    /// Clients.
    pub const CLIENTS: &str = "CLIENT";
    /// Opportunities.
    pub const OPPORTUNITIES: &str = "OPP";
    /// Opportunity changes.
    pub const OPPORTUNITY_HISTORY: &str = "OPPHIST";
    /// Activities.
    pub const ACTIVITIES: &str = "ACT";
    /// Compliance events.
    pub const CONDUCT: &str = "CONDUCT";
}

/// Sort key of audit record `seq`, zero-padded so sort order is chain order.
pub fn audit_seq(seq: u64) -> String {
    format!("{AUDIT_SEQ_PREFIX}{seq:012}")
}

/// Sort key of a plan version.
pub fn plan_version(plan_id: &str, version: u32) -> String {
    format!("{plan_id}#v{version:04}")
}

/// Partition of a person's plan assignments, sorted by start date.
pub fn assignments(person_id: &str) -> String {
    format!("{}#{person_id}", kind::ASSIGNMENTS)
}

/// Partition of a person's quotas, sorted by plan-year start.
pub fn quotas(person_id: &str) -> String {
    format!("{}#{person_id}", kind::QUOTAS)
}

/// Partition of the transactions a person is a party to, sorted by date then id.
/// A transaction with several parties is stored once under each of them.
pub fn transactions(person_id: &str) -> String {
    format!("{}#{person_id}", kind::TRANSACTIONS)
}

/// Sort key of a dated record: date first so prefixes select periods.
pub fn dated(date: chrono::NaiveDate, id: &str) -> String {
    format!("{date}#{id}")
}

/// Partition of the clients a person owns.
pub fn clients(owner_id: &str) -> String {
    format!("{}#{owner_id}", kind::CLIENTS)
}

/// Partition of a client's month-end AUM.
pub fn aum(client_id: &str) -> String {
    format!("AUM#{client_id}")
}

/// Partition of a client's flows.
pub fn flows(client_id: &str) -> String {
    format!("FLOW#{client_id}")
}

/// Partition of the opportunities a person owns.
pub fn opportunities(owner_id: &str) -> String {
    format!("{}#{owner_id}", kind::OPPORTUNITIES)
}

/// Partition of one opportunity's history.
pub fn opportunity_history(opportunity_id: &str) -> String {
    format!("{}#{opportunity_id}", kind::OPPORTUNITY_HISTORY)
}

/// Partition of a person's activities.
pub fn activities(person_id: &str) -> String {
    format!("{}#{person_id}", kind::ACTIVITIES)
}

/// Partition of a person's compliance events.
pub fn conduct(person_id: &str) -> String {
    format!("{}#{person_id}", kind::CONDUCT)
}

/// Sort key of the approval policy, in the firm partition.
pub const APPROVAL_POLICY: &str = "APPROVAL_POLICY";
/// Partition of all proposals, sorted by id (ids start with their creation time).
pub const PROPOSALS: &str = "PROPOSAL";
/// Partition of all disputes, sorted by id (ids start with their creation time).
pub const DISPUTES: &str = "DISPUTE";

/// Partition of a person's approved manual adjustments, sorted by the month that pays them.
pub fn adjustments(person_id: &str) -> String {
    format!("ADJUST#{person_id}")
}

/// Sort key of a manual adjustment: paying month first so a prefix selects a statement's.
pub fn adjustment(pay_period: &str, id: &str) -> String {
    format!("{pay_period}#{id}")
}

/// Partition of the idempotency keys one caller has used, sorted by key.
pub fn idempotency(actor: &str) -> String {
    format!("IDEMP#{actor}")
}

/// Partition of the regulated-pay sections of plans (conduct gates, deferral, clawback), by plan id.
pub const REGULATION: &str = "REGULATION";

/// Partition of a person's deferral ledger (awards, cash paid, malus, clawback), by date then id.
pub fn ledger(person_id: &str) -> String {
    format!("LEDGER#{person_id}")
}

/// Partition of the malus and clawback decisions about a person, by decision date then id.
pub fn pay_decisions(person_id: &str) -> String {
    format!("PAYDECISION#{person_id}")
}

/// Partition of period closes, by period label (`YYYY-MM`).
pub const CLOSES: &str = "CLOSE";
/// Sort key, in the firm partition, of the closed periods' range (first and latest).
pub const CLOSED_RANGE: &str = "CLOSED_RANGE";

/// Partition of a person's frozen (paid) statements, by period label.
pub fn paid(person_id: &str) -> String {
    format!("PAID#{person_id}")
}
