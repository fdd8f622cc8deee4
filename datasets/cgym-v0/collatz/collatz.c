/* collatz: the start value below 30000 with the longest Collatz chain and
 * the highest value reached, using 64-bit arithmetic. A deliberately tiny
 * program. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    uint32_t best_start = 1, best_len = 0;
    uint64_t peak = 0, total = 0;
    for (uint32_t start = 1; start < 30000; start++) {
        uint64_t n = start;
        uint32_t len = 0;
        while (n != 1) {
            n = (n & 1u) ? 3 * n + 1 : n / 2;
            if (n > peak)
                peak = n;
            len++;
        }
        total += len;
        if (len > best_len) {
            best_len = len;
            best_start = start;
        }
    }
    printf("longest chain below 30000: start %u, %u steps\n", (unsigned)best_start, (unsigned)best_len);
    printf("highest value reached: %llu, total steps %llu\n", (unsigned long long)peak,
           (unsigned long long)total);
    printf("checksum: 0x%08x\n", (unsigned)((total * 2654435761u) ^ peak ^ best_start));
    return 0;
}
