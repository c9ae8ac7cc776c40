/*
 * lwip/netdb.h - name resolution the lwIP way, for the qlssl SDK host runtime (docs/RUNTIME.md).
 *
 * No name server is ever queried. A numeric address resolves to itself and "localhost" to the
 * loopback address. A host name named in a $QLRT_MAP rule resolves to a placeholder address
 * (198.18.0.N, or 100::N for AF_INET6) that connect()/sendto() translate to the rule's
 * loopback destination; any other name fails with EAI_FAIL and a log line.
 * Like lwIP, one address is returned per call.
 */
#ifndef QLRT_LWIP_NETDB_H
#define QLRT_LWIP_NETDB_H

#include "ql_api_common.h"
#include "lwip/sockets.h"

#ifndef _NETDB_H
#define _NETDB_H 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define EAI_NONAME 200
#define EAI_SERVICE 201
#define EAI_FAIL 202
#define EAI_MEMORY 203
#define EAI_FAMILY 204
#define HOST_NOT_FOUND 210
#define NO_DATA 211
#define NO_RECOVERY 212
#define TRY_AGAIN 213

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_NUMERICSERV 0x08
#define AI_V4MAPPED 0x10
#define AI_ALL 0x20
#define AI_ADDRCONFIG 0x40

#define DNS_MAX_NAME_LENGTH 256

struct hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
#define h_addr h_addr_list[0]
};

struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
};

#define LWIP_DNS_API_DECLARE_H_ERRNO 1
#define LWIP_DNS_API_DEFINE_ERRORS 1
#define LWIP_DNS_API_DEFINE_FLAGS 1
#define LWIP_DNS_API_DECLARE_STRUCTS 1

/* What one lookup result takes in lwIP's allocator. */
#define NETDB_ELEM_SIZE (sizeof(struct addrinfo) + sizeof(struct sockaddr_storage) + DNS_MAX_NAME_LENGTH + 1)

/** The last lookup's error (HOST_NOT_FOUND, ...), set by lwip_gethostbyname(). The runtime's own
 *  variable: the C library's h_errno (from <netdb.h>) is not in sight of compat-header code. */
extern int h_errno;

/* The SDK's DNS feature (CONFIG_QUEC_PROJECT_FEATURE_DNS, on in its configurations) gives each
 * lookup the data call's "simcid" (ql_bind_sim_and_profile(): nSim << 5 | profile; a bare
 * profile number as the demos pass it also works). The host has one network: simcid chooses no
 * interface, but a lookup for a SIM/profile whose data call is not active fails as on the module
 * when fault injection has taken the data call or the network away, and dns_fail faults make
 * every lookup fail with EAI_FAIL (gethostbyname: NULL, h_errno TRY_AGAIN). */
#ifndef CONFIG_QUEC_PROJECT_FEATURE_DNS
#define CONFIG_QUEC_PROJECT_FEATURE_DNS
#endif

/** Resolve nodename (see above) and the numeric servname; *res is freed by freeaddrinfo().
 *  Returns 0 or an EAI_* code. */
int lwip_getaddrinfo(const char *nodename, const char *servname, const struct addrinfo *hints, struct addrinfo **res,
                     uint32_t simcid);
void lwip_freeaddrinfo(struct addrinfo *ai);
/** IPv4 only; per-thread result; NULL on failure (h_errno says why). */
struct hostent *lwip_gethostbyname(const char *name, uint32_t simcid);
/** Reentrant form: the result lives in ret and buf (buflen bytes); 0 or an errno value
 *  (ERANGE: buf too small), *result NULL and *h_errnop set on failure. */
int lwip_gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen, struct hostent **result,
                         int *h_errnop);

#define getaddrinfo(nodname, servname, hints, res) lwip_getaddrinfo(nodname, servname, hints, res, 0)
/** QuecOpen: getaddrinfo() on the data call profile simcid. */
#define getaddrinfo_with_pcid(nodname, servname, hints, res, simcid) \
    lwip_getaddrinfo(nodname, servname, hints, res, simcid)
#define freeaddrinfo(addrinfo) lwip_freeaddrinfo(addrinfo)
#define gethostbyname(name) lwip_gethostbyname(name, 0)
#define gethostbyname_with_pcid(name, simcid) lwip_gethostbyname(name, simcid)
#define gethostbyname_r(name, ret, buf, buflen, result, h_errnop) \
    lwip_gethostbyname_r(name, ret, buf, buflen, result, h_errnop)

#ifdef __cplusplus
}
#endif

#endif /* QLRT_LWIP_NETDB_H */
