#!/usr/bin/env bash
# Generate the certificate-matrix PKI for tests/certs into DIR (keys are made at test time and are
# never committed). Everything is signed with `openssl ca` from a minimal, self-contained config so
# validity periods can be set exactly (-startdate/-enddate) without faking the clock.
#
# Usage: tests/certs/gen_matrix_pki.sh DIR        (OPENSSL=/path/to/openssl to choose the binary)
#
# Trust anchors and intermediates
#   root.{pem,der,key}           "qlssl matrix root CA" - the only CA the client trusts by default
#   inter.{pem,der,key}          intermediate CA signed by root (pathlen 0)
#   inter_expired.{pem,key}      intermediate signed by root, valid 2020-01-01..2021-01-01 only
#   unknown_root.{pem,key}       an unrelated root the client never trusts
#   unknown_inter.{pem,key}      intermediate signed by unknown_root
#   roots_bundle.pem             root.pem + inter.pem in one PEM file
#   forged_root, forged_inter    named like root and inter, with keys of their own;
#                                forged_issuers.pem = forged_inter.pem + forged_root.pem
# UFS store: store/ (root.pem, sub/root.pem, link_in.pem -> root.pem, sub_link -> sub,
#   link_out.pem -> ../root.pem and up -> .., which lead outside the store)
# Server leaves (X.key, X.pem, and X_chain.pem = leaf + the issuer the server sends; selfsigned and
# unknown_ca are served alone and have no X_chain.pem), all for
# CN=localhost, SAN DNS:localhost + IP:127.0.0.1, KU digitalSignature+keyEncipherment, EKU
# serverAuth, signed by inter, unless noted:
#   good, good_ec (P-256 key), cn_only (no SAN at all, CN=localhost)
#   expired (2020-01-01..2021-01-01)   future (2090-01-01..2091-01-01)
#   wrongname (CN and SAN wrong.example)
#   wrong_eku (EKU clientAuth only)     wrong_ku (KU keyCertSign only)
#   weakkey (RSA 1024)                  sha1 (signature sha1WithRSAEncryption)
#   selfsigned (self-signed, not a CA)  unknown_ca (signed directly by unknown_root)
#   unknown_chain (signed by unknown_inter; chain sends unknown_inter)
#   selfmade_ca (signed by unknown_root; chain sends unknown_root: a leaf plus the CA that made it)
#   forged_path (signed by forged_inter; chain sends forged_inter + forged_root, which carry the
#                names of inter and root but keys of their own)
#   expired_inter (leaf valid, signed by inter_expired; chain sends inter_expired)
#   badsig (a copy of a valid leaf with one byte of its signature flipped)
# Client certificates (EKU clientAuth, KU digitalSignature), signed by inter unless noted:
#   client_rsa.{pem,key}, client_rsa_chain.pem (leaf + inter), client_ec.{pem,key}, client_ec_chain.pem
#   client_root.{pem,der,key,key.der}   RSA client signed directly by root (DER forms too)
#   client_unknown.{pem,key}             signed by unknown_root
#   client_rsa.p8des3.key      PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, DES-EDE3-CBC), password "secret"
#   client_rsa.p8aes.key       PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC: OpenSSL's default)
#   client_rsa.p12des3.key     PKCS#8 PKCS#12-PBE (pbeWithSHAAnd3-KeyTripleDES-CBC)
#   client_rsa.trad_aes.key    legacy "BEGIN RSA PRIVATE KEY" + DEK-Info AES-256-CBC, "secret"
#   client_ec.trad_aes.key     legacy "BEGIN EC PRIVATE KEY" + DEK-Info AES-256-CBC, "secret"
#   client_ec.p8des3.key       PKCS#8 PBES2 DES-EDE3-CBC, "secret"
# Broken inputs
#   garbage.pem (text), empty.pem (0 bytes), fake_pem.pem (PEM armour around bad base64),
#   truncated.der (first 200 bytes of root.der), adir/ (a directory)
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
openssl=${OPENSSL:-openssl}
dir=$1
mkdir -p "$dir"
pki_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../scripts/pki_lib.sh"
export CADIR=.   # ca.cnf reads $ENV::CADIR; every signing call sets its own
cd "$dir"
# Start from scratch (only files this script makes live here).
rm -rf ./ca ./adir ./store ./*.pem ./*.der ./*.key ./*.csr ./*.cnf ./pki.ok

. "$pki_lib"
# pki_cnf adds [ req ], [ dn ] and the root CA section [ v3_ca ] to the sections below.
{
    cat <<'EOF'
# Minimal `openssl ca` configuration; CADIR selects the signing CA's directory.
[ ca ]
default_ca = signer
[ signer ]
dir             = $ENV::CADIR
database        = $dir/index.txt
new_certs_dir   = $dir/new
serial          = $dir/serial
certificate     = $dir/ca.pem
private_key     = $dir/ca.key
default_md      = sha256
default_days    = 30
policy          = anything
unique_subject  = no
copy_extensions = none
email_in_dn     = no
[ anything ]
organizationName = optional
commonName       = supplied
[ v3_inter ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
    pki_ext v3_server "$pki_server_ku" serverAuth "$pki_localhost_san"
    pki_ext v3_selfsigned "$pki_server_ku" serverAuth "$pki_localhost_san" no
    pki_ext v3_cn_only "$pki_server_ku" serverAuth ""
    pki_ext v3_wrongname "$pki_server_ku" serverAuth "DNS:wrong.example"
    pki_ext v3_wrong_eku "$pki_server_ku" clientAuth "$pki_localhost_san"
    pki_ext v3_wrong_ku keyCertSign serverAuth "$pki_localhost_san"
    pki_ext v3_client digitalSignature clientAuth ""
} | pki_cnf ca.cnf

rsa_key() { # file [bits]
    pki_key "$1" rsa "${2:-2048}"
}
# Not pki_key ec: this PKCS#8 "PRIVATE KEY" form is one of the key formats the matrix covers.
ec_key() { # file
    "$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
        -out "$1" 2>/dev/null
}

new_ca_dir() { # name cert key
    mkdir -p "ca/$1/new"
    : > "ca/$1/index.txt"
    { pki_serial; echo; } > "ca/$1/serial"
    cp "$2" "ca/$1/ca.pem"
    cp "$3" "ca/$1/ca.key"
}

# sign CA-NAME NAME SUBJECT EXT [STARTDATE ENDDATE [MD]]: NAME.key must exist; writes NAME.pem.
sign() {
    local ca=$1 name=$2 subj=$3 ext=$4 start=${5:-} end=${6:-} md=${7:-sha256}
    local dates=()
    if [ -n "$start" ]; then
        dates=(-startdate "$start" -enddate "$end")
    fi
    "$openssl" req -config ca.cnf -new -key "$name.key" -subj "$subj" -out "$name.csr"
    CADIR="ca/$ca" "$openssl" ca -batch -config ca.cnf -notext -preserveDN -md "$md" \
        -extfile ca.cnf -extensions "$ext" "${dates[@]}" -in "$name.csr" -out "$name.pem" 2>/dev/null
    rm -f "$name.csr"
}

# self_ca NAME SUBJECT: self-signed root.
self_ca() {
    rsa_key "$1.key"
    "$openssl" req -config ca.cnf -new -key "$1.key" -subj "$2" -out "$1.csr"
    mkdir -p "ca/_self_$1/new"
    : > "ca/_self_$1/index.txt"
    echo 01 > "ca/_self_$1/serial"
    CADIR="ca/_self_$1" "$openssl" ca -batch -config ca.cnf -notext -preserveDN -selfsign \
        -keyfile "$1.key" -days 30 -extfile ca.cnf -extensions v3_ca -in "$1.csr" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
    new_ca_dir "$1" "$1.pem" "$1.key"
}

chain() { # leaf issuer -> leaf_chain.pem
    cat "$1.pem" "$2.pem" > "$1_chain.pem"
}

# ---- CAs --------------------------------------------------------------------------------------
self_ca root "/O=qlssl tests/CN=qlssl matrix root CA"
self_ca unknown_root "/O=somebody else/CN=unknown root CA"

rsa_key inter.key
sign root inter "/O=qlssl tests/CN=qlssl matrix intermediate CA" v3_inter
new_ca_dir inter inter.pem inter.key

rsa_key inter_expired.key
sign root inter_expired "/O=qlssl tests/CN=qlssl expired intermediate CA" v3_inter 20200101000000Z 20210101000000Z
new_ca_dir inter_expired inter_expired.pem inter_expired.key

rsa_key unknown_inter.key
sign unknown_root unknown_inter "/O=somebody else/CN=unknown intermediate CA" v3_inter
new_ca_dir unknown_inter unknown_inter.pem unknown_inter.key

# Certificates of an attacker's own making: a root that carries the real root's name but its own
# key, and under it an intermediate with the real intermediate's name.
self_ca forged_root "/O=qlssl tests/CN=qlssl matrix root CA"
rsa_key forged_inter.key
sign forged_root forged_inter "/O=qlssl tests/CN=qlssl matrix intermediate CA" v3_inter
new_ca_dir forged_inter forged_inter.pem forged_inter.key
cat forged_inter.pem forged_root.pem > forged_issuers.pem

cat root.pem inter.pem > roots_bundle.pem
"$openssl" x509 -in root.pem -outform DER -out root.der
"$openssl" x509 -in inter.pem -outform DER -out inter.der

# ---- Server leaves ----------------------------------------------------------------------------
server() { # name issuer ext [start end [md]] [keytype]
    local name=$1 issuer=$2 ext=$3
    shift 3
    sign "$issuer" "$name" "/O=qlssl tests/CN=localhost" "$ext" "$@"
    chain "$name" "$issuer"
}
rsa_key good.key;          server good inter v3_server
ec_key good_ec.key;        server good_ec inter v3_server
rsa_key cn_only.key;       server cn_only inter v3_cn_only
rsa_key expired.key;       server expired inter v3_server 20200101000000Z 20210101000000Z
rsa_key future.key;        server future inter v3_server 20900101000000Z 20910101000000Z
rsa_key wrong_eku.key;     server wrong_eku inter v3_wrong_eku
rsa_key wrong_ku.key;      server wrong_ku inter v3_wrong_ku
rsa_key weakkey.key 1024;  server weakkey inter v3_server
rsa_key sha1.key;          server sha1 inter v3_server "" "" sha1
rsa_key unknown_ca.key;    sign unknown_root unknown_ca "/O=qlssl tests/CN=localhost" v3_server   # served alone
rsa_key unknown_chain.key; server unknown_chain unknown_inter v3_server
rsa_key expired_inter.key; server expired_inter inter_expired v3_server
# The server sends a localhost leaf and the CA certificate it made the leaf with (unknown_root).
rsa_key selfmade_ca.key;   server selfmade_ca unknown_root v3_server
# Leaf under forged_inter; the server sends forged_inter and forged_root along.
rsa_key forged_path.key;   sign forged_inter forged_path "/O=qlssl tests/CN=localhost" v3_server
chain forged_path forged_issuers

rsa_key wrongname.key
sign inter wrongname "/O=qlssl tests/CN=wrong.example" v3_wrongname
chain wrongname inter

rsa_key selfsigned.key
"$openssl" req -config ca.cnf -new -x509 -sha256 -days 30 -key selfsigned.key \
    -subj "/O=qlssl tests/CN=localhost" -extensions v3_selfsigned -out selfsigned.pem

# badsig: a fresh valid leaf whose last signature byte is flipped (the signature BIT STRING is the
# last element of the Certificate SEQUENCE, so the final DER byte belongs to it).
rsa_key badsig.key
server badsig inter v3_server
"$openssl" x509 -in badsig.pem -outform DER -out badsig.orig.der
size=$(stat -c %s badsig.orig.der)
last=$(tail -c 1 badsig.orig.der | od -An -tu1 | tr -d ' ')
head -c $((size - 1)) badsig.orig.der > badsig.der
# shellcheck disable=SC2059
printf "\\$(printf '%03o' $((last ^ 0x5A)))" >> badsig.der
"$openssl" x509 -inform DER -in badsig.der -out badsig.pem
rm -f badsig.orig.der
chain badsig inter

# ---- Client certificates and keys ---------------------------------------------------------------
client() { # name issuer keyfn
    "$3" "$1.key"
    sign "$2" "$1" "/O=qlssl tests/CN=qlssl $1" v3_client
}
client client_rsa inter rsa_key;        chain client_rsa inter
client client_ec inter ec_key;          chain client_ec inter
client client_root root rsa_key
client client_unknown unknown_root rsa_key
"$openssl" x509 -in client_root.pem -outform DER -out client_root.der
"$openssl" pkey -in client_root.key -outform DER -out client_root.key.der

"$openssl" pkcs8 -topk8 -in client_rsa.key -v2 des3 -passout pass:secret -out client_rsa.p8des3.key
"$openssl" pkcs8 -topk8 -in client_rsa.key -v2 aes-256-cbc -passout pass:secret -out client_rsa.p8aes.key
"$openssl" pkcs8 -topk8 -in client_rsa.key -v1 PBE-SHA1-3DES -passout pass:secret -out client_rsa.p12des3.key 2>/dev/null
"$openssl" rsa -in client_rsa.key -traditional -aes256 -passout pass:secret -out client_rsa.trad_aes.key 2>/dev/null
"$openssl" ec -in client_ec.key -aes256 -passout pass:secret -out client_ec.trad_aes.key 2>/dev/null
"$openssl" pkcs8 -topk8 -in client_ec.key -v2 des3 -passout pass:secret -out client_ec.p8des3.key

# ---- Broken inputs ------------------------------------------------------------------------------
printf 'this is not a certificate\n' > garbage.pem
: > empty.pem
printf -- '-----BEGIN CERTIFICATE-----\nAAAA!!!!notbase64@@@@\n-----END CERTIFICATE-----\n' > fake_pem.pem
head -c 200 root.der > truncated.der
mkdir -p adir

# ---- A UFS store (QLSSL_UFS_DIR) with links that stay inside it and links that leave it ---------
mkdir -p store/sub
cp root.pem store/root.pem
cp root.pem store/sub/root.pem
ln -s root.pem store/link_in.pem
ln -s sub store/sub_link
ln -s ../root.pem store/link_out.pem
ln -s .. store/up

# ---- Sanity: the PKI is what the tests assume ---------------------------------------------------
fail() { echo "gen_matrix_pki.sh: $*" >&2; exit 1; }
v() { "$openssl" verify -CAfile root.pem -untrusted "$1" "$2" >/dev/null 2>&1; }
v inter.pem good.pem || fail "good.pem does not verify"
v inter.pem good_ec.pem || fail "good_ec.pem does not verify"
v inter.pem client_rsa.pem || fail "client_rsa.pem does not verify"
v inter.pem client_ec.pem || fail "client_ec.pem does not verify"
if v inter.pem badsig.pem; then fail "badsig.pem unexpectedly verifies"; fi
if v inter.pem expired.pem; then fail "expired.pem unexpectedly verifies"; fi
if v inter.pem future.pem; then fail "future.pem unexpectedly verifies"; fi
if "$openssl" verify -CAfile root.pem unknown_ca.pem >/dev/null 2>&1; then fail "unknown_ca.pem verifies"; fi
if v forged_issuers.pem forged_path.pem; then fail "forged_path.pem unexpectedly verifies"; fi
if v unknown_root.pem selfmade_ca.pem; then fail "selfmade_ca.pem unexpectedly verifies"; fi
"$openssl" x509 -in sha1.pem -noout -text | grep -q 'sha1WithRSAEncryption' || fail "sha1.pem is not SHA-1 signed"
"$openssl" x509 -in weakkey.pem -noout -text | grep -q '(1024 bit)' || fail "weakkey.pem is not RSA 1024"
"$openssl" x509 -in expired.pem -noout -enddate | grep -q 'Jan  1 00:00:00 2021 GMT' || fail "expired.pem dates"
"$openssl" x509 -in future.pem -noout -startdate | grep -q 'Jan  1 00:00:00 2090 GMT' || fail "future.pem dates"
grep -q 'DEK-Info: AES-256-CBC' client_rsa.trad_aes.key || fail "client_rsa.trad_aes.key is not legacy AES"
grep -q 'BEGIN RSA PRIVATE KEY' client_rsa.trad_aes.key || fail "client_rsa.trad_aes.key is not traditional"
grep -q 'BEGIN ENCRYPTED PRIVATE KEY' client_rsa.p8des3.key || fail "client_rsa.p8des3.key is not PKCS#8"
"$openssl" pkey -in client_rsa.p8des3.key -passin pass:secret -noout || fail "client_rsa.p8des3.key"
chmod 600 ./*.key
rm -rf ./ca
touch pki.ok
echo "gen_matrix_pki.sh: matrix PKI written to $(pwd)"
