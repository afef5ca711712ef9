/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos driver for igvt-vga: a vGPU driven from the guest's side as a
 * GVT-g aware i915 drives it.  The fixture (QEMU with the device, PCI
 * bring-up, BAR mappings, PVINFO), register and GGTT access, the QMP
 * queries, and the execlist path: engine set-up, context images, ELSP
 * submission and waiting for the CSB.
 *
 * Register offsets come from hw/display/igvt/regs.h, the engines and
 * ports from hwinfo.h (its tables are linked in), command opcodes from
 * cmd-parser.h and soft-alu.h, the context image and status page layout
 * from context.h: the tests share the device's facts, and state their own
 * expectations.
 */

#ifndef LIBQOS_IGVT_H
#define LIBQOS_IGVT_H

#include "../libqtest.h"
#include "pci.h"
#include "qobject/qdict.h"
#include "hw/display/bochs-vbe.h"
#include "hw/display/igvt.h"
#include "hw/display/igvt/regs.h"
#include "hw/display/igvt/cmd-parser.h"
#include "hw/display/igvt/soft-alu.h"
#include "hw/display/igvt/context.h"

/*
 * The machine the tests use (q35 has 128 MiB of RAM by default), and a
 * vGPU with small slices at 00:02.0, the integrated GPU's slot
 */
#define QIGVT_MACHINE       "-machine q35 -nodefaults -vga none "
#define QIGVT_SLICES        "aperture-size=64M,low-gm-size=32M," \
                            "high-gm-size=64M"
#define QIGVT_DEVICE        "-device igvt-vga,addr=02.0," QIGVT_SLICES
#define QIGVT_ARGS          QIGVT_MACHINE QIGVT_DEVICE
/* ... which are these sizes */
#define QIGVT_APERTURE_SIZE (64 * MiB)
#define QIGVT_LOW_GM_SIZE   (32 * MiB)
#define QIGVT_HIGH_GM_SIZE  (64 * MiB)

#define QIGVT_PAGE          IGVT_GTT_PAGE_SIZE

/* Nothing in guest RAM or in any BAR: a 39-bit address near the top */
#define QIGVT_PTE_NOT_RAM   0x7ffffff000ull

typedef struct QIgvt {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar mmio;               /* BAR0: registers, then the GGTT */
    QPCIBar aperture;           /* BAR2, with QIGVT_APERTURE */
    int slot;                   /* on bus 0 */
    char pci_addr[8];           /* "00:02.0", as query-igvt spells it */
    char *qom_path;             /* looked up on first use */
    uint64_t gm;                /* aperture slice base, with QIGVT_PV */
    uint64_t hidden_gm;         /* hidden slice base, with QIGVT_PV */
    uint64_t ram;               /* guest RAM of qigvt_exec_init() */
    bool owner;                 /* qigvt_free() quits QEMU */
} QIgvt;

/* What qigvt_attach() does besides enabling the device and mapping BAR0 */
#define QIGVT_APERTURE      (1u << 0)   /* map BAR2 */
#define QIGVT_PV            (1u << 1)   /* qigvt_pv_init() */
#define QIGVT_FIND_ONLY     (1u << 2)   /* nothing: the device untouched */

/* The vGPU in @slot of @bus, enabled, BAR0 mapped, and what @flags ask */
QIgvt *qigvt_attach(QTestState *qts, QPCIBus *bus, int slot, unsigned flags);
/*
 * Start QEMU with the command line @fmt and attach to the vGPU at 00:02.0;
 * it owns QEMU and the bus, other vGPUs may attach to them
 */
