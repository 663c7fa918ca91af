#!/bin/sh
# After a restore to a point in time: set the witness file aside, and start it again with the
# checkpoints the restored database holds.
#
#   trim-witness.sh WITNESS DATABASE
#
# WITNESS: JITspace's witness file (JITSPACE_WITNESS_FILE, data_dir/witness.jsonl by default);
# DATABASE: JITspace's database on the restored server (psql connects as libpq's environment
# says: PGHOST, PGPORT, PGUSER...).
#
# The witness file holds every checkpoint JITspace signed, outside the database. After a
# restore to an earlier moment it also holds the checkpoints signed after that moment, over
# events the restored database no longer has: `jitspace verify` rightly names them (the log
# was cut), and the signer refuses to sign again. This script moves the file aside to
# WITNESS.before-restore-<UTC time> (keep it: it is the signed record of what the restore
# discarded) and writes WITNESS anew with the lines, in their order, whose checkpoint the
# restored database holds. Run it with JITspace stopped, once the restore has promoted.
set -eu
umask 077

if [ "$#" -ne 2 ]; then
    echo "usage: $0 WITNESS DATABASE" >&2
    exit 2
fi
witness=$1
database=$2
aside="$witness.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
if [ ! -f "$witness" ]; then
    echo "there is no witness file $witness: nothing to trim" >&2
    exit 0
fi
kept="$witness.trimming"
trap 'rm -f "$kept"' EXIT
# each line is read whole (no quote, no delimiter it could hold); a line is kept if the
# database holds a checkpoint whose signed statement is the line's
psql --no-psqlrc --no-password --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 \
    --dbname="$database" --output="$kept" <<SQL
CREATE TEMPORARY TABLE witness (number bigserial, line text NOT NULL);
\\copy witness (line) FROM '$witness' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
SELECT w.line FROM witness w
WHERE EXISTS (
    SELECT FROM jitspace_checkpoints c
    WHERE c.statement = convert_to(w.line::jsonb ->> 'statement', 'UTF8')
)
ORDER BY w.number;
SQL
mv "$witness" "$aside"
mv "$kept" "$witness"
echo "kept $(wc -l < "$witness") of $(wc -l < "$aside") checkpoint(s) in $witness;" \
    "the file as it was is $aside" >&2
