//! Writes the hard inputs of `benches/hard-inputs.sh` into a folder (never into the repository):
//!
//! - `fifty-mb/`: one record whose summary is a 50 MB line;
//! - `million-sources/`: one valid record with 1 000 000 `[[sources]]` (about 100 MB);
//! - `million-warnings/`: 1 000 000 sources without a quote, each a warning (about 66 MB);
//! - `deep/`: a value nested 100 000 levels deep;
//! - `glyphs-60k/`, `glyphs-200k/`: one record whose summary is one word of 60 000 (200 000)
//!   distinct characters no font has (unassigned, from plane 4), which `check` accepts;
//! - `tree/`: 200 000 synthetic records, of which five are broken in five different ways.
//!
//! Run with `cargo run --release --example hard_inputs -- <folder>`.

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

use std::fs;
use std::io::Write;
use std::path::Path;

const HEAD: &str = "date = 2024-05-31\nvictim = \"Hard input\"\nvictim_kind = \"exchange\"\nvector = \"unknown\"\namount_usd = 5\nattribution = \"suspected\"\n";
const TREE_RECORDS: usize = 200_000;

fn main() -> std::io::Result<()> {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: hard_inputs <folder>");
        std::process::exit(2);
    };
    let root = Path::new(&root);

    let one = |case: &str, name: &str, write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        let dir = root.join(case).join("2024");
        fs::create_dir_all(&dir)?;
        let mut file = std::io::BufWriter::new(fs::File::create(dir.join(name))?);
        write(&mut file)?;
        file.flush()
    };
    one("fifty-mb", "2024-05-31-fifty-mb.toml", &|f| {
        write!(f, "{HEAD}summary = \"")?;
        for _ in 0..(50 << 20) / 50 {
            f.write_all(b"Funds moved through a mixer, then a bridge, then. ")?;
        }
        f.write_all(
            b"\"\n[[sources]]\nname = \"X\"\nurl = \"https://example.test/\"\nquote = \"q\"\n",
        )
    })?;
    one("million-sources", "2024-05-31-million.toml", &|f| {
        writeln!(f, "{HEAD}summary = \"s\"")?;
        for i in 0..1_000_000 {
            write!(
                f,
                "\n[[sources]]\nname = \"Elliptic\"\nurl = \"https://source.test/{i}\"\nquote = \"q\"\naccessed = 2026-11-30\n"
            )?;
        }
        Ok(())
    })?;
    one("million-warnings", "2024-05-31-million.toml", &|f| {
        writeln!(f, "{HEAD}summary = \"s\"")?;
        for i in 0..1_000_000 {
            write!(
                f,
                "\n[[sources]]\nname = \"Elliptic\"\nurl = \"https://source.test/{i}\"\n"
            )?;
        }
        Ok(())
    })?;
    one("deep", "2024-05-31-deep.toml", &|f| {
        write!(f, "date = 2024-05-31\nvictim = ")?;
        f.write_all(&[b'['; 100_000])?;
        f.write_all(&[b']'; 100_000])?;
        f.write_all(b"\n")
    })?;

    for (case, count) in [("glyphs-60k", 60_000u32), ("glyphs-200k", 200_000)] {
        one(case, "2024-05-31-glyphs.toml", &|f| {
            write!(f, "{HEAD}summary = \"")?;
            // Plane 4 is unassigned; U+xFFFE and U+xFFFF of a plane are non-characters.
            let glyphs: String = (0x4_0000..0xE_0000u32)
                .filter(|c| c & 0xFFFE != 0xFFFE)
                .filter_map(char::from_u32)
                .take(count as usize)
                .collect();
            f.write_all(glyphs.as_bytes())?;
            f.write_all(
                b"\"\n[[sources]]\nname = \"X\"\nurl = \"https://example.test/\"\nquote = \"q\"\n",
            )
        })?;
    }

    let tree = root.join("tree");
    let mut seq = synthetic::Sequence(0x9E37_79B9_7F4A_7C15);
    for year in 2017..=2025 {
        fs::create_dir_all(tree.join(year.to_string()))?;
    }
    for n in 0..TREE_RECORDS {
        let (id, text) = synthetic::record_text(n, &mut seq);
        fs::write(tree.join(&id[..4]).join(format!("{id}.toml")), text)?;
    }
    for (id, text) in synthetic::BROKEN {
        fs::write(tree.join("2024").join(format!("{id}.toml")), text)?;
    }
    Ok(())
}
