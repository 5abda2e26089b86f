//! `heistbrief serve`: the output folder over HTTP on this machine, each page reloading itself
//! when the folder changes (run `heistbrief watch` beside it).

use super::{Failure, emit};
use crate::serve::{Limits, Server, Site};
use crate::text::shown;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder to serve: where `build` writes.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Address and port to listen on. Anything but this machine's loopback address shows the
    /// briefs to the network, so it has to be asked for.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8000")]
    pub bind: String,
    /// For tests: milliseconds a client has to send its request and to take its answer
    /// (default 10 000 and 30 000), so that a test of a slow client ends quickly.
    #[arg(long, value_name = "MS", hide = true)]
    pub client_timeout_ms: Option<u64>,
}

pub fn run(args: &ServeArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    if !args.out.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder; build a brief first (`heistbrief build`)",
            shown(&args.out)
        )));
    }
    let mut limits = Limits::default();
    if let Some(ms) = args.client_timeout_ms {
        limits.request = Duration::from_millis(ms);
        limits.response = Duration::from_millis(ms);
    }
    let server = Server::bind(&args.bind, Site::new(&args.out), limits)
        .map_err(|e| Failure::io(format!("cannot listen on {}", args.bind), e))?;
    emit(
        out,
        &format!(
            "serving {} at http://{}/; Ctrl-C stops\n",
            shown(&args.out),
            server.address()
        ),
    )?;
    out.flush().map_err(Failure::output)?;
    // `run` returns only when the server cannot go on: never a silent success.
    let error = server.run();
    Err(Failure::io(
        format!("serving {} stopped", shown(&args.out)),
        error,
    ))
}
