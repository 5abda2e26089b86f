//! `completions` and `man`, generated from the clap definitions: checked against clap's own list
//! of subcommands, so a new subcommand is covered without editing this file.

mod common;
use clap::CommandFactory;
use common::{heistbrief, scratch};
use heistbrief::cli::Cli;

/// Every subcommand the command line parses, as clap knows them.
fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    // A guard against an empty or truncated list making the checks below vacuous.
    for known in ["build", "check", "watch", "serve", "man"] {
        assert!(names.iter().any(|n| n == known), "clap has no {known}");
    }
    names
}

/// Whether a completion script declares a subcommand.
type Declares = fn(&str, &str) -> bool;

#[test]
fn each_shell_gets_a_script_that_knows_every_subcommand() {
    let dir = scratch("completions");
    // How each shell's script declares a subcommand: whole names between the shell's own
    // delimiters, so `man` is not found inside `human`.
    let declarations: [(&str, &str, Declares); 3] = [
        ("bash", "_heistbrief()", |script, sub| {
            script.contains(&format!("heistbrief,{sub})"))
        }),
        ("zsh", "#compdef heistbrief", |script, sub| {
            script
                .lines()
                .any(|line| line.starts_with(&format!("'{sub}:")))
        }),
        ("fish", "complete -c heistbrief", |script, sub| {
            script.lines().any(|line| {
                line.contains("__fish_heistbrief_needs_command")
                    && line.contains(&format!(" -a \"{sub}\" "))
            })
        }),
    ];
    let subcommands = subcommands();
    for (shell, marker, declares) in declarations {
        let run = heistbrief(&dir, &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no {marker}");
        for sub in &subcommands {
            assert!(
                declares(&run.stdout, sub),
                "{shell} does not complete {sub}"
            );
        }
        assert!(
            !declares(&run.stdout, "no-such-command"),
            "{shell}'s check finds anything"
        );
        assert!(
            run.stdout.contains("--each"),
            "{shell} does not complete build's --each"
        );
    }
    let bad = heistbrief(&dir, &["completions", "cmd.exe"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn the_manual_page_has_a_section_per_subcommand_and_the_exit_codes() {
    let dir = scratch("man");
    let run = heistbrief(&dir, &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..80.min(run.stdout.len())]
    );
    assert!(run.stdout.contains(".TH heistbrief 1"), "no title");
    let sections: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix(".SH \"HEISTBRIEF "))
        .collect();
    let expected: Vec<String> = subcommands()
        .iter()
        .map(|sub| format!("{}\"", sub.to_uppercase()))
        .collect();
    assert_eq!(sections, expected, "one section per subcommand, in order");
    assert!(run.stdout.contains(".SH \"EXIT STATUS\""));
    assert!(run.stdout.contains("paper"), "build's --paper is described");
}
