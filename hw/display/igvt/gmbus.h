/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the GMBUS I2C controller of the south display engine
 * (GMBUS0-GMBUS5 at 0xC5100-0xC5120 on SPT).
 *
 * Pure logic, like aux.h: the register shadows and transfer state are
 * plain fields for VMState, and the controller reaches the monitor's DDC
 * slaves (aux.h's IgvtDdc) through an EDID the device hands in per call.
 */

#ifndef HW_DISPLAY_IGVT_GMBUS_H
#define HW_DISPLAY_IGVT_GMBUS_H

#include "hw/display/igvt/aux.h"

/* Register numbers as the API takes them */
enum {
    IGVT_GMBUS0,                /* 0xC5100 clock and pin pair select */
    IGVT_GMBUS1,                /* 0xC5104 command */
    IGVT_GMBUS2,                /* 0xC5108 status */
    IGVT_GMBUS3,                /* 0xC510C data, 4 bytes, byte 0 lowest */
    IGVT_GMBUS4,                /* 0xC5110 interrupt enables */
    IGVT_GMBUS5,                /* 0xC5120 2-byte index */
    IGVT_GMBUS_NUM_REGS,
};

#define IGVT_GMBUS_BASE                 0xC5100

/* Register number of an MMIO offset, or -1 if it is no GMBUS register */
static inline int igvt_gmbus_reg_index(uint32_t offset)
{
    if (offset >= IGVT_GMBUS_BASE && offset <= IGVT_GMBUS_BASE + 0x10 &&
        !(offset & 3)) {
        return (offset - IGVT_GMBUS_BASE) / 4;
    }
    return offset == IGVT_GMBUS_BASE + 0x20 ? IGVT_GMBUS5 : -1;
}

/* GMBUS0 */
#define IGVT_GMBUS0_PIN_MASK            0x1f
#define IGVT_GMBUS0_BYTE_CNT_OVERRIDE   (1u << 6)
#define IGVT_GMBUS0_HOLD_EXT            (1u << 7)
#define IGVT_GMBUS0_RATE_MASK           (7u << 8)
#define IGVT_GMBUS0_AKSV_SELECT         (1u << 11)
#define IGVT_GMBUS0_MASK                0xfdf

/* GMBUS1 */
#define IGVT_GMBUS1_SW_CLR_INT          (1u << 31)
#define IGVT_GMBUS1_SW_RDY              (1u << 30)
#define IGVT_GMBUS1_ENT                 (1u << 29)
#define IGVT_GMBUS1_CYCLE_MASK          (7u << 25)
#define IGVT_GMBUS1_CYCLE_WAIT          (1u << 25)
#define IGVT_GMBUS1_CYCLE_INDEX         (2u << 25)
#define IGVT_GMBUS1_CYCLE_STOP          (4u << 25)
#define IGVT_GMBUS1_BYTE_COUNT_SHIFT    16
#define IGVT_GMBUS1_BYTE_COUNT_MASK     (0x1ffu << 16)
#define IGVT_GMBUS1_INDEX_SHIFT         8
#define IGVT_GMBUS1_INDEX_MASK          (0xffu << 8)
#define IGVT_GMBUS1_SLAVE_ADDR_SHIFT    1
#define IGVT_GMBUS1_SLAVE_READ          (1u << 0)

/* GMBUS2 */
#define IGVT_GMBUS2_INUSE               (1u << 15)
#define IGVT_GMBUS2_HW_WAIT_PHASE       (1u << 14)
#define IGVT_GMBUS2_STALL_TIMEOUT       (1u << 13)
#define IGVT_GMBUS2_INT                 (1u << 12)
#define IGVT_GMBUS2_HW_RDY              (1u << 11)
#define IGVT_GMBUS2_SATOER              (1u << 10)
#define IGVT_GMBUS2_ACTIVE              (1u << 9)
#define IGVT_GMBUS2_BYTE_COUNT_MASK     0x1ff

/* GMBUS4 */
#define IGVT_GMBUS4_HW_RDY_EN           (1u << 0)
#define IGVT_GMBUS4_HW_WAIT_EN          (1u << 1)
#define IGVT_GMBUS4_IDLE_EN             (1u << 2)
#define IGVT_GMBUS4_NAK_EN              (1u << 3)
#define IGVT_GMBUS4_SLAVE_TIMEOUT_EN    (1u << 4)
#define IGVT_GMBUS4_MASK                0x1f

/* GMBUS5 */
#define IGVT_GMBUS5_2BYTE_INDEX_EN      (1u << 31)
#define IGVT_GMBUS5_INDEX_MASK          0xffff

/* Largest byte count (9-bit field); with BYTE_CNT_OVERRIDE 256 more */
#define IGVT_GMBUS_BYTE_COUNT_MAX       511
#define IGVT_GMBUS_BURST_MAX            (IGVT_GMBUS_BYTE_COUNT_MAX + 256)

typedef enum IgvtGmbusPhase {
    IGVT_GMBUS_IDLE,            /* bus free (after STOP, NAK or reset) */
    IGVT_GMBUS_READ,            /* data phase, slave to GMBUS3 */
    IGVT_GMBUS_WRITE,           /* data phase, GMBUS3 to slave */
    IGVT_GMBUS_WAIT,            /* cycle done without STOP: bus held */
    IGVT_GMBUS_PHASE__MAX,
} IgvtGmbusPhase;

typedef struct IgvtGmbus {
    uint32_t gmbus0;            /* as written, IGVT_GMBUS0_MASK bits */
    uint32_t gmbus1;            /* last command, SW_RDY cleared */
    uint32_t status;            /* GMBUS2 15:9 without INT (computed) */
    uint32_t gmbus3;            /* data register */
    uint32_t gmbus4;            /* interrupt enables */
    uint32_t gmbus5;            /* 2-byte index */
    uint32_t phase;             /* IgvtGmbusPhase */
    uint32_t remaining;         /* bytes of the data phase not yet moved */
    uint32_t count;             /* bytes moved in this cycle (GMBUS2 8:0) */
    bool stop_after;            /* this cycle ends with STOP, not WAIT */
    uint8_t pin;                /* pin pair of the current transaction */
    IgvtDdc ddc;                /* the DDC slaves on that pin */
} IgvtGmbus;

/*
 * Returns the EDID on DDC pin @pin (GMBUS0 pin pair select), or NULL when
 * nothing answers on it
 */
typedef const uint8_t *IgvtGmbusEdidFn(void *opaque, unsigned pin,
                                       size_t *size);

void igvt_gmbus_reset(IgvtGmbus *g);
/* @reg is IGVT_GMBUS0..IGVT_GMBUS5; others read 0 and ignore writes */
uint32_t igvt_gmbus_read(IgvtGmbus *g, unsigned reg, IgvtGmbusEdidFn *edid,
                         void *opaque);
void igvt_gmbus_write(IgvtGmbus *g, unsigned reg, uint32_t val,
                      IgvtGmbusEdidFn *edid, void *opaque);
/*
 * True while an event enabled in GMBUS4 holds (level; GMBUS2 INT mirrors
 * it): the device raises the PCH GMBUS interrupt when this turns true.
 */
bool igvt_gmbus_irq_pending(const IgvtGmbus *g);
/* Check a migrated controller; false when the stream is impossible */
bool igvt_gmbus_post_load(IgvtGmbus *g);

#endif /* HW_DISPLAY_IGVT_GMBUS_H */
