#!/usr/bin/env bash
# A backup of the site's PostgreSQL database: everything that must survive lives there
# (Redis holds only the Celery queue and the cache; see the README, "Backups and restore").
#
#   deploy/backup.sh [--dir DIR] [--keep-days N] [DATABASE_URL]
#
# The database is the argument, else $DATABASE_URL (a postgres:// URL libpq accepts).
# Writes DIR/<database>-<UTC time>.dump (DIR: $BACKUP_DIR, else ./backups) in pg_dump's
# custom format, which deploy/restore.sh reads, and prints its path. With --keep-days N,
# once the new dump is written, deletes this database's dumps in DIR older than N days.
set -euo pipefail

usage() {
  sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

dir="${BACKUP_DIR:-backups}"
keep_days=""
url="${DATABASE_URL:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || usage; dir="$2"; shift 2 ;;
    --keep-days) [ $# -ge 2 ] || usage; keep_days="$2"; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "backup.sh: unknown option $1" >&2; usage ;;
    *) url="$1"; shift ;;
  esac
done
[ -n "$url" ] || { echo "backup.sh: give the database URL, or set DATABASE_URL" >&2; exit 2; }
if [ -n "$keep_days" ] && ! [[ "$keep_days" =~ ^[0-9]+$ ]]; then
  echo "backup.sh: --keep-days takes a whole number of days" >&2
  exit 2
fi

# The database's name, for the file's: the URL's path without its query string.
name="${url%%\?*}"
name="${name##*/}"
[ -n "$name" ] || { echo "backup.sh: the URL names no database: $url" >&2; exit 2; }

mkdir -p "$dir"
file="$dir/$name-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name, so a dump cut short never looks like a backup.
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --file="$partial" --dbname="$url"
mv "$partial" "$file"
trap - EXIT

if [ -n "$keep_days" ]; then
  find "$dir" -maxdepth 1 -type f -name "$name-*.dump" -mtime +"$keep_days" -print -delete \
    | sed 's/^/removed (older than '"$keep_days"' days): /' >&2
fi
echo "$file"
