/* Lines in from the runner, bytes out to it. */
#ifndef HVABI_IO_H
#define HVABI_IO_H

#include <stdbool.h>
#include <stddef.h>

struct line_reader {
    int fd;
    char *buffer;
    size_t capacity;
    size_t start;
    size_t end;
    size_t max_line;
    bool at_eof;
};

enum line_status { LINE_READ, LINE_END_OF_INPUT, LINE_TOO_LONG, LINE_READ_ERROR, LINE_OUT_OF_MEMORY };

void line_reader_init(struct line_reader *reader, int fd, size_t max_line);
void line_reader_release(struct line_reader *reader);

/*
 * The next line without its '\n' (a trailing '\r' stays: JSON treats it as
 * whitespace). The text is writable and valid until the next call. A last
 * line without '\n' still counts.
 */
enum line_status line_read(struct line_reader *reader, char **line, size_t *length);

/* Writes everything, retrying short writes; false when the reader went away. */
bool write_all(int fd, const char *data, size_t length);

#endif
