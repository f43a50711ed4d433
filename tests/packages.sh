#!/bin/sh
# The packages, built from the `make dist` tarball: the .deb (debian/, with
# dpkg-buildpackage) and the .rpm (the tarball's virt-tune.spec, with
# rpmbuild --nodeps: this is Debian). Both list the program, the man page,
# the themes, the demo host and the zh_CN catalog. The .deb is then
# installed, with the build trees removed first (a binary finds its data in
# the source tree it was built from while that tree exists): the installed
# program runs the demo report, the console with a theme and the Chinese
# messages, reading them from /usr/share (checked with strace), and
# removing the package takes /usr/bin/virt-tune away.
# Needs root, dpkg-buildpackage (dpkg-dev, debhelper), rpmbuild (rpm),
# strace and script (util-linux): skipped without them, a failure under CI.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-$top_builddir}
top_builddir=$(cd "$top_builddir" && pwd)

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: cannot run under CI: $*"
        exit 1
    fi
    echo "skipped: $*"
    exit 77
}
[ "$(id -u)" = 0 ] || skip "installing the .deb needs root"
for t in dpkg-buildpackage dh rpmbuild strace script flock make tar; do
    command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (run tools/setup)"
done
[ -f "$top_builddir/Makefile" ] || skip "$top_builddir is not configured (make dist needs the Makefile)"

# One run at a time on this machine: they install the same package.
lockdir=/run/lock
[ -d "$lockdir" ] && [ -w "$lockdir" ] || lockdir=/tmp
exec 9> "$lockdir/virt-tune-packages.lock"
flock -w 1200 9 || { echo "FAIL: another tests/packages.sh held $lockdir/virt-tune-packages.lock for 20 minutes"; exit 1; }
# The machine is left as found: nothing of a virt-tune installed otherwise
# may be there, dpkg -i would take it over and dpkg -r remove it.
if dpkg-query -W -f='${Status}' virt-tune 2>/dev/null | grep -q ' installed'; then
    skip "a virt-tune package is installed already"
fi
for f in /usr/bin/virt-tune /usr/share/virt-tune; do
    [ -e "$f" ] && skip "$f exists already (make install?): the .deb would replace it"
done

tmp=$(mktemp -d)
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then
        dpkg --purge virt-tune > "$tmp/purge.log" 2>&1 || { echo "FAIL: dpkg --purge virt-tune:"; cat "$tmp/purge.log"; }
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }
die() { echo "FAIL: $*"; exit 1; }
tail_log() { echo "--- last lines of $1:"; tail -n 25 "$1"; }
now() { date +%s; }
t0=$(now)

V=$(sed -n 's/^VERSION = //p' "$top_builddir/Makefile")
[ -n "$V" ] || die "no VERSION in $top_builddir/Makefile"

# ---- the tarball (a tarball make dist left in the build tree before stays)
tarball=$top_builddir/virt-tune-$V.tar.gz
had_tarball=0
[ -e "$tarball" ] && had_tarball=1
make -C "$top_builddir" dist > "$tmp/dist.log" 2>&1 || { tail_log "$tmp/dist.log"; die "make dist"; }
[ -f "$tarball" ] || die "make dist made no $tarball"
mkdir "$tmp/pkgs"
cp "$tarball" "$tmp/pkgs/"
[ $had_tarball = 1 ] || rm -f "$tarball"
tarball=$tmp/pkgs/virt-tune-$V.tar.gz
ok "make dist: virt-tune-$V.tar.gz ($(($(now) - t0)) s)"
# files that other parts of the tree install once they are there

