#!/bin/sh
# The bash completion (contrib/bash-completion/virt-tune): for sample
# command lines, COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT are set as
# bash sets them (split at blanks and at COMP_WORDBREAKS' ':', '=' and '@')
# and the completion function is called; COMPREPLY must be what a Tab
# offers. Oracles: tui/main.c's and cli/sasl.c's getopt tables (an option
# without completion fails here), ls themes/*.theme, and virsh's own
# "list --all --name" of the demo host and of test:///default for the VM
# names. Run twice: with bash-completion's functions loaded (as they are
# when bash-completion loads the script) and without them.
# Without bash (or virsh, or bash-completion): failed in CI, skipped
# locally with the reason.
cannot_run() {
    if [ -n "${CI:-}" ]; then echo "FAIL: $1"; exit 1; fi
    echo "SKIP: $1"; exit 77
}
if [ -z "${BASH_VERSION:-}" ]; then
    command -v bash >/dev/null 2>&1 || cannot_run "no bash (package bash)"
    exec bash "$0" "$@"
fi
set -u
src=$(cd "${top_srcdir:-$(dirname "$0")/..}" && pwd)
bld=$(cd "${top_builddir:-$src}" && pwd)
VT=$bld/virt-tune
SCRIPT=$src/contrib/bash-completion/virt-tune
BC=/usr/share/bash-completion/bash_completion
[ -x "$VT" ] || cannot_run "no $VT (run make)"
command -v virsh >/dev/null 2>&1 || cannot_run "no virsh (package libvirt-clients; run tools/setup)"

if [ "${1-}" != --run ]; then
    tmp=$(mktemp -d) || exit 1
    trap 'rm -rf "$tmp"' EXIT
    rc=0
    if [ -r "$BC" ]; then
        TMPD=$tmp WITH_BC=1 bash "$0" --run || rc=1
    elif [ -n "${CI:-}" ]; then
        echo "FAIL: no $BC (package bash-completion; run tools/setup)"; rc=1
    else
        echo "note: no $BC: only the run without bash-completion"
    fi
    TMPD=$tmp WITH_BC='' bash "$0" --run || rc=1
    read -r p f < <(awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }' "$tmp/counts" 2>/dev/null)
    echo "completion: ${p:-0} passed, ${f:-0} failed"
    [ "${p:-0}" -gt 0 ] || rc=1
    exit $rc
fi

# ---- one run: in a private environment
mode=${WITH_BC:+"with bash-completion"}
mode=${mode:-"without bash-completion"}
pass=0 failn=0
ok() { pass=$((pass + 1)); echo "ok: $mode: $1"; }
fail() { failn=$((failn + 1)); echo "FAIL: $mode: $1"; }
W=$TMPD/${WITH_BC:+bc}${WITH_BC:-plain}
mkdir -p "$W/config/virt-tune" "$W/cwd"
export XDG_CONFIG_HOME=$W/config HOME=$W
unset LIBVIRT_DEFAULT_URI VIRT_TUNE_THEMEDIR VIRT_TUNE_DATADIR
cd "$W/cwd" || exit 1

if [ -n "$WITH_BC" ]; then
    # shellcheck disable=SC1090
    . "$BC"
    declare -F _filedir >/dev/null || { echo "FAIL: $BC has no _filedir"; exit 1; }
fi
# shellcheck disable=SC1090
. "$SCRIPT"
complete -p virt-tune >/dev/null 2>&1 && ok "complete -F _virt_tune virt-tune" || fail "virt-tune has no completion"

