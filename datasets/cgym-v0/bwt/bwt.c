/* bwt: Burrows-Wheeler transform of generated text by sorting cyclic
 * rotations with prefix doubling (two-pass counting sort on rank pairs),
 * followed by move-to-front coding, zero-run statistics, and the inverse
 * transform via the LF mapping. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sorts the cyclic rotations of s[0..n); returns them in sa. */
static void sort_rotations(const unsigned char *s, size_t n, uint32_t *sa)
{
    uint32_t *rank = malloc(n * sizeof *rank), *tmp = malloc(n * sizeof *tmp);
    uint32_t *cnt = malloc((n > 256 ? n : 256) * sizeof *cnt);
    uint32_t *sa2 = malloc(n * sizeof *sa2);
    if (!rank || !tmp || !cnt || !sa2)
        abort();
    size_t classes = 256;
    /* initial order: counting sort on the first byte */
    memset(cnt, 0, 256 * sizeof *cnt);
    for (size_t i = 0; i < n; i++)
        cnt[s[i]]++;
    for (size_t c = 1; c < 256; c++)
        cnt[c] += cnt[c - 1];
    for (size_t i = n; i-- > 0;)
        sa[--cnt[s[i]]] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
        rank[i] = s[i];
    for (size_t k = 1; k < n; k *= 2) {
        /* order by second key (rank at i+k): shift the current order */
        for (size_t i = 0; i < n; i++)
            sa2[i] = (uint32_t)((sa[i] + n - k) % n);
        /* stable counting sort by first key */
        memset(cnt, 0, classes * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            cnt[rank[sa2[i]]]++;
        for (size_t c = 1; c < classes; c++)
            cnt[c] += cnt[c - 1];
        for (size_t i = n; i-- > 0;)
            sa[--cnt[rank[sa2[i]]]] = sa2[i];
        /* new ranks */
        tmp[sa[0]] = 0;
        uint32_t r = 0;
        for (size_t i = 1; i < n; i++) {
            uint32_t a = sa[i - 1], b = sa[i];
            if (rank[a] != rank[b] || rank[(a + k) % n] != rank[(b + k) % n])
                r++;
            tmp[b] = r;
        }
        memcpy(rank, tmp, n * sizeof *rank);
        classes = (size_t)r + 1;
        if (classes == n)
            break;
    }
    free(rank);
    free(tmp);
    free(cnt);
    free(sa2);
}

static size_t bwt_forward(const unsigned char *s, size_t n, unsigned char *out)
{
    uint32_t *sa = malloc(n * sizeof *sa);
    if (!sa)
        abort();
    sort_rotations(s, n, sa);
    size_t primary = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = s[(sa[i] + n - 1) % n];
        if (sa[i] == 0)
            primary = i;
    }
    free(sa);
    return primary;
}

static void bwt_inverse(const unsigned char *l, size_t n, size_t primary, unsigned char *out)
{
    uint32_t count[256] = {0}, start[256];
    uint32_t *lf = malloc(n * sizeof *lf);
    if (!lf)
        abort();
    for (size_t i = 0; i < n; i++)
        count[l[i]]++;
    uint32_t sum = 0;
    for (int c = 0; c < 256; c++) {
        start[c] = sum;
        sum += count[c];
    }
    uint32_t seen[256] = {0};
    for (size_t i = 0; i < n; i++)
        lf[i] = start[l[i]] + seen[l[i]]++;
    size_t p = primary;
    for (size_t i = n; i-- > 0;) {
        out[i] = l[p];
        p = lf[p];
    }
    free(lf);
}

static void move_to_front(const unsigned char *in, size_t n, unsigned char *out)
{
    unsigned char order[256];
    for (int i = 0; i < 256; i++)
        order[i] = (unsigned char)i;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = in[i];
        int j = 0;
        while (order[j] != c)
            j++;
        out[i] = (unsigned char)j;
        memmove(order + 1, order, (size_t)j);
        order[0] = c;
    }
}

int main(void)
{
    enum { N = 12000 };
    unsigned char *text = malloc(N), *l = malloc(N), *back = malloc(N), *mtf = malloc(N);
    if (!text || !l || !back || !mtf)
        return 1;
    static const char *const syll[] = {"ba", "na", "ra", "ka", "ta", "an", "as", "ma", "pa", "la"};
    uint32_t x = 424242u, checksum = 0;
    for (int round = 0; round < 3; round++) {
        size_t n = 0;
        while (n < N) {
            x = x * 22695477u + 1u;
            const char *sy = syll[(x >> 16) % (round == 0 ? 10u : 3u)];
            if (round == 2)
                sy = "ab"; /* fully periodic input: many equal rotations */
            while (*sy && n < N)
                text[n++] = (unsigned char)*sy++;
        }
        size_t primary = bwt_forward(text, N, l);
        bwt_inverse(l, N, primary, back);
        move_to_front(l, N, mtf);
        size_t zeros = 0, runs = 0;
        for (size_t i = 0; i < N; i++) {
            zeros += mtf[i] == 0;
            runs += i == 0 || l[i] != l[i - 1];
        }
        int ok = memcmp(text, back, N) == 0;
        printf("round %d: primary index %zu, %zu runs in L, %zu MTF zeros, inverse %s\n", round,
               primary, runs, zeros, ok ? "ok" : "FAILED");
        printf("  L[0..40]: %.40s\n", (const char *)l);
        for (size_t i = 0; i < N; i++)
            checksum = (checksum << 7 | checksum >> 25) ^ l[i] ^ ((uint32_t)mtf[i] << 8);
        checksum ^= (uint32_t)primary;
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(text);
    free(l);
    free(back);
    free(mtf);
    return 0;
}
