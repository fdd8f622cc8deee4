/* chacha20: the ChaCha20 stream cipher (RFC 8439 block function with a
 * 96-bit nonce and 32-bit counter), the RFC's block-function and encryption
 * test vectors, round trips over generated data, and a keystream
 * bit-balance statistic. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32u - n)); }

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void quarter(uint32_t *s, int a, int b, int c, int d)
{
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 16);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 12);
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 8);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 7);
}

static void chacha_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
                         uint8_t out[64])
{
    uint32_t init[16], x[16];
    init[0] = 0x61707865u;
    init[1] = 0x3320646eu;
    init[2] = 0x79622d32u;
    init[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++)
        init[4 + i] = le32(key + 4 * i);
    init[12] = counter;
    for (int i = 0; i < 3; i++)
        init[13 + i] = le32(nonce + 4 * i);
    memcpy(x, init, sizeof x);
    for (int r = 0; r < 10; r++) {
        quarter(x, 0, 4, 8, 12);
        quarter(x, 1, 5, 9, 13);
        quarter(x, 2, 6, 10, 14);
        quarter(x, 3, 7, 11, 15);
        quarter(x, 0, 5, 10, 15);
        quarter(x, 1, 6, 11, 12);
        quarter(x, 2, 7, 8, 13);
        quarter(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + init[i];
        out[4 * i] = (uint8_t)v;
        out[4 * i + 1] = (uint8_t)(v >> 8);
        out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

static void chacha_xor(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
                       const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t ks[64];
    for (size_t off = 0; off < len; off += 64) {
        chacha_block(key, counter++, nonce, ks);
        size_t n = len - off < 64 ? len - off : 64;
        for (size_t i = 0; i < n; i++)
            out[off + i] = in[off + i] ^ ks[i];
    }
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

int main(void)
{
    uint8_t key[32], nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0}, block[64];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    chacha_block(key, 1, nonce, block);
    hex("block(counter=1)[0..16]:  ", block, 16);
    hex("block(counter=1)[48..64]: ", block + 48, 16);

    static const char sunscreen[] =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    size_t len = strlen(sunscreen);
    uint8_t ct[128], pt[128];
    uint8_t nonce2[12] = {0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0};
    chacha_xor(key, 1, nonce2, (const uint8_t *)sunscreen, ct, len);
    hex("ciphertext[0..16]: ", ct, 16);
    chacha_xor(key, 1, nonce2, ct, pt, len);
    printf("decrypts back: %s\n", memcmp(pt, sunscreen, len) == 0 ? "yes" : "NO");

    static uint8_t data[16384], enc[16384], dec[16384];
    uint32_t s = 5u, checksum = 0;
    for (size_t i = 0; i < sizeof data; i++) {
        s = s * 1664525u + 1013904223u;
        data[i] = (uint8_t)(s >> 24);
    }
    unsigned long ones = 0;
    for (int k = 0; k < 4; k++) {
        key[0] = (uint8_t)k;
        chacha_xor(key, (uint32_t)k * 1000u, nonce, data, enc, sizeof data);
        chacha_xor(key, (uint32_t)k * 1000u, nonce, enc, dec, sizeof data);
        int ok = memcmp(data, dec, sizeof data) == 0;
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < sizeof data; i++) {
            h = (h ^ enc[i]) * 16777619u;
            uint8_t ksb = (uint8_t)(enc[i] ^ data[i]);
            for (; ksb; ksb &= (uint8_t)(ksb - 1))
                ones++;
        }
        printf("key variant %d: ciphertext hash %08x, roundtrip %s\n", k, (unsigned)h, ok ? "ok" : "FAILED");
        checksum = checksum * 31u ^ h;
    }
    printf("keystream ones: %lu of %lu bits\n", ones, (unsigned long)(4 * 8 * sizeof data));
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
