#ifndef CEDITLINE_SHIM_H
#define CEDITLINE_SHIM_H

// Typed wrappers around libedit's native API. Swift cannot call the variadic el_set, el_get
// and history(), and in Swift 6 it may not touch the stdio globals stdin/stdout/stderr, so
// every such call lives here behind a plain C signature. Only <histedit.h> is included:
// <readline/readline.h> would silently resolve to GNU readline on this machine.
#include <histedit.h>
#include <stddef.h>

/// Prompt callbacks: return memory that outlives the call.
typedef char *_Nullable (*rdsh_prompt_fn)(EditLine *_Nonnull);
/// Bound editor functions: return one of the CC_* codes.
typedef unsigned char (*rdsh_editor_fn)(EditLine *_Nonnull, int);

/// el_init("rdsh", stdin, stdout, stderr); NULL on failure.
/// Loads libedit (once): NULL when it is loaded, else why it could not be. libedit is opened
/// with dlopen when the REPL first needs it, so that `rdsh run` starts without it.
const char *_Nullable rdsh_libedit_problem(void);
/// NULL when libedit cannot be loaded (``rdsh_libedit_problem``) or el_init fails.
EditLine *_Nullable rdsh_el_open(const char *_Nonnull program);
void rdsh_el_close(EditLine *_Nonnull el);
void rdsh_el_set_prompt(EditLine *_Nonnull el, rdsh_prompt_fn _Nonnull fn);
void rdsh_el_set_rprompt(EditLine *_Nonnull el, rdsh_prompt_fn _Nonnull fn);
int rdsh_el_set_editor(EditLine *_Nonnull el, const char *_Nonnull mode);
void rdsh_el_set_signal(EditLine *_Nonnull el, int on);
void rdsh_el_set_clientdata(EditLine *_Nonnull el, void *_Nullable data);
void *_Nullable rdsh_el_get_clientdata(EditLine *_Nonnull el);
int rdsh_el_addfn(EditLine *_Nonnull el, const char *_Nonnull name, const char *_Nonnull help,
                  rdsh_editor_fn _Nonnull fn);
/// el_set(el, EL_BIND, key, function, NULL).
int rdsh_el_bind(EditLine *_Nonnull el, const char *_Nonnull key, const char *_Nonnull function);
/// Reads $EDITRC or ~/.editrc (path NULL), or the given file.
int rdsh_el_source(EditLine *_Nonnull el, const char *_Nullable path);
void rdsh_el_attach_history(EditLine *_Nonnull el, History *_Nonnull h);

/// One el_gets call with SIGINT unblocked for its duration on the calling thread. Returns the
/// line (owned by libedit, valid until the next call) or NULL; *count and *error_number say why
/// (count -1 with EINTR: interrupted by Ctrl-C; count 0: end of input).
const char *_Nullable rdsh_el_gets(EditLine *_Nonnull el, int *_Nonnull count,
                                   int *_Nonnull error_number);
void rdsh_el_reset(EditLine *_Nonnull el);
/// Redraws the line now (prompt, text, right prompt), from inside a bound function.
void rdsh_el_refresh(EditLine *_Nonnull el);
/// Queues keys as if typed next.
void rdsh_el_push(EditLine *_Nonnull el, const char *_Nonnull keys);
/// The edit buffer: *length bytes from *buffer, the cursor *cursor bytes in.
void rdsh_el_line(EditLine *_Nonnull el, const char *_Nullable *_Nonnull buffer,
                  int *_Nonnull cursor, int *_Nonnull length);
int rdsh_el_insert(EditLine *_Nonnull el, const char *_Nonnull text);
void rdsh_el_delete(EditLine *_Nonnull el, int count);
/// Writes text to the editor's output stream (stdout) and flushes it.
void rdsh_el_write(EditLine *_Nonnull el, const char *_Nonnull text);

/// history_init with H_SETSIZE size and H_SETUNIQUE (consecutive duplicates dropped).
History *_Nullable rdsh_history_open(int size);
void rdsh_history_close(History *_Nonnull h);
int rdsh_history_enter(History *_Nonnull h, const char *_Nonnull line);
/// H_LOAD: the number of entries read, or -1 (missing or unreadable file).
int rdsh_history_load(History *_Nonnull h, const char *_Nonnull path);
/// H_SAVE: the number of entries written, or -1.
int rdsh_history_save(History *_Nonnull h, const char *_Nonnull path);
int rdsh_history_count(History *_Nonnull h);

/// Installs the SIGINT handler with sigaction and WITHOUT SA_RESTART, so a blocked read returns
/// EINTR; the handler only sets a flag. Blocks SIGINT on the calling thread (threads created
/// later inherit the mask and never take the signal); rdsh_el_gets unblocks it while it reads.
void rdsh_sigint_install(void);
/// Puts SIGINT back to its default action and unblocks it (no editor after all).
void rdsh_sigint_restore(void);
/// Returns whether a Ctrl-C is pending while a command runs (SIGINT blocked), and consumes it.
int rdsh_sigint_pending_take(void);
/// Returns whether SIGINT arrived since the last call, and clears the flag.
int rdsh_sigint_take(void);

/// Writes text to stdout / stderr through stdio (Swift 6 cannot name the stdio globals).
void rdsh_write_stdout(const char *_Nonnull text);
void rdsh_write_stderr(const char *_Nonnull text);
/// Flushes stdout (libedit and Swift's print share stdio's stdout).
void rdsh_flush_stdout(void);
/// Makes stdout line buffered, so output survives a crash when piped.
void rdsh_line_buffer_stdout(void);

#endif
