// GNU readline for Swift. readline.h needs stdio.h first.
#ifndef CWQL_READLINE_SHIM_H
#define CWQL_READLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/// Readline's globals are not concurrency-safe in Swift 6; these setters keep the
/// mutation on the C side.
static inline void cwql_rl_set_attempted_completion_function(rl_completion_func_t *f) {
    rl_attempted_completion_function = f;
}
static inline void cwql_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void cwql_rl_set_catch_signals(int v) { rl_catch_signals = v; }
static inline const char *cwql_rl_line_buffer(void) { return rl_line_buffer; }
static inline int cwql_rl_is_reading(void) { return RL_ISSTATE(RL_STATE_READCMD) ? 1 : 0; }
static inline void cwql_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void cwql_rl_set_getc_function(rl_getc_func_t *f) { rl_getc_function = f; }
static inline int cwql_rl_getc(FILE *stream) { return rl_getc(stream); }
/// Ctrl-C while editing: drop the line and show `prompt` (the primary prompt, so that a
/// pending multi-line entry is visibly discarded) on a fresh line.
static inline void cwql_rl_clear_line_for_interrupt(const char *prompt) {
    rl_free_line_state();
    rl_crlf();
    if (prompt) rl_set_prompt(prompt);
    rl_on_new_line();
    rl_replace_line("", 0);
    rl_redisplay();
}
static inline void cwql_rl_set_basic_word_break_characters(const char *chars) {
    rl_basic_word_break_characters = (char *)chars;
}
/// Queues text as if typed, for the next readline() (a line typed at a question is kept).
static inline void cwql_rl_stuff_text(const char *text) {
    for (const char *c = text; *c; c++) rl_stuff_char(*c);
}
#endif
