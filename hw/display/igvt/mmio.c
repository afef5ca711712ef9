/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the MMIO register file (BAR0, first 2 MiB).
 *
 * Every access is dispatched through the register table (reg-table.c):
 * tracked registers get their flags applied (read-only bits, write-1-to-
 * clear, masked writes) and their handler called; untracked offsets behave
 * as plain virtual registers and are traced and counted.  Accesses are
 * split into naturally aligned dwords; anything else is a guest error.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/bswap.h"
#include "igvt.h"
#include "trace.h"

/* offset / 4 -> index + 1 into igvt_reg_table, 0 for untracked */
static uint16_t *igvt_reg_index;

void igvt_mmio_class_init(void)
{
    size_t i;
    uint32_t off;

    if (igvt_reg_index) {
        return;
    }
    igvt_reg_index = g_new0(uint16_t, IGVT_NUM_REGS);
    g_assert(igvt_reg_table_size < UINT16_MAX);
    for (i = 0; i < igvt_reg_table_size; i++) {
        const IgvtRegInfo *r = &igvt_reg_table[i];

        g_assert(r->offset % 4 == 0 && r->size % 4 == 0 && r->size &&
                 r->offset + r->size <= IGVT_MMIO_SIZE);
        for (off = r->offset; off < r->offset + r->size; off += 4) {
            /* A register declared twice is a bug in the table */
            g_assert(!igvt_reg_index[off >> 2]);
            igvt_reg_index[off >> 2] = i + 1;
        }
    }
}

const IgvtRegInfo *igvt_reg_lookup(uint32_t offset)
{
    uint16_t i;

    if (offset >= IGVT_MMIO_SIZE) {
        return NULL;
    }
    i = igvt_reg_index[offset >> 2];
    return i ? &igvt_reg_table[i - 1] : NULL;
}

void igvt_mmio_reset(IgvtState *s)
{
    size_t i;
    uint32_t off;

    memset(s->regs, 0, sizeof(s->regs));
    for (i = 0; i < igvt_reg_table_size; i++) {
        const IgvtRegInfo *r = &igvt_reg_table[i];

        for (off = r->offset; off < r->offset + r->size; off += 4) {
            igvt_reg_set(s, off, r->reset);
        }
    }
}

/* A register whose bits clear themselves once written (they take effect) */
uint32_t igvt_reg_self_clear(IgvtState *s, uint32_t offset, uint32_t old,
                             uint32_t val)
{
    return 0;
}

void igvt_enter_failsafe(IgvtState *s, IgvtFailsafeReason reason)
{
    if (s->failsafe) {
        return;
    }
    /* GGTT entries written before still reach the backend */
    igvt_gtt_flush(s);
    s->failsafe = true;
    s->failsafe_reason = reason;
    trace_igvt_failsafe(IgvtFailsafeReason_str(reason));
    qemu_log_mask(LOG_GUEST_ERROR, "igvt: vGPU enters failsafe mode: %s\n",
                  IgvtFailsafeReason_str(reason));
}

static uint32_t igvt_reg_read32(IgvtState *s, uint32_t offset)
{
    const IgvtRegInfo *r = igvt_reg_lookup(offset);
    uint32_t val;

    if (!r) {
        s->counters.mmio_untracked++;
        val = igvt_reg(s, offset);
        trace_igvt_mmio_untracked_read(offset, 4, val);
        return val;
    }
    val = r->read ? r->read(s, offset) : igvt_reg(s, offset);
    trace_igvt_mmio_read(r->name, offset, val);
    return val;
}

/*
 * Write @val to the dword at @offset; @enable marks the bytes the guest
 * actually wrote (a sub-dword access writes only some of them).
 */
