/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's OpRegion and virtual VBT (hw/display/igvt/opregion.c).
 *
 * The checks decode the bytes with their own offsets, taken from the ACPI
 * IGD OpRegion layout and the VBT definitions the Linux i915 driver uses
 * (intel_opregion.c, intel_vbt_defs.h), and apply the same validity rules
 * as i915's intel_bios_is_valid_vbt() plus the checksum and block walk of
 * intel_vbt_decode.  The validators are also run on corrupted copies, so
 * they are shown to reject what they must reject.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/opregion.h"

#define OPREGION_SIZE       8192
#define VBT_OFFSET          0x400
#define VBT_HDR_LEN         48
#define BDB_HDR_LEN         22
#define CHILD_LEN           33
#define GUARD_LEN           64

#define BLOCK_GENERAL_FEATURES  1
#define BLOCK_GENERAL_DEFS      2
#define BLOCK_DRIVER_FEATURES   12

typedef struct ExpectedChild {
    uint16_t handle;
    uint8_t dvo_port;
    uint8_t aux;
    uint8_t ddc_pin;
} ExpectedChild;

/* DVO_PORT_DPx, DP_AUX_x and the SKL GMBUS pins, from intel_vbt_defs.h */
static const ExpectedChild expected_children[IGVT_PORT__MAX] = {
    [IGVT_PORT_A] = { 0x0004, 10, 0x40, 0 },
    [IGVT_PORT_B] = { 0x0040, 7, 0x10, 5 },
    [IGVT_PORT_C] = { 0x0020, 8, 0x20, 4 },
    [IGVT_PORT_D] = { 0x0010, 9, 0x30, 6 },
    [IGVT_PORT_E] = { 0x0004, 11, 0x40, 0 },    /* DDI E: AUX A */
};

typedef struct Block {
    uint8_t id;
    const uint8_t *data;
    uint16_t len;
} Block;

#define MAX_BLOCKS 16

typedef struct Vbt {
    const uint8_t *vbt;
    uint16_t vbt_size;
    const uint8_t *bdb;
    uint16_t bdb_size;
    Block blocks[MAX_BLOCKS];
    int num_blocks;
} Vbt;

static uint8_t *build(uint16_t device_id, IgvtPort port)
{
    IgvtOpRegionConfig cfg = {
        .device_id = device_id,
        .monitor_port = port,
    };
    uint8_t *buf = g_malloc(OPREGION_SIZE + GUARD_LEN);

    /* Dirty the buffer: the builder must set every byte it owns */
    memset(buf, 0xa5, OPREGION_SIZE + GUARD_LEN);
    igvt_opregion_build(buf, &cfg);
    for (int i = 0; i < GUARD_LEN; i++) {
        g_assert_cmphex(buf[OPREGION_SIZE + i], ==, 0xa5);
    }
    return buf;
}

/*
 * Decode and validate the VBT in an OpRegion.  Returns NULL if valid, or
 * a static string naming the first rule broken.
 */
static const char *parse_vbt(const uint8_t *opregion, Vbt *v)
{
    const uint8_t *vbt = opregion + VBT_OFFSET;
    uint32_t bdb_offset;
    size_t pos;
    uint8_t sum = 0;

    memset(v, 0, sizeof(*v));
    v->vbt = vbt;

    /* intel_bios_is_valid_vbt() */
    if (memcmp(vbt, "$VBT", 4)) {
        return "VBT signature";
    }
    v->vbt_size = lduw_le_p(vbt + 0x18);
    if (v->vbt_size > OPREGION_SIZE - VBT_OFFSET ||
        v->vbt_size < VBT_HDR_LEN) {
        return "vbt_size";
    }
    bdb_offset = ldl_le_p(vbt + 0x1c);
    if (bdb_offset + BDB_HDR_LEN > v->vbt_size) {
        return "BDB header outside the VBT";
    }
    v->bdb = vbt + bdb_offset;
    v->bdb_size = lduw_le_p(v->bdb + 0x14);
    if (bdb_offset + v->bdb_size > v->vbt_size) {
        return "BDB outside the VBT";
    }

    /* what real VBTs and intel_vbt_decode also have */
    if (lduw_le_p(vbt + 0x16) != VBT_HDR_LEN) {
        return "VBT header size";
    }
    for (int i = 0; i < v->vbt_size; i++) {
        sum += vbt[i];
    }
    if (sum) {
        return "VBT checksum";
    }
    if (memcmp(v->bdb, "BIOS_DATA_BLOCK ", 16)) {
        return "BDB signature";
    }
    if (lduw_le_p(v->bdb + 0x12) != BDB_HDR_LEN) {
        return "BDB header size";
    }
    if (bdb_offset + v->bdb_size != v->vbt_size) {
        return "BDB does not end the VBT";
    }

    /* The blocks must tile the BDB exactly */
    pos = BDB_HDR_LEN;
    while (pos < v->bdb_size) {
        Block *b;

        if (pos + 3 > v->bdb_size) {
            return "block header past the BDB end";
        }
        if (v->num_blocks == MAX_BLOCKS) {
            return "too many blocks";
        }
        b = &v->blocks[v->num_blocks++];
        b->id = v->bdb[pos];
        b->len = lduw_le_p(v->bdb + pos + 1);
        b->data = v->bdb + pos + 3;
        pos += 3 + b->len;
        if (pos > v->bdb_size) {
            return "block data past the BDB end";
        }
    }
    return NULL;
}

