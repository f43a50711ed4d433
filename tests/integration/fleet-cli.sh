#!/bin/sh
# Integration (issue 18): --check and --report over several hosts, and the
# Prometheus output. Four private libvirtd daemons, each serving a
# test-driver host on its own socket; the fourth stopped with SIGSTOP.
#
# - `--check --json` with -c four times returns within the single-host
#   open bound (15 s) plus a second: three entries judged, one error entry;
#   each judged host's findings are those of a single-host `--check --json`
#   against it (the oracle for the findings: the run of one host, whose
#   output is unchanged), and the exit status is the worst of the three.
#   The same with --hosts FILE and with the config file's host lines.
# - `--report=json`: three reports whose domains are virsh's `list --all`
#   of that host, one error entry, exit 1.
# - Every host stopped: --check exits 3. Text output: one heading per host,
#   in the given order.
# - `--check --format=prometheus` parsed by python's prometheus_client (a
#   parser that is not ours): per host, the findings gauges sum to the
#   findings of that host's JSON (those not pending a restart), check_ok is
#   1 for the three and 0 for the stopped one, one timestamp per host.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
VT=$(cd "${top_builddir:-$here/../..}" && pwd)/virt-tune
SRC=$(cd "${top_srcdir:-$here/../..}" && pwd)

vt_need_root
# Debian's python3 (its package), not another python3 first in PATH
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    cannot_run "python3's prometheus_client is not installed (python3-prometheus-client; run tools/setup)"
ROOT=$(mktemp -d /tmp/vt-fleet-cli.XXXXXX)
chmod 0755 "$ROOT"
VT_TEST_HOSTS=$ROOT
PIDS=""
cli_cleanup() {
    for p in $PIDS; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    rm -rf "$ROOT"
}
trap 'cli_cleanup' EXIT
trap 'exit 1' INT TERM HUP

vt_test_host 1 "$SRC/tests/data/node.xml"
vt_test_host 2 "$SRC/tests/data/placement.xml"
vt_test_host 3 "$SRC/data/demo/host.xml"
vt_test_host 4 "$SRC/tests/data/node.xml"
URI=""
export HOME=$ROOT/home XDG_CONFIG_HOME=$ROOT/cfg XDG_STATE_HOME=$ROOT/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME/virt-tune"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# the oracle per host, while every daemon answers: one host's --check
for i in 1 2 3; do
    eval "u=\$H${i}_URI"
    "$VT" -c "$u" --check --json > "$ROOT/one$i.json"
    eval "RC$i=$?"
done
WORST=$( (echo "$RC1"; echo "$RC2"; echo "$RC3") | sort -n | tail -1)
say "single-host --check: exit $RC1, $RC2, $RC3 (worst $WORST)"
kill -STOP "$H4_PID"

# ---- --check --json over four hosts, one stopped
t0=$(now_ms)
"$VT" -c "$H1_URI" -c "$H2_URI" -c "$H3_URI" -c "$H4_URI" --check --json > "$ROOT/check.json" 2> "$ROOT/check.err"
rc=$?
t=$(( $(now_ms) - t0 ))
[ "$t" -le 16000 ] && ok "--check over 4 hosts, one stopped: ${t} ms (bound 15 s + 1 s)" ||
    fail "--check over 4 hosts took $t ms"
[ "$rc" = "$WORST" ] && ok "--check: exit $rc, the worst of the three judged" || fail "--check: exit $rc, want $WORST"
"$PY" - "$ROOT" <<'PY' && ok "--check --json: three hosts judged as each alone, one error entry" || fail "--check --json: see above"
import json, sys
root = sys.argv[1]
d = json.load(open(root + "/check.json"))
hosts = d["hosts"]
assert [h["name"] for h in hosts] == ["localhost", "localhost-2", "localhost-3", "localhost-4"], [h["name"] for h in hosts]
for i, h in enumerate(hosts[:3]):
    one = json.load(open("%s/one%d.json" % (root, i + 1)))
    assert h["ok"] is True and h["error"] is None, h
    key = lambda f: (f["topic"], f["severity"], f["vm"] or "", f["summary"])
    assert sorted(map(key, h["findings"])) == sorted(map(key, one["findings"])), "host %d findings differ" % (i + 1)
    assert h["exit"] == one["exit"], (h["exit"], one["exit"])
h = hosts[3]
assert h["ok"] is False and h["findings"] is None and "answer" in h["error"], h
print("  entry 4:", h["error"])
PY
grep -q 'localhost-4: ' "$ROOT/check.err" && ok "--check: the stopped host is named on stderr" ||
    fail "--check stderr: $(cat "$ROOT/check.err")"

# ---- --hosts FILE, names given
printf '# the test fleet\nh1 %s\nh2 %s\n\nh3 %s   # the demo host\nh4 %s\n' "$H1_URI" "$H2_URI" "$H3_URI" "$H4_URI" > "$ROOT/hosts"
"$VT" --hosts "$ROOT/hosts" --check --json > "$ROOT/check2.json" 2>/dev/null
rc=$?
[ "$rc" = "$WORST" ] && [ "$(jq -r '[.hosts[].name] | join(" ")' "$ROOT/check2.json")" = "h1 h2 h3 h4" ] &&
    [ "$(jq -r '[.hosts[].ok] | join(" ")' "$ROOT/check2.json")" = "true true true false" ] &&
    ok "--hosts FILE: h1..h4 with comments and a blank line, exit $rc" || fail "--hosts: exit $rc, $(jq -c '[.hosts[] | [.name, .ok]]' "$ROOT/check2.json")"