# What both packages must hold: one extended regex per line, matched
# against whole paths.
{
    echo '/usr/bin/virt-tune'
    echo '/usr/share/man/man1/virt-tune\.1(\.gz)?'
    echo '/usr/share/virt-tune/themes/default\.theme'
    echo '/usr/share/virt-tune/themes/mono\.theme'
    echo '/usr/share/virt-tune/themes/high-contrast\.theme'
    echo '/usr/share/virt-tune/demo/host\.xml'
    echo '/usr/share/virt-tune/demo/sysfs/.+'
    echo '/usr/share/virt-tune/demo/proc/.+'
    echo '/usr/share/locale/zh_CN/LC_MESSAGES/virt-tune\.mo'
    echo '/usr/share/doc/virt-tune/README\.md(\.gz)?'
    echo '/usr/share/doc/virt-tune/ansible/virt-tune-apply\.yml'
    echo '/usr/share/doc/virt-tune/ansible/roles/virt_tune_apply/tasks/main\.yml'
    echo '/usr/share/man/zh_CN/man1/virt-tune\.1(\.gz)?'
    echo '/usr/share/bash-completion/completions/virt-tune'
} > "$tmp/expected"

check_list() {   # package kind, file with one path a line
    while read -r re; do
        if grep -Eqx "$re" "$2"; then
            ok "$1 has $re"
        else
            fail "$1 has no $re"
        fi
    done < "$tmp/expected"
    # no path of the build machine
    if grep -q "^$tmp" "$2"; then fail "$1 holds build paths: $(grep "^$tmp" "$2" | head -3)"; fi
}

