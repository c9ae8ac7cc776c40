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
cd "$dir"
[ -s ec_server.pem ] && [ -s rsa_server.pem ] && exit 0

cat > hardening-pki.cnf <<'CNF'
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF

gen() { # prefix keyalg-args...
    local p=$1
    shift
    "$openssl" genpkey "$@" -out "${p}_ca.key" 2>/dev/null
    "$openssl" req -new -x509 -config hardening-pki.cnf -extensions v3_ca -key "${p}_ca.key" \
        -subj "/CN=qlssl hardening ${p} CA" -days 3650 -sha256 -out "${p}_ca.pem"
    "$openssl" genpkey "$@" -out "${p}_server.key" 2>/dev/null
    "$openssl" req -new -config hardening-pki.cnf -key "${p}_server.key" -subj "/CN=localhost" \
        -out "${p}_server.csr"
    "$openssl" x509 -req -in "${p}_server.csr" -CA "${p}_ca.pem" -CAkey "${p}_ca.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -days 3650 -sha256 -extfile hardening-pki.cnf -extensions v3_leaf -out "${p}_server.pem" 2>/dev/null
    rm -f "${p}_server.csr"
}
gen rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
gen ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
echo "PKI in $dir"
