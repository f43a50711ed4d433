#include "applyplan.h"

#include <stdio.h>
#include <string.h>

static const char *const effect_names[VT_EFFECT_LAST] = {
    [VT_EFFECT_LIVE_NOW] = N_("live now"),
    [VT_EFFECT_NEXT_START] = N_("at next start"),
    [VT_EFFECT_NEEDS_RESTART] = N_("needs restart"),
    [VT_EFFECT_UNTIL_REBOOT] = N_("live now, until reboot"),
    [VT_EFFECT_AT_BOOT] = N_("at next boot"),
};

const char *vt_applyplan_effect_name(vt_effect e)
{
    return e < VT_EFFECT_LAST ? _(effect_names[e]) : "?";
}

/* Every effect the steps have, so that the counts always add up to the
 * steps (a host plan is all "until reboot" and "at next boot"); the
 * effects no step has are left out rather than shown as 0. */
char *vt_applyplan_effect_summary(const vt_applyplan *p, const char *sep)
{
    size_t n[VT_EFFECT_LAST] = { 0 };
    vt_buf b = { 0 };

    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].effect < VT_EFFECT_LAST)
            n[p->steps[i].effect]++;
    for (int e = 0; e < VT_EFFECT_LAST; e++)
        if (n[e])
            vt_buf_addf(&b, "%s%s: %zu", b.len ? sep : "", _(effect_names[e]), n[e]);
    return vt_buf_steal(&b);
}

const char *vt_applyplan_state_name(vt_step_state s)
{
    switch (s) {
    case VT_STEP_PENDING: return "pending";
    case VT_STEP_DONE: return "done";
    case VT_STEP_FAILED: return "FAILED";
    case VT_STEP_UNDONE: return "undone";
    case VT_STEP_UNDO_FAILED: return "UNDO FAILED";
    case VT_STEP_SKIPPED: return "not run";
    }
    return "?";
}

vt_step *vt_applyplan_add_step(vt_applyplan *p, vt_step_kind kind)
{
    vt_step *s = vt_array_push(&p->steps, &p->nsteps, sizeof(vt_step));

    s->kind = kind;
    return s;
}

void vt_applyplan_warn(vt_applyplan *p, const char *fmt, ...)
{
    va_list ap;
    vt_buf b = { 0 };
    char tmp[1024];

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    vt_buf_add(&b, tmp);
    p->warnings = vt_realloc(p->warnings, (p->nwarnings + 1) * sizeof(char *));
    p->warnings[p->nwarnings++] = vt_buf_steal(&b);
}

void vt_applyplan_add_change(vt_step *s, const char *what, const char *before, const char *after,
                             int line)
{
    vt_change *ch = vt_array_push(&s->changes, &s->nchanges, sizeof(vt_change));

    ch->what = vt_strdup(what);
    ch->before = vt_strdup(before ? before : "(none)");
    ch->after = vt_strdup(after ? after : "(none)");
    ch->line = line;
}

void vt_applyplan_where(const vt_edit *e, char *buf, size_t n)
{
    if (e->line > 0)
        snprintf(buf, n, _("line %d: "), e->line);
    else
        buf[0] = '\0';
}

void vt_applyplan_clear_step(vt_step *s)
{
    size_t i;

    if (!s)
        return;
    free(s->vm);
    free(s->uuid);
    free(s->value);
    free(s->mode);
    free(s->call);
    free(s->virsh);
    for (i = 0; i < s->nchanges; i++) {
        free(s->changes[i].what);
        free(s->changes[i].before);
        free(s->changes[i].after);
    }
    free(s->changes);
    free(s->base_xml);
    free(s->new_xml);
    free(s->diff);
    free(s->validation);
    free(s->undo_value);
    free(s->undo_mode);
    free(s->result);
    free(s->path);
    free(s->write);
    free(s->knob);
    free(s->file_before);
    memset(s, 0, sizeof(*s));
}

void vt_applyplan_clear(vt_applyplan *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nsteps; i++)
        vt_applyplan_clear_step(&p->steps[i]);
    free(p->steps);
    for (i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    for (i = 0; i < p->nvms; i++) {
        free(p->vm_uuids[i]);
        free(p->vm_xml[i]);
    }
    free(p->vm_uuids);
    free(p->vm_xml);
    free(p->reverts);
    vt_judgement_clear(&p->judged);
    memset(p, 0, sizeof(*p));
}

void vt_judgement_clear(vt_judgement *j)
{
    if (!j)
        return;
    free(j->why);
    for (size_t i = 0; i < j->nedits; i++)
        free(j->edits[i]);
    free(j->edits);
    for (size_t i = 0; i < j->nverdicts; i++)
        free(j->verdicts[i].text);
    free(j->verdicts);
    memset(j, 0, sizeof(*j));
}

const char *vt_verdict_word(vt_verdict_kind k)
{
    switch (k) {
    /* TRANSLATORS: a verdict on one advisor finding, before its text: "resolves: ..." */
    case VT_VERDICT_RESOLVES: return _("resolves");
    /* TRANSLATORS: a verdict on one advisor finding, before its text: "introduces: ..." */
    case VT_VERDICT_INTRODUCES: return _("introduces");
    case VT_VERDICT_PENDING: return _("pending restart");
    /* TRANSLATORS: a verdict on one advisor finding: the finding is still there */
    case VT_VERDICT_STILL: return _("still");
    }
    return "?";
}

char *vt_judgement_text(const vt_judgement *j, const char *indent)
{
    vt_buf b = { 0 };

    for (size_t e = 0; e < j->nedits; e++) {
        bool head = false;
        for (size_t i = 0; i < j->nverdicts; i++) {
            const vt_verdict *v = &j->verdicts[i];
            if (v->edit != e)
                continue;
            if (!head)
                vt_buf_addf(&b, "%s%s\n", indent, j->edits[e]);
            head = true;
            vt_buf_addf(&b, "%s  %s: %s\n", indent, vt_verdict_word(v->kind), v->text);
        }
    }
    return b.buf ? vt_buf_steal(&b) : vt_strdup("");
}
