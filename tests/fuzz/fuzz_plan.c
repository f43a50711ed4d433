/* plan files: what parses formats to lines that parse to the same text */
#include "fuzz.h"

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    vt_changeset a = { 0 }, b = { 0 };

    if (vt_plan_parse(s, &a, NULL) == 0) {
        char *t1 = vt_plan_format(&a), *t2;
        FUZZ_CHECK(vt_plan_parse(t1, &b, NULL) == 0 && b.n == a.n);
        t2 = vt_plan_format(&b);
        FUZZ_CHECK(strcmp(t1, t2) == 0);
        free(t1);
        free(t2);
    }
    vt_changeset_clear(&a);
    vt_changeset_clear(&b);
    free(s);
    return 0;
}
