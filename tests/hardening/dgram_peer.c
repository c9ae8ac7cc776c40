/*
 * dgram_peer: a hostile DTLS "server" on a raw UDP socket for the peer-fault tests. It takes the
 * client's first datagram (its ClientHello) and answers with datagrams no DTLS stack would send, at
 * a rate no client can keep up with. No real DTLS server can be made to do this, hence raw bytes.
 * One client per process; loopback only.
 *
 * Usage: dgram_peer -m MODE [-P]     prints "PORT <n>"; -P dies with the parent.
 * Modes:
 *   junk_flood   datagrams of DTLS-looking junk records ("16 fe fd", then epoch, sequence number,
 *                length and content from a fixed pseudo-random sequence; all but the last record
 *                of a datagram with epoch 0 and a length that matches, so they reach the
 *                handshake parser), as fast as the socket takes them; every 16th datagram is
 *                empty
 *   junk_burst   500 such datagrams (every 16th empty) at once, then silence
 *   empty_burst  500 empty datagrams at once, then silence
 *   alert_flood  datagrams of 90 well-formed DTLS 1.2 warning alerts each (epoch 0, increasing
 *                sequence numbers), as fast as the socket takes them
 * Several records per datagram: the client spends more on each datagram than the kernel spends
 * sending it, so the client's socket never runs dry while the flood lasts.
 * A flood stops when the client is gone (ICMP port unreachable: ECONNREFUSED) or after 15 s.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FLOOD_SECONDS 15.0

static void die(const char *what)
{
    fprintf(stderr, "dgram_peer: %s (%s)\n", what, strerror(errno));
    exit(1);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint32_t g_rand = 0x2545F491u;

static uint32_t next_rand(void)
{
    g_rand = g_rand * 1103515245u + 12345u;
    return g_rand >> 8;
}

/* One junk record into `d` (at most 13 + 91 bytes); `fits` gives it epoch 0 and a length field
 * that matches, so the record layer accepts it and the handshake layer sees a garbage message.
 * Returns its length. */
static size_t junk_record(unsigned char *d, int fits)
{
    size_t len = 13 + 12 + next_rand() % 80;
    for (size_t i = 0; i < len; i++) {
        d[i] = (unsigned char)next_rand();
    }
    d[0] = 0x16; /* handshake */
    d[1] = 0xfe;
    d[2] = 0xfd; /* DTLS 1.2 */
    if (fits) {
        d[3] = 0;
        d[4] = 0;
        d[11] = (unsigned char)((len - 13) >> 8);
        d[12] = (unsigned char)(len - 13);
    }
    return len;
}

/* One junk datagram (up to 1400 bytes): fitting records, then one random one. */
static size_t junk(unsigned char *d)
{
    size_t len = 0;
    while (len + 2 * 104 <= 1400) {
        len += junk_record(d + len, 1);
    }
    return len + junk_record(d + len, 0);
}

/* One DTLS 1.2 warning alert (unrecognized_name) with record sequence number `seq`. */
static size_t alert(unsigned char *d, unsigned long seq)
{
    static const unsigned char head[] = {0x15, 0xfe, 0xfd, 0, 0};
    memcpy(d, head, sizeof head);
    for (int i = 0; i < 6; i++) {
        d[5 + i] = (unsigned char)(seq >> (8 * (5 - i)));
    }
    d[11] = 0;
    d[12] = 2;
    d[13] = 1;   /* warning */
    d[14] = 112; /* unrecognized_name */
    return 15;
}

/* 90 alerts in one datagram; *seq counts on. */
static size_t alerts(unsigned char *d, unsigned long *seq)
{
    size_t len = 0;
    for (int i = 0; i < 90; i++) {
        len += alert(d + len, ++*seq);
    }
    return len;
}

int main(int argc, char **argv)
{
    const char *mode = NULL;
    int opt, fd;
    struct sockaddr_in sa, client;
    socklen_t sl = sizeof sa, cl = sizeof client;
    unsigned char buf[2048];
    unsigned long seq = 0;

    while ((opt = getopt(argc, argv, "m:P")) != -1) {
        switch (opt) {
        case 'm': mode = optarg; break;
        case 'P': prctl(PR_SET_PDEATHSIG, SIGKILL); break;
        default: die("usage: dgram_peer -m MODE [-P]");
        }
    }
    if (mode == NULL) {
        die("-m is required");
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        die("cannot bind");
    }
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 20000) <= 0 || recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&client, &cl) <= 0) {
            die("no ClientHello");
        }
    }
    /* Connected: the client's departure shows as ECONNREFUSED on a later send. */
    if (connect(fd, (struct sockaddr *)&client, cl) != 0) {
        die("connect");
    }

    double end = now_s() + FLOOD_SECONDS;
    unsigned long sent = 0;
    if (strcmp(mode, "junk_burst") == 0 || strcmp(mode, "empty_burst") == 0) {
        int empty_only = mode[0] == 'e';
        for (unsigned long i = 0; i < 500; i++) {
            size_t len = i % 16 == 15 || empty_only ? 0 : junk(buf);
            if (send(fd, buf, len, 0) >= 0) {
                sent++;
            }
        }
        fprintf(stderr, "dgram_peer: %lu datagrams sent, now silent\n", sent);
        while (now_s() < end) {
            /* Swallow the client's retransmissions until it is gone. */
            struct pollfd pfd = {fd, POLLIN, 0};
            if (poll(&pfd, 1, 200) > 0 && recv(fd, buf, sizeof buf, 0) < 0 && errno == ECONNREFUSED) {
                break;
            }
        }
    } else if (strcmp(mode, "junk_flood") == 0 || strcmp(mode, "alert_flood") == 0) {
        int alert_mode = mode[0] == 'a';
        /* 64 datagrams per system call. */
        static unsigned char data[64][1500];
        struct mmsghdr msgs[64];
        struct iovec iov[64];
        while (now_s() < end) {
            for (int k = 0; k < 64; k++) {
                iov[k].iov_base = data[k];
                iov[k].iov_len = alert_mode ? alerts(data[k], &seq) : k % 16 == 15 ? 0 : junk(data[k]);
                memset(&msgs[k], 0, sizeof msgs[k]);
                msgs[k].msg_hdr.msg_iov = &iov[k];
                msgs[k].msg_hdr.msg_iovlen = 1;
            }
            int r = sendmmsg(fd, msgs, 64, 0);
            if (r < 0) {
                if (errno == ECONNREFUSED) {
                    break;
                }
                if (errno != ENOBUFS && errno != EAGAIN) {
                    die("sendmmsg");
                }
            } else {
                sent += (unsigned long)r;
            }
            /* Read (and drop) what the client sends, so its retransmissions cannot fill our
             * buffer; a refused read also means the client is gone. */
            if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == ECONNREFUSED) {
                break;
            }
        }
        fprintf(stderr, "dgram_peer: %lu datagrams sent\n", sent);
    } else {
        die("unknown mode");
    }
    close(fd);
    return 0;
}
