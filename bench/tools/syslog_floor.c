/*
 * syslog_floor: what the kernel alone charges a sender per syslog line on loopback, with no
 * proxy and no JVM: the floor under any proxy's cost of logging each request.
 *
 *   gcc -O2 -o /tmp/syslog_floor bench/tools/syslog_floor.c
 *   /tmp/syslog_floor [LINES] [LINE_BYTES] [BATCH]      # defaults 1000000 200 256
 *
 * udp:  a connected UDP socket, LINES datagrams of LINE_BYTES sent BATCH at a time with
 *       sendmmsg(2) (what Pointsman does: one datagram per line, RFC 5426);
 *       udp1 the same with one send(2) per datagram (what HAProxy does).
 * unix: the same over a unix datagram socket (/dev/log's kind), BATCH per sendmmsg.
 * tcp:  one TCP connection, the same lines as octet-counted frames (RFC 6587) written
 *       64 KiB at a time.
 * A child process drains each receiver as fast as it can (recvmmsg / read). Printed: the
 * sender's CPU time (user + system, getrusage) per line, which on loopback includes the
 * kernel's delivery into the receiver's socket, and lines per second. On loopback.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* The child: read datagrams or bytes until the parent kills it. */
static pid_t drain(int fd, int stream) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid > 0) return pid;
    static char buf[256][2048];
    struct mmsghdr msgs[256];
    struct iovec iov[256];
    for (int i = 0; i < 256; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = sizeof buf[i];
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        if (stream) {
            if (read(fd, buf, sizeof buf) <= 0) _exit(0);
        } else {
            recvmmsg(fd, msgs, 256, MSG_WAITFORONE, NULL);
        }
    }
}

static void report(const char *name, long lines, double cpu, double wall) {
    printf("%-5s %9ld lines  sender CPU %6.3f us/line  %9.0f lines/s\n", name, lines, cpu / lines * 1e6,
           lines / wall);
}

static void datagrams(const char *name, int domain, long lines, int size, int batch) {
    int rx = socket(domain, SOCK_DGRAM, 0), tx = socket(domain, SOCK_DGRAM, 0);
    if (rx < 0 || tx < 0) die("socket");
    int big = 8 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct sockaddr_storage to;
    socklen_t tolen;
    memset(&to, 0, sizeof to);
    if (domain == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *) &to;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        tolen = sizeof *a;
        if (bind(rx, (struct sockaddr *) a, tolen) < 0) die("bind");
        if (getsockname(rx, (struct sockaddr *) a, &tolen) < 0) die("getsockname");
    } else {
        struct sockaddr_un *a = (struct sockaddr_un *) &to;
        a->sun_family = AF_UNIX;
        snprintf(a->sun_path, sizeof a->sun_path, "/tmp/syslog_floor.%d.sock", getpid());
        unlink(a->sun_path);
        tolen = sizeof *a;
        if (bind(rx, (struct sockaddr *) a, tolen) < 0) die("bind");
    }
    if (connect(tx, (struct sockaddr *) &to, tolen) < 0) die("connect");
    pid_t child = drain(rx, 0);

    char *line = malloc(size);
    memset(line, 'x', size);
    struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
    struct iovec *iov = calloc(batch, sizeof *iov);
    for (int i = 0; i < batch; i++) {
        iov[i].iov_base = line;
        iov[i].iov_len = size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    double c0 = cpu_seconds(), w0 = wall_seconds();
    long sent = 0;
    while (sent < lines) {
        int n = batch > 1 ? sendmmsg(tx, msgs, batch, 0) : (int) (send(tx, line, size, 0) == size);
        if (n > 0) {
            sent += n;
        } else {
            usleep(50); /* a unix socket's queue full: the receiver catches up */
        }
    }
    double cpu = cpu_seconds() - c0, wall = wall_seconds() - w0;
    report(name, sent, cpu, wall);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (domain == AF_UNIX) unlink(((struct sockaddr_un *) &to)->sun_path);
    close(rx);
    close(tx);
    free(line);
    free(msgs);
    free(iov);
}

static void tcp(long lines, int size) {
    int l = socket(AF_INET, SOCK_STREAM, 0), tx = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (bind(l, (struct sockaddr *) &a, alen) < 0 || listen(l, 1) < 0) die("listen");
    getsockname(l, (struct sockaddr *) &a, &alen);
    if (connect(tx, (struct sockaddr *) &a, alen) < 0) die("connect");
    int rx = accept(l, NULL, NULL);
    pid_t child = drain(rx, 1);
    close(rx);

    char frame[4096];
    int head = snprintf(frame, sizeof frame, "%d ", size);
    memset(frame + head, 'x', size);
    int flen = head + size;
    static char chunk[65536];
    int per = sizeof chunk / flen;
    for (int i = 0; i < per; i++) memcpy(chunk + i * flen, frame, flen);
    double c0 = cpu_seconds(), w0 = wall_seconds();
    long sent = 0;
    while (sent < lines) {
        if (write(tx, chunk, (size_t) per * flen) != per * flen) die("write");
        sent += per;
    }
    double cpu = cpu_seconds() - c0, wall = wall_seconds() - w0;
    report("tcp", sent, cpu, wall);
    close(tx);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    close(l);
}

int main(int argc, char **argv) {
    long lines = argc > 1 ? atol(argv[1]) : 1000000;
    int size = argc > 2 ? atoi(argv[2]) : 200;
    int batch = argc > 3 ? atoi(argv[3]) : 256;
    if (lines <= 0 || size <= 0 || size > 2000 || batch <= 0 || batch > 1024) {
        fprintf(stderr, "usage: %s [LINES] [LINE_BYTES ≤ 2000] [BATCH ≤ 1024]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    datagrams("udp", AF_INET, lines, size, batch);
    datagrams("udp1", AF_INET, lines, size, 1);
    datagrams("unix", AF_UNIX, lines, size, batch);
    tcp(lines, size);
    return 0;
}
