#!/usr/bin/env bash
# Throw-away PKI for the interop matrix (generated at test time, never committed):
#   rsa-ca.pem   / rsa-ca.key        RSA-2048 root
#   ecdsa-ca.pem / ecdsa-ca.key      ECDSA P-256 root
#   rsa.pem      / rsa.key           RSA-2048 server cert signed by rsa-ca          (RSA, ECDHE_RSA suites)
#   ecdsa.pem    / ecdsa.key         EC P-256 server cert signed by ecdsa-ca        (ECDHE_ECDSA, ECDH_ECDSA)
#   ecrsa.pem    / ecrsa.key         EC P-256 server cert signed by rsa-ca          (ECDH_RSA)
# Every server cert: CN=localhost, SAN DNS:localhost + IP:127.0.0.1, serverAuth; EC certs carry
# keyUsage digitalSignature+keyAgreement (ECDHE signs, static ECDH agrees), RSA keyEncipherment.
# Also writes psk.txt (gnutls-serv --pskpasswd format "identity:hexkey").
# Usage: gen_certs.sh DIR   (idempotent: does nothing when DIR/.complete exists)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
openssl=${OPENSSL:-openssl}
if [ -f "$dir/.complete" ]; then
    exit 0
fi
mkdir -p "$dir"
pki_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../scripts/pki_lib.sh"
cd "$dir"

. "$pki_lib"
{
    pki_ext v3_rsa "$pki_server_ku" serverAuth "$pki_localhost_san"
    pki_ext v3_ec "digitalSignature, keyAgreement" serverAuth "$pki_localhost_san"
} | pki_cnf pki.cnf

ca() { # name keytype subject
    pki_key "$1-ca.key" "$2"
    pki_root pki.cnf "$1-ca.key" "$1-ca.pem" "/CN=$3" 3650
}
leaf() { # name keytype ca ext
    pki_key "$1.key" "$2"
    pki_leaf pki.cnf "$1.key" "$1.pem" "/CN=localhost/O=qlssl interop $1" "$3-ca.pem" "$3-ca.key" "$4" 3650
}

ca rsa rsa "qlssl interop RSA root"
ca ecdsa ec "qlssl interop ECDSA root"
leaf rsa rsa rsa v3_rsa
leaf ecdsa ec ecdsa v3_ec
leaf ecrsa ec rsa v3_ec

# Self-checks: each leaf verifies against its own CA and not against the other one.
"$openssl" verify -CAfile rsa-ca.pem rsa.pem ecrsa.pem >/dev/null
"$openssl" verify -CAfile ecdsa-ca.pem ecdsa.pem >/dev/null
if "$openssl" verify -CAfile rsa-ca.pem ecdsa.pem >/dev/null 2>&1; then
    echo "gen_certs: ecdsa.pem unexpectedly verifies against rsa-ca" >&2
    exit 1
fi

printf 'qlssl-interop:00112233445566778899aabbccddeeff\n' > psk.txt
touch .complete
