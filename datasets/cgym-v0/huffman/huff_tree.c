/* huff_tree.c - frequency counting, Huffman tree construction with a
 * binary min-heap, length limiting, and canonical code assignment. */
#include "huffman.h"

#include <string.h>

typedef struct {
    uint64_t weight;
    int id; /* < HUFF_SYMBOLS: leaf; otherwise internal node */
} heap_item;

void huff_count(const uint8_t *in, size_t n, uint32_t freq[HUFF_SYMBOLS])
{
    memset(freq, 0, HUFF_SYMBOLS * sizeof freq[0]);
    for (size_t i = 0; i < n; i++)
        freq[in[i]]++;
}

static int item_less(const heap_item *a, const heap_item *b)
{
    if (a->weight != b->weight)
        return a->weight < b->weight;
    return a->id < b->id; /* deterministic tie-break */
}

static void heap_push(heap_item *h, int *n, heap_item it)
{
    int i = (*n)++;
    h[i] = it;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!item_less(&h[i], &h[p]))
            break;
        heap_item t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static heap_item heap_pop(heap_item *h, int *n)
{
    heap_item top = h[0];
    h[0] = h[--(*n)];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && item_less(&h[l], &h[m]))
            m = l;
        if (r < *n && item_less(&h[r], &h[m]))
            m = r;
        if (m == i)
            break;
        heap_item t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

/* Builds unrestricted code lengths; returns the maximum length. */
static int build_once(const uint64_t weight[HUFF_SYMBOLS], uint8_t lengths[HUFF_SYMBOLS])
{
    heap_item heap[HUFF_SYMBOLS];
    int parent[2 * HUFF_SYMBOLS];
    int n = 0, next_id = HUFF_SYMBOLS, used = 0;
    memset(lengths, 0, HUFF_SYMBOLS);
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        if (weight[s] > 0) {
            heap_item it = {weight[s], s};
            heap_push(heap, &n, it);
            used++;
        }
    if (used == 0)
        return 0;
    if (used == 1) {
        lengths[heap[0].id] = 1;
        return 1;
    }
    while (n > 1) {
        heap_item a = heap_pop(heap, &n);
        heap_item b = heap_pop(heap, &n);
        heap_item c = {a.weight + b.weight, next_id};
        parent[a.id] = next_id;
        parent[b.id] = next_id;
        next_id++;
        heap_push(heap, &n, c);
    }
    int root = heap[0].id, max_len = 0;
    for (int s = 0; s < HUFF_SYMBOLS; s++) {
        if (weight[s] == 0)
            continue;
        int depth = 0;
        for (int v = s; v != root; v = parent[v])
            depth++;
        lengths[s] = (uint8_t)depth;
        if (depth > max_len)
            max_len = depth;
    }
    return max_len;
}

int huff_build_lengths(const uint32_t freq[HUFF_SYMBOLS], uint8_t lengths[HUFF_SYMBOLS])
{
    uint64_t weight[HUFF_SYMBOLS];
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        weight[s] = freq[s];
    int rounds = 0;
    /* flatten the distribution until the longest code fits */
    while (build_once(weight, lengths) > HUFF_MAX_BITS) {
        for (int s = 0; s < HUFF_SYMBOLS; s++)
            if (weight[s] > 0)
                weight[s] = weight[s] / 2 + 1;
        rounds++;
    }
    return rounds;
}

void huff_canonical_codes(const uint8_t lengths[HUFF_SYMBOLS], uint32_t codes[HUFF_SYMBOLS])
{
    uint32_t count[HUFF_MAX_BITS + 1] = {0};
    uint32_t next[HUFF_MAX_BITS + 2];
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        count[lengths[s]]++;
    count[0] = 0;
    uint32_t code = 0;
    for (int len = 1; len <= HUFF_MAX_BITS; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        codes[s] = lengths[s] ? next[lengths[s]]++ : 0;
}

uint64_t huff_cost_bits(const uint32_t freq[HUFF_SYMBOLS], const uint8_t lengths[HUFF_SYMBOLS])
{
    uint64_t bits = 0;
    for (int s = 0; s < HUFF_SYMBOLS; s++)
        bits += (uint64_t)freq[s] * lengths[s];
    return bits;
}
