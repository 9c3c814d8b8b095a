#ifndef CEDITLINE_SHIM_H
#define CEDITLINE_SHIM_H
#include <histedit.h>
// Typed wrappers around libedit's variadic el_set/el_get/history calls (filled in by the REPL work).
#endif
