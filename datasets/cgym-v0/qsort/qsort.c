/* qsort: a hand-written generic quicksort (median-of-three pivot, Hoare
 * partition, insertion sort for short ranges, recursion on the smaller
 * side) used through a comparator callback on integers, records and strings.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*cmp_fn)(const void *, const void *);

static unsigned long long comparisons;

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    while (size--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void insertion_sort(unsigned char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
            swap_bytes(base + (j - 1) * size, base + j * size, size);
}

static void quick_sort(void *vbase, size_t n, size_t size, cmp_fn cmp)
{
    unsigned char *base = vbase;
    while (n > 12) {
        unsigned char *lo = base, *mid = base + (n / 2) * size, *hi = base + (n - 1) * size;
        /* median of three moved to the middle */
        if (cmp(mid, lo) < 0)
            swap_bytes(mid, lo, size);
        if (cmp(hi, mid) < 0) {
            swap_bytes(hi, mid, size);
            if (cmp(mid, lo) < 0)
                swap_bytes(mid, lo, size);
        }
        /* Hoare partition around the pivot value, kept at index 0 */
        swap_bytes(base, mid, size);
        size_t i = 0, j = n;
        for (;;) {
            do
                i++;
            while (i < n && cmp(base + i * size, base) < 0);
            do
                j--;
            while (cmp(base + j * size, base) > 0);
            if (i >= j)
                break;
            swap_bytes(base + i * size, base + j * size, size);
        }
        swap_bytes(base, base + j * size, size);
        size_t left = j, right = n - j - 1;
        if (left < right) {
            quick_sort(base, left, size, cmp);
            base += (j + 1) * size;
            n = right;
        } else {
            quick_sort(base + (j + 1) * size, right, size, cmp);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    comparisons++;
    return (x > y) - (x < y);
}

typedef struct {
    int32_t key;
    uint16_t group;
    char tag[6];
} record;

static int cmp_record(const void *a, const void *b)
{
    const record *x = a, *y = b;
    comparisons++;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return strcmp(x->tag, y->tag);
}

static int cmp_str(const void *a, const void *b)
{
    const char *const *x = a;
    const char *const *y = b;
    comparisons++;
    return strcmp(*x, *y);
}

static uint32_t seed = 7u;
static uint32_t next_rand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 7;
}

#define N_INTS 20000
#define N_RECS 3000
#define N_STRS 1500

int main(void)
{
    uint32_t *ints = malloc(N_INTS * sizeof *ints);
    record *recs = malloc(N_RECS * sizeof *recs);
    char (*strs)[12] = malloc(N_STRS * sizeof *strs);
    const char **sptr = malloc(N_STRS * sizeof *sptr);
    if (!ints || !recs || !strs || !sptr)
        return 1;
    uint32_t checksum = 0;

    /* random, sorted, reversed and few-distinct inputs */
    for (int pattern = 0; pattern < 4; pattern++) {
        for (uint32_t i = 0; i < N_INTS; i++) {
            switch (pattern) {
            case 0: ints[i] = next_rand(); break;
            case 1: ints[i] = i * 3u; break;
            case 2: ints[i] = (N_INTS - i) * 5u; break;
            default: ints[i] = next_rand() % 7u; break;
            }
        }
        comparisons = 0;
        quick_sort(ints, N_INTS, sizeof *ints, cmp_u32);
        int sorted = 1;
        for (int i = 1; i < N_INTS; i++)
            if (ints[i - 1] > ints[i])
                sorted = 0;
        uint32_t h = 0;
        for (int i = 0; i < N_INTS; i += 97)
            h = h * 16777619u ^ ints[i];
        printf("ints pattern %d: sorted=%d min=%u max=%u sample-hash=%08x\n", pattern, sorted,
               (unsigned)ints[0], (unsigned)ints[N_INTS - 1], (unsigned)h);
        checksum = checksum * 31u + h + (uint32_t)comparisons;
    }
    printf("comparisons on last int pattern: %llu\n", comparisons);

    for (int i = 0; i < N_RECS; i++) {
        recs[i].key = (int32_t)(next_rand() % 2001u) - 1000;
        recs[i].group = (uint16_t)(next_rand() % 10u);
        for (int k = 0; k < 5; k++)
            recs[i].tag[k] = (char)('a' + next_rand() % 26u);
        recs[i].tag[5] = '\0';
    }
    quick_sort(recs, N_RECS, sizeof *recs, cmp_record);
    int ok = 1;
    for (int i = 1; i < N_RECS; i++)
        if (cmp_record(&recs[i - 1], &recs[i]) > 0)
            ok = 0;
    printf("records sorted=%d first=(%u,%d,%s) last=(%u,%d,%s)\n", ok, recs[0].group,
           (int)recs[0].key, recs[0].tag, recs[N_RECS - 1].group, (int)recs[N_RECS - 1].key,
           recs[N_RECS - 1].tag);
    for (int i = 0; i < N_RECS; i += 13)
        checksum = checksum * 131u + (uint32_t)recs[i].key + recs[i].group + (unsigned char)recs[i].tag[0];

    for (int i = 0; i < N_STRS; i++) {
        int len = 3 + (int)(next_rand() % 8u);
        for (int k = 0; k < len; k++)
            strs[i][k] = (char)('a' + next_rand() % 4u);
        strs[i][len] = '\0';
        sptr[i] = strs[i];
    }
    quick_sort(sptr, N_STRS, sizeof *sptr, cmp_str);
    ok = 1;
    for (int i = 1; i < N_STRS; i++)
        if (strcmp(sptr[i - 1], sptr[i]) > 0)
            ok = 0;
    printf("strings sorted=%d first=%s median=%s last=%s\n", ok, sptr[0], sptr[N_STRS / 2],
           sptr[N_STRS - 1]);
    for (int i = 0; i < N_STRS; i++)
        for (const char *p = sptr[i]; *p; p++)
            checksum = checksum * 33u + (unsigned char)*p;

    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(ints);
    free(recs);
    free(strs);
    free(sptr);
    return 0;
}
