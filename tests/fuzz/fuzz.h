/* libFuzzer harnesses: each feeds one parser (or writer) the fuzzer's
 * bytes as a NUL-terminated string, and checks what must always hold,
 * aborting when it does not (a crash is what libFuzzer reports). */
#ifndef VT_FUZZ_H
#define VT_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

#endif