QIgvt *qigvt_startf(unsigned flags, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Release @g; with what it owns, or before its owner */
void qigvt_free(QIgvt *g);

/* Read PVINFO as a GVT-g aware driver does first: the magic, the slices */
void qigvt_pv_init(QIgvt *g);
/* A system reset unmaps the BARs (as on hardware): put them back */
void qigvt_remap(QIgvt *g);
void qigvt_reset(QIgvt *g);

/* BAR0 accesses */
uint8_t qigvt_readb(QIgvt *g, uint64_t off);
uint16_t qigvt_readw(QIgvt *g, uint64_t off);
uint32_t qigvt_readl(QIgvt *g, uint64_t off);
uint64_t qigvt_readq(QIgvt *g, uint64_t off);
void qigvt_writeb(QIgvt *g, uint64_t off, uint8_t v);
void qigvt_writew(QIgvt *g, uint64_t off, uint16_t v);
void qigvt_writel(QIgvt *g, uint64_t off, uint32_t v);
void qigvt_writeq(QIgvt *g, uint64_t off, uint64_t v);
/* ... of @size bytes (1, 2, 4 or 8) */
uint64_t qigvt_read(QIgvt *g, uint64_t off, unsigned size);
void qigvt_write(QIgvt *g, uint64_t off, unsigned size, uint64_t v);
/* BAR2 accesses of @size bytes */
uint64_t qigvt_ap_read(QIgvt *g, uint64_t off, unsigned size);
void qigvt_ap_write(QIgvt *g, uint64_t off, unsigned size, uint64_t v);

/* GGTT entry @index: its offset in BAR0, and 8-byte accesses */
uint64_t qigvt_ggtt_off(uint64_t index);
uint64_t qigvt_ggtt_read(QIgvt *g, uint64_t index);
void qigvt_ggtt_write(QIgvt *g, uint64_t index, uint64_t pte);
/* Map graphics memory [@gm, @gm + @size) to guest RAM from @ram */
void qigvt_ggtt_map(QIgvt *g, uint64_t gm, uint64_t ram, uint64_t size);

/*
 * QMP.  query-igvt's entry of the vGPU (a new reference); its counter
 * @name; its failsafe reason (NULL when not in failsafe mode, else to be
 * freed); the entry of the vGPU at @pci_addr.
 */
QDict *qigvt_query(QIgvt *g);
QDict *qigvt_query_at(QTestState *qts, const char *pci_addr);
int64_t qigvt_counter(QIgvt *g, const char *name);
char *qigvt_failsafe_reason(QIgvt *g);
/* query-igvt-engines: member @key of the vGPU's entry (weight, ...) */
int64_t qigvt_engines_member(QIgvt *g, const char *key);
/*
 * ... and of engine @name's status ("rcs", ...): an integer, a boolean as
 * 0 or 1, -1 when absent; a string member (to be freed), NULL when absent
 */
int64_t qigvt_engine_stat(QIgvt *g, const char *name, const char *key);
char *qigvt_engine_stat_str(QIgvt *g, const char *name, const char *key);
/* query-igvt-display's entry of the vGPU (a new reference) */
QDict *qigvt_query_display(QIgvt *g);
/* QEMU answers, and its VM is running */
void qigvt_assert_running(QTestState *qts);

/*
 * The VGA side: VBE's registers (bochs-vbe.h's VBE_DISPI_INDEX_*), and a
 * 1024x768x32 mode with the linear framebuffer on, which returns the VBE
 * memory size
 */
void qigvt_vbe_write(QTestState *qts, uint16_t index, uint16_t val);
uint16_t qigvt_vbe_read(QTestState *qts, uint16_t index);
uint64_t qigvt_vbe_enable(QTestState *qts);

/*
 * Migrate @src's VM (stopped) through a file to a new QEMU started with
 * @args and "-incoming defer", and return its vGPU: the BARs where the
 * source had them, the same memory layout
 */
QIgvt *qigvt_migrate(QIgvt *src, const char *args);

/*
 * Execution.  The pages a test runs engines in, at the same offsets from
 * the vGPU's aperture slice (QIgvt.gm) and from guest RAM (QIgvt.ram).
 */
#define QIGVT_HWSP          0x1000      /* every engine's status page */
#define QIGVT_LRCA          0x2000      /* context image: PPHWSP, state */
#define QIGVT_RING          0x4000
#define QIGVT_TARGET        0x5000      /* for the commands to write */
#define QIGVT_BATCH         0x6000      /* two pages */
#define QIGVT_EXEC_END      0x8000

/*
 * Map the pages to guest RAM, QIgvt.gm + x to @ram + x, and set up the
 * render engine as i915 does
 */
void qigvt_exec_init(QIgvt *g, uint64_t ram);
/* Execlists on, the status page at QIGVT_HWSP, and qigvt_csb_reset() */
void qigvt_engine_init(QIgvt *g, uint32_t engine);
/* The CSB pointers back to the start, the status page cleared to 0xff */
void qigvt_csb_reset(QIgvt *g, uint32_t engine);
/*
 * A context image at QIGVT_LRCA whose ring at QIGVT_RING holds @cmds
 * (@n, an even number of dwords) from head 0; returns the tail
 */
uint32_t qigvt_put_context(QIgvt *g, const uint32_t *cmds, unsigned n);
/* Dword @dw of the context image's state page */
void qigvt_ctx_write(QIgvt *g, unsigned dw, uint32_t v);
uint32_t qigvt_ctx_read(QIgvt *g, unsigned dw);
/* Submit the context at QIGVT_LRCA, context id @id, alone to @engine */
void qigvt_submit(QIgvt *g, uint32_t engine, uint32_t id);
/* The same for a context image at @lrca and its ring at @ring (offsets) */
uint32_t qigvt_put_context_at(QIgvt *g, uint64_t lrca, uint64_t ring,
                              const uint32_t *cmds, unsigned n);
void qigvt_ctx_write_at(QIgvt *g, uint64_t lrca, unsigned dw, uint32_t v);
uint32_t qigvt_ctx_read_at(QIgvt *g, uint64_t lrca, unsigned dw);
void qigvt_submit_at(QIgvt *g, uint32_t engine, uint64_t lrca, uint32_t id);
/* Dword @dw of the status page: qigvt_hwsp(g, IGVT_HWSP_CSB_WRITE), ... */
uint32_t qigvt_hwsp(QIgvt *g, unsigned dw);
/*
 * The CSB write pointer once it is @want.  The GPU runs in its own
 * thread: poll in real time (each qtest command lets the main loop run
 * completions), giving up after 10 s with what it is then.
 */
uint32_t qigvt_wait_csb(QIgvt *g, uint32_t want);

/*
 * Wait until engine @name (as QMP names it) stalls: its workload hung, and
 * it reports nothing until it is reset.  Gives up after 10 s, returning
 * whether it stalled.
 */
bool qigvt_wait_stall(QIgvt *g, const char *name);
/* Dword @i of QIGVT_TARGET */
uint32_t qigvt_target(QIgvt *g, unsigned i);

/*
 * Command encodings, from the opcodes of cmd-parser.h.  A variable-length
 * command of @len dwords holds @len - 2 in its header.
 */
#define QIGVT_CMD(id, len)      ((id) | ((len) - 2))
#define QIGVT_SDI_GGTT          (QIGVT_CMD(IGVT_MI_STORE_DATA_IMM, 4) | \
                                 IGVT_MI_GGTT)
