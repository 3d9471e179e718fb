/* The HVM executor's link map: supervisor sections at the base, user sections 2 MiB up (they
 * are mapped by different 2 MiB pages: supervisor and user). */
#include "layout.h"

ENTRY(_start)
SECTIONS
{
    . = KERNEL_VIRT_BASE;
    .text : { *(.text.entry) *(.text .text.*) }
    .rodata : { *(.rodata .rodata.*) }
    .data : { *(.data .data.*) }
    .bss : { *(.bss .bss.*) *(COMMON) }
    . = ALIGN(PAGE_SIZE_ASM);
    image_end = .;
    . = KERNEL_VIRT_BASE + HVM_USER_OFFSET;
    user_start = .;
    .user : { *(.user.text) *(.user.bss) }
    . = ALIGN(PAGE_SIZE_ASM);
    user_end = .;
    /DISCARD/ : { *(.comment) *(.eh_frame) *(.note.gnu.*) *(.note.GNU-stack) *(.note.Xen) *(.note.hvabi) }
}
