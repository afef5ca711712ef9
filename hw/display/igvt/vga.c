/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: legacy VGA and VBE until the guest's i915 takes over.
 *
 * QEMU's VGA core serves the legacy ports and the 0xa0000 window, so the
 * firmware, boot loaders and early kernel messages are visible.  The VGA
 * BIOS finds the VBE linear framebuffer at BAR0 (it does so for any PCI
 * VGA device that is not one of its known vendors), so while a VBE linear
 * mode is on and no GVT-g aware driver has read PVINFO, BAR0 accesses
 * below the VGA memory size (registers, hole and GGTT alike) go to VGA
 * memory instead.
 * PVINFO reads are always served, so the guest driver can find its vGPU;
 * from that read on, BAR0 is registers only.  VGACNTRL tells when the
 * guest driver turns the VGA plane off.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "hw/display/bochs-vbe.h"
#include "ui/console.h"
#include "igvt.h"
#include "regs.h"
#include "trace.h"

bool igvt_vga_enabled(IgvtState *s)
{
    return !FIELD_EX32(igvt_reg(s, A_VGACNTRL), VGACNTRL, VGA_DISP_DISABLE);
}

bool igvt_vga_lfb_access(IgvtState *s, hwaddr addr, uint64_t *val,
                         unsigned size, bool is_write)
{
    VGACommonState *vga = &s->vga;
    uint16_t en = vga->vbe_regs[VBE_DISPI_INDEX_ENABLE];
    const uint16_t lfb = VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED;

    if (s->pv_ready || (en & lfb) != lfb || addr + size > vga->vram_size) {
        return false;
    }
    if (!is_write && addr >= IGVT_PVINFO_BASE &&
        addr < IGVT_PVINFO_BASE + IGVT_PVINFO_SIZE) {
        return false;
    }
    if (is_write) {
        stn_le_p(vga->vram_ptr + addr, size, *val);
        memory_region_set_dirty(&vga->vram, addr, size);
    } else {
        *val = ldn_le_p(vga->vram_ptr + addr, size);
    }
    return true;
}

void igvt_vgacntrl_write(IgvtState *s, uint32_t offset, uint32_t old,
                         uint32_t val)
{
    bool was = !FIELD_EX32(old, VGACNTRL, VGA_DISP_DISABLE);
    bool now = !FIELD_EX32(val, VGACNTRL, VGA_DISP_DISABLE);

    if (was != now) {
        trace_igvt_vga_plane(now);
        igvt_console_invalidate(s);
        if (now) {
            s->vga.hw_ops->invalidate(&s->vga);
        }
    }
}

bool igvt_vga_init(IgvtState *s, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(s);
    VGACommonState *vga = &s->vga;

    vga->vram_size_mb = s->params.vgamem_mb;
    if (!vga_common_init(vga, OBJECT(s), errp)) {
        return false;
    }
    vga_init(vga, OBJECT(s), pci_address_space(dev), pci_address_space_io(dev),
             true);
    return true;
}

void igvt_vga_reset(IgvtState *s)
{
    vga_common_reset(&s->vga);
}
