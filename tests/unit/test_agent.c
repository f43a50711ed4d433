/* core/agent: a guest-info reply as QEMU 7.2's qemu-ga gives it (blocked
 * RPCs and the commands it disables on Linux by itself), replies that are
 * not guest-info, and the one sentence the panel, the report and the
 * advisor share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/* the shape of qemu-ga 7.2 started with --block-rpcs=guest-file-open,guest-file-close:
   the order is the agent's, not sorted */
static const char reply[] =
    "{\"return\":{\"version\":\"7.2.0\",\"supported_commands\":["
    "{\"enabled\":true,\"name\":\"guest-exec\",\"success-response\":true},"
    "{\"enabled\":false,\"name\":\"guest-get-devices\",\"success-response\":true},"
    "{\"enabled\":true,\"name\":\"guest-file-read\",\"success-response\":true},"
    "{\"enabled\":false,\"name\":\"guest-file-open\",\"success-response\":true},"
    "{\"enabled\":false,\"name\":\"guest-file-close\",\"success-response\":true},"
    "{\"enabled\":true,\"name\":\"guest-ping\",\"success-response\":true}]}}";

static void test_parse(void **state)
{
    vt_agent_info a = { 0 };
    char *t;

    (void)state;
    assert_int_equal(vt_agent_parse(reply, &a), 0);
    assert_int_equal(a.status, VT_AGENT_KNOWN);
    assert_int_equal(a.ndisabled, 3);
    assert_string_equal(a.disabled[0], "guest-file-close");
    assert_string_equal(a.disabled[1], "guest-file-open");
    assert_string_equal(a.disabled[2], "guest-get-devices");
    /* risky ones in vt_agent_risky's order */
    assert_int_equal(a.nrisky, 2);
    assert_string_equal(a.risky[0], "guest-file-read");
    assert_string_equal(a.risky[1], "guest-exec");
    t = vt_agent_text(&a);
    assert_string_equal(t, "disabled: guest-file-close, guest-file-open, guest-get-devices");
    free(t);
    t = vt_agent_risky_text(&a);
    assert_string_equal(t, "enabled: guest-file-read, guest-exec");
    free(t);
    vt_agent_info_clear(&a);
    assert_int_equal(a.status, VT_AGENT_NOT_ASKED);
}

static void test_none_disabled(void **state)
{
    vt_agent_info a = { 0 };
    char *t;

    (void)state;
    assert_int_equal(vt_agent_parse("{\"return\":{\"supported_commands\":["
                                    "{\"enabled\":true,\"name\":\"guest-ping\"}]}}", &a), 0);
    t = vt_agent_text(&a);
    assert_string_equal(t, "disabled: none");
    free(t);
    t = vt_agent_risky_text(&a);
    assert_string_equal(t, "");
    free(t);
    vt_agent_info_clear(&a);
}

static void test_bad_replies(void **state)
{
    static const char *const bad[] = { "", "not json", "{\"error\":{\"class\":\"GenericError\"}}",
                                       "{\"return\":{}}", "{\"return\":{\"supported_commands\":3}}" };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vt_agent_info a = { 0 };
        char *t;
        assert_int_equal(vt_agent_parse(bad[i], &a), -1);
        assert_int_equal(a.status, VT_AGENT_FAILED);
        t = vt_agent_text(&a);
        assert_string_equal(t, "not known: guest-info gave an unexpected reply");
        free(t);
        vt_agent_info_clear(&a);
    }
    {
        vt_agent_info a = { 0 };
        assert_int_equal(vt_agent_parse(NULL, &a), -1);
        vt_agent_info_clear(&a);
    }
}

static void test_askable(void **state)
{
    vt_domdef def = { 0 };
    vt_agent_info a = { 0 };
    char *t;

    (void)state;
    assert_false(vt_agent_askable(&def, true, false, &a));
    t = vt_agent_text(&a);
    assert_string_equal(t, "not asked: the VM has no guest agent channel");
    free(t);
    def.agent_channel = true;
    assert_false(vt_agent_askable(&def, false, false, &a));
    assert_int_equal(a.status, VT_AGENT_NOT_RUNNING);
    t = vt_agent_text(&a);
    assert_string_equal(t, "not asked: the VM is not running");
    free(t);
    assert_false(vt_agent_askable(&def, true, false, &a));
    assert_int_equal(a.status, VT_AGENT_STATE_UNKNOWN);
    def.agent_state = (char *)"disconnected";
    assert_false(vt_agent_askable(&def, true, false, &a));
    assert_int_equal(a.status, VT_AGENT_DISCONNECTED);
    t = vt_agent_text(&a);
    assert_string_equal(t, "not asked: the agent is not connected");
    free(t);
    def.agent_state = (char *)"connected";
    assert_false(vt_agent_askable(&def, true, true, &a));
    t = vt_agent_text(&a);
    assert_string_equal(t, "not asked: a read-only connection cannot talk to the agent");
    free(t);
    assert_true(vt_agent_askable(&def, true, false, &a));
    assert_int_equal(a.status, VT_AGENT_NOT_ASKED);
    t = vt_agent_text(&a);
    assert_string_equal(t, "not asked yet");
    free(t);
    vt_agent_info_clear(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_none_disabled),
        cmocka_unit_test(test_bad_replies),
        cmocka_unit_test(test_askable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
