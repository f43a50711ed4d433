#!/bin/sh
# The layer rules: core/ has no curses, widgets/ has no libvirt, the batch
# modes in cli/ have no curses and use neither widgets/ nor tui/, and no
# two core modules call each other (A uses a function of B and B one of
# A): a module that needs something of a module above it means the shared
# part belongs in a module below both.
src=${top_srcdir:-.}
build=${top_builddir:-.}
curses='#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|panel\.h|form\.h|menu\.h)'
for d in core widgets cli; do
    # a renamed directory must not make the rule pass unseen
    [ -d "$src/$d" ] || { echo "layer rule: no $d/ in $src"; exit 1; }
done
bad=$( { grep -rlE "$curses" "$src/core" 2>/dev/null | sed 's/^/curses in core: /'
         grep -rlE '#[[:space:]]*include[[:space:]]*[<"]libvirt/' "$src/widgets" 2>/dev/null | sed 's/^/libvirt in widgets: /'
         grep -rlE "$curses" "$src/cli" 2>/dev/null | sed 's/^/curses in cli: /'
         grep -rlE '#[[:space:]]*include[[:space:]]*[<"](\.\./)?(widgets|tui)/' "$src/cli" 2>/dev/null | sed 's/^/widgets or tui in cli: /'; } )
if [ -n "$bad" ]; then
    echo "layer rule broken:"
    echo "$bad"
    exit 1
fi
echo "layers: core/ has no curses, widgets/ has no libvirt, cli/ has no curses, widgets/ or tui/"

# Who calls whom, from the built objects: nm lists what each one defines
# and what it leaves undefined, so a header-only use (types, macros) is not
# counted. Object names may carry automake's per-target prefix.
set -- "$build"/core/*.o
if [ ! -f "$1" ] || ! command -v nm >/dev/null 2>&1; then
    echo "layers: no core objects in $build/core (or no nm): module calls not checked"
    exit 0
fi
knots=$(for o in "$@"; do
            m=$(basename "$o" .o)
            m=${m#libvtcore_a-}
            nm -P -g "$o" | awk -v m="$m" '{ print m, $1, $2 }'
        done | awk '
    $3 == "U" { n++; user[n] = $1; sym[n] = $2; next }
    { def[$2] = $1 }
    END {
        for (i = 1; i <= n; i++) {
            if (!(sym[i] in def) || def[sym[i]] == user[i])
                continue
            k = user[i] SUBSEP def[sym[i]]
            if (!(k in uses))
                uses[k] = sym[i]
        }
        for (k in uses) {
            split(k, ab, SUBSEP)
            back = ab[2] SUBSEP ab[1]
            if (ab[1] < ab[2] && (back in uses))
                printf "%s and %s call each other (%s uses %s, %s uses %s)\n",
                       ab[1], ab[2], ab[1], uses[k], ab[2], uses[back]
        }
    }' | sort)
if [ -n "$knots" ]; then
    echo "layer rule broken:"
    echo "$knots"
    exit 1
fi
echo "layers: no two core modules call each other"
exit 0
