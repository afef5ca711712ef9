/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt-vga: a mediated Intel Gen9 GPU, PCI glue.
 *
 * The QOM type, its properties, the BAR layout, realize/unrealize, reset
 * and the top-level migration state.  Each concern lives in its own file
 * (see igvt.h).
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "igvt.h"
#include "backend.h"
#include "sched-policy.h"
#include "workload.h"
#include "trace.h"

static unsigned igvt_instances;

/*
 * The QAPI enum properties (model, backend, port) are QOM enum
 * properties of the class; each only changes before realize.
 */
static bool igvt_prop_settable(Object *obj, Error **errp)
{
    if (DEVICE(obj)->realized) {
        error_setg(errp, "igvt: the property cannot change after realize");
        return false;
    }
    return true;
}

#define IGVT_ENUM_PROP(_name, _field)                                       \
static int igvt_get_##_name(Object *obj, Error **errp)                      \
{                                                                           \
    return IGVT_VGA(obj)->params._field;                                    \
}                                                                           \
                                                                            \
static void igvt_set_##_name(Object *obj, int value, Error **errp)          \
{                                                                           \
    if (igvt_prop_settable(obj, errp)) {                                    \
        IGVT_VGA(obj)->params._field = value;                               \
    }                                                                       \
}

IGVT_ENUM_PROP(model, model)
IGVT_ENUM_PROP(backend, backend)
IGVT_ENUM_PROP(port, port)

static const Property igvt_props[] = {
    DEFINE_PROP_SIZE("aperture-size", IgvtState, params.aperture_size,
                     IGVT_DEFAULT_APERTURE_SIZE),
    DEFINE_PROP_SIZE("low-gm-size", IgvtState, params.low_gm_size,
                     128 * MiB),
    DEFINE_PROP_SIZE("high-gm-size", IgvtState, params.high_gm_size,
                     512 * MiB),
    DEFINE_PROP_UINT32("fences", IgvtState, params.fences, 4),
    DEFINE_PROP_UINT32("vgamem_mb", IgvtState, params.vgamem_mb, 16),
    DEFINE_PROP_UINT32("weight", IgvtState, params.weight,
                       IGVT_WEIGHT_DEFAULT),
    /* Experimental: tests turn the time bound off to see the budget's */
    DEFINE_PROP_UINT32("x-watchdog-ms", IgvtState, params.watchdog_ms,
                       IGVT_WATCHDOG_MS_DEFAULT),
    DEFINE_EDID_PROPERTIES(IgvtState, display.edid_info),
};

static bool igvt_check_params(IgvtState *s, Error **errp)
{
    IgvtParams *p = &s->params;

    if (p->aperture_size < 16 * MiB || p->aperture_size > 2 * GiB ||
        !is_power_of_2(p->aperture_size)) {
        error_setg(errp, "igvt: aperture-size must be a power of two "
                   "between 16 MiB and 2 GiB");
        return false;
    }
    if (!p->low_gm_size || !p->high_gm_size ||
        !QEMU_IS_ALIGNED(p->low_gm_size, 2 * MiB) ||
        !QEMU_IS_ALIGNED(p->high_gm_size, 2 * MiB)) {
        error_setg(errp, "igvt: low-gm-size and high-gm-size must be "
                   "non-zero multiples of 2 MiB");
        return false;
    }
    if (p->low_gm_size > p->aperture_size) {
        error_setg(errp, "igvt: low-gm-size (%" PRIu64 " MiB) does not fit "
                   "in aperture-size (%" PRIu64 " MiB)",
                   p->low_gm_size / MiB, p->aperture_size / MiB);
        return false;
    }
    if (s->display.edid_info.prefx || s->display.edid_info.prefy) {
        if (!igvt_monitor_set_mode(s, s->display.edid_info.prefx,
                                   s->display.edid_info.prefy, errp)) {
            return false;
        }
    }
    if (p->fences < 1 || p->fences > IGVT_FENCE_MAX) {
        error_setg(errp, "igvt: fences must be between 1 and %d",
                   IGVT_FENCE_MAX);
        return false;
    }
    if (p->watchdog_ms > IGVT_WATCHDOG_MS_MAX) {
        error_setg(errp, "igvt: x-watchdog-ms must be at most %d",
                   IGVT_WATCHDOG_MS_MAX);
        return false;
    }
    if (p->weight < IGVT_WEIGHT_MIN || p->weight > IGVT_WEIGHT_MAX) {
        error_setg(errp, "igvt: weight must be between %d and %d",
                   IGVT_WEIGHT_MIN, IGVT_WEIGHT_MAX);
        return false;
    }
    return true;
}

