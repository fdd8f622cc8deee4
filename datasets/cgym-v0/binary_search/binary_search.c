/* binary_search: lower-bound, upper-bound, exact and interpolation search
 * over a generated sorted array, cross-checked against each other.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>

#define N 50000
#define QUERIES 40000

static uint32_t table[N];

static size_t lower_bound(const uint32_t *a, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t upper_bound(const uint32_t *a, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* returns index of some element equal to key, or -1 */
static long find_exact(const uint32_t *a, long n, uint32_t key)
{
    long lo = 0, hi = n - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (a[mid] == key)
            return mid;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static long interpolation_search(const uint32_t *a, long n, uint32_t key, int *probes)
{
    long lo = 0, hi = n - 1;
    *probes = 0;
    while (lo <= hi && key >= a[lo] && key <= a[hi]) {
        ++*probes;
        long pos;
        if (a[hi] == a[lo])
            pos = lo;
        else
            pos = lo + (long)((uint64_t)(key - a[lo]) * (uint64_t)(hi - lo) / (a[hi] - a[lo]));
        if (a[pos] == key)
            return pos;
        if (a[pos] < key)
            lo = pos + 1;
        else
            hi = pos - 1;
    }
    return -1;
}

int main(void)
{
    uint32_t x = 2463534242u, v = 0;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v += x % 9u; /* gaps 0..8: duplicates and holes */
        table[i] = v;
    }
    uint32_t checksum = 0;
    unsigned found = 0, mismatches = 0;
    unsigned long total_dups = 0, total_probes = 0;
    for (int q = 0; q < QUERIES; q++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        uint32_t key = x % (v + 10u);
        size_t lb = lower_bound(table, N, key);
        size_t ub = upper_bound(table, N, key);
        long ex = find_exact(table, N, key);
        int probes;
        long ip = interpolation_search(table, N, key, &probes);
        total_probes += (unsigned long)probes;
        int present = lb < N && table[lb] == key;
        if (present != (ex >= 0) || present != (ip >= 0))
            mismatches++;
        if (ex >= 0 && ((size_t)ex < lb || (size_t)ex >= ub))
            mismatches++;
        if (ip >= 0 && table[ip] != key)
            mismatches++;
        if (present) {
            found++;
            total_dups += ub - lb;
        }
        checksum = checksum * 2654435761u + (uint32_t)lb + 7u * (uint32_t)ub;
    }
    printf("max value %u, queries %d\n", (unsigned)v, QUERIES);
    printf("found %u, total matching elements %lu\n", found, total_dups);
    printf("interpolation probes %lu, mismatches %u\n", total_probes, mismatches);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
