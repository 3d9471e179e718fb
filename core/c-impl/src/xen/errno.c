#include "errno.h"

const char *xen_result_name(int rc)
{
    switch (-rc) {
    case 0: return "ok";
    case XEN_EPERM: return "EPERM";
    case XEN_ENOENT: return "ENOENT";
    case XEN_ESRCH: return "ESRCH";
    case XEN_EINTR: return "EINTR";
    case XEN_EIO: return "EIO";
    case XEN_ENXIO: return "ENXIO";
    case XEN_E2BIG: return "E2BIG";
    case XEN_ENOEXEC: return "ENOEXEC";
    case XEN_EBADF: return "EBADF";
    case XEN_EAGAIN: return "EAGAIN";
    case XEN_ENOMEM: return "ENOMEM";
    case XEN_EACCES: return "EACCES";
    case XEN_EFAULT: return "EFAULT";
    case XEN_EBUSY: return "EBUSY";
    case XEN_EEXIST: return "EEXIST";
    case XEN_ENODEV: return "ENODEV";
    case XEN_EINVAL: return "EINVAL";
    case XEN_ENOSPC: return "ENOSPC";
    case XEN_ERANGE: return "ERANGE";
    case XEN_ENOSYS: return "ENOSYS";
    case XEN_ENODATA: return "ENODATA";
    case XEN_EOVERFLOW: return "EOVERFLOW";
    case XEN_ERESTART: return "ERESTART";
    case XEN_EOPNOTSUPP: return "EOPNOTSUPP";
    default: return 0;
    }
}
