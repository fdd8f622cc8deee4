/* mst: minimum spanning trees of generated graphs with Kruskal (edge sort +
 * union-find with path halving and union by rank) and with Prim (dense
 * O(V^2) on a complete Euclidean graph with integer squared distances);
 * the two totals must agree. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NP 400
#define NE (NP * (NP - 1) / 2)

typedef struct {
    uint32_t w;
    uint16_t a, b;
} edge;

static int32_t px[NP], py[NP];
static edge edges[NE];
static edge tmp_edges[NE];
static uint16_t parent[NP];
static uint8_t rank_[NP];

static uint32_t s = 4242u;
static uint32_t rnd(void)
{
    s = s * 214013u + 2531011u;
    return (s >> 16) & 0x7FFFu;
}

static uint32_t dist2(int i, int j)
{
    int32_t dx = px[i] - px[j], dy = py[i] - py[j];
    return (uint32_t)(dx * dx) + (uint32_t)(dy * dy);
}

static int edge_less(const edge *x, const edge *y)
{
    if (x->w != y->w)
        return x->w < y->w;
    if (x->a != y->a)
        return x->a < y->a;
    return x->b < y->b;
}

/* radix-free bottom-up merge sort on edges */
static void sort_edges(edge *e, size_t n)
{
    edge *src = e, *dst = tmp_edges;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = edge_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        edge *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        for (size_t i = 0; i < n; i++)
            e[i] = src[i];
}

static int find(int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static int unite(int a, int b)
{
    a = find(a);
    b = find(b);
    if (a == b)
        return 0;
    if (rank_[a] < rank_[b]) {
        int t = a;
        a = b;
        b = t;
    }
    parent[b] = (uint16_t)a;
    if (rank_[a] == rank_[b])
        rank_[a]++;
    return 1;
}

static uint64_t kruskal(uint32_t *hash, uint32_t *longest)
{
    size_t n = 0;
    for (int i = 0; i < NP; i++)
        for (int j = i + 1; j < NP; j++) {
            edges[n].w = dist2(i, j);
            edges[n].a = (uint16_t)i;
            edges[n].b = (uint16_t)j;
            n++;
        }
    sort_edges(edges, n);
    for (int i = 0; i < NP; i++) {
        parent[i] = (uint16_t)i;
        rank_[i] = 0;
    }
    uint64_t total = 0;
    int used = 0;
    *longest = 0;
    for (size_t k = 0; k < n && used < NP - 1; k++)
        if (unite(edges[k].a, edges[k].b)) {
            total += edges[k].w;
            used++;
            *hash = *hash * 31u + edges[k].a * 7u + edges[k].b;
            *longest = edges[k].w;
        }
    return total;
}

static uint64_t prim(int *max_degree)
{
    static uint32_t best[NP];
    static int16_t link[NP];
    static uint8_t in_tree[NP];
    static int degree[NP];
    for (int i = 0; i < NP; i++) {
        best[i] = UINT32_MAX;
        link[i] = -1;
        in_tree[i] = 0;
        degree[i] = 0;
    }
    best[0] = 0;
    uint64_t total = 0;
    for (int it = 0; it < NP; it++) {
        int u = -1;
        for (int v = 0; v < NP; v++)
            if (!in_tree[v] && (u < 0 || best[v] < best[u]))
                u = v;
        in_tree[u] = 1;
        total += best[u];
        if (link[u] >= 0) {
            degree[u]++;
            degree[link[u]]++;
        }
        for (int v = 0; v < NP; v++)
            if (!in_tree[v]) {
                uint32_t d = dist2(u, v);
                if (d < best[v]) {
                    best[v] = d;
                    link[v] = (int16_t)u;
                }
            }
    }
    *max_degree = 0;
    for (int i = 0; i < NP; i++)
        if (degree[i] > *max_degree)
            *max_degree = degree[i];
    return total;
}

int main(void)
{
    uint32_t checksum = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < NP; i++) {
            px[i] = (int32_t)(rnd() % 10000u);
            py[i] = (int32_t)(rnd() % 10000u);
            if (round == 1) { /* clustered points */
                px[i] = (px[i] % 1000) + 3000 * (i % 3);
                py[i] = (py[i] % 1000) + 3000 * (i % 2);
            }
        }
        uint32_t longest;
        uint64_t k = kruskal(&checksum, &longest);
        int maxdeg;
        uint64_t p = prim(&maxdeg);
        printf("round %d: kruskal %llu, prim %llu, %s, longest edge^2 %u, max degree %d\n", round,
               (unsigned long long)k, (unsigned long long)p, k == p ? "agree" : "DISAGREE",
               (unsigned)longest, maxdeg);
        checksum ^= (uint32_t)k;
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
