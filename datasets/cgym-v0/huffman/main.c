/* huffman: canonical, length-limited Huffman coding (tree via a min-heap,
 * bit-level writer and reader) over several generated inputs, with
 * round-trip verification. Part of the cgym-v0 benchmark suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huffman.h"

static uint32_t seed = 2718281u;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static size_t gen_input(uint8_t *buf, size_t n, int kind)
{
    switch (kind) {
    case 0: /* English-like letters with skewed frequencies */
        for (size_t i = 0; i < n; i++) {
            static const char freq_order[] = "etaoinshrdlcumwfgypbvkjxqz    ..,\n";
            uint32_t r = rnd();
            size_t idx = (r & 0xFFu) % (1u + ((r >> 8) & 31u));
            buf[i] = (uint8_t)freq_order[idx % (sizeof freq_order - 1)];
        }
        return n;
    case 1: /* geometric distribution: long codes, exercises length limiting */
        for (size_t i = 0; i < n; i++) {
            uint32_t r = rnd();
            int s = 0;
            while ((r & 1u) && s < 30) {
                s++;
                r >>= 1;
            }
            buf[i] = (uint8_t)(s * 7);
        }
        return n;
    case 2: /* uniform bytes */
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)(rnd() >> 24);
        return n;
    case 3: /* a single repeated symbol */
        memset(buf, 'z', n / 10);
        return n / 10;
    default:
        return 0; /* empty input */
    }
}

int main(void)
{
    enum { N = 20000 };
    uint8_t *in = malloc(N), *enc = malloc(2 * N + HUFF_HEADER_BYTES), *dec = malloc(N);
    if (!in || !enc || !dec)
        return 1;
    uint32_t checksum = 2166136261u;
    static const char *const names[] = {"text", "geometric", "uniform", "single", "empty"};
    for (int kind = 0; kind < 5; kind++) {
        size_t n = gen_input(in, N, kind);
        uint32_t freq[HUFF_SYMBOLS];
        uint8_t lengths[HUFF_SYMBOLS];
        huff_count(in, n, freq);
        int rounds = huff_build_lengths(freq, lengths);
        int used = 0, maxlen = 0;
        for (int s = 0; s < HUFF_SYMBOLS; s++)
            if (lengths[s]) {
                used++;
                if (lengths[s] > maxlen)
                    maxlen = lengths[s];
            }
        size_t e = huff_encode(in, n, enc, 2 * N + HUFF_HEADER_BYTES);
        size_t d = huff_decode(enc, e, dec, N);
        int ok = e > 0 && d == n && memcmp(in, dec, n) == 0;
        printf("%-9s %5zu bytes, %3d symbols, max code %2d bits (%d limit rounds), "
               "payload %llu bits, encoded %5zu bytes, roundtrip %s\n",
               names[kind], n, used, maxlen, rounds,
               (unsigned long long)huff_cost_bits(freq, lengths), e, ok ? "ok" : "FAILED");
        for (size_t i = 0; i < e; i++) {
            checksum ^= enc[i];
            checksum *= 16777619u;
        }
    }
    /* corrupted stream must not crash the decoder */
    size_t n = gen_input(in, 1000, 0);
    size_t e = huff_encode(in, n, enc, 2 * N);
    size_t d = huff_decode(enc, e - 50, dec, N);
    printf("truncated stream rejected: %s\n", d == (size_t)-1 ? "yes" : "no");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(in);
    free(enc);
    free(dec);
    return 0;
}