static const Block *find_block(const Vbt *v, uint8_t id)
{
    for (int i = 0; i < v->num_blocks; i++) {
        if (v->blocks[i].id == id) {
            return &v->blocks[i];
        }
    }
    return NULL;
}

static void test_header(void)
{
    uint8_t *buf = build(0x1912, IGVT_PORT_D);

    g_assert_cmpmem(buf, 16, "IntelGraphicsMem", 16);
    g_assert_cmpuint(ldl_le_p(buf + 0x10), ==, 8);     /* KiB */
    /* over: rsvd, revision, minor, major */
    g_assert_cmphex(buf[0x14], ==, 0);
    g_assert_cmphex(buf[0x15], ==, 0);
    g_assert_cmphex(buf[0x16], ==, 0);
    g_assert_cmphex(buf[0x17], ==, 2);
    /* mailboxes: VBT (bit 3) only, no ACPI, SWSCI, ASLE or ASLE_EXT */
    g_assert_cmphex(ldl_le_p(buf + 0x58), ==, 1u << 3);
    /* CLID in mailbox 1, lid open as GVT-g sets it */
    g_assert_cmphex(ldl_le_p(buf + 0x1ac), ==, 0x3);

    g_assert_cmpuint(IGVT_OPREGION_SIZE, ==, OPREGION_SIZE);
    g_assert_cmphex(IGVT_OPREGION_SWSCI_OFFSET, ==, 0x200);
    g_assert_cmphex(IGVT_OPREGION_SCIC_OFFSET, ==, 0x200);
    g_assert_cmphex(IGVT_OPREGION_PARM_OFFSET, ==, 0x204);
    g_assert_cmphex(IGVT_OPREGION_CLID_OFFSET, ==, 0x1ac);
    g_assert_cmphex(IGVT_OPREGION_VBT_OFFSET, ==, VBT_OFFSET);

    /* The SWSCI mailbox starts out idle */
    g_assert_cmphex(ldl_le_p(buf + IGVT_OPREGION_SCIC_OFFSET), ==, 0);
    g_assert_cmphex(ldl_le_p(buf + IGVT_OPREGION_PARM_OFFSET), ==, 0);

    /* Everything else in the header and mailboxes 1-3 is zero */
    for (int i = 0x18; i < VBT_OFFSET; i++) {
        if (i == 0x58 || i == 0x1ac) {
            continue;
        }
        g_assert_cmphex(buf[i], ==, 0);
    }
    g_free(buf);
}

