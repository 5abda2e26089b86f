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
    if !failure.message.is_empty() {
        // `eprintln!` panics when stderr is closed; the exit code must survive that.
        let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
    }
    ExitCode::from(failure.code)
}
