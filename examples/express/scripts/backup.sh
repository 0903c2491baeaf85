#!/usr/bin/env bash
# Back up the database named by DATABASE_URL into a timestamped file.
#
# DATABASE_URL comes from the environment, else from .env, else the service's
# default; BACKUP_DIR (default: backups) sets the destination folder.
# Usage: scripts/backup.sh   (or `make backup`)
set -euo pipefail

cd "$(dirname "$0")/.."

die() {
  echo "backup: $*" >&2
  exit 1
}

if [[ -z "${DATABASE_URL:-}" && -f .env ]]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)"
  DATABASE_URL="${DATABASE_URL%[\"\']}"
  DATABASE_URL="${DATABASE_URL#[\"\']}"
fi
url="${DATABASE_URL:-sqlite:///./my_service.db}"
# Drop the driver from the scheme (name+driver://): the dump tools know none.
scheme="${url%%://*}"
url="${scheme%%+*}://${url#*://}"

backup_dir="${BACKUP_DIR:-backups}"
mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$backup_dir/my_service-$stamp.sqlite3"
trap 'rm -f "$out.partial"' EXIT

# sqlite:///relative.db or sqlite:////absolute/path.db
db="${url#sqlite:///}"
db="${db%%\?*}"
[[ -f "$db" ]] || die "no SQLite database at $db (run \`make migrate\` first)"

# The online backup API copies a consistent snapshot, even while the app writes.
node --input-type=module - "$db" "$out.partial" <<'JS'
import { backup, DatabaseSync } from "node:sqlite";

const [source, target] = process.argv.slice(2);
const db = new DatabaseSync(source, { readOnly: true });
await backup(db, target);
db.close();
JS

mv "$out.partial" "$out"
echo "Backed up to $out"
