/* aes.h - private interface of the cgym-v0 "aes" benchmark: AES-128/192/256
 * with tables generated from GF(2^8) arithmetic at start-up, a byte-oriented
 * reference cipher and a 32-bit T-table cipher, and the ECB, CBC, CTR, CFB,
 * OFB, CMAC and GCM modes of operation. */
#ifndef CGYM_AES_H
#define CGYM_AES_H

#include <stddef.h>
#include <stdint.h>

#define AES_BLOCK 16
#define AES_MAX_ROUNDS 14

typedef struct {
    uint32_t ek[4 * (AES_MAX_ROUNDS + 1)]; /* encryption round keys */
    uint32_t dk[4 * (AES_MAX_ROUNDS + 1)]; /* equivalent-inverse-cipher keys */
    int rounds;
} aes_ctx;

/* aes_tables.c */
extern uint8_t aes_sbox[256], aes_inv_sbox[256];
extern uint32_t aes_te[4][256], aes_td[4][256];
uint8_t gf_mul(uint8_t a, uint8_t b);
uint8_t gf_inv(uint8_t a);
void aes_init_tables(void);

/* aes_core.c */
int aes_set_key(aes_ctx *ctx, const uint8_t *key, size_t key_len);
void aes_encrypt(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16]);
void aes_decrypt(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16]);
void aes_encrypt_ref(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16]);
void aes_decrypt_ref(const aes_ctx *ctx, const uint8_t in[16], uint8_t out[16]);

/* aes_modes.c; lengths in bytes, multiples of 16 for ECB/CBC */
void aes_ecb_encrypt(const aes_ctx *ctx, const uint8_t *in, uint8_t *out, size_t len);
void aes_ecb_decrypt(const aes_ctx *ctx, const uint8_t *in, uint8_t *out, size_t len);
void aes_cbc_encrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len);
void aes_cbc_decrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len);
void aes_ctr_crypt(const aes_ctx *ctx, const uint8_t counter[16], const uint8_t *in, uint8_t *out,
                   size_t len);
void aes_cfb_encrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len);
void aes_cfb_decrypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                     size_t len);
void aes_ofb_crypt(const aes_ctx *ctx, const uint8_t iv[16], const uint8_t *in, uint8_t *out,
                   size_t len);
void aes_cmac(const aes_ctx *ctx, const uint8_t *msg, size_t len, uint8_t mac[16]);

/* aes_gcm.c */
void aes_gcm_encrypt(const aes_ctx *ctx, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                     size_t aad_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t tag[16]);
int aes_gcm_decrypt(const aes_ctx *ctx, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, uint8_t *out, size_t len,
                    const uint8_t tag[16]);

#endif
