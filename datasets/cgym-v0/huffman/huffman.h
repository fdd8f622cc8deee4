/* huffman.h - private interface of the cgym-v0 "huffman" benchmark. */
#ifndef CGYM_HUFFMAN_H
#define CGYM_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

#define HUFF_SYMBOLS 256
#define HUFF_MAX_BITS 12
#define HUFF_HEADER_BYTES (4 + HUFF_SYMBOLS / 2)

/* huff_tree.c: code construction */
void huff_count(const uint8_t *in, size_t n, uint32_t freq[HUFF_SYMBOLS]);
int huff_build_lengths(const uint32_t freq[HUFF_SYMBOLS], uint8_t lengths[HUFF_SYMBOLS]);
void huff_canonical_codes(const uint8_t lengths[HUFF_SYMBOLS], uint32_t codes[HUFF_SYMBOLS]);
uint64_t huff_cost_bits(const uint32_t freq[HUFF_SYMBOLS], const uint8_t lengths[HUFF_SYMBOLS]);

/* huff_encode.c */
size_t huff_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* huff_decode.c; returns the decoded length or (size_t)-1 on malformed input */
size_t huff_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

#endif
