#!/usr/bin/env bash
# Builds the briefs site that .github/workflows/brief.yml publishes to GitHub Pages: the
# records checked first, then one brief per month from January of the first record's year to
# the last complete month, the index of them all, and latest.html pointing at the newest.
#
#   scripts/publish.sh [--period YYYY-MM] [--out DIR] [--plan]
#
#   --period YYYY-MM  the newest month to publish (default, or empty: the last complete month)
#   --out DIR         where the site is written (default: site); must be new or empty
#   --plan            print the month, its year and its last day, and build nothing
#
# Environment: HEISTBRIEF (the binary; default target/release/heistbrief, else heistbrief on
# PATH); HEISTBRIEF_TODAY=YYYY-MM-DD fixes today, as it does for heistbrief itself (the tests
# use it). Run from the repository's root: incidents/, benchmarks.toml and templates/ are read
# from there, as `heistbrief build` reads them.
#
# Exit codes follow heistbrief's: 1 the records have problems (nothing is built), 2 a usage
# or I/O error.
#
# Why every month since the first record, not just this year's: a Pages deployment replaces
# the whole site, so a month left out of a build disappears from it. Building all of them
# (about 6 s for ten years) keeps every brief at the same address for good.
set -euo pipefail

die() {
  echo "publish: $1" >&2
  exit "${2:-2}"
}

period=""
out="site"
plan=false
while [ $# -gt 0 ]; do
  case "$1" in
    --period) [ $# -ge 2 ] || die "--period needs YYYY-MM"; period="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2 ;;
    --plan) plan=true; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# Today. Unless fixed, the date anywhere on Earth (UTC-12, the last time zone to finish a
# day): a month counts as complete only once it has ended everywhere, whether the run is the
# schedule's or a push's just after midnight UTC on the 1st.
today="${HEISTBRIEF_TODAY:-$(TZ=Etc/GMT+12 date +%Y-%m-%d)}"
[[ "$today" =~ ^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$ ]] ||
  die "today '$today' is not a date (HEISTBRIEF_TODAY must be YYYY-MM-DD)"
# 10# reads "08" as eight, not as a bad octal number.
today_year=$((10#${BASH_REMATCH[1]}))
today_month=$((10#${BASH_REMATCH[2]}))

if [ -z "$period" ]; then
  # The month before today's; January's is the December before.
  year=$today_year
  month=$((today_month - 1))
  if [ "$month" -eq 0 ]; then
    year=$((year - 1))
    month=12
  fi
else
  [[ "$period" =~ ^([0-9]{4})-(0[1-9]|1[0-2])$ ]] ||
    die "--period '$period' is not a month (YYYY-MM, e.g. 2024-03)"
  year=$((10#${BASH_REMATCH[1]}))
  month=$((10#${BASH_REMATCH[2]}))
  # A month that has not ended would publish a partial brief under its final address.
  if [ $((year * 12 + month)) -ge $((today_year * 12 + today_month)) ]; then
    die "--period $period has not ended yet (today is $today)"
  fi
fi

# The month's last day, for --to: February has 29 days in leap years (every fourth, except
# centuries not divisible by 400).
case "$month" in
  4 | 6 | 9 | 11) last_day=30 ;;
  2)
    if { [ $((year % 4)) -eq 0 ] && [ $((year % 100)) -ne 0 ]; } || [ $((year % 400)) -eq 0 ]; then
      last_day=29
    else
      last_day=28
    fi
    ;;
  *) last_day=31 ;;
esac
label=$(printf '%04d-%02d' "$year" "$month")
to=$(printf '%s-%02d' "$label" "$last_day")

if $plan; then
  printf 'today=%s\nmonth=%s\nyear=%04d\nto=%s\n' "$today" "$label" "$year" "$to"
  exit 0
fi

bin="${HEISTBRIEF:-}"
if [ -z "$bin" ]; then
  if [ -x target/release/heistbrief ]; then
    bin=target/release/heistbrief
  elif command -v heistbrief >/dev/null 2>&1; then
    bin=heistbrief
  else
    die "no heistbrief binary: build it (cargo build --release) or set HEISTBRIEF"
  fi
fi
# heistbrief keeps its own today (the runner's date, unless HEISTBRIEF_TODAY fixed both): it is
# never earlier than this script's UTC-12 one, so the months up to --to have ended for it too,
# and a source read today in UTC is not "in the future" for `check`.

# A new or empty folder only: files left from an earlier run (a later month, a removed
# record's month) would be published as if current.
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  die "$out is not empty; remove it or choose another --out"
fi

# The records first: in a workflow, each problem becomes an annotation on its line, and a
# failing check stops the run before anything is built or published.
format=human
[ "${GITHUB_ACTIONS:-}" = true ] && format=github
status=0
"$bin" check --format "$format" || status=$?
case "$status" in
  0) ;;
  1) die "the records have problems (above); nothing built" 1 ;;
  *) die "heistbrief check could not run (above); nothing built" "$status" ;;
esac

# The archive starts in January of the first record's year (of the month's own year, if that
# is earlier or there are no records). `list` sorts by date; its CSV's second field is the date.
first=$("$bin" list --sort date --format csv | sed -n '2s/^[^,]*,\([0-9]\{4\}\)-.*/\1/p')
first_year=$year
if [ -n "$first" ] && [ "$((10#$first))" -lt "$year" ]; then
  first_year=$((10#$first))
fi
from=$(printf '%04d-01-01' "$first_year")

echo "publish: the briefs from $from to $to into $out (today is $today)"
"$bin" build --quiet --each month --from "$from" --to "$to" --out "$out"

# The build's lock is its own business, not the site's.
rm -f "$out/.heistbrief.lock"

# A stable address for the newest brief, whatever the month: a redirect page, since Pages
# cannot redirect by itself. The label is digits and a hyphen only, so nothing needs escaping.
newest="brief-$label.html"
[ -f "$out/$newest" ] || die "the build did not write $out/$newest"
cat >"$out/latest.html" <<EOF
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The latest brief: $label</title>
<meta http-equiv="refresh" content="0; url=$newest">
<link rel="canonical" href="$newest">
</head>
<body>
<p>The latest brief is <a href="$newest">$label</a>; <a href="index.html">all briefs</a>.</p>
</body>
</html>
EOF

[ -f "$out/index.html" ] || die "the build did not write $out/index.html"
count=$(find "$out" -maxdepth 1 -name 'brief-*.html' | wc -l)
echo "publish: $out holds $count briefs from $from to $to, index.html and latest.html ($newest)"
