/* hash_table: two string-keyed hash maps, an open-addressing table with
 * Robin Hood linear probing and backward-shift deletion, and a separately
 * chained table with an FNV-1a hash, exercised with a random mix of
 * inserts, updates, lookups and deletes (both must agree), including resizing.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 16

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

/* ---------- Robin Hood open addressing ---------- */
typedef struct {
    char key[KEY_MAX];
    int32_t value;
    uint32_t hash;
    int32_t dist; /* probe distance, -1 = empty */
} rh_slot;

typedef struct {
    rh_slot *slots;
    size_t cap, size;
    unsigned long probes;
} rh_map;

static void rh_init(rh_map *m, size_t cap)
{
    m->slots = malloc(cap * sizeof *m->slots);
    if (!m->slots)
        abort();
    for (size_t i = 0; i < cap; i++)
        m->slots[i].dist = -1;
    m->cap = cap;
    m->size = 0;
}

static void rh_put_slot(rh_map *m, rh_slot in)
{
    size_t i = in.hash & (m->cap - 1);
    in.dist = 0;
    for (;;) {
        rh_slot *s = &m->slots[i];
        m->probes++;
        if (s->dist < 0) {
            *s = in;
            m->size++;
            return;
        }
        if (s->hash == in.hash && strcmp(s->key, in.key) == 0) {
            s->value = in.value;
            return;
        }
        if (s->dist < in.dist) { /* steal from the rich */
            rh_slot t = *s;
            *s = in;
            in = t;
        }
        in.dist++;
        i = (i + 1) & (m->cap - 1);
    }
}

static void rh_put(rh_map *m, const char *key, int32_t value);

static void rh_grow(rh_map *m)
{
    rh_slot *old = m->slots;
    size_t old_cap = m->cap;
    rh_init(m, old_cap * 2);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].dist >= 0)
            rh_put_slot(m, old[i]);
    free(old);
}

static void rh_put(rh_map *m, const char *key, int32_t value)
{
    if ((m->size + 1) * 10 > m->cap * 8)
        rh_grow(m);
    rh_slot in;
    memset(&in, 0, sizeof in);
    strncpy(in.key, key, KEY_MAX - 1);
    in.value = value;
    in.hash = hash_str(key);
    rh_put_slot(m, in);
}

static rh_slot *rh_find(rh_map *m, const char *key)
{
    uint32_t h = hash_str(key);
    size_t i = h & (m->cap - 1);
    for (int32_t d = 0;; d++) {
        rh_slot *s = &m->slots[i];
        m->probes++;
        if (s->dist < d) /* empty, or an entry that would have displaced us */
            return NULL;
        if (s->hash == h && strcmp(s->key, key) == 0)
            return s;
        i = (i + 1) & (m->cap - 1);
    }
}

static int rh_delete(rh_map *m, const char *key)
{
    rh_slot *s = rh_find(m, key);
    if (!s)
        return 0;
    size_t i = (size_t)(s - m->slots);
    for (;;) { /* backward shift */
        size_t next = (i + 1) & (m->cap - 1);
        if (m->slots[next].dist <= 0) {
            m->slots[i].dist = -1;
            break;
        }
        m->slots[i] = m->slots[next];
        m->slots[i].dist--;
        i = next;
    }
    m->size--;
    return 1;
}

/* ---------- separate chaining ---------- */
typedef struct chain_node {
    struct chain_node *next;
    int32_t value;
    char key[KEY_MAX];
} chain_node;

typedef struct {
    chain_node **buckets;
    size_t nbuckets, size;
} chain_map;

static void ch_init(chain_map *m, size_t n)
{
    m->buckets = calloc(n, sizeof *m->buckets);
    if (!m->buckets)
        abort();
    m->nbuckets = n;
    m->size = 0;
}

static chain_node **ch_slot(chain_map *m, const char *key)
{
    chain_node **p = &m->buckets[hash_str(key) % m->nbuckets];
    while (*p && strcmp((*p)->key, key) != 0)
        p = &(*p)->next;
    return p;
}

