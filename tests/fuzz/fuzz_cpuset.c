/* cpuset and kernel hex mask: what parses formats back to the same set */
#include "fuzz.h"

#include "cpuset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size), *f;
    vt_cpuset a, b;

    if (vt_cpuset_parse(s, &a, NULL) == 0) {
        FUZZ_CHECK(!vt_cpuset_is_empty(&a));
        f = vt_cpuset_format(&a);
        FUZZ_CHECK(vt_cpuset_parse(f, &b, NULL) == 0 && vt_cpuset_equal(&a, &b));
        free(f);
    }
    if (vt_hexmask_parse(s, &a, NULL) == 0 && !vt_cpuset_is_empty(&a)) {
        unsigned n = (unsigned)vt_cpuset_last(&a) + 1;
        f = vt_hexmask_format(&a, n);
        FUZZ_CHECK(vt_hexmask_parse(f, &b, NULL) == 0 && vt_cpuset_equal(&a, &b));
        free(f);
    }
    free(s);
    return 0;
}
