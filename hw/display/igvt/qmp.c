/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: QMP query-igvt and HMP "info igvt".
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-igvt.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "hw/pci/pci.h"
#include "igvt.h"
#include "backend.h"
#include "fb-format.h"
#include "regs.h"

static IgvtBar *igvt_query_bar(IgvtState *s, int bar)
{
    PCIDevice *dev = PCI_DEVICE(s);
    IgvtBar *info = g_new0(IgvtBar, 1);
    pcibus_t addr = pci_get_bar_addr(dev, bar);

    info->size = dev->io_regions[bar].size;
    if (addr != PCI_BAR_UNMAPPED) {
        info->has_address = true;
        info->address = addr;
    }
    return info;
}

static IgvtInfo *igvt_query_one(IgvtState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    IgvtInfo *info = g_new0(IgvtInfo, 1);
    IgvtSlices *sl = g_new0(IgvtSlices, 1);
    IgvtCounters *c = g_new0(IgvtCounters, 1);
    int wc;

    info->qom_path = object_get_canonical_path(OBJECT(s));
    info->id = g_strdup(DEVICE(s)->id);
    info->pci_address = g_strdup_printf("%02x:%02x.%x", pci_dev_bus_num(dev),
                                        PCI_SLOT(dev->devfn),
                                        PCI_FUNC(dev->devfn));
    info->model = s->params.model;
    info->backend = s->params.backend;
    for (wc = IGVT_WORK_CLASS__MAX - 1; wc >= 0; wc--) {
        if (s->backend->info.executes & BIT(wc)) {
            QAPI_LIST_PREPEND(info->backend_executes, wc);
        } else {
            QAPI_LIST_PREPEND(info->backend_skips, wc);
        }
    }
    info->gttmmadr = igvt_query_bar(s, IGVT_BAR_GTTMMADR);
    info->gmadr = igvt_query_bar(s, IGVT_BAR_GMADR);

    sl->aperture_base = s->slice.low_base;
    sl->aperture_size = s->slice.low_size;
    sl->hidden_base = s->slice.high_base;
    sl->hidden_size = s->slice.high_size;
    sl->fence_base = s->slice.fence_base;
    sl->fences = s->slice.fence_count;
    info->slices = sl;

    info->pv_ready = s->pv_ready;
    info->display_ready = igvt_reg(s, IGVT_PVINFO_DISPLAY_READY) != 0;
    info->vga = igvt_vga_enabled(s);
    info->failsafe = s->failsafe;
    if (s->failsafe) {
        info->has_failsafe_reason = true;
        info->failsafe_reason = s->failsafe_reason;
    }

    /* An observer sees every GGTT write so far validated (gtt.c) */
    igvt_gtt_flush(s);
    c->mmio_reads = s->counters.mmio_reads;
    c->mmio_writes = s->counters.mmio_writes;
    c->mmio_untracked = s->counters.mmio_untracked;
    c->mmio_invalid = s->counters.mmio_invalid;
    c->ggtt_writes = s->counters.ggtt_writes;
    c->ggtt_invalid_ptes = s->counters.ggtt_invalid_ptes;
    c->ggtt_dropped = s->counters.ggtt_dropped;
    c->ggtt_backend_calls = s->counters.ggtt_backend_calls;
    c->ggtt_backend_entries = s->counters.ggtt_backend_entries;
    c->aperture_reads = s->counters.aperture_reads;
    c->aperture_writes = s->counters.aperture_writes;
    c->aperture_faults = s->counters.aperture_faults;
    info->counters = c;
    return info;
}

typedef void IgvtQueryFn(IgvtState *s, void *opaque);

typedef struct IgvtWalk {
    IgvtQueryFn *fn;
    void *opaque;
} IgvtWalk;

static int igvt_walk_child(Object *child, void *opaque)
{
    IgvtWalk *walk = opaque;
    Object *obj = object_dynamic_cast(child, TYPE_IGVT_VGA);

    if (obj && DEVICE(obj)->realized) {
        walk->fn(IGVT_VGA(obj), walk->opaque);
    }
    return 0;
}

