/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: private state of the igvt-vga device.
 *
 * The device is split by concern (see docs/igvt/architecture.md); every
 * file's cross-file functions are declared here, grouped by the file that
 * defines them.
 */

#ifndef HW_DISPLAY_IGVT_IGVT_H
#define HW_DISPLAY_IGVT_IGVT_H

#include "hw/pci/pci_device.h"
#include "hw/display/igvt.h"
#include "hw/display/vga_int.h"
#include "hw/display/edid.h"
#include "ui/console.h"
#include "aux.h"
#include "gmbus.h"
#include "cmd-parser.h"
#include "fb-format.h"
#include "hwinfo.h"
#include "gpu-mem.h"
#include "sched.h"
#include "backend.h"
#include "system/runstate.h"
#include "qapi/qapi-types-igvt.h"
#include "qom/object.h"

OBJECT_DECLARE_SIMPLE_TYPE(IgvtState, IGVT_VGA)

/* QAPI's enums are cast to the device's own: the same numbers */
QEMU_BUILD_BUG_ON((int)IGVT_DISPLAY_PORT_A != (int)IGVT_PORT_A ||
                  (int)IGVT_DISPLAY_PORT_E != (int)IGVT_PORT_E ||
                  (int)IGVT_DISPLAY_PORT__MAX != (int)IGVT_PORT__MAX);
QEMU_BUILD_BUG_ON((int)IGVT_SURFACE_TILING_LINEAR != (int)IGVT_TILING_LINEAR ||
                  (int)IGVT_SURFACE_TILING_X != (int)IGVT_TILING_X ||
                  (int)IGVT_SURFACE_TILING_Y != (int)IGVT_TILING_Y);

typedef struct IgvtBackend IgvtBackend;
typedef struct IgvtRegInfo IgvtRegInfo;
typedef struct IgvtConsole IgvtConsole;

#define IGVT_NUM_REGS   (IGVT_MMIO_SIZE / 4)

/*
 * Report a guest programming error: a trace event plus a LOG_GUEST_ERROR
 * line.  The caller then does what the hardware would do (drop the write,
 * read zero, raise the error the guest can see).
 */
