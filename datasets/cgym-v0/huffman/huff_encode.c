/* huff_encode.c - header serialisation and MSB-first bit writer. */
#include "huffman.h"

typedef struct {
    uint8_t *out;
    size_t cap, pos;
    uint32_t acc;
    int nbits;
    int overflow;
} bit_writer;

static void put_byte(bit_writer *w, uint8_t b)
{
    if (w->pos < w->cap)
        w->out[w->pos++] = b;
    else
        w->overflow = 1;
}

static void put_bits(bit_writer *w, uint32_t code, int len)
{
    for (int i = len - 1; i >= 0; i--) {
        w->acc = (w->acc << 1) | ((code >> i) & 1u);
        if (++w->nbits == 8) {
            put_byte(w, (uint8_t)w->acc);
            w->acc = 0;
            w->nbits = 0;
        }
    }
}

static void flush_bits(bit_writer *w)
{
    if (w->nbits > 0) {
        put_byte(w, (uint8_t)(w->acc << (8 - w->nbits)));
        w->acc = 0;
        w->nbits = 0;
    }
}

size_t huff_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    uint32_t freq[HUFF_SYMBOLS], codes[HUFF_SYMBOLS];
    uint8_t lengths[HUFF_SYMBOLS];
    huff_count(in, n, freq);
    huff_build_lengths(freq, lengths);
    huff_canonical_codes(lengths, codes);
    bit_writer w = {out, cap, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++)
        put_byte(&w, (uint8_t)((uint32_t)n >> (8 * i)));
    for (int s = 0; s < HUFF_SYMBOLS; s += 2)
        put_byte(&w, (uint8_t)((lengths[s] << 4) | lengths[s + 1]));
    for (size_t i = 0; i < n; i++)
        put_bits(&w, codes[in[i]], lengths[in[i]]);
    flush_bits(&w);
    return w.overflow ? 0 : w.pos;
}
