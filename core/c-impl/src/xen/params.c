#include "params.h"

#include <string.h>

/* Xen parameters whose effect no area models (spec/data/xen-params.json "recognised"). */
static const char *const unmodelled_params[] = {
    "console", "com1", "com2", "loglvl", "guest_loglvl", "dom0_mem", "dom0_max_vcpus", "dom0", "noreboot",
    "sync_console", "conring_size", "iommu", "ept", "hap", "spec-ctrl", "ucode", "cpufreq", "sched", "watchdog",
    "nmi", "maxcpus", "nosmp", "altp2m", "gnttab_max_frames", "gnttab_max_maptrack_frames", "global-pages",
    "pv-l1tf", "pv-shim", "cet", "fred", "clocksource", "tsc", "vpmu",
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
            found->param = param;
            found->state = host->area_state[slot];
            return true;
        }
    }
    for (size_t i = 0; i < sizeof unmodelled_params / sizeof unmodelled_params[0]; i++) {
        if (strcmp(unmodelled_params[i], name) == 0) {
            found->param = NULL;
            found->state = NULL;
            return true;
        }
    }
    return false;
}
