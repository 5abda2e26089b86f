//! Templates an attacker writes (issue 22, classes 1, 2 and 9): each is an error naming its
//! template and line, with the documented exit code, nothing written, no secret of the
//! machine in any output, and never a crash or a hang. The templates are fixtures in
//! `tests/fixtures/templates-hostile/<case>/`; symbolic links are made here, at run time.
#![cfg(unix)]

mod common;
use common::{fixture, scratch};
use heistbrief::render::templates::Templates;
use std::path::{Path, PathBuf};
use std::process::Command;

fn case(name: &str) -> PathBuf {
    fixture("templates-hostile").join(name)
}

/// Builds March 2024 from the stats fixture with `templates`, into a fresh `out`.
fn build_into(templates: &Path, out: &Path, env: &[(&str, &str)]) -> common::Run {
    let output = Command::new(env!("CARGO_BIN_EXE_heistbrief"))
        .args(["build", "--month", "2024-03", "--out"])
        .arg(out)
        .arg("--templates")
        .arg(templates)
        .current_dir(fixture("stats"))
        .env("HEISTBRIEF_TODAY", common::TODAY)
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    common::Run::from(output)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every case of class 2: what the error says (file:line: message).
const UNBOUNDED: &[(&str, &str)] = &[
    (
        "self-include",
        "brief.md.tera:3: `brief.md.tera` would start itself again",
    ),
    ("mutual-include", "would start itself again"),
    ("self-extends", "Circular extend detected"),
    (
        "recursive-macro",
        "brief.md.tera:1: macro `deeper` of `brief.md.tera` would start itself again",
    ),
    (
        "huge-range",
        "brief.md.tera:3: `range` would make 1000000000 numbers; it makes at most 100000",
    ),
    (
        "nested-loops",
        "brief.md.tera:3: the templates run more than 1000000 loop steps",
    ),
    (
        "huge-output",
        "brief.md.tera: the brief would be more than 67108864 bytes",
    ),
    (
        "doubling",
        "brief.md.tera:2: `set s` would make a value of more than 16777216 bytes",
    ),
    (
        "squared-replace",
        "brief.md.tera:4: `replace` would make a value of more than",
    ),
    (
        "deep-nesting",
        "brief.md.tera:2: `if` nested more than 24 deep",
    ),
    (
        "deep-brackets",
        "brief.md.tera:3: brackets nested more than 24 deep",
    ),
    ("long-tag", "brief.md.tera:3: a tag of more than 4096 bytes"),
];

#[test]
fn an_unbounded_template_is_an_error_with_its_place_and_nothing_is_written() {
    let dir = scratch("hostile-unbounded");
    for (name, expected) in UNBOUNDED {
        let out = dir.join(name);
        let run = build_into(&case(name), &out, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing written"),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(files_in(&out), Vec::<String>::new(), "{name}");
    }
}

/// In the process, as `watch` renders: an error, never an abort (a stack overflow would end
/// this test binary, not fail one test).
#[test]
fn an_unbounded_template_is_an_error_inside_the_process_too() {
    let context = tera::Context::from_serialize(serde_json::json!({
        "title": "t", "key": {"incidents": 1}
    }))
    .expect("context");
    for (name, _) in UNBOUNDED {
        let templates = Templates::with_overrides(&case(name)).expect("reads");
        let result = templates.render("brief.md.tera", &context);
        assert!(result.is_err(), "{name} rendered");
        // And again: the engine is kept, the error stays an error.
        assert!(
            templates.render("brief.md.tera", &context).is_err(),
            "{name}"
        );
    }
}

/// The deepest recursion the bounds allow renders on the render thread's stack: a chain of
/// the most templates, each nested as deep as allowed, with the longest tag at the bottom.
#[test]
fn the_deepest_template_the_bounds_allow_renders() {
    use heistbrief::render::templates::{MAX_CHAIN, MAX_NESTING, MAX_TAG_BYTES};
    let dir = scratch("hostile-deepest");
    let nest = |inner: &str| {
        format!(
            "{}{inner}{}",
            "{% if true %}".repeat(MAX_NESTING),
            "{% endif %}".repeat(MAX_NESTING)
        )
    };
    let terms = (MAX_TAG_BYTES - 10) / 4;
    let sum = format!("{{{{ {}1 }}}}", "1 + ".repeat(terms));
    assert!(sum.len() <= MAX_TAG_BYTES);
    for i in 0..MAX_CHAIN {
        let inner = if i + 1 == MAX_CHAIN {
            sum.clone()
        } else {
            format!("{{% include \"t{}.md.tera\" %}}", i + 1)
        };
        let name = if i == 0 {
            "brief.md.tera".to_owned()
        } else {
            format!("t{i}.md.tera")
        };
        std::fs::write(dir.join(name), nest(&inner)).expect("template");
    }
    let templates = Templates::with_overrides(&dir).expect("reads");
    let rendered = templates
        .render("brief.md.tera", &tera::Context::new())
        .expect("renders");
    assert_eq!(rendered.trim(), (terms + 1).to_string());
}

#[test]
fn the_machine_does_not_reach_a_brief() {
    let dir = scratch("hostile-machine");
    let secret = "s3cr3t-value-of-the-runner";
    for (name, expected) in [
        ("environment", "brief.md.tera:3: `get_env` is not available"),
        ("clock", "brief.md.tera:3: `now` is not available"),
        ("parent-include", "Template '[../secret.md.tera]' not found"),
        ("absolute-include", "Template '[/etc/hostname]' not found"),
    ] {
        let out = dir.join(name);
        let run = build_into(&case(name), &out, &[("HEISTBRIEF_TEST_SECRET", secret)]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
        assert_eq!(files_in(&out), Vec::<String>::new(), "{name}");
    }
}

/// A secret file outside the templates folder, and a templates folder that links to it in
/// one way or another.
fn linked(dir: &Path, link: &str, target: &Path) -> PathBuf {
    let templates = dir.join("templates");
    let path = templates.join(link);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::os::unix::fs::symlink(target, &path).expect("symlink");
    templates
}

#[test]
fn templates_and_the_logo_are_never_read_through_a_symbolic_link() {
    let root = scratch("hostile-links");
    let secret_dir = root.join("secret");
    std::fs::create_dir_all(&secret_dir).expect("secret");
    let secret = secret_dir.join("credentials");
    std::fs::write(&secret, "aws_secret_access_key = SECRET-KEY-123\n").expect("secret");
    std::fs::write(secret_dir.join("x.md.tera"), "SECRET-KEY-123").expect("secret");
    // A valid PNG outside, so that only the link can be refused.
    let png = root.join("logo.png");
    {
        let file = std::fs::File::create(&png).expect("png");
        let mut encoder = png::Encoder::new(file, 1, 1);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(&[0, 0, 0, 255]).expect("pixel");
    }
    let cases: Vec<(&str, PathBuf, &str, i32)> = vec![
        (
            "style",
            linked(&root.join("style"), "style.css", &secret),
            "style.css is a symbolic link",
            2,
        ),
        (
            "brief",
            linked(&root.join("brief"), "brief.md.tera", &secret),
            "brief.md.tera is a symbolic link",
            2,
        ),
        (
            "nested",
            linked(
                &root.join("nested"),
                "parts/x.md.tera",
                &secret_dir.join("x.md.tera"),
            ),
            "x.md.tera is a symbolic link",
            2,
        ),
        (
            "folder",
            {
                let templates = root.join("folder").join("templates");
                std::fs::create_dir_all(root.join("folder")).expect("folder");
                std::os::unix::fs::symlink(&secret_dir, &templates).expect("symlink");
                templates
            },
            "a symbolic link, which is not followed",
            2,
        ),
        (
            "logo",
            {
                let templates = linked(&root.join("logo"), "logo.png", &png);
                std::fs::write(templates.join("pdf.toml"), "logo = \"logo.png\"\n").expect("toml");
                templates
            },
            "pdf.toml:1:8: `logo`: cannot read",
            2,
        ),
    ];
    for (name, templates, expected, code) in cases {
        let out = root.join(name).join("out");
        let run = build_into(&templates, &out, &[]);
        assert_eq!(run.code, code, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("SECRET-KEY-123"), "{name}");
        assert_eq!(files_in(&out), Vec::<String>::new(), "{name}");
    }
    // A linked subfolder is not walked: its templates do not exist for an include.
    let templates = linked(&root.join("subfolder"), "parts", &secret_dir);
    std::fs::write(
        templates.join("brief.md.tera"),
        "# {{ title }}\n\n{% include \"parts/x.md.tera\" %}\n",
    )
    .expect("template");
    let out = root.join("subfolder").join("out");
    let run = build_into(&templates, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Template '[parts/x.md.tera]' not found"),
        "{}",
        run.stderr
    );
    assert_eq!(files_in(&out), Vec::<String>::new());
}

#[test]
fn an_unreadable_template_is_an_io_error() {
    let dir = scratch("hostile-unreadable");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("folder");
    let fifo = templates.join("style.css");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let out = dir.join("out");
    let run = build_into(&templates, &out, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert_eq!(files_in(&out), Vec::<String>::new());
    // A template that is read and wrong stays a data error.
    std::fs::remove_file(&fifo).expect("rm");
    std::fs::write(templates.join("brief.md.tera"), [0xff, 0xfe]).expect("latin1");
    let run = build_into(&templates, &out, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is not valid UTF-8"), "{}", run.stderr);
}

/// `heistbrief init DIR` with files limited to `kib` KiB (SIGXFSZ ignored, so a write past it
/// fails with EFBIG, as on a full disk).
fn init_limited(dir: &Path, target: &str, kib: u32) -> common::Run {
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {kib}; exec \"$0\" init {target}"
        ))
        .arg(env!("CARGO_BIN_EXE_heistbrief"))
        .current_dir(dir)
        .output()
        .expect("runs");
    common::Run::from(output)
}

#[test]
fn init_writes_all_templates_or_none() {
    let dir = scratch("hostile-init");
    // A fresh folder: nothing is left, not even the folder.
    let run = init_limited(&dir, "fresh", 4);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write fresh/"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing written"), "{}", run.stderr);
    assert!(
        !dir.join("fresh").exists(),
        "{:?}",
        files_in(&dir.join("fresh"))
    );
    // A folder that was there keeps what it held, and only that.
    std::fs::create_dir_all(dir.join("kept")).expect("folder");
    std::fs::write(dir.join("kept/notes.txt"), "mine").expect("file");
    let run = init_limited(&dir, "kept", 4);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(files_in(&dir.join("kept")), vec!["notes.txt".to_owned()]);
    // With room, all of them; run again, none is overwritten (usage error, exit 2).
    let run = init_limited(&dir, "kept", 1024);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(files_in(&dir.join("kept")).len(), 9);
    std::fs::write(dir.join("kept/style.css"), "edited").expect("edit");
    let run = init_limited(&dir, "kept", 1024);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("kept/style.css")).expect("css"),
        "edited"
    );
}