static void test_vbt_header(void)
{
    uint8_t *buf = build(0x1912, IGVT_PORT_D);
    const uint8_t *vbt = buf + VBT_OFFSET;
    const char *err;
    Vbt v;

    err = parse_vbt(buf, &v);
    g_assert_null(err);

    g_assert_cmpmem(vbt, 20, "$VBT SKYLAKE        ", 20);
    g_assert_cmpuint(lduw_le_p(vbt + 0x14), ==, 100);
    g_assert_cmpuint(ldl_le_p(vbt + 0x1c), ==, VBT_HDR_LEN);
    /* aim_offset[4] unused */
    for (int i = 0x20; i < VBT_HDR_LEN; i++) {
        g_assert_cmphex(vbt[i], ==, 0);
    }
    /* Nothing after the VBT */
    for (int i = VBT_OFFSET + v.vbt_size; i < OPREGION_SIZE; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    g_free(buf);

    buf = build(0x5912, IGVT_PORT_D);
    g_assert_null(parse_vbt(buf, &v));
    g_assert_cmpmem(buf + VBT_OFFSET, 20, "$VBT KABYLAKE       ", 20);
    g_free(buf);
}

static void test_bdb(void)
{
    uint8_t *buf = build(0x1912, IGVT_PORT_D);
    const Block *b;
    Vbt v;

    g_assert_null(parse_vbt(buf, &v));
    g_assert_cmpuint(lduw_le_p(v.bdb + 0x10), ==, 194);
    g_assert_cmpuint(lduw_le_p(v.bdb + 0x10), ==, IGVT_VBT_BDB_VERSION);

    /* Blocks 1, 2 and 12 in that order, nothing for panels or TV */
    g_assert_cmpint(v.num_blocks, ==, 3);
    g_assert_cmpuint(v.blocks[0].id, ==, BLOCK_GENERAL_FEATURES);
    g_assert_cmpuint(v.blocks[1].id, ==, BLOCK_GENERAL_DEFS);
    g_assert_cmpuint(v.blocks[2].id, ==, BLOCK_DRIVER_FEATURES);

    /*
     * Not longer than the structs of i915 and intel_vbt_decode (7 and 19
     * bytes), which warn about longer blocks.
     */
    b = find_block(&v, BLOCK_GENERAL_FEATURES);
    g_assert_cmpuint(b->len, ==, 5);
    /* no integrated CRT (bit 0), TV (bit 1) or EFP (bit 2) */
    g_assert_cmphex(b->data[4] & 0x7, ==, 0);

    b = find_block(&v, BLOCK_DRIVER_FEATURES);
    g_assert_cmpuint(b->len, ==, 19);
    /* LVDS config (bits 11-12 of the u16 at byte 7): no LVDS */
    g_assert_cmphex((lduw_le_p(b->data + 7) >> 11) & 3, ==, 0);
    g_free(buf);
}

static void check_children(gconstpointer opaque)
{
    IgvtPort monitor = GPOINTER_TO_INT(opaque);
    uint8_t *buf = build(0x1912, monitor);
    bool seen[IGVT_PORT__MAX] = { false };
    const uint8_t *defs, *c;
    const Block *b;
    int n;
    Vbt v;

    g_assert_null(parse_vbt(buf, &v));
    b = find_block(&v, BLOCK_GENERAL_DEFS);
    g_assert_nonnull(b);
    defs = b->data;

    /* child_dev_size 33: what i915 6.1 and 6.12 expect for version 194 */
    g_assert_cmpuint(defs[4], ==, CHILD_LEN);
    g_assert_cmpuint(b->len, >=, 5);
    g_assert_cmpuint((b->len - 5) % CHILD_LEN, ==, 0);
    n = (b->len - 5) / CHILD_LEN;
    g_assert_cmpint(n, ==, 4);

    for (int i = 0; i < n; i++) {
        const ExpectedChild *e = NULL;
        uint16_t type;
        int port;

        c = defs + 5 + i * CHILD_LEN;
        for (port = 0; port < IGVT_PORT__MAX; port++) {
            if (expected_children[port].dvo_port == c[16]) {
                e = &expected_children[port];
                break;
            }
        }
        g_assert_nonnull(e);
        g_assert_false(seen[port]);
        seen[port] = true;

        /* DisplayPort (0x68c6): DP output, no TMDS, not internal (eDP) */
        type = lduw_le_p(c + 2);
        g_assert_cmphex(type, ==, 0x68c6);
        g_assert_true(type & (1 << 2));
        g_assert_false(type & (1 << 4));
        g_assert_false(type & (1 << 12));

        g_assert_cmphex(lduw_le_p(c + 0), ==, e->handle);
        g_assert_cmphex(c[19], ==, e->ddc_pin);
        g_assert_cmphex(c[25], ==, e->aux);
        g_assert_cmphex(c[24], ==, 1 << 1);        /* DP compatible */
        g_assert_cmphex(c[27], ==, 1 << 5);        /* integrated encoder */
    }

    /* DDI A-D, except that DDI E replaces DDI A for a monitor on E */
    g_assert_cmpint(seen[IGVT_PORT_A], ==, monitor != IGVT_PORT_E);
    g_assert_true(seen[IGVT_PORT_B]);
    g_assert_true(seen[IGVT_PORT_C]);
    g_assert_true(seen[IGVT_PORT_D]);
    g_assert_cmpint(seen[IGVT_PORT_E], ==, monitor == IGVT_PORT_E);

    /* The monitor's port: present, DP, with an AUX channel */
    g_assert_true(seen[monitor]);
    g_assert_cmphex(expected_children[monitor].aux, !=, 0);
    g_assert_cmpint(igvt_port_info[monitor].aux_port, ==,
                    monitor == IGVT_PORT_E ? IGVT_PORT_A : monitor);
    /* and the boot display */
    g_assert_cmphex(lduw_le_p(defs + 2), ==,
                    expected_children[monitor].handle);
    g_free(buf);
}

/* The validators must catch what they are there to catch */
static void test_validators_fail(void)
{
    uint8_t *good = build(0x1912, IGVT_PORT_D);
    uint8_t *buf = g_malloc(OPREGION_SIZE);
    Vbt v;

    g_assert_null(parse_vbt(good, &v));

    /* one flipped byte in a child device */
    memcpy(buf, good, OPREGION_SIZE);
    buf[VBT_OFFSET + VBT_HDR_LEN + BDB_HDR_LEN + 3 + 5 + 3 + 16] ^= 1;
    g_assert_cmpstr(parse_vbt(buf, &v), ==, "VBT checksum");

    /* a block size one too long (checksum fixed up to isolate the walk) */
    memcpy(buf, good, OPREGION_SIZE);
    buf[VBT_OFFSET + VBT_HDR_LEN + BDB_HDR_LEN + 1]++;
    buf[VBT_OFFSET + 0x1a]--;
    g_assert_cmpstr(parse_vbt(buf, &v), ==, "block data past the BDB end");

    /* vbt_size beyond mailbox 4 */
    memcpy(buf, good, OPREGION_SIZE);
    stw_le_p(buf + VBT_OFFSET + 0x18, OPREGION_SIZE);
    g_assert_cmpstr(parse_vbt(buf, &v), ==, "vbt_size");

    /* bad "$VBT" */
    memcpy(buf, good, OPREGION_SIZE);
    buf[VBT_OFFSET] = '#';
    g_assert_cmpstr(parse_vbt(buf, &v), ==, "VBT signature");

    g_free(buf);
    g_free(good);
}

static void test_deterministic(void)
{
    uint8_t *a = build(0x1912, IGVT_PORT_B);
    uint8_t *b = build(0x1912, IGVT_PORT_B);
    uint8_t *c = build(0x1912, IGVT_PORT_C);

    g_assert_cmpmem(a, OPREGION_SIZE, b, OPREGION_SIZE);
    g_assert_true(memcmp(a, c, OPREGION_SIZE) != 0);
    g_free(a);
    g_free(b);
    g_free(c);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        IgvtPort port;
    } ports[] = {
        { "A", IGVT_PORT_A },
        { "B", IGVT_PORT_B },
        { "C", IGVT_PORT_C },
        { "D", IGVT_PORT_D },
        { "E", IGVT_PORT_E },
    };

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/igvt/opregion/header", test_header);
    g_test_add_func("/igvt/opregion/vbt-header", test_vbt_header);
    g_test_add_func("/igvt/opregion/bdb", test_bdb);
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        g_autofree char *path =
            g_strdup_printf("/igvt/opregion/children/monitor-%s",
                            ports[i].name);

        g_test_add_data_func(path, GINT_TO_POINTER(ports[i].port),
                             check_children);
    }
    g_test_add_func("/igvt/opregion/validators-fail", test_validators_fail);
    g_test_add_func("/igvt/opregion/deterministic", test_deterministic);
    return g_test_run();
}
