/* aes_core.c - key expansion, the byte-oriented reference cipher
 * (SubBytes/ShiftRows/MixColumns/AddRoundKey) and the T-table cipher. */
#include <string.h>

#include "aes.h"

static uint32_t load_be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t sub_word(uint32_t w)
{
    return ((uint32_t)aes_sbox[w >> 24] << 24) | ((uint32_t)aes_sbox[(w >> 16) & 0xFFu] << 16) |
           ((uint32_t)aes_sbox[(w >> 8) & 0xFFu] << 8) | (uint32_t)aes_sbox[w & 0xFFu];
}

static uint32_t inv_mix_word(uint32_t w)
{
    /* InvMixColumns via the decryption tables, which include InvSubBytes */
    return aes_td[0][aes_sbox[w >> 24]] ^ aes_td[1][aes_sbox[(w >> 16) & 0xFFu]] ^
           aes_td[2][aes_sbox[(w >> 8) & 0xFFu]] ^ aes_td[3][aes_sbox[w & 0xFFu]];
}

int aes_set_key(aes_ctx *ctx, const uint8_t *key, size_t key_len)
{
    if (key_len != 16 && key_len != 24 && key_len != 32)
        return 0;
    int nk = (int)(key_len / 4);
    ctx->rounds = nk + 6;
    int total = 4 * (ctx->rounds + 1);
    for (int i = 0; i < nk; i++)
        ctx->ek[i] = load_be(key + 4 * i);
    uint8_t rcon = 1;
    for (int i = nk; i < total; i++) {
        uint32_t t = ctx->ek[i - 1];
        if (i % nk == 0) {
            t = sub_word((t << 8) | (t >> 24)) ^ ((uint32_t)rcon << 24);
            rcon = gf_mul(rcon, 2);
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        ctx->ek[i] = ctx->ek[i - nk] ^ t;
    }
    /* equivalent inverse cipher: reversed rounds, InvMixColumns on the middle */
    for (int r = 0; r <= ctx->rounds; r++)
        for (int c = 0; c < 4; c++) {
            uint32_t w = ctx->ek[4 * (ctx->rounds - r) + c];
            ctx->dk[4 * r + c] = (r == 0 || r == ctx->rounds) ? w : inv_mix_word(w);
        }
    return 1;
}

void aes_encrypt(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *rk = ctx->ek;
    uint32_t s0 = load_be(in) ^ rk[0], s1 = load_be(in + 4) ^ rk[1];
    uint32_t s2 = load_be(in + 8) ^ rk[2], s3 = load_be(in + 12) ^ rk[3];
    for (int r = 1; r < ctx->rounds; r++) {
        rk += 4;
        uint32_t t0 = aes_te[0][s0 >> 24] ^ aes_te[1][(s1 >> 16) & 0xFFu] ^
                      aes_te[2][(s2 >> 8) & 0xFFu] ^ aes_te[3][s3 & 0xFFu] ^ rk[0];
        uint32_t t1 = aes_te[0][s1 >> 24] ^ aes_te[1][(s2 >> 16) & 0xFFu] ^
                      aes_te[2][(s3 >> 8) & 0xFFu] ^ aes_te[3][s0 & 0xFFu] ^ rk[1];
        uint32_t t2 = aes_te[0][s2 >> 24] ^ aes_te[1][(s3 >> 16) & 0xFFu] ^
                      aes_te[2][(s0 >> 8) & 0xFFu] ^ aes_te[3][s1 & 0xFFu] ^ rk[2];
        uint32_t t3 = aes_te[0][s3 >> 24] ^ aes_te[1][(s0 >> 16) & 0xFFu] ^
                      aes_te[2][(s1 >> 8) & 0xFFu] ^ aes_te[3][s2 & 0xFFu] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    rk += 4;
    const uint32_t s[4] = {s0, s1, s2, s3};
    for (int c = 0; c < 4; c++) {
        uint32_t w = ((uint32_t)aes_sbox[s[c] >> 24] << 24) |
                     ((uint32_t)aes_sbox[(s[(c + 1) % 4] >> 16) & 0xFFu] << 16) |
                     ((uint32_t)aes_sbox[(s[(c + 2) % 4] >> 8) & 0xFFu] << 8) |
                     (uint32_t)aes_sbox[s[(c + 3) % 4] & 0xFFu];
        store_be(out + 4 * c, w ^ rk[c]);
    }
}

void aes_decrypt(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *rk = ctx->dk;
    uint32_t s0 = load_be(in) ^ rk[0], s1 = load_be(in + 4) ^ rk[1];
    uint32_t s2 = load_be(in + 8) ^ rk[2], s3 = load_be(in + 12) ^ rk[3];
    for (int r = 1; r < ctx->rounds; r++) {
        rk += 4;
        uint32_t t0 = aes_td[0][s0 >> 24] ^ aes_td[1][(s3 >> 16) & 0xFFu] ^
                      aes_td[2][(s2 >> 8) & 0xFFu] ^ aes_td[3][s1 & 0xFFu] ^ rk[0];
        uint32_t t1 = aes_td[0][s1 >> 24] ^ aes_td[1][(s0 >> 16) & 0xFFu] ^
                      aes_td[2][(s3 >> 8) & 0xFFu] ^ aes_td[3][s2 & 0xFFu] ^ rk[1];
        uint32_t t2 = aes_td[0][s2 >> 24] ^ aes_td[1][(s1 >> 16) & 0xFFu] ^
                      aes_td[2][(s0 >> 8) & 0xFFu] ^ aes_td[3][s3 & 0xFFu] ^ rk[2];
        uint32_t t3 = aes_td[0][s3 >> 24] ^ aes_td[1][(s2 >> 16) & 0xFFu] ^
                      aes_td[2][(s1 >> 8) & 0xFFu] ^ aes_td[3][s0 & 0xFFu] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    rk += 4;
    const uint32_t s[4] = {s0, s1, s2, s3};
    for (int c = 0; c < 4; c++) {
        uint32_t w = ((uint32_t)aes_inv_sbox[s[c] >> 24] << 24) |
                     ((uint32_t)aes_inv_sbox[(s[(c + 3) % 4] >> 16) & 0xFFu] << 16) |
                     ((uint32_t)aes_inv_sbox[(s[(c + 2) % 4] >> 8) & 0xFFu] << 8) |
                     (uint32_t)aes_inv_sbox[s[(c + 1) % 4] & 0xFFu];
        store_be(out + 4 * c, w ^ rk[c]);
    }
}

/* ---------- byte-oriented reference implementation ---------- */

static void add_round_key(uint8_t st[16], const uint32_t *w)
{
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++)
            st[4 * c + r] ^= (uint8_t)(w[c] >> (24 - 8 * r));
}

static void sub_bytes(uint8_t st[16], const uint8_t *box)
{
    for (int i = 0; i < 16; i++)
        st[i] = box[st[i]];
}

static void shift_rows(uint8_t st[16], int inverse)
{
    uint8_t t[16];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) {
            int src = inverse ? (c - r + 4) % 4 : (c + r) % 4;
            t[4 * c + r] = st[4 * src + r];
        }
    memcpy(st, t, 16);
}

static void mix_columns(uint8_t st[16], int inverse)
{
    static const uint8_t fwd[4] = {2, 3, 1, 1}, inv[4] = {14, 11, 13, 9};
    const uint8_t *m = inverse ? inv : fwd;
    for (int c = 0; c < 4; c++) {
        uint8_t a[4], b[4];
        memcpy(a, st + 4 * c, 4);
        for (int r = 0; r < 4; r++) {
            b[r] = 0;
            for (int k = 0; k < 4; k++)
                b[r] ^= gf_mul(a[k], m[(k - r + 4) % 4]);
        }
        memcpy(st + 4 * c, b, 4);
    }
}

void aes_encrypt_ref(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16])
{
    uint8_t st[16];
    memcpy(st, in, 16);
    add_round_key(st, ctx->ek);
    for (int r = 1; r <= ctx->rounds; r++) {
        sub_bytes(st, aes_sbox);
        shift_rows(st, 0);
        if (r != ctx->rounds)
            mix_columns(st, 0);
        add_round_key(st, ctx->ek + 4 * r);
    }
    memcpy(out, st, 16);
}

void aes_decrypt_ref(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16])
{
    uint8_t st[16];
    memcpy(st, in, 16);
    add_round_key(st, ctx->ek + 4 * ctx->rounds);
    for (int r = ctx->rounds - 1; r >= 0; r--) {
        shift_rows(st, 1);
        sub_bytes(st, aes_inv_sbox);
        add_round_key(st, ctx->ek + 4 * r);
        if (r != 0)
            mix_columns(st, 1);
    }
    memcpy(out, st, 16);
}
