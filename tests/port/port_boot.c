/*
 * What an integrator adds at boot, for the host runs of tests/port/host_run.sh: register the
 * QuecOpen port layer's hook table, then start the unchanged application (its init function,
 * ql_ssl_app_init unless PORT_APP_INIT names another). qlrt-run calls qlssl_port_boot as the
 * app's entry point (--init qlssl_port_boot).
 */
#include "ql_log.h"
#include "ql_ssl_port_quecopen.h"

#ifndef PORT_APP_INIT
#define PORT_APP_INIT ql_ssl_app_init
#endif

int PORT_APP_INIT(void);
int qlssl_port_boot(void);

int qlssl_port_boot(void)
{
    int rc = ql_ssl_port_quecopen_init();
    if (rc != QL_SSL_SUCCESS) {
        QL_LOG(QL_LOG_LEVEL_ERROR, "port", "ql_ssl_port_quecopen_init: %d", rc);
        return rc;
    }
    /* Registering twice is refused: the table cannot change under a running library. */
    if (ql_ssl_port_quecopen_init() == QL_SSL_SUCCESS) {
        QL_LOG(QL_LOG_LEVEL_ERROR, "port", "a second ql_ssl_platform_init was accepted");
        return -1;
    }
    return PORT_APP_INIT();
}
