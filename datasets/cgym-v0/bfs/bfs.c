/* bfs: breadth-first search on a generated grid maze (carved by a
 * randomised depth-first walk, then with extra openings) computing shortest
 * path lengths, plus connected components and bipartiteness of a random
 * undirected graph. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 121
#define H 81
#define GV 4000
#define GE 3600

static unsigned char maze[H][W]; /* 1 = wall */
static int dist_grid[H][W];
static int queue_buf[W * H];
static int stack_buf[W * H];

static uint32_t seed = 31337u;
static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7FFFu;
}

static void carve_maze(void)
{
    static const int dx[4] = {2, -2, 0, 0}, dy[4] = {0, 0, 2, -2};
    memset(maze, 1, sizeof maze);
    int sp = 0;
    maze[1][1] = 0;
    stack_buf[sp++] = 1 * W + 1;
    while (sp > 0) {
        int cur = stack_buf[sp - 1];
        int cx = cur % W, cy = cur / W;
        int options[4], n = 0;
        for (int d = 0; d < 4; d++) {
            int nx = cx + dx[d], ny = cy + dy[d];
            if (nx > 0 && nx < W - 1 && ny > 0 && ny < H - 1 && maze[ny][nx])
                options[n++] = d;
        }
        if (n == 0) {
            sp--;
            continue;
        }
        int d = options[rnd() % (uint32_t)n];
        int nx = cx + dx[d], ny = cy + dy[d];
        maze[cy + dy[d] / 2][cx + dx[d] / 2] = 0;
        maze[ny][nx] = 0;
        stack_buf[sp++] = ny * W + nx;
    }
    /* knock out some extra walls to create cycles */
    for (int i = 0; i < 300; i++) {
        int x = 1 + (int)(rnd() % (W - 2)), y = 1 + (int)(rnd() % (H - 2));
        maze[y][x] = 0;
    }
}

static int bfs_grid(int sx, int sy, int *far_x, int *far_y)
{
    static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            dist_grid[y][x] = -1;
    int head = 0, tail = 0, best = 0;
    dist_grid[sy][sx] = 0;
    queue_buf[tail++] = sy * W + sx;
    *far_x = sx;
    *far_y = sy;
    while (head < tail) {
        int cur = queue_buf[head++];
        int cx = cur % W, cy = cur / W;
        for (int d = 0; d < 4; d++) {
            int nx = cx + dx[d], ny = cy + dy[d];
            if (nx < 0 || ny < 0 || nx >= W || ny >= H || maze[ny][nx] || dist_grid[ny][nx] >= 0)
                continue;
            dist_grid[ny][nx] = dist_grid[cy][cx] + 1;
            if (dist_grid[ny][nx] > best) {
                best = dist_grid[ny][nx];
                *far_x = nx;
                *far_y = ny;
            }
            queue_buf[tail++] = ny * W + nx;
        }
    }
    return tail; /* number of reachable cells */
}

/* undirected graph in adjacency-list form */
static int adj_head[GV], adj_next[2 * GE], adj_to[2 * GE];
static int color[GV], comp[GV], gqueue[GV];

static void graph_tests(uint32_t *checksum)
{
    int ne = 0;
    for (int v = 0; v < GV; v++)
        adj_head[v] = -1;
    for (int e = 0; e < GE; e++) {
        int a = (int)(rnd() % GV), b = (int)(rnd() % GV);
        if (e % 3 == 0)
            b = (a + 2 * (int)(rnd() % 50u) + 1) % GV; /* odd offset edges */
        adj_to[ne] = b;
        adj_next[ne] = adj_head[a];
        adj_head[a] = ne++;
        adj_to[ne] = a;
        adj_next[ne] = adj_head[b];
        adj_head[b] = ne++;
    }
    int ncomp = 0, bipartite_comps = 0, largest = 0;
    for (int v = 0; v < GV; v++)
        comp[v] = -1;
    for (int s = 0; s < GV; s++) {
        if (comp[s] >= 0)
            continue;
        int head = 0, tail = 0, bip = 1;
        comp[s] = ncomp;
        color[s] = 0;
        gqueue[tail++] = s;
        while (head < tail) {
            int u = gqueue[head++];
            for (int e = adj_head[u]; e >= 0; e = adj_next[e]) {
                int v = adj_to[e];
                if (comp[v] < 0) {
                    comp[v] = ncomp;
                    color[v] = 1 - color[u];
                    gqueue[tail++] = v;
                } else if (color[v] == color[u]) {
                    bip = 0;
                }
            }
        }
        if (tail > largest)
            largest = tail;
        bipartite_comps += bip;
        *checksum = *checksum * 16777619u ^ (uint32_t)tail;
        ncomp++;
    }
    printf("graph: %d components, largest %d, bipartite %d\n", ncomp, largest, bipartite_comps);
}

int main(void)
{
    carve_maze();
    int open = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            open += !maze[y][x];
    int fx, fy, gx, gy;
    int reach = bfs_grid(1, 1, &fx, &fy);
    printf("maze %dx%d: %d open cells, %d reachable from (1,1)\n", W, H, open, reach);
    printf("farthest from (1,1): (%d,%d) at distance %d\n", fx, fy, dist_grid[fy][fx]);
    bfs_grid(fx, fy, &gx, &gy);
    printf("diameter estimate: (%d,%d) -> (%d,%d) = %d\n", fx, fy, gx, gy, dist_grid[gy][gx]);
    uint32_t checksum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            checksum = checksum * 31u + (uint32_t)(dist_grid[y][x] + 1);
    bfs_grid(W - 2, H - 2, &gx, &gy);
    printf("distance (%d,%d) -> (1,1): %d\n", W - 2, H - 2, dist_grid[1][1]);
    graph_tests(&checksum);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
