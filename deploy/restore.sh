#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh. It REPLACES the data of every table in the
# dump: stop web, worker and beat first (README, "Backups and restore").
#
#   deploy/restore.sh [--yes] DUMP_FILE [DATABASE_URL]
#
# The database is the second argument, else $DATABASE_URL. Asks before it overwrites
# anything, unless --yes. The restore is one transaction: on any error nothing changes.
set -euo pipefail

usage() {
  sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

yes=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --yes | -y) yes=1; shift ;;
    -h | --help) usage ;;
    -*) echo "restore.sh: unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || usage
file="${args[0]}"
url="${args[1]:-${DATABASE_URL:-}}"
[ -n "$url" ] || { echo "restore.sh: give the database URL, or set DATABASE_URL" >&2; exit 2; }
[ -f "$file" ] && [ -r "$file" ] || { echo "restore.sh: no readable dump at $file" >&2; exit 2; }
# A file pg_restore cannot read is refused before anything is asked or dropped.
if ! pg_restore --list "$file" >/dev/null; then
  echo "restore.sh: $file is not a dump in pg_dump's custom format" >&2
  exit 2
fi

if [ -z "$yes" ]; then
  # host:port/database, never the user or password
  shown="${url%%\?*}"
  shown="${shown#*://}"
  shown="${shown##*@}"
  if [ ! -t 0 ]; then
    echo "restore.sh: this overwrites the data in $shown; pass --yes to run it without a terminal" >&2
    exit 2
  fi
  read -r -p "Replace the data in $shown with $file? Type yes to go on: " answer
  [ "$answer" = yes ] || { echo "restore.sh: nothing restored" >&2; exit 1; }
fi

pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction \
  --dbname="$url" "$file"
echo "restored $file"
