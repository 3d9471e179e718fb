/* The test kernel's link map (preprocessed with the width's layout.h). */
#include "layout.h"

ENTRY(_start)
SECTIONS
{
    . = KERNEL_VIRT_BASE;
    .text : { *(.text.entry) *(.text .text.*) }
    /* Pages a 32-bit PV kernel maps user-accessible: the user-mode stubs and their stack. */
    . = ALIGN(PAGE_SIZE_ASM);
    user_start = .;
    .user : { *(.user.text) *(.user.bss) }
    . = ALIGN(PAGE_SIZE_ASM);
    user_end = .;
    .rodata : { *(.rodata .rodata.*) }
    .note : { *(.note.Xen) *(.note.hvabi) }
    .data : { *(.data .data.*) }
    .bss : { *(.bss .bss.*) *(COMMON) }
    . = ALIGN(PAGE_SIZE_ASM);
    image_end = .;
    /DISCARD/ : { *(.comment) *(.eh_frame) *(.note.gnu.*) *(.note.GNU-stack) }
}
