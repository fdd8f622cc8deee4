/* aes: AES-128/192/256 from scratch (S-box and T-tables derived from
 * GF(2^8) arithmetic), a byte-oriented reference cipher and a T-table cipher
 * cross-checked against each other, FIPS-197 / SP 800-38A / RFC 4493 /
 * GCM-spec known-answer tests, the ECB, CBC, CTR, CFB, OFB, CMAC and GCM
 * modes over generated data with round trips, and a Monte-Carlo chain.
 * Part of the cgym-v0 benchmark suite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aes.h"

static int failures;
static uint32_t checksum = 2166136261u;

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (s[0] && s[1]) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[k];
            v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10);
        }
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void mix(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        checksum ^= p[i];
        checksum *= 16777619u;
    }
}

static void check(const char *label, const uint8_t *got, size_t n, const char *expect_hex)
{
    uint8_t want[64];
    size_t m = unhex(expect_hex, want);
    int ok = m == n && memcmp(got, want, n) == 0;
    printf("%-28s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", got[i]);
    printf(" %s\n", ok ? "ok" : "MISMATCH");
    if (!ok)
        failures++;
    mix(got, n);
}

static void known_answers(void)
{
    static const struct {
        const char *key, *pt, *ct;
    } fips[3] = {
        {"000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
         "69c4e0d86a7b0430d8cdb78070b4c55a"},
        {"000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff",
         "dda97ca4864cdfe06eaf70a0ec0d7191"},
        {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
         "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089"},
    };
    aes_ctx ctx;
    uint8_t key[32], pt[16], out[16], back[16];
    for (int i = 0; i < 3; i++) {
        size_t kl = unhex(fips[i].key, key);
        unhex(fips[i].pt, pt);
        aes_set_key(&ctx, key, kl);
        char label[40];
        snprintf(label, sizeof label, "FIPS-197 AES-%zu ttable", kl * 8);
        aes_encrypt(&ctx, pt, out);
        check(label, out, 16, fips[i].ct);
        snprintf(label, sizeof label, "FIPS-197 AES-%zu ref", kl * 8);
        aes_encrypt_ref(&ctx, pt, out);
        check(label, out, 16, fips[i].ct);
        aes_decrypt(&ctx, out, back);
        snprintf(label, sizeof label, "  decrypt (ttable)");
        check(label, back, 16, fips[i].pt);
        aes_decrypt_ref(&ctx, out, back);
        snprintf(label, sizeof label, "  decrypt (ref)");
        check(label, back, 16, fips[i].pt);
    }

    /* SP 800-38A, AES-128, first block of each mode */
    uint8_t k[16], p[64], c[64], iv[16];
    unhex("2b7e151628aed2a6abf7158809cf4f3c", k);
    unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", p);
    aes_set_key(&ctx, k, 16);
    aes_ecb_encrypt(&ctx, p, c, 32);
    check("SP800-38A ECB", c, 32, "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf");
    unhex("000102030405060708090a0b0c0d0e0f", iv);
    aes_cbc_encrypt(&ctx, iv, p, c, 32);
    check("SP800-38A CBC", c, 32, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
    aes_cfb_encrypt(&ctx, iv, p, c, 16);
    check("SP800-38A CFB128", c, 16, "3b3fd92eb72dad20333449f8e83cfb4a");
    aes_ofb_crypt(&ctx, iv, p, c, 32);
    check("SP800-38A OFB", c, 32, "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825");
    unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv);
    aes_ctr_crypt(&ctx, iv, p, c, 32);
    check("SP800-38A CTR", c, 32, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");

    /* RFC 4493 CMAC */
    uint8_t mac[16];
    aes_cmac(&ctx, p, 0, mac);
    check("RFC4493 CMAC len 0", mac, 16, "bb1d6929e95937287fa37d129b756746");
    aes_cmac(&ctx, p, 16, mac);
    check("RFC4493 CMAC len 16", mac, 16, "070a16b46b4d4144f79bdd9dd04a287c");

    /* GCM spec test cases 1 and 2 */
    uint8_t zkey[16] = {0}, ziv[12] = {0}, zpt[16] = {0}, gct[16], tag[16];
    aes_set_key(&ctx, zkey, 16);
    aes_gcm_encrypt(&ctx, ziv, 12, NULL, 0, NULL, NULL, 0, tag);
    check("GCM case 1 tag", tag, 16, "58e2fccefa7e3061367f1d57a4e7455a");
    aes_gcm_encrypt(&ctx, ziv, 12, NULL, 0, zpt, gct, 16, tag);
    check("GCM case 2 ciphertext", gct, 16, "0388dace60b6a392f328c2b971b2fe78");
    check("GCM case 2 tag", tag, 16, "ab6e47d42cec13bdf53a67b21257bddf");
}

static uint32_t rs = 0xA5A5A5A5u;
static uint8_t rbyte(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return (uint8_t)(rs >> 24);
}

