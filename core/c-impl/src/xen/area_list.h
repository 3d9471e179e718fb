/*
 * Every area of the Xen machine, once: its state slot, its name, the object
 * implementing it and the profiles it implements. Expanded by areas.h (slots),
 * areas.c (the table) and machine.c (what the core reports).
 */
XEN_MACHINE_AREA(XEN_AREA_GNTTAB, "gnttab", gnttab_area, (1u << PROFILE_XEN_4_22) | (1u << PROFILE_SEED_PROPOSALS))
