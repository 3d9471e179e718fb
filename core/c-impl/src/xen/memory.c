/* mem_write / mem_read: a domain touching its own frames, no hypercall involved. */
#include "memory.h"

#include <string.h>

#include "errno.h"
#include "model.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* 0, or -EFAULT when the bytes are not all in a frame the domain owns (a bad guest address either way). */
static int check_access(struct xen_step *step, struct xen_domain *domain, uint64_t frame, int64_t offset,
                        int64_t length)
{
    if (frame_owner(step->host, frame) != domain->domid || offset + length > (int64_t)XEN_PAGE_SIZE)
        return -XEN_EFAULT;
    return 0;
}

static void mem_write(struct xen_step *step)
{
    int64_t domain_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint64_t frame = arg_hex64(step->run, step->args, "frame");
    int64_t offset = arg_int(step->run, step->args, "offset", 0, XEN_PAGE_SIZE - 1);
    const struct json_value *bytes = arg_string(step->run, step->args, "bytes");
    if (bytes->length == 0 || bytes->length % 2 != 0)
        case_fail(step->run, "args.bytes must be an even number (at least 2) of lowercase hex digits");
    int64_t length = bytes->length / 2;
    for (uint32_t i = 0; i < bytes->length; i++)
        if (hex_value(bytes->u.string[i]) < 0)
            case_fail(step->run, "args.bytes must be lowercase hex digits, found '%c' at %u", bytes->u.string[i], i);
    struct xen_domain *domain = xen_calling_domain(step->host, domain_id);
    int rc = check_access(step, domain, frame, offset, length);
    if (rc == 0) {
        unsigned char *memory = frame_bytes_for_write(step->host, frame) + offset;
        for (int64_t i = 0; i < length; i++)
            memory[i] = (unsigned char)(hex_value(bytes->u.string[2 * i]) << 4 | hex_value(bytes->u.string[2 * i + 1]));
    }
    step->outcome->result = xen_result_name(rc);
}

static void mem_read(struct xen_step *step)
{
    int64_t domain_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint64_t frame = arg_hex64(step->run, step->args, "frame");
    int64_t offset = arg_int(step->run, step->args, "offset", 0, XEN_PAGE_SIZE - 1);
    int64_t length = arg_int(step->run, step->args, "length", 1, XEN_PAGE_SIZE);
    struct xen_domain *domain = xen_calling_domain(step->host, domain_id);
    int rc = check_access(step, domain, frame, offset, length);
    step->outcome->result = xen_result_name(rc);
    if (rc != 0)
        return;
    static const char digits[] = "0123456789abcdef";
    char *text = case_alloc(step->run, (size_t)length * 2 + 1);
    const unsigned char *memory = frame_bytes(step->host, frame);
    for (int64_t i = 0; i < length; i++) {
        unsigned char byte = memory != NULL ? memory[offset + i] : 0;
        text[2 * i] = digits[byte >> 4];
        text[2 * i + 1] = digits[byte & 0xf];
    }
    text[length * 2] = '\0';
    outcome_return(step->outcome, "bytes", value_text_n(text, (size_t)length * 2));
}

const struct xen_op xen_memory_ops[] = {
    { "mem_write", mem_write },
    { "mem_read", mem_read },
};
const size_t xen_memory_op_count = sizeof xen_memory_ops / sizeof xen_memory_ops[0];
