/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the Gen8+ interrupt tree.
 *
 * Each bank (GT 0-3, display engine pipes A-C, port, misc, PCU and the
 * south display engine) has ISR/IMR/IIR/IER.  An event sets its IIR bit
 * unless masked in IMR; a bank is pending while IIR & IER is non-zero;
 * the master register shows the pending banks and, when its enable bit is
 * set, the device interrupts: one MSI per rising edge of "something is
 * pending" (the guest's handler turns the master off and on again, which
 * gives a new edge if work remains), or INTx when MSI is off.
 */

#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "igvt.h"
#include "regs.h"
#include "trace.h"

typedef struct IgvtIrqBankInfo {
    uint32_t isr;               /* IMR = +4, IIR = +8, IER = +0xc */
    uint32_t master_lo;         /* master bit for IIR bits 15:0 */
    uint32_t master_hi;         /* ... and for bits 31:16 */
} IgvtIrqBankInfo;

#define M(bit) (1u << (bit))

static const IgvtIrqBankInfo igvt_irq_banks[IGVT_IRQ_BANK__MAX] = {
    [IGVT_IRQ_GT0] = { IGVT_GEN8_GT_ISR(0), M(0), M(1) },   /* RCS, BCS */
    [IGVT_IRQ_GT1] = { IGVT_GEN8_GT_ISR(1), M(2), M(3) },   /* VCS0, VCS1 */
    [IGVT_IRQ_GT2] = { IGVT_GEN8_GT_ISR(2), M(4), M(4) },   /* PM */
    [IGVT_IRQ_GT3] = { IGVT_GEN8_GT_ISR(3), M(6), M(6) },   /* VECS */
    [IGVT_IRQ_DE_PIPE_A] = { IGVT_GEN8_DE_PIPE_ISR(0), M(16), M(16) },
    [IGVT_IRQ_DE_PIPE_B] = { IGVT_GEN8_DE_PIPE_ISR(1), M(17), M(17) },
    [IGVT_IRQ_DE_PIPE_C] = { IGVT_GEN8_DE_PIPE_ISR(2), M(18), M(18) },
    [IGVT_IRQ_DE_PORT] = { A_GEN8_DE_PORT_ISR, M(20), M(20) },
    [IGVT_IRQ_DE_MISC] = { A_GEN8_DE_MISC_ISR, M(22), M(22) },
    [IGVT_IRQ_PCH] = { A_SDEISR, M(23), M(23) },
    [IGVT_IRQ_PCU] = { A_GEN8_PCU_ISR, M(30), M(30) },
};

/* The master register's bank bits as they are now */
static uint32_t igvt_irq_pending_banks(IgvtState *s)
{
    uint32_t master = 0;
    int i;

    for (i = 0; i < IGVT_IRQ_BANK__MAX; i++) {
        const IgvtIrqBankInfo *b = &igvt_irq_banks[i];
        uint32_t p = igvt_reg(s, b->isr + 8) & igvt_reg(s, b->isr + 0xc);

        if (p & 0xffff) {
            master |= b->master_lo;
        }
        if (p & 0xffff0000) {
            master |= b->master_hi;
        }
    }
    return master;
}

void igvt_irq_update(IgvtState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    uint32_t banks = igvt_irq_pending_banks(s);
    uint32_t master = igvt_reg(s, A_GEN8_MASTER_IRQ);
    bool level;

    master = (master & R_GEN8_MASTER_IRQ_CONTROL_MASK) | banks;
    igvt_reg_set(s, A_GEN8_MASTER_IRQ, master);
    level = banks && FIELD_EX32(master, GEN8_MASTER_IRQ, CONTROL);

    if (level == s->irq_level) {
        return;
    }
    s->irq_level = level;
    trace_igvt_irq(banks, level);
    if (msi_enabled(dev)) {
        if (level) {
            msi_notify(dev, 0);
        }
    } else {
        pci_set_irq(dev, level);
    }
}

void igvt_irq_raise(IgvtState *s, IgvtIrqBank bank, uint32_t events)
{
    uint32_t isr = igvt_irq_banks[bank].isr;
    uint32_t iir = igvt_reg(s, isr + 8);

    events &= ~igvt_reg(s, isr + 4);
    trace_igvt_irq_raise(bank, events);
    igvt_reg_set(s, isr + 8, iir | events);
    igvt_irq_update(s);
}

void igvt_irq_reg_write(IgvtState *s, uint32_t offset, uint32_t old,
                        uint32_t val)
{
    igvt_irq_update(s);
    /* Pipe vblank interrupts run only while unmasked and enabled */
    igvt_display_update_timers(s);
}
