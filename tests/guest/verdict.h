/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the test programs in the guest report (tests/guest/igvt-gem-verify.c,
 * tests/host/igvt-host-client.c): one "PASS name: ..." or "FAIL name: ..."
 * line per check, counted in passed and failed; and the data they fill
 * buffers with.
 */

#ifndef TESTS_GUEST_VERDICT_H
#define TESTS_GUEST_VERDICT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PRINTF_FORMAT(f, a)     __attribute__((format(printf, f, a)))

static unsigned passed, failed;

/* One "PASS name: ..." or "FAIL name: ..." line */
static inline void verdict(bool ok, const char *name, const char *fmt, va_list ap)
{
    printf("%s %s: ", ok ? "PASS" : "FAIL", name);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

static inline void PRINTF_FORMAT(2, 3) fail(const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verdict(false, name, fmt, ap);
    va_end(ap);
}

static inline void PRINTF_FORMAT(2, 3) pass(const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verdict(true, name, fmt, ap);
    va_end(ap);
}

/* A pattern no GPU write of ours reproduces by chance: a hash per dword */
static inline void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
    size_t i;

    for (i = 0; i < len / 4; i++) {
        uint32_t x = ((uint32_t)i + seed) * 2654435761u;

        x ^= x >> 15;
        x *= 0x2c1b3c6du;
        x ^= x >> 12;
        memcpy(buf + 4 * i, &x, 4);
    }
}

static inline void put32(uint8_t *buf, size_t off, uint32_t v)
{
    memcpy(buf + off, &v, 4);
}

#endif /* TESTS_GUEST_VERDICT_H */
