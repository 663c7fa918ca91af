#!/bin/bash
# Escrow JITspace's signing key (Ed25519, PEM) under two passphrases, and get it back.
#
#   escrow-signing-key.sh seal   KEY.pem    ESCROW  PASSPHRASE_A PASSPHRASE_B
#   escrow-signing-key.sh unseal ESCROW     KEY.pem PASSPHRASE_A PASSPHRASE_B
#
# PASSPHRASE_A and PASSPHRASE_B are files, each holding the passphrase of one of two officers
# (read by openssl as `-pass file:`; give /dev/stdin to type one, or a file on a tmpfs that
# is removed afterwards). The key is encrypted with A's passphrase and the result again
# with B's (AES-256-CBC, PBKDF2 with 600,000 iterations each): neither officer alone can
# recover it. ESCROW.pub is the public key, ESCROW.sha256 the checksum of the sealed file:
# after unsealing, the script checks that the key recovered is the one whose public key was
# escrowed (the one `GET /ledger/public-key` announces), and refuses to write it otherwise.
set -euo pipefail

if [ "$#" -ne 5 ] || { [ "$1" != seal ] && [ "$1" != unseal ]; }; then
    echo "usage: $0 seal KEY.pem ESCROW PASSPHRASE_A PASSPHRASE_B" >&2
    echo "       $0 unseal ESCROW KEY.pem PASSPHRASE_A PASSPHRASE_B" >&2
    exit 2
fi
action=$1
source=$2
destination=$3
pass_a=$4
pass_b=$5
umask 077
cipher="-aes-256-cbc -pbkdf2 -iter 600000 -salt"

if [ "$action" = seal ]; then
    openssl pkey -in "$source" -noout  # a private key, readable without a passphrase
    trap 'rm -f "$destination.sealing"' EXIT
    # shellcheck disable=SC2086
    openssl enc $cipher -pass "file:$pass_a" -in "$source" \
        | openssl enc $cipher -pass "file:$pass_b" -out "$destination.sealing"
    mv "$destination.sealing" "$destination"
    openssl pkey -in "$source" -pubout -out "$destination.pub"
    sha256sum "$destination" | cut -d' ' -f1 > "$destination.sha256"
    echo "sealed $source into $destination (public key $destination.pub)" >&2
    exit 0
fi

if [ "$(sha256sum "$source" | cut -d' ' -f1)" != "$(cat "$source.sha256")" ]; then
    echo "$source does not match its checksum $source.sha256: it was altered or damaged" >&2
    exit 1
fi
recovered="$destination.unsealing"
trap 'rm -f "$recovered"' EXIT
# shellcheck disable=SC2086
openssl enc -d $cipher -pass "file:$pass_b" -in "$source" \
    | openssl enc -d $cipher -pass "file:$pass_a" -out "$recovered"
if [ "$(openssl pkey -in "$recovered" -pubout)" != "$(cat "$source.pub")" ]; then
    echo "the key unsealed from $source is not the escrowed one ($source.pub)" >&2
    exit 1
fi
mv "$recovered" "$destination"
echo "unsealed the signing key into $destination" >&2