/* Call @fn for every realized igvt-vga of the machine */
static void igvt_foreach(IgvtQueryFn *fn, void *opaque)
{
    IgvtWalk walk = { .fn = fn, .opaque = opaque };

    object_child_foreach_recursive(object_get_root(), igvt_walk_child, &walk);
}

static void igvt_query_add(IgvtState *s, void *opaque)
{
    IgvtInfoList **list = opaque;

    QAPI_LIST_PREPEND(*list, igvt_query_one(s));
}

IgvtInfoList *qmp_query_igvt(Error **errp)
{
    IgvtInfoList *list = NULL;

    igvt_foreach(igvt_query_add, &list);
    return list;
}

static IgvtState *igvt_find(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path_type(path, TYPE_IGVT_VGA, &ambiguous);

    if (!obj || !DEVICE(obj)->realized) {
        error_setg(errp, "'%s' is %s realized igvt-vga device", path,
                   ambiguous ? "ambiguous, not one" : "not a");
        return NULL;
    }
    return IGVT_VGA(obj);
}

void qmp_igvt_set_monitor(const char *qom_path, uint32_t xres, uint32_t yres,
                          Error **errp)
{
    IgvtState *s = igvt_find(qom_path, errp);

    if (s) {
        igvt_monitor_set_mode(s, xres, yres, errp);
    }
}

static IgvtPlaneInfo *igvt_query_plane(IgvtState *s, unsigned pipe,
                                       unsigned n)
{
    uint32_t base = pipe * IGVT_PIPE_STRIDE + n * IGVT_PLANE_STRIDE;
    uint32_t ctl = igvt_reg(s, A_PLANE_CTL_1_A + base);
    IgvtPlaneInfo *info = g_new0(IgvtPlaneInfo, 1);
    const char *why = NULL;
    IgvtPlane plane;

    info->plane = n + 1;
    info->enabled = FIELD_EX32(ctl, PLANE_CTL, ENABLE);
    info->ggtt_address = igvt_reg(s, A_PLANE_SURFLIVE_1_A + base) &
                         ~(IGVT_GTT_PAGE_SIZE - 1);
    if (!info->enabled) {
        return info;
    }
    if (!igvt_plane_decode(ctl, igvt_reg(s, A_PLANE_STRIDE_1_A + base),
                           igvt_reg(s, A_PLANE_SIZE_1_A + base),
                           igvt_reg(s, A_PLANE_OFFSET_1_A + base),
                           igvt_reg(s, A_PLANE_SURFLIVE_1_A + base),
                           igvt_reg(s, A_PIPESRC_A + pipe * IGVT_PIPE_STRIDE),
                           &plane, &why)) {
        info->error = g_strdup(why);
        return info;
    }
    info->format = g_strndup((const char *)&plane.drm_format, 4);
    info->has_tiling = true;
    info->tiling = (IgvtSurfaceTiling)plane.tiling;
    info->has_width = info->has_height = info->has_stride = true;
    info->width = plane.width;
    info->height = plane.height;
    info->stride = plane.stride;
    return info;
}

