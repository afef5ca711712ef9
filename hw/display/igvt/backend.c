/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the process-wide backend instance and its partition of the host
 * GPU's graphics memory and fence registers between vGPUs.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/qapi-types-igvt.h"
#include "igvt.h"
#include "backend.h"
#include "trace.h"

/* Slices are 2 MiB aligned so the guest can use huge GTT pages in them */
#define IGVT_GM_ALIGN   (2 * MiB)

typedef struct IgvtRange {
    uint64_t start;
    uint64_t size;
} IgvtRange;

static IgvtBackend *igvt_backends[IGVT_BACKEND_KIND__MAX];

static const IgvtBackendOps *igvt_backend_ops(IgvtBackendKind kind)
{
    switch (kind) {
    case IGVT_BACKEND_KIND_SOFT:
        return &igvt_backend_soft_ops;
    default:
        return NULL;
    }
}

IgvtBackend *igvt_backend_get(IgvtBackendKind kind, Error **errp)
{
    IgvtBackend *b = igvt_backends[kind];
    const IgvtBackendOps *ops;

    if (b) {
        b->users++;
        return b;
    }
    ops = igvt_backend_ops(kind);
    if (!ops) {
        error_setg(errp, "igvt backend '%s' is not available in this build",
                   IgvtBackendKind_str(kind));
        return NULL;
    }
    b = g_new0(IgvtBackend, 1);
    b->ops = ops;
    if (!ops->open(b, &b->info, errp)) {
        g_free(b);
        return NULL;
    }
    b->users = 1;
    igvt_backends[kind] = b;
    trace_igvt_backend_open(IgvtBackendKind_str(kind));
    return b;
}

void igvt_backend_put(IgvtBackend *b)
{
    if (!b || --b->users) {
        return;
    }
    trace_igvt_backend_close(IgvtBackendKind_str(b->ops->kind));
    igvt_backends[b->ops->kind] = NULL;
    b->ops->close(b);
    g_list_free_full(b->gm_allocs, g_free);
    g_list_free_full(b->fence_allocs, g_free);
    g_free(b);
}

static gint igvt_range_cmp(gconstpointer a, gconstpointer b)
{
    const IgvtRange *ra = a, *rb = b;

    return ra->start < rb->start ? -1 : ra->start > rb->start;
}

/*
 * First fit of @size bytes, aligned to @align, in [@lo, @hi) avoiding the
 * ranges in @list.  Returns false if nothing fits.
 */
static bool igvt_range_alloc(GList **list, uint64_t lo, uint64_t hi,
                             uint64_t size, uint64_t align, uint64_t *start)
{
    uint64_t cur = ROUND_UP(lo, align);
    IgvtRange *r;
    GList *l;

    for (l = *list; l; l = l->next) {
        r = l->data;
        if (r->start + r->size <= cur) {
            continue;
        }
        if (r->start >= cur + size) {
            break;
        }
        cur = ROUND_UP(r->start + r->size, align);
    }
    if (cur < lo || cur > hi || hi - cur < size) {
        return false;
    }
    r = g_new(IgvtRange, 1);
    r->start = cur;
    r->size = size;
    *list = g_list_insert_sorted(*list, r, igvt_range_cmp);
    *start = cur;
    return true;
}

static void igvt_range_free(GList **list, uint64_t start, uint64_t size)
{
    GList *l;

    for (l = *list; l; l = l->next) {
        IgvtRange *r = l->data;

        if (r->start == start && r->size == size) {
            g_free(r);
            *list = g_list_delete_link(*list, l);
            return;
        }
    }
}

bool igvt_backend_alloc_slice(IgvtBackend *b, uint64_t low_size,
                              uint64_t high_size, uint32_t fences,
                              uint64_t aperture_limit, IgvtSlice *slice,
                              Error **errp)
{
    const IgvtBackendInfo *info = &b->info;
    uint64_t low_end = MIN(info->aperture_size, aperture_limit);
    uint64_t high_start = MAX(info->aperture_size, aperture_limit);
    uint64_t fence_base;

    if (b->ops->alloc_slice) {
        return b->ops->alloc_slice(b, low_size, high_size, fences,
                                   aperture_limit, slice, errp);
    }
    if (!igvt_range_alloc(&b->gm_allocs, 0, low_end, low_size,
                          IGVT_GM_ALIGN, &slice->low_base)) {
        error_setg(errp, "igvt: no room for a %" PRIu64 " MiB aperture slice "
                   "in the first %" PRIu64 " MiB of the host's graphics "
                   "memory", low_size / MiB, low_end / MiB);
        error_append_hint(errp, "Reduce low-gm-size, enlarge aperture-size, "
                          "or run fewer vGPUs.\n");
        return false;
    }
    if (!igvt_range_alloc(&b->gm_allocs, high_start, info->gm_size, high_size,
                          IGVT_GM_ALIGN, &slice->high_base)) {
        igvt_range_free(&b->gm_allocs, slice->low_base, low_size);
        error_setg(errp, "igvt: no room for a %" PRIu64 " MiB hidden slice "
                   "in the host's graphics memory", high_size / MiB);
        error_append_hint(errp, "Reduce high-gm-size or run fewer vGPUs.\n");
        return false;
    }
    if (!igvt_range_alloc(&b->fence_allocs, 0, info->num_fences, fences, 1,
                          &fence_base)) {
        igvt_range_free(&b->gm_allocs, slice->low_base, low_size);
        igvt_range_free(&b->gm_allocs, slice->high_base, high_size);
        error_setg(errp, "igvt: no %u free fence registers left of the "
                   "host's %u", fences, info->num_fences);
        return false;
    }
    slice->low_size = low_size;
    slice->high_size = high_size;
    slice->fence_base = fence_base;
    slice->fence_count = fences;
    trace_igvt_backend_alloc_slice(slice->low_base, low_size,
                                   slice->high_base, high_size,
                                   slice->fence_base, fences);
    return true;
}

void igvt_backend_free_slice(IgvtBackend *b, const IgvtSlice *slice)
{
    if (b->ops->free_slice) {
        b->ops->free_slice(b, slice);
        return;
    }
    igvt_range_free(&b->gm_allocs, slice->low_base, slice->low_size);
    igvt_range_free(&b->gm_allocs, slice->high_base, slice->high_size);
    igvt_range_free(&b->fence_allocs, slice->fence_base, slice->fence_count);
}