static void ch_put(chain_map *m, const char *key, int32_t value)
{
    chain_node **p = ch_slot(m, key);
    if (*p) {
        (*p)->value = value;
        return;
    }
    chain_node *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    strncpy(n->key, key, KEY_MAX - 1);
    n->value = value;
    *p = n;
    m->size++;
}

static int ch_delete(chain_map *m, const char *key)
{
    chain_node **p = ch_slot(m, key);
    if (!*p)
        return 0;
    chain_node *dead = *p;
    *p = dead->next;
    free(dead);
    m->size--;
    return 1;
}

static void ch_free(chain_map *m)
{
    for (size_t b = 0; b < m->nbuckets; b++) {
        chain_node *n = m->buckets[b];
        while (n) {
            chain_node *next = n->next;
            free(n);
            n = next;
        }
    }
    free(m->buckets);
}

static uint32_t rs = 777u;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

static void random_key(char *buf)
{
    static const char syl[][3] = {"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi"};
    int parts = 1 + (int)(rnd() % 5u);
    buf[0] = '\0';
    for (int i = 0; i < parts; i++)
        strcat(buf, syl[rnd() % 8u]);
}

int main(void)
{
    rh_map rh;
    chain_map ch;
    rh_init(&rh, 16);
    rh.probes = 0;
    ch_init(&ch, 257);
    unsigned inserts = 0, hits = 0, misses = 0, deletes = 0, mismatches = 0;
    uint32_t checksum = 0;
    char key[KEY_MAX];
    for (int op = 0; op < 60000; op++) {
        random_key(key);
        uint32_t r = rnd() % 10u;
        if (r < 5) {
            int32_t v = (int32_t)(rnd() % 100000u);
            rh_put(&rh, key, v);
            ch_put(&ch, key, v);
            inserts++;
        } else if (r < 8) {
            rh_slot *a = rh_find(&rh, key);
            chain_node *b = *ch_slot(&ch, key);
            if ((a == NULL) != (b == NULL) || (a && a->value != b->value))
                mismatches++;
            if (a) {
                hits++;
                checksum = checksum * 31u + (uint32_t)a->value;
            } else {
                misses++;
            }
        } else {
            int a = rh_delete(&rh, key), b = ch_delete(&ch, key);
            if (a != b)
                mismatches++;
            deletes += (unsigned)a;
        }
        if (rh.size != ch.size)
            mismatches++;
    }
    printf("ops: %u inserts, %u hits, %u misses, %u deletes\n", inserts, hits, misses, deletes);
    printf("final size %zu (open addressing capacity %zu), chained size %zu\n", rh.size, rh.cap,
           ch.size);
    int32_t maxd = 0;
    uint64_t sumd = 0;
    for (size_t i = 0; i < rh.cap; i++)
        if (rh.slots[i].dist >= 0) {
            sumd += (uint64_t)rh.slots[i].dist;
            if (rh.slots[i].dist > maxd)
                maxd = rh.slots[i].dist;
        }
    printf("robin hood: max probe distance %d, mean*100 %llu, total probes %lu\n", (int)maxd,
           (unsigned long long)(rh.size ? sumd * 100 / rh.size : 0), rh.probes);
    size_t longest = 0, empty = 0;
    for (size_t b = 0; b < ch.nbuckets; b++) {
        size_t len = 0;
        for (chain_node *n = ch.buckets[b]; n; n = n->next) {
            len++;
            checksum ^= hash_str(n->key) + (uint32_t)n->value;
        }
        empty += len == 0;
        if (len > longest)
            longest = len;
    }
    printf("chaining: longest chain %zu, empty buckets %zu of %zu\n", longest, empty, ch.nbuckets);
    printf("mismatches: %u\n", mismatches);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(rh.slots);
    ch_free(&ch);
    return 0;
}
