#!/bin/sh
# The layer rule: core/ has no curses, widgets/ has no libvirt.
src=${top_srcdir:-.}
bad=$( { grep -rlE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|panel\.h|form\.h|menu\.h)' "$src/core" 2>/dev/null | sed 's/^/curses in core: /'
         grep -rlE '#[[:space:]]*include[[:space:]]*[<"]libvirt/' "$src/widgets" 2>/dev/null | sed 's/^/libvirt in widgets: /'; } )
if [ -n "$bad" ]; then
    echo "layer rule broken:"
    echo "$bad"
    exit 1
fi
echo "layers: core/ has no curses, widgets/ has no libvirt"
exit 0