static void igvt_reg_write32(IgvtState *s, uint32_t offset, uint32_t val,
                             uint32_t enable)
{
    const IgvtRegInfo *r = igvt_reg_lookup(offset);
    uint32_t old = igvt_reg(s, offset);
    uint32_t new;

    if (!r) {
        s->counters.mmio_untracked++;
        trace_igvt_mmio_untracked_write(offset, 4, val);
        igvt_reg_set(s, offset, (old & ~enable) | (val & enable));
        return;
    }
    trace_igvt_mmio_write(r->name, offset, val);
    if (r->flags & IGVT_REG_RO) {
        IGVT_GUEST_ERR(igvt_err_mmio_ro, "write 0x%x to read-only %s (0x%x)",
                       val, r->name, offset);
        return;
    }
    if (r->flags & IGVT_REG_MASKED) {
        /* The upper half says which bits of the lower half to change */
        uint32_t mask = (val >> 16) & (enable >> 16) & enable;

        new = (old & ~mask) | (val & mask);
        new &= 0xffff;
    } else {
        new = (old & ~enable) | (val & enable);
    }
    /* Write-1-to-clear bits: a 1 written clears, a 0 keeps */
    new = (new & ~r->w1c_mask) | (old & ~(val & enable) & r->w1c_mask);
    new = (new & ~r->ro_mask) | (old & r->ro_mask);
    if (r->pre_write) {
        new = r->pre_write(s, offset, old, new);
    }
    igvt_reg_set(s, offset, new);
    if (r->write) {
        r->write(s, offset, old, new);
    }
}

static bool igvt_mmio_access_ok(IgvtState *s, hwaddr addr, unsigned size,
                                bool is_write)
{
    if ((addr & (size - 1)) || addr + size > IGVT_MMIO_SIZE) {
        s->counters.mmio_invalid++;
        IGVT_GUEST_ERR(igvt_err_mmio_unaligned,
                       "unaligned %u-byte %s at 0x%" HWADDR_PRIx,
                       size, is_write ? "write" : "read", addr);
        return false;
    }
    return true;
}

static uint64_t igvt_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IgvtState *s = opaque;
    uint64_t val;
    uint32_t dw;

    if (igvt_vga_lfb_access(s, addr, &val, size, false)) {
        return val;
    }
    igvt_gtt_flush(s);
    s->counters.mmio_reads++;
    if (!igvt_mmio_access_ok(s, addr, size, false)) {
        return 0;
    }
    if (size == 8) {
        return igvt_reg_read32(s, addr) |
               (uint64_t)igvt_reg_read32(s, addr + 4) << 32;
    }
    dw = igvt_reg_read32(s, addr & ~3);
    return extract32(dw, (addr & 3) * 8, size * 8);
}

static void igvt_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    IgvtState *s = opaque;
    unsigned shift = (addr & 3) * 8;

    if (igvt_vga_lfb_access(s, addr, &val, size, true)) {
        return;
    }
    igvt_gtt_flush(s);
    s->counters.mmio_writes++;
    if (!igvt_mmio_access_ok(s, addr, size, true)) {
        return;
    }
    if (size == 8) {
        igvt_reg_write32(s, addr, val, UINT32_MAX);
        igvt_reg_write32(s, addr + 4, val >> 32, UINT32_MAX);
        return;
    }
    igvt_reg_write32(s, addr & ~3, val << shift,
                     MAKE_64BIT_MASK(shift, size * 8));
}

const MemoryRegionOps igvt_mmio_ops = {
    .read = igvt_mmio_read,
    .write = igvt_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    IGVT_MMIO_ANY_ACCESS,
};

/* BAR0 between the register file and the GGTT decodes to nothing */
static uint64_t igvt_bar0_hole_read(void *opaque, hwaddr addr, unsigned size)
{
    IgvtState *s = opaque;
    uint64_t val;

    if (igvt_vga_lfb_access(s, addr, &val, size, false)) {
        return val;
    }
    s->counters.mmio_invalid++;
    IGVT_GUEST_ERR(igvt_err_bar0_hole, "%u-byte %s at BAR0 offset 0x%"
                   HWADDR_PRIx " outside registers and GGTT",
                   size, "read", addr);
    return 0;
}

static void igvt_bar0_hole_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
    IgvtState *s = opaque;

    if (igvt_vga_lfb_access(s, addr, &val, size, true)) {
        return;
    }
    s->counters.mmio_invalid++;
    IGVT_GUEST_ERR(igvt_err_bar0_hole, "%u-byte %s at BAR0 offset 0x%"
                   HWADDR_PRIx " outside registers and GGTT",
                   size, "write", addr);
}

const MemoryRegionOps igvt_bar0_hole_ops = {
    .read = igvt_bar0_hole_read,
    .write = igvt_bar0_hole_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    IGVT_MMIO_ANY_ACCESS,
};
