use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = heistbrief::cli::Cli::parse();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let failure = match heistbrief::cli::run(cli, &mut out) {
        Ok(code) => return ExitCode::from(code),
        Err(failure) => failure,
    };
    // What is still buffered is part of a run that failed; a failed flush changes nothing now.
    let _ = out.flush();
    // A reader that went away has what it wanted: nothing to say (see `Failure::code`).
    if !failure.is_broken_pipe() {
        // `eprintln!` panics when stderr is closed; the exit code must survive that.
        let _ = writeln!(std::io::stderr(), "error: {}", failure.report());
    }
    ExitCode::from(failure.code())
}
