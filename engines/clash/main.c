/* Symbol clash test, step 3 (engines/clash/clash.sh): one program calling mbedtls 2.28 and, under
 * the ql3_ prefix, mbedtls 3.6, both linked in whole. Prints both version strings. */
#include <stdio.h>

void mbedtls_version_get_string(char *string);      /* 2.28 */
void ql3_mbedtls_version_get_string(char *string);  /* 3.6, renamed by objcopy */

int main(void)
{
    char a[18] = {0}, b[18] = {0};
    mbedtls_version_get_string(a);
    ql3_mbedtls_version_get_string(b);
    printf("2.28 side: %s, 3.6 side: %s\n", a, b);
    return 0;
}
