#!/usr/bin/env bash
# Throw-away PKI for the hardening tests and the benchmarks (generated at run time, never committed).
#   rsa_ca.pem  rsa_ca.key      RSA-2048 root CA (SHA-256)
#   rsa_server.pem .key         RSA-2048 leaf, CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1
#   ec_ca.pem   ec_ca.key       ECDSA P-256 root CA (SHA-256)
#   ec_server.pem .key          ECDSA P-256 leaf, same names
# Usage: gen_pki.sh DIR      (does nothing when DIR/ec_server.pem already exists)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
openssl=${OPENSSL:-openssl}
mkdir -p "$dir"
pki_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../scripts/pki_lib.sh"
cd "$dir"
[ -s ec_server.pem ] && [ -s rsa_server.pem ] && exit 0

. "$pki_lib"
pki_ext v3_leaf "$pki_server_ku" serverAuth "$pki_localhost_san, IP:::1" | pki_cnf hardening-pki.cnf

for p in rsa ec; do
    pki_key "${p}_ca.key" "$p"
    pki_root hardening-pki.cnf "${p}_ca.key" "${p}_ca.pem" "/CN=qlssl hardening ${p} CA" 3650
    pki_key "${p}_server.key" "$p"
    pki_leaf hardening-pki.cnf "${p}_server.key" "${p}_server.pem" "/CN=localhost" "${p}_ca.pem" "${p}_ca.key" v3_leaf 3650
done
echo "PKI in $dir"
