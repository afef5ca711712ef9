/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software backend, a model of the host GPU.
 *
 * It keeps the host GGTT that every vGPU's slices are programmed into.
 * Executing command streams comes with the execution work; until then the
 * backend accepts GGTT programming only.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "igvt.h"
#include "backend.h"
#include "trace.h"

typedef struct IgvtSoftGpu {
    uint64_t *ggtt;             /* IGVT_HOST_PTE_VALID | DMA address */
} IgvtSoftGpu;

static bool igvt_soft_open(IgvtBackend *b, Error **errp)
{
    IgvtSoftGpu *gpu = g_new0(IgvtSoftGpu, 1);

    gpu->ggtt = g_try_new0(uint64_t, igvt_backend_soft_ops.gm_size /
                                     IGVT_GTT_PAGE_SIZE);
    if (!gpu->ggtt) {
        g_free(gpu);
        error_setg(errp, "igvt: cannot allocate the software GPU's GGTT");
        return false;
    }
    b->opaque = gpu;
    return true;
}

static void igvt_soft_close(IgvtBackend *b)
{
    IgvtSoftGpu *gpu = b->opaque;

    g_free(gpu->ggtt);
    g_free(gpu);
}

static void igvt_soft_ggtt_set(IgvtBackend *b, uint64_t index, uint64_t addr,
                               bool valid)
{
    IgvtSoftGpu *gpu = b->opaque;

    gpu->ggtt[index] = valid ? (addr | IGVT_HOST_PTE_VALID) : 0;
}

static bool igvt_soft_ggtt_get(IgvtBackend *b, uint64_t index, uint64_t *addr)
{
    IgvtSoftGpu *gpu = b->opaque;
    uint64_t pte = gpu->ggtt[index];

    *addr = pte & IGVT_PTE_ADDR_MASK;
    return pte & IGVT_HOST_PTE_VALID;
}

const IgvtBackendOps igvt_backend_soft_ops = {
    .kind = IGVT_BACKEND_KIND_SOFT,
    .gm_size = IGVT_GM_SIZE,
    .aperture_size = 512 * MiB,
    .num_fences = 32,
    .open = igvt_soft_open,
    .close = igvt_soft_close,
    .ggtt_set = igvt_soft_ggtt_set,
    .ggtt_get = igvt_soft_ggtt_get,
};
