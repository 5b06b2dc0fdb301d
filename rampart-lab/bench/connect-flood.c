/*
 * connect-flood: new-connection flood for the firewall benchmark. Keeps CONCURRENCY attempts in
 * flight from the given source addresses (round robin); each attempt connects, sends one GET with
 * "Connection: close", reads until the gateway closes, and closes. An attempt without a SYN-ACK
 * within TIMEOUT_MS (a dropped SYN; keep it under 1000, the first retransmission) is abandoned before the kernel would retransmit, so each one
 * is exactly one SYN. Runs DURATION seconds; prints "attempts answered refused timedout".
 * Only ever connects to the address it is given (the benchmark's own network namespace).
 *
 * RATE, when not 0, caps new attempts per second (an offered load the same for every gateway).
 *
 * cc -O2 -o connect-flood connect-flood.c
 * connect-flood HOST PORT DURATION_S CONCURRENCY TIMEOUT_MS RATE SRC1 [SRC2 ...]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot { int fd; int sent; long long started; };

static long long now_ms(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc < 8) { fprintf(stderr, "usage: %s HOST PORT DURATION_S CONCURRENCY TIMEOUT_MS RATE SRC...\n", argv[0]); return 2; }
    struct sockaddr_in dst = {0};
    dst.sin_family = AF_INET; dst.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) { fprintf(stderr, "bad host\n"); return 2; }
    long long begin = now_ms(), end = begin + atoll(argv[3]) * 1000LL;
    int conc = atoi(argv[4]); int timeout = atoi(argv[5]); long long rate = atoll(argv[6]);
    int nsrc = argc - 7; struct sockaddr_in *src = calloc(nsrc, sizeof *src);
    for (int i = 0; i < nsrc; i++) { src[i].sin_family = AF_INET; inet_pton(AF_INET, argv[7 + i], &src[i].sin_addr); }
    const char *req = "GET /bench.html HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
    int ep = epoll_create1(0);
    struct slot *slots = calloc(conc, sizeof *slots);
    long long attempts = 0, answered = 0, refused = 0, timedout = 0; int next = 0;
    char buf[4096];
    for (int i = 0; i < conc; i++) slots[i].fd = -1;
    for (;;) {
        long long t = now_ms();
        int running = t < end;
        int open = 0;
        for (int i = 0; i < conc; i++) {
            struct slot *s = &slots[i];
            if (s->fd >= 0 && t - s->started > timeout) {
                if (s->sent) refused++; else timedout++;   /* connected but unanswered in time: refused; no SYN-ACK: timed out */
                close(s->fd); s->fd = -1;
            }
            if (s->fd < 0 && running && (rate == 0 || attempts < rate * (t - begin) / 1000 + 1)) {
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                if (fd < 0) continue;
                int one = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                struct linger lg = {1, 0}; setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg); /* RST on close: no TIME_WAIT pile-up */
                if (bind(fd, (struct sockaddr *) &src[next++ % nsrc], sizeof src[0]) != 0) { close(fd); continue; }
                connect(fd, (struct sockaddr *) &dst, sizeof dst);
                struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = i};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                s->fd = fd; s->sent = 0; s->started = t; attempts++;
            }
            if (s->fd >= 0) open++;
        }
        if (!running && open == 0) break;
        struct epoll_event evs[512];
        int n = epoll_wait(ep, evs, 512, 1);
        for (int k = 0; k < n; k++) {
            struct slot *s = &slots[evs[k].data.u32];
            if (s->fd < 0) continue;
            int done = 0;
            if (!s->sent && (evs[k].events & EPOLLOUT)) {
                int err = 0; socklen_t len = sizeof err; getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) { refused++; done = 1; }
                else {
                    if (write(s->fd, req, strlen(req)) < 0) { refused++; done = 1; }
                    else { s->sent = 1; struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = evs[k].data.u32}; epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev); }
                }
            } else if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
                ssize_t r; int got = 0;
                while ((r = read(s->fd, buf, sizeof buf)) > 0) got = 1;
                if (r == 0 || (r < 0 && errno != EAGAIN)) { if (got) answered++; else refused++; done = 1; }
            }
            if (done) { close(s->fd); s->fd = -1; }
        }
    }
    printf("%lld %lld %lld %lld\n", attempts, answered, refused, timedout);
    return 0;
}
