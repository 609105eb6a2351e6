//! What each figure shows, as plain data: the analyses fill these in (from
//! the fits, with the words people read), the charts crate draws them, and
//! the page receives them in every report.

pub mod describe;
pub mod figure;
pub mod flow;
pub mod forest;
pub mod km;
pub mod ticks;

pub use ticks::{month_ticks, nice_ticks};
