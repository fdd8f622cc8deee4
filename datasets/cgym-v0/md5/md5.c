/* md5: an MD5 (RFC 1321) implementation whose round constants are derived
 * at start-up from sin() (libm), plus a 32-bit "digest of digests" over a
 * generated corpus. Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t T[64];
static const unsigned S[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static void init_constants(void)
{
    for (int i = 0; i < 64; i++) {
        double v = fabs(sin((double)(i + 1))) * 4294967296.0;
        T[i] = (uint32_t)floor(v);
    }
}

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32u - n)); }

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void md5_block(uint32_t st[4], const unsigned char *blk)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load_le32(blk + 4 * i);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        int round = i / 16;
        switch (round) {
        case 0:
            f = (b & c) | (~b & d);
            g = i;
            break;
        case 1:
            f = (d & b) | (~d & c);
            g = (5 * i + 1) % 16;
            break;
        case 2:
            f = b ^ c ^ d;
            g = (3 * i + 5) % 16;
            break;
        default:
            f = c ^ (b | ~d);
            g = (7 * i) % 16;
            break;
        }
        uint32_t tmp = d;
        d = c;
        c = b;
        b = b + rotl(a + f + T[i] + m[g], S[round][i % 4]);
        a = tmp;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

static void md5(const unsigned char *msg, size_t len, unsigned char out[16])
{
    uint32_t st[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
    size_t full = len / 64;
    for (size_t i = 0; i < full; i++)
        md5_block(st, msg + 64 * i);
    unsigned char tail[128];
    size_t rest = len - full * 64;
    memset(tail, 0, sizeof tail);
    if (rest > 0)
        memcpy(tail, msg + full * 64, rest);
    tail[rest] = 0x80;
    size_t tail_len = (rest < 56) ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8u;
    for (int i = 0; i < 8; i++)
        tail[tail_len - 8 + (size_t)i] = (unsigned char)(bits >> (8 * i));
    md5_block(st, tail);
    if (tail_len == 128)
        md5_block(st, tail + 64);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            out[4 * i + k] = (unsigned char)(st[i] >> (8 * k));
}

static void show(const char *label, const unsigned char d[16])
{
    printf("md5(%s) = ", label);
    for (int i = 0; i < 16; i++)
        printf("%02x", d[i]);
    printf("\n");
}

static unsigned char corpus[16384];

int main(void)
{
    init_constants();
    printf("T[0]=%08x T[63]=%08x\n", (unsigned)T[0], (unsigned)T[63]);
    static const char *const vectors[] = {
        "", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
    unsigned char d[16];
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char label[96];
        const char *v = vectors[i];
        size_t n = strlen(v);
        if (n > 20)
            snprintf(label, sizeof label, "\"%.17s...\"", v);
        else
            snprintf(label, sizeof label, "\"%s\"", v);
        md5((const unsigned char *)v, n, d);
        show(label, d);
    }
    uint64_t s = 88172645463325252u;
    for (size_t i = 0; i < sizeof corpus; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        corpus[i] = (unsigned char)(s >> 32);
    }
    uint32_t checksum = 0;
    for (size_t len = 0; len <= 200; len++) {
        md5(corpus + len * 13, len, d);
        checksum = rotl(checksum, 3) ^ load_le32(d) ^ load_le32(d + 12);
    }
    md5(corpus, sizeof corpus, d);
    show("corpus", d);
    checksum ^= load_le32(d + 4);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
