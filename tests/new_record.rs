//! `new`: writes a record that passes `check`, never overwrites, and refuses bad values up front.

mod common;
use common::{heistbrief, scratch};

const ARGS: &[&str] = &[
    "new",
    "--date",
    "2024-05-31",
    "--victim",
    "Fixture \"Quoted\" Exchange",
    "--amount-usd",
    "305000000",
    "--vector",
    "private-key-compromise",
    "--victim-kind",
    "exchange",
    "--attribution",
    "confirmed",
    "--source-name",
    "FBI",
    "--source-url",
    "https://fbi.test/fixture",
    "--source-quote",
    "The fixture exchange lost $305 million.",
];

#[test]
fn writes_a_record_that_passes_check_and_refuses_to_overwrite() {
    let dir = scratch("new-writes");
    let run = heistbrief(&dir, ARGS);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = dir.join("incidents/2024/2024-05-31-fixture-quoted-exchange.toml");
    assert_eq!(
        run.stdout.lines().next(),
        Some("wrote incidents/2024/2024-05-31-fixture-quoted-exchange.toml")
    );
    let written = std::fs::read_to_string(&path).expect("file written");
    assert!(
        written.contains("victim = 'Fixture \"Quoted\" Exchange'")
            || written.contains("victim = \"Fixture \\\"Quoted\\\" Exchange\""),
        "{written}"
    );
    assert!(written.contains("amount_usd = 305_000_000\n"), "{written}");
    assert!(
        written.contains("# country = "),
        "optional fields are offered as comments: {written}"
    );

    let check = heistbrief(&dir, &["check"]);
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (0, "checked 1 record in incidents: no problems\n")
    );

    std::fs::write(&path, "edited by hand").expect("edit");
    let again = heistbrief(&dir, ARGS);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        "edited by hand"
    );
}

#[test]
fn an_id_used_in_another_folder_is_refused() {
    let dir = scratch("new-duplicate-id");
    std::fs::create_dir_all(dir.join("incidents/misc")).expect("folder");
    std::fs::write(
        dir.join("incidents/misc/2024-05-31-fixture-quoted-exchange.toml"),
        "x",
    )
    .expect("write");
    let run = heistbrief(&dir, ARGS);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("a record with id `2024-05-31-fixture-quoted-exchange` already exists"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("incidents/2024").exists());
}

#[test]
fn bad_values_are_refused_before_anything_is_written() {
    let dir = scratch("new-bad-values");
    let mut args: Vec<&str> = ARGS.to_vec();
    let url = args
        .iter()
        .position(|a| *a == "https://fbi.test/fixture")
        .expect("url arg");
    args[url] = "fbi.test/fixture";
    let date = args
        .iter()
        .position(|a| *a == "2024-05-31")
        .expect("date arg");
    args[date] = "2999-01-01";
    let run = heistbrief(&dir, &args);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: nothing written:\nerror: --date: 2999-01-01 is in the future (today is 2026-12-05)\n\
         error: --source-url: `fbi.test/fixture` is not an http(s) URL; it must start with https:// or http://\n"
    );
    assert!(!dir.join("incidents").exists());

    let mut zero: Vec<&str> = ARGS.to_vec();
    zero[6] = "0";
    let run = heistbrief(&dir, &zero);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--amount-usd"), "{}", run.stderr);

    let mut vector: Vec<&str> = ARGS.to_vec();
    vector[8] = "phishing";
    let run = heistbrief(&dir, &vector);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("possible values: private-key-compromise"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("incidents").exists());
}
