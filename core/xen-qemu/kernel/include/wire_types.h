/* The boot module's records (core/xen-qemu/wire.json gives their sizes; checked here). */
#ifndef HVABI_WIRE_TYPES_H
#define HVABI_WIRE_TYPES_H

#include "types.h"
#include "wire.h"

struct wire_bundle {
    char magic[8];
    u32 version;
    u32 flags;
    u32 program_offset, program_length;
    u32 pv64_offset, pv64_length;
    u32 pv32_offset, pv32_length;
    u32 hvm_offset, hvm_length;
    u8 reserved[16];
};

struct wire_program {
    char magic[8];
    u32 case_count;
    u32 flags;
    u8 reserved[16];
};

struct wire_case {
    u32 magic;
    u32 index;
    u16 domain_count;
    u16 step_count;
    u32 flags;
};

struct wire_domain {
    u16 domid;
    u8 type;
    u8 flags;
    u8 vcpus;
    u8 max_grant_version;
    u16 reserved0;
    s32 max_grant_frames;
    s32 max_maptrack_frames;
    u32 reserved1[2];
    u64 cr0, cr3, cr4, efer;
    u64 reserved2;
};

struct wire_step {
    u8 op;
    u8 vcpu;
    u16 dom;
    u32 flags;
    u64 args[WIRE_SIZE_STEP_ARGS];
};

struct step_result {
    s64 rc;
    u32 vector;
    u32 error_code;
    u64 cr2;
    u64 out[WIRE_SIZE_STEP_OUTPUTS];
};

_Static_assert(sizeof(struct wire_bundle) == WIRE_SIZE_BUNDLE_HEADER, "bundle header");
_Static_assert(sizeof(struct wire_program) == WIRE_SIZE_PROGRAM_HEADER, "program header");
_Static_assert(sizeof(struct wire_case) == WIRE_SIZE_CASE_HEADER, "case header");
_Static_assert(sizeof(struct wire_domain) == WIRE_SIZE_DOMAIN_SPEC, "domain spec");
_Static_assert(sizeof(struct wire_step) == WIRE_SIZE_STEP, "step");

static inline unsigned int step_output_count(const struct wire_step *step)
{
    return (step->flags >> WIRE_STEP_FLAG_OUTPUT_COUNT_SHIFT) & WIRE_STEP_FLAG_OUTPUT_COUNT_MASK;
}

#endif
