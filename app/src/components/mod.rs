//! Reusable pieces: money, attainment bar, loading and error panels, the top bar.

mod attainment;
mod error_panel;
mod loading;
mod money;
mod top_bar;

pub use attainment::AttainmentBar;
pub use error_panel::ErrorPanel;
pub use loading::Loading;
pub use money::Money;
pub use top_bar::TopBar;
