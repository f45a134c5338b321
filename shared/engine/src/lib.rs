//! Plumbline's compensation engine: pure functions over plain data, no IO.
//!
//! The same crate runs natively (API, CLI, batch) and in the browser (what-if), so a
//! statement computed in either place agrees to the cent.

pub mod batch;
pub mod calc;
pub mod credit;
pub mod format;
pub mod money;
pub mod plan;
pub mod statement;
pub mod transaction;

pub use calc::{CalcError, PayeeInputs, statement_for_period};
pub use credit::{Credit, credit_transaction};
pub use money::{Currency, RoundingRule, allocate};
pub use plan::{Component, Crediting, Measure, Plan, PlanError, Tier, TierMethod};
pub use statement::{Period, Statement, StatementLine};
pub use transaction::{Party, Transaction, TxnKind};
