/*
 * The library's version: the header's QLSSL_VERSION_* macros (what this program was compiled
 * against) and qlssl_version_number()/qlssl_version_string() (the library it runs with) agree,
 * and both work before any other call. tests/header.rs checks the macros against Cargo.toml.
 */
#include <stdio.h>
#include <string.h>

#include "qlssl_test.h"

int main(int argc, char **argv)
{
    const char *text;
    unsigned int number;

    test_init(argc, argv, 10);
    number = qlssl_version_number();
    text = qlssl_version_string();
    CHECK(text != NULL, "qlssl_version_string() returned NULL");
    printf("header %s (0x%08x), library %s (0x%08x)\n", QLSSL_VERSION_STRING, (unsigned)QLSSL_VERSION_NUMBER, text,
           number);
    CHECK(number == QLSSL_VERSION_NUMBER, "library 0x%08x, header 0x%08x", number, (unsigned)QLSSL_VERSION_NUMBER);
    CHECK(strcmp(text, QLSSL_VERSION_STRING) == 0, "library \"%s\", header \"%s\"", text, QLSSL_VERSION_STRING);
    CHECK(number == ((unsigned)QLSSL_VERSION_MAJOR << 24 | (unsigned)QLSSL_VERSION_MINOR << 16 |
                     (unsigned)QLSSL_VERSION_PATCH << 8),
          "QLSSL_VERSION_NUMBER does not encode MAJOR.MINOR.PATCH");
    CHECK(text == qlssl_version_string(), "the version text is not one static string");
    printf("PASS\n");
    return 0;
}
