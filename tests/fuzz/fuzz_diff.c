/* unified diff: any two texts (split at the first NUL byte) */
#include "fuzz.h"

#include "diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size), *b = s + strlen(s), *d;
    size_t add, rem;

    b = b < s + size ? b + 1 : b;
    d = vt_diff_unified(s, b, "a", "b", 3);
    vt_diff_count(s, b, &add, &rem);
    FUZZ_CHECK(d != NULL && (add + rem == 0) == (*d == '\0'));
    free(d);
    free(s);
    return 0;
}
