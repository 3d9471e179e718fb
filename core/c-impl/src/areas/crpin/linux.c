/* A Linux guest kernel image: how it was built and what its command line asks for. */
#include <string.h>

#include "crpin.h"

static const char *const native_names[] = { "none", "5.3", "5.8", NULL };

void kernel_image_read(struct case_run *run, struct arg_object config, struct kernel_image *image)
{
    const struct json_value *cmdline = arg_string(run, config, "cmdline");
    image->cmdline = cmdline->u.string;
    image->cmdline_length = cmdline->length;
    image->cr_pin_patches = arg_bool(run, config, "crPinPatches");
    struct arg_object kconfig = arg_object(run, config, "kconfig");
    image->kvm_guest = arg_bool(run, kconfig, "KVM_GUEST");
    image->paravirt_cr_pin_asked = arg_bool(run, kconfig, "PARAVIRT_CR_PIN");
    image->kexec_core = arg_bool(run, kconfig, "KEXEC_CORE");
    image->native = (enum native_generation)arg_enum(run, config, "nativePinning", native_names);
}

/* Linux's command-line parsers treat every byte up to ' ' as a separator (myisspace). */
static bool separator(char c)
{
    return (unsigned char)c <= ' ';
}

bool kernel_has_word(const struct kernel_image *image, const char *word)
{
    size_t word_length = strlen(word);
    const char *p = image->cmdline;
    const char *end = image->cmdline + image->cmdline_length;
    while (p < end) {
        while (p < end && separator(*p))
            p++;
        const char *start = p;
        while (p < end && !separator(*p))
            p++;
        if ((size_t)(p - start) == word_length && memcmp(start, word, word_length) == 0)
            return true;
    }
    return false;
}

bool kernel_pv_built(const struct revision *revision, const struct kernel_image *image)
{
    if (!image->cr_pin_patches || !image->kvm_guest)
        return false;
    if (revision->guest.kconfig == KCONFIG_DEPENDS_ON_NO_KEXEC)
        return image->paravirt_cr_pin_asked && !image->kexec_core;
    return true; /* KVM_GUEST selects it */
}

/* memparse() as the clause reads it: decimal or 0x, then an optional K, M, G, T, P or E. */
static bool parse_size(const char **cursor, const char *end, uint64_t *size)
{
    const char *p = *cursor;
    uint64_t value = 0;
    bool hex = end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (hex)
        p += 2;
    const char *digits = p;
    for (; p < end; p++) {
        unsigned digit;
        if (*p >= '0' && *p <= '9')
            digit = (unsigned)(*p - '0');
        else if (hex && *p >= 'a' && *p <= 'f')
            digit = (unsigned)(*p - 'a' + 10);
        else if (hex && *p >= 'A' && *p <= 'F')
            digit = (unsigned)(*p - 'A' + 10);
        else
            break;
        value = value * (hex ? 16 : 10) + digit;
    }
    if (p == digits)
        return false;
    static const char suffixes[] = "KMGTPE";
    if (p < end) {
        const char *suffix = strchr(suffixes, *p >= 'a' ? *p - ('a' - 'A') : *p);
        if (suffix != NULL && *suffix != '\0') {
            value <<= 10 * (unsigned)(suffix - suffixes + 1);
            p++;
        }
    }
    *size = value;
    *cursor = p;
    return true;
}

/* <size>[@offset] or <size>,high / <size>,low; anything else reserves nothing. */
static uint64_t crashkernel_value(const char *p, const char *end)
{
    uint64_t size;
    if (!parse_size(&p, end, &size))
        return 0;
    if (p == end)
        return size;
    if (*p == '@') {
        p++;
        uint64_t offset;
        return parse_size(&p, end, &offset) && p == end ? size : 0;
    }
    if ((size_t)(end - p) == 5 && memcmp(p, ",high", 5) == 0)
        return size;
    if ((size_t)(end - p) == 4 && memcmp(p, ",low", 4) == 0)
        return size;
    return 0;
}

uint64_t kernel_crashkernel_size(const struct kernel_image *image)
{
    static const char key[] = "crashkernel=";
    const size_t key_length = sizeof key - 1;
    const char *p = image->cmdline;
    const char *end = image->cmdline + image->cmdline_length;
    const char *last = NULL, *last_end = NULL;
    while (p < end) {
        while (p < end && separator(*p))
            p++;
        const char *start = p;
        while (p < end && !separator(*p))
            p++;
        if ((size_t)(p - start) >= key_length && memcmp(start, key, key_length) == 0) {
            last = start + key_length;
            last_end = p;
        }
    }
    return last != NULL ? crashkernel_value(last, last_end) : 0;
}