#define IGVT_GUEST_ERR(trace, fmt, ...) \
    do { \
        (trace_##trace)(__VA_ARGS__); \
        qemu_log_mask(LOG_GUEST_ERROR, "igvt: " #trace ": " fmt "\n", \
                      ## __VA_ARGS__); \
    } while (0)

/* User-visible configuration (properties) */
typedef struct IgvtParams {
    IgvtModel model;
    IgvtBackendKind backend;
    uint64_t aperture_size;     /* BAR2 size */
    uint64_t low_gm_size;       /* aperture slice */
    uint64_t high_gm_size;      /* hidden slice */
    uint32_t fences;
    uint32_t vgamem_mb;
    IgvtDisplayPort port;       /* where the monitor is */
    uint32_t weight;            /* share of the GPU against other vGPUs */
    uint32_t watchdog_ms;       /* CPU time a workload may take, 0: any */
} IgvtParams;

/* Interrupt banks (irq.c) */
typedef enum IgvtIrqBank {
    IGVT_IRQ_GT0,
    IGVT_IRQ_GT1,
    IGVT_IRQ_GT2,
    IGVT_IRQ_GT3,
    IGVT_IRQ_DE_PIPE_A,
    IGVT_IRQ_DE_PIPE_B,
    IGVT_IRQ_DE_PIPE_C,
    IGVT_IRQ_DE_PORT,
    IGVT_IRQ_DE_MISC,
    IGVT_IRQ_PCH,
    IGVT_IRQ_PCU,
    IGVT_IRQ_BANK__MAX,
} IgvtIrqBank;

typedef struct IgvtExeclist {
    uint32_t elsp[4];           /* dwords written to ELSP so far */
    uint32_t elsp_count;
    uint64_t active[2];         /* the elements the engine is running */
    uint32_t current;           /* which of them runs now */
    uint64_t pending[2];        /* written while the engine was busy */
    int64_t submit_ns;          /* when the active pair was written */
    int64_t pending_ns;         /* ... and the pending one */
    IgvtWorkload *running;      /* the current element's, with the GPU */
    bool interrupted;           /* the VM stopped it: it goes on */
    bool stalled;               /* it hung: nothing runs until a reset */
} IgvtExeclist;

typedef struct IgvtEngineStats {
    uint64_t submitted;
    uint64_t completed;
    uint64_t rejected;          /* refused by the audit */
    uint64_t hung;              /* faulted or stopped by the watchdog */
    uint8_t last_reject[64];    /* why the last workload was refused */
    uint8_t last_hang[64];      /* why the last hung one did not complete */
    uint32_t last_reject_header;
    uint64_t last_reject_addr;
    uint64_t busy_ns;           /* time the GPU spent on its workloads */
    /* ELSP write to the interrupt that reports the pair done */
    uint64_t latency_count;
    uint64_t latency_total_ns;
    uint64_t latency_max_ns;
} IgvtEngineStats;


typedef struct IgvtStats {
    uint64_t mmio_reads;
    uint64_t mmio_writes;
    uint64_t mmio_untracked;
    uint64_t mmio_invalid;
    uint64_t ggtt_writes;
    uint64_t ggtt_invalid_ptes;
    uint64_t ggtt_dropped;
    uint64_t ggtt_backend_calls;        /* host GGTT updates ... */
    uint64_t ggtt_backend_entries;      /* ... and the entries they held */
    uint64_t aperture_reads;
    uint64_t aperture_writes;
    uint64_t aperture_faults;
} IgvtStats;

#define IGVT_GTT_HALF_LOW   1
#define IGVT_GTT_HALF_HIGH  2

/* The virtual GGTT */
typedef struct IgvtGtt {
    /* What the guest wrote, one 64-bit PTE per 4 KiB of graphics memory */
    uint64_t *entries;
    /*
     * What the mediation programmed into the host GGTT for each entry:
     * IGVT_HOST_PTE_VALID | a validated guest DMA address, or 0 for the
     * scratch page.  Derived: rebuilt by post_load.
     */
    uint64_t *host;
    uint32_t num_entries;
    /* The entry being written as two dwords, and which halves arrived */
    uint32_t partial_index;
    uint32_t partial_halves;
    /* Entries written since the host GGTT was last programmed (gtt.c) */
    uint32_t pend_lo, pend_hi;
} IgvtGtt;

/* The display engine (display.c) */
typedef struct IgvtPipe {
    IgvtState *owner;
    QEMUTimer *vblank_timer;
    int64_t base_ns;            /* virtual time the frame counter started */
    uint32_t base_count;        /* PIPE_FRMCOUNT at base_ns */
    uint32_t refresh_mhz;       /* from the guest's timings */
    uint32_t flips_pending;     /* planes whose flip-done is due */
} IgvtPipe;

typedef struct IgvtDisplay {
    IgvtPipe pipes[3];
    uint32_t port;              /* IgvtPort the monitor is on */
    bool connected;
    qemu_edid_info edid_info;   /* xres/yres/... properties */
    uint32_t edid_xres;         /* the EDID's preferred mode */
    uint32_t edid_yres;
    IgvtDpSink sink;
    IgvtGmbus gmbus;
} IgvtDisplay;

struct IgvtState {
    PCIDevice parent_obj;

    /* configuration */
    IgvtParams params;

    /* memory regions */
    MemoryRegion bar0;          /* GTTMMADR container */
    MemoryRegion bar0_hole;     /* everything that is neither MMIO nor GTT */
    MemoryRegion mmio;
    MemoryRegion gtt_mr;
    MemoryRegion aperture;

    /* legacy VGA, shown until the guest driver disables it */
    VGACommonState vga;
    QemuConsole *con;
    IgvtConsole *console;       /* what the console shows (console.c) */

    IgvtBackend *backend;
    IgvtSlice slice;
    IgvtGpuMem gpu_mem;         /* graphics memory as the vGPU reaches it */
    uint32_t id;                /* vGPU number, 1.. */
    uint8_t *opregion;          /* handed to the firmware via fw_cfg */

    /* device state (migrated) */
    uint32_t regs[IGVT_NUM_REGS];
    IgvtGtt gtt;
    IgvtDisplay display;
    IgvtExeclist execlists[IGVT_NUM_ENGINES];
    IgvtEngineStats engine_stats[IGVT_NUM_ENGINES];
    QEMUBH *execlist_bh;        /* starts work the engines can take */
    QEMUBH *complete_bh;        /* finishes work the GPU has done */
    IgvtSchedEntity sched;
    VMChangeStateEntry *vmstate_change;
    bool pv_ready;              /* the guest read PVINFO */
    bool irq_level;             /* an interrupt is being signalled */
    bool failsafe;
    uint32_t failsafe_reason;   /* IgvtFailsafeReason */
    IgvtStats counters;
};

/* The register file wraps at 2 MiB: no offset can index past it */
static inline uint32_t igvt_reg(IgvtState *s, uint32_t offset)
{
    return s->regs[(offset & (IGVT_MMIO_SIZE - 1)) >> 2];
}

static inline void igvt_reg_set(IgvtState *s, uint32_t offset, uint32_t v)
{
    s->regs[(offset & (IGVT_MMIO_SIZE - 1)) >> 2] = v;
}

/* The register table (reg-table.c) */
#define IGVT_REG_MASKED     (1u << 0)   /* bits 31:16 enable bits 15:0 */
#define IGVT_REG_RO         (1u << 2)   /* writes are dropped (guest error) */

typedef uint32_t IgvtRegReadFn(IgvtState *s, uint32_t offset);
/*
 * Called before a write is stored, with the value the flags and masks
 * made of it; returns the value to store (a status bit that follows a
 * request, a bit that clears itself)
 */
typedef uint32_t IgvtRegPreWriteFn(IgvtState *s, uint32_t offset,
                                   uint32_t old, uint32_t val);
/* Called after the new value is stored, for what the write sets off */
typedef void IgvtRegWriteFn(IgvtState *s, uint32_t offset, uint32_t old,
                            uint32_t val);

struct IgvtRegInfo {
    const char *name;
    uint32_t offset;
    uint32_t size;              /* bytes; > 4 for a block of registers */
    uint32_t flags;
    uint32_t reset;             /* for every dword of a block */
    uint32_t ro_mask;           /* bits the guest cannot change */
    uint32_t w1c_mask;          /* bits a 1 clears and a 0 leaves */
    IgvtRegReadFn *read;
    IgvtRegPreWriteFn *pre_write;
    IgvtRegWriteFn *write;
};

extern const IgvtRegInfo igvt_reg_table[];
extern const size_t igvt_reg_table_size;

/*
 * The device's MemoryRegionOps see every access as the guest made it (any
 * size up to 8, any alignment) and decide themselves what is valid.
 */
#define IGVT_MMIO_ANY_ACCESS \
    .valid = { .min_access_size = 1, .max_access_size = 8, \
               .unaligned = true }, \
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true }

/* mmio.c */
void igvt_mmio_class_init(void);
extern const MemoryRegionOps igvt_mmio_ops;
extern const MemoryRegionOps igvt_bar0_hole_ops;
const IgvtRegInfo *igvt_reg_lookup(uint32_t offset);
IgvtRegPreWriteFn igvt_reg_self_clear;
void igvt_mmio_reset(IgvtState *s);
void igvt_enter_failsafe(IgvtState *s, IgvtFailsafeReason reason);

/* irq.c */
void igvt_irq_update(IgvtState *s);
void igvt_irq_raise(IgvtState *s, IgvtIrqBank bank, uint32_t events);
IgvtRegWriteFn igvt_irq_reg_write;

/* pvinfo.c */
void igvt_pvinfo_reset(IgvtState *s);
IgvtRegReadFn igvt_pvinfo_read;
IgvtRegWriteFn igvt_pvinfo_rsv5_write;
IgvtRegWriteFn igvt_pvinfo_g2v_write;
IgvtRegWriteFn igvt_pvinfo_display_ready_write;

/* console.c */
void igvt_console_init(IgvtState *s);
void igvt_console_fini(IgvtState *s);
/* Redraw everything at the next refresh */
void igvt_console_invalidate(IgvtState *s);
/* The GGTT entries of graphics memory [@gm, @gm + @size) changed */
void igvt_console_gm_changed(IgvtState *s, uint64_t gm, uint64_t size);
IgvtConsoleMode igvt_console_mode(IgvtState *s);
void igvt_console_stats(IgvtState *s, uint64_t *shown, uint64_t *skipped);

/* monitor.c */
void igvt_monitor_update_edid(IgvtState *s);
void igvt_monitor_hotplug(IgvtState *s);
bool igvt_monitor_set_mode(IgvtState *s, uint32_t xres, uint32_t yres,
                           Error **errp);
void igvt_monitor_ui_info(IgvtState *s, QemuUIInfo *info);
void igvt_monitor_reset(IgvtState *s);
extern const VMStateDescription vmstate_igvt_dp_sink;
extern const VMStateDescription vmstate_igvt_gmbus;
IgvtRegWriteFn igvt_aux_ctl_write;
IgvtRegReadFn igvt_gmbus_reg_read;
IgvtRegWriteFn igvt_gmbus_reg_write;

/* display.c */
void igvt_display_init(IgvtState *s);
void igvt_display_fini(IgvtState *s);
void igvt_display_reset(IgvtState *s);
int igvt_display_post_load(IgvtState *s);
void igvt_display_update_timers(IgvtState *s);
uint32_t igvt_display_hotplug_bit(IgvtState *s);
extern const VMStateDescription vmstate_igvt_display;
IgvtRegWriteFn igvt_pwr_well_write;
IgvtRegPreWriteFn igvt_dbuf_pre_write;
IgvtRegPreWriteFn igvt_pll_pre_write;
IgvtRegReadFn igvt_dpll_status_read;
IgvtRegPreWriteFn igvt_ddi_buf_pre_write;
IgvtRegWriteFn igvt_dp_tp_ctl_write;
IgvtRegWriteFn igvt_pp_control_write;
IgvtRegPreWriteFn igvt_sbi_pre_write;
IgvtRegReadFn igvt_frmcount_read;
IgvtRegReadFn igvt_pipedsl_read;
IgvtRegPreWriteFn igvt_transconf_pre_write;
IgvtRegWriteFn igvt_transconf_write;
IgvtRegWriteFn igvt_plane_surf_write;
IgvtRegWriteFn igvt_cur_base_write;
IgvtRegWriteFn igvt_palette_write;

/* execlist.c */
bool igvt_execlist_init(IgvtState *s, Error **errp);
void igvt_execlist_fini(IgvtState *s);
void igvt_execlist_reset(IgvtState *s);
void igvt_execlist_engine_reset(IgvtState *s, uint32_t engines);
int igvt_execlist_post_load(IgvtState *s);
extern const VMStateDescription vmstate_igvt_execlist;
extern const VMStateDescription vmstate_igvt_engine_stats;
IgvtRegWriteFn igvt_elsp_write;

/* gt.c */
/* A fence register's view of graphics memory (regs.h) */
typedef struct IgvtFence {
    uint64_t start, end;        /* [start, end) */
    uint64_t pitch;             /* bytes */
    IgvtTiling tiling;
} IgvtFence;

/* The enabled fence covering graphics memory @gm, if any */
bool igvt_fence_find(IgvtState *s, uint64_t gm, IgvtFence *f);
/*
 * Where linear byte @gm of fence @f lies in the tiled memory behind it;
 * *len is cut to the bytes from there on that are contiguous.
 */
uint64_t igvt_fence_detile(const IgvtFence *f, uint64_t gm, uint64_t *len);
IgvtRegWriteFn igvt_gdrst_write;
IgvtRegPreWriteFn igvt_reset_ctl_pre_write;
IgvtRegPreWriteFn igvt_mi_mode_pre_write;
IgvtRegWriteFn igvt_ring_mode_write;
IgvtRegWriteFn igvt_forcewake_write;
IgvtRegWriteFn igvt_pcode_mailbox_write;
IgvtRegReadFn igvt_fence_read;
IgvtRegWriteFn igvt_fence_write;

/* gtt.c */
extern const MemoryRegionOps igvt_gtt_ops;
extern const MemoryRegionOps igvt_aperture_ops;
bool igvt_gtt_init(IgvtState *s, Error **errp);
void igvt_gtt_fini(IgvtState *s);
void igvt_gtt_reset(IgvtState *s);
/* Program the host GGTT with the entries written so far (see gtt.c) */
void igvt_gtt_flush(IgvtState *s);
int igvt_gtt_post_load(IgvtState *s);
/* The DMA address behind GGTT page @index, if in the slices and valid */
bool igvt_ggtt_lookup(IgvtState *s, uint64_t index, uint64_t *dma);
extern const VMStateDescription vmstate_igvt_gtt;

/* mem.c: guest memory as the GPU reaches it (RAM only, one translation) */
/*
 * Copy @len bytes between @buf and device address @addr in @as; stops
 * before the next page when *@stop (if given) becomes true.  Only RAM;
 * a failure may leave part of the access done.
 */
IgvtMemStatus igvt_dma_rw(AddressSpace *as, uint64_t addr, void *buf,
                          uint64_t len, bool is_write, const bool *stop);
/* Refuse an IOMMU between the device and guest memory (see mem.c) */
bool igvt_mem_check_iommu(IgvtState *s, Error **errp);
/* Set up s->gpu_mem, the vGPU's view of graphics memory */
void igvt_mem_init(IgvtState *s);
/* Is [addr, addr + size) writable guest RAM, as the device sees memory? */
bool igvt_dma_is_ram(IgvtState *s, uint64_t addr, uint64_t size);
/* How many bytes from @addr on are writable guest RAM in one piece */
uint64_t igvt_dma_ram_extent(IgvtState *s, uint64_t addr);
bool igvt_gm_in_slice(IgvtState *s, uint64_t addr, uint64_t size);
/*
 * Graphics memory at @gm through the host GGTT, as the GPU reaches it:
 * only inside the vGPU's slices, only through valid entries.  A read
 * fills what it could not reach with 0.
 */
IgvtMemStatus igvt_gm_access(IgvtState *s, uint64_t gm, void *buf,
                             size_t len, bool is_write, const bool *stop);

static inline bool igvt_gm_rw(IgvtState *s, uint64_t gm, void *buf,
                              size_t len, bool is_write)
{
    return igvt_gm_access(s, gm, buf, len, is_write, NULL) == IGVT_MEM_OK;
}

/*
 * Reach memory as an engine does: GGTT addresses through the host GGTT,
 * PPGTT addresses through the guest's tables rooted at @pml4; only guest
 * RAM.  False and *why if any byte cannot be reached.
 */
bool igvt_engine_mem(IgvtState *s, uint64_t pml4, bool ggtt, uint64_t addr,
                     void *buf, size_t len, bool is_write, const bool *stop,
                     const char **why);

/* vga.c */
bool igvt_vga_init(IgvtState *s, Error **errp);
void igvt_vga_reset(IgvtState *s);
bool igvt_vga_enabled(IgvtState *s);
bool igvt_vga_lfb_access(IgvtState *s, hwaddr addr, uint64_t *val,
                         unsigned size, bool is_write);
IgvtRegWriteFn igvt_vgacntrl_write;

/* cfg.c */
bool igvt_cfg_init(IgvtState *s, Error **errp);
void igvt_cfg_fini(IgvtState *s);
void igvt_cfg_reset(IgvtState *s);
void igvt_cfg_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len);

#endif /* HW_DISPLAY_IGVT_IGVT_H */
