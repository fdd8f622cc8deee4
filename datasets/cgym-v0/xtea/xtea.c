/* xtea: the XTEA block cipher (64-bit block, 128-bit key, 32 cycles) in
 * ECB, CBC and CTR modes with PKCS#7 padding, decryption round trips and a
 * CBC-MAC over generated data. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELTA 0x9E3779B9u
#define ROUNDS 32

static void xtea_encrypt(uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = 0;
    for (int i = 0; i < ROUNDS; i++) {
        v0 += (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3u]);
        sum += DELTA;
        v1 += (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3u]);
    }
    v[0] = v0;
    v[1] = v1;
}

static void xtea_decrypt(uint32_t v[2], const uint32_t k[4])
{
    uint32_t v0 = v[0], v1 = v[1], sum = DELTA * ROUNDS;
    for (int i = 0; i < ROUNDS; i++) {
        v1 -= (((v0 << 4) ^ (v0 >> 5)) + v0) ^ (sum + k[(sum >> 11) & 3u]);
        sum -= DELTA;
        v0 -= (((v1 << 4) ^ (v1 >> 5)) + v1) ^ (sum + k[sum & 3u]);
    }
    v[0] = v0;
    v[1] = v1;
}

static void load_block(const unsigned char *p, uint32_t v[2])
{
    for (int w = 0; w < 2; w++)
        v[w] = ((uint32_t)p[4 * w] << 24) | ((uint32_t)p[4 * w + 1] << 16) |
               ((uint32_t)p[4 * w + 2] << 8) | (uint32_t)p[4 * w + 3];
}

static void store_block(unsigned char *p, const uint32_t v[2])
{
    for (int w = 0; w < 2; w++) {
        p[4 * w] = (unsigned char)(v[w] >> 24);
        p[4 * w + 1] = (unsigned char)(v[w] >> 16);
        p[4 * w + 2] = (unsigned char)(v[w] >> 8);
        p[4 * w + 3] = (unsigned char)v[w];
    }
}

static size_t pad(unsigned char *buf, size_t n)
{
    size_t p = 8 - n % 8;
    for (size_t i = 0; i < p; i++)
        buf[n + i] = (unsigned char)p;
    return n + p;
}

static size_t unpad(const unsigned char *buf, size_t n)
{
    if (n == 0 || n % 8)
        return (size_t)-1;
    size_t p = buf[n - 1];
    if (p == 0 || p > 8)
        return (size_t)-1;
    for (size_t i = 0; i < p; i++)
        if (buf[n - 1 - i] != p)
            return (size_t)-1;
    return n - p;
}

static void ecb(unsigned char *buf, size_t n, const uint32_t k[4], int enc)
{
    uint32_t v[2];
    for (size_t i = 0; i < n; i += 8) {
        load_block(buf + i, v);
        if (enc)
            xtea_encrypt(v, k);
        else
            xtea_decrypt(v, k);
        store_block(buf + i, v);
    }
}

static void cbc_encrypt(unsigned char *buf, size_t n, const uint32_t k[4], const uint32_t iv[2])
{
    uint32_t chain[2] = {iv[0], iv[1]}, v[2];
    for (size_t i = 0; i < n; i += 8) {
        load_block(buf + i, v);
        v[0] ^= chain[0];
        v[1] ^= chain[1];
        xtea_encrypt(v, k);
        chain[0] = v[0];
        chain[1] = v[1];
        store_block(buf + i, v);
    }
}

static void cbc_decrypt(unsigned char *buf, size_t n, const uint32_t k[4], const uint32_t iv[2])
{
    uint32_t chain[2] = {iv[0], iv[1]}, v[2], c[2];
    for (size_t i = 0; i < n; i += 8) {
        load_block(buf + i, v);
        c[0] = v[0];
        c[1] = v[1];
        xtea_decrypt(v, k);
        v[0] ^= chain[0];
        v[1] ^= chain[1];
        chain[0] = c[0];
        chain[1] = c[1];
        store_block(buf + i, v);
    }
}

static void ctr_crypt(unsigned char *buf, size_t n, const uint32_t k[4], uint32_t nonce)
{
    unsigned char ks[8];
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0) {
            uint32_t v[2] = {nonce, (uint32_t)(i / 8)};
            xtea_encrypt(v, k);
            store_block(ks, v);
        }
        buf[i] ^= ks[i % 8];
    }
}

static uint64_t cbc_mac(const unsigned char *buf, size_t n, const uint32_t k[4])
{
    uint32_t v[2] = {0, 0}, m[2];
    for (size_t i = 0; i + 8 <= n; i += 8) {
        load_block(buf + i, m);
        v[0] ^= m[0];
        v[1] ^= m[1];
        xtea_encrypt(v, k);
    }
    return ((uint64_t)v[0] << 32) | v[1];
}

int main(void)
{
    const uint32_t key[4] = {0x00010203u, 0x04050607u, 0x08090A0Bu, 0x0C0D0E0Fu};
    uint32_t blk[2] = {0x41424344u, 0x45464748u};
    xtea_encrypt(blk, key);
    printf("E(ABCDEFGH) = %08x%08x\n", (unsigned)blk[0], (unsigned)blk[1]);
    xtea_decrypt(blk, key);
    printf("D(E(ABCDEFGH)) = %08x%08x\n", (unsigned)blk[0], (unsigned)blk[1]);

    enum { N = 8000 };
    unsigned char *plain = malloc(N + 8), *work = malloc(N + 8);
    if (!plain || !work)
        return 1;
    uint32_t s = 1u;
    for (size_t i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        plain[i] = (unsigned char)(' ' + (s >> 16) % 95u);
    }
    uint32_t checksum = 0;
    const uint32_t iv[2] = {0xDEADBEEFu, 0xCAFEBABEu};
    for (size_t len = 5; len <= N; len = len * 3 + 1) {
        memcpy(work, plain, len);
        size_t padded = pad(work, len);
        ecb(work, padded, key, 1);
        uint32_t h1 = 0;
        for (size_t i = 0; i < padded; i++)
            h1 = h1 * 131u + work[i];
        ecb(work, padded, key, 0);
        int ok_ecb = unpad(work, padded) == len && memcmp(work, plain, len) == 0;

        memcpy(work, plain, len);
        padded = pad(work, len);
        cbc_encrypt(work, padded, key, iv);
        uint32_t h2 = 0;
        for (size_t i = 0; i < padded; i++)
            h2 = h2 * 131u + work[i];
        cbc_decrypt(work, padded, key, iv);
        int ok_cbc = unpad(work, padded) == len && memcmp(work, plain, len) == 0;

        memcpy(work, plain, len);
        ctr_crypt(work, len, key, 0x1234u);
        uint32_t h3 = 0;
        for (size_t i = 0; i < len; i++)
            h3 = h3 * 131u + work[i];
        ctr_crypt(work, len, key, 0x1234u);
        int ok_ctr = memcmp(work, plain, len) == 0;
        printf("len %4zu: ecb %08x %s, cbc %08x %s, ctr %08x %s\n", len, (unsigned)h1,
               ok_ecb ? "ok" : "BAD", (unsigned)h2, ok_cbc ? "ok" : "BAD", (unsigned)h3,
               ok_ctr ? "ok" : "BAD");
        checksum ^= h1 + 3u * h2 + 7u * h3;
    }
    uint64_t mac = cbc_mac(plain, N, key);
    printf("cbc-mac: %016llx\n", (unsigned long long)mac);
    checksum ^= (uint32_t)mac ^ (uint32_t)(mac >> 32);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(plain);
    free(work);
    return 0;
}
