//! `heistbrief serve`: the output folder over HTTP on this machine, each page reloading itself
//! when the folder changes (run `heistbrief watch` beside it).

use super::{Failure, emit};
use crate::serve::{Reply, Site};
use crate::text::shown;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder to serve: where `build` writes.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Address and port to listen on. Anything but this machine's loopback address shows the
    /// briefs to the network, so it has to be asked for.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8000")]
    pub bind: String,
}

pub fn run(args: &ServeArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    if !args.out.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a folder; build a brief first (`heistbrief build`)",
            shown(&args.out)
        )));
    }
    let server = tiny_http::Server::http(&args.bind)
        .map_err(|e| Failure::io(format!("cannot listen on {}", args.bind), e))?;
    let address = server
        .server_addr()
        .to_ip()
        .map_or_else(|| args.bind.clone(), |a| a.to_string());
    emit(
        out,
        &format!(
            "serving {} at http://{address}/; Ctrl-C stops\n",
            shown(&args.out)
        ),
    )?;
    out.flush().map_err(Failure::output)?;
    let site = Site::new(&args.out);
    for request in server.incoming_requests() {
        let response = match request.method() {
            tiny_http::Method::Get | tiny_http::Method::Head => match site.reply(request.url()) {
                Reply::Found { content_type, body } => {
                    let response = tiny_http::Response::from_data(body);
                    let response = with_header(response, "Content-Type", content_type);
                    with_header(response, "Cache-Control", "no-store")
                }
                Reply::NotFound => with_header(
                    tiny_http::Response::from_string("not found\n").with_status_code(404),
                    "Content-Type",
                    "text/plain; charset=utf-8",
                ),
            },
            _ => tiny_http::Response::from_string("only GET and HEAD\n").with_status_code(405),
        };
        // A client that went away is its own business; the server carries on.
        let _ = request.respond(response);
    }
    Ok(0)
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn with_header(response: Response, name: &str, value: &str) -> Response {
    // The names and values are fixed ASCII above; one that did not make a header is left out.
    match tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}
