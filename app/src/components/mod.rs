//! Reusable pieces: money, attainment bar, charts, data tables, loading and error panels, the
//! top bar.

mod attainment;
pub mod charts;
mod error_panel;
mod loading;
mod money;
mod remote;
mod table;
mod top_bar;

pub use attainment::AttainmentBar;
pub use error_panel::ErrorPanel;
pub use loading::Loading;
pub use money::Money;
pub use remote::{Failure, Load, Remote, load};
pub use table::{Cell, DataTable, Facts, Row};
pub use top_bar::TopBar;
