/*
 * What this core implements: profiles, machines (a hypervisor model that runs
 * steps) and the areas each machine carries. The protocol layer consults it to
 * describe the core and to decide whether a case can run here.
 */
#ifndef HVABI_REGISTRY_H
#define HVABI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol/args.h"
#include "protocol/case_run.h"
#include "protocol/observation.h"

enum profile_id {
    PROFILE_XEN_4_22,
    PROFILE_SEED_PROPOSALS,
    PROFILE_CRPIN_RFC_V1,
    PROFILE_CRPIN_RFC_V2,
    PROFILE_CRPIN_V3,
    PROFILE_COUNT
};

const char *profile_name(int profile);
/* -1 when this core does not implement it. */
int profile_find(const char *name, size_t length);

/* An area a machine carries, and the profiles (bit per enum profile_id) it implements there. */
struct machine_area {
    const char *name;
    unsigned profiles;
};

struct machine {
    const char *name;
    const struct machine_area *areas;
    size_t area_count;
    /* Calls `emit` with every operation the machine runs. */
    void (*list_operations)(void (*emit)(void *context, const char *name), void *context);
    bool (*has_operation)(const char *op, size_t length);
    /* A fresh machine for one case, configured but not yet running. */
    void *(*create)(struct case_run *run, struct arg_object config);
    /* Runs step `index`; fills `outcome`. */
    void (*step)(void *machine, struct case_run *run, int index, const char *op, struct arg_object args,
                 struct step_outcome *outcome);
    /* The value of an observable state key after a step; fails the case for a key it does not know. */
    struct value (*read_state)(void *machine, struct case_run *run, const char *key, size_t length);
};

extern const struct machine *const registry_machines[];
extern const size_t registry_machine_count;

/* The machine carrying area `name` (and the area), or NULL. */
const struct machine *area_find(const char *name, size_t length, const struct machine_area **area);

#endif
