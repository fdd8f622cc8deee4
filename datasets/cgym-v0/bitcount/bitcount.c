/* bitcount: population count with five methods (naive shift loop,
 * Kernighan's trick, byte lookup table, SWAR parallel sum, and a recursive
 * nibble count) plus parity and leading-zero helpers.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>

static unsigned char byte_table[256];

static int count_naive(uint32_t x)
{
    int n = 0;
    while (x) {
        n += (int)(x & 1u);
        x >>= 1;
    }
    return n;
}

static int count_kernighan(uint32_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1u;
        n++;
    }
    return n;
}

static int count_table(uint32_t x)
{
    return byte_table[x & 0xFFu] + byte_table[(x >> 8) & 0xFFu] + byte_table[(x >> 16) & 0xFFu] +
           byte_table[x >> 24];
}

static int count_swar(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}

static int count_nibbles(uint32_t x)
{
    static const int nib[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    return x == 0 ? 0 : nib[x & 15u] + count_nibbles(x >> 4);
}

static int parity(uint32_t x)
{
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    return (int)((0x6996u >> (x & 15u)) & 1u);
}

static int leading_zeros(uint32_t x)
{
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

int main(void)
{
    for (int i = 0; i < 256; i++)
        byte_table[i] = (unsigned char)count_naive((uint32_t)i);
    int (*const methods[5])(uint32_t) = {count_naive, count_kernighan, count_table, count_swar,
                                         count_nibbles};
    static const char *const names[5] = {"naive", "kernighan", "table", "swar", "nibbles"};
    unsigned long totals[5] = {0, 0, 0, 0, 0};
    unsigned disagreements = 0, odd = 0;
    unsigned long lz = 0;
    uint32_t x = 1u;
    for (int i = 0; i < 20000; i++) {
        x = x * 69069u + 1u;
        uint32_t v = (i & 1) ? x : (x & (x >> 3) & (x >> 7));
        int first = methods[0](v);
        for (int m = 0; m < 5; m++) {
            int c = methods[m](v);
            totals[m] += (unsigned long)c;
            if (c != first)
                disagreements++;
        }
        if (parity(v) != (first & 1))
            disagreements++;
        odd += (unsigned)parity(v);
        lz += (unsigned long)leading_zeros(v);
    }
    for (int m = 0; m < 5; m++)
        printf("%-10s total bits %lu\n", names[m], totals[m]);
    printf("odd parity words %u, leading zeros %lu, disagreements %u\n", odd, lz, disagreements);
    printf("checksum: 0x%08x\n", (unsigned)(totals[0] * 2654435761u ^ lz ^ (odd << 16)));
    return 0;
}
