/*
 * Prints sizeof/offsetof of every member of ql_ssl_config and ql_ssl_session in the format of
 * tests/sdk/layout.md (the SDK's layout, measured from its own header), so that
 * tests/c/layout_compare.cmake can compare the two texts line by line. Built natively and with
 * arm-none-eabi-gcc -mcpu=cortex-a5 (run under qemu-arm); needs only ql_ssl.h, not the library.
 * The compile-time checks below repeat the SDK's numbers so a wrong layout does not even build.
 */
#include <stddef.h>
#include <stdio.h>

#include "ql_ssl.h"

#define MEMBER_SIZE(type, member) sizeof(((type *)0)->member)

#if defined(QLSSL_POINTER_64)
_Static_assert(sizeof(ql_ssl_config) == 960, "sizeof(ql_ssl_config) on 64-bit targets is the SDK's 960");
_Static_assert(sizeof(ql_ssl_session) == 712, "sizeof(ql_ssl_session) on 64-bit targets is the SDK's 712");
_Static_assert(offsetof(ql_ssl_config, ca_cert_buffer) == 128, "ca_cert_buffer");
_Static_assert(offsetof(ql_ssl_config, ssl_negotiate_timeout) == 208, "ssl_negotiate_timeout");
_Static_assert(offsetof(ql_ssl_config, client_cert_type) == 244, "client_cert_type");
_Static_assert(offsetof(ql_ssl_config, ssl_session_cache) == 248, "ssl_session_cache");
_Static_assert(sizeof(qlssl_session_storage) == 168, "opaque session storage = SDK mbedtls_ssl_session");
#else
_Static_assert(sizeof(ql_ssl_config) == 832, "sizeof(ql_ssl_config) on 32-bit targets is the SDK's 832");
_Static_assert(sizeof(ql_ssl_session) == 688, "sizeof(ql_ssl_session) on 32-bit targets is the SDK's 688");
_Static_assert(offsetof(ql_ssl_config, ca_cert_buffer) == 72, "ca_cert_buffer");
_Static_assert(offsetof(ql_ssl_config, ssl_negotiate_timeout) == 112, "ssl_negotiate_timeout");
_Static_assert(offsetof(ql_ssl_config, client_cert_type) == 136, "client_cert_type");
_Static_assert(offsetof(ql_ssl_config, ssl_session_cache) == 144, "ssl_session_cache");
_Static_assert(sizeof(qlssl_session_storage) == 144, "opaque session storage = SDK mbedtls_ssl_session");
#endif
_Static_assert(offsetof(ql_ssl_session, ssl_session) == 544, "ql_ssl_session.ssl_session");
_Static_assert(sizeof(qlssl_ip_addr) == 24, "lwIP dual-stack ip_addr_t layout (remote_ip)");
_Static_assert(MEMBER_SIZE(ql_ssl_config, client_cert_type) == 1, "client_cert_type is a C bool");
/* Nothing after the last SDK member: the library has no private tail. */
_Static_assert(sizeof(ql_ssl_config) == offsetof(ql_ssl_config, ssl_session_cache) + sizeof(ql_ssl_session),
               "ql_ssl_config ends with ssl_session_cache");

#define ROW(type, member)                                                                      \
    printf("  %-32s off=%4u size=%4u\n", #member, (unsigned)offsetof(type, member), \
           (unsigned)MEMBER_SIZE(type, member))

int main(void)
{
    printf("sizeof(ql_ssl_config)=%u align=%u\n", (unsigned)sizeof(ql_ssl_config),
           (unsigned)_Alignof(ql_ssl_config));
    ROW(ql_ssl_config, ssl_version);
    ROW(ql_ssl_config, transport);
    ROW(ql_ssl_config, ciphersuites);
    ROW(ql_ssl_config, auth_mode);
    ROW(ql_ssl_config, sni_enable);
    ROW(ql_ssl_config, ca_cert_path);
    ROW(ql_ssl_config, own_cert_path);
    ROW(ql_ssl_config, own_key_path);
    ROW(ql_ssl_config, own_key_pwd);
    ROW(ql_ssl_config, ca_cert_buffer);
    ROW(ql_ssl_config, ssl_negotiate_timeout);
    ROW(ql_ssl_config, negotiate_timeout_cb);
    ROW(ql_ssl_config, negotiate_timeout_cb_arg);
    ROW(ql_ssl_config, ignore_invalid_certsign);
    ROW(ql_ssl_config, ignore_certitem);
    ROW(ql_ssl_config, ignore_multi_certchain_verify);
    ROW(ql_ssl_config, client_cert_type);
    ROW(ql_ssl_config, ssl_session_cache);
    printf("sizeof(ql_ssl_session)=%u align=%u\n", (unsigned)sizeof(ql_ssl_session),
           (unsigned)_Alignof(ql_ssl_session));
    ROW(ql_ssl_session, session_cache_enable);
    ROW(ql_ssl_session, remote_ip);
    ROW(ql_ssl_session, remote_port);
    ROW(ql_ssl_session, hostname_temp);
    ROW(ql_ssl_session, session_hostname);
    ROW(ql_ssl_session, ssl_session);
    /* layout.md names the SDK's type; ours in its place is qlssl_session_storage. (layout.md's
     * sizeof(mbedtls_time_t) has no counterpart here; the comparison leaves it out.) */
    printf("sizeof(ip_addr_t)=%u sizeof(mbedtls_ssl_session)=%u align=%u\n",
           (unsigned)sizeof(qlssl_ip_addr), (unsigned)sizeof(qlssl_session_storage),
           (unsigned)_Alignof(qlssl_session_storage));
    return 0;
}
