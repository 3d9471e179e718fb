/* x86 control-register, EFER and MSR numbers as this core reads the SDM and KVM (cr-pinning-and-x86-facts D). */
#ifndef HVABI_KVM_BITS_H
#define HVABI_KVM_BITS_H

#include <stdint.h>

#define BIT64(n) (UINT64_C(1) << (n))

#define CR0_PE BIT64(0)
#define CR0_MP BIT64(1)
#define CR0_EM BIT64(2)
#define CR0_TS BIT64(3)
#define CR0_ET BIT64(4)
#define CR0_NE BIT64(5)
#define CR0_WP BIT64(16)
#define CR0_AM BIT64(18)
#define CR0_NW BIT64(29)
#define CR0_CD BIT64(30)
#define CR0_PG BIT64(31)
/* The bits of 31:0 KVM keeps; a write drops the others. */
#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
/* What LMSW can change. */
#define CR0_LMSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS)

#define CR4_VME BIT64(0)
#define CR4_PVI BIT64(1)
#define CR4_TSD BIT64(2)
#define CR4_DE BIT64(3)
#define CR4_PSE BIT64(4)
#define CR4_PAE BIT64(5)
#define CR4_MCE BIT64(6)
#define CR4_PGE BIT64(7)
#define CR4_PCE BIT64(8)
#define CR4_OSFXSR BIT64(9)
#define CR4_OSXMMEXCPT BIT64(10)
#define CR4_UMIP BIT64(11)
#define CR4_LA57 BIT64(12)
#define CR4_VMXE BIT64(13)
#define CR4_FSGSBASE BIT64(16)
#define CR4_PCIDE BIT64(17)
#define CR4_OSXSAVE BIT64(18)
#define CR4_SMEP BIT64(20)
#define CR4_SMAP BIT64(21)
#define CR4_PKE BIT64(22)
#define CR4_CET BIT64(23)
#define CR4_LAM_SUP BIT64(28)
#define CR4_FRED BIT64(32)
/* Every bit KVM knows; the rest (14, 15, 19, 24-27, 29-31, 33-63) are reserved. */
#define CR4_KNOWN                                                                                                      \
    (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR |             \
     CR4_OSXMMEXCPT | CR4_UMIP | CR4_LA57 | CR4_VMXE | CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE | CR4_SMEP | CR4_SMAP |   \
     CR4_PKE | CR4_CET | CR4_LAM_SUP | CR4_FRED)

#define CR3_PCID_MASK UINT64_C(0xfff)

#define EFER_SCE BIT64(0)
#define EFER_LME BIT64(8)
#define EFER_LMA BIT64(10)
#define EFER_NXE BIT64(11)
#define EFER_KNOWN (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

#define MSR_EFER UINT64_C(0xc0000080)
/* KVM's range of paravirtual MSRs. */
#define MSR_KVM_RANGE_LOW UINT64_C(0x4b564d00)
#define MSR_KVM_RANGE_HIGH UINT64_C(0x4b564dff)

#define CPUID_KVM_SIGNATURE UINT64_C(0x40000000)
#define CPUID_KVM_FEATURES UINT64_C(0x40000001)

/* The state INIT and power-on load (SDM reset values as KVM loads them). */
#define RESET_CR0 UINT64_C(0x60000010)

#endif
