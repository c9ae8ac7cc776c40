/*
 * The six library-owned configs (ids 0..5, shared with the AT layer): each starts with the AT
 * defaults, set/get by id work for every id, a change to one id leaves the other five alone, and
 * ids -1 and 6 are rejected with QL_SSL_ERROR_INVALID_PARAM (outputs untouched).
 */
#include <stdio.h>
#include <string.h>

#include "qlssl_test.h"

#define IDS 6

int main(int argc, char **argv)
{
    static const int bad_ids[] = {-1, 6, 100, -100};
    static const int list[] = {QL_SSL_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 0};
    int v, *got_list;
    char **ca;
    int ca_count;

    test_init(argc, argv, 60);

    for (int id = 0; id < IDS; id++) {
        v = -1;
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_SUCCESS);
        CHECK(v == 300, "id %d: default timeout %d", id, v);
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_VERSION, &v), QL_SSL_SUCCESS);
        CHECK(v == QL_SSL_VERSION_ALL, "id %d: default version %d", id, v);
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_IGNORE_LOCALTM, &v), QL_SSL_SUCCESS);
        CHECK(v == 1, "id %d: default ignore local time %d", id, v);
    }

    /* A distinct value per id, written in one pass and read in another. */
    for (int id = 0; id < IDS; id++) {
        CHECK_RC(ql_ssl_conf_set_by_id(id, QL_SSL_CONF_HS_TIMEOUT, 10 + id), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set_by_id(id, QL_SSL_CONF_SNI, id % 2), QL_SSL_SUCCESS);
        CHECK_RC(ql_ssl_conf_set_by_id(id, QL_SSL_CONF_AUTHMODE, id % 4), QL_SSL_SUCCESS);
    }
    for (int id = 0; id < IDS; id++) {
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_SUCCESS);
        CHECK(v == 10 + id, "id %d: timeout %d, expected %d", id, v, 10 + id);
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_SNI, &v), QL_SSL_SUCCESS);
        CHECK(v == id % 2, "id %d: sni %d", id, v);
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_AUTHMODE, &v), QL_SSL_SUCCESS);
        CHECK(v == id % 4, "id %d: authmode %d", id, v);
    }

    /* Pointer-valued types by id: only id 3 gets a CA path and a cipher list. */
    {
        char *chain_path = (char *)"UFS:cacert.pem"; /* the SDK's (char **paths, int count) shape */
        CHECK_RC(ql_ssl_conf_set_by_id(3, QL_SSL_CONF_CACERT, &chain_path, 1), QL_SSL_SUCCESS);
    }
    CHECK_RC(ql_ssl_conf_set_by_id(3, QL_SSL_CONF_CIPHERSUITE, list), QL_SSL_SUCCESS);
    for (int id = 0; id < IDS; id++) {
        ca = NULL;
        ca_count = -1;
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_CACERT, &ca, &ca_count), QL_SSL_SUCCESS);
        CHECK(ca != NULL, "id %d: no CA array", id);
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_CIPHERSUITE, &got_list), QL_SSL_SUCCESS);
        CHECK(got_list != NULL, "id %d: NULL cipher list", id);
        if (id == 3) {
            CHECK(ca_count == 1 && strcmp(ca[0], "UFS:cacert.pem") == 0, "id 3: CA count %d", ca_count);
            CHECK(got_list[0] == list[0] && got_list[1] == 0, "id 3: cipher list");
        } else {
            CHECK(ca_count == 0 && ca[0] == NULL, "id %d: CA list changed by id 3", id);
            CHECK(got_list[0] == QL_SSL_CIPHERSUITE_ALL && got_list[1] == 0, "id %d: cipher list changed", id);
        }
    }

    /* Out-of-range ids. */
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        v = 4242;
        CHECK_RC(ql_ssl_conf_set_by_id(bad_ids[i], QL_SSL_CONF_HS_TIMEOUT, 99), QL_SSL_ERROR_INVALID_PARAM);
        CHECK_RC(ql_ssl_conf_get_by_id(bad_ids[i], QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_ERROR_INVALID_PARAM);
        CHECK(v == 4242, "get_by_id(%d) wrote its output", bad_ids[i]);
    }
    /* Bad types and values by id, like on an application config. */
    CHECK_RC(ql_ssl_conf_set_by_id(0, 21, 1), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_set_by_id(0, QL_SSL_CONF_HS_TIMEOUT, 0), QL_SSL_ERROR_INVALID_PARAM);
    CHECK_RC(ql_ssl_conf_get_by_id(0, QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_SUCCESS);
    CHECK(v == 10, "id 0: timeout changed by rejected calls (%d)", v);
    for (int id = 1; id < IDS; id++) {
        CHECK_RC(ql_ssl_conf_get_by_id(id, QL_SSL_CONF_HS_TIMEOUT, &v), QL_SSL_SUCCESS);
        CHECK(v == 10 + id, "id %d: timeout changed by rejected calls (%d)", id, v);
    }

    printf("PASS\n");
    return 0;
}
