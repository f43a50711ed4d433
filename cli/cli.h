/* The batch modes: what virt-tune does without the console (--report,
 * --check, --apply, --export-virsh, --revert-last, virt-tune sasl). Each
 * prints its own output and messages and returns the exit status. No
 * curses and no widgets here: tests/check-layers.sh enforces it. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdbool.h>

#include "core/conn.h"

/* --report[=text|json]: the whole snapshot on stdout; 0, or 1 with the
 * reason on stderr. */
int vt_cli_report(vt_conn *c, bool json);

/* --check [--json]: 0 / 1 / 2 by the worst finding, 3 when the checks
 * cannot run. */
int vt_cli_check(vt_conn *c, bool json);

#endif
