#!/usr/bin/env bash
# Packs one release archive, after checking that the binary works on its own. The release
# workflow (.github/workflows/release.yml) runs it once per target; .ci/run runs it on the
# test build, so the packing and the check are tested before a tag needs them.
#
#   scripts/package.sh --bin PATH --name NAME --out DIR [--version X.Y.Z]
#
# Writes DIR/NAME.tar.gz (DIR/NAME.zip when the binary ends in .exe) holding one folder NAME/
# with the binary, README.md, the licence files and LICENSES/ (the bundled fonts' licences:
# the binary carries the fonts). With --version, the binary's --version must name it.
set -euo pipefail

die() {
  echo "package: $1" >&2
  exit 2
}

bin="" name="" out="" version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin | --name | --out | --version)
      [ $# -ge 2 ] || die "$1 needs a value"
      declare "${1#--}=$2"
      shift 2
      ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[ -n "$bin" ] && [ -n "$name" ] && [ -n "$out" ] || die "--bin, --name and --out are needed"
[ -f "$bin" ] || die "no binary at $bin"
[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "the name '$name' may hold letters, digits, . _ - only"

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The version the binary reports must be the tag's: a tag pushed without bumping Cargo.toml
# would otherwise ship binaries that call themselves the previous release.
reported="$("$bin" --version | tr -d '\r')"
echo "package: $reported"
if [ -n "$version" ]; then
  case "$reported" in
    "heistbrief $version" | "heistbrief $version ("*) ;;
    *) die "the binary says '$reported', the release is $version (bump Cargo.toml's version)" ;;
  esac
fi

# The promise of a downloaded binary: copied alone into an empty folder with only incidents/
# beside it (no templates, no benchmarks, no source tree), it builds a brief in every format.
smoke="$work/smoke"
mkdir -p "$smoke/bin" "$smoke/run"
cp "$bin" "$smoke/bin/"
cp -R "$root/incidents" "$smoke/run/incidents"
(
  cd "$smoke/run"
  # A fixed today: the bundled records' sources were read up to then.
  HEISTBRIEF_TODAY=2026-12-05 "$smoke/bin/$(basename "$bin")" build --month 2024-03 --quiet
)
for file in brief-2024-03.md brief-2024-03.html brief-2024-03.pdf brief-2024-03-trend.svg; do
  [ -s "$smoke/run/output/$file" ] || die "the binary alone did not write output/$file"
done
head -c 5 "$smoke/run/output/brief-2024-03.pdf" | grep -q '^%PDF-' || die "brief-2024-03.pdf is not a PDF"
grep -q '<style>' "$smoke/run/output/brief-2024-03.html" || die "the HTML brief has no stylesheet"
echo "package: the binary alone built the March 2024 brief (md, html, pdf)"

# The archive's folder.
dir="$work/$name"
mkdir -p "$dir/LICENSES"
cp "$bin" "$dir/"
cp "$root/README.md" "$dir/"
# The project's own licence files, whichever exist at the root.
for file in "$root"/LICENSE* "$root"/COPYING* "$root"/NOTICE*; do
  if [ -f "$file" ]; then cp "$file" "$dir/"; fi
done
# The fonts inside the binary, each with its licence (see src/render/fonts/).
cp "$root/src/render/fonts/OFL.txt" "$dir/LICENSES/OFL-NotoSans.txt"
cp "$root/src/render/fonts/LICENSE-DejaVu.txt" "$dir/LICENSES/LICENSE-DejaVuSansMono.txt"
cp "$root/src/render/fonts/LICENSE-DroidSansFallback.txt" "$dir/LICENSES/LICENSE-DroidSansFallback.txt"

# tar.gz for Unix, zip for Windows (where Explorer opens it without extra tools). Entries are
# sorted and owned by nobody in particular, so the archive depends on the files only.
case "$bin" in
  *.exe)
    archive="$out/$name.zip"
    rm -f "$archive"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$work" && 7z a -tzip -bd "$archive" "$name" >/dev/null)
    else
      (cd "$work" && zip -qr "$archive" "$name")
    fi
    ;;
  *)
    archive="$out/$name.tar.gz"
    tar_flags=()
    # GNU tar's options for an archive that depends on the files only; bsdtar (macOS) lacks them.
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      tar_flags=(--sort=name --owner=0 --group=0 --numeric-owner)
    fi
    (cd "$work" && tar "${tar_flags[@]}" -czf "$archive" "$name")
    ;;
esac
echo "package: wrote $archive"
