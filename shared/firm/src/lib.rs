//! The firm's records as plain data, shared by the generator, the store, the API and the app.

pub mod api;
pub mod records;

pub use records::*;