#define QIGVT_SDI_PPGTT         QIGVT_CMD(IGVT_MI_STORE_DATA_IMM, 4)
#define QIGVT_SDI_QW_PPGTT      (QIGVT_CMD(IGVT_MI_STORE_DATA_IMM, 5) | \
                                 IGVT_MI_SDI_QWORD)
#define QIGVT_BB_START_GGTT     QIGVT_CMD(IGVT_MI_BATCH_BUFFER_START, 3)
#define QIGVT_BB_START_PPGTT    (QIGVT_BB_START_GGTT | IGVT_BB_PPGTT)
#define QIGVT_LRI(n)            QIGVT_CMD(IGVT_MI_LOAD_REGISTER_IMM, \
                                          1 + 2 * (n))
#define QIGVT_SRM_GGTT          (QIGVT_CMD(IGVT_MI_STORE_REGISTER_MEM, 4) | \
                                 IGVT_MI_GGTT)
#define QIGVT_LRM_GGTT          (QIGVT_CMD(IGVT_MI_LOAD_REGISTER_MEM, 4) | \
                                 IGVT_MI_GGTT)
#define QIGVT_LRR               QIGVT_CMD(IGVT_MI_LOAD_REGISTER_REG, 3)
#define QIGVT_MATH(n)           QIGVT_CMD(IGVT_MI_MATH, 1 + (n))
#define QIGVT_UPDATE_GTT        QIGVT_CMD(IGVT_MI_UPDATE_GTT, 3)
#define QIGVT_FLUSH_DW          QIGVT_CMD(IGVT_MI_FLUSH_DW, 4)
#define QIGVT_PIPE_CONTROL      QIGVT_CMD(IGVT_PIPE_CONTROL, 6)
#define QIGVT_COND_BBE_PPGTT    \
    (QIGVT_CMD(IGVT_MI_CONDITIONAL_BATCH_BUFFER_END, 4) | IGVT_COND_BBE_COMPARE)
