/* rle: byte-oriented run-length encoding (PackBits-style literal and repeat
 * packets) with decode and round-trip check on generated images.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 16384

static unsigned char src[N], packed[N + N / 64 + 8], unpacked[N];

static size_t rle_encode(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && run < 128 && in[i + run] == in[i])
            run++;
        if (run >= 3) {
            out[o++] = (unsigned char)(257 - run); /* 129..254 => repeat */
            out[o++] = in[i];
            i += run;
            continue;
        }
        size_t start = i, lit = 0;
        while (i < n && lit < 128) {
            if (i + 2 < n && in[i] == in[i + 1] && in[i] == in[i + 2])
                break;
            i++;
            lit++;
        }
        out[o++] = (unsigned char)(lit - 1); /* 0..127 => literals */
        memcpy(out + o, in + start, lit);
        o += lit;
    }
    return o;
}

static size_t rle_decode(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned h = in[i++];
        if (h < 128) {
            size_t lit = h + 1u;
            if (i + lit > n || o + lit > cap)
                return 0;
            memcpy(out + o, in + i, lit);
            i += lit;
            o += lit;
        } else {
            size_t run = 257u - h;
            if (i >= n || o + run > cap)
                return 0;
            memset(out + o, in[i++], run);
            o += run;
        }
    }
    return o;
}

int main(void)
{
    uint32_t x = 77u, checksum = 0;
    for (int img = 0; img < 3; img++) {
        /* a "scanline" image: horizontal bands, dithering noise, solid blocks */
        for (size_t i = 0; i < N; i++) {
            x = x * 1664525u + 1013904223u;
            size_t row = i / 128, colm = i % 128;
            unsigned char v = (unsigned char)(row * 3 + img);
            if (img == 1 && (x >> 28) == 0)
                v = (unsigned char)(x >> 20);
            if (img == 2)
                v = (colm / 16 + row / 8) % 2 ? 0 : (unsigned char)(x >> 24);
            src[i] = v;
        }
        size_t p = rle_encode(src, N, packed);
        size_t u = rle_decode(packed, p, unpacked, N);
        int ok = u == N && memcmp(src, unpacked, N) == 0;
        printf("image %d: %d -> %zu bytes, roundtrip %s\n", img, N, p, ok ? "ok" : "FAILED");
        for (size_t i = 0; i < p; i++)
            checksum = checksum * 33u + packed[i];
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
