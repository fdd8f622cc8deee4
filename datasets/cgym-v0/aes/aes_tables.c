/* aes_tables.c - GF(2^8) arithmetic and generation of the S-boxes and the
 * encryption/decryption T-tables. */
#include "aes.h"

uint8_t aes_sbox[256], aes_inv_sbox[256];
uint32_t aes_te[4][256], aes_td[4][256];

static uint8_t xtime(uint8_t a) { return (uint8_t)((a << 1) ^ ((a & 0x80u) ? 0x1Bu : 0u)); }

uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1u)
            r ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return r;
}

/* multiplicative inverse as a^254 by square-and-multiply; inv(0) = 0 */
uint8_t gf_inv(uint8_t a)
{
    uint8_t result = 1, base = a;
    unsigned e = 254;
    while (e) {
        if (e & 1u)
            result = gf_mul(result, base);
        base = gf_mul(base, base);
        e >>= 1;
    }
    return a ? result : 0;
}

static uint8_t rotl8(uint8_t x, unsigned n) { return (uint8_t)((x << n) | (x >> (8u - n))); }

static uint32_t word(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | (uint32_t)d;
}

static uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

void aes_init_tables(void)
{
    for (int i = 0; i < 256; i++) {
        uint8_t s = gf_inv((uint8_t)i);
        uint8_t v = (uint8_t)(s ^ rotl8(s, 1) ^ rotl8(s, 2) ^ rotl8(s, 3) ^ rotl8(s, 4) ^ 0x63u);
        aes_sbox[i] = v;
        aes_inv_sbox[v] = (uint8_t)i;
    }
    for (int i = 0; i < 256; i++) {
        uint8_t s = aes_sbox[i], si = aes_inv_sbox[i];
        uint32_t te = word(gf_mul(s, 2), s, s, gf_mul(s, 3));
        uint32_t td = word(gf_mul(si, 14), gf_mul(si, 9), gf_mul(si, 13), gf_mul(si, 11));
        for (int t = 0; t < 4; t++) {
            aes_te[t][i] = t ? rotr32(te, 8u * (unsigned)t) : te;
            aes_td[t][i] = t ? rotr32(td, 8u * (unsigned)t) : td;
        }
    }
}
