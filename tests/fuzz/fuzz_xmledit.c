/* domain XML: the parser, and every edit on what parses: the result
 * parses again and carries the edit */
#include "fuzz.h"

#include "domxml.h"
#include "plan.h"
#include "xmledit.h"

static const char *const edits =
    "vm x iothreads 2\nvm x iothread 1 pin 0-1\nvm x disk vda iothread 1\n"
    "vm x controller 0 iothread 1\nvm x vcpu 0 pin 1\nvm x emulator pin 0\n"
    "vm x hugepages 2M nodeset 0\nvm x hugepages off\nvm x numatune strict 0\n"
    "vm x seclabel dynamic relabel yes\nvm x seclabel none\n"
    "vm x disk vda cache none io native\nvm x disk vda cache writeback\nvm x disk vda io threads\n"
    "vm x nic 52:54:00:12:34:56 queues 4\nvm x nic 52:54:00:12:34:56 driver vhost\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    vt_domdef *def = vt_domdef_parse(s, NULL);
    vt_changeset cs = { 0 };

    if (def && vt_plan_parse(edits, &cs, NULL) == 0) {
        for (size_t i = 0; i < cs.n; i++) {
            char *out = vt_xml_apply_edit(s, &cs.edits[i], NULL);
            if (out) {
                vt_domdef *d2 = vt_domdef_parse(out, NULL);
                FUZZ_CHECK(d2 != NULL);
                vt_domdef_free(d2);
                free(out);
            }
        }
    }
    vt_changeset_clear(&cs);
    vt_domdef_free(def);
    free(s);
    return 0;
}
