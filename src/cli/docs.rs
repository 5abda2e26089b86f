//! `heistbrief completions SHELL` and `heistbrief man`: generated from the same clap definitions
//! that parse the command line, so they never drift from it.

use super::{Cli, Failure, emit};
use clap::{Args, CommandFactory};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn completions(args: &CompletionsArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "heistbrief", &mut script);
    emit(out, &String::from_utf8_lossy(&script)).map(|()| 0)
}

/// The exit codes, as the README's table gives them.
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
0
Done; also when the reader of the output went away.
.TP
1
The data has problems (check found errors; list, stats and build refuse to run on them), or a template or pdf.toml is wrong (build names its file and line, and writes nothing).
.TP
2
Usage or I/O error: a bad option, a missing folder, a file that cannot be read, output that cannot be written.
"#;

/// The manual page: the command, then a section per subcommand with its options.
pub fn man(out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let command = Cli::command();
    let mut page = Vec::new();
    let failed = |e: std::io::Error| Failure::io("cannot make the manual page", e);
    let top = clap_mangen::Man::new(command.clone());
    top.render_title(&mut page).map_err(failed)?;
    top.render_name_section(&mut page).map_err(failed)?;
    top.render_synopsis_section(&mut page).map_err(failed)?;
    top.render_description_section(&mut page).map_err(failed)?;
    top.render_subcommands_section(&mut page).map_err(failed)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        // Each subcommand as a section of its own: its synopsis, what it does, its options.
        let title = format!("HEISTBRIEF {}", sub.get_name().to_uppercase());
        page.extend_from_slice(format!(".SH \"{title}\"\n").as_bytes());
        let man = clap_mangen::Man::new(
            sub.clone()
                .bin_name(format!("heistbrief {}", sub.get_name())),
        );
        man.render_synopsis_section(&mut page).map_err(failed)?;
        man.render_description_section(&mut page).map_err(failed)?;
        man.render_options_section(&mut page).map_err(failed)?;
    }
    page.extend_from_slice(EXIT_STATUS.as_bytes());
    top.render_version_section(&mut page).map_err(failed)?;
    emit(out, &String::from_utf8_lossy(&page)).map(|()| 0)
}
