/* Questions on the terminal: a yes/no, and (for virt-tune sasl) a
 * password without echo. */
#include <config.h>

#include "cli.h"

#include <stdio.h>

bool vt_cli_confirm(const char *question)
{
    char answer[16];

    printf("%s [y/N] ", question);
    fflush(stdout);
    if (!fgets(answer, sizeof(answer), stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}
