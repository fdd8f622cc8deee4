/* aes_modes.c - ECB, CBC, CTR, CFB-128 and OFB modes, and CMAC (NIST
 * SP 800-38B) on top of the T-table block cipher. */
#include <string.h>

#include "aes.h"

static void xor_block(uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = a[i] ^ b[i];
}

void aes_ecb_encrypt(const aes_ctx *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    for (size_t off = 0; off + AES_BLOCK <= len; off += AES_BLOCK)
        aes_encrypt(ctx, in + off, out + off);
}

void aes_ecb_decrypt(const aes_ctx *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    for (size_t off = 0; off + AES_BLOCK <= len; off += AES_BLOCK)
        aes_decrypt(ctx, in + off, out + off);
}

void aes_cbc_encrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len)
{
    uint8_t chain[16], tmp[16];
    memcpy(chain, iv, 16);
    for (size_t off = 0; off + AES_BLOCK <= len; off += AES_BLOCK) {
        xor_block(tmp, in + off, chain, 16);
        aes_encrypt(ctx, tmp, out + off);
        memcpy(chain, out + off, 16);
    }
}

void aes_cbc_decrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len)
{
    uint8_t chain[16], next[16], tmp[16];
    memcpy(chain, iv, 16);
    for (size_t off = 0; off + AES_BLOCK <= len; off += AES_BLOCK) {
        memcpy(next, in + off, 16); /* allows in == out */
        aes_decrypt(ctx, in + off, tmp);
        xor_block(out + off, tmp, chain, 16);
        memcpy(chain, next, 16);
    }
}

static void increment_be(uint8_t ctr[16])
{
    for (int i = 15; i >= 0; i--)
        if (++ctr[i] != 0)
            break;
}

void aes_ctr_crypt(const aes_ctx *ctx, const uint8_t counter[16], const uint8_t *in, uint8_t *out,
                   size_t len)
{
    uint8_t ctr[16], ks[16];
    memcpy(ctr, counter, 16);
    for (size_t off = 0; off < len; off += AES_BLOCK) {
        aes_encrypt(ctx, ctr, ks);
        size_t n = len - off < AES_BLOCK ? len - off : AES_BLOCK;
        xor_block(out + off, in + off, ks, n);
        increment_be(ctr);
    }
}

void aes_cfb_encrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len)
{
    uint8_t reg[16], ks[16];
    memcpy(reg, iv, 16);
    for (size_t off = 0; off < len; off += AES_BLOCK) {
        aes_encrypt(ctx, reg, ks);
        size_t n = len - off < AES_BLOCK ? len - off : AES_BLOCK;
        xor_block(out + off, in + off, ks, n);
        memcpy(reg, out + off, n);
    }
}

void aes_cfb_decrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len)
{
    uint8_t reg[16], ks[16];
    memcpy(reg, iv, 16);
    for (size_t off = 0; off < len; off += AES_BLOCK) {
        aes_encrypt(ctx, reg, ks);
        size_t n = len - off < AES_BLOCK ? len - off : AES_BLOCK;
        memcpy(reg, in + off, n);
        xor_block(out + off, in + off, ks, n);
    }
}

void aes_ofb_crypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                   size_t len)
{
    uint8_t reg[16];
    memcpy(reg, iv, 16);
    for (size_t off = 0; off < len; off += AES_BLOCK) {
        aes_encrypt(ctx, reg, reg);
        size_t n = len - off < AES_BLOCK ? len - off : AES_BLOCK;
        xor_block(out + off, in + off, reg, n);
    }
}

/* doubling in GF(2^128) with the CMAC polynomial x^128 + x^7 + x^2 + x + 1 */
static void dbl(uint8_t out[16], const uint8_t in[16])
{
    uint8_t carry = in[0] >> 7;
    for (int i = 0; i < 15; i++)
        out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    out[15] = (uint8_t)((in[15] << 1) ^ (carry ? 0x87u : 0u));
}

void aes_cmac(const aes_ctx *ctx, const uint8_t *msg, size_t len, uint8_t mac[16])
{
    uint8_t zero[16] = {0}, l[16], k1[16], k2[16], x[16], last[16], tmp[16];
    aes_encrypt(ctx, zero, l);
    dbl(k1, l);
    dbl(k2, k1);
    size_t nblocks = (len + 15) / 16;
    int complete = nblocks > 0 && len % 16 == 0;
    if (nblocks == 0)
        nblocks = 1;
    size_t last_off = (nblocks - 1) * 16;
    if (complete) {
        xor_block(last, msg + last_off, k1, 16);
    } else {
        size_t rem = len - last_off;
        memset(last, 0, 16);
        if (rem)
            memcpy(last, msg + last_off, rem);
        last[rem] = 0x80;
        xor_block(last, last, k2, 16);
    }
    memset(x, 0, 16);
    for (size_t b = 0; b + 1 < nblocks; b++) {
        xor_block(tmp, x, msg + 16 * b, 16);
        aes_encrypt(ctx, tmp, x);
    }
    xor_block(tmp, x, last, 16);
    aes_encrypt(ctx, tmp, mac);
}
