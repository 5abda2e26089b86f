//! What the last build learnt of each record file, kept between builds: the file's identity
//! (device, inode, size, modification and change times) and the light record it held, which had
//! passed every per-record rule. A build of a large data set re-reads only the files whose
//! identity changed; ruff and git's index keep such a cache on the same evidence.
//!
//! The cache is an optimisation and never an authority:
//! - it is keyed by the tool's own build (version, commit, and the executable's size and time),
//!   the date rules are checked against, and the records folder, so a new rule or another day
//!   re-reads everything;
//! - a file changed within two seconds of the cache being written is read again ("racy" in
//!   git's words: a coarse clock could give the old and the new content the same times);
//! - only files with no problem at all are kept (a warning is shown on every build);
//! - the folder-wide rules (duplicate ids, aliases) still run over every record;
//! - a cache that cannot be read, or reads as anything but what this code wrote, is ignored, and
//!   one that cannot be written is left; neither changes what a build makes.
//!
//! `HEISTBRIEF_CACHE_DIR` names the cache's folder (empty: no cache); by default it is
//! `$XDG_CACHE_HOME/heistbrief`, else `~/.cache/heistbrief`.

use crate::incident::{
    Attribution, Incident, Keyword, LaunderingMethod, LaunderingStep, Source, Usd, Vector,
    VictimKind,
};
use chrono::NaiveDate;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Written first: a file of another kind, or of another layout, is not read further.
const MAGIC: &[u8] = b"heistbrief record cache 1\n";
/// An entry changed less than this long before the cache was written is not trusted.
const RACY_NS: i128 = 2_000_000_000;
/// A cache larger than this is not read (a data set of a million records needs about 250 MB).
const MOST_BYTES: u64 = 1 << 30;

/// A file's identity, as `stat` gives it without opening the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    device: u64,
    inode: u64,
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
}

impl Stamp {
    /// The stamp of a regular file that is not a symbolic link; none for anything else, or where
    /// the platform has no inode numbers (then the cache is not used).
    pub fn of(path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::symlink_metadata(path).ok()?;
            if !meta.file_type().is_file() {
                return None;
            }
            let ns =
                |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
            Some(Stamp {
                device: meta.dev(),
                inode: meta.ino(),
                size: meta.size(),
                modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
                changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }
}

/// The cache of one records folder as the last build left it.
pub struct Cache {
    file: PathBuf,
    key: Vec<u8>,
    /// The cache's bytes; entries are decoded from them only when their file is unchanged.
    bytes: Vec<u8>,
    entries: Entries,
    written_ns: i128,
    /// The records folder, which entries' paths are relative to.
    root: PathBuf,
}

/// One record as a build keeps it: the file, its identity and the light record.
pub struct Kept<'a> {
    pub path: &'a Path,
    pub stamp: Stamp,
    pub record: &'a Incident,
}

impl Cache {
    /// The cache for the records under `root`, checked against `today`: empty when there is none
    /// yet or it is not this build's; `None` when caching is off or has nowhere to live.
    pub fn open(root: &Path, today: NaiveDate) -> Option<Cache> {
        Cache::open_in(&folder()?, root, today)
    }

    /// [`Cache::open`] with the cache kept in `folder`.
    fn open_in(folder: &Path, root: &Path, today: NaiveDate) -> Option<Cache> {
        let canonical = std::fs::canonicalize(root).ok()?;
        let key = key(&canonical, today)?;
        let name = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            canonical.hash(&mut hasher);
            format!("records-{:016x}.bin", hasher.finish())
        };
        let mut cache = Cache {
            file: folder.join(name),
            key,
            bytes: Vec::new(),
            entries: Vec::new(),
            written_ns: 0,
            root: root.to_owned(),
        };
        if let Some((bytes, written_ns, entries)) = read(&cache.file, &cache.key) {
            cache.bytes = bytes;
            cache.written_ns = written_ns;
            cache.entries = entries;
        }
        Some(cache)
    }

