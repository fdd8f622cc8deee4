/* binary_heap: array-based binary and 4-ary min-heaps used for a
 * discrete-event simulation (a bank-teller queue), k-way merging of sorted
 * runs, running top-k selection and heap sort; the two heap arities must
 * produce identical pop sequences. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    uint64_t key; /* priority (smaller first) */
    uint32_t payload;
} entry;

typedef struct {
    entry *a;
    size_t n, cap;
    unsigned arity;
    unsigned long moves;
} heap;

static void heap_init(heap *h, unsigned arity)
{
    h->cap = 16;
    h->n = 0;
    h->arity = arity;
    h->moves = 0;
    h->a = malloc(h->cap * sizeof *h->a);
    if (!h->a)
        abort();
}

static int before(const entry *x, const entry *y)
{
    return x->key < y->key || (x->key == y->key && x->payload < y->payload);
}

static void heap_push(heap *h, uint64_t key, uint32_t payload)
{
    if (h->n == h->cap) {
        h->cap *= 2;
        entry *na = realloc(h->a, h->cap * sizeof *na);
        if (!na)
            abort();
        h->a = na;
    }
    entry e = {key, payload};
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / h->arity;
        if (!before(&e, &h->a[p]))
            break;
        h->a[i] = h->a[p];
        i = p;
        h->moves++;
    }
    h->a[i] = e;
}

static entry heap_pop(heap *h)
{
    entry top = h->a[0];
    entry last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t first = i * h->arity + 1;
        if (first >= h->n)
            break;
        size_t best = first;
        for (size_t c = first + 1; c < first + h->arity && c < h->n; c++)
            if (before(&h->a[c], &h->a[best]))
                best = c;
        if (!before(&h->a[best], &last))
            break;
        h->a[i] = h->a[best];
        i = best;
        h->moves++;
    }
    if (h->n > 0)
        h->a[i] = last;
    return top;
}

static uint32_t rs = 2468u;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

/* bank simulation: customers arrive, tellers serve; events in a heap */
enum { ARRIVAL, DEPARTURE };

static void simulate(unsigned arity, uint32_t *checksum)
{
    heap ev;
    heap_init(&ev, arity);
    rs = 2468u;
    const int tellers = 3;
    int busy = 0;
    uint64_t now = 0, total_wait = 0, max_queue = 0;
    uint64_t queue[4096];
    size_t qh = 0, qt = 0;
    unsigned served = 0, seq = 0;
    uint64_t t = 0;
    for (int c = 0; c < 5000; c++) {
        t += 1 + rnd() % 20u;
        heap_push(&ev, t * 4 + ARRIVAL, seq++);
    }
    while (ev.n > 0) {
        entry e = heap_pop(&ev);
        now = e.key / 4;
        if (e.key % 4 == ARRIVAL) {
            if (busy < tellers) {
                busy++;
                heap_push(&ev, (now + 5 + rnd() % 50u) * 4 + DEPARTURE, seq++);
            } else {
                queue[qt++ % 4096] = now;
                if (qt - qh > max_queue)
                    max_queue = qt - qh;
            }
        } else {
            served++;
            if (qh < qt) {
                total_wait += now - queue[qh++ % 4096];
                heap_push(&ev, (now + 5 + rnd() % 50u) * 4 + DEPARTURE, seq++);
            } else {
                busy--;
            }
        }
        *checksum = *checksum * 31u + (uint32_t)e.key;
    }
    printf("%u-ary: served %u, end time %llu, total wait %llu, max queue %llu, moves %lu\n", arity,
           served, (unsigned long long)now, (unsigned long long)total_wait,
           (unsigned long long)max_queue, ev.moves);
    free(ev.a);
}

int main(void)
{
    uint32_t c2 = 0, c4 = 0;
    simulate(2, &c2);
    simulate(4, &c4);
    printf("event orders identical: %s\n", c2 == c4 ? "yes" : "NO");
    uint32_t checksum = c2;

    /* k-way merge of 16 sorted runs */
    enum { RUNS = 16, RUNLEN = 1000 };
    static uint32_t runs[RUNS][RUNLEN];
    for (int r = 0; r < RUNS; r++) {
        uint32_t v = rnd() % 100u;
        for (int i = 0; i < RUNLEN; i++) {
            v += rnd() % 50u;
            runs[r][i] = v;
        }
    }
    heap h;
    heap_init(&h, 2);
    size_t pos[RUNS] = {0};
    for (int r = 0; r < RUNS; r++)
        heap_push(&h, runs[r][0], (uint32_t)r);
    uint64_t prev = 0;
    int sorted = 1;
    unsigned count = 0;
    while (h.n > 0) {
        entry e = heap_pop(&h);
        if (e.key < prev)
            sorted = 0;
        prev = e.key;
        count++;
        checksum = checksum * 16777619u ^ (uint32_t)e.key;
        if (++pos[e.payload] < RUNLEN)
            heap_push(&h, runs[e.payload][pos[e.payload]], e.payload);
    }
    printf("merged %u values, sorted %s, largest %llu\n", count, sorted ? "yes" : "NO",
           (unsigned long long)prev);

    /* top-10 largest of a stream with a bounded min-heap */
    h.n = 0;
    for (uint32_t i = 0; i < 50000; i++) {
        uint32_t v = rnd() % 1000000u;
        if (h.n < 10)
            heap_push(&h, v, i);
        else if (v > h.a[0].key) {
            heap_pop(&h);
            heap_push(&h, v, i);
        }
    }
    printf("top-10:");
    while (h.n > 0) {
        entry e = heap_pop(&h);
        printf(" %llu", (unsigned long long)e.key);
        checksum += (uint32_t)e.key;
    }
    printf("\n");
    free(h.a);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
