/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: QMP commands for emulators built without igvt-vga.  There is no
 * vGPU, so the list is empty (and not an error: generic tests run every
 * argument-less query on every target).
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-igvt.h"

IgvtInfoList *qmp_query_igvt(Error **errp)
{
    return NULL;
}

IgvtDisplayInfoList *qmp_query_igvt_display(Error **errp)
{
    return NULL;
}

IgvtEnginesInfoList *qmp_query_igvt_engines(Error **errp)
{
    return NULL;
}

void qmp_igvt_set_monitor(const char *qom_path, uint32_t xres, uint32_t yres,
                          Error **errp)
{
    error_setg(errp, "igvt-vga is not available in this emulator");
}