# COMP_* for LINE as bash sets them (the cursor at its end): words split at
# blanks; a run of the break characters : = @ is a word of its own
# (COMP_WORDBREAKS); a blank at the end starts an empty word.
breaks=
for c in : = @; do [[ $COMP_WORDBREAKS == *"$c"* ]] && breaks+=$c; done
set_line() {
    local line=$1 i ch w='' kind='' k
    COMP_WORDS=()
    for ((i = 0; i < ${#line}; i++)); do
        ch=${line:i:1}
        if [[ $ch == [[:space:]] ]]; then
            [[ -n $w ]] && COMP_WORDS+=("$w")
            w='' kind=''
            continue
        fi
        if [[ -n $breaks && $breaks == *"$ch"* ]]; then k=b; else k=w; fi
        if [[ -n $w && $k != "$kind" ]]; then
            COMP_WORDS+=("$w")
            w=''
        fi
        w+=$ch kind=$k
    done
    COMP_WORDS+=("$w")    # the current word, maybe empty
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
}

# the completions of LINE, sorted, one a line
complete_line() {
    set_line "$1"
    COMPREPLY=()
    local cmd=${COMP_WORDS[0]}
    _virt_tune "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$W/stderr"
    if [[ -s $W/stderr ]]; then
        fail "'$1' wrote to stderr: $(head -c 300 "$W/stderr")"
    fi
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort
}

# expect "LINE" WORD...: the completions are exactly the WORDs
expect() {
    local line=$1 got want
    shift
    got=$(complete_line "$line")
    want=$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort)
    if [[ $got == "$want" ]]; then
        ok "'$line' -> $(echo $got)"
    else
        fail "'$line': got [$(echo $got)], want [$(echo $want)]"
    fi
}

# ---- options
expect "virt-tune --ch" --check
expect "virt-tune --demo --ch" --check
expect "virt-tune --dry" --dry-run
expect "virt-tune --format=" text json prometheus
expect "virt-tune --check --format=" text json prometheus
expect "virt-tune --check --format " text json prometheus
expect "virt-tune --check --format=pr" prometheus
expect "virt-tune --report=" text json
expect "virt-tune --report=j" json
expect "virt-tune --rep" --report --report=
expect "virt-tune -d " ""
expect "virt-tune --top -n " ""
expect "virt-tune --demo=" ""
expect "virt-tune s" sasl
expect "virt-tune --help --" ""

# every long option of main.c's getopt table, and every short one of its
# option string, is offered on an empty line
table=$(sed -n '/longopts\[\] = {/,/{ NULL/p' "$src/tui/main.c" | sed -n 's/^ *{ "\([^"]*\)",.*/\1/p')
shorts=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$src/tui/main.c" | tr -d :)
[[ $(echo "$table" | wc -l) -ge 20 && -n $shorts ]] && ok "main.c's table: $(echo "$table" | wc -l) long options, short ones $shorts" ||
    fail "cannot read main.c's getopt table (got '$table' '$shorts')"
got=$(complete_line "virt-tune --")
missing=
for o in $table; do
    grep -qxE -- "--$o=?" <<<"$got" || missing+=" --$o"
done
[[ -z $missing ]] && ok "'virt-tune --' offers each of main.c's long options" ||
    fail "'virt-tune --' does not offer:$missing"
got=$(complete_line "virt-tune -")
missing=
for ((i = 0; i < ${#shorts}; i++)); do
    grep -qx -- "-${shorts:i:1}" <<<"$got" || missing+=" -${shorts:i:1}"
done
[[ -z $missing ]] && ok "'virt-tune -' offers each of main.c's short options" ||
    fail "'virt-tune -' does not offer:$missing"
extra=$(grep -vxE -- "$(printf -- '--%s=?|' $table)$(printf -- '-%s|' $(grep -o . <<<"$shorts"))sasl" \
    <<<"$(complete_line "virt-tune ")")
[[ -z $extra ]] && ok "no option offered that main.c does not have" || fail "offered, not in main.c: $(echo $extra)"

# given ones are not offered again, nor those they exclude (check_args)
expect "virt-tune --demo --con" ""
expect "virt-tune -c qemu:///system --dem" ""
expect "virt-tune -c qemu:///system --con" --connect
expect "virt-tune --plan x.plan --ap" --apply-log
expect "virt-tune --readonly -" $(complete_line "virt-tune -" | grep -vx -- '-r\|--readonly')

# ---- option arguments
ls "$src"/themes/*.theme >/dev/null 2>&1 || fail "no themes/*.theme"
themes=$(cd "$src/themes" && ls ./*.theme | sed 's|^\./||; s/\.theme$//')
expect "$VT --theme " $themes
expect "$VT --theme=" $themes
t2=$(head -n1 <<<"$themes" | cut -c1-2)
expect "$VT --theme=$t2" $(grep "^$t2" <<<"$themes")
mkdir -p "$W/themes"
: >"$W/themes/solar.theme"
: >"$W/themes/night sky.theme"
: >"$W/themes/notatheme.txt"
VIRT_TUNE_THEMEDIR=$W/themes expect "virt-tune --theme " solar night sky
# an installed copy: PREFIX/bin/virt-tune reads PREFIX/share/virt-tune/themes
mkdir -p "$W/prefix/bin" "$W/prefix/share/virt-tune/themes"
: >"$W/prefix/share/virt-tune/themes/default.theme"
: >"$W/prefix/share/virt-tune/themes/dusk.theme"
printf '#!/bin/sh\n' >"$W/prefix/bin/virt-tune"
chmod +x "$W/prefix/bin/virt-tune"
PATH=$W/prefix/bin:$PATH expect "virt-tune --theme " default dusk

: >"$W/cwd/a.plan"
: >"$W/cwd/b.plan"
mkdir -p "$W/cwd/plans"
expect "virt-tune --plan " a.plan b.plan plans
expect "virt-tune --apply a" a.plan
expect "virt-tune --export-virsh=b" b.plan
expect "virt-tune --hosts pl" plans
expect "virt-tune --etc-root " plans
expect "virt-tune --sysfs-root=p" plans

# URIs: libvirt's usual ones, and the config file's hosts; the part bash
# replaces is the one after the last ':' or '@'
printf '# fleet\nhost kvm1 qemu+ssh://root@kvm1.example/system\nhost kvm2 qemu+tls://kvm2/system # two\n' \
    >"$W/config/virt-tune/config"
if [[ $breaks == *:* ]]; then
    expect "virt-tune -c qemu:///s" ///session ///system
    expect "virt-tune --connect=qemu:///sy" ///system
    expect "virt-tune -rc qemu:///sy" ///system
else
    expect "virt-tune -c qemu:///s" qemu:///session qemu:///system
fi
expect "virt-tune -c qemu+s" qemu+ssh:// qemu+ssh://root@kvm1.example/system
expect "virt-tune -c qemu+ss" qemu+ssh:// qemu+ssh://root@kvm1.example/system
if [[ $breaks == *@* ]]; then
    expect "virt-tune -c qemu+ssh://root@k" kvm1.example/system
fi
if [[ $breaks == *:* ]]; then
    expect "virt-tune -c qemu+tls:" //kvm2/system //
fi

# where COMP_WORDBREAKS has no ':' nor '=', the whole word is replaced
(
    COMP_WORDBREAKS=${COMP_WORDBREAKS//[:=@]/}
    breaks=
    expect "virt-tune --format=" --format=text --format=json --format=prometheus
    expect "$VT --theme=" $(sed 's/^/--theme=/' <<<"$themes")
    expect "virt-tune -c qemu:///s" qemu:///session qemu:///system
    expect "virt-tune -c qemu+ssh://root@k" qemu+ssh://root@kvm1.example/system
    echo "$pass $failn" >"$W/sub"
)
read -r pass failn <"$W/sub"

# ---- sasl: subcommands, options (cli/sasl.c), users, URIs
expect "virt-tune sasl " list add passwd delete verify status setup
expect "virt-tune sasl d" delete
expect "virt-tune sasl setup --transport " tls-scram tcp-gssapi tcp-digest-md5
expect "virt-tune sasl setup --transport=tcp-d" tcp-digest-md5
expect "virt-tune sasl list --" --sasldb --sasl-conf --help
expect "virt-tune sasl status --" --etc-root --help
expect "virt-tune sasl list --sasl-conf pl" plans
expect "virt-tune sasl --sasldb a" a.plan
sasltable=$(sed -n '/longopts\[\] = {/,/{ NULL/p' "$src/cli/sasl.c" | sed -n 's/^ *{ "\([^"]*\)",.*/\1/p')
[[ $(echo "$sasltable" | wc -l) -ge 8 ]] || fail "cannot read sasl.c's getopt table"
all=$(for s in list add passwd delete verify status setup; do complete_line "virt-tune sasl $s --"; done
      complete_line "virt-tune sasl --")
missing=
for o in $sasltable; do
    grep -qx -- "--$o" <<<"$all" || missing+=" --$o"
done
[[ -z $missing ]] && ok "'virt-tune sasl [SUB] --' offers each of sasl.c's long options" ||
    fail "'virt-tune sasl ... --' does not offer:$missing"
if [[ $breaks == *:* ]]; then
    expect "virt-tune sasl verify qemu+tls:" //kvm2/system //
fi
expect "virt-tune sasl verify qemu+tls://kvm2/system " ""
# users of a private sasldb, made by virt-tune sasl add
mkdir -p "$W/sasl"
printf 'mech_list: digest-md5\nsasldb_path: %s\n' "$W/sasl/db" >"$W/sasl/libvirt.conf"
if printf 'pw-1\n' | "$VT" sasl add alice --password-stdin --sasl-conf "$W/sasl" >/dev/null 2>&1 &&
    printf 'pw-2\n' | "$VT" sasl add bob --realm other --password-stdin --sasl-conf "$W/sasl" >/dev/null 2>&1; then
    expect "$VT sasl delete --sasl-conf $W/sasl " alice bob
    expect "$VT sasl passwd --sasl-conf=$W/sasl a" alice
    expect "$VT sasl --realm other delete --sasl-conf $W/sasl " bob
    expect "$VT sasl add --sasl-conf $W/sasl " ""
else
    fail "virt-tune sasl add into $W/sasl failed"
fi

# ---- VM names of the connection of the line, against virsh's own list:
# _virt_tune_vms itself, then --vm NAME's completion.
vms_of() {   # LINE: _virt_tune_vms for the line's words before the cursor
    local words cword
    set_line "$1"
    _virt_tune_words
    _virt_tune_vms | LC_ALL=C sort
}
expect_vms() {   # LINE ORACLE-URI
    local got want
    got=$(vms_of "$1")
    want=$(virsh -q -c "$2" list --all --name 2>&1 | sed '/^$/d' | LC_ALL=C sort)
    if [[ -n $want && $got == "$want" ]]; then
        ok "VMs of '$1': $(echo "$got" | wc -l), as virsh -c $2 lists them"
    else
        fail "VMs of '$1': got [$(echo $got)], virsh -c $2: [$(echo $want)]"
    fi
}
demo="test://$src/data/demo/host.xml"
VIRT_TUNE_DATADIR=$src/data expect_vms "virt-tune --demo " "$demo"
expect_vms "$VT --demo " "$demo"                    # found from the build tree
expect_vms "virt-tune -c test:///default " test:///default
expect_vms "virt-tune --connect=test:///default --top " test:///default
expect_vms "virt-tune -rc test:///default -d 3 " test:///default
printf 'one test:///default\n' >"$W/hosts"
expect_vms "virt-tune --hosts $W/hosts " test:///default
printf 'host one test:///default\n' >"$W/config/virt-tune/config"
expect_vms "virt-tune " test:///default          # the config file's host line
[[ $(vms_of "virt-tune -c test:///default -c $demo ") == "$(LC_ALL=C sort <<<"test
$(virsh -q -c "$demo" list --all --name)" | sed '/^$/d')" ]] &&
    ok "a fleet's VMs: those of each host" || fail "a fleet's VMs: $(vms_of "virt-tune -c test:///default -c $demo " | tr '\n' ' ')"

mapfile -t demo_vms < <(virsh -q -c "$demo" list --all --name | sed '/^$/d')
expect "$VT --demo --vm " "${demo_vms[@]}"
expect "$VT --demo --check --vm=" "${demo_vms[@]}"
expect "$VT --demo --vm db-" $(printf '%s\n' "${demo_vms[@]}" | grep '^db-')
expect "virt-tune -c test:///default --vm " test
expect "virt-tune -c test:///default --vm test --ch" --check

echo "$mode: $pass passed, $failn failed"
echo "$pass $failn" >>"$TMPD/counts"
[[ $failn -eq 0 ]]
