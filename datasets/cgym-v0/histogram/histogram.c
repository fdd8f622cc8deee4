/* histogram: 256-bin histograms of a generated 8-bit image, cumulative
 * distribution, histogram equalisation through a lookup table, Otsu's
 * threshold (integer-exact between-class variance comparison), percentiles
 * and per-tile local histograms. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define W 256
#define H 256
#define TILE 64

static uint8_t img[H * W], eq[H * W];

static void histogram(const uint8_t *p, size_t n, size_t stride, size_t rows, uint32_t h[256])
{
    memset(h, 0, 256 * sizeof h[0]);
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++)
            h[p[r * stride + i]]++;
}

static void equalise_lut(const uint32_t h[256], uint32_t total, uint8_t lut[256])
{
    uint32_t cdf = 0, cdf_min = 0;
    for (int v = 0; v < 256; v++)
        if (h[v]) {
            cdf_min = h[v];
            break;
        }
    for (int v = 0; v < 256; v++) {
        cdf += h[v];
        if (total == cdf_min)
            lut[v] = (uint8_t)v;
        else
            lut[v] = (uint8_t)(((uint64_t)(cdf > cdf_min ? cdf - cdf_min : 0) * 255u +
                                (total - cdf_min) / 2) /
                               (total - cdf_min));
    }
}

/* Otsu: maximise the between-class variance w0*w1*(mu0-mu1)^2, which is
 * proportional to (sum0*N - sumT*w0)^2 / (w0*w1). Everything is done in
 * 64-bit integers (the difference is scaled down so its square fits), so the
 * chosen threshold does not depend on floating-point rounding. */
static int otsu(const uint32_t h[256], uint32_t total)
{
    uint64_t sum_t = 0;
    for (int v = 0; v < 256; v++)
        sum_t += (uint64_t)v * h[v];
    uint64_t w0 = 0, sum0 = 0;
    int best = 0;
    uint64_t best_num = 0, best_den = 1;
    for (int t = 0; t < 255; t++) {
        w0 += h[t];
        sum0 += (uint64_t)t * h[t];
        uint64_t w1 = total - w0;
        if (w0 == 0 || w1 == 0)
            continue;
        /* diff = sum0*N - sumT*w0 (may be negative) */
        int64_t diff = (int64_t)(sum0 * total) - (int64_t)(sum_t * w0);
        uint64_t ad = (uint64_t)(diff < 0 ? -diff : diff) >> 12; /* scale to avoid overflow */
        uint64_t num = ad * ad;
        uint64_t den = w0 * w1;
        /* num/den > best_num/best_den, compared via long division steps */
        uint64_t q1 = num / den, q2 = best_num / best_den;
        int better;
        if (q1 != q2)
            better = q1 > q2;
        else
            better = (num % den) * 1024 / den > (best_num % best_den) * 1024 / best_den;
        if (better) {
            best = t;
            best_num = num;
            best_den = den;
        }
    }
    return best;
}

static int percentile(const uint32_t h[256], uint32_t total, int pct)
{
    uint64_t target = (uint64_t)total * (uint64_t)pct / 100u, acc = 0;
    for (int v = 0; v < 256; v++) {
        acc += h[v];
        if (acc > target)
            return v;
    }
    return 255;
}

int main(void)
{
    /* bimodal image: dark background blobs, bright objects, low contrast */
    uint32_t s = 1357911u;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            s = s * 1103515245u + 12345u;
            int noise = (int)((s >> 16) % 21u) - 10;
            int base = ((x / 32 + y / 48) % 3 == 0) ? 150 : 70;
            int v = base + noise + (x + y) / 64;
            img[y * W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    uint32_t h[256];
    histogram(img, W, W, H, h);
    int lo = 0, hi = 255;
    while (!h[lo])
        lo++;
    while (!h[hi])
        hi--;
    int mode = 0;
    for (int v = 0; v < 256; v++)
        if (h[v] > h[mode])
            mode = v;
    int t = otsu(h, W * H);
    printf("range %d..%d, mode %d (%u px), otsu threshold %d\n", lo, hi, mode, (unsigned)h[mode], t);
    printf("percentiles: p5 %d, p50 %d, p95 %d\n", percentile(h, W * H, 5),
           percentile(h, W * H, 50), percentile(h, W * H, 95));
    uint32_t above = 0;
    for (int v = t + 1; v < 256; v++)
        above += h[v];
    printf("pixels above threshold: %u\n", (unsigned)above);

    uint8_t lut[256];
    equalise_lut(h, W * H, lut);
    for (size_t i = 0; i < (size_t)W * H; i++)
        eq[i] = lut[img[i]];
    uint32_t he[256];
    histogram(eq, W, W, H, he);
    int used = 0;
    for (int v = 0; v < 256; v++)
        used += he[v] != 0;
    printf("equalised: %d grey levels used, lut[70]=%u lut[150]=%u, p50 %d\n", used, lut[70],
           lut[150], percentile(he, W * H, 50));

    uint32_t checksum = 0;
    for (int v = 0; v < 256; v++)
        checksum = checksum * 31u + h[v] + 7u * he[v];
    /* local tile statistics */
    for (int ty = 0; ty < H; ty += TILE) {
        printf("  tiles y=%3d:", ty);
        for (int tx = 0; tx < W; tx += TILE) {
            uint32_t th[256];
            histogram(img + ty * W + tx, TILE, W, TILE, th);
            int tt = otsu(th, TILE * TILE);
            printf(" %3d", tt);
            checksum = checksum * 131u + (uint32_t)tt;
        }
        printf("\n");
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