# ---- the .deb
t=$(now)
mkdir "$tmp/deb"
tar xzf "$tarball" -C "$tmp/deb" || die "cannot unpack $tarball"
(cd "$tmp/deb/virt-tune-$V" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
    > "$tmp/deb.log" 2>&1 || { tail_log "$tmp/deb.log"; die "dpkg-buildpackage -us -uc -b"; }
deb=
for f in "$tmp"/deb/virt-tune_"$V"_*.deb; do [ -f "$f" ] && deb=$f; done
[ -n "$deb" ] || { tail_log "$tmp/deb.log"; die "dpkg-buildpackage made no virt-tune_${V}_*.deb"; }
mv "$deb" "$tmp/pkgs/"
deb=$tmp/pkgs/${deb##*/}
ok "dpkg-buildpackage: ${deb##*/} ($(($(now) - t)) s)"
dpkg -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' > "$tmp/deb.list"
check_list .deb "$tmp/deb.list"
[ "$(dpkg-deb -f "$deb" Version)" = "$V" ] && ok ".deb version $V" || fail ".deb version is $(dpkg-deb -f "$deb" Version), not $V"

# ---- the .rpm
t=$(now)
mkdir -p "$tmp/rpm/SOURCES" "$tmp/rpm/SPECS"
cp "$tarball" "$tmp/rpm/SOURCES/"
tar xzf "$tarball" -O "virt-tune-$V/virt-tune.spec" > "$tmp/rpm/SPECS/virt-tune.spec" ||
    die "the tarball has no virt-tune-$V/virt-tune.spec"
# rpm's database of this machine (Debian's rpm: ~/.rpmdb) stays untouched
rpmq() { rpm --dbpath "$tmp/rpmdb" "$@" 2>/dev/null; }
rpmbuild -ba --nodeps --dbpath "$tmp/rpmdb" --define "_topdir $tmp/rpm" --define "_smp_mflags -j2" \
    "$tmp/rpm/SPECS/virt-tune.spec" > "$tmp/rpm.log" 2>&1 || { tail_log "$tmp/rpm.log"; die "rpmbuild -ba"; }
rpm=
for f in "$tmp"/rpm/RPMS/*/virt-tune-"$V"-*.rpm; do [ -f "$f" ] && rpm=$f; done
[ -n "$rpm" ] || { tail_log "$tmp/rpm.log"; die "rpmbuild made no RPMS/*/virt-tune-$V-*.rpm"; }
ls "$tmp"/rpm/SRPMS/virt-tune-"$V"-*.src.rpm > /dev/null 2>&1 || fail "rpmbuild -ba made no source rpm"
mv "$rpm" "$tmp/pkgs/"
rpm=$tmp/pkgs/${rpm##*/}
ok "rpmbuild -ba: ${rpm##*/} ($(($(now) - t)) s)"
rpmq -qlp "$rpm" > "$tmp/rpm.list" || die "rpm -qlp ${rpm##*/}"
check_list .rpm "$tmp/rpm.list"
[ "$(rpmq -qp --qf '%{VERSION}' "$rpm")" = "$V" ] && ok ".rpm version $V" ||
    fail ".rpm version is $(rpmq -qp --qf '%{VERSION}' "$rpm"), not $V"
rpmq -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm" | grep -q '^d.* /usr/share/doc/virt-tune/ansible/roles/virt_tune_apply/tasks/main\.yml$' &&
    ok ".rpm: the Ansible role is %doc" || fail ".rpm: the Ansible role is not %doc"

# ---- the build trees go: the installed program may not find data in them
srcs="$tmp/deb/virt-tune-$V $tmp/rpm/BUILD/virt-tune-$V"
rm -rf "$tmp/deb" "$tmp/rpm"
for d in $srcs; do [ -e "$d" ] && die "$d is still there"; done

# ---- install the .deb and run what it installed
installed=1
dpkg -i "$deb" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; die "dpkg -i ${deb##*/}"; }
ok "dpkg -i ${deb##*/}"
[ -x /usr/bin/virt-tune ] || die "no /usr/bin/virt-tune after dpkg -i"
mkdir -p "$tmp/home" "$tmp/t"
# what the installed program sees: no variable pointing into a source tree
run() {   # trace file, command...
    tr=$1; shift
    env -u VIRT_TUNE_DATADIR -u VIRT_TUNE_THEMEDIR -u VIRT_TUNE_LOCALEDIR -u LANGUAGE -u LC_ALL \
        HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_STATE_HOME="$tmp/home/.state" \
        TMPDIR="$tmp/t" TERM=xterm strace -f -qq -e trace=openat -o "$tr" "$@"
}
# openat of a path below $1 that succeeded (returned a descriptor)
opened() { grep -E "openat\([^\"]*\"$1[^\"]*\"[^)]*\) = [0-9]+" "$2"; }
not_from_tree() {   # what, trace
    if grep -E '"[^"]*/(data/demo|themes|po/locale)/' "$2" | grep -v '"/usr/share/' | grep -q .; then
        fail "$1 read files outside /usr/share: $(grep -E '"[^"]*/(data/demo|themes|po/locale)/' "$2" | grep -v '"/usr/share/' | head -2)"
    fi
}

/usr/bin/virt-tune --version 2>&1 | grep -q "$V" && ok "--version says $V" ||
    fail "/usr/bin/virt-tune --version: $(/usr/bin/virt-tune --version 2>&1)"

if run "$tmp/tr.report" /usr/bin/virt-tune --demo --report > "$tmp/report" 2> "$tmp/err"; then
    ok "/usr/bin/virt-tune --demo --report"
else
    fail "/usr/bin/virt-tune --demo --report exited non-zero: $(cat "$tmp/err")"
fi
grep -q 'hostname  *demo-kvm01' "$tmp/report" && ok "the demo host's name" || fail "no demo-kvm01 in the report"
n=$(grep -c '^VM ' "$tmp/report")
[ "$n" -ge 12 ] && ok "the demo's VMs ($n)" || fail "$n VMs in the demo report, expected at least 12"
grep -q '^VM analytics-01 ' "$tmp/report" && ok "the demo VM analytics-01" || fail "no VM analytics-01 in the report"
grep -q 'test:///usr/share/virt-tune/demo/host.xml' "$tmp/report" && ok "the demo's libvirt test driver file is /usr/share/virt-tune/demo/host.xml" ||
    fail "the report's connection is not test:///usr/share/virt-tune/demo/host.xml: $(grep connection "$tmp/report")"
opened /usr/share/virt-tune/demo/ "$tmp/tr.report" > /dev/null && ok "the report read /usr/share/virt-tune/demo (strace)" ||
    fail "strace shows no open of /usr/share/virt-tune/demo/: $(grep -c openat "$tmp/tr.report") openat calls"
not_from_tree "the report" "$tmp/tr.report"
[ -z "$(ls -A "$tmp/t")" ] && ok "the demo's private copy is gone after the run" || fail "left behind in TMPDIR: $(ls -A "$tmp/t")"

# The console loads its theme before it draws; it needs a terminal (script).
(sleep 2; printf q) | run "$tmp/tr.theme" script -qec "/usr/bin/virt-tune --demo --theme high-contrast -d 3600" /dev/null \
    > "$tmp/console" 2>&1
rc=$?
[ $rc = 0 ] && ok "the console with --theme high-contrast started and quit on q" || fail "the console with --theme high-contrast exited $rc: $(tail -c 300 "$tmp/console")"
opened /usr/share/virt-tune/themes/high-contrast.theme "$tmp/tr.theme" > /dev/null &&
    ok "the console read /usr/share/virt-tune/themes/high-contrast.theme (strace)" ||
    fail "strace shows no open of /usr/share/virt-tune/themes/high-contrast.theme"
not_from_tree "the console" "$tmp/tr.theme"
run "$tmp/tr.nosuch" script -qec "/usr/bin/virt-tune --demo --theme nosuch" /dev/null < /dev/null > "$tmp/nosuch" 2>&1 &&
    fail "--theme nosuch did not fail" ||
    { grep -q '/usr/share/virt-tune/themes/nosuch\.theme' "$tmp/nosuch" && ok "--theme nosuch names /usr/share/virt-tune/themes/nosuch.theme" ||
        fail "--theme nosuch: $(cat "$tmp/nosuch")"; }

# The Chinese messages, from the installed catalog.
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    run "$tmp/tr.c" env LANG=C /usr/bin/virt-tune --demo --check > "$tmp/check.C" 2>&1
    run "$tmp/tr.zh" env LC_ALL=zh_CN.UTF-8 /usr/bin/virt-tune --demo --check > "$tmp/check.zh" 2>&1
    opened /usr/share/locale/zh_CN/LC_MESSAGES/virt-tune.mo "$tmp/tr.zh" > /dev/null &&
        ok "LANG=zh_CN.UTF-8 read /usr/share/locale/zh_CN/LC_MESSAGES/virt-tune.mo (strace)" ||
        fail "strace shows no open of /usr/share/locale/zh_CN/LC_MESSAGES/virt-tune.mo"
    if [ -s "$tmp/check.zh" ] && ! cmp -s "$tmp/check.C" "$tmp/check.zh"; then
        ok "--check in Chinese differs from English: $(tail -n 1 "$tmp/check.zh")"
    else
        fail "--check under LANG=zh_CN.UTF-8 prints what LANG=C prints"
    fi
    not_from_tree "--check" "$tmp/tr.zh"
else
    echo "note: no zh_CN.UTF-8 locale (run tools/setup): the Chinese messages not run"
fi

# The installed bash completion: it loads, and completes the installed
# themes (which it finds under /usr/share/virt-tune/themes).
themes=$(bash -c '. /usr/share/bash-completion/completions/virt-tune && complete -p virt-tune >/dev/null &&
    COMP_WORDS=(virt-tune --theme ""); COMP_CWORD=2; COMP_LINE="virt-tune --theme "; COMP_POINT=${#COMP_LINE}
    _virt_tune virt-tune "" --theme; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' 2>"$tmp/compl.err")
if [ "$themes" = "default high-contrast mono " ]; then
    ok "the installed bash completion loads and completes --theme: $themes"
else
    fail "the installed bash completion: --theme gives '$themes' $(cat "$tmp/compl.err")"
fi

# ---- remove it
dpkg -r virt-tune > "$tmp/remove.log" 2>&1 && ok "dpkg -r virt-tune" || { fail "dpkg -r virt-tune:"; cat "$tmp/remove.log"; }
[ -e /usr/bin/virt-tune ] && fail "/usr/bin/virt-tune is still there after dpkg -r" || ok "/usr/bin/virt-tune is gone"
[ -e /usr/share/virt-tune ] && fail "/usr/share/virt-tune is still there after dpkg -r" || ok "/usr/share/virt-tune is gone"
dpkg --purge virt-tune > "$tmp/purge.log" 2>&1 && ok "dpkg --purge virt-tune" || { fail "dpkg --purge virt-tune:"; cat "$tmp/purge.log"; }
dpkg-query -W -f='${Status}' virt-tune 2>/dev/null | grep -q ' installed' && fail "dpkg still lists virt-tune as installed" || installed=0

echo "packages: $(($(now) - t0)) s"
exit $failed
