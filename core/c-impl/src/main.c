/* hvabi-c-core: an hvabi core speaking the core protocol on stdin/stdout. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "protocol/server.h"

static void usage(FILE *to)
{
    fprintf(to,
            "usage: " CORE_NAME " [--version | --help]\n"
            "Speaks the hvabi core protocol version %d: JSON lines on stdin, results on stdout,\n"
            "diagnostics on stderr. Run it through the runner: hvabi run --core exec:<path to this program>\n",
            PROTOCOL_VERSION);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--version") == 0) {
            printf(CORE_NAME " " CORE_VERSION " (protocol %d)\n", PROTOCOL_VERSION);
            return 0;
        }
        usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    /* A runner that goes away shows up as a failed write, not as a signal. */
    signal(SIGPIPE, SIG_IGN);
    return serve(STDIN_FILENO, STDOUT_FILENO);
}
