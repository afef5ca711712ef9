/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software backend, a model of the host GPU.
 *
 * It keeps the host GGTT that every vGPU's slices are programmed into, and
 * executes what a CPU can execute exactly: the MI commands that move
 * control and data (batch buffers, stores, flushes and pipe controls with
 * post-sync writes, user interrupts), the register commands
 * (MI_LOAD_REGISTER_IMM/MEM/REG, MI_STORE_REGISTER_MEM), MI_MATH,
 * MI_PREDICATE with predicated batch starts, and blitter fills and copies
 * (XY_COLOR_BLT, XY_SRC_COPY_BLT, XY_FAST_COPY_BLT) on linear, X-tiled
 * and (legacy) Y-tiled surfaces.  3D and media state commands are decoded
 * and accepted without rendering.  The ring segment and every
 * batch buffer are copied before they are decoded, so the guest cannot
 * change them afterwards (a batch is copied and audited again when the
 * GPU itself wrote to it, or when a workload goes on after it yielded).
 * A workload runs in turns that end at arbitration points, so one that
 * spins forever shares the GPU; one that loops without reaching an
 * arbitration point is stopped by the watchdog.  Memory is reached the way the GPU reaches
 * it: through the host GGTT for global addresses, through the guest's own
 * PPGTT (walked and checked entry by entry) for per-process ones, and
 * only ever guest RAM.
 *
 * Blits are soft-blt.c's.
 *
 * Registers.  Each workload has its own register state, all 0 when it
 * starts: the command streamer's 16 64-bit GPRs (CS_GPR0-15, engine base
 * + 0x600 + 8 n) and every other register the auditor's whitelist lets
 * it write (the predicate registers, BCS_SWCTRL, statistics, chicken
 * bits, ...).  MI_LOAD_REGISTER_IMM (each of its pairs in order),
 * MI_LOAD_REGISTER_MEM (a dword from memory, GGTT or PPGTT as bit 22
 * says) and MI_LOAD_REGISTER_REG store into it; MI_STORE_REGISTER_MEM
 * and MI_LOAD_REGISTER_REG read it back, 0 for a register the workload
 * never wrote (the vGPU's MMIO register file is not consulted: it belongs
 * to the vCPUs, and the worker thread must not read it).  Two registers
 * are read from a host clock instead: RING_TIMESTAMP (engine + 0x358,
 * upper dword at + 0x35c) is a free-running counter at 12 MHz, the rate
 * a Skylake GT2 has and the one the guest derives from the vGPU's
 * CTC_MODE (24 MHz crystal >> 1), and RING_CTX_TIMESTAMP (+ 0x3a8) counts
 * the same ticks since the workload started.  The registers a context
 * switch saves into the context image where the software GPU can find
 * them (context.h: CS_GPR0-15, and the render engine's
 * MI_PREDICATE_RESULT_1) are loaded from the image when a workload
 * starts and saved back when it ends or stops, so a context stopped with
 * the VM, migrated or preempted goes on with the values it had.  Other
 * registers a workload writes start at 0 in every workload.
 *
 * BCS_SWCTRL is one of those.  The hardware keeps it per blitter context
 * (IGT's gem_ctx_isolation expects that); it starts at its reset value 0
 * (X tiling) and is a masked register: bits 31:16 enable bits 15:0.
 * i915's users (IGT, the kernel's selftests) set it in every batch that
 * needs it and restore it afterwards.
 *
 * MI_MATH runs the Gen8+ ALU on the GPRs (soft-alu.h: the operations, the
 * flags, and what is refused); an instruction the ALU does not have is a
 * GPU fault: the workload stops as a hung one (execlist.c stalls the
 * engine until the guest resets it).
 *
 * Predication (render engine).  MI_PREDICATE computes
 * MI_PREDICATE_RESULT (0x2418) from MI_PREDICATE_SRC0/SRC1 (soft-alu.h);
 * it predicates 3D and GPGPU commands, which are not rendered.  A
 * MI_BATCH_BUFFER_START with its predicate bit (15) is ignored when bit 0
 * of MI_PREDICATE_RESULT_1 (0x241c) is clear: the register Gen8-Gen12.0
 * predicate batch starts on, which i915 (i915_perf.c's delay loop) and
 * IGT load from a GPR by MI_LOAD_REGISTER_REG before a predicated jump;
 * MI_PREDICATE itself does not write it.  On the other engines, which
 * cannot write the render engine's predicate registers, a predicated
 * batch start is therefore always ignored.
 *
 * MI_CONDITIONAL_BATCH_BUFFER_END ends the current batch, like
 * MI_BATCH_BUFFER_END, when its compare bit (21) is set and the dword at
 * its address (GGTT if bit 22, else PPGTT) is less than or equal to its
 * inline data; compare mask mode (bit 19) is refused as a fault.  The
 * auditor lets it through in PPGTT batches only (rings and GGTT batches
 * refuse it, as GVT-g does).
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qapi/qapi-types-igvt.h"
#include "hw/display/igvt.h"
#include "backend.h"
#include "hwinfo.h"
#include "regs.h"
#include "cmd-parser.h"
#include "workload.h"
#include "trace.h"
#include "qemu/timer.h"
#include "soft-alu.h"
#include "soft-gpu.h"

/* The software GPU's graphics memory: 4 GiB, 512 MiB of aperture */
#define IGVT_SOFT_GM_SIZE       IGVT_GM_SIZE
#define IGVT_SOFT_APERTURE_SIZE (512 * MiB)
#define IGVT_SOFT_FENCES        32

struct IgvtSoftGpu {
    uint64_t *ggtt;             /* IGVT_HOST_PTE_VALID | DMA address */
};
typedef struct IgvtSoftGpu IgvtSoftGpu;

static bool igvt_soft_open(IgvtBackend *b, IgvtBackendInfo *info,
                           Error **errp)
{
    IgvtSoftGpu *gpu = g_new0(IgvtSoftGpu, 1);

    gpu->ggtt = g_try_new0(uint64_t, IGVT_SOFT_GM_SIZE / IGVT_GTT_PAGE_SIZE);
    if (!gpu->ggtt) {
        g_free(gpu);
        error_setg(errp, "igvt: cannot allocate the software GPU's GGTT");
        return false;
    }
    *info = (IgvtBackendInfo) {
        .gm_size = IGVT_SOFT_GM_SIZE,
        .aperture_size = IGVT_SOFT_APERTURE_SIZE,
        .num_fences = IGVT_SOFT_FENCES,
        .executes = BIT(IGVT_WORK_CLASS_MI) | BIT(IGVT_WORK_CLASS_BLITTER),
        .max_inflight = 1,
    };
    b->opaque = gpu;
    return true;
}

static void igvt_soft_close(IgvtBackend *b)
{
    IgvtSoftGpu *gpu = b->opaque;

    g_free(gpu->ggtt);
    g_free(gpu);
}

static bool igvt_soft_ggtt_set_range(IgvtBackend *b, uint64_t first,
                                     uint64_t count, const uint64_t *ptes,
                                     Error **errp)
{
    IgvtSoftGpu *gpu = b->opaque;
    uint64_t i;

    if (first > IGVT_SOFT_GM_SIZE / IGVT_GTT_PAGE_SIZE ||
        count > IGVT_SOFT_GM_SIZE / IGVT_GTT_PAGE_SIZE - first) {
        error_setg(errp, "GGTT entries %" PRIu64 "+%" PRIu64 " past the "
                   "software GPU's GGTT", first, count);
        return false;
    }
    for (i = 0; i < count; i++) {
        /* The worker thread reads entries while vCPUs write them */
        qatomic_set(&gpu->ggtt[first + i], ptes[i]);
    }
    return true;
}

/*
 * The GGTT as a workload's engine sees it: the host GGTT, only inside the
 * vGPU's slices (the audit keeps commands inside them; blits, whose
 * extent it does not bound, fault outside them)
 */

static bool igvt_soft_ggtt_lookup(void *opaque, uint64_t index, uint64_t *dma)
{
    IgvtSoftGgtt *g = opaque;
    const IgvtSlice *sl = g->slice;
    uint64_t gm = index * IGVT_GTT_PAGE_SIZE;
    uint64_t pte;

    if (gm - sl->low_base >= sl->low_size &&
        gm - sl->high_base >= sl->high_size) {
        return false;
    }
    pte = qatomic_read(&g->gpu->ggtt[index]);
    *dma = pte & IGVT_PTE_ADDR_MASK;
    return pte & IGVT_HOST_PTE_VALID;
}

/*
 * Turns and the watchdog.  The software GPU runs a workload in turns: at
 * an arbitration point (MI_ARB_CHECK, a batch start or end) after
 * IGVT_SOFT_SLICE_NS of the GPU thread's CPU time in this turn, it
 * yields, and the scheduler gives the GPU to whoever is owed it (another
 * engine, another vGPU) before it goes on.  A batch that loops until the
 * CPU ends it (a spinner) therefore runs for as long as it loops, as on
 * hardware, while everything else runs too; i915's heartbeat decides
 * when to reset the engine.
 *
 * The watchdog catches work that neither ends nor reaches an arbitration
 * point.  Between two arbitration points a workload may do
 * IGVT_SOFT_BUDGET units of work: a unit
 * is one command, one access to guest memory, or 4 KiB of memory the GPU
 * reads, writes or assembles in its own buffers, so a guest is charged
 * for what a command really costs: 1 GiB in all (a linear 3840x2160
 * XRGB copy costs about 20000 units, a tenth of it).  It may also take
 * at most w->time_limit_ns of the GPU
 * thread's CPU time (the x-watchdog-ms property, 100 ms by default; CPU
 * time, so a worker the host did not schedule is not blamed).  Whichever
 * ends first stops it, and the engine hangs until the guest resets it.  The time bound
 * is what bounds legitimate work; the budget stops cheap endless loops
 * sooner.  Together they say how long one workload can hold the GPU from
 * the other vGPUs of the process, and how long stopping the VM (which
 * drains the GPU holding the BQL) can wait for it.
 *
 * 100 ms is chosen against i915's own hang detection (Debian's kernels:
 * CONFIG_DRM_I915_PREEMPT_TIMEOUT=640, CONFIG_DRM_I915_HEARTBEAT_INTERVAL
 * =2500): bare metal resets an engine whose context does not yield within
 * 640 ms of a preemption request, and a GVT-g guest, which gets no
 * preemption, resets it after its heartbeat has gone unanswered for
 * several 2.5 s intervals.  A workload stopped at 100 ms is one either
 * kernel would consider hung long after; the vGPUs sharing the GPU are
 * delayed by at most that per workload, far below their own heartbeat.
 * The software GPU runs natively: the largest legitimate workloads (a
 * few blits of a 4K frame) take a few milliseconds each.
 */
#define IGVT_SOFT_BUDGET        (256 * 1024)
#define IGVT_SOFT_SLICE_NS      (1 * SCALE_MS)
/* GPU-written pages a workload remembers; past that, all of them count */
#define IGVT_SOFT_WRITTEN_MAX   4096
/* ... and of batches entered (past it, each entry fetches a new copy) */
#define IGVT_SOFT_ENTERED_MAX   4096
#define IGVT_SOFT_UNIT_BYTES    4096
/* Look at the clock after this many units (a system call each time) */
#define IGVT_SOFT_CLOCK_UNITS   64

/* The GPRs of the workload's register state (offsets from the engine) */
#define IGVT_SOFT_GPR_END       IGVT_RING_GPR(IGVT_ALU_GPRS)
/* Register offsets in register commands: bits 22:2 */
#define IGVT_SOFT_REG_MASK      0x007ffffcu
/* The timestamp's rate, 12 MHz: ticks of @ns nanoseconds */
static inline uint64_t igvt_soft_ticks(int64_t ns)
{
    return (uint64_t)ns * 3 / 250;
}

bool igvt_soft_fail(IgvtSoftExec *x, const char *why, uint64_t addr)
{
    x->why = why;
    x->why_addr = addr;
    return false;
}

/* CPU time of the calling (GPU) thread */
static int64_t igvt_soft_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/*
 * Charge @units of work (see IGVT_SOFT_BUDGET) done for the command or
 * memory at @addr; false once the workload must stop: the watchdog, or an
 * engine reset asked it to.
 */
bool igvt_soft_charge(IgvtSoftExec *x, uint64_t units, uint64_t addr)
{
    uint64_t limit = x->w->time_limit_ns;

    if (qatomic_read(&x->w->cancel)) {
        return igvt_soft_fail(x, igvt_mem_strerror(IGVT_MEM_STOPPED), addr);
    }
    if (x->budget < units) {
        x->budget = 0;
        return igvt_soft_fail(x, "watchdog: the workload does too much work",
                              addr);
    }
    x->budget -= units;
    x->clock_units += units;
    if (x->clock_units >= IGVT_SOFT_CLOCK_UNITS) {
        x->clock_units = 0;
        x->cpu_now_ns = igvt_soft_cpu_ns();
        if (limit && x->cpu_now_ns - x->cpu_arb_ns > limit) {
            x->budget = 0;
            return igvt_soft_fail(x, "watchdog: the workload runs too long",
                                  addr);
        }
    }
    return true;
}

/* The units @bytes of memory traffic cost */
uint64_t igvt_soft_bytes(uint64_t bytes)
{
    return DIV_ROUND_UP(bytes, IGVT_SOFT_UNIT_BYTES);
}

/*
 * Every access the software GPU makes to memory: charged, and stopped
 * between pages by an engine reset.
 */
bool igvt_soft_mem(IgvtSoftExec *x, bool ggtt, uint64_t addr,
                          void *buf, size_t len, bool is_write)
{
    IgvtWorkload *w = x->w;
    const char *why = NULL;

    if (!igvt_soft_charge(x, 1 + igvt_soft_bytes(len), addr)) {
        return false;
    }
    if (igvt_gpu_mem_rw(&x->mem, w->pml4, ggtt, addr, buf, len, is_write,
                        &w->cancel, &why) != IGVT_MEM_OK) {
        return igvt_soft_fail(x, why, addr);
    }
    return true;
}

/* Immediate data of a store: where it starts in the command */
static unsigned igvt_soft_store_data(uint32_t opcode)
{
    switch (opcode) {
    case IGVT_MI_STORE_DATA_IMM:
    case IGVT_MI_FLUSH_DW:
        return 3;
    case IGVT_PIPE_CONTROL:
        return 4;
    default:
        return 0;
    }
}

/* A post-sync or immediate store: a dword or a qword the command carries */
static bool igvt_soft_store(IgvtSoftExec *x, const IgvtCmdInfo *ci,
                            unsigned data)
{
    IgvtWorkload *w = x->w;
    unsigned dwords = MIN(MIN(DIV_ROUND_UP(ci->size, 4), 2), ci->len - data);
    uint32_t le[2] = { cpu_to_le32(ci->dw[data]),
                       dwords > 1 ? cpu_to_le32(ci->dw[data + 1]) : 0 };
    bool ggtt = ci->flags & IGVT_CMDF_GGTT;
    uint64_t addr = ci->addr;

    if (ci->flags & IGVT_CMDF_HWSP_INDEX) {
        /* Store-index commands write the context's own status page */
        addr += w->lrca;
        ggtt = true;
    }
    trace_igvt_soft_store(ggtt, addr, dwords, ci->dw[data]);
    return igvt_soft_mem(x, ggtt, addr, le, dwords * 4, true);
}

/*
 * The workload's registers (see the header comment): an absolute MMIO
 * offset's value as this workload last wrote it, else 0.
 */
uint32_t igvt_soft_reg_read(IgvtSoftExec *x, uint32_t reg)
{
    uint32_t rel = reg - x->mmio_base;
    uint64_t ticks;

    if (rel >= IGVT_RING_GPR_BASE && rel < IGVT_SOFT_GPR_END) {
        rel -= IGVT_RING_GPR_BASE;
        return x->gpr[rel / 8] >> (rel % 8 ? 32 : 0);
    }
    if (rel == IGVT_RING_TIMESTAMP || rel == IGVT_RING_TIMESTAMP + 4) {
        ticks = igvt_soft_ticks(get_clock());
        return ticks >> (rel == IGVT_RING_TIMESTAMP ? 0 : 32);
    }
    if (rel == IGVT_RING_CTX_TIMESTAMP) {
        return igvt_soft_ticks(get_clock() - x->start_ns);
    }
    if (!x->regs) {
        return 0;
    }
    return GPOINTER_TO_UINT(g_hash_table_lookup(x->regs,
                                                GUINT_TO_POINTER(reg)));
}

static uint64_t igvt_soft_reg_read64(IgvtSoftExec *x, uint32_t reg)
{
    return igvt_soft_reg_read(x, reg) |
           (uint64_t)igvt_soft_reg_read(x, reg + 4) << 32;
}

static void igvt_soft_reg_write(IgvtSoftExec *x, uint32_t reg, uint32_t v)
{
    uint32_t rel = reg - x->mmio_base;
    uint32_t mask, old;

    trace_igvt_soft_reg_write(reg, v);
    if (rel >= IGVT_RING_GPR_BASE && rel < IGVT_SOFT_GPR_END) {
        rel -= IGVT_RING_GPR_BASE;
        x->gpr[rel / 8] = deposit64(x->gpr[rel / 8], rel % 8 ? 32 : 0, 32, v);
        return;
    }
    if (reg == IGVT_BCS_SWCTRL && x->w->engine == IGVT_ENGINE_BCS) {
        /* A masked register: bits 31:16 say which of bits 15:0 change */
        mask = (v >> 16) & IGVT_BCS_SWCTRL_BITS;
        old = v;
        v = (igvt_soft_reg_read(x, reg) & ~mask) | (v & mask);
        trace_igvt_soft_bcs_swctrl(old, v);
    }
    if (!x->regs) {
        x->regs = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_insert(x->regs, GUINT_TO_POINTER(reg), GUINT_TO_POINTER(v));
}

/* MI_LOAD_REGISTER_IMM/MEM/REG and MI_STORE_REGISTER_MEM */
static bool igvt_soft_reg_cmd(IgvtSoftExec *x, const IgvtCmdInfo *ci)
{
    bool ggtt = ci->flags & IGVT_CMDF_GGTT;
    uint32_t i, le;

    switch (ci->opcode) {
    case IGVT_MI_LOAD_REGISTER_IMM:
        for (i = 1; i + 1 < ci->len; i += 2) {
            igvt_soft_reg_write(x, ci->dw[i] & IGVT_SOFT_REG_MASK,
                                ci->dw[i + 1]);
        }
        return true;
    case IGVT_MI_LOAD_REGISTER_MEM:
        if (ci->len < 4) {
            return igvt_soft_fail(x, "MI_LOAD_REGISTER_MEM too short",
                                  ci->addr);
        }
        if (!igvt_soft_mem(x, ggtt, ci->addr, &le, 4, false)) {
            return false;
        }
        igvt_soft_reg_write(x, ci->dw[1] & IGVT_SOFT_REG_MASK,
                            le32_to_cpu(le));
        return true;
    case IGVT_MI_LOAD_REGISTER_REG:
        if (ci->len < 3) {
            return igvt_soft_fail(x, "MI_LOAD_REGISTER_REG too short", 0);
        }
        igvt_soft_reg_write(x, ci->dw[2] & IGVT_SOFT_REG_MASK,
                            igvt_soft_reg_read(x, ci->dw[1] &
                                                  IGVT_SOFT_REG_MASK));
        return true;
    case IGVT_MI_STORE_REGISTER_MEM:
        if (ci->len < 4) {
            return igvt_soft_fail(x, "MI_STORE_REGISTER_MEM too short",
                                  ci->addr);
        }
        le = cpu_to_le32(igvt_soft_reg_read(x, ci->dw[1] &
                                               IGVT_SOFT_REG_MASK));
        trace_igvt_soft_store(ggtt, ci->addr, 1, le32_to_cpu(le));
        return igvt_soft_mem(x, ggtt, ci->addr, &le, 4, true);
    default:
        return true;
    }
}

/* MI_MATH on the workload's GPRs; a refused instruction is a GPU fault */
static bool igvt_soft_math(IgvtSoftExec *x, const IgvtCmdInfo *ci,
                           uint64_t addr)
{
    IgvtAluStatus st;
    uint32_t bad = 0;

    st = igvt_alu_run(x->gpr, ci->dw + 1, ci->len - 1, &bad);
    if (st != IGVT_ALU_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "igvt: %s: %s (0x%08x at 0x%" PRIx64
                      ")\n", igvt_engine_name(x->w->engine),
                      igvt_alu_strerror(st), ci->dw[1 + bad], addr);
        return igvt_soft_fail(x, igvt_alu_strerror(st), addr);
    }
    return true;
}

/* MI_PREDICATE: MI_PREDICATE_RESULT from MI_PREDICATE_SRC0/1 */
static bool igvt_soft_predicate(IgvtSoftExec *x, const IgvtCmdInfo *ci,
                                uint64_t addr)
{
    bool result;

    if (!igvt_predicate_eval(ci->dw[0],
                             igvt_soft_reg_read64(x, IGVT_MI_PREDICATE_SRC0),
                             igvt_soft_reg_read64(x, IGVT_MI_PREDICATE_SRC1),
                             igvt_soft_reg_read(x, IGVT_MI_PREDICATE_RESULT) & 1,
                             &result)) {
        qemu_log_mask(LOG_UNIMP, "igvt: %s: MI_PREDICATE 0x%08x: only the "
                      "TRUE, FALSE and SRCS_EQUAL compares with KEEP, LOAD "
                      "or LOADINV are executed\n",
                      igvt_engine_name(x->w->engine), ci->dw[0]);
        return igvt_soft_fail(x, "MI_PREDICATE operation not executed",
                              addr);
    }
    igvt_soft_reg_write(x, IGVT_MI_PREDICATE_RESULT, result);
    return true;
}

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END: whether the current batch ends here
 * (*ends); false on a fault.
 */
static bool igvt_soft_cond_bbe(IgvtSoftExec *x, const IgvtCmdInfo *ci,
                               const IgvtCmdBuf *b, uint64_t addr, bool *ends)
{
    IgvtWorkload *w = x->w;
    bool refused;
    uint32_t le;

    *ends = false;
    if (b->level == IGVT_LEVEL_RING) {
        return igvt_soft_fail(x, "MI_CONDITIONAL_BATCH_BUFFER_END in a ring",
                              addr);
    }
    if (ci->len < 4) {
        return igvt_soft_fail(x, "MI_CONDITIONAL_BATCH_BUFFER_END too short",
                              addr);
    }
    if (!(ci->dw[0] & IGVT_COND_BBE_COMPARE)) {
        return true;
    }
    if (!igvt_soft_mem(x, ci->flags & IGVT_CMDF_GGTT, ci->addr, &le, 4,
                       false)) {
        return false;
    }
    *ends = igvt_cond_bbe_ends(ci->dw[0], ci->dw[1], le32_to_cpu(le),
                               &refused);
    if (refused) {
        qemu_log_mask(LOG_UNIMP, "igvt: %s: MI_CONDITIONAL_BATCH_BUFFER_END "
                      "compare mask mode is not executed\n",
                      igvt_engine_name(w->engine));
        return igvt_soft_fail(x, "MI_CONDITIONAL_BATCH_BUFFER_END compare "
                              "mask mode not executed", addr);
    }
    return true;
}

/* The guest DMA of a workload, remembering which pages the GPU wrote */
static IgvtMemStatus igvt_soft_dma(void *opaque, uint64_t addr, void *buf,
                                   uint64_t len, bool is_write,
                                   const bool *stop)
{
    IgvtSoftExec *x = opaque;
    uint64_t page;

    if (is_write && len && !x->written_all) {
        for (page = addr / IGVT_GTT_PAGE_SIZE;
             page <= (addr + len - 1) / IGVT_GTT_PAGE_SIZE; page++) {
            if (g_hash_table_size(x->written) >= IGVT_SOFT_WRITTEN_MAX) {
                x->written_all = true;
                break;
            }
            g_hash_table_add(x->written, (gpointer)(uintptr_t)(page + 1));
        }
    }
    return x->w->dma.rw(x->w->dma.opaque, addr, buf, len, is_write, stop);
}

/* Did this workload write a page of @b? */
static bool igvt_soft_written(IgvtSoftExec *x, const IgvtCmdBuf *b)
{
    uint64_t addr, end = b->addr + (uint64_t)b->len * 4, dma;
    const char *why;

    if (!g_hash_table_size(x->written) && !x->written_all) {
        return false;
    }
    if (x->written_all) {
        return true;
    }
    for (addr = b->addr & ~(uint64_t)(IGVT_GTT_PAGE_SIZE - 1); addr < end;
         addr += IGVT_GTT_PAGE_SIZE) {
        if (igvt_gpu_mem_dma_addr(&x->mem, x->w->pml4, !b->ppgtt, addr, &dma,
                                  &why) &&
            g_hash_table_contains(x->written, (gpointer)(uintptr_t)
                                  (dma / IGVT_GTT_PAGE_SIZE + 1))) {
            return true;
        }
    }
    return false;
}

/* A batch as a key of x->entered */
static gpointer igvt_soft_batch_key(uint64_t addr, bool ppgtt, uint8_t level)
{
    return (gpointer)(uintptr_t)((addr & ~(uint64_t)3) | ppgtt << 1 |
                                 (level == IGVT_LEVEL_BATCH_2ND));
}

/* Has the workload entered the batch of @key before?  Remember it did */
static bool igvt_soft_entered(IgvtSoftExec *x, gpointer key)
{
    bool before = x->entered_all || g_hash_table_contains(x->entered, key);

    if (!before && g_hash_table_size(x->entered) >= IGVT_SOFT_ENTERED_MAX) {
        x->entered_all = true;
    } else if (!before) {
        g_hash_table_add(x->entered, key);
    }
    return before;
}

static void igvt_soft_cmdbuf_free(IgvtCmdBuf *b)
{
    if (b) {
        g_free(b->dw);
        g_free(b);
    }
}

/*
 * Frame @f runs @buf from its start (@copy: @buf, fetched while running,
 * which the frame now owns); a copy it owned is freed
 */
static void igvt_soft_frame_set(IgvtSoftFrame *f, const IgvtCmdBuf *buf,
                                IgvtCmdBuf *copy)
{
    igvt_soft_cmdbuf_free(f->copy);
    f->buf = buf;
    f->copy = copy;
    f->pos = 0;
}

/* The engine leaves the innermost buffer */
static void igvt_soft_pop(IgvtSoftExec *x)
{
    IgvtSoftFrame *f = &x->stack[--x->depth];

    igvt_soft_cmdbuf_free(f->copy);
    *f = (IgvtSoftFrame) { };
}

/*
 * The audited copy of the batch a MI_BATCH_BUFFER_START enters: the one
 * prepared with the workload the first time, unless the GPU has written
 * to it since; a fresh copy, audited again, when the engine comes back to
 * a batch it already ran (so what the CPU wrote there meanwhile runs, as
 * it would on hardware) or the workload wrote it; NULL if refused.  A
 * fresh copy is also returned in *@copy, for the frame that runs it to
 * own: a batch that jumps to itself holds one copy at a time.
 */
static const IgvtCmdBuf *igvt_soft_enter(IgvtSoftExec *x, uint64_t addr,
                                         bool ppgtt, uint8_t level,
                                         IgvtCmdBuf **copy_out)
{
    IgvtWorkload *w = x->w;
    gpointer key = igvt_soft_batch_key(addr, ppgtt, level);
    const IgvtCmdBuf *b = igvt_workload_batch(w, addr, ppgtt, level);
    IgvtBatchFetch f = {
        .mem = &x->mem, .pml4 = w->pml4, .engine = w->engine,
        .slice = &w->slice, .stop = &w->cancel,
    };
    g_autofree IgvtBatchRef *refs = NULL;
    IgvtAuditResult r;
    IgvtRefusal rf;
    IgvtCmdBuf *copy;
    size_t copied;

    *copy_out = NULL;
    if (!igvt_soft_entered(x, key) && b && !igvt_soft_written(x, b)) {
        return b;
    }
    refs = g_new(IgvtBatchRef, IGVT_CMD_MAX_BATCHES_PER_WORKLOAD);
    copy = g_new0(IgvtCmdBuf, 1);
    if (!igvt_batch_fetch(&f, addr, ppgtt, level, IGVT_WORKLOAD_BATCH_MAX,
                          &copied, copy, refs,
                          IGVT_CMD_MAX_BATCHES_PER_WORKLOAD, &r, &rf)) {
        g_free(copy);
        /* What the GPU cannot reach faults; what the audit refuses is so */
        w->refused = rf.audit;
        w->cmd_name = rf.cmd_name;
        w->header = rf.header;
        igvt_soft_fail(x, rf.why, rf.addr);
        return NULL;
    }
    trace_igvt_soft_refetch(igvt_engine_name(w->engine), addr, ppgtt,
                            copied);
    /* Copying and auditing cost what was copied, twice */
    if (!igvt_soft_charge(x, 1 + 2 * igvt_soft_bytes(copied), addr)) {
        igvt_soft_cmdbuf_free(copy);
        return NULL;
    }
    *copy_out = copy;
    return copy;
}

/* Where the engine stopped: the next command of every buffer it is in */
static void igvt_soft_stop_point(IgvtSoftExec *x, IgvtStopPoint *sp)
{
    IgvtWorkload *w = x->w;
    unsigned i;

    sp->ring_head = (w->ring_head + x->stack[0].pos * 4) % w->ring_size;
    sp->depth = x->depth - 1;
    for (i = 1; i < x->depth; i++) {
        sp->bb[i - 1].addr = x->stack[i].buf->addr + x->stack[i].pos * 4;
        sp->bb[i - 1].ppgtt = x->stack[i].buf->ppgtt;
    }
}

typedef enum IgvtSoftTurn {
    IGVT_SOFT_GO_ON,
    IGVT_SOFT_DONE,             /* the ring segment ran */
    IGVT_SOFT_FAULT,            /* x->why */
    IGVT_SOFT_YIELD,            /* at an arbitration point, to go on */
    IGVT_SOFT_STOP,             /* at an arbitration point, stop_req */
} IgvtSoftTurn;

/*
 * An arbitration point: the watchdog starts over; the workload stops if
 * asked to (preempted, the VM stops) or yields once its turn is used up
 */
static IgvtSoftTurn igvt_soft_arbitrate(IgvtSoftExec *x)
{
    x->cpu_now_ns = igvt_soft_cpu_ns();
    x->cpu_arb_ns = x->cpu_now_ns;
    x->budget = IGVT_SOFT_BUDGET;
    x->clock_units = 0;
    if (qatomic_read(&x->w->stop_req)) {
        return IGVT_SOFT_STOP;
    }
    if (x->cpu_now_ns - x->cpu_turn_ns > IGVT_SOFT_SLICE_NS) {
        return IGVT_SOFT_YIELD;
    }
    return IGVT_SOFT_GO_ON;
}

/*
 * A MI_BATCH_BUFFER_START of @ci at level @cur of the stack.  From the
 * ring a batch is a call; inside a batch, a second-level start is a call
 * and a first-level one a jump that replaces the current batch.
 */
static IgvtSoftTurn igvt_soft_bb_start(IgvtSoftExec *x, const IgvtCmdInfo *ci)
{
    IgvtSoftFrame *f = &x->stack[x->depth - 1];
    const IgvtCmdBuf *b = f->buf, *next;
    IgvtCmdBuf *copy;
    bool call = b->level == IGVT_LEVEL_RING || (ci->flags & IGVT_CMDF_BB_2ND);
    uint8_t level = b->level == IGVT_LEVEL_RING ? IGVT_LEVEL_BATCH :
                    call ? IGVT_LEVEL_BATCH_2ND : b->level;
    bool ppgtt = b->level == IGVT_LEVEL_RING ?
                 !(ci->flags & IGVT_CMDF_GGTT) : b->ppgtt;

    f->pos += ci->len;
    if ((ci->flags & IGVT_CMDF_BB_PREDICATED) &&
        !(igvt_soft_reg_read(x, IGVT_MI_PREDICATE_RESULT_1) & 1)) {
        /* Predicated off: the command is ignored */
        return IGVT_SOFT_GO_ON;
    }
    next = igvt_soft_enter(x, ci->addr, ppgtt, level, &copy);
    if (!next) {
        return IGVT_SOFT_FAULT;
    }
    if (call) {
        if (x->depth == IGVT_SOFT_DEPTH) {
            igvt_soft_cmdbuf_free(copy);
            igvt_soft_fail(x, "batch buffers nested too deep", ci->addr);
            return IGVT_SOFT_FAULT;
        }
        f = &x->stack[x->depth++];
    }
    /* A jump leaves the batch @ci is in: nothing reads @ci after this */
    igvt_soft_frame_set(f, next, copy);
    return IGVT_SOFT_GO_ON;
}

/* Run one command of the innermost buffer */
static IgvtSoftTurn igvt_soft_step(IgvtSoftExec *x)
{
    IgvtSoftFrame *f = &x->stack[x->depth - 1];
    const IgvtCmdBuf *b = f->buf;
    const char *engine = igvt_engine_name(x->w->engine);
    uint64_t addr = b->addr + f->pos * 4;
    IgvtSoftTurn turn;
    IgvtCmdError err;
    IgvtCmdInfo ci;
    unsigned data;
    bool ends = false;

    if (f->pos >= b->len) {
        /* Ran off the copy's end: the ring segment, or an audited end */
        ends = true;
    } else if (!igvt_cmd_decode(x->w->engine, b->dw + f->pos,
                                b->len - f->pos, &ci, &err)) {
        igvt_soft_fail(x, igvt_cmd_strerror(err), addr);
        return IGVT_SOFT_FAULT;
    } else if (ci.flags & (IGVT_CMDF_BB_END | IGVT_CMDF_BB_START) ||
               ci.opcode == IGVT_MI_ARB_CHECK) {
        /* Arbitration points: stopping here starts with this command */
        turn = igvt_soft_arbitrate(x);
        if (turn != IGVT_SOFT_GO_ON) {
            return turn;
        }
        ends = ci.flags & IGVT_CMDF_BB_END;
    }
    if (ends) {
        if (x->depth == 1) {
            return IGVT_SOFT_DONE;
        }
        igvt_soft_pop(x);
        return IGVT_SOFT_GO_ON;
    }
    /* A unit per command, more for long ones (MI_MATH, LRI) */
    if (!igvt_soft_charge(x, igvt_soft_bytes(ci.len * 4), addr)) {
        return IGVT_SOFT_FAULT;
    }
    trace_igvt_soft_cmd(engine, ci.name, ci.dw[0], ci.flags, ci.addr,
                        ci.size, ci.len);
    x->user_irq |= !!(ci.flags & IGVT_CMDF_NOTIFY);
    if (ci.flags & IGVT_CMDF_BB_START) {
        return igvt_soft_bb_start(x, &ci);
    }
    f->pos += ci.len;
    if ((ci.dw[0] >> 29) == 2) {
        /* Blitter: in the buffer's own address space */
        return igvt_soft_blt(x, &ci, b->ppgtt) ? IGVT_SOFT_GO_ON :
                                                 IGVT_SOFT_FAULT;
    }
    switch (ci.opcode) {
    case IGVT_MI_LOAD_REGISTER_IMM:
    case IGVT_MI_LOAD_REGISTER_MEM:
    case IGVT_MI_LOAD_REGISTER_REG:
    case IGVT_MI_STORE_REGISTER_MEM:
        return igvt_soft_reg_cmd(x, &ci) ? IGVT_SOFT_GO_ON : IGVT_SOFT_FAULT;
    case IGVT_MI_MATH:
        return igvt_soft_math(x, &ci, addr) ? IGVT_SOFT_GO_ON :
                                              IGVT_SOFT_FAULT;
    case IGVT_MI_PREDICATE:
        return igvt_soft_predicate(x, &ci, addr) ? IGVT_SOFT_GO_ON :
                                                   IGVT_SOFT_FAULT;
    case IGVT_MI_CONDITIONAL_BATCH_BUFFER_END:
        /* Its operand is read now: what the CPU or GPU wrote counts */
        if (!igvt_soft_cond_bbe(x, &ci, b, addr, &ends)) {
            return IGVT_SOFT_FAULT;
        }
        if (ends) {
            igvt_soft_pop(x);
        }
        return IGVT_SOFT_GO_ON;
    default:
        break;
    }
    data = igvt_soft_store_data(ci.opcode);
    if ((ci.flags & IGVT_CMDF_MEM_WRITE) && data && ci.size &&
        data < ci.len && !igvt_soft_store(x, &ci, data)) {
        return IGVT_SOFT_FAULT;
    }
    /* Everything else (state, arbitration): no effect */
    return IGVT_SOFT_GO_ON;
}

static void igvt_soft_exec_free(void *opaque)
{
    IgvtSoftExec *x = opaque;
    unsigned i;

    if (x->regs) {
        g_hash_table_destroy(x->regs);
    }
    for (i = 0; i < IGVT_SOFT_DEPTH; i++) {
        igvt_soft_cmdbuf_free(x->stack[i].copy);
    }
    g_hash_table_destroy(x->entered);
    g_hash_table_destroy(x->written);
    g_free(x);
}

/* The registers the context image keeps, as the workload's image held them */
static void igvt_soft_load_regs(IgvtSoftExec *x)
{
    IgvtWorkload *w = x->w;

    QEMU_BUILD_BUG_ON(IGVT_CTX_GPRS != IGVT_ALU_GPRS);
    memcpy(x->gpr, w->gpr, sizeof(x->gpr));
    if (w->predicate_result_1) {
        igvt_soft_reg_write(x, IGVT_MI_PREDICATE_RESULT_1,
                            w->predicate_result_1);
    }
}

/* ... and back into the workload, for the image, if they changed */
static void igvt_soft_save_regs(IgvtSoftExec *x)
{
    IgvtWorkload *w = x->w;
    uint32_t p1 = w->engine == IGVT_ENGINE_RCS ?
                  igvt_soft_reg_read(x, IGVT_MI_PREDICATE_RESULT_1) : 0;

    if (memcmp(w->gpr, x->gpr, sizeof(x->gpr)) ||
        p1 != w->predicate_result_1) {
        memcpy(w->gpr, x->gpr, sizeof(w->gpr));
        w->predicate_result_1 = p1;
        w->regs_dirty = true;
    }
}

/* The execution of @w: from its start, or the batches it resumes in */
static IgvtSoftExec *igvt_soft_exec_new(IgvtBackend *be, IgvtWorkload *w)
{
    IgvtSoftExec *x = g_new0(IgvtSoftExec, 1);
    unsigned i;

    x->w = w;
    x->ggtt = (IgvtSoftGgtt) { .gpu = be->opaque, .slice = &w->slice };
    x->mem = (IgvtGpuMem) {
        .ggtt = igvt_soft_ggtt_lookup,
        .ggtt_opaque = &x->ggtt,
        .dma = { .rw = igvt_soft_dma, .opaque = x },
    };
    x->entered = g_hash_table_new(NULL, NULL);
    x->written = g_hash_table_new(NULL, NULL);
    x->mmio_base = igvt_engine_mmio_base(w->engine);
    igvt_soft_load_regs(x);
    x->start_ns = get_clock();
    x->stack[0] = (IgvtSoftFrame) { .buf = &w->ring };
    x->depth = 1;
    for (i = 0; i < w->nr_resume && w->resume[i] >= 0; i++) {
        const IgvtCmdBuf *b = &g_array_index(w->batches, IgvtCmdBuf,
                                             w->resume[i]);

        x->stack[x->depth++] = (IgvtSoftFrame) { .buf = b };
        igvt_soft_entered(x, igvt_soft_batch_key(b->addr, b->ppgtt,
                                                 b->level));
    }
    return x;
}

/*
 * Run a turn of @w on the calling (worker) thread: until it ends, faults,
 * or yields or stops at an arbitration point; then report it.
 */
static void igvt_soft_submit(IgvtBackend *b, IgvtWorkload *w)
{
    IgvtSoftExec *x = w->exec;
    IgvtSoftTurn turn;

    if (!x) {
        x = igvt_soft_exec_new(b, w);
        w->exec = x;
        w->exec_free = igvt_soft_exec_free;
        trace_igvt_soft_exec(igvt_engine_name(w->engine), w->lrca,
                             w->ring.len, w->batches->len);
    }
    x->cpu_turn_ns = x->cpu_arb_ns = x->cpu_now_ns = igvt_soft_cpu_ns();
    x->budget = IGVT_SOFT_BUDGET;
    x->clock_units = 0;
    w->yielded = w->interrupted = false;
    do {
        turn = igvt_soft_step(x);
    } while (turn == IGVT_SOFT_GO_ON);

    w->ok = turn == IGVT_SOFT_DONE;
    w->yielded = turn == IGVT_SOFT_YIELD;
    w->interrupted = turn == IGVT_SOFT_STOP;
    if (w->yielded || w->interrupted) {
        igvt_soft_stop_point(x, &w->stop_at);
    }
    if (turn == IGVT_SOFT_FAULT) {
        w->why = x->why;
        w->addr = x->why_addr;
    }
    w->user_irq |= x->user_irq;
    x->user_irq = false;
    igvt_soft_save_regs(x);
    trace_igvt_soft_turn(igvt_engine_name(w->engine), w->lrca, turn);
    igvt_backend_done(w);
}

const IgvtBackendOps igvt_backend_soft_ops = {
    .kind = IGVT_BACKEND_KIND_SOFT,
    .open = igvt_soft_open,
    .close = igvt_soft_close,
    .ggtt_set_range = igvt_soft_ggtt_set_range,
    .submit = igvt_soft_submit,
};
