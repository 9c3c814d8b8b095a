// Only libedit's native header: <readline/readline.h> would silently be GNU readline.
#include <histedit.h>
