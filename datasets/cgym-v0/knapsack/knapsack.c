/* knapsack: 0/1 knapsack by a 2-D DP table with item reconstruction and by
 * a 1-D rolling array, unbounded knapsack, exhaustive search over subsets for
 * small instances (must agree), a greedy bound, and subset-sum via 64-bit
 * word bitsets. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 70
#define MAXW 1000

static uint32_t best2d[MAXN + 1][MAXW + 1];

static uint32_t rs = 8642u;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

static uint32_t knap_2d(int n, const uint32_t *w, const uint32_t *v, uint32_t cap, int *take)
{
    for (uint32_t c = 0; c <= cap; c++)
        best2d[0][c] = 0;
    for (int i = 1; i <= n; i++)
        for (uint32_t c = 0; c <= cap; c++) {
            uint32_t skip = best2d[i - 1][c];
            uint32_t with = w[i - 1] <= c ? best2d[i - 1][c - w[i - 1]] + v[i - 1] : 0;
            best2d[i][c] = with > skip ? with : skip;
        }
    uint32_t c = cap;
    for (int i = n; i >= 1; i--) {
        take[i - 1] = best2d[i][c] != best2d[i - 1][c];
        if (take[i - 1])
            c -= w[i - 1];
    }
    return best2d[n][cap];
}

static uint32_t knap_1d(int n, const uint32_t *w, const uint32_t *v, uint32_t cap)
{
    uint32_t *dp = calloc(cap + 1, sizeof *dp);
    if (!dp)
        abort();
    for (int i = 0; i < n; i++)
        for (uint32_t c = cap; c >= w[i] && c <= cap; c--) {
            uint32_t cand = dp[c - w[i]] + v[i];
            if (cand > dp[c])
                dp[c] = cand;
            if (c == 0)
                break;
        }
    uint32_t r = dp[cap];
    free(dp);
    return r;
}

static uint32_t knap_unbounded(int n, const uint32_t *w, const uint32_t *v, uint32_t cap)
{
    uint32_t *dp = calloc(cap + 1, sizeof *dp);
    if (!dp)
        abort();
    for (uint32_t c = 1; c <= cap; c++)
        for (int i = 0; i < n; i++)
            if (w[i] <= c && dp[c - w[i]] + v[i] > dp[c])
                dp[c] = dp[c - w[i]] + v[i];
    uint32_t r = dp[cap];
    free(dp);
    return r;
}

static uint32_t knap_brute(int n, const uint32_t *w, const uint32_t *v, uint32_t cap)
{
    uint32_t best = 0;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        uint32_t tw = 0, tv = 0;
        for (int i = 0; i < n; i++)
            if (mask & (1u << i)) {
                tw += w[i];
                tv += v[i];
            }
        if (tw <= cap && tv > best)
            best = tv;
    }
    return best;
}

/* greedy by value density (fractional bound, integer-scaled) */
static uint32_t greedy_bound(int n, const uint32_t *w, const uint32_t *v, uint32_t cap)
{
    int idx[MAXN];
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = 1; i < n; i++) /* insertion sort on v/w descending via cross-multiply */
        for (int j = i; j > 0 && (uint64_t)v[idx[j]] * w[idx[j - 1]] > (uint64_t)v[idx[j - 1]] * w[idx[j]]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    uint32_t room = cap, value = 0;
    for (int k = 0; k < n; k++) {
        int i = idx[k];
        if (w[i] <= room) {
            room -= w[i];
            value += v[i];
        } else {
            value += (uint32_t)((uint64_t)v[i] * room / w[i]);
            break;
        }
    }
    return value;
}

/* number of achievable subset sums <= limit, with 64-bit word bitsets */
static unsigned subset_sums(int n, const uint32_t *w, uint32_t limit)
{
    size_t words = limit / 64 + 1;
    uint64_t *bits = calloc(words, sizeof *bits), *tmp = calloc(words, sizeof *tmp);
    if (!bits || !tmp)
        abort();
    bits[0] = 1;
    for (int i = 0; i < n; i++) {
        size_t ws = w[i] / 64, bs = w[i] % 64;
        memset(tmp, 0, words * sizeof *tmp);
        for (size_t k = 0; k + ws < words; k++) {
            tmp[k + ws] |= bits[k] << bs;
            if (bs && k + ws + 1 < words)
                tmp[k + ws + 1] |= bits[k] >> (64 - bs);
        }
        for (size_t k = 0; k < words; k++)
            bits[k] |= tmp[k];
    }
    unsigned count = 0;
    for (uint32_t s = 0; s <= limit; s++)
        count += (unsigned)((bits[s / 64] >> (s % 64)) & 1u);
    free(bits);
    free(tmp);
    return count;
}

int main(void)
{
    uint32_t w[MAXN], v[MAXN];
    int take[MAXN];
    uint32_t checksum = 0;
    int disagreements = 0;
    for (int t = 0; t < 6; t++) {
        int n = t < 3 ? 14 + t : 40 + 5 * t;
        uint32_t cap = t < 3 ? 120 : MAXW;
        for (int i = 0; i < n; i++) {
            w[i] = 5 + rnd() % 60u;
            v[i] = (t % 2) ? w[i] + rnd() % 10u : 1 + rnd() % 100u; /* correlated / not */
        }
        uint32_t a = knap_2d(n, w, v, cap, take);
        uint32_t b = knap_1d(n, w, v, cap);
        uint32_t tw = 0, tv = 0;
        int items = 0;
        for (int i = 0; i < n; i++)
            if (take[i]) {
                tw += w[i];
                tv += v[i];
                items++;
            }
        uint32_t brute = n <= 16 ? knap_brute(n, w, v, cap) : a;
        uint32_t g = greedy_bound(n, w, v, cap);
        if (a != b || a != brute || tv != a || tw > cap || g < a)
            disagreements++;
        printf("instance %d: n=%2d cap=%4u best %5u (%2d items, weight %4u), greedy bound %5u, "
               "unbounded %5u\n",
               t, n, (unsigned)cap, (unsigned)a, items, (unsigned)tw, (unsigned)g,
               (unsigned)knap_unbounded(n, w, v, cap));
        checksum = checksum * 1000003u + a + 17u * tw;
    }
    unsigned sums = subset_sums(40, w, 2000);
    printf("distinct subset sums <= 2000 of the last 40 weights: %u\n", sums);
    printf("disagreements: %d\n", disagreements);
    printf("checksum: 0x%08x\n", (unsigned)(checksum ^ sums));
    return 0;
}