static IgvtPipeInfo *igvt_query_pipe(IgvtState *s, unsigned pipe)
{
    uint32_t base = pipe * IGVT_PIPE_STRIDE;
    uint32_t src = igvt_reg(s, A_PIPESRC_A + base);
    IgvtPipeInfo *info = g_new0(IgvtPipeInfo, 1);
    IgvtCursorInfo *cur = g_new0(IgvtCursorInfo, 1);
    IgvtCursor c;
    int n;

    info->pipe = g_strdup_printf("%c", 'A' + pipe);
    info->enabled = FIELD_EX32(igvt_reg(s, A_TRANSCONF_A + base), TRANSCONF,
                               ENABLE);
    info->width = FIELD_EX32(src, PIPESRC, WIDTH) + 1;
    info->height = FIELD_EX32(src, PIPESRC, HEIGHT) + 1;
    info->refresh_mhz = s->display.pipes[pipe].refresh_mhz;
    info->frame_count = igvt_frmcount_read(s, A_PIPE_FRMCOUNT_A + base);
    for (n = IGVT_NUM_PLANES - 1; n >= 0; n--) {
        QAPI_LIST_PREPEND(info->planes, igvt_query_plane(s, pipe, n));
    }
    if (igvt_cursor_decode(igvt_reg(s, A_CUR_CTL_A + base),
                           igvt_reg(s, A_CUR_SURFLIVE_A + base),
                           igvt_reg(s, A_CUR_POS_A + base), &c, NULL)) {
        cur->enabled = true;
        cur->size = c.width;
        cur->x = c.x;
        cur->y = c.y;
        cur->ggtt_address = c.base;
    }
    info->cursor = cur;
    return info;
}

static void igvt_query_display_add(IgvtState *s, void *opaque)
{
    IgvtDisplayInfoList **list = opaque;
    IgvtDisplayInfo *info = g_new0(IgvtDisplayInfo, 1);
    int pipe;

    info->qom_path = object_get_canonical_path(OBJECT(s));
    info->port = (IgvtDisplayPort)s->display.port;
    info->connected = s->display.connected;
    info->edid_xres = s->display.sink.edid_size ? s->display.edid_xres : 0;
    info->edid_yres = s->display.sink.edid_size ? s->display.edid_yres : 0;
    info->vga = igvt_vga_enabled(s);
    for (pipe = IGVT_NUM_PIPES - 1; pipe >= 0; pipe--) {
        QAPI_LIST_PREPEND(info->pipes, igvt_query_pipe(s, pipe));
    }
    info->console = igvt_console_mode(s);
    igvt_console_stats(s, &info->frames_shown, &info->updates_skipped);
    QAPI_LIST_PREPEND(*list, info);
}

IgvtDisplayInfoList *qmp_query_igvt_display(Error **errp)
{
    IgvtDisplayInfoList *list = NULL;

    igvt_foreach(igvt_query_display_add, &list);
    return list;
}

static void igvt_query_engines_add(IgvtState *s, void *opaque)
{
    IgvtEnginesInfoList **list = opaque;
    IgvtEnginesInfo *info = g_new0(IgvtEnginesInfo, 1);
    int e;

    info->qom_path = object_get_canonical_path(OBJECT(s));
    info->weight = s->params.weight;
    info->gpu_time_ns = igvt_sched_busy_ns(&s->sched);
    for (e = IGVT_NUM_ENGINES - 1; e >= 0; e--) {
        const IgvtEngineStats *st = &s->engine_stats[e];
        IgvtEngineStatus *ei = g_new0(IgvtEngineStatus, 1);

        ei->name = g_strdup(igvt_engine_name(e));
        ei->submitted = st->submitted;
        ei->completed = st->completed;
        ei->rejected = st->rejected;
        ei->hung = st->hung;
        if (st->rejected) {
            ei->last_rejection = g_strdup((const char *)st->last_reject);
            ei->has_last_rejected_command = true;
            ei->last_rejected_command = st->last_reject_header;
            ei->has_last_rejected_address = true;
            ei->last_rejected_address = st->last_reject_addr;
        }
        if (st->hung) {
            ei->last_hang = g_strdup((const char *)st->last_hang);
        }
        ei->active = s->execlists[e].active[0] & 1;
        ei->stalled = s->execlists[e].stalled;
        ei->busy_ns = st->busy_ns;
        ei->latency_avg_ns = st->latency_count ?
                             st->latency_total_ns / st->latency_count : 0;
        ei->latency_max_ns = st->latency_max_ns;
        ei->latency_count = st->latency_count;
        QAPI_LIST_PREPEND(info->engines, ei);
    }
    QAPI_LIST_PREPEND(*list, info);
}

