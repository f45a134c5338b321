//! The firm's records as plain data, shared by the generator, the store, the API and the app.

pub mod api;
pub mod audit;
pub mod imports;
pub mod oversight;
pub mod records;
pub mod workflow;

pub use records::*;
