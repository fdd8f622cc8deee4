/* trie: a 26-way prefix tree stored in a node pool (integer child links)
 * with insert, exact lookup, prefix counts, deletion with pruning,
 * lexicographic enumeration and autocompletion, over generated words.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_NODES 60000
#define MAX_WORD 24

typedef struct {
    int32_t child[26];
    uint32_t prefix_count; /* words passing through this node */
    uint16_t terminal;     /* number of times this exact word was inserted */
} trie_node;

static trie_node pool[MAX_NODES];
static int32_t free_list = -1;
static int32_t used = 0, live = 0;

static int32_t node_alloc(void)
{
    int32_t n;
    if (free_list >= 0) {
        n = free_list;
        free_list = pool[n].child[0];
    } else {
        if (used >= MAX_NODES)
            return -1;
        n = used++;
    }
    for (int c = 0; c < 26; c++)
        pool[n].child[c] = -1;
    pool[n].prefix_count = 0;
    pool[n].terminal = 0;
    live++;
    return n;
}

static void node_free(int32_t n)
{
    pool[n].child[0] = free_list;
    free_list = n;
    live--;
}

static int trie_insert(int32_t root, const char *w)
{
    int32_t n = root;
    pool[n].prefix_count++;
    for (; *w; w++) {
        int c = *w - 'a';
        if (pool[n].child[c] < 0) {
            int32_t k = node_alloc();
            if (k < 0)
                return 0;
            pool[n].child[c] = k;
        }
        n = pool[n].child[c];
        pool[n].prefix_count++;
    }
    pool[n].terminal++;
    return 1;
}

static int32_t trie_walk(int32_t root, const char *p)
{
    int32_t n = root;
    for (; *p && n >= 0; p++)
        n = pool[n].child[*p - 'a'];
    return n;
}

static unsigned trie_count(int32_t root, const char *w)
{
    int32_t n = trie_walk(root, w);
    return n < 0 ? 0 : pool[n].terminal;
}

static unsigned trie_prefix(int32_t root, const char *p)
{
    int32_t n = trie_walk(root, p);
    return n < 0 ? 0 : pool[n].prefix_count;
}

/* removes one occurrence; prunes nodes that become unused */
static int trie_remove(int32_t root, const char *w)
{
    int32_t n = trie_walk(root, w);
    if (n < 0 || pool[n].terminal == 0)
        return 0;
    pool[n].terminal--;
    int32_t cur = root;
    pool[cur].prefix_count--;
    for (; *w; w++) {
        int c = *w - 'a';
        int32_t next = pool[cur].child[c];
        pool[next].prefix_count--;
        if (pool[next].prefix_count == 0) {
            pool[cur].child[c] = -1;
            /* free the whole now-dead chain below */
            int32_t d = next;
            const char *rest = w + 1;
            while (d >= 0) {
                int32_t nd = *rest ? pool[d].child[*rest - 'a'] : -1;
                node_free(d);
                d = nd;
                if (*rest)
                    rest++;
            }
            return 1;
        }
        cur = next;
    }
    return 1;
}

typedef struct {
    uint32_t hash;
    unsigned words;
    unsigned limit;
    char first[MAX_WORD + 1], last[MAX_WORD + 1];
} visit_state;

static void enumerate(int32_t n, char *buf, int depth, visit_state *st)
{
    if (pool[n].terminal && st->words < st->limit) {
        buf[depth] = '\0';
        if (st->words == 0)
            memcpy(st->first, buf, (size_t)depth + 1);
        memcpy(st->last, buf, (size_t)depth + 1);
        st->words++;
        for (int i = 0; i < depth; i++)
            st->hash = st->hash * 31u + (unsigned char)buf[i];
        st->hash = st->hash * 7u + pool[n].terminal;
    }
    for (int c = 0; c < 26 && depth < MAX_WORD; c++)
        if (pool[n].child[c] >= 0) {
            buf[depth] = (char)('a' + c);
            enumerate(pool[n].child[c], buf, depth + 1, st);
        }
}

static uint32_t seed = 42u;
static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFFu;
}

static void gen_word(char *w)
{
    static const char *const onsets[] = {"b", "c", "d", "st", "tr", "pl", "m", "n", "r", "s"};
    static const char *const vowels[] = {"a", "e", "i", "o", "u", "ea", "io"};
    int syll = 1 + (int)(rnd() % 4u);
    w[0] = '\0';
    for (int i = 0; i < syll; i++) {
        strcat(w, onsets[rnd() % 10u]);
        strcat(w, vowels[rnd() % 7u]);
    }
    if (rnd() % 3u == 0)
        strcat(w, "ng");
}

int main(void)
{
    int32_t root = node_alloc();
    char w[MAX_WORD + 1];
    unsigned inserted = 0;
    for (int i = 0; i < 12000; i++) {
        gen_word(w);
        inserted += (unsigned)trie_insert(root, w);
    }
    printf("inserted %u words, %d nodes in use\n", inserted, (int)live);
    static const char *const probes[] = {"ba", "sta", "trio", "me", "plea", "x", "dong", "cica"};
    for (int i = 0; i < 8; i++)
        printf("prefix %-5s: %4u words, exact %u\n", probes[i], trie_prefix(root, probes[i]),
               trie_count(root, probes[i]));
    char buf[MAX_WORD + 1];
    visit_state st;
    memset(&st, 0, sizeof st);
    st.limit = 1000000u;
    enumerate(root, buf, 0, &st);
    printf("distinct words %u, first \"%s\", last \"%s\"\n", st.words, st.first, st.last);
    uint32_t checksum = st.hash;

    /* autocomplete: first 5 words under "tri" in lexicographic order */
    int32_t sub = trie_walk(root, "tri");
    if (sub >= 0) {
        visit_state ac;
        memset(&ac, 0, sizeof ac);
        ac.limit = 5;
        memcpy(buf, "tri", 3);
        enumerate(sub, buf, 3, &ac);
        printf("autocomplete \"tri\": %u shown, from \"%s\" to \"%s\"\n", ac.words, ac.first, ac.last);
    }

    /* delete half of a regenerated sequence */
    seed = 42u;
    unsigned removed = 0;
    for (int i = 0; i < 12000; i++) {
        gen_word(w);
        if (i % 2 == 0)
            removed += (unsigned)trie_remove(root, w);
    }
    memset(&st, 0, sizeof st);
    st.limit = 1000000u;
    enumerate(root, buf, 0, &st);
    printf("after removing %u: %u total, %u distinct words, %d nodes live\n", removed,
           pool[root].prefix_count, st.words, (int)live);
    checksum ^= st.hash;
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