IgvtEnginesInfoList *qmp_query_igvt_engines(Error **errp)
{
    IgvtEnginesInfoList *list = NULL;

    igvt_foreach(igvt_query_engines_add, &list);
    return list;
}

static void hmp_info_igvt(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    IgvtInfoList *list = qmp_query_igvt(&err), *l;

    if (hmp_handle_error(mon, err)) {
        return;
    }
    if (!list) {
        monitor_printf(mon, "No igvt vGPU\n");
        return;
    }
    for (l = list; l; l = l->next) {
        IgvtInfo *i = l->value;
        IgvtCounters *c = i->counters;
        IgvtWorkClassList *wl;

        monitor_printf(mon, "igvt vGPU %s (%s) at %s: %s, backend %s\n",
                       i->id ? i->id : "", i->qom_path, i->pci_address,
                       IgvtModel_str(i->model),
                       IgvtBackendKind_str(i->backend));
        monitor_printf(mon, "  backend executes:");
        for (wl = i->backend_executes; wl; wl = wl->next) {
            monitor_printf(mon, " %s", IgvtWorkClass_str(wl->value));
        }
        monitor_printf(mon, "; skips:");
        for (wl = i->backend_skips; wl; wl = wl->next) {
            monitor_printf(mon, " %s", IgvtWorkClass_str(wl->value));
        }
        monitor_printf(mon, "\n");
        monitor_printf(mon, "  BAR0 GTTMMADR 0x%" PRIx64 " size 0x%" PRIx64
                       "%s\n", i->gttmmadr->address, i->gttmmadr->size,
                       i->gttmmadr->has_address ? "" : " (unmapped)");
        monitor_printf(mon, "  BAR2 GMADR    0x%" PRIx64 " size 0x%" PRIx64
                       "%s\n", i->gmadr->address, i->gmadr->size,
                       i->gmadr->has_address ? "" : " (unmapped)");
        monitor_printf(mon, "  aperture slice 0x%" PRIx64 "+0x%" PRIx64
                       ", hidden slice 0x%" PRIx64 "+0x%" PRIx64
                       ", fences %u..%u\n",
                       i->slices->aperture_base, i->slices->aperture_size,
                       i->slices->hidden_base, i->slices->hidden_size,
                       i->slices->fence_base,
                       i->slices->fence_base + i->slices->fences - 1);
        monitor_printf(mon, "  pv-ready %s, display-ready %s, vga %s, "
                       "failsafe %s%s%s\n",
                       i->pv_ready ? "yes" : "no",
                       i->display_ready ? "yes" : "no",
                       i->vga ? "on" : "off", i->failsafe ? "yes" : "no",
                       i->has_failsafe_reason ? ": " : "",
                       i->has_failsafe_reason ?
                       IgvtFailsafeReason_str(i->failsafe_reason) : "");
        monitor_printf(mon, "  mmio: %" PRIu64 " reads, %" PRIu64 " writes, %"
                       PRIu64 " untracked, %" PRIu64 " invalid\n",
                       c->mmio_reads, c->mmio_writes, c->mmio_untracked,
                       c->mmio_invalid);
        monitor_printf(mon, "  ggtt: %" PRIu64 " writes, %" PRIu64
                       " invalid PTEs, %" PRIu64 " dropped; %" PRIu64
                       " entries to the backend in %" PRIu64 " calls\n",
                       c->ggtt_writes, c->ggtt_invalid_ptes, c->ggtt_dropped,
                       c->ggtt_backend_entries, c->ggtt_backend_calls);
        monitor_printf(mon, "  aperture: %" PRIu64 " reads, %" PRIu64
                       " writes, %" PRIu64 " faults\n",
                       c->aperture_reads, c->aperture_writes,
                       c->aperture_faults);
    }
    qapi_free_IgvtInfoList(list);
}

static void igvt_monitor_register(void)
{
    monitor_register_hmp("igvt", true, hmp_info_igvt);
}

type_init(igvt_monitor_register)
