#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void line_reader_init(struct line_reader *reader, int fd, size_t max_line)
{
    memset(reader, 0, sizeof *reader);
    reader->fd = fd;
    reader->max_line = max_line;
}

void line_reader_release(struct line_reader *reader)
{
    free(reader->buffer);
    reader->buffer = NULL;
}

enum line_status line_read(struct line_reader *reader, char **line, size_t *length)
{
    size_t scanned = reader->start;
    for (;;) {
        char *newline = reader->end > scanned ? memchr(reader->buffer + scanned, '\n', reader->end - scanned) : NULL;
        if (newline != NULL) {
            size_t at = (size_t)(newline - reader->buffer);
            *line = reader->buffer + reader->start;
            *length = at - reader->start;
            reader->start = at + 1;
            return *length > reader->max_line ? LINE_TOO_LONG : LINE_READ;
        }
        scanned = reader->end;
        if (reader->at_eof) {
            if (reader->start == reader->end)
                return LINE_END_OF_INPUT;
            *line = reader->buffer + reader->start;
            *length = reader->end - reader->start;
            reader->start = reader->end;
            return *length > reader->max_line ? LINE_TOO_LONG : LINE_READ;
        }
        if (reader->end - reader->start > reader->max_line) {
            /* Drop the oversized line up to its end so the next one can still be read. */
            reader->start = reader->end = scanned = 0;
            for (;;) {
                char chunk[65536];
                ssize_t got = read(reader->fd, chunk, sizeof chunk);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0) {
                    reader->at_eof = true;
                    return got < 0 ? LINE_READ_ERROR : LINE_TOO_LONG;
                }
                char *newline_in_chunk = memchr(chunk, '\n', (size_t)got);
                if (newline_in_chunk != NULL) {
                    size_t rest = (size_t)got - (size_t)(newline_in_chunk + 1 - chunk);
                    memcpy(reader->buffer, newline_in_chunk + 1, rest);
                    reader->end = rest;
                    return LINE_TOO_LONG;
                }
            }
        }
        /* Make room: move the partial line to the front, grow when it is full. */
        if (reader->start > 0) {
            memmove(reader->buffer, reader->buffer + reader->start, reader->end - reader->start);
            reader->end -= reader->start;
            scanned -= reader->start;
            reader->start = 0;
        }
        if (reader->capacity - reader->end < 65536) {
            size_t capacity = reader->capacity ? reader->capacity * 2 : 1 << 20;
            char *buffer = realloc(reader->buffer, capacity);
            if (buffer == NULL)
                return LINE_OUT_OF_MEMORY;
            reader->buffer = buffer;
            reader->capacity = capacity;
        }
        ssize_t got = read(reader->fd, reader->buffer + reader->end, reader->capacity - reader->end);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return LINE_READ_ERROR;
        }
        if (got == 0)
            reader->at_eof = true;
        reader->end += (size_t)got;
    }
}

bool write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += written;
        length -= (size_t)written;
    }
    return true;
}
