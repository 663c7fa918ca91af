#!/bin/sh
# Restore PostgreSQL to a point in time from a base backup and the WAL archive.
#
#   restore.sh [--start] BACKUPS ARCHIVE DATA TARGET_TIME
#
# BACKUPS: the folder base-backup.sh writes to; ARCHIVE: the WAL archive
# (postgresql-archiving.conf); DATA: the data directory to make, absent or empty (the server
# must be stopped first, and the old data directory moved aside: that is the operator's
# decision, never this script's); TARGET_TIME: a moment with its time zone, e.g.
# '2026-12-06 14:05:00+00'. Every transaction committed up to that moment is restored, none
# after it.
#
# The newest base backup that ended before TARGET_TIME is checked (pg_verifybackup) and
# unpacked into DATA, with recovery.signal and the recovery settings
# (postgresql.auto.conf): restore_command from ARCHIVE, recovery_target_time, and
# recovery_target_action = 'promote'. Started, the server replays the archived WAL up to
# TARGET_TIME and promotes itself (a new timeline: what it writes next is archived under
# other names than the history it left). With --start, this script starts it (pg_ctl) and
# waits until it has promoted, then takes the recovery settings out again (the server's log
# is DATA.restore.log); without, start
# the server as usual (e.g. `docker compose up -d postgres`) and wait until
# `SELECT pg_is_in_recovery()` answers f.
set -eu

start=false
if [ "${1:-}" = "--start" ]; then
    start=true
    shift
fi
if [ "$#" -ne 4 ]; then
    echo "usage: $0 [--start] BACKUPS ARCHIVE DATA TARGET_TIME" >&2
    exit 2
fi
backups=$1
archive=$2
data=$3
target=$4

if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
    echo "$data is not empty: stop the server and move the old data directory aside first" >&2
    exit 1
fi
# GNU date reads the time with its zone; nanoseconds since the epoch, to compare
target_ns=$(date -u -d "$target" +%s%N)

backup=""
for candidate in "$backups"/base-*; do
    [ -f "$candidate/backup_ended_at" ] || continue
    ended_ns=$(date -u -d "$(cat "$candidate/backup_ended_at")" +%s%N)
    # names sort by time: the last one that ended before the target wins
    if [ "$ended_ns" -lt "$target_ns" ]; then
        backup=$candidate
    fi
done
if [ -z "$backup" ]; then
    echo "no base backup in $backups ended before $target" >&2
    exit 1
fi
echo "restoring $backup to $target" >&2
pg_verifybackup --ignore=backup_ended_at --no-parse-wal "$backup" >&2

mkdir -p "$data"
chmod 700 "$data"
tar -xzf "$backup/base.tar.gz" -C "$data"
tar -xzf "$backup/pg_wal.tar.gz" -C "$data/pg_wal"
archive=$(cd "$archive" && pwd)
cat >> "$data/postgresql.auto.conf" <<SETTINGS
# point-in-time recovery (restore.sh): from $backup to $target
restore_command = 'cp "$archive/%f" "%p"'
recovery_target_time = '$target'
recovery_target_action = 'promote'
SETTINGS
touch "$data/recovery.signal"

if [ "$start" = false ]; then
    echo "$data is ready: start the server; it replays the archive up to $target and promotes" >&2
    exit 0
fi
# the server's log beside the data directory, not in it (a base backup would copy it)
log="$data.restore.log"
pg_ctl --pgdata="$data" --log="$log" --wait --timeout=600 start >&2
# the server accepts connections while it replays: wait until it has promoted
tries=0
until [ "$(psql --no-psqlrc --no-password --tuples-only --no-align \
    --dbname="${PGDATABASE:-postgres}" --command='SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then
        echo "the server did not promote within 10 minutes: see $log" >&2
        exit 1
    fi
    if ! pg_ctl --pgdata="$data" status >/dev/null 2>&1; then
        echo "the server stopped during recovery: see $log" >&2
        exit 1
    fi
    sleep 1
done
psql --no-psqlrc --no-password --quiet --dbname="${PGDATABASE:-postgres}" \
    --set=ON_ERROR_STOP=1 >&2 <<'SQL'
ALTER SYSTEM RESET restore_command;
ALTER SYSTEM RESET recovery_target_time;
ALTER SYSTEM RESET recovery_target_action;
SELECT pg_reload_conf();
SQL
echo "restored to $target and promoted" >&2
