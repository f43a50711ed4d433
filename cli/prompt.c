/* Questions on the terminal: a yes/no, and (for virt-tune sasl) a
 * password without echo. */
#include <config.h>

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "core/sasl.h"
#include "core/util.h"

/* A question waits for a person: Ctrl-C (SIGINT), SIGTERM and SIGHUP end
 * the wait even where main() holds them off. The signal is caught while
 * asking, the terminal put back by the caller, then raised again: pending
 * where it is blocked (main() exits 128 + its number after its clean-up),
 * else it ends us as it would have. */
static const int ask_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t ask_sig;

static void on_ask_signal(int sig)
{
    ask_sig = sig;
}

typedef struct ask_state {
    struct sigaction old[3];
    sigset_t mask;
} ask_state;

static void ask_begin(ask_state *st)
{
    struct sigaction sa;
    sigset_t set;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_ask_signal;      /* no SA_RESTART: the read returns */
    sigemptyset(&sa.sa_mask);
    sigemptyset(&set);
    ask_sig = 0;
    for (size_t i = 0; i < 3; i++) {
        sigaction(ask_sigs[i], &sa, &st->old[i]);
        sigaddset(&set, ask_sigs[i]);
    }
    sigprocmask(SIG_UNBLOCK, &set, &st->mask);
}

/* true when a signal came: raise it again once the terminal is back */
static bool ask_end(ask_state *st)
{
    sigprocmask(SIG_SETMASK, &st->mask, NULL);
    for (size_t i = 0; i < 3; i++)
        sigaction(ask_sigs[i], &st->old[i], NULL);
    return ask_sig != 0;
}

bool vt_cli_confirm(const char *question)
{
    char answer[16];
    ask_state st;
    bool got;

    printf("%s [y/N] ", question);
    fflush(stdout);
    ask_begin(&st);
    got = fgets(answer, sizeof(answer), stdin) != NULL;
    if (ask_end(&st)) {
        clearerr(stdin);
        putchar('\n');
        fflush(stdout);
        raise(ask_sig);
        return false;
    }
    return got && (answer[0] == 'y' || answer[0] == 'Y');
}

/* One line from fd, without its newline; -1 on EOF before any byte. */
static ssize_t read_line(int fd, char *buf, size_t max)
{
    size_t n = 0;
    char ch;

    while (n + 1 < max) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR && !ask_sig)
            continue;
        if (r <= 0)
            return n ? (ssize_t)n : -1;
        if (ch == '\n')
            break;
        buf[n++] = ch;
    }
    buf[n] = '\0';
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return (ssize_t)n;
}

static ssize_t ask_password(const char *prompt, char *buf, size_t max)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    struct termios old, quiet;
    ask_state st;
    ssize_t n;

    if (fd < 0)
        return -1;
    if (tcgetattr(fd, &old) < 0) {
        close(fd);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (write(fd, prompt, strlen(prompt)) < 0) {
        close(fd);
        return -1;
    }
    /* Ctrl-C while the echo is off: the echo back on first */
    ask_begin(&st);
    if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
        ask_end(&st);
        close(fd);
        return -1;
    }
    n = read_line(fd, buf, max);
    tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0)
        n = -1;
    close(fd);
    if (ask_end(&st)) {
        vt_wipe(buf, max);
        raise(ask_sig);
        return -1;
    }
    return n;
}

int vt_cli_password(bool from_stdin, bool twice, char *pass)
{
    char *again;
    ssize_t n, m;

    if (from_stdin) {
        n = read_line(STDIN_FILENO, pass, VT_CLI_PASS_MAX);
        if (n <= 0) {
            fputs(_("virt-tune: no password on standard input\n"), stderr);
            return -1;
        }
        return (int)n;
    }
    n = ask_password(_("Password: "), pass, VT_CLI_PASS_MAX);
    if (n < 0) {
        fputs(_("virt-tune: no terminal to ask the password on: use --password-stdin\n"), stderr);
        return -1;
    }
    if (n == 0) {
        fputs(_("virt-tune: an empty password is not set\n"), stderr);
        return -1;
    }
    if (!twice)
        return (int)n;
    again = vt_calloc(1, VT_CLI_PASS_MAX);
    mlock(again, VT_CLI_PASS_MAX);
    m = ask_password(_("Again (for verification): "), again, VT_CLI_PASS_MAX);
    if (m != n || memcmp(pass, again, (size_t)n) != 0) {
        fputs(_("virt-tune: the passwords differ; nothing was changed\n"), stderr);
        vt_wipe(again, VT_CLI_PASS_MAX);
        free(again);
        return -1;
    }
    vt_wipe(again, VT_CLI_PASS_MAX);
    free(again);
    return (int)n;
}
