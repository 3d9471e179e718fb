#include "params.h"

#include <string.h>

/* Xen parameters whose effect no area models (spec/data/xen-params.json "recognised"). */
static const char *const unmodelled_params[] = {
    "console", "com1", "com2", "loglvl", "guest_loglvl", "dom0_mem", "dom0_max_vcpus", "dom0", "noreboot",
    "sync_console", "conring_size", "iommu", "ept", "hap", "spec-ctrl", "ucode", "cpufreq", "sched", "watchdog",
    "nmi", "maxcpus", "nosmp", "altp2m", "gnttab_max_frames", "gnttab_max_maptrack_frames", "pv-l1tf", "pv-shim",
    "clocksource", "tsc", "vpmu",
};

/* Parameters of the Xen PV areas this core does not implement; some exist only in builds with PV. */
static const struct {
    const char *name;
    const char *area;
    bool boolean;
    bool needs_pv;
} other_area_params[] = {
    { "smap", "smap", false, false },      { "smep", "smap", false, false },  { "pv", "smap", false, true },
    { "cet", "smap", false, false },       { "fred", "smap", true, false },   { "mce", "cr4", true, false },
    { "global-pages", "pte", true, true }, { "xpti", "ptshare", false, false }, { "pcid", "ptshare", false, true },
    { "invpcid", "ptshare", true, false },
};

bool xen_find_param(struct xen_host *host, const char *name, struct param_handler *found)
{
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++) {
        const struct xen_area *area = xen_areas[slot];
        for (size_t i = 0; i < area->param_count; i++) {
            const struct xen_param *param = &area->params[i];
            if (strcmp(param->name, name) != 0)
                continue;
            if (param->exists != NULL && !param->exists(host))
                return false;
            *found = (struct param_handler){ PARAM_AREA, param, host->area_state[slot], area->name };
            return true;
        }
    }
    for (size_t i = 0; i < sizeof other_area_params / sizeof other_area_params[0]; i++) {
        if (strcmp(other_area_params[i].name, name) != 0)
            continue;
        if (other_area_params[i].needs_pv && !host->build.pv)
            return false;
        *found = (struct param_handler){ other_area_params[i].boolean ? PARAM_BOOLEAN : PARAM_FOREIGN, NULL, NULL,
                                         other_area_params[i].area };
        return true;
    }
    for (size_t i = 0; i < sizeof unmodelled_params / sizeof unmodelled_params[0]; i++) {
        if (strcmp(unmodelled_params[i], name) == 0) {
            *found = (struct param_handler){ PARAM_UNMODELLED, NULL, NULL, NULL };
            return true;
        }
    }
    return false;
}
