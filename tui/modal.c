/* Modals: what has the keyboard over the views, one at a time. Whoever
 * opens one hands it what to do with the answer; nothing here knows what
 * a question is for. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "tui/ui.h"
#include "widgets/dialog.h"
#include "widgets/input.h"
#include "widgets/text.h"

void vt_modal_open(vt_app *a, const vt_modal_ops *ops)
{
    a->modal = ops;
}

void vt_modal_close(vt_app *a)
{
    a->modal = NULL;
}

bool vt_modal_is(const vt_app *a, int is_key, wint_t ch, vt_action act, bool printable)
{
    if (!is_key && ch >= 0x20 && !printable)
        return false;
    if (!is_key && ch >= 0x80)
        return false;
    return vt_config_lookup(&a->cfg, (int)ch) == act;
}

void vt_modal_box(vt_app *a, int y0, int x0, int h, int w, const char *title)
{
    vt_box_draw(stdscr, y0, x0, h, w, title, vt_theme_attr(&a->th, VT_ROLE_DIALOG));
}

/* ---- questions ---- */

static struct {
    vt_dialog dlg;
    char title[128];
    char buttons[VT_DIALOG_MAX_BUTTONS][32];
    char msg[2048];
    vt_dialog_answer_fn answer;
} dq;

static void dialog_draw(vt_app *a)
{
    vt_dialog_draw(&dq.dlg, stdscr, &a->th);
}

static void dialog_key(vt_app *a, int is_key, wint_t ch)
{
    int r = vt_dialog_key(&dq.dlg, is_key, ch);
    vt_dialog_answer_fn answer = dq.answer;

    if (r == -1)
        return;
    /* closed first: the answer may open the next modal */
    vt_modal_close(a);
    if (answer)
        answer(a, r);
}

static const vt_modal_ops dialog_ops = { dialog_draw, dialog_key };

/* A button's label in the user's language, with the English label's key:
 * "Apply" shown as "应用(A)", so A answers in both languages (the dialog
 * takes the letter of a trailing "(X)", else the first one). */
static void button_label(char *buf, size_t n, const char *english)
{
    const char *shown = _(english);
    unsigned char k = (unsigned char)english[0];
    size_t len = strlen(shown);
    bool keeps = len && tolower((unsigned char)shown[0]) == tolower(k);

    if (len >= 4 && shown[len - 1] == ')' && shown[len - 3] == '(')
        keeps = tolower((unsigned char)shown[len - 2]) == tolower(k);
    if (keeps || k < 0x21 || k >= 0x7f)
        snprintf(buf, n, "%s", shown);
    else
        snprintf(buf, n, "%s(%c)", shown, toupper(k));
}

void vt_dialog_choose(vt_app *a, const char *title, const char *const *buttons, size_t n, size_t focus,
                      vt_dialog_answer_fn answer, const char *msg)
{
    memset(&dq.dlg, 0, sizeof(dq.dlg));
    snprintf(dq.title, sizeof(dq.title), "%s", title);
    snprintf(dq.msg, sizeof(dq.msg), "%s", msg);
    if (n > VT_DIALOG_MAX_BUTTONS)
        n = VT_DIALOG_MAX_BUTTONS;
    for (size_t i = 0; i < n; i++) {
        button_label(dq.buttons[i], sizeof(dq.buttons[i]), buttons[i]);
        dq.dlg.buttons[i] = dq.buttons[i];
    }
    dq.dlg.nbuttons = n;
    dq.dlg.focus = focus < n ? focus : 0;
    dq.dlg.title = dq.title;
    dq.dlg.message = dq.msg;
    dq.answer = answer;
    vt_modal_open(a, &dialog_ops);
}

void vt_dialog_ask(vt_app *a, const char *title, const char *yes, vt_dialog_answer_fn answer,
                   const char *fmt, ...)
{
    const char *buttons[2] = { yes, N_("Cancel") };
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* the safe answer is the default */
    vt_dialog_choose(a, title, buttons, 2, 1, answer, msg);
}

/* ---- one-line answers ---- */

static struct {
    vt_input in;
    char title[128];
    char label[128];
    char verb[32];
    vt_prompt_done_fn done;
    vt_prompt_cancel_fn cancel;
} pq;

static void prompt_draw(vt_app *a)
{
    int w = COLS - 4, h = 5, y0 = LINES - 3 - h, x0 = 2, pw = vt_text_width(pq.label) + 1;
    attr_t da = vt_theme_attr(&a->th, VT_ROLE_DIALOG);
    char hint[160];

    if (pw > w / 2)
        pw = w / 2;
    vt_modal_box(a, y0, x0, h, w, pq.title);
    vt_text_put(stdscr, y0 + 1, x0 + 2, pq.label, pw, da, 0);
    vt_input_draw(&pq.in, stdscr, y0 + 1, x0 + 2 + pw, w - 4 - pw, &a->th);
    vt_app_hint(a, hint, sizeof(hint), VT_ACT_OPEN, pq.verb, VT_ACT_BACK, _("cancels"), VT_ACT_NONE);
    if (pq.in.secret)
        snprintf(hint + strlen(hint), sizeof(hint) - strlen(hint), "   %s", _("(not shown, not kept)"));
    vt_text_put(stdscr, y0 + h - 2, x0 + 2, hint, w - 4, da, 0);
}

static void prompt_key(vt_app *a, int is_key, wint_t ch)
{
    vt_input_state st;
    vt_prompt_done_fn done = pq.done;
    vt_prompt_cancel_fn cancel = pq.cancel;

    st = vt_input_key(&pq.in, is_key, ch);
    if (st == VT_INPUT_CANCELLED) {
        vt_input_wipe(&pq.in);
        vt_modal_close(a);
        if (cancel)
            cancel(a);
    } else if (st == VT_INPUT_DONE) {
        char text[sizeof(pq.in.buf)];
        size_t len = pq.in.len;
        memcpy(text, pq.in.buf, sizeof(text));
        vt_input_wipe(&pq.in);
        vt_modal_close(a);
        done(a, text, len);
        vt_wipe(text, sizeof(text));
    }
}

static const vt_modal_ops prompt_ops = { prompt_draw, prompt_key };

void vt_prompt_open(vt_app *a, const char *title, const char *label, const char *initial, bool secret,
                    const char *verb, vt_prompt_check_fn check, vt_prompt_done_fn done,
                    vt_prompt_cancel_fn cancel)
{
    snprintf(pq.verb, sizeof(pq.verb), "%s", verb);
    snprintf(pq.title, sizeof(pq.title), "%s", title);
    snprintf(pq.label, sizeof(pq.label), "%s", label);
    vt_input_init(&pq.in, initial, check, NULL);
    pq.in.secret = secret;
    /* from the first password on, no core dump of this process */
    if (secret)
        prctl(PR_SET_DUMPABLE, 0);
    pq.done = done;
    pq.cancel = cancel;
    vt_modal_open(a, &prompt_ops);
}
