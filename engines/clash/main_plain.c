/* Symbol clash test, step 2b: without --whole-archive the linker takes each symbol from the first
 * archive that defines it; this program, written against 2.28, reports which library it got. */
#include <stdio.h>

void mbedtls_version_get_string(char *string);

int main(void)
{
    char v[18] = {0};
    mbedtls_version_get_string(v);
    printf("mbedtls_version_get_string says %s\n", v);
    return 0;
}
