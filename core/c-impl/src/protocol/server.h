/*
 * The hvabi core protocol, version 1 (spec/protocol.schema.json): JSON lines
 * on stdin/stdout. `start` is answered by `hello`, each `run` by one `result`
 * per case in order (each line written as soon as its case ends), `stop` ends
 * the process. A line that breaks the protocol is reported on stderr and ends
 * the process with status 2: the two sides no longer agree on what follows.
 */
#ifndef HVABI_SERVER_H
#define HVABI_SERVER_H

#define CORE_NAME "hvabi-c-core"
#define CORE_VERSION "0.1.0"
#define PROTOCOL_VERSION 1

/* Serves requests from `in_fd` to `out_fd`; returns the process exit status. */
int serve(int in_fd, int out_fd);

#endif
