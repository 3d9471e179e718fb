/* Xen's errno values (xen/include/public/errno.h); hypercalls return their negatives. */
#ifndef HVABI_XEN_ERRNO_H
#define HVABI_XEN_ERRNO_H

enum xen_errno {
    XEN_EPERM = 1,
    XEN_ENOENT = 2,
    XEN_ESRCH = 3,
    XEN_EINTR = 4,
    XEN_EIO = 5,
    XEN_ENXIO = 6,
    XEN_E2BIG = 7,
    XEN_ENOEXEC = 8,
    XEN_EBADF = 9,
    XEN_EAGAIN = 11,
    XEN_ENOMEM = 12,
    XEN_EACCES = 13,
    XEN_EFAULT = 14,
    XEN_EBUSY = 16,
    XEN_EEXIST = 17,
    XEN_ENODEV = 19,
    XEN_EINVAL = 22,
    XEN_ENOSPC = 28,
    XEN_ERANGE = 34,
    XEN_ENOSYS = 38,
    XEN_ENODATA = 61,
    XEN_EOVERFLOW = 75,
    XEN_ERESTART = 85,
    XEN_EOPNOTSUPP = 95,
};

/* "ok" for 0, the errno's name for a negative errno, NULL for anything else. */
const char *xen_result_name(int rc);

#endif
