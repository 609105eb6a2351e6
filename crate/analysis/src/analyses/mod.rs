//! One module per analysis the page offers: each takes the user's request
//! (plain options from JS), runs the core fits and returns the numbers,
//! the formatted tables and the plot data together.

pub mod cohort;
pub mod competing;
pub mod km;
pub mod landmark;
pub mod baseline;
pub mod rates;
pub mod cox;
pub mod cox_time_varying;
pub mod cox_time_split;
pub mod models;
pub mod subgroup;

pub use crate::export::DisplayTable;
