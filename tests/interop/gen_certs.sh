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
cd "$dir"

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
[ v3_rsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyAgreement
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF

rsakey() { "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
# Traditional "EC PRIVATE KEY" PEM with named curve: readable by every peer (mbedtls, gnutls, openssl).
eckey() { "$openssl" ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }

ca() { # name keyfn subject
    $2 "$1-ca.key"
    "$openssl" req -new -x509 -config pki.cnf -extensions v3_ca -key "$1-ca.key" -sha256 \
        -days 3650 -subj "/CN=$3" -out "$1-ca.pem"
}
leaf() { # name keyfn ca ext
    $2 "$1.key"
    "$openssl" req -new -config pki.cnf -key "$1.key" -subj "/CN=localhost/O=qlssl interop $1" -out "$1.csr"
    "$openssl" x509 -req -in "$1.csr" -CA "$3-ca.pem" -CAkey "$3-ca.key" -CAcreateserial \
        -sha256 -days 3650 -extfile pki.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}

ca rsa rsakey "qlssl interop RSA root"
ca ecdsa eckey "qlssl interop ECDSA root"
leaf rsa rsakey rsa v3_rsa
leaf ecdsa eckey ecdsa v3_ec
leaf ecrsa eckey rsa v3_ec

# Self-checks: each leaf verifies against its own CA and not against the other one.
"$openssl" verify -CAfile rsa-ca.pem rsa.pem ecrsa.pem >/dev/null
"$openssl" verify -CAfile ecdsa-ca.pem ecdsa.pem >/dev/null
if "$openssl" verify -CAfile rsa-ca.pem ecdsa.pem >/dev/null 2>&1; then
    echo "gen_certs: ecdsa.pem unexpectedly verifies against rsa-ca" >&2
    exit 1
fi

printf 'qlssl-interop:00112233445566778899aabbccddeeff\n' > psk.txt
touch .complete
