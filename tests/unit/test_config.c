/* Key bindings and config text: the defaults parse, user lines override,
 * bad lines are refused with their number and leave the config as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curses.h>
#include <string.h>

#include "tui/actions.h"

static vt_config defaults(void)
{
    vt_config c;
    vt_err err = { { 0 } };

    memset(&c, 0, sizeof(c));
    c.color = -1;
    assert_int_equal(vt_config_parse(vt_default_config, &c, &err), 0);
    return c;
}

static void test_defaults(void **state)
{
    vt_config c = defaults();
    char buf[16];
    int i;

    (void)state;
    assert_int_equal(vt_config_lookup(&c, 'q'), VT_ACT_QUIT);
    assert_int_equal(vt_config_lookup(&c, 'j'), VT_ACT_DOWN);
    assert_int_equal(vt_config_lookup(&c, KEY_DOWN), VT_ACT_DOWN);
    assert_int_equal(vt_config_lookup(&c, '\n'), VT_ACT_OPEN);
    assert_int_equal(vt_config_lookup(&c, KEY_ENTER), VT_ACT_OPEN);
    assert_int_equal(vt_config_lookup(&c, 27), VT_ACT_BACK);
    assert_int_equal(vt_config_lookup(&c, '\t'), VT_ACT_NEXT_PANEL);
    assert_int_equal(vt_config_lookup(&c, '/'), VT_ACT_FILTER);
    assert_int_equal(vt_config_lookup(&c, 'H'), VT_ACT_HOST);
    assert_int_equal(vt_config_lookup(&c, '?'), VT_ACT_HELP);
    assert_int_equal(vt_config_lookup(&c, KEY_F(1)), VT_ACT_HELP);
    assert_int_equal(vt_config_lookup(&c, 12), VT_ACT_REFRESH);   /* ^L */
    assert_int_equal(vt_config_lookup(&c, 'z'), VT_ACT_NONE);
    assert_int_equal(vt_config_lookup(&c, 'S'), VT_ACT_SORT_REVERSE);
    assert_string_equal(c.theme, "default");
    /* every action has a name, a help text and at least one key */
    for (i = 0; i < VT_ACT_LAST; i++) {
        assert_non_null(vt_action_get((vt_action)i)->help);
        assert_int_equal(vt_action_from_name(vt_action_get((vt_action)i)->name), i);
        assert_true(vt_config_key_for(&c, (vt_action)i) >= 0);
    }
    assert_string_equal(vt_key_name(KEY_F(1), buf, sizeof(buf)), "F1");
    assert_string_equal(vt_key_name('\n', buf, sizeof(buf)), "Enter");
    assert_string_equal(vt_key_name(12, buf, sizeof(buf)), "^L");
    assert_string_equal(vt_key_name('q', buf, sizeof(buf)), "q");
}

static void test_user(void **state)
{
    vt_config c = defaults();
    vt_err err = { { 0 } };

    (void)state;
    assert_int_equal(vt_config_parse("# mine\nbind x quit\nunbind q\nbind q help  # q opens help\n"
                                     "theme high-contrast\ncolor no\n\n", &c, &err), 0);
    assert_int_equal(vt_config_lookup(&c, 'x'), VT_ACT_QUIT);
    assert_int_equal(vt_config_lookup(&c, 'q'), VT_ACT_HELP);
    assert_string_equal(c.theme, "high-contrast");
    assert_int_equal(c.color, 0);
    assert_int_equal(vt_config_parse("bind ^a refresh\nbind F12 host\n", &c, &err), 0);
    assert_int_equal(vt_config_lookup(&c, 1), VT_ACT_REFRESH);
    assert_int_equal(vt_config_lookup(&c, KEY_F(12)), VT_ACT_HOST);
}

static void expect_bad(const char *text, const char *needle)
{
    vt_config c = defaults(), before = c;
    vt_err err = { { 0 } };

    assert_int_equal(vt_config_parse(text, &c, &err), -1);
    assert_non_null(strstr(err.msg, needle));
    assert_memory_equal(&c, &before, sizeof(c));   /* nothing half-applied */
}

static void test_bad(void **state)
{
    (void)state;
    expect_bad("bind x quit\nbind Fizz quit\n", "line 2: unknown key \"Fizz\"");
    expect_bad("bind x explode\n", "line 1: unknown action \"explode\"");
    expect_bad("bind xy quit\n", "unknown key");
    expect_bad("bind F13 quit\n", "unknown key");
    expect_bad("colour yes\n", "line 1: cannot read");
    expect_bad("color maybe\n", "cannot read");
    expect_bad("bind x\n", "cannot read");
    expect_bad("theme a b\n", "cannot read");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_user),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
