/* numa_maps and sysfs selections ("always [madvise] never") */
#include "fuzz.h"

#include "sysparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    vt_numa_usage u;
    vt_selection sel;

    vt_numa_usage_init(&u);
    if (vt_numamaps_parse(s, &u, NULL) == 0)
        FUZZ_CHECK(u.max_node < VT_NUMA_MAX_NODES);
    if (vt_selection_parse(s, &sel, NULL) == 0) {
        FUZZ_CHECK(sel.selected < sel.nopts);
        vt_selection_free(&sel);
    }
    free(s);
    return 0;
}
