#include "abi.h"

const char *gntst_name(int status)
{
    static const char *const names[] = {
        "GNTST_okay",           "GNTST_general_error",   "GNTST_bad_domain",     "GNTST_bad_gntref",
        "GNTST_bad_handle",     "GNTST_bad_virt_addr",   "GNTST_bad_dev_addr",   "GNTST_no_device_space",
        "GNTST_permission_denied", "GNTST_bad_page",     "GNTST_bad_copy_arg",   "GNTST_address_too_big",
        "GNTST_eagain",         "GNTST_no_space",
    };
    int index = -status;
    return index >= 0 && index < (int)(sizeof names / sizeof names[0]) ? names[index] : "GNTST_general_error";
}
