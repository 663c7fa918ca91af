#!/bin/sh
# Take a base backup of the running PostgreSQL into BACKUPS/base-<UTC time>/ and check it.
#
#   base-backup.sh BACKUPS
#
# Connects as libpq's environment says (PGHOST, PGPORT, PGUSER, PGPASSWORD or ~/.pgpass; the
# user needs the REPLICATION attribute, as the superuser has). The backup is taken while the
# database keeps working (no lock on JITspace's writes): the tar files are compressed, the WAL
# written meanwhile is streamed into pg_wal.tar.gz (so the backup restores on its own, even
# without the archive), backup_manifest lists every file with its checksum, and
# pg_verifybackup checks them all before the backup is declared good. A backup that fails
# its check is left under base-<time>.failed/ and the script exits non-zero.
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: $0 BACKUPS" >&2
    exit 2
fi
backups=$1
mkdir -p "$backups"
label="jitspace-$(date -u +%Y%m%dT%H%M%SZ)"
partial="$backups/.$label.incomplete"
target="$backups/base-${label#jitspace-}"
rm -rf "$partial"

wal_readable() {
    wal=$(mktemp -d)
    tar -xzf "$1/pg_wal.tar.gz" -C "$wal"
    range=$(tr -d ' \n' < "$1/backup_manifest" | grep -o '"WAL-Ranges":\[{[^]]*}\]')
    timeline=$(printf '%s' "$range" | sed 's/.*"Timeline":\([0-9]*\).*/\1/')
    start=$(printf '%s' "$range" | sed 's/.*"Start-LSN":"\([0-9A-F/]*\)".*/\1/')
    end=$(printf '%s' "$range" | sed 's/.*"End-LSN":"\([0-9A-F/]*\)".*/\1/')
    status=0
    pg_waldump --quiet --path="$wal" --timeline="$timeline" --start="$start" --end="$end" \
        || status=$?
    rm -rf "$wal"
    return "$status"
}

pg_basebackup --pgdata="$partial" --format=tar --gzip --wal-method=stream \
    --checkpoint=fast --label="$label" --manifest-checksums=SHA256 --no-password
# when the copy ended, on the database's clock: restore.sh takes the newest backup that
# ended before the moment asked for
ended=$(psql --no-psqlrc --no-password --tuples-only --no-align \
    --dbname="${PGDATABASE:-postgres}" --command="SELECT clock_timestamp()")
printf '%s\n' "$ended" > "$partial/backup_ended_at"


# every file against the manifest's checksums; then the streamed WAL, record by record, from
# the backup's start to its end (pg_verifybackup leaves that to pg_waldump for tar backups)
if ! pg_verifybackup --ignore=backup_ended_at --no-parse-wal "$partial" >&2 \
    || ! wal_readable "$partial"; then
    mv "$partial" "$target.failed"
    echo "base backup $target.failed did NOT pass its checks (pg_verifybackup, pg_waldump)" >&2
    exit 1
fi
mv "$partial" "$target"
echo "$target"
