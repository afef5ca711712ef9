/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The display benchmark's baseline: how long one plain memcpy() of a
 * WIDTH x HEIGHT x 4 frame takes on this host.
 *
 *   memcpy [WIDTH HEIGHT [RUNS]]
 *   memcpy --probe-target N
 *
 * Copies between two distinct buffers (touched beforehand, so no page
 * faults are timed), alternating direction, RUNS times.  Prints one line:
 *   bytes=N runs=N best_us=F median_us=F
 * best_us is the fastest copy, median_us the median one.
 *
 * --probe-target is display.py's uprobe calibration: after a line on
 * stdin it calls bench_probe_target() N times and prints the thread CPU
 * nanoseconds per call.  The function starts with a push, as the QEMU
 * functions display.py probes do (x86 uprobes emulate a push; most
 * other first instructions would be single-stepped, which costs far
 * more).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

__attribute__((naked, noinline, used)) void bench_probe_target(void)
{
    __asm__ volatile("push %rbx\n\tpop %rbx\n\tret");
}

static int probe_target(long n)
{
    struct timespec t0, t1;
    char line[16];
    long i;

    if (!fgets(line, sizeof(line), stdin)) {
        return 1;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    for (i = 0; i < n; i++) {
        bench_probe_target();
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 +
                      (t1.tv_nsec - t0.tv_nsec)) / n);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long w = argc > 2 ? atol(argv[1]) : 1920;
    long h = argc > 2 ? atol(argv[2]) : 1080;
    int runs = argc > 3 ? atoi(argv[3]) : 200;
    size_t bytes = (size_t)w * h * 4;
    double *t;
    uint8_t *a, *b;
    unsigned sum = 0;
    int i;

    if (argc == 3 && !strcmp(argv[1], "--probe-target")) {
        return probe_target(atol(argv[2]));
    }
    if (w <= 0 || h <= 0 || runs <= 0) {
        fprintf(stderr, "usage: %s [WIDTH HEIGHT [RUNS]]\n", argv[0]);
        return 2;
    }
    a = malloc(bytes);
    b = malloc(bytes);
    t = calloc(runs, sizeof(*t));
    if (!a || !b || !t) {
        perror("malloc");
        return 1;
    }
    for (size_t k = 0; k < bytes; k++) {
        a[k] = (uint8_t)(k * 2654435761u >> 13);
    }
    memset(b, 0, bytes);
    for (i = 0; i < runs; i++) {
        double t0 = now_us();

        if (i & 1) {
            memcpy(a, b, bytes);
        } else {
            memcpy(b, a, bytes);
        }
        t[i] = now_us() - t0;
        /* keep the copies observable */
        sum += a[(i * 4099) % bytes] + b[(i * 8191) % bytes];
    }
    qsort(t, runs, sizeof(*t), cmp_double);
    printf("bytes=%zu runs=%d best_us=%.1f median_us=%.1f check=%u\n",
           bytes, runs, t[0], t[runs / 2], sum & 1);
    return 0;
}
