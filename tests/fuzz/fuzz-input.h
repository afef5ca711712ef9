/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt fuzz targets: taking typed values off the fuzzer's input.
 *
 * Every target reads its input front to back through an IgvtFuzzInput;
 * past the end every value is 0, so any input, even an empty one, is a
 * complete test case.  A broken invariant aborts (igvt_fuzz_check), which
 * libFuzzer and the replay test (replay.c) both report as a crash.
 */

#ifndef TESTS_FUZZ_FUZZ_INPUT_H
#define TESTS_FUZZ_FUZZ_INPUT_H

#include "qemu/bswap.h"

typedef struct IgvtFuzzInput {
    const uint8_t *data;
    size_t size;
} IgvtFuzzInput;

/* Copy up to @len bytes into @buf, zero-filling what the input lacks */
static inline void igvt_fuzz_bytes(IgvtFuzzInput *in, void *buf, size_t len)
{
    size_t n = MIN(len, in->size);

    memcpy(buf, in->data, n);
    memset((uint8_t *)buf + n, 0, len - n);
    in->data += n;
    in->size -= n;
}

static inline uint8_t igvt_fuzz_u8(IgvtFuzzInput *in)
{
    uint8_t v;

    igvt_fuzz_bytes(in, &v, sizeof(v));
    return v;
}

static inline uint32_t igvt_fuzz_u32(IgvtFuzzInput *in)
{
    uint32_t v;

    igvt_fuzz_bytes(in, &v, sizeof(v));
    return le32_to_cpu(v);
}

static inline uint64_t igvt_fuzz_u64(IgvtFuzzInput *in)
{
    uint64_t v;

    igvt_fuzz_bytes(in, &v, sizeof(v));
    return le64_to_cpu(v);
}

/*
 * The rest of the input as a buffer of its own, exactly @size bytes long,
 * so the sanitizers see any access past its end.  g_free() it.
 */
static inline void *igvt_fuzz_rest(IgvtFuzzInput *in, size_t *size)
{
    void *buf = g_memdup2(in->data, in->size);

    *size = in->size;
    in->data += in->size;
    in->size = 0;
    return buf;
}

/*
 * Fill @state (@size bytes) from the input as a migration stream would
 * load it: raw bytes, except that each of @bools, as VMSTATE_BOOL loads
 * it, is true for any nonzero byte.
 */
static inline void igvt_fuzz_load(IgvtFuzzInput *in, void *state, size_t size,
                                  bool *const *bools, size_t n)
{
    igvt_fuzz_bytes(in, state, size);
    for (size_t i = 0; i < n; i++) {
        *bools[i] = *(uint8_t *)bools[i] != 0;
    }
}

#define IGVT_FUZZ_LOAD(in, state, ...)                                  \
    igvt_fuzz_load(in, state, sizeof(*(state)),                         \
                   (bool *const[]) { __VA_ARGS__ },                     \
                   sizeof((bool *const[]) { __VA_ARGS__ }) / sizeof(bool *))

#define igvt_fuzz_check(cond)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: invariant broken: %s\n",            \
                    __FILE__, __LINE__, #cond);                         \
            abort();                                                    \
        }                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* TESTS_FUZZ_FUZZ_INPUT_H */
