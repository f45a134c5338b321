//! Plumbline's compensation engine: pure functions over plain data, no IO.
//!
//! The same crate runs natively (API, CLI, batch) and in the browser (what-if), so a
//! statement computed in either place agrees to the cent.

pub mod batch;
pub mod calc;
pub mod calendar;
pub mod credit;
pub mod diff;
pub mod expr;
pub mod format;
pub mod fx;
pub mod money;
pub mod plan;
pub mod simulate;
pub mod statement;
pub mod transaction;

pub use calc::{CalcError, PayeeInputs, statement_for_period};
pub use credit::{Credit, credit_transaction};
pub use money::{Currency, RoundingRule, allocate};
pub use plan::{Component, Crediting, Measure, Plan, PlanError, Tier, TierMethod};
pub use statement::{Period, Statement, StatementLine};
pub use transaction::{Party, Transaction, TxnKind};
