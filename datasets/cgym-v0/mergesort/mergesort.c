/* mergesort: top-down and bottom-up merge sort plus an in-place heapsort
 * on 64-bit keys; checks stability of merge sort on (key, index) pairs and
 * that all three algorithms agree. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t key;
    uint32_t index;
} item;

static uint64_t state = 0x853c49e6748fea9bULL;
static uint32_t rnd(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(state >> 33);
}

static void merge(item *a, item *tmp, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (a[j].key < a[i].key)
            tmp[k++] = a[j++];
        else
            tmp[k++] = a[i++];
    }
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

static void merge_sort_rec(item *a, item *tmp, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return;
    size_t mid = lo + (hi - lo) / 2;
    merge_sort_rec(a, tmp, lo, mid);
    merge_sort_rec(a, tmp, mid, hi);
    if (a[mid - 1].key <= a[mid].key)
        return; /* already in order */
    merge(a, tmp, lo, mid, hi);
}

static void merge_sort_bottom_up(item *a, item *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width;
            if (hi > n)
                hi = n;
            merge(a, tmp, lo, lo + width, hi);
        }
}

static void sift_down(uint64_t *h, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && h[child + 1] > h[child])
            child++;
        if (h[root] >= h[child])
            return;
        uint64_t t = h[root];
        h[root] = h[child];
        h[child] = t;
        root = child;
    }
}

static void heap_sort(uint64_t *h, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(h, i, n);
    for (size_t end = n; end-- > 1;) {
        uint64_t t = h[0];
        h[0] = h[end];
        h[end] = t;
        sift_down(h, 0, end);
    }
}

static int is_stable_sorted(const item *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (a[i - 1].key > a[i].key)
            return 0;
        if (a[i - 1].key == a[i].key && a[i - 1].index > a[i].index)
            return 0;
    }
    return 1;
}

#define N 30000

int main(void)
{
    item *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *tmp = malloc(N * sizeof *tmp);
    uint64_t *h = malloc(N * sizeof *h);
    if (!a || !b || !tmp || !h)
        return 1;
    uint32_t checksum = 0;
    const uint32_t ranges[3] = {1000000u, 500u, 3u};
    for (int r = 0; r < 3; r++) {
        for (uint32_t i = 0; i < N; i++) {
            a[i].key = rnd() % ranges[r];
            a[i].index = i;
            b[i] = a[i];
            h[i] = ((uint64_t)a[i].key << 32) | i;
        }
        merge_sort_rec(a, tmp, 0, N);
        merge_sort_bottom_up(b, tmp, N);
        heap_sort(h, N);
        int agree = 1;
        for (size_t i = 0; i < N; i++)
            if (a[i].key != b[i].key || a[i].index != b[i].index ||
                h[i] != (((uint64_t)a[i].key << 32) | a[i].index))
                agree = 0;
        size_t distinct = 1;
        for (size_t i = 1; i < N; i++)
            distinct += a[i].key != a[i - 1].key;
        printf("range %7u: stable=%d/%d agree=%d distinct=%zu median=%u\n", (unsigned)ranges[r],
               is_stable_sorted(a, N), is_stable_sorted(b, N), agree, distinct,
               (unsigned)a[N / 2].key);
        for (size_t i = 0; i < N; i += 7)
            checksum = (checksum ^ a[i].key) * 0x01000193u ^ a[i].index;
    }
    /* nearly sorted input: few random swaps */
    for (uint32_t i = 0; i < N; i++) {
        a[i].key = i / 2;
        a[i].index = i;
    }
    for (int s = 0; s < 50; s++) {
        size_t x = rnd() % N, y = rnd() % N;
        item t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
    merge_sort_rec(a, tmp, 0, N);
    int sorted = 1;
    for (size_t i = 1; i < N; i++)
        if (a[i - 1].key > a[i].key)
            sorted = 0;
    printf("nearly sorted: sorted=%d first=%u last=%u\n", sorted, (unsigned)a[0].key,
           (unsigned)a[N - 1].key);
    for (size_t i = 0; i < N; i += 11)
        checksum = (checksum ^ a[i].key) * 0x01000193u ^ a[i].index;
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(a);
    free(b);
    free(tmp);
    free(h);
    return 0;
}
