#include "CEditLineShim.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

// libedit is loaded when the REPL first opens an editor, not linked: `rdsh run` and
// `rdsh test` then start without mapping libedit and the three libraries it needs (libtinfo,
// libbsd, libmd). Every libedit call below goes through this table; the macros keep the
// calls written as libedit spells them.
static struct {
    EditLine *(*el_init)(const char *, FILE *, FILE *, FILE *);
    void (*el_end)(EditLine *);
    int (*el_set)(EditLine *, int, ...);
    int (*el_get)(EditLine *, int, ...);
    const char *(*el_gets)(EditLine *, int *);
    void (*el_reset)(EditLine *);
    void (*el_push)(EditLine *, const char *);
    const LineInfo *(*el_line)(EditLine *);
    int (*el_insertstr)(EditLine *, const char *);
    void (*el_deletestr)(EditLine *, int);
    int (*el_source)(EditLine *, const char *);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
} libedit;
static int libedit_loaded;
static char libedit_problem[512];
static pthread_once_t libedit_once = PTHREAD_ONCE_INIT;

static void load_libedit(void) {
    // RDSH_LIBEDIT names another copy (a libedit outside the loader's path).
    const char *chosen = getenv("RDSH_LIBEDIT");
    void *library = NULL;
    if (chosen != NULL && chosen[0] != '\0') {
        library = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    } else {
        library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) library = dlopen("libedit.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(libedit_problem, sizeof libedit_problem, "%s", why ? why : "libedit.so.2 not found");
        return;
    }
#define RDSH_RESOLVE(symbol)                                                                      \
    do {                                                                                          \
        *(void **)&libedit.symbol = dlsym(library, #symbol);                                      \
        if (libedit.symbol == NULL) {                                                             \
            snprintf(libedit_problem, sizeof libedit_problem, "libedit has no %s", #symbol);     \
            return;                                                                               \
        }                                                                                         \
    } while (0)
    RDSH_RESOLVE(el_init);
    RDSH_RESOLVE(el_end);
    RDSH_RESOLVE(el_set);
    RDSH_RESOLVE(el_get);
    RDSH_RESOLVE(el_gets);
    RDSH_RESOLVE(el_reset);
    RDSH_RESOLVE(el_push);
    RDSH_RESOLVE(el_line);
    RDSH_RESOLVE(el_insertstr);
    RDSH_RESOLVE(el_deletestr);
    RDSH_RESOLVE(el_source);
    RDSH_RESOLVE(history_init);
    RDSH_RESOLVE(history_end);
    RDSH_RESOLVE(history);
#undef RDSH_RESOLVE
    libedit_loaded = 1;
}

// From here on, libedit's names mean the loaded functions.
#define el_init (libedit.el_init)
#define el_end (libedit.el_end)
#define el_set (libedit.el_set)
#define el_get (libedit.el_get)
#define el_gets (libedit.el_gets)
#define el_reset (libedit.el_reset)
#define el_push (libedit.el_push)
#define el_line (libedit.el_line)
#define el_insertstr (libedit.el_insertstr)
#define el_deletestr (libedit.el_deletestr)
#define el_source (libedit.el_source)
#define history_init (libedit.history_init)
#define history_end (libedit.history_end)
#define history (libedit.history)

const char *rdsh_libedit_problem(void) {
    pthread_once(&libedit_once, load_libedit);
    return libedit_loaded ? NULL : libedit_problem;
}

EditLine *rdsh_el_open(const char *program) {
    if (rdsh_libedit_problem() != NULL) return NULL;
    return el_init(program, stdin, stdout, stderr);
}

void rdsh_el_close(EditLine *el) { el_end(el); }

void rdsh_el_set_prompt(EditLine *el, rdsh_prompt_fn fn) { el_set(el, EL_PROMPT, fn); }

void rdsh_el_set_rprompt(EditLine *el, rdsh_prompt_fn fn) { el_set(el, EL_RPROMPT, fn); }

int rdsh_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }

void rdsh_el_set_signal(EditLine *el, int on) { el_set(el, EL_SIGNAL, on); }

void rdsh_el_set_clientdata(EditLine *el, void *data) { el_set(el, EL_CLIENTDATA, data); }

void *rdsh_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

int rdsh_el_addfn(EditLine *el, const char *name, const char *help, rdsh_editor_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

int rdsh_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}

int rdsh_el_source(EditLine *el, const char *path) { return el_source(el, path); }

void rdsh_el_attach_history(EditLine *el, History *h) { el_set(el, EL_HIST, history, h); }

static volatile sig_atomic_t sigint_seen;

/// Blocks (or unblocks) SIGINT and SIGALRM on the calling thread.
static void mask_interrupts(int how) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGALRM);
    pthread_sigmask(how, &set, NULL);
}

