#include <stdio.h>
#include <string.h>

void greet(const char *name) {
    char buffer[16];
    /* defect: unchecked copy into a fixed buffer (CWE-120) */
    strcpy(buffer, name);
    /* defect: format string (CWE-134) */
    printf(name);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        greet(argv[1]);
    }
    return 0;
}
