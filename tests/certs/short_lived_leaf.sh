#!/usr/bin/env bash
# Make a localhost server certificate that expires SECONDS from now, for the renegotiation tests
# (a certificate that is valid at the first handshake and expired at the renegotiation).
#
# Usage: tests/certs/short_lived_leaf.sh PKI-DIR OUT-PREFIX SECONDS
#   Signs PKI-DIR/good.key's public key with the matrix intermediate (PKI-DIR/inter.{pem,key});
#   writes OUT-PREFIX.pem (leaf) and OUT-PREFIX_chain.pem (leaf + inter). certtool (gnutls-bin)
#   sets notAfter to the second; openssl 3.0's `x509` cannot.
set -euo pipefail
pki=$1 out=$2 secs=$3
certtool=${CERTTOOL:-certtool}
tmpl=$(mktemp)
trap 'rm -f "$tmpl"' EXIT
export TZ=UTC
cat > "$tmpl" <<EOF
organization = "qlssl tests"
cn = localhost
dns_name = localhost
ip_address = 127.0.0.1
tls_www_server
signing_key
encryption_key
activation_date = "$(date -u -d '-1 hour' '+%Y-%m-%d %H:%M:%S')"
expiration_date = "$(date -u -d "+$secs seconds" '+%Y-%m-%d %H:%M:%S')"
EOF
"$certtool" --generate-certificate --load-privkey "$pki/good.key" --load-ca-certificate "$pki/inter.pem" \
    --load-ca-privkey "$pki/inter.key" --template "$tmpl" --outfile "$out.pem" >/dev/null 2>&1
cat "$out.pem" "$pki/inter.pem" > "$out"_chain.pem
