#!/bin/sh
# JITspace's own PostgreSQL role: it logs in, owns the jitspace database (so `jitspace
# migrate` can create its tables) and nothing more: not a superuser, it cannot create roles
# or databases, nor replicate. The postgres image runs this once, when it makes its data
# directory (as a file of /docker-entrypoint-initdb.d); on a server made before, run it by
# hand with the same variables. The superuser (POSTGRES_USER) stays the operator's, for
# backups and maintenance.
#   POSTGRES_USER, POSTGRES_DB        the superuser and the database (the image's own)
#   JITSPACE_APP_ROLE                 the role to make (default jitspace_app)
#   JITSPACE_APP_PASSWORD_FILE        the file holding its password
set -eu
role="${JITSPACE_APP_ROLE:-jitspace_app}"
password="$(cat "$JITSPACE_APP_PASSWORD_FILE")"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$role" -v password="$password" -v database="$POSTGRES_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" PASSWORD :'password';
ALTER DATABASE :"database" OWNER TO :"role";
SQL
