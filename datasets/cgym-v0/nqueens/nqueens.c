/* nqueens: counts N-queens solutions for N = 1..10 with a bitmask
 * backtracking solver, cross-checks small N with an array-based solver,
 * counts solutions distinct under symmetry, and prints the first solution
 * for N = 8. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>

static unsigned long long count_bits(int n, unsigned cols, unsigned diag1, unsigned diag2,
                                     unsigned long long *nodes)
{
    unsigned full = (1u << n) - 1u;
    if (cols == full)
        return 1;
    unsigned long long total = 0;
    unsigned avail = ~(cols | diag1 | diag2) & full;
    while (avail) {
        unsigned bit = avail & (~avail + 1u);
        avail ^= bit;
        ++*nodes;
        total += count_bits(n, cols | bit, ((diag1 | bit) << 1) & full, (diag2 | bit) >> 1, nodes);
    }
    return total;
}

static int pos[16];

static int safe(int row, int col)
{
    for (int r = 0; r < row; r++) {
        int d = pos[r] - col;
        if (d == 0 || d == row - r || d == r - row)
            return 0;
    }
    return 1;
}

/* array solver that also records every solution's canonical form */
static unsigned long long canon_hash[1000];
static int ncanon;
static unsigned long long array_count;
static int first_solution[16], have_first;

static unsigned long long encode(const int *p, int n)
{
    unsigned long long v = 0;
    for (int i = 0; i < n; i++)
        v = v * (unsigned long long)n + (unsigned long long)p[i];
    return v;
}

static void record_symmetry_class(int n)
{
    int t[8][16];
    for (int r = 0; r < n; r++) {
        int c = pos[r];
        t[0][r] = c;                /* identity */
        t[1][r] = n - 1 - c;        /* mirror */
        t[2][n - 1 - r] = c;        /* flip rows */
        t[3][n - 1 - r] = n - 1 - c; /* rotate 180 */
        t[4][c] = r;                /* transpose */
        t[5][c] = n - 1 - r;        /* rotate 90 */
        t[6][n - 1 - c] = r;        /* rotate 270 */
        t[7][n - 1 - c] = n - 1 - r; /* anti-transpose */
    }
    unsigned long long best = encode(t[0], n);
    for (int k = 1; k < 8; k++) {
        unsigned long long e = encode(t[k], n);
        if (e < best)
            best = e;
    }
    for (int i = 0; i < ncanon; i++)
        if (canon_hash[i] == best)
            return;
    if (ncanon < 1000)
        canon_hash[ncanon++] = best;
}

static void solve_array(int row, int n)
{
    if (row == n) {
        array_count++;
        if (!have_first) {
            for (int i = 0; i < n; i++)
                first_solution[i] = pos[i];
            have_first = 1;
        }
        record_symmetry_class(n);
        return;
    }
    for (int c = 0; c < n; c++)
        if (safe(row, c)) {
            pos[row] = c;
            solve_array(row + 1, n);
        }
}

int main(void)
{
    uint32_t checksum = 0;
    for (int n = 1; n <= 10; n++) {
        unsigned long long nodes = 0;
        unsigned long long total = count_bits(n, 0, 0, 0, &nodes);
        printf("N=%2d: %6llu solutions, %8llu nodes", n, total, nodes);
        if (n <= 8) {
            array_count = 0;
            ncanon = 0;
            have_first = 0;
            solve_array(0, n);
            printf(", array solver %s, %d unique under symmetry",
                   array_count == total ? "agrees" : "DISAGREES", ncanon);
            checksum = checksum * 131u + (uint32_t)ncanon;
        }
        printf("\n");
        checksum = checksum * 1000003u + (uint32_t)total + (uint32_t)nodes;
    }
    printf("first 8-queens solution (columns by row):");
    for (int i = 0; i < 8; i++)
        printf(" %d", first_solution[i]);
    printf("\n");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
