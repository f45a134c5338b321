//! Financial-services rule packs layered on the engine: conduct gates, deferral with vesting,
//! malus and clawback as ledger entries, commission chargebacks, regulated-role plan checks
//! (Reg BI, MiFID II inducements, balanced scorecard, variable-to-fixed cap) and ASC 340-40 /
//! IFRS 15 commission cost schedules. Pure functions over plain data; no IO.
//!
//! The entry point for a rep's statement is [`regulated_statement`]; the rules, the pack
//! format and worked examples are in `docs/regulation.md`.

pub mod accounting;
pub mod api;
pub mod attribution;
pub mod chargeback;
pub mod conduct;
pub mod deferral;
pub mod document;
pub mod ledger;
pub mod packs;
pub mod statement;
pub mod validate;

pub use accounting::{AmortisationSchedule, CommissionContract, amortisation_schedule};
pub use chargeback::{Cancellation, CancellationKind};
pub use deferral::{DeferralSchedule, Tranche};
pub use document::{RegulatedPlan, Regulation, RegulationError};
pub use ledger::{Decision, LedgerEntry, LedgerError, apply_clawback, apply_malus, unvested, unvested_by_payee};
pub use statement::{LineKind, RegulatedInputs, RegulatedLine, RegulatedStatement, regulated_statement};
