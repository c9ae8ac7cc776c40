#!/usr/bin/env bash
# Generate a throw-away test PKI (RSA 2048, SHA-256) into DIR:
#   ca.pem / ca.key                 root CA
#   server.pem / server.key         leaf for CN=localhost, SAN DNS:localhost + IP:127.0.0.1, signed by the root
#   wronghost.pem / wronghost.key   leaf for CN=wrong.example, SAN DNS:wrong.example, signed by the root
#   wrongca.pem / wrongca.key       an unrelated CA that signed nothing the tests serve
# Keys are generated at test time and never committed.
# Usage: scripts/gen_pki.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
openssl=${OPENSSL:-openssl}
mkdir -p "$dir"
pki_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pki_lib.sh"
cd "$dir"

. "$pki_lib"
{
    pki_ext v3_localhost "$pki_server_ku" serverAuth "$pki_localhost_san"
    pki_ext v3_wronghost "$pki_server_ku" serverAuth "DNS:wrong.example"
} | pki_cnf pki.cnf

for name in ca wrongca server wronghost; do
    pki_key "$name.key" rsa
done
pki_root pki.cnf ca.key ca.pem "/O=qlssl tests/CN=qlssl test root CA"
pki_root pki.cnf wrongca.key wrongca.pem "/O=qlssl tests/CN=qlssl unrelated CA"
pki_leaf pki.cnf server.key server.pem "/O=qlssl tests/CN=localhost" ca.pem ca.key v3_localhost
pki_leaf pki.cnf wronghost.key wronghost.pem "/O=qlssl tests/CN=wrong.example" ca.pem ca.key v3_wronghost

# Sanity: both leaves chain to the root, and to nothing else.
"$openssl" verify -CAfile ca.pem server.pem wronghost.pem >/dev/null
if "$openssl" verify -CAfile wrongca.pem server.pem >/dev/null 2>&1; then
    echo "gen_pki.sh: server.pem unexpectedly verifies against wrongca.pem" >&2
    exit 1
fi
chmod 600 ./*.key
echo "gen_pki.sh: test PKI written to $(pwd)"