# ---- the config file's host lines (no -c, no --hosts)
printf 'theme mono\nhost cfg1 %s\nhost cfg3 %s\n' "$H1_URI" "$H3_URI" > "$XDG_CONFIG_HOME/virt-tune/config"
"$VT" --check --json > "$ROOT/check3.json" 2>/dev/null
rc=$?
want=$( (echo "$RC1"; echo "$RC3") | sort -n | tail -1)
[ "$rc" = "$want" ] && [ "$(jq -r '[.hosts[].name] | join(" ")' "$ROOT/check3.json")" = "cfg1 cfg3" ] &&
    ok "config host lines: cfg1 cfg3, exit $rc" || fail "config hosts: exit $rc, $(jq -c '[.hosts[].name]' "$ROOT/check3.json")"
printf 'host broken\n' > "$XDG_CONFIG_HOME/virt-tune/config"
"$VT" --check > /dev/null 2> "$ROOT/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q 'line 1' "$ROOT/bad.err" && ok "a bad host line: exit 2, names the line: $(cat "$ROOT/bad.err")" ||
    fail "bad host line: exit $rc $(cat "$ROOT/bad.err")"
rm -f "$XDG_CONFIG_HOME/virt-tune/config"

# ---- --report=json
t0=$(now_ms)
"$VT" --hosts "$ROOT/hosts" --report=json > "$ROOT/report.json" 2>/dev/null
rc=$?
t=$(( $(now_ms) - t0 ))
[ "$rc" = 1 ] && [ "$t" -le 16000 ] && ok "--report over 4 hosts: exit 1 (one unreachable) in $t ms" ||
    fail "--report: exit $rc in $t ms"
for i in 1 2 3; do
    eval "u=\$H${i}_URI"
    want=$(virsh -q -c "$u" list --all --name | grep . | sort | tr '\n' ' ')
    got=$(jq -r ".hosts[$((i - 1))].report.domains[].name" "$ROOT/report.json" | sort | tr '\n' ' ')
    [ "$got" = "$want" ] && ok "--report: h$i's domains are virsh's" || fail "--report h$i: '$got', virsh '$want'"
done
[ "$(jq -r '.hosts[3].ok, (.hosts[3].report == null)' "$ROOT/report.json" | tr '\n' ' ')" = "false true " ] &&
    ok "--report: h4 is an error entry" || fail "--report h4: $(jq -c '.hosts[3] | del(.report)' "$ROOT/report.json")"

# ---- text: grouped by host, in order
"$VT" --hosts "$ROOT/hosts" --check > "$ROOT/check.txt" 2>/dev/null
[ "$(grep '^== ' "$ROOT/check.txt" | cut -d' ' -f2 | tr '\n' ' ')" = "h1 h2 h3 h4 " ] &&
    grep -A1 '^== h4 ' "$ROOT/check.txt" | grep -q '^error: ' && ok "--check text: one heading per host, h4 an error" ||
    fail "--check text: $(grep -A1 '^== ' "$ROOT/check.txt")"

# ---- Prometheus, parsed by prometheus_client
"$VT" --hosts "$ROOT/hosts" --check --format=prometheus > "$ROOT/metrics.prom" 2>/dev/null
rc=$?
[ "$rc" = "$WORST" ] || fail "--format=prometheus: exit $rc, want $WORST"
"$PY" - "$ROOT" <<'PY' && ok "prometheus: parsed by prometheus_client; findings per host match the JSON; check_ok 1 1 1 0" || fail "prometheus: see above"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
root = sys.argv[1]
fams = {f.name: f for f in text_string_to_metric_families(open(root + "/metrics.prom").read())}
assert set(fams) >= {"virt_tune_findings", "virt_tune_check_ok", "virt_tune_last_check_timestamp_seconds"}, set(fams)
assert all(f.type == "gauge" for f in fams.values())
d = json.load(open(root + "/check2.json"))
for h in d["hosts"]:
    got = sum(s.value for s in fams["virt_tune_findings"].samples if s.labels["host"] == h["name"])
    want = 0 if not h["ok"] else sum(1 for f in h["findings"] if not f["pending_restart"])
    assert got == want, (h["name"], got, want)
    for s in fams["virt_tune_findings"].samples:
        assert set(s.labels) == {"host", "severity", "topic"} and s.labels["severity"] in ("info", "warning", "failure")
ok = {s.labels["host"]: s.value for s in fams["virt_tune_check_ok"].samples}
assert ok == {"h1": 1, "h2": 1, "h3": 1, "h4": 0}, ok
ts = [s.value for s in fams["virt_tune_last_check_timestamp_seconds"].samples]
assert len(ts) == 4 and all(t > 1.6e9 for t in ts), ts
print("  %d finding samples" % len(fams["virt_tune_findings"].samples))
PY
if command -v promtool >/dev/null 2>&1; then
    promtool check metrics < "$ROOT/metrics.prom" && ok "promtool check metrics accepts it" || fail "promtool check metrics"
fi

# ---- one host: the output is today's (no "hosts" key); every host stopped: 3
"$VT" -c "$H1_URI" --check --json > "$ROOT/single.json"
jq -e 'has("findings") and (has("hosts") | not)' "$ROOT/single.json" >/dev/null &&
    ok "one host: --check --json has no hosts wrapper" || fail "one host: $(head -c 200 "$ROOT/single.json")"
kill -STOP "$H1_PID" "$H2_PID" "$H3_PID"
"$VT" -c "$H1_URI" -c "$H4_URI" --check --json > /dev/null 2>&1
rc=$?
kill -CONT "$H1_PID" "$H2_PID" "$H3_PID"
[ "$rc" = 3 ] && ok "every host stopped: --check exits 3" || fail "every host stopped: exit $rc"

exit $VT_FAILED
