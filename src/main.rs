use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = heistbrief::cli::Cli::parse();
    match heistbrief::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
