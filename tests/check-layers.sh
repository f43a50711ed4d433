#!/bin/sh
# The layer rule: core/ has no curses, widgets/ has no libvirt, and the
# batch modes in cli/ have no curses and use neither widgets/ nor tui/.
src=${top_srcdir:-.}
curses='#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|panel\.h|form\.h|menu\.h)'
bad=$( { grep -rlE "$curses" "$src/core" 2>/dev/null | sed 's/^/curses in core: /'
         grep -rlE '#[[:space:]]*include[[:space:]]*[<"]libvirt/' "$src/widgets" 2>/dev/null | sed 's/^/libvirt in widgets: /'
         grep -rlE "$curses" "$src/cli" 2>/dev/null | sed 's/^/curses in cli: /'
         grep -rlE '#[[:space:]]*include[[:space:]]*[<"](\.\./)?(widgets|tui)/' "$src/cli" 2>/dev/null | sed 's/^/widgets or tui in cli: /'; } )
if [ -n "$bad" ]; then
    echo "layer rule broken:"
    echo "$bad"
    exit 1
fi
for d in core widgets cli; do
    # a renamed directory must not make the rule pass unseen
    [ -d "$src/$d" ] || { echo "layer rule: no $d/ in $src"; exit 1; }
done
echo "layers: core/ has no curses, widgets/ has no libvirt, cli/ has no curses, widgets/ or tui/"
exit 0
