/* huff_decode.c - canonical Huffman decoding, one bit at a time, using the
 * per-length first-code / symbol-offset tables. */
#include "huffman.h"

typedef struct {
    const uint8_t *in;
    size_t n, pos;
    int bit;
} bit_reader;

static int get_bit(bit_reader *r)
{
    if (r->pos >= r->n)
        return -1;
    int b = (r->in[r->pos] >> (7 - r->bit)) & 1;
    if (++r->bit == 8) {
        r->bit = 0;
        r->pos++;
    }
    return b;
}

size_t huff_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    if (n < HUFF_HEADER_BYTES)
        return (size_t)-1;
    uint32_t total = 0;
    for (int i = 0; i < 4; i++)
        total |= (uint32_t)in[i] << (8 * i);
    if (total > cap)
        return (size_t)-1;
    uint8_t lengths[HUFF_SYMBOLS];
    for (int s = 0; s < HUFF_SYMBOLS; s += 2) {
        lengths[s] = (uint8_t)(in[4 + s / 2] >> 4);
        lengths[s + 1] = (uint8_t)(in[4 + s / 2] & 15u);
    }
    /* symbols sorted by (length, value), and per-length counts */
    int count[HUFF_MAX_BITS + 1] = {0};
    uint8_t sorted[HUFF_SYMBOLS];
    for (int s = 0; s < HUFF_SYMBOLS; s++) {
        if (lengths[s] > HUFF_MAX_BITS)
            return (size_t)-1;
        count[lengths[s]]++;
    }
    int offset[HUFF_MAX_BITS + 2];
    offset[1] = 0;
    for (int len = 1; len <= HUFF_MAX_BITS; len++)
        offset[len + 1] = offset[len] + count[len];
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        if (lengths[s])
            sorted[offset[lengths[s]]++] = (uint8_t)s;
    bit_reader r = {in, n, HUFF_HEADER_BYTES, 0};
    for (uint32_t i = 0; i < total; i++) {
        int code = 0, first = 0, index = 0;
        int len;
        for (len = 1; len <= HUFF_MAX_BITS; len++) {
            int b = get_bit(&r);
            if (b < 0)
                return (size_t)-1;
            code |= b;
            int c = count[len];
            if (code - first < c) {
                out[i] = sorted[index + (code - first)];
                break;
            }
            index += c;
            first = (first + c) << 1;
            code <<= 1;
        }
        if (len > HUFF_MAX_BITS)
            return (size_t)-1;
    }
    return total;
}
