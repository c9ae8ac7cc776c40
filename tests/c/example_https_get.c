/*
 * Runs the example client c_examples/https_get against `openssl s_server -www`:
 *   right_ca   exit status 0 and the HTTP response on its stdout
 *   wrong_ca   an unrelated CA: the handshake fails, exit status non-zero, no response
 * Usage: example_https_get PKI_DIR PATH_TO_https_get right_ca|wrong_ca
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "qlssl_test.h"

int main(int argc, char **argv)
{
    peer_t server, client;
    char port[16];
    char *client_argv[4];
    unsigned char *output;
    size_t len;
    int right, status;

    test_init(argc, argv, 60);
    CHECK(argc == 4 && (strcmp(argv[3], "right_ca") == 0 || strcmp(argv[3], "wrong_ca") == 0),
          "usage: %s PKI_DIR https_get right_ca|wrong_ca", argv[0]);
    right = strcmp(argv[3], "right_ca") == 0;

    peer_start_s_server(&server, pki("server.pem"), pki("server.key"), "-www", NULL);
    snprintf(port, sizeof port, "%d", server.port);
    client_argv[0] = argv[2];
    client_argv[1] = port;
    client_argv[2] = (char *)pki(right ? "ca.pem" : "wrongca.pem");
    client_argv[3] = NULL;
    peer_spawn(&client, client_argv);
    status = peer_wait(&client, 30.0);
    CHECK(status != -1, "https_get did not finish within 30 s");
    output = read_file(client.log, &len);
    printf("https_get exit status %d, output:\n%s\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           (char *)output);

    CHECK(WIFEXITED(status), "https_get died from a signal");
    if (right) {
        CHECK(WEXITSTATUS(status) == 0, "https_get failed against the right CA");
        CHECK(strstr((char *)output, "HTTP/1.0 200") != NULL, "no HTTP response in the output");
    } else {
        CHECK(WEXITSTATUS(status) != 0, "https_get succeeded against the wrong CA");
        CHECK(strstr((char *)output, "HTTP/1.0 200") == NULL, "response printed despite the wrong CA");
    }
    free(output);
    remove(client.log);
    peer_stop(&server);
    printf("PASS\n");
    return 0;
}
