/* aes_gcm.c - Galois/Counter Mode (NIST SP 800-38D): GHASH with a
 * bit-serial GF(2^128) multiplier, 96-bit and arbitrary-length IVs,
 * additional authenticated data, and constant-time tag comparison. */
#include <string.h>

#include "aes.h"

typedef struct {
    uint64_t hi, lo;
} u128;

static u128 load128(const uint8_t *p)
{
    u128 r = {0, 0};
    for (int i = 0; i < 8; i++) {
        r.hi = (r.hi << 8) | p[i];
        r.lo = (r.lo << 8) | p[8 + i];
    }
    return r;
}

static void store128(uint8_t *p, u128 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v.hi >> (56 - 8 * i));
        p[8 + i] = (uint8_t)(v.lo >> (56 - 8 * i));
    }
}

/* X * Y in GF(2^128) with GCM's reflected bit order */
static u128 gf128_mul(u128 x, u128 y)
{
    u128 z = {0, 0}, v = y;
    for (int i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? (x.hi >> (63 - i)) & 1u : (x.lo >> (127 - i)) & 1u;
        if (bit) {
            z.hi ^= v.hi;
            z.lo ^= v.lo;
        }
        uint64_t lsb = v.lo & 1u;
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi >>= 1;
        if (lsb)
            v.hi ^= 0xE100000000000000ULL;
    }
    return z;
}

typedef struct {
    u128 h, acc;
} ghash_state;

static void ghash_update(ghash_state *g, const uint8_t *data, size_t len)
{
    for (size_t off = 0; off < len; off += 16) {
        uint8_t block[16];
        size_t n = len - off < 16 ? len - off : 16;
        memset(block, 0, 16);
        memcpy(block, data + off, n);
        u128 b = load128(block);
        g->acc.hi ^= b.hi;
        g->acc.lo ^= b.lo;
        g->acc = gf128_mul(g->acc, g->h);
    }
}

static void ghash_lengths(ghash_state *g, uint64_t a_bytes, uint64_t c_bytes)
{
    g->acc.hi ^= a_bytes * 8u;
    g->acc.lo ^= c_bytes * 8u;
    g->acc = gf128_mul(g->acc, g->h);
}

static void inc32(uint8_t ctr[16])
{
    for (int i = 15; i >= 12; i--)
        if (++ctr[i] != 0)
            break;
}

static void gcm_setup(const aes_ctx *ctx, const uint8_t *iv, size_t iv_len, ghash_state *g,
                      uint8_t j0[16])
{
    uint8_t zero[16] = {0}, h[16];
    aes_encrypt(ctx, zero, h);
    g->h = load128(h);
    g->acc.hi = g->acc.lo = 0;
    if (iv_len == 12) {
        memcpy(j0, iv, 12);
        j0[12] = j0[13] = j0[14] = 0;
        j0[15] = 1;
    } else {
        ghash_state ig = *g;
        ghash_update(&ig, iv, iv_len);
        ghash_lengths(&ig, 0, iv_len);
        store128(j0, ig.acc);
    }
}

static void gctr(const aes_ctx *ctx, const uint8_t j0[16], const uint8_t *in, uint8_t *out,
                 size_t len)
{
    uint8_t ctr[16], ks[16];
    memcpy(ctr, j0, 16);
    for (size_t off = 0; off < len; off += 16) {
        inc32(ctr);
        aes_encrypt(ctx, ctr, ks);
        size_t n = len - off < 16 ? len - off : 16;
        for (size_t i = 0; i < n; i++)
            out[off + i] = in[off + i] ^ ks[i];
    }
}

static void compute_tag(const aes_ctx *ctx, ghash_state *g, const uint8_t j0[16],
                        const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t len,
                        uint8_t tag[16])
{
    uint8_t s[16], ek[16];
    ghash_update(g, aad, aad_len);
    ghash_update(g, ct, len);
    ghash_lengths(g, aad_len, len);
    store128(s, g->acc);
    aes_encrypt(ctx, j0, ek);
    for (int i = 0; i < 16; i++)
        tag[i] = s[i] ^ ek[i];
}

void aes_gcm_encrypt(const aes_ctx *ctx, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t tag[16])
{
    ghash_state g;
    uint8_t j0[16];
    gcm_setup(ctx, iv, iv_len, &g, j0);
    gctr(ctx, j0, in, out, len);
    compute_tag(ctx, &g, j0, aad, aad_len, out, len, tag);
}

int aes_gcm_decrypt(const aes_ctx *ctx, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                    const uint8_t tag[16])
{
    ghash_state g;
    uint8_t j0[16], expect[16];
    gcm_setup(ctx, iv, iv_len, &g, j0);
    compute_tag(ctx, &g, j0, aad, aad_len, in, len, expect);
    uint8_t diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= (uint8_t)(expect[i] ^ tag[i]);
    if (diff != 0) {
        memset(out, 0, len);
        return 0;
    }
    gctr(ctx, j0, in, out, len);
    return 1;
}
