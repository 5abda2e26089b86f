//! heistbrief: sourced records of state-sponsored crypto thefts, turned into policy briefs.
//!
//! The modules follow the data: records are loaded and validated into [`incident::Incident`]s,
//! problems become [`diagnostic::Diagnostic`]s, and the command line presents them.

pub mod benchmark;
pub mod cli;
pub mod diagnostic;
pub mod digest;
pub mod fs;
#[doc(hidden)]
pub mod harness;
pub mod incident;
pub mod load;
pub mod lock;
pub mod money;
pub mod period;
pub mod render;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod snapshot;
pub mod stats;
pub mod text;
pub mod validate;
pub mod watch;
pub mod web_url;
pub mod write;
