/*
 * Every area of the KVM machine, once: its state slot, its name, the object
 * implementing it and the profiles it implements.
 */
KVM_MACHINE_AREA(KVM_AREA_CRPIN, "crpin", crpin_area,
                 (1u << PROFILE_SEED_PROPOSALS) | (1u << PROFILE_CRPIN_RFC_V1) | (1u << PROFILE_CRPIN_RFC_V2) |
                     (1u << PROFILE_CRPIN_V3))