static void igvt_init_bars(IgvtState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    Object *owner = OBJECT(s);

    memory_region_init(&s->bar0, owner, "igvt-gttmmadr", IGVT_GTTMMADR_SIZE);
    memory_region_init_io(&s->bar0_hole, owner, &igvt_bar0_hole_ops, s,
                          "igvt-gttmmadr-hole", IGVT_GTTMMADR_SIZE);
    memory_region_add_subregion_overlap(&s->bar0, 0, &s->bar0_hole, -1);
    memory_region_init_io(&s->mmio, owner, &igvt_mmio_ops, s, "igvt-mmio",
                          IGVT_MMIO_SIZE);
    memory_region_add_subregion(&s->bar0, 0, &s->mmio);
    memory_region_init_io(&s->gtt_mr, owner, &igvt_gtt_ops, s, "igvt-ggtt",
                          IGVT_GTT_SIZE);
    memory_region_add_subregion(&s->bar0, IGVT_GTT_OFFSET, &s->gtt_mr);
    /*
     * KVM may queue GGTT writes in the kernel and hand them over in a
     * batch; any other access to the device (a GGTT or register read,
     * GFX_FLSH_CNTL, ELSP, the aperture) delivers the queue first
     */
    memory_region_add_coalescing(&s->gtt_mr, 0, IGVT_GTT_SIZE);
    memory_region_set_flush_coalesced(&s->gtt_mr);
    memory_region_set_flush_coalesced(&s->mmio);
    pci_register_bar(dev, IGVT_BAR_GTTMMADR, PCI_BASE_ADDRESS_MEM_TYPE_64,
                     &s->bar0);

    memory_region_init_io(&s->aperture, owner, &igvt_aperture_ops, s,
                          "igvt-aperture", s->params.aperture_size);
    memory_region_set_flush_coalesced(&s->aperture);
    pci_register_bar(dev, IGVT_BAR_GMADR, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->aperture);
}

static void igvt_realize(PCIDevice *dev, Error **errp)
{
    IgvtState *s = IGVT_VGA(dev);
    IgvtParams *p = &s->params;

    if (!igvt_check_params(s, errp) || !igvt_mem_check_iommu(s, errp)) {
        return;
    }
    pci_config_set_device_id(dev->config, p->model == IGVT_MODEL_KBL ?
                             IGVT_PCI_DEVICE_ID_KBL_GT2 :
                             IGVT_PCI_DEVICE_ID_SKL_GT2);
    pci_config_set_revision(dev->config, p->model == IGVT_MODEL_KBL ?
                            IGVT_PCI_REVISION_KBL : IGVT_PCI_REVISION_SKL);
    pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID_INTEL);
    pci_set_word(dev->config + PCI_SUBSYSTEM_ID, 0x2212);

    s->backend = igvt_backend_get(p->backend, errp);
    if (!s->backend) {
        return;
    }
    if (!igvt_backend_alloc_slice(s->backend, p->low_gm_size,
                                  p->high_gm_size, p->fences,
                                  p->aperture_size, &s->slice, errp)) {
        goto fail_backend;
    }
    igvt_mem_init(s);
    if (!igvt_gtt_init(s, errp)) {
        goto fail_slice;
    }
    if (!igvt_cfg_init(s, errp)) {
        goto fail_gtt;
    }
    if (!igvt_vga_init(s, errp)) {
        goto fail_cfg;
    }
    igvt_console_init(s);
    igvt_init_bars(s);
    igvt_display_init(s);
    if (!igvt_execlist_init(s, errp)) {
        goto fail_display;
    }
    s->id = ++igvt_instances;
    trace_igvt_realize(s->id, s->slice.low_base, s->slice.high_base);
    return;