static void set_retry_timer(long microseconds) {
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_usec = microseconds;
    timer.it_interval.tv_usec = microseconds;
    setitimer(ITIMER_REAL, &timer, NULL);
}

const char *rdsh_el_gets(EditLine *el, int *count, int *error_number) {
    mask_interrupts(SIG_UNBLOCK);
    // A Ctrl-C pressed while a command ran was held pending and has just been delivered:
    // it belonged to that command, not to this prompt.
    set_retry_timer(0);
    sigint_seen = 0;
    // Raw mode before the prompt appears: libedit prints the prompt first and switches the
    // terminal on its first read, so a key typed the instant the prompt shows would be taken
    // in cooked mode (a Ctrl-D there becomes a NUL byte and is lost). Measured with strace.
    el_set(el, EL_PREP_TERM, 1);
    errno = 0;
    const char *line = el_gets(el, count);
    *error_number = errno;
    mask_interrupts(SIG_BLOCK);
    set_retry_timer(0);
    return line;
}

void rdsh_el_reset(EditLine *el) { el_reset(el); }

void rdsh_el_refresh(EditLine *el) { el_set(el, EL_REFRESH); }

void rdsh_el_push(EditLine *el, const char *keys) { el_push(el, keys); }

void rdsh_el_line(EditLine *el, const char **buffer, int *cursor, int *length) {
    const LineInfo *info = el_line(el);
    *buffer = info->buffer;
    *cursor = (int)(info->cursor - info->buffer);
    *length = (int)(info->lastchar - info->buffer);
}

int rdsh_el_insert(EditLine *el, const char *text) { return el_insertstr(el, text); }

void rdsh_el_delete(EditLine *el, int count) { el_deletestr(el, count); }

void rdsh_el_write(EditLine *el, const char *text) {
    FILE *out = NULL;
    if (el_get(el, EL_GETFP, 1, &out) != 0 || out == NULL) out = stdout;
    fputs(text, out);
    fflush(out);
}

History *rdsh_history_open(int size) {
    if (rdsh_libedit_problem() != NULL) return NULL;
    History *h = history_init();
    if (h == NULL) return NULL;
    HistEvent ev;
    history(h, &ev, H_SETSIZE, size);
    history(h, &ev, H_SETUNIQUE, 1);
    return h;
}

void rdsh_history_close(History *h) { history_end(h); }

int rdsh_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

int rdsh_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

int rdsh_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

int rdsh_history_count(History *h) {
    HistEvent ev;
    if (history(h, &ev, H_GETSIZE) < 0) return -1;
    return ev.num;
}


static void on_sigint(int signo) {
    (void)signo;
    sigint_seen = 1;
    // A Ctrl-C that lands between the prompt and the editor's read() interrupts nothing and
    // would be lost. Keep interrupting (SIGALRM, also without SA_RESTART) every 20 ms until the
    // read returns EINTR; rdsh_el_gets stops the timer.
    set_retry_timer(20000);
}

static void on_sigalrm(int signo) { (void)signo; }

void rdsh_sigint_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: the editor's read must return EINTR
    action.sa_handler = on_sigint;
    sigaction(SIGINT, &action, NULL);
    action.sa_handler = on_sigalrm;
    sigaction(SIGALRM, &action, NULL);
    // Threads started later inherit this mask: the signals only ever reach this thread.
    mask_interrupts(SIG_BLOCK);
}

void rdsh_sigint_restore(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    set_retry_timer(0);
    mask_interrupts(SIG_UNBLOCK);
}

int rdsh_sigint_pending_take(void) {
    // SIGINT is blocked on every thread while a command runs, so a Ctrl-C stays pending on the
    // process. Consume it here (a zero-timeout sigtimedwait), so the next prompt does not see
    // it again.
    sigset_t pending;
    sigemptyset(&pending);
    if (sigpending(&pending) != 0 || !sigismember(&pending, SIGINT)) return 0;
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, SIGINT);
    struct timespec zero = {0, 0};
    (void)sigtimedwait(&only, NULL, &zero);
    return 1;
}

int rdsh_sigint_take(void) {
    int seen = sigint_seen;
    sigint_seen = 0;
    return seen;
}

void rdsh_flush_stdout(void) { fflush(stdout); }

void rdsh_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

void rdsh_write_stdout(const char *text) { fputs(text, stdout); }

void rdsh_write_stderr(const char *text) {
    fflush(stdout);
    fputs(text, stderr);
    fflush(stderr);
}
