// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: the i915 device a descriptor works with.
 *
 * Found at open, not at module load (i915 may have failed to bind, or be
 * bound later): the Gen9 integrated GPU at 0000:00:02.0 with i915 bound
 * to it.  i915's GVT-g host support (i915.enable_gvt) is not needed, so
 * this works the same on bare metal and with i915 running as a GVT-g vGPU
 * guest.  The descriptor keeps the PCI device and the DRM device
 * referenced; i915 itself stays loaded while this module is (it imports
 * i915's symbols).  If i915 is unbound meanwhile, every call after that
 * fails with ENODEV and hardware is no longer touched.
 */

#include <linux/pci.h>

#include "i915_drv.h"
#include "gt/intel_gt.h"
#include "gt/uc/intel_uc.h"

#include "igvt-host.h"

#define IH_IGD_DEVFN    PCI_DEVFN(2, 0)

/* Engines by UAPI number: i915's class and instance */
static const struct {
	u8 class;
	u8 instance;
} ih_engine_ids[IGVT_HOST_NUM_ENGINES] = {
	[IGVT_HOST_ENGINE_RCS] = { RENDER_CLASS, 0 },
	[IGVT_HOST_ENGINE_BCS] = { COPY_ENGINE_CLASS, 0 },
	[IGVT_HOST_ENGINE_VCS] = { VIDEO_DECODE_CLASS, 0 },
	[IGVT_HOST_ENGINE_VECS] = { VIDEO_ENHANCEMENT_CLASS, 0 },
	[IGVT_HOST_ENGINE_VCS2] = { VIDEO_DECODE_CLASS, 1 },
};

/* The integrated GPU, referenced, if i915 drives it; else NULL */
static struct drm_i915_private *ih_find_i915(struct pci_dev **ppdev)
{
	struct drm_i915_private *i915 = NULL;
	struct pci_dev *pdev;

	pdev = pci_get_domain_bus_and_slot(0, 0, IH_IGD_DEVFN);
	if (!pdev)
		return NULL;
	device_lock(&pdev->dev);
	if (pdev->vendor == PCI_VENDOR_ID_INTEL && pdev->dev.driver &&
	    !strcmp(pdev->dev.driver->name, "i915")) {
		i915 = pdev_to_i915(pdev);
		if (i915)
			drm_dev_get(&i915->drm);
	}
	device_unlock(&pdev->dev);
	if (!i915) {
		pci_dev_put(pdev);
		return NULL;
	}
	*ppdev = pdev;
	return i915;
}

int igvt_host_gpu_open(struct igvt_host_file *f)
{
	struct drm_i915_private *i915;
	struct intel_gt *gt;
	unsigned int e;
	int err;

	i915 = ih_find_i915(&f->pdev);
	if (!i915)
		return igvt_host_refuse(NULL, -ENODEV,
					"no i915 bound to 0000:00:02.0");
	gt = to_gt(i915);
	if (GRAPHICS_VER(i915) != 9) {
		err = igvt_host_refuse(NULL, -ENODEV,
				       "the GPU is not Gen9 (graphics version %d)",
				       GRAPHICS_VER(i915));
		goto err;
	}
	if (intel_uc_uses_guc_submission(&gt->uc)) {
		err = igvt_host_refuse(NULL, -ENODEV,
				       "i915 submits through the GuC");
		goto err;
	}
	if (intel_gt_is_wedged(gt)) {
		err = igvt_host_refuse(NULL, -EIO, "the GPU is wedged");
		goto err;
	}
	f->i915 = i915;
	f->gt = gt;
	f->ggtt = gt->ggtt;
	for (e = 0; e < IGVT_HOST_NUM_ENGINES; e++)
		f->engines[e].engine =
			gt->engine_class[ih_engine_ids[e].class][ih_engine_ids[e].instance];
	return 0;

err:
	drm_dev_put(&i915->drm);
	pci_dev_put(f->pdev);
	return err;
}

void igvt_host_gpu_close(struct igvt_host_file *f)
{
	drm_dev_put(&f->i915->drm);
	pci_dev_put(f->pdev);
}

/* Around every use of the hardware: false once i915 is unbound */
bool igvt_host_gpu_enter(struct igvt_host_file *f, int *idx)
{
	return drm_dev_enter(&f->i915->drm, idx);
}

void igvt_host_gpu_exit(int idx)
{
	drm_dev_exit(idx);
}

void igvt_host_gpu_info(struct igvt_host_file *f, struct igvt_host_info *info)
{
	unsigned int e;

	info->api_version = IGVT_HOST_API_VERSION;
	info->flags = f->i915->vgpu.active ? IGVT_HOST_INFO_VGPU : 0;
	info->pci_device_id = f->pdev->device;
	info->pci_revision = f->pdev->revision;
	info->gm_size = f->ggtt->vm.total;
	info->aperture_size = f->ggtt->mappable_end;
	info->num_fences = f->ggtt->num_fences;
	for (e = 0; e < IGVT_HOST_NUM_ENGINES; e++)
		if (f->engines[e].engine)
			info->engine_mask |= BIT(e);
	info->max_pin_pages = IH_MAX_PIN_PAGES;
	info->max_ggtt_entries = IH_MAX_GGTT_ENTRIES;
	info->max_ring_dwords = IH_MAX_RING_DWORDS;
	info->max_batches = IH_MAX_BATCHES;
	info->max_batch_dwords = IH_MAX_BATCH_DWORDS;
	info->max_workload_dwords = IH_MAX_WORKLOAD_DWORDS;
	info->max_map_pages = IH_MAX_MAP_PAGES;
	info->max_regs = IH_MAX_REGS;
	info->ggtt_batch_va = IH_GGTT_BATCH_VA;
}