fail_display:
    igvt_display_fini(s);
    igvt_console_fini(s);
fail_cfg:
    igvt_cfg_fini(s);
fail_gtt:
    igvt_gtt_fini(s);
fail_slice:
    igvt_backend_free_slice(s->backend, &s->slice);
fail_backend:
    igvt_backend_put(s->backend);
    s->backend = NULL;
}

static void igvt_exit(PCIDevice *dev)
{
    IgvtState *s = IGVT_VGA(dev);

    igvt_execlist_fini(s);
    igvt_display_fini(s);
    igvt_console_fini(s);
    igvt_cfg_fini(s);
    igvt_gtt_reset(s);
    igvt_gtt_fini(s);
    igvt_backend_free_slice(s->backend, &s->slice);
    igvt_backend_put(s->backend);
    s->backend = NULL;
}

/* A device-model-level reset: every concern back to its initial state */
static void igvt_reset_hold(Object *obj, ResetType type)
{
    IgvtState *s = IGVT_VGA(obj);

    /* The GPU first: nothing may run against state being reset */
    igvt_execlist_reset(s);
    igvt_mmio_reset(s);
    igvt_pvinfo_reset(s);
    igvt_gtt_reset(s);
    igvt_display_reset(s);
    igvt_cfg_reset(s);
    igvt_vga_reset(s);
    s->irq_level = false;
    s->failsafe = false;
    s->failsafe_reason = 0;
    trace_igvt_reset(s->id);
}

static int igvt_post_load(void *opaque, int version_id)
{
    IgvtState *s = opaque;

    int ret;

    ret = igvt_display_post_load(s);
    if (!ret) {
        ret = igvt_execlist_post_load(s);
    }
    return ret ? ret : igvt_gtt_post_load(s);
}

static bool igvt_failsafe_reason_valid(void *opaque, int version_id)
{
    IgvtState *s = opaque;

    return s->failsafe_reason < IGVT_FAILSAFE_REASON__MAX;
}

static const VMStateDescription vmstate_igvt_slice = {
    .name = "igvt/slice",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        /* Graphics memory is not translated: the slices must match */
        VMSTATE_UINT64_EQUAL(low_base, IgvtSlice, NULL),
        VMSTATE_UINT64_EQUAL(low_size, IgvtSlice, NULL),
        VMSTATE_UINT64_EQUAL(high_base, IgvtSlice, NULL),
        VMSTATE_UINT64_EQUAL(high_size, IgvtSlice, NULL),
        VMSTATE_UINT32_EQUAL(fence_count, IgvtSlice, NULL),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_igvt_counters = {
    .name = "igvt/counters",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(mmio_reads, IgvtStats),
        VMSTATE_UINT64(mmio_writes, IgvtStats),
        VMSTATE_UINT64(mmio_untracked, IgvtStats),
        VMSTATE_UINT64(mmio_invalid, IgvtStats),
        VMSTATE_UINT64(ggtt_writes, IgvtStats),
        VMSTATE_UINT64(ggtt_invalid_ptes, IgvtStats),
        VMSTATE_UINT64(ggtt_dropped, IgvtStats),
        VMSTATE_UINT64(aperture_reads, IgvtStats),
        VMSTATE_UINT64(aperture_writes, IgvtStats),
        VMSTATE_UINT64(aperture_faults, IgvtStats),
        VMSTATE_UINT64(ggtt_backend_calls, IgvtStats),
        VMSTATE_UINT64(ggtt_backend_entries, IgvtStats),
        VMSTATE_END_OF_LIST()
    },
};

/*
 * The stream's one version.  A VMSTATE_STRUCT is loaded with its own
 * description's version, whatever the source had, so the nested
 * descriptions stay at 1 and any change to a layout, nested or not,
 * bumps both numbers here: a stream of another layout is then refused
 * with a version error instead of being read shifted.  Version 2: the
 * execlists' interrupted and stalled, the engines' last hang, the GGTT
 * backend counters.
 */
