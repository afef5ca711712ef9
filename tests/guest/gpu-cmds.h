/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gen9 command layouts the test programs in the guest submit
 * (tests/guest/igvt-gem-verify.c, tests/host/igvt-host-client.c): facts
 * from Linux's gt/intel_gpu_commands.h and the Gen9 blitter documentation;
 * the code is our own.
 */

#ifndef TESTS_GUEST_GPU_CMDS_H
#define TESTS_GUEST_GPU_CMDS_H

/* MI commands (Gen8+ forms) */
#define MI_NOOP                 0x00000000u
#define MI_ARB_CHECK            (0x05u << 23)           /* arbitration point */
#define MI_BATCH_BUFFER_END     (0x0au << 23)
#define MI_STORE_DATA_IMM       (0x20u << 23)
#define   MI_USE_GGTT           (1u << 22)      /* SDI, SRM, LRM */
#define   SDI_DWORD_LEN         2               /* 4 dwords */
#define   SDI_QWORD_LEN         3               /* 5 dwords ... */
#define   SDI_QWORD             (1u << 21)      /* ... with this bit */
#define MI_BATCH_BUFFER_START   ((0x31u << 23) | 1)     /* 3 dwords */
#define   BBS_SECOND_LEVEL      (1u << 22)
#define   BBS_PPGTT             (1u << 8)
#define MI_LOAD_REGISTER_IMM(n) ((0x22u << 23) | (2 * (n) - 1))
#define MI_STORE_REGISTER_MEM   ((0x24u << 23) | 2)     /* 4 dwords, PPGTT */
#define MI_LOAD_REGISTER_MEM    ((0x29u << 23) | 2)     /* 4 dwords, PPGTT */
#define MI_UPDATE_GTT           ((0x23u << 23) | 1)     /* privileged */
#define PIPE_CONTROL            ((3u << 29) | (3u << 27) | (2u << 24) | 4)
#define MI_MATH(n)              ((0x1au << 23) | ((n) - 1))
#define   ALU(op, a, b)         ((uint32_t)(op) << 20 | (a) << 10 | (b))
#define   ALU_LOAD(a, r)        ALU(0x080, a, r)
#define   ALU_ADD               ALU(0x100, 0, 0)
#define   ALU_STORE(r, s)       ALU(0x180, r, s)
#define   ALU_SRCA              0x20
#define   ALU_SRCB              0x21
#define   ALU_ACCU              0x31
#define   ALU_CF                0x33
/* Engines' register bases, and their CS_GPR0-15 (64 bits each) */
#define RCS_BASE                0x02000
#define BCS_BASE                0x22000
#define VCS_BASE                0x12000
#define VECS_BASE               0x1a000
#define CS_GPR(base, n)         ((base) + 0x600 + 8 * (n))
#define RCS_GPR(n)              CS_GPR(RCS_BASE, n)
/* The blitter's tiling switch: masked, bit 1 makes X-tiled mean Y-tiled */
#define BCS_SWCTRL              0x22200
#define   BCS_SWCTRL_DST_Y      (1u << 1)

/* 2D commands (BCS) */
#define BLT_CMD(op, len)        ((2u << 29) | ((uint32_t)(op) << 22) | (len))
#define XY_COLOR_BLT            BLT_CMD(0x50, 5)        /* 7 dwords */
#define XY_SRC_COPY_BLT         BLT_CMD(0x53, 8)        /* 10 dwords */
#define XY_FAST_COPY_BLT        BLT_CMD(0x42, 8)        /* 10 dwords */
#define   BLT_WRITE_ALPHA       (1u << 21)              /* XY_* at 32 bpp */
#define   BLT_WRITE_RGB         (1u << 20)
#define   BLT_DST_TILED         (1u << 11)              /* pitch in dwords */
#define BR13_32BPP              (3u << 24)              /* XY_*: bits 25:24 */
#define BR13_ROP_PATCOPY        (0xf0u << 16)
#define BR13_ROP_SRCCOPY        (0xccu << 16)
#define FAST_32BPP              (3u << 24)              /* fast: bits 26:24 */

#endif /* TESTS_GUEST_GPU_CMDS_H */