static void bulk_modes(void)
{
    enum { LEN = 8192 + 5 };
    uint8_t *pt = malloc(LEN), *ct = malloc(LEN), *back = malloc(LEN);
    if (!pt || !ct || !back)
        abort();
    for (size_t i = 0; i < LEN; i++)
        pt[i] = rbyte();
    static const size_t key_lens[3] = {16, 24, 32};
    for (int kl = 0; kl < 3; kl++) {
        uint8_t key[32], iv[16], mac[16], tag[16], aad[40];
        for (int i = 0; i < 32; i++)
            key[i] = rbyte();
        for (int i = 0; i < 16; i++)
            iv[i] = rbyte();
        for (int i = 0; i < 40; i++)
            aad[i] = rbyte();
        aes_ctx ctx;
        aes_set_key(&ctx, key, key_lens[kl]);
        size_t blen = LEN - LEN % 16;
        int ok[7];

        aes_ecb_encrypt(&ctx, pt, ct, blen);
        mix(ct, blen);
        aes_ecb_decrypt(&ctx, ct, back, blen);
        ok[0] = memcmp(pt, back, blen) == 0;

        aes_cbc_encrypt(&ctx, iv, pt, ct, blen);
        mix(ct, blen);
        memcpy(back, ct, blen);
        aes_cbc_decrypt(&ctx, iv, back, back, blen); /* in place */
        ok[1] = memcmp(pt, back, blen) == 0;

        aes_ctr_crypt(&ctx, iv, pt, ct, LEN);
        mix(ct, LEN);
        aes_ctr_crypt(&ctx, iv, ct, back, LEN);
        ok[2] = memcmp(pt, back, LEN) == 0;

        aes_cfb_encrypt(&ctx, iv, pt, ct, LEN);
        mix(ct, LEN);
        aes_cfb_decrypt(&ctx, iv, ct, back, LEN);
        ok[3] = memcmp(pt, back, LEN) == 0;

        aes_ofb_crypt(&ctx, iv, pt, ct, LEN);
        mix(ct, LEN);
        aes_ofb_crypt(&ctx, iv, ct, back, LEN);
        ok[4] = memcmp(pt, back, LEN) == 0;

        aes_cmac(&ctx, pt, LEN, mac);
        mix(mac, 16);
        uint8_t mac2[16];
        aes_cmac(&ctx, pt, LEN - 1, mac2);
        ok[5] = memcmp(mac, mac2, 16) != 0;

        aes_gcm_encrypt(&ctx, iv, 12 + (size_t)kl * 2, aad, 40, pt, ct, LEN, tag);
        mix(ct, LEN);
        mix(tag, 16);
        int auth = aes_gcm_decrypt(&ctx, iv, 12 + (size_t)kl * 2, aad, 40, ct, back, LEN, tag);
        ct[100] ^= 1;
        int forged = aes_gcm_decrypt(&ctx, iv, 12 + (size_t)kl * 2, aad, 40, ct, back + 0, LEN, tag);
        ok[6] = auth && !forged;
        if (auth && !forged) {
            ct[100] ^= 1;
            aes_gcm_decrypt(&ctx, iv, 12 + (size_t)kl * 2, aad, 40, ct, back, LEN, tag);
            ok[6] = memcmp(pt, back, LEN) == 0;
        }
        static const char *const names[7] = {"ecb", "cbc", "ctr", "cfb", "ofb", "cmac", "gcm"};
        printf("AES-%zu bulk (%d bytes):", key_lens[kl] * 8, (int)LEN);
        for (int m = 0; m < 7; m++) {
            printf(" %s=%s", names[m], ok[m] ? "ok" : "FAIL");
            failures += !ok[m];
        }
        printf("\n");
        printf("  cmac %02x%02x%02x%02x.. gcm tag %02x%02x%02x%02x..\n", mac[0], mac[1], mac[2],
               mac[3], tag[0], tag[1], tag[2], tag[3]);
    }
    free(pt);
    free(ct);
    free(back);
}

int main(void)
{
    aes_init_tables();
    printf("sbox[00]=%02x sbox[53]=%02x inv_sbox[63]=%02x gf_mul(57,83)=%02x gf_inv(53)=%02x\n",
           aes_sbox[0], aes_sbox[0x53], aes_inv_sbox[0x63], gf_mul(0x57, 0x83), gf_inv(0x53));
    known_answers();

    /* reference and T-table ciphers agree on random blocks and keys */
    int disagree = 0;
    for (int t = 0; t < 300; t++) {
        uint8_t key[32], in[16], a[16], b[16], c[16];
        for (int i = 0; i < 32; i++)
            key[i] = rbyte();
        for (int i = 0; i < 16; i++)
            in[i] = rbyte();
        aes_ctx ctx;
        aes_set_key(&ctx, key, (size_t)(16 + 8 * (t % 3)));
        aes_encrypt(&ctx, in, a);
        aes_encrypt_ref(&ctx, in, b);
        aes_decrypt_ref(&ctx, a, c);
        if (memcmp(a, b, 16) != 0 || memcmp(c, in, 16) != 0)
            disagree++;
        aes_decrypt(&ctx, b, c);
        if (memcmp(c, in, 16) != 0)
            disagree++;
        mix(a, 16);
    }
    printf("reference vs T-table disagreements on 300 random blocks: %d\n", disagree);
    failures += disagree;

    bulk_modes();

    /* Monte-Carlo chain: 2000 encryptions, key updated every 100 */
    aes_ctx ctx;
    uint8_t key[16] = {0}, block[16] = {0};
    for (int outer = 0; outer < 20; outer++) {
        aes_set_key(&ctx, key, 16);
        for (int inner = 0; inner < 100; inner++)
            aes_encrypt(&ctx, block, block);
        for (int i = 0; i < 16; i++)
            key[i] ^= block[i];
    }
    printf("monte carlo: ");
    for (int i = 0; i < 16; i++)
        printf("%02x", block[i]);
    printf("\n");
    mix(block, 16);
    printf("failures: %d\n", failures);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
