/* Generated from src/tls/item_table.rs by tests/items.rs (QLSSL_BLESS=1 cargo test --release --test items); do not edit. */

/* Highest config type. */
#define LAST_TYPE 105

/* What conf_set reads after `type`, by type. */
static int set_shape(int type)
{
    switch (type) {
    case 1: return ARGS_INT; /* QL_SSL_CONF_VERSION */
    case 2: return ARGS_INT; /* QL_SSL_CONF_TRANSPORT */
    case 3: return ARGS_PTR1; /* QL_SSL_CONF_CIPHERSUITE */
    case 4: return ARGS_INT; /* QL_SSL_CONF_AUTHMODE */
    case 5: return ARGS_PTR_INT; /* QL_SSL_CONF_CACERT */
    case 6: return ARGS_PTR3; /* QL_SSL_CONF_OWNCERT */
    case 7: return ARGS_INT; /* QL_SSL_CONF_SNI */
    case 8: return ARGS_INT; /* QL_SSL_CONF_HS_TIMEOUT */
    case 9: return ARGS_INT; /* QL_SSL_CONF_IGNORE_LOCALTM */
    case 10: return ARGS_PTR2; /* QL_SSL_CONF_HS_TIMEOUT_FUNC */
    case 11: return ARGS_INT; /* QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN */
    case 12: return ARGS_U32; /* QL_SSL_CONF_IGNORE_CERT_ITEM */
    case 13: return ARGS_INT; /* QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY */
    case 14: return ARGS_INT; /* QL_SSL_CONF_SESSION_CACHE */
    case 15: return ARGS_BUF; /* QL_SSL_CONF_CACERT_BUFFER */
    case 16: return ARGS_OWNBUF; /* QL_SSL_CONF_OWNCERT_BUFFER */
    case 17: return ARGS_INT; /* QL_SSL_CONF_DTLSVERSION */
    case 18: return ARGS_PTR1; /* QL_SSL_CONF_PSK_IDENTITY */
    case 19: return ARGS_PTR1; /* QL_SSL_CONF_PSK_KEY */
    case 20: return ARGS_INT; /* QL_SSL_CONF_RENEGOTIATION */
    case 21: return ARGS_PTR_INT_PTR_INT; /* QL_SSL_CONF_PSK */
    case 100: return ARGS_PTR_INT; /* QL_SSL_CONF_ALPN */
    case 101: return ARGS_INT; /* QL_SSL_CONF_MAX_FRAG_LEN */
    case 102: return ARGS_PTR_INT; /* QL_SSL_CONF_PIN_SHA256 */
    case 103: return ARGS_INT; /* QL_SSL_CONF_CA_BUNDLE */
    case 104: return ARGS_PTR1; /* QL_SSL_CONF_SESSION_STORE */
    case 105: return ARGS_INT; /* QL_SSL_CONF_MIN_VERSION */
    default: return ARGS_NONE; /* unknown type: nothing is read, Rust answers INVALID_PARAM */
    }
}

/* What conf_get reads after `type`, by type. */
static int get_shape(int type)
{
    switch (type) {
    case 1: return ARGS_PTR1; /* QL_SSL_CONF_VERSION */
    case 2: return ARGS_PTR1; /* QL_SSL_CONF_TRANSPORT */
    case 3: return ARGS_PTR1; /* QL_SSL_CONF_CIPHERSUITE */
    case 4: return ARGS_PTR1; /* QL_SSL_CONF_AUTHMODE */
    case 5: return ARGS_PTR2; /* QL_SSL_CONF_CACERT */
    case 6: return ARGS_PTR3; /* QL_SSL_CONF_OWNCERT */
    case 7: return ARGS_PTR1; /* QL_SSL_CONF_SNI */
    case 8: return ARGS_PTR1; /* QL_SSL_CONF_HS_TIMEOUT */
    case 9: return ARGS_PTR1; /* QL_SSL_CONF_IGNORE_LOCALTM */
    case 10: return ARGS_PTR2; /* QL_SSL_CONF_HS_TIMEOUT_FUNC */
    case 11: return ARGS_PTR1; /* QL_SSL_CONF_IGNORE_INVALID_CERT_SIGN */
    case 12: return ARGS_PTR1; /* QL_SSL_CONF_IGNORE_CERT_ITEM */
    case 13: return ARGS_PTR1; /* QL_SSL_CONF_IGNORE_MULTI_CERTCHAIN_VERIFY */
    case 14: return ARGS_PTR1; /* QL_SSL_CONF_SESSION_CACHE */
    case 15: return ARGS_NONE; /* QL_SSL_CONF_CACERT_BUFFER */
    case 16: return ARGS_NONE; /* QL_SSL_CONF_OWNCERT_BUFFER */
    case 17: return ARGS_PTR1; /* QL_SSL_CONF_DTLSVERSION */
    case 18: return ARGS_PTR1; /* QL_SSL_CONF_PSK_IDENTITY */
    case 19: return ARGS_PTR1; /* QL_SSL_CONF_PSK_KEY */
    case 20: return ARGS_PTR1; /* QL_SSL_CONF_RENEGOTIATION */
    case 21: return ARGS_PTR4; /* QL_SSL_CONF_PSK */
    case 100: return ARGS_PTR2; /* QL_SSL_CONF_ALPN */
    case 101: return ARGS_PTR1; /* QL_SSL_CONF_MAX_FRAG_LEN */
    case 102: return ARGS_PTR2; /* QL_SSL_CONF_PIN_SHA256 */
    case 103: return ARGS_PTR1; /* QL_SSL_CONF_CA_BUNDLE */
    case 104: return ARGS_PTR1; /* QL_SSL_CONF_SESSION_STORE */
    case 105: return ARGS_PTR1; /* QL_SSL_CONF_MIN_VERSION */
    default: return ARGS_NONE; /* unknown type: nothing is read, Rust answers INVALID_PARAM */
    }
}

