/* dijkstra: single-source shortest paths on a generated sparse directed
 * graph (adjacency arrays in CSR form) with a binary-heap priority queue
 * supporting decrease-key, verified against Bellman-Ford on a subgraph.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NV 3000
#define NE 15000
#define INF UINT64_MAX

typedef struct {
    uint32_t from, to, w;
} edge;

static edge edges[NE];
static uint32_t row_start[NV + 1];
static uint32_t col[NE];
static uint32_t weight[NE];

/* indexed binary min-heap */
static uint32_t heap[NV];
static int32_t heap_pos[NV];
static uint32_t heap_size;
static uint64_t dist[NV];
static int32_t pred[NV];

static uint32_t rs = 99991u;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

static void heap_swap(uint32_t i, uint32_t j)
{
    uint32_t t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
    heap_pos[heap[i]] = (int32_t)i;
    heap_pos[heap[j]] = (int32_t)j;
}

static void heap_up(uint32_t i)
{
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (dist[heap[p]] <= dist[heap[i]])
            break;
        heap_swap(i, p);
        i = p;
    }
}

static void heap_down(uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_size && dist[heap[l]] < dist[heap[m]])
            m = l;
        if (r < heap_size && dist[heap[r]] < dist[heap[m]])
            m = r;
        if (m == i)
            return;
        heap_swap(i, m);
        i = m;
    }
}

static void heap_push_or_decrease(uint32_t v)
{
    if (heap_pos[v] < 0) {
        heap[heap_size] = v;
        heap_pos[v] = (int32_t)heap_size;
        heap_size++;
    }
    heap_up((uint32_t)heap_pos[v]);
}

static uint32_t heap_pop(void)
{
    uint32_t top = heap[0];
    heap_size--;
    if (heap_size > 0) {
        heap[0] = heap[heap_size];
        heap_pos[heap[0]] = 0;
        heap_down(0);
    }
    heap_pos[top] = -2; /* settled */
    return top;
}

static unsigned dijkstra(uint32_t src)
{
    unsigned relaxations = 0;
    for (uint32_t v = 0; v < NV; v++) {
        dist[v] = INF;
        pred[v] = -1;
        heap_pos[v] = -1;
    }
    heap_size = 0;
    dist[src] = 0;
    heap_push_or_decrease(src);
    while (heap_size > 0) {
        uint32_t u = heap_pop();
        for (uint32_t e = row_start[u]; e < row_start[u + 1]; e++) {
            uint32_t v = col[e];
            if (heap_pos[v] == -2)
                continue;
            uint64_t nd = dist[u] + weight[e];
            if (nd < dist[v]) {
                dist[v] = nd;
                pred[v] = (int32_t)u;
                heap_push_or_decrease(v);
                relaxations++;
            }
        }
    }
    return relaxations;
}

static int bellman_ford_agrees(uint32_t src)
{
    uint64_t *d = malloc(NV * sizeof *d);
    if (!d)
        return 0;
    for (uint32_t v = 0; v < NV; v++)
        d[v] = INF;
    d[src] = 0;
    for (int round = 0; round < NV; round++) {
        int changed = 0;
        for (uint32_t e = 0; e < NE; e++) {
            if (d[edges[e].from] == INF)
                continue;
            uint64_t nd = d[edges[e].from] + edges[e].w;
            if (nd < d[edges[e].to]) {
                d[edges[e].to] = nd;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    int ok = 1;
    for (uint32_t v = 0; v < NV; v++)
        if (d[v] != dist[v])
            ok = 0;
    free(d);
    return ok;
}

int main(void)
{
    uint32_t degree[NV] = {0};
    for (uint32_t e = 0; e < NE; e++) {
        uint32_t from = e < NV ? e : rnd() % NV; /* every vertex gets an out-edge */
        uint32_t to = rnd() % NV;
        if (e < NV)
            to = (from + 1 + rnd() % 20u) % NV; /* local ring-ish edges */
        edges[e].from = from;
        edges[e].to = to;
        edges[e].w = 1 + rnd() % 1000u;
        degree[from]++;
    }
    row_start[0] = 0;
    for (uint32_t v = 0; v < NV; v++)
        row_start[v + 1] = row_start[v] + degree[v];
    uint32_t fill[NV];
    for (uint32_t v = 0; v < NV; v++)
        fill[v] = row_start[v];
    for (uint32_t e = 0; e < NE; e++) {
        uint32_t slot = fill[edges[e].from]++;
        col[slot] = edges[e].to;
        weight[slot] = edges[e].w;
    }

    uint32_t checksum = 0;
    const uint32_t sources[4] = {0, 17, 1234, NV - 1};
    for (int s = 0; s < 4; s++) {
        unsigned relax = dijkstra(sources[s]);
        uint64_t sum = 0, maxd = 0;
        unsigned reachable = 0;
        for (uint32_t v = 0; v < NV; v++)
            if (dist[v] != INF) {
                reachable++;
                sum += dist[v];
                if (dist[v] > maxd)
                    maxd = dist[v];
            }
        /* length of path to the farthest vertex, by walking predecessors */
        uint32_t far = 0;
        for (uint32_t v = 0; v < NV; v++)
            if (dist[v] == maxd)
                far = v;
        unsigned hops = 0;
        for (int32_t v = (int32_t)far; pred[v] >= 0; v = pred[v])
            hops++;
        int ok = s < 2 ? bellman_ford_agrees(sources[s]) : 1;
        printf("src %4u: reachable %u, sum %llu, max %llu (vertex %u, %u hops), relax %u, bf %s\n",
               (unsigned)sources[s], reachable, (unsigned long long)sum, (unsigned long long)maxd,
               (unsigned)far, hops, relax, s < 2 ? (ok ? "ok" : "MISMATCH") : "skipped");
        checksum = checksum * 1000003u ^ (uint32_t)sum ^ (uint32_t)(maxd << 8) ^ hops;
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
