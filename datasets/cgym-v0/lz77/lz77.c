/* lz77: an LZ77/LZSS compressor with a 4 KiB sliding window, hash-chain
 * match finder and lazy matching, emitting a flag-byte token format; the
 * decompressor must reproduce the input. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 18
#define HASH_BITS 12
#define HASH_SIZE (1 << HASH_BITS)
#define MAX_CHAIN 32

typedef struct {
    int head[HASH_SIZE];
    int *prev;
} matcher;

static uint32_t hash3(const unsigned char *p)
{
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void insert_pos(matcher *m, const unsigned char *in, size_t n, size_t pos)
{
    if (pos + MIN_MATCH > n)
        return;
    uint32_t h = hash3(in + pos);
    m->prev[pos] = m->head[h];
    m->head[h] = (int)pos;
}

static size_t longest_match(const matcher *m, const unsigned char *in, size_t n, size_t pos,
                            size_t *dist)
{
    size_t best = 0;
    if (pos + MIN_MATCH > n)
        return 0;
    int cand = m->head[hash3(in + pos)];
    int chain = 0;
    size_t limit = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
    while (cand >= 0 && pos - (size_t)cand <= WINDOW && chain++ < MAX_CHAIN) {
        size_t len = 0;
        while (len < limit && in[(size_t)cand + len] == in[pos + len])
            len++;
        if (len > best) {
            best = len;
            *dist = pos - (size_t)cand;
            if (len == limit)
                break;
        }
        cand = m->prev[cand];
    }
    return best >= MIN_MATCH ? best : 0;
}

/* token format: a flag byte precedes each group of 8 tokens; bit=1 means a
 * match encoded in two bytes (12-bit distance-1, 4-bit length-3), bit=0 a
 * literal byte. */
static size_t compress(const unsigned char *in, size_t n, unsigned char *out, int lazy)
{
    matcher m;
    m.prev = malloc(n * sizeof *m.prev);
    if (!m.prev)
        return 0;
    for (int i = 0; i < HASH_SIZE; i++)
        m.head[i] = -1;
    size_t op = 0, flag_pos = 0, pos = 0;
    int nbits = 8;
    while (pos < n) {
        if (nbits == 8) {
            flag_pos = op++;
            out[flag_pos] = 0;
            nbits = 0;
        }
        size_t dist = 0, len = longest_match(&m, in, n, pos, &dist);
        if (lazy && len > 0 && len < MAX_MATCH && pos + 1 < n) {
            size_t dist2 = 0;
            insert_pos(&m, in, n, pos);
            size_t len2 = longest_match(&m, in, n, pos + 1, &dist2);
            if (len2 > len + 1) {
                out[op++] = in[pos]; /* emit literal, take the better match next */
                pos++;
                nbits++;
                continue;
            }
            /* undo is unnecessary: position pos is already inserted */
            out[flag_pos] |= (unsigned char)(1u << nbits);
            out[op++] = (unsigned char)(((dist - 1) >> 4) & 0xFFu);
            out[op++] = (unsigned char)((((dist - 1) & 0xFu) << 4) | (len - MIN_MATCH));
            for (size_t k = 1; k < len; k++)
                insert_pos(&m, in, n, pos + k);
            pos += len;
            nbits++;
            continue;
        }
        if (len > 0) {
            out[flag_pos] |= (unsigned char)(1u << nbits);
            out[op++] = (unsigned char)(((dist - 1) >> 4) & 0xFFu);
            out[op++] = (unsigned char)((((dist - 1) & 0xFu) << 4) | (len - MIN_MATCH));
            for (size_t k = 0; k < len; k++)
                insert_pos(&m, in, n, pos + k);
            pos += len;
        } else {
            insert_pos(&m, in, n, pos);
            out[op++] = in[pos++];
        }
        nbits++;
    }
    free(m.prev);
    return op;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
    size_t ip = 0, op = 0;
    while (ip < n) {
        unsigned flags = in[ip++];
        for (int b = 0; b < 8 && ip < n; b++) {
            if (flags & (1u << b)) {
                if (ip + 1 >= n)
                    return 0;
                size_t dist = (((size_t)in[ip] << 4) | (in[ip + 1] >> 4)) + 1;
                size_t len = (size_t)(in[ip + 1] & 0xFu) + MIN_MATCH;
                ip += 2;
                if (dist > op || op + len > cap)
                    return 0;
                for (size_t k = 0; k < len; k++, op++)
                    out[op] = out[op - dist]; /* may overlap: byte by byte */
            } else {
                if (op >= cap)
                    return 0;
                out[op++] = in[ip++];
            }
        }
    }
    return op;
}

static uint32_t rng = 555u;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 16;
}

static size_t make_input(unsigned char *buf, size_t n, int kind)
{
    static const char *const words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ",
                                        "lazy ", "dog ", "compiler ", "gym ", "pass ", "loop "};
    size_t len = 0;
    while (len < n) {
        if (kind == 0) {
            const char *w = words[rnd() % 12u];
            while (*w && len < n)
                buf[len++] = (unsigned char)*w++;
            if (rnd() % 9u == 0 && len < n)
                buf[len++] = '\n';
        } else if (kind == 1) {
            buf[len] = (unsigned char)(rnd() & 0xFFu); /* incompressible */
            len++;
        } else {
            buf[len] = (unsigned char)((len / 37) % 5 + 'A'); /* long runs */
            len++;
        }
    }
    return len;
}

int main(void)
{
    enum { N = 24000 };
    unsigned char *in = malloc(N), *comp = malloc(N + N / 8 + 16), *back = malloc(N);
    if (!in || !comp || !back)
        return 1;
    uint32_t checksum = 0;
    static const char *const kinds[] = {"text", "random", "runs"};
    for (int kind = 0; kind < 3; kind++) {
        size_t n = make_input(in, N, kind);
        for (int lazy = 0; lazy < 2; lazy++) {
            size_t c = compress(in, n, comp, lazy);
            size_t d = decompress(comp, c, back, N);
            int ok = d == n && memcmp(in, back, n) == 0;
            printf("%-6s lazy=%d: %zu -> %zu bytes (%zu.%02zu%%), roundtrip %s\n", kinds[kind], lazy,
                   n, c, c * 100 / n, (c * 10000 / n) % 100, ok ? "ok" : "FAILED");
            for (size_t i = 0; i < c; i++)
                checksum = (checksum ^ comp[i]) * 16777619u;
        }
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(in);
    free(comp);
    free(back);
    return 0;
}