    /// The light record `path` held when the cache was written, if the file is unchanged since
    /// (same identity, and not changed just before the cache was written). `id` is the record's
    /// id, which its path gives and the cache does not store.
    pub fn record(&self, path: &Path, stamp: Stamp, id: &str) -> Option<Incident> {
        let relative = self.relative(path)?;
        let at = self
            .entries
            .binary_search_by(|e| self.bytes[e.path.clone()].cmp(relative))
            .ok()?;
        let Entry {
            stamp: kept,
            record: range,
            sum,
            ..
        } = &self.entries[at];
        let trusted = *kept == stamp
            && stamp.modified_ns < self.written_ns - RACY_NS
            && stamp.changed_ns < self.written_ns - RACY_NS;
        if !trusted {
            return None;
        }
        let bytes = self.bytes.get(range.clone())?;
        if checksum(self.written_ns, relative, &stamp, bytes) != *sum {
            return None;
        }
        let mut reader = Reader { bytes };
        let mut record = decode(&mut reader)?;
        record.id = id.to_owned();
        Some(record)
    }

    /// `path` inside the records folder, as the cache names it: short, and hashed as bytes
    /// rather than component by component. A name that is not UTF-8 is not cached.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p [u8]> {
        Some(path.strip_prefix(&self.root).ok()?.to_str()?.as_bytes())
    }

    /// How many files the cache knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Replaces the cache with `kept`, atomically (a build that stops half-way leaves the old
    /// one). The time written is taken before the first byte, so an entry is never newer than
    /// the cache claims.
    pub fn save<'a>(&self, kept: impl Iterator<Item = Kept<'a>>) -> io::Result<()> {
        let written_ns = now_ns();
        let mut out = Vec::with_capacity(self.bytes.len().max(1 << 16));
        out.extend_from_slice(MAGIC);
        put_bytes(&mut out, &self.key);
        out.extend_from_slice(&written_ns.to_le_bytes());
        for entry in kept {
            let Some(path) = self.relative(entry.path) else {
                continue;
            };
            put_bytes(&mut out, path);
            let s = entry.stamp;
            for n in [s.device, s.inode, s.size] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            out.extend_from_slice(&s.modified_ns.to_le_bytes());
            out.extend_from_slice(&s.changed_ns.to_le_bytes());
            let mut record = Vec::with_capacity(256);
            encode(entry.record, &mut record);
            put_bytes(&mut out, &record);
            let sum = checksum(written_ns, path, &entry.stamp, &record);
            out.extend_from_slice(&sum.to_le_bytes());
        }
        let folder = self.file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let (temporary, mut file) = tempfile_in(folder)?;
        // Not synced: a cache a crash leaves cut or empty fails its own checks and is ignored.
        file.write_all(&out)
            .and_then(|()| std::fs::rename(&temporary, &self.file))
            .inspect_err(|_| {
                std::fs::remove_file(&temporary).ok();
            })
    }
}

/// Where caches live, unless switched off.
fn folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HEISTBRIEF_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("heistbrief"))
}

/// What a cache must have been written under to be read: this build of the tool (a rebuilt
/// executable counts as another), the day rules were checked on, and the folder.
fn key(root: &Path, today: NaiveDate) -> Option<Vec<u8>> {
    let exe = Stamp::of(&std::env::current_exe().ok()?)?;
    let mut key = Vec::new();
    put_str(
        &mut key,
        concat!(env!("CARGO_PKG_VERSION"), env!("HEISTBRIEF_VERSION_SUFFIX")),
    );
    key.extend_from_slice(&exe.size.to_le_bytes());
    key.extend_from_slice(&exe.modified_ns.to_le_bytes());
    put_str(&mut key, &today.to_string());
    put_str(&mut key, root.to_str()?);
    Some(key)
}

fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// A new file beside the cache, named for this process, to be renamed over it.
fn tempfile_in(folder: &Path) -> io::Result<(PathBuf, std::fs::File)> {
    let path = folder.join(format!(".records-{}.tmp", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    Ok((path, file))
}

/// One file the cache knows: where its path (in the folder) and its record are in the cache's
/// bytes, its stamp and the entry's checksum.
struct Entry {
    path: std::ops::Range<usize>,
    stamp: Stamp,
    record: std::ops::Range<usize>,
    sum: u64,
}

/// The entries in the byte order of their paths (the order a build lists files in), found by
/// binary search: no copy of a path, no hashing.
type Entries = Vec<Entry>;

/// An entry's checksum: a damaged byte anywhere in it (or in the time the cache was written)
/// makes the entry a miss rather than a wrong record. Checked only for the entries used.
fn checksum(written_ns: i128, path: &[u8], stamp: &Stamp, record: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (written_ns, path, stamp.device, stamp.inode, stamp.size).hash(&mut hasher);
    (stamp.modified_ns, stamp.changed_ns, record).hash(&mut hasher);
    hasher.finish()
}

/// The cache file's entries, if it is one this build wrote for this key.
fn read(file: &Path, key: &[u8]) -> Option<(Vec<u8>, i128, Entries)> {
    let opened = std::fs::File::open(file).ok()?;
    if opened.metadata().ok()?.len() > MOST_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::Read::take(opened, MOST_BYTES), &mut bytes).ok()?;
    let mut r = Reader { bytes: &bytes };
    if r.take(MAGIC.len())? != MAGIC || r.bytes_field()? != key {
        return None;
    }
    let written_ns = r.i128()?;
    let mut entries = Vec::new();
    let at = |r: &Reader<'_>| bytes.len() - r.bytes.len();
    while !r.bytes.is_empty() {
        let length = r.u32()? as usize;
        let start = at(&r);
        r.take(length)?;
        let path = start..start + length;
        let stamp = Stamp {
            device: r.u64()?,
            inode: r.u64()?,
            size: r.u64()?,
            modified_ns: r.i128()?,
            changed_ns: r.i128()?,
        };
        let length = r.u32()? as usize;
        let start = at(&r);
        r.take(length)?;
        let sum = r.u64()?;
        entries.push(Entry {
            path,
            stamp,
            record: start..start + length,
            sum,
        });
    }
    // Written in order; a file that is not is not one this code wrote.
    if !entries
        .windows(2)
        .all(|w| bytes[w[0].path.clone()] < bytes[w[1].path.clone()])
    {
        return None;
    }
    Some((bytes, written_ns, entries))
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Fields are far below 4 GiB: records are capped well under it when read.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_bytes(out, text.as_bytes());
}

fn put_date(out: &mut Vec<u8>, date: NaiveDate) {
    use chrono::Datelike;
    out.extend_from_slice(&date.num_days_from_ce().to_le_bytes());
}

fn put_amount(out: &mut Vec<u8>, amount: Option<Usd>) {
    match amount {
        Some(Usd(n)) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
        None => out.push(0),
    }
}

fn put_keyword<K: Keyword + PartialEq>(out: &mut Vec<u8>, keyword: K) {
    let index = K::ALL.iter().position(|k| *k == keyword).unwrap_or(0);
    out.push(index as u8);
}

/// A light record (see [`super::light`]), field by field. What `light` keeps is what is
/// written; the round-trip test holds the two together.
fn encode(record: &Incident, out: &mut Vec<u8>) {
    put_date(out, record.date);
    put_str(out, &record.victim);
    put_keyword(out, record.victim_kind);
    put_keyword(out, record.vector);
    out.extend_from_slice(&record.amount_usd.0.to_le_bytes());
    put_keyword(out, record.attribution);
    out.extend_from_slice(&(record.laundering.len() as u32).to_le_bytes());
    for step in &record.laundering {
        match step.date {
            Some(date) => {
                out.push(1);
                put_date(out, date);
            }
            None => out.push(0),
        }
        put_keyword(out, step.method);
        put_str(out, &step.service);
        put_amount(out, step.amount_usd);
    }
    out.extend_from_slice(&(record.sources.len() as u32).to_le_bytes());
    for source in &record.sources {
        put_str(out, &source.name);
        put_amount(out, source.amount_usd);
    }
    out.extend_from_slice(&(record.aliases.len() as u32).to_le_bytes());
    for alias in &record.aliases {
        put_str(out, alias);
    }
}

fn decode(r: &mut Reader<'_>) -> Option<Incident> {
    let date = r.date()?;
    let victim = r.str()?.to_owned();
    let victim_kind = r.keyword::<VictimKind>()?;
    let vector = r.keyword::<Vector>()?;
    let amount_usd = Usd(r.u64()?);
    let attribution = r.keyword::<Attribution>()?;
    let mut laundering = Vec::new();
    for _ in 0..r.count()? {
        let date = match r.u8()? {
            0 => None,
            1 => Some(r.date()?),
            _ => return None,
        };
        laundering.push(LaunderingStep {
            date,
            method: r.keyword::<LaunderingMethod>()?,
            service: r.str()?.to_owned(),
            amount_usd: r.amount()?,
        });
    }
    let mut sources = Vec::new();
    for _ in 0..r.count()? {
        sources.push(Source {
            name: super::publisher_name(r.str()?),
            url: String::new(),
            published: None,
            amount_usd: r.amount()?,
            quote: None,
            accessed: None,
        });
    }
    let mut aliases = Vec::new();
    for _ in 0..r.count()? {
        aliases.push(r.str()?.to_owned());
    }
    let record = Incident {
        id: String::new(),
        date,
        victim,
        aliases,
        victim_kind,
        country: None,
        chains: Vec::new(),
        vector,
        amount_usd,
        attribution,
        attribution_note: None,
        actor: None,
        summary: String::new(),
        tags: Vec::new(),
        laundering,
        sources,
        revisions: Vec::new(),
    };
    r.bytes.is_empty().then_some(record)
}

/// Reads what `encode` wrote; every read is checked, so a damaged cache gives `None`, never a
/// panic or an allocation its length field asked for.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    fn i128(&mut self) -> Option<i128> {
        Some(i128::from_le_bytes(self.array()?))
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len()).then_some(n)
    }

    fn bytes_field(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes_field()?).ok()
    }

    fn date(&mut self) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(i32::from_le_bytes(self.array()?))
    }

    fn amount(&mut self) -> Option<Option<Usd>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(Usd(self.u64()?))),
            _ => None,
        }
    }

    fn keyword<K: Keyword>(&mut self) -> Option<K> {
        K::ALL.get(usize::from(self.u8()?)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Vec<Incident> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents");
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        crate::load::load_dir(&root, today)
            .expect("records")
            .incidents
    }

    #[test]
    fn every_bundled_record_comes_back_as_its_light_self() {
        let records = bundled();
        assert!(records.len() > 50);
        for record in records {
            let aliases = record.aliases.clone();
            let light = crate::load::light(record);
            let mut bytes = Vec::new();
            encode(&light, &mut bytes);
            let mut back = decode(&mut Reader { bytes: &bytes }).expect("decodes");
            back.id = light.id.clone();
            assert_eq!(back, light);
            assert_eq!(back.aliases, aliases);
        }
    }

    /// Every bundled record saved in a cache, the file written back with one byte damaged at a
    /// time: each record comes back whole and right, or not at all (then it is read again).
    #[test]
    fn a_damaged_cache_never_gives_a_wrong_record() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents");
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let loaded = crate::load::load_dir(&root, today).expect("records");
        let folder =
            std::env::temp_dir().join(format!("heistbrief-cache-test-{}", std::process::id()));
        let stamps: Vec<Stamp> = loaded
            .paths
            .iter()
            .map(|p| Stamp::of(p).expect("a stamp"))
            .collect();
        let lights: Vec<Incident> = loaded
            .incidents
            .iter()
            .cloned()
            .map(crate::load::light)
            .collect();
        let cache = Cache::open_in(&folder, &root, today).expect("a cache");
        let kept = (0..lights.len()).map(|i| Kept {
            path: &loaded.paths[i],
            stamp: stamps[i],
            record: &lights[i],
        });
        cache.save(kept).expect("saved");
        // Records written in the last two seconds (a fresh checkout) are not trusted yet: wait.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let file = cache.file.clone();
        let good = std::fs::read(&file).expect("cache file");
        let check = |bytes: &[u8], all: bool| {
            std::fs::write(&file, bytes).expect("write");
            let Some(cache) = Cache::open_in(&folder, &root, today) else {
                return;
            };
            for (i, light) in lights.iter().enumerate() {
                match cache.record(&loaded.paths[i], stamps[i], &light.id) {
                    Some(record) => {
                        assert_eq!(&record, light);
                        assert_eq!(record.aliases, loaded.incidents[i].aliases);
                    }
                    None => assert!(!all, "{} missed an intact cache", light.id),
                }
            }
        };
        check(&good, true);
        for at in (0..good.len()).step_by(3) {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            check(&bad, false);
        }
        std::fs::remove_dir_all(&folder).ok();
    }

    #[test]
    fn a_damaged_entry_reads_as_nothing() {
        let light = crate::load::light(bundled().remove(0));
        let mut bytes = Vec::new();
        encode(&light, &mut bytes);
        for cut in 0..bytes.len() {
            assert!(
                decode(&mut Reader {
                    bytes: &bytes[..cut]
                })
                .is_none(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            decode(&mut Reader { bytes: &longer }).is_none(),
            "trailing bytes"
        );
        // A count that claims more items than bytes remain is refused before allocating.
        let mut huge = bytes[..4].to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&mut Reader { bytes: &huge }).is_none());
    }
}
