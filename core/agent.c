#include "agent.h"

#include <json-c/json.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <string.h>
#include <time.h>

const char *const vt_agent_risky[] = { "guest-file-open", "guest-file-write", "guest-file-read",
                                       "guest-exec" };
const size_t vt_agent_nrisky = sizeof(vt_agent_risky) / sizeof(vt_agent_risky[0]);

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void vt_agent_info_clear(vt_agent_info *a)
{
    if (!a)
        return;
    strv_free(a->disabled, a->ndisabled);
    strv_free(a->risky, a->nrisky);
    free(a->why);
    memset(a, 0, sizeof(*a));
}

void vt_agent_info_move(vt_agent_info *to, vt_agent_info *from)
{
    vt_agent_info_clear(to);
    *to = *from;
    memset(from, 0, sizeof(*from));
}

bool vt_agent_askable(const vt_domdef *live, bool active, bool readonly, vt_agent_info *out)
{
    vt_agent_info_clear(out);
    if (!live || !live->agent_channel)
        out->status = VT_AGENT_NO_CHANNEL;
    else if (!active)
        out->status = VT_AGENT_NOT_RUNNING;
    else if (!live->agent_state)
        out->status = VT_AGENT_STATE_UNKNOWN;
    else if (strcmp(live->agent_state, "connected") != 0)
        out->status = VT_AGENT_DISCONNECTED;
    else if (readonly)
        out->status = VT_AGENT_READONLY;
    else
        return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void failed(vt_agent_info *out, const char *why)
{
    vt_agent_info_clear(out);
    out->status = VT_AGENT_FAILED;
    out->why = vt_strdup(why);
}

int vt_agent_parse(const char *reply, vt_agent_info *out)
{
    json_object *root = NULL, *ret, *cmds;
    bool on[8] = { false };

    vt_agent_info_clear(out);
    if (!reply || !(root = json_tokener_parse(reply)) ||
        !json_object_object_get_ex(root, "return", &ret) ||
        !json_object_object_get_ex(ret, "supported_commands", &cmds) ||
        !json_object_is_type(cmds, json_type_array)) {
        json_object_put(root);
        failed(out, "guest-info gave an unexpected reply");
        return -1;
    }
    for (size_t i = 0; i < json_object_array_length(cmds); i++) {
        json_object *cmd = json_object_array_get_idx(cmds, i), *name, *en;
        const char *n;
        if (!json_object_object_get_ex(cmd, "name", &name) ||
            !json_object_object_get_ex(cmd, "enabled", &en) || !(n = json_object_get_string(name)))
            continue;
        if (!json_object_get_boolean(en)) {
            char **slot = vt_array_push(&out->disabled, &out->ndisabled, sizeof(char *));
            *slot = vt_strdup(n);
            continue;
        }
        for (size_t k = 0; k < vt_agent_nrisky && k < sizeof(on) / sizeof(on[0]); k++)
            if (strcmp(n, vt_agent_risky[k]) == 0)
                on[k] = true;
    }
    vt_qsort(out->disabled, out->ndisabled, sizeof(char *), cmp_str);
    for (size_t k = 0; k < vt_agent_nrisky && k < sizeof(on) / sizeof(on[0]); k++)
        if (on[k]) {
            char **slot = vt_array_push(&out->risky, &out->nrisky, sizeof(char *));
            *slot = vt_strdup(vt_agent_risky[k]);
        }
    out->status = VT_AGENT_KNOWN;
    json_object_put(root);
    return 0;
}

void vt_agent_ask(virDomainPtr dom, vt_agent_info *out)
{
    struct timespec ts;
    char *reply;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    reply = virDomainQemuAgentCommand(dom, "{\"execute\":\"guest-info\"}", VT_AGENT_TIMEOUT_S, 0);
    if (!reply) {
        const char *m = virGetLastErrorMessage();
        char *why = vt_asprintf("guest-info did not answer: %s", m ? m : "no reason given");
        failed(out, why);
        free(why);
    } else {
        vt_agent_parse(reply, out);
    }
    out->asked_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    free(reply);
}

static char *join(const char *head, char **v, size_t n)
{
    vt_buf b = { 0 };

    vt_buf_add(&b, head);
    for (size_t i = 0; i < n; i++)
        vt_buf_addf(&b, "%s%s", i ? ", " : "", v[i]);
    if (!n)
        vt_buf_add(&b, "none");
    return vt_buf_steal(&b);
}

char *vt_agent_text(const vt_agent_info *a)
{
    switch (a ? a->status : VT_AGENT_NOT_ASKED) {
    case VT_AGENT_KNOWN:
        return join("disabled: ", a->disabled, a->ndisabled);
    case VT_AGENT_NO_CHANNEL:
        return vt_strdup("not asked: the VM has no guest agent channel");
    case VT_AGENT_NOT_RUNNING:
        return vt_strdup("not asked: the VM is not running");
    case VT_AGENT_DISCONNECTED:
        return vt_strdup("not asked: the agent is not connected");
    case VT_AGENT_STATE_UNKNOWN:
        return vt_strdup("not asked: libvirt does not say whether the agent is connected");
    case VT_AGENT_READONLY:
        return vt_strdup("not asked: a read-only connection cannot talk to the agent");
    case VT_AGENT_FAILED:
        return vt_asprintf("not known: %s", a->why ? a->why : "guest-info failed");
    case VT_AGENT_NOT_ASKED:
    case VT_AGENT_LAST:
        break;
    }
    return vt_strdup("not asked yet");
}

char *vt_agent_risky_text(const vt_agent_info *a)
{
    if (!a || a->status != VT_AGENT_KNOWN || !a->nrisky)
        return vt_strdup("");
    return join("enabled: ", a->risky, a->nrisky);
}
