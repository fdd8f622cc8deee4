/* rc4: the RC4 stream cipher (key schedule + keystream generator) with
 * drop-N variant, encryption/decryption round trips and keystream
 * statistics (byte bias of the second output byte) over many keys.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    unsigned char S[256];
    unsigned i, j;
} rc4_state;

static void rc4_init(rc4_state *st, const unsigned char *key, size_t len)
{
    for (int k = 0; k < 256; k++)
        st->S[k] = (unsigned char)k;
    unsigned j = 0;
    for (int k = 0; k < 256; k++) {
        j = (j + st->S[k] + key[(size_t)k % len]) & 0xFFu;
        unsigned char t = st->S[k];
        st->S[k] = st->S[j];
        st->S[j] = t;
    }
    st->i = 0;
    st->j = 0;
}

static unsigned char rc4_byte(rc4_state *st)
{
    st->i = (st->i + 1u) & 0xFFu;
    st->j = (st->j + st->S[st->i]) & 0xFFu;
    unsigned char t = st->S[st->i];
    st->S[st->i] = st->S[st->j];
    st->S[st->j] = t;
    return st->S[(st->S[st->i] + st->S[st->j]) & 0xFFu];
}

static void rc4_crypt(rc4_state *st, unsigned char *buf, size_t n)
{
    for (size_t k = 0; k < n; k++)
        buf[k] ^= rc4_byte(st);
}

static void hex(const char *label, const unsigned char *p, size_t n)
{
    printf("%s", label);
    for (size_t k = 0; k < n; k++)
        printf("%02X", p[k]);
    printf("\n");
}

int main(void)
{
    rc4_state st;
    unsigned char buf[64];
    const char *msg = "Plaintext";
    memcpy(buf, msg, 9);
    rc4_init(&st, (const unsigned char *)"Key", 3);
    rc4_crypt(&st, buf, 9);
    hex("RC4(Key, Plaintext) = ", buf, 9);
    memcpy(buf, "Attack at dawn", 14);
    rc4_init(&st, (const unsigned char *)"Secret", 6);
    rc4_crypt(&st, buf, 14);
    hex("RC4(Secret, Attack at dawn) = ", buf, 14);

    /* second-byte bias: Pr[Z2 == 0] is about 2/256 */
    unsigned zero_second = 0, zero_first = 0;
    uint32_t checksum = 0, seed = 99u;
    unsigned char key[16];
    for (int trial = 0; trial < 3000; trial++) {
        for (int k = 0; k < 16; k++) {
            seed = seed * 1664525u + 1013904223u;
            key[k] = (unsigned char)(seed >> 24);
        }
        rc4_init(&st, key, 16);
        unsigned char z1 = rc4_byte(&st), z2 = rc4_byte(&st);
        zero_first += z1 == 0;
        zero_second += z2 == 0;
        checksum = checksum * 31u + z1 + ((uint32_t)z2 << 8);
    }
    printf("over 3000 keys: first byte zero %u times, second byte zero %u times\n", zero_first,
           zero_second);

    /* drop-768 stream, encrypt then decrypt a generated message */
    static unsigned char data[20000], copy[20000];
    for (size_t k = 0; k < sizeof data; k++)
        data[k] = (unsigned char)(k * 7u + (k >> 5));
    memcpy(copy, data, sizeof data);
    rc4_init(&st, key, 16);
    for (int d = 0; d < 768; d++)
        rc4_byte(&st);
    rc4_crypt(&st, data, sizeof data);
    uint32_t h = 0;
    for (size_t k = 0; k < sizeof data; k++)
        h = (h ^ data[k]) * 16777619u;
    rc4_init(&st, key, 16);
    for (int d = 0; d < 768; d++)
        rc4_byte(&st);
    rc4_crypt(&st, data, sizeof data);
    printf("drop768 ciphertext hash %08x, roundtrip %s\n", (unsigned)h,
           memcmp(data, copy, sizeof data) == 0 ? "ok" : "FAILED");
    printf("checksum: 0x%08x\n", (unsigned)(checksum ^ h));
    return 0;
}