#define QIGVT_COND_BBE_GGTT     (QIGVT_COND_BBE_PPGTT | IGVT_MI_GGTT)
#define QIGVT_ALU(op, a, b)     IGVT_ALU_INSTR(IGVT_ALU_##op, a, b)

/*
 * The blitter commands' fields (the PRM; i915's intel_gpu_commands.h):
 * XY_* dword 0 write mask (32 bpp: 1 RGB, 2 alpha) and tiling, dword 1
 * (BR13) colour depth, raster operation and pitch; XY_FAST_COPY_BLT's
 * tile types in dword 0 and colour depth in dword 1
 */
#define QIGVT_BLT_WRITE(m)      ((uint32_t)(m) << 20)
#define QIGVT_BLT_DST_TILED     (1u << 11)
#define QIGVT_BLT_SRC_TILED     (1u << 15)
#define QIGVT_BR13_DEPTH(d)     ((uint32_t)(d) << 24)
#define QIGVT_BR13_ROP(r)       ((uint32_t)(r) << 16)
#define QIGVT_BR13(d, r, pitch) (QIGVT_BR13_DEPTH(d) | QIGVT_BR13_ROP(r) | \
                                 (pitch))
#define QIGVT_ROP_PATCOPY       0xf0
#define QIGVT_ROP_SRCCOPY       0xcc
#define QIGVT_FAST_SRC_TILE(t)  ((uint32_t)(t) << 20)
#define QIGVT_FAST_DST_TILE(t)  ((uint32_t)(t) << 13)

/*
 * Registers of the command streamers (regs.h): the general purpose
 * registers (64 bits each), the timestamps, the predicate registers, and
 * the blitter's tiling control (masked: Y tiling of source, destination)
 */
#define QIGVT_GPR(engine, n)    ((engine) + IGVT_RING_GPR(n))
#define QIGVT_TIMESTAMP(engine) ((engine) + IGVT_RING_TIMESTAMP)
#define QIGVT_CTX_TIMESTAMP(engine) ((engine) + IGVT_RING_CTX_TIMESTAMP)
#define QIGVT_PRED_SRC0         IGVT_MI_PREDICATE_SRC0
#define QIGVT_PRED_SRC1         IGVT_MI_PREDICATE_SRC1
#define QIGVT_PRED_RESULT       IGVT_MI_PREDICATE_RESULT
#define QIGVT_PRED_RESULT_1     IGVT_MI_PREDICATE_RESULT_1
#define QIGVT_BCS_SWCTRL        IGVT_BCS_SWCTRL
#define QIGVT_SWCTRL_SRC_Y      IGVT_BCS_SWCTRL_SRC_Y
#define QIGVT_SWCTRL_DST_Y      IGVT_BCS_SWCTRL_DST_Y

/*
 * Surface layouts (the PRM): linear, or tiles of 4 KiB, row-major; an X
 * tile is 8 rows of 512 bytes, a Y tile 8 columns of 16 bytes by 32
 * rows, column after column.  The offset of byte @xb of row @y in a
 * surface of @pitch bytes.  The layouts are letters, for test tables.
 */
typedef enum QIgvtTiling {
    QIGVT_LINEAR = 'L',
    QIGVT_TILE_X = 'X',
    QIGVT_TILE_Y = 'Y',
} QIgvtTiling;

uint64_t qigvt_tiled_offset(QIgvtTiling t, uint64_t pitch, uint64_t xb,
                            uint64_t y);

#endif /* LIBQOS_IGVT_H */
