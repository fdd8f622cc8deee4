/* edit_distance: dynamic programming on string pairs: Levenshtein distance
 * (full table with traceback to an alignment, and a two-row version),
 * optimal-string-alignment Damerau distance, longest common subsequence,
 * and a banded (Ukkonen-style) distance for close strings.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 300

static int table[MAXLEN + 1][MAXLEN + 1];

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

static int lev_full(const char *a, int n, const char *b, int m)
{
    for (int i = 0; i <= n; i++)
        table[i][0] = i;
    for (int j = 0; j <= m; j++)
        table[0][j] = j;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++)
            table[i][j] = min3(table[i - 1][j] + 1, table[i][j - 1] + 1,
                               table[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
    return table[n][m];
}

/* walks the table back; counts operations by kind */
static void traceback(const char *a, int n, const char *b, int m, int ops[4])
{
    int i = n, j = m;
    memset(ops, 0, 4 * sizeof ops[0]); /* match, substitute, delete, insert */
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && table[i][j] == table[i - 1][j - 1] + (a[i - 1] != b[j - 1])) {
            ops[a[i - 1] != b[j - 1]]++;
            i--;
            j--;
        } else if (i > 0 && table[i][j] == table[i - 1][j] + 1) {
            ops[2]++;
            i--;
        } else {
            ops[3]++;
            j--;
        }
    }
}

static int lev_two_rows(const char *a, int n, const char *b, int m)
{
    int *prev = malloc((size_t)(m + 1) * sizeof *prev), *cur = malloc((size_t)(m + 1) * sizeof *cur);
    if (!prev || !cur)
        abort();
    for (int j = 0; j <= m; j++)
        prev[j] = j;
    for (int i = 1; i <= n; i++) {
        cur[0] = i;
        for (int j = 1; j <= m; j++)
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
        int *t = prev;
        prev = cur;
        cur = t;
    }
    int d = prev[m];
    free(prev);
    free(cur);
    return d;
}

static int osa_distance(const char *a, int n, const char *b, int m)
{
    for (int i = 0; i <= n; i++)
        table[i][0] = i;
    for (int j = 0; j <= m; j++)
        table[0][j] = j;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++) {
            int v = min3(table[i - 1][j] + 1, table[i][j - 1] + 1,
                         table[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                table[i - 2][j - 2] + 1 < v)
                v = table[i - 2][j - 2] + 1;
            table[i][j] = v;
        }
    return table[n][m];
}

static int lcs_length(const char *a, int n, const char *b, int m)
{
    for (int i = 0; i <= n; i++)
        for (int j = 0; j <= m; j++) {
            if (i == 0 || j == 0)
                table[i][j] = 0;
            else if (a[i - 1] == b[j - 1])
                table[i][j] = table[i - 1][j - 1] + 1;
            else
                table[i][j] = table[i - 1][j] > table[i][j - 1] ? table[i - 1][j] : table[i][j - 1];
        }
    return table[n][m];
}

/* distance restricted to a diagonal band of half-width k; returns -1 if > k */
static int banded(const char *a, int n, const char *b, int m, int k)
{
    const int BIG = 1 << 20;
    if (abs(n - m) > k)
        return -1;
    for (int i = 0; i <= n; i++)
        for (int j = 0; j <= m; j++) {
            if (abs(i - j) > k) {
                table[i][j] = BIG;
                continue;
            }
            if (i == 0 || j == 0) {
                table[i][j] = i + j;
                continue;
            }
            table[i][j] = min3(table[i - 1][j] + 1, table[i][j - 1] + 1,
                               table[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
        }
    return table[n][m] > k ? -1 : table[n][m];
}

static uint32_t rs = 13579u;
static uint32_t rnd(void)
{
    rs = rs * 1664525u + 1013904223u;
    return rs >> 8;
}

/* derive b from a by random edits */
static int mutate(const char *a, int n, char *b, int edits)
{
    int m = n;
    memcpy(b, a, (size_t)n);
    for (int e = 0; e < edits; e++) {
        uint32_t kind = rnd() % 4u;
        int p = m > 0 ? (int)(rnd() % (uint32_t)m) : 0;
        if (kind == 0 && m < MAXLEN) {
            memmove(b + p + 1, b + p, (size_t)(m - p));
            b[p] = (char)('a' + rnd() % 4u);
            m++;
        } else if (kind == 1 && m > 1) {
            memmove(b + p, b + p + 1, (size_t)(m - p - 1));
            m--;
        } else if (kind == 2 && p + 1 < m) {
            char t = b[p];
            b[p] = b[p + 1];
            b[p + 1] = t;
        } else if (m > 0) {
            b[p] = (char)('a' + rnd() % 4u);
        }
    }
    return m;
}

int main(void)
{
    printf("kitten/sitting: %d, flaw/lawn: %d, ca/abc (OSA): %d\n",
           lev_full("kitten", 6, "sitting", 7), lev_full("flaw", 4, "lawn", 4),
           osa_distance("ca", 2, "abc", 3));
    static char a[MAXLEN + 1], b[MAXLEN + 1];
    uint32_t checksum = 0;
    int mismatches = 0;
    for (int t = 0; t < 8; t++) {
        int n = 150 + (int)(rnd() % 100u);
        for (int i = 0; i < n; i++)
            a[i] = (char)('a' + rnd() % 4u);
        int edits = 2 + t * 6;
        int m = mutate(a, n, b, edits);
        int d1 = lev_full(a, n, b, m);
        int ops[4];
        traceback(a, n, b, m, ops);
        int d2 = lev_two_rows(a, n, b, m);
        int d3 = osa_distance(a, n, b, m);
        int l = lcs_length(a, n, b, m);
        int bd = banded(a, n, b, m, 20);
        if (d1 != d2 || d3 > d1 || ops[1] + ops[2] + ops[3] != d1 || (bd >= 0 && bd != d1) ||
            (bd < 0 && d1 <= 20))
            mismatches++;
        printf("pair %d: len %d/%d, %2d edits -> lev %2d (sub %d del %d ins %d), osa %2d, lcs %3d, "
               "band20 %d\n",
               t, n, m, edits, d1, ops[1], ops[2], ops[3], d3, l, bd);
        checksum = checksum * 1000003u + (uint32_t)(d1 * 7 + d3 * 3 + l);
    }
    printf("mismatches: %d\n", mismatches);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
