//! `serve`: the output folder over HTTP, for the editor's loop on this machine. `site` decides
//! what a path answers, `http` reads requests and writes responses' heads, `host` which `Host`
//! names the server answers to, and `server` runs the connections within fixed limits.

pub mod host;
pub mod http;
pub mod server;
pub mod site;

pub use server::{Limits, Server};
pub use site::{Body, Reply, Site, VERSION_PATH};
