/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: PCI configuration space of the vGPU and the OpRegion.
 *
 * Capabilities as on Gen9 hardware (PCIe integrated endpoint, MSI, PM);
 * the GMCH control register describes a 4 GiB GGTT and no stolen memory;
 * the OpRegion with its virtual VBT goes to the firmware through fw_cfg,
 * which places it in reserved memory and writes its address to ASLS, as
 * for an assigned IGD.  SWSCI requests are answered "not supported".
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/msi.h"
#include "hw/pci/pcie.h"
#include "hw/nvram/fw_cfg.h"
#include "system/dma.h"
#include "igvt.h"
#include "opregion.h"
#include "trace.h"

/* GGMS = 3: an 8 MiB GGTT, i.e. 4 GiB of graphics memory; GMS = 0 */
#define IGVT_MGGC_VALUE     (3 << IGVT_PCI_MGGC_GGMS_SHIFT)

bool igvt_cfg_init(IgvtState *s, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(s);
    uint8_t *c = dev->config;
    IgvtOpRegionConfig opc = { 0 };
    FWCfgState *fw_cfg;

    pci_set_byte(c + PCI_INTERRUPT_PIN, 1);
    pci_set_word(c + IGVT_PCI_MGGC, IGVT_MGGC_VALUE);
    pci_set_word(dev->wmask + IGVT_PCI_MGGC, 0);
    pci_set_long(c + IGVT_PCI_BDSM, 0);
    pci_set_long(dev->wmask + IGVT_PCI_BDSM, 0);
    pci_set_long(dev->wmask + IGVT_PCI_ASLS, UINT32_MAX);
    pci_set_word(dev->wmask + IGVT_PCI_SWSCI,
                 IGVT_PCI_SWSCI_SMI_SEL | IGVT_PCI_SWSCI_GSSCIE);

    if (!pci_bus_is_express(pci_get_bus(dev))) {
        /* igvt_instance_init assumed PCIe; on a PCI bus it is not */
        dev->cap_present &= ~QEMU_PCI_CAP_EXPRESS;
    } else if (pcie_endpoint_cap_init(dev, IGVT_PCI_CAP_PCIE) < 0) {
        error_setg(errp, "igvt: cannot add the PCIe capability");
        return false;
    }
    if (msi_init(dev, IGVT_PCI_CAP_MSI, 1, false, false, errp) < 0) {
        return false;
    }
    if (pci_pm_init(dev, IGVT_PCI_CAP_PM, errp) < 0) {
        return false;
    }

    s->opregion = g_malloc0(IGVT_OPREGION_SIZE);
    opc.device_id = pci_get_word(c + PCI_DEVICE_ID);
    opc.monitor_port = (IgvtPort)s->params.port;
    igvt_opregion_build(s->opregion, &opc);

    /* SeaBIOS places the OpRegion of the IGD slot only */
    fw_cfg = fw_cfg_find();
    if (!fw_cfg) {
        warn_report("igvt: no fw_cfg, the guest gets no OpRegion");
    } else if (pci_dev_bus_num(dev) != 0 || dev->devfn != PCI_DEVFN(2, 0)) {
        warn_report("igvt: the OpRegion is given to the firmware only for "
                    "a vGPU at 00:02.0 (use addr=02.0)");
    } else {
        fw_cfg_add_file(fw_cfg, IGVT_FW_CFG_OPREGION, s->opregion,
                        IGVT_OPREGION_SIZE);
    }
    return true;
}

void igvt_cfg_fini(IgvtState *s)
{
    msi_uninit(PCI_DEVICE(s));
    /* fw_cfg keeps a pointer to the OpRegion; it lives with the machine */
}

void igvt_cfg_reset(IgvtState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);

    pci_set_word(dev->config + IGVT_PCI_SWSCI, 0);
}

/*
 * A guest raised an SCI through SWSCI: answer in the OpRegion's SWSCI
 * mailbox that nothing is supported (exit status 0, no parameters) and
 * clear the trigger.
 */
static void igvt_cfg_swsci(IgvtState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    uint32_t asls = pci_get_long(dev->config + IGVT_PCI_ASLS);
    uint8_t zero[8] = { 0 };

    trace_igvt_swsci(asls);
    if (!asls ||
        igvt_dma_rw(pci_get_address_space(dev),
                    asls + IGVT_OPREGION_SWSCI_OFFSET, zero, sizeof(zero),
                    true, NULL) != IGVT_MEM_OK) {
        IGVT_GUEST_ERR(igvt_err_swsci, "SWSCI with OpRegion at 0x%x, which "
                       "is not guest RAM", asls);
    }
    pci_set_word(dev->config + IGVT_PCI_SWSCI,
                 pci_get_word(dev->config + IGVT_PCI_SWSCI) &
                 ~IGVT_PCI_SWSCI_GSSCIE);
}

void igvt_cfg_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
    IgvtState *s = IGVT_VGA(dev);
    uint16_t old = pci_get_word(dev->config + IGVT_PCI_SWSCI);
    uint16_t now;

    pci_default_write_config(dev, addr, val, len);
    if (!ranges_overlap(addr, len, IGVT_PCI_SWSCI, 2)) {
        return;
    }
    now = pci_get_word(dev->config + IGVT_PCI_SWSCI);
    if ((now & IGVT_PCI_SWSCI_GSSCIE) && !(old & IGVT_PCI_SWSCI_GSSCIE) &&
        !(now & IGVT_PCI_SWSCI_SMI_SEL)) {
        igvt_cfg_swsci(s);
    }
}