static const VMStateDescription vmstate_igvt = {
    .name = "igvt-vga",
    .version_id = 2,
    .minimum_version_id = 2,
    .post_load = igvt_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, IgvtState),
        VMSTATE_STRUCT(vga, IgvtState, 0, vmstate_vga_common,
                       VGACommonState),
        VMSTATE_STRUCT(slice, IgvtState, 1, vmstate_igvt_slice, IgvtSlice),
        VMSTATE_UINT32_ARRAY(regs, IgvtState, IGVT_NUM_REGS),
        VMSTATE_STRUCT(gtt, IgvtState, 1, vmstate_igvt_gtt, IgvtGtt),
        VMSTATE_STRUCT(display, IgvtState, 1, vmstate_igvt_display,
                       IgvtDisplay),
        VMSTATE_STRUCT_ARRAY(execlists, IgvtState, IGVT_NUM_ENGINES, 1,
                             vmstate_igvt_execlist, IgvtExeclist),
        VMSTATE_STRUCT_ARRAY(engine_stats, IgvtState, IGVT_NUM_ENGINES, 1,
                             vmstate_igvt_engine_stats, IgvtEngineStats),
        VMSTATE_BOOL(pv_ready, IgvtState),
        VMSTATE_BOOL(irq_level, IgvtState),
        VMSTATE_BOOL(failsafe, IgvtState),
        VMSTATE_UINT32(failsafe_reason, IgvtState),
        VMSTATE_VALIDATE("failsafe reason", igvt_failsafe_reason_valid),
        VMSTATE_STRUCT(counters, IgvtState, 1, vmstate_igvt_counters,
                       IgvtStats),
        VMSTATE_END_OF_LIST()
    },
};

static void igvt_instance_init(Object *obj)
{
    IgvtState *s = IGVT_VGA(obj);

    /*
     * A hybrid PCI/PCIe device: ask for PCIe config space here, before the
     * PCI core sizes it; realize drops the flag on a conventional bus.
     */
    PCI_DEVICE(obj)->cap_present |= QEMU_PCI_CAP_EXPRESS;
    s->params.model = IGVT_MODEL_SKL;
    s->params.backend = IGVT_BACKEND_KIND_SOFT;
    s->params.port = IGVT_DISPLAY_PORT_D;
}

static void igvt_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    igvt_mmio_class_init();
    k->realize = igvt_realize;
    k->exit = igvt_exit;
    k->config_write = igvt_cfg_write;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = IGVT_PCI_DEVICE_ID_SKL_GT2;
    k->revision = IGVT_PCI_REVISION_SKL;
    k->class_id = PCI_CLASS_DISPLAY_VGA;
    k->romfile = "vgabios-stdvga.bin";
    rc->phases.hold = igvt_reset_hold;
    dc->desc = "Intel Gen9 GPU, mediated (GVT-g style)";
    dc->vmsd = &vmstate_igvt;
    dc->hotpluggable = false;
    set_bit(DEVICE_CATEGORY_DISPLAY, dc->categories);
    device_class_set_props(dc, igvt_props);
    object_class_property_add_enum(klass, "model", "IgvtModel",
                                   &IgvtModel_lookup, igvt_get_model,
                                   igvt_set_model);
    object_class_property_set_description(klass, "model",
                                          "the GPU: skl (8086:1912) or kbl "
                                          "(8086:5912)");
    object_class_property_add_enum(klass, "backend", "IgvtBackendKind",
                                   &IgvtBackendKind_lookup, igvt_get_backend,
                                   igvt_set_backend);
    object_class_property_set_description(klass, "backend",
                                          "where work goes: soft or host");
    object_class_property_add_enum(klass, "port", "IgvtDisplayPort",
                                   &IgvtDisplayPort_lookup, igvt_get_port,
                                   igvt_set_port);
    object_class_property_set_description(klass, "port",
                                          "DDI port of the virtual monitor: "
                                          "a to e");
}

static const TypeInfo igvt_types[] = {
    {
        .name = TYPE_IGVT_VGA,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(IgvtState),
        .instance_init = igvt_instance_init,
        .class_init = igvt_class_init,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { },
        },
    },
};

DEFINE_TYPES(igvt_types)
