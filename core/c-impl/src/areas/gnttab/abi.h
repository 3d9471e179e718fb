/* The grant-table ABI as this core reads xen/include/public/grant_table.h and grant_table.c. */
#ifndef HVABI_GNTTAB_ABI_H
#define HVABI_GNTTAB_ABI_H

#include <stdint.h>

/* One grant frame: 512 version-1 entries of 8 bytes, or 256 version-2 entries of 16 bytes. */
#define GNTTAB_FRAME_SIZE 4096u
#define GNTTAB_V1_ENTRY_SIZE 8u
#define GNTTAB_V2_ENTRY_SIZE 16u
#define GNTTAB_MAX_ENTRIES (GNTTAB_FRAME_SIZE / GNTTAB_V1_ENTRY_SIZE)
/* Entries the toolstack reserves; they may stay in use across a version switch. */
#define GNTTAB_RESERVED_ENTRIES 8u

/* Entry flags (grant_entry_header.flags). */
#define GTF_type_mask 0x3u
#define GTF_invalid 0x0u
#define GTF_permit_access 0x1u
#define GTF_accept_transfer 0x2u
#define GTF_transitive 0x3u
#define GTF_readonly (1u << 2)
#define GTF_reading (1u << 3)
#define GTF_writing (1u << 4)
#define GTF_sub_page (1u << 8)
/* The same bits carry the transfer handshake in accept_transfer entries. */
#define GTF_transfer_committed (1u << 2)
#define GTF_transfer_completed (1u << 3)

/* GNTTABOP_map_grant_ref flags. */
#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)

/* Per-operation status codes. */
enum gntst {
    GNTST_okay = 0,
    GNTST_general_error = -1,
    GNTST_bad_domain = -2,
    GNTST_bad_gntref = -3,
    GNTST_bad_handle = -4,
    GNTST_bad_virt_addr = -5,
    GNTST_bad_dev_addr = -6,
    GNTST_no_device_space = -7,
    GNTST_permission_denied = -8,
    GNTST_bad_page = -9,
    GNTST_bad_copy_arg = -10,
    GNTST_address_too_big = -11,
    GNTST_eagain = -12,
    GNTST_no_space = -13,
};

const char *gntst_name(int status);

/*
 * Pin counts of an active entry: four 8-bit counters (host writable, host
 * read-only, device writable, device read-only). A counter whose top bit is
 * set refuses further increments.
 */
#define GNTPIN_hstw_shift 0
#define GNTPIN_hstr_shift 8
#define GNTPIN_devw_shift 16
#define GNTPIN_devr_shift 24
#define GNTPIN_hstw_inc (1u << GNTPIN_hstw_shift)
#define GNTPIN_hstr_inc (1u << GNTPIN_hstr_shift)
#define GNTPIN_devw_inc (1u << GNTPIN_devw_shift)
#define GNTPIN_devr_inc (1u << GNTPIN_devr_shift)
#define GNTPIN_hstw_mask (0xffu << GNTPIN_hstw_shift)
#define GNTPIN_devw_mask (0xffu << GNTPIN_devw_shift)
#define GNTPIN_WRITE_MASK (GNTPIN_hstw_mask | GNTPIN_devw_mask)

/* Maptrack: 16-byte entries, 256 per page; a domain may use up to 1024 pages by default. */
#define MAPTRACK_PER_PAGE 256u
#define MAPTRACK_MAX_PAGES 1024u

#endif
