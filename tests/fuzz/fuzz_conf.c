/* libvirt and SASL conf: readers, and a set that keeps the text parsable
 * with the new value; an unparsable text is never rewritten */
#include "fuzz.h"

#include "confread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size), *out;
    vt_conf c = { 0 };
    int ok;

    ok = vt_conf_parse_libvirt(s, &c, NULL) == 0;
    vt_conf_clear(&c);
    out = vt_conf_set_libvirt(s, "auth_tcp", "\"sasl\"", NULL);
    FUZZ_CHECK(ok == (out != NULL));
    if (out) {
        FUZZ_CHECK(vt_conf_parse_libvirt(out, &c, NULL) == 0);
        FUZZ_CHECK(strcmp(vt_conf_get(&c, "auth_tcp"), "sasl") == 0);
        vt_conf_clear(&c);
        free(out);
    }
    ok = vt_conf_parse_sasl(s, &c, NULL) == 0;
    vt_conf_clear(&c);
    out = vt_conf_set_sasl(s, "mech_list", "scram-sha-256", NULL);
    FUZZ_CHECK(ok == (out != NULL));
    if (out) {
        FUZZ_CHECK(vt_conf_parse_sasl(out, &c, NULL) == 0);
        FUZZ_CHECK(strcmp(vt_conf_get(&c, "mech_list"), "scram-sha-256") == 0);
        vt_conf_clear(&c);
        free(out);
    }
    free(s);
    return 0;
}
