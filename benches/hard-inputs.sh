#!/usr/bin/env bash
# The hard inputs of issue #12, measured: wall time and peak memory of `check` (and of an
# archive build over 200 000 files) on cases generated outside the repository by
# examples/hard_inputs.rs. Needs GNU time (/usr/bin/time, Debian's `time` package).
#
#   bash benches/hard-inputs.sh [folder]     # default: $CARGO_TARGET_DIR or target, /tmp/hard-inputs
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
cases="${1:-$target/tmp/hard-inputs}"
cargo build --release --quiet --bin heistbrief --example hard_inputs
bin="$target/release/heistbrief"
if [ ! -e "$cases/.complete" ]; then
  rm -rf "$cases"
  "$target/release/examples/hard_inputs" "$cases"
  touch "$cases/.complete"
fi
export HEISTBRIEF_TODAY=2026-12-05

# run NAME EXPECTED-EXIT COMMAND...: one line of the table, and the last line the command said.
run() {
  local name=$1 expected=$2
  shift 2
  local stats=$(mktemp) out=$(mktemp)
  set +e
  /usr/bin/time -f '%e %M' -o "$stats" "$@" >"$out" 2>&1
  local code=$?
  set -e
  read -r wall peak < <(tail -n 1 "$stats")
  printf '| %s | %s s | %s MB | %s | %s |\n' "$name" "$wall" "$((peak / 1024))" "$code" \
    "$(grep -v '^$' "$out" | tail -n 1 | cut -c1-90)"
  if [ "$code" != "$expected" ]; then
    echo "$name: exit $code, expected $expected" >&2
    exit 1
  fi
  rm -f "$stats" "$out"
}

size() { du -sm "$cases/$1" | cut -f1; }
# Measured with the files in the page cache, as the other benchmarks are: one unmeasured pass.
"$bin" check --incidents "$cases/tree" >/dev/null 2>&1 || true
echo "| case | wall | peak memory | exit | last line |"
echo "| --- | ---: | ---: | ---: | --- |"
run "check: one record with a 50 MB summary ($(size fifty-mb) MB)" 0 "$bin" check --incidents "$cases/fifty-mb"
run "check: a million [[sources]] ($(size million-sources) MB)" 0 "$bin" check --incidents "$cases/million-sources"
run "check: a million sources, each a warning ($(size million-warnings) MB)" 0 "$bin" check --incidents "$cases/million-warnings"
run "check: 100 000 levels of nesting" 1 "$bin" check --incidents "$cases/deep"
for n in 60k 200k; do
  glyphs=$(mktemp -d)
  run "build --format pdf: one word of $n distinct characters no font has" 0 "$bin" build --incidents "$cases/glyphs-$n" --month 2024-05 --format pdf --out "$glyphs" -q
  rm -rf "$glyphs"
done
run "check: 200 000 files, 5 broken" 1 "$bin" check --incidents "$cases/tree"
out=$(mktemp -d)
run "build --each month --year 2024 over them (refused)" 1 "$bin" build --incidents "$cases/tree" --each month --year 2024 --out "$out"
if [ -n "$(ls -A "$out")" ]; then
  echo "a refused build wrote files: $(ls "$out")" >&2
  exit 1
fi
# The same archive once the broken files are set aside.
aside=$(mktemp -d)
mv "$cases"/tree/2024/*-broken-*.toml "$aside"/
restore() { mv "$aside"/*.toml "$cases/tree/2024/"; rmdir "$aside"; rm -rf "$out"; }
trap restore EXIT
run "build --each quarter --year 2024, all formats, 199 995 files" 0 "$bin" build --incidents "$cases/tree" --each quarter --year 2024 --out "$out" -q
echo "(the archive: $(ls "$out" | wc -l) files, $(du -sm "$out" | cut -f1) MB)"
