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
cd "$dir"

# A self-contained OpenSSL config, so the system openssl.cnf cannot change the result.
cat > pki.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_localhost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_wronghost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:wrong.example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF

newkey() {
    "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
}

selfsigned_ca() { # name subject
    newkey "$1.key"
    "$openssl" req -config pki.cnf -new -x509 -sha256 -days 30 -key "$1.key" -subj "$2" \
        -extensions v3_ca -out "$1.pem"
}

leaf() { # name subject extensions-section
    newkey "$1.key"
    "$openssl" req -config pki.cnf -new -sha256 -key "$1.key" -subj "$2" -out "$1.csr"
    "$openssl" x509 -req -sha256 -days 30 -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -extfile pki.cnf -extensions "$3" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}

selfsigned_ca ca "/O=qlssl tests/CN=qlssl test root CA"
selfsigned_ca wrongca "/O=qlssl tests/CN=qlssl unrelated CA"
leaf server "/O=qlssl tests/CN=localhost" v3_localhost
leaf wronghost "/O=qlssl tests/CN=wrong.example" v3_wronghost

# Sanity: both leaves chain to the root, and to nothing else.
"$openssl" verify -CAfile ca.pem server.pem wronghost.pem >/dev/null
if "$openssl" verify -CAfile wrongca.pem server.pem >/dev/null 2>&1; then
    echo "gen_pki.sh: server.pem unexpectedly verifies against wrongca.pem" >&2
    exit 1
fi
chmod 600 ./*.key
echo "gen_pki.sh: test PKI written to $(pwd)"
