#!/bin/sh
# Makes every secret of the compose deployment in ./secrets (next to this script), each a
# file of its own, with openssl: the passwords, the metrics token, the Ed25519 signing key,
# and, unless one is there already, a self-signed TLS certificate for SERVER_NAME (replace
# tls.crt and tls.key with your certificate authority's). It never overwrites a secret that
# exists: delete the file to make it anew (a new signing key needs its new public key
# published; see infra/README.md).
#   ./make-secrets.sh jit.example.org
set -eu
server_name="${1:-localhost}"
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
chmod 700 secrets

made() {
    echo "made secrets/$1"
}

password() {
    if [ ! -e "secrets/$1" ]; then
        openssl rand -base64 33 | tr -d '\n/+=' > "secrets/$1"
        made "$1"
    fi
}

password postgres_password
password jitspace_db_password
password minio_root_password
password minio_app_secret_key
password metrics_token

if [ ! -e secrets/jitspace_signing_key.pem ]; then
    openssl genpkey -algorithm ed25519 -out secrets/jitspace_signing_key.pem
    made jitspace_signing_key.pem
fi

if [ ! -e secrets/tls.key ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 90 \
        -subj "/CN=$server_name" -addext "subjectAltName=DNS:$server_name" \
        -keyout secrets/tls.key -out secrets/tls.crt 2> /dev/null
    made "tls.crt and secrets/tls.key (self-signed for $server_name: replace them)"
fi

# Compose mounts each file into its containers as it is on this host (owner and mode kept),
# and each service reads its secrets as its own user: JITspace as uid 10001, PostgreSQL as
# uid 999. So the files are readable by any user, and the folder (700) is what keeps the
# other accounts of this host out.
cd secrets
chmod 444 postgres_password jitspace_db_password minio_root_password minio_app_secret_key metrics_token \
    jitspace_signing_key.pem tls.crt tls.key
