# Shared helpers of the test PKI generators (scripts/gen_pki.sh, tests/interop/gen_certs.sh,
# tests/hardening/gen_pki.sh, tests/certs/gen_matrix_pki.sh): a self-contained OpenSSL config and
# its leaf extension sections, keys, serials, roots and signed leaves.
# Source it, then call the functions from inside the output directory. Keys are generated at
# test time and never committed. $OPENSSL overrides the openssl program.

pki_openssl=${OPENSSL:-openssl}

# What most test servers carry: RSA/ECDHE-RSA key usage and the names the clients connect to.
pki_server_ku="digitalSignature, keyEncipherment"
pki_localhost_san="DNS:localhost, IP:127.0.0.1"

# pki_cnf FILE: write the base config ([req], [dn], [v3_ca]) followed by the leaf extension
# sections read from standard input, so the system openssl.cnf cannot change the result.
pki_cnf() {
    {
        cat <<'CNF'
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
CNF
        cat
    } >"$1"
}

# pki_ext SECTION KEY_USAGE EXT_KEY_USAGE [SAN [AKI]]: print an end-entity extension section for
# pki_cnf's standard input: CA:FALSE, the (critical) key usage, the extended key usage, the
# subjectAltName unless SAN is empty, the subject key identifier and, unless AKI is "no" (a
# self-signed certificate has no issuer key to name), the authority key identifier.
pki_ext() {
    printf '[ %s ]\n' "$1"
    printf 'basicConstraints       = critical, CA:FALSE\n'
    printf 'keyUsage               = critical, %s\n' "$2"
    printf 'extendedKeyUsage       = %s\n' "$3"
    if [ -n "${4:-}" ]; then
        printf 'subjectAltName         = %s\n' "$4"
    fi
    printf 'subjectKeyIdentifier   = hash\n'
    if [ "${5:-}" != no ]; then
        printf 'authorityKeyIdentifier = keyid\n'
    fi
}

# pki_serial: a random 64-bit serial number in hex (no 0x, no newline).
pki_serial() {
    od -An -N8 -tx1 /dev/urandom | tr -d ' \n'
}

# pki_key FILE rsa [BITS] | ec: an RSA key (2048 bits unless BITS), or a P-256 key in the
# traditional "EC PRIVATE KEY" form with a named curve (readable by mbedtls, GnuTLS and OpenSSL alike).
pki_key() {
    case $2 in
    rsa) "$pki_openssl" genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${3:-2048}" -out "$1" 2>/dev/null ;;
    ec) "$pki_openssl" ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null ;;
    *) echo "pki_key: unknown key type $2" >&2; return 2 ;;
    esac
}

# pki_root CNF KEY CERT SUBJECT [DAYS]: a self-signed root CA over an existing key.
pki_root() {
    "$pki_openssl" req -config "$1" -new -x509 -sha256 -days "${5:-30}" -key "$2" -subj "$4" \
        -extensions v3_ca -out "$3"
}

# pki_leaf CNF KEY CERT SUBJECT CA_CERT CA_KEY EXTENSIONS [DAYS]: a certificate for an existing
# key, signed by the CA with a random serial and the given extension section of CNF.
pki_leaf() {
    local csr="$3.csr"
    "$pki_openssl" req -config "$1" -new -sha256 -key "$2" -subj "$4" -out "$csr"
    "$pki_openssl" x509 -req -sha256 -days "${8:-30}" -in "$csr" -CA "$5" -CAkey "$6" \
        -set_serial "0x$(pki_serial)" \
        -extfile "$1" -extensions "$7" -out "$3" 2>/dev/null
    rm -f "$csr"
}
