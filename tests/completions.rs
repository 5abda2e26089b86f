//! `completions` and `man`, generated from the clap definitions.

mod common;
use common::{heistbrief, scratch};

const SUBCOMMANDS: [&str; 9] = [
    "build",
    "check",
    "list",
    "new",
    "init",
    "schema",
    "stats",
    "completions",
    "man",
];

#[test]
fn each_shell_gets_a_script_that_knows_every_subcommand() {
    let dir = scratch("completions");
    for (shell, marker) in [
        ("bash", "_heistbrief()"),
        ("zsh", "#compdef heistbrief"),
        ("fish", "complete -c heistbrief"),
    ] {
        let run = heistbrief(&dir, &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no {marker}");
        for sub in SUBCOMMANDS {
            assert!(run.stdout.contains(sub), "{shell} does not complete {sub}");
        }
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
    for sub in SUBCOMMANDS {
        let section = format!(".SH \"HEISTBRIEF {}\"", sub.to_uppercase());
        assert!(run.stdout.contains(&section), "no section {section}");
    }
    assert!(run.stdout.contains(".SH \"EXIT STATUS\""));
    assert!(run.stdout.contains("paper"), "build's --paper is described");
}
