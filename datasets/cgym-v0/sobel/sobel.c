/* sobel: edge detection on a generated greyscale image: Sobel gradients,
 * integer square-root magnitude, quantised gradient direction, non-maximum
 * suppression and hysteresis thresholding (a small Canny pipeline) with an
 * explicit stack for edge tracking. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 160
#define H 120

static uint8_t img[H][W];
static int16_t gx[H][W], gy[H][W];
static uint16_t mag[H][W], thin[H][W];
static uint8_t dir[H][W], edge[H][W];
static int stack_xy[W * H];

static uint32_t isqrt32(uint32_t v)
{
    uint32_t r = 0, bit = 1u << 30;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

static void make_image(void)
{
    uint32_t s = 4049u;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = 60;
            if (x > 20 && x < 70 && y > 15 && y < 60)
                v = 180; /* rectangle */
            int dx = x - 110, dy = y - 70;
            if (dx * dx + dy * dy < 30 * 30)
                v = 200 - (dx + dy); /* shaded disc */
            if (y > x / 2 + 70)
                v = 120; /* diagonal region */
            s = s * 69069u + 1u;
            v += (int)(s >> 29) - 4;
            img[y][x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

static void gradients(void)
{
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++) {
            int sx = -img[y - 1][x - 1] + img[y - 1][x + 1] - 2 * img[y][x - 1] + 2 * img[y][x + 1] -
                     img[y + 1][x - 1] + img[y + 1][x + 1];
            int sy = -img[y - 1][x - 1] - 2 * img[y - 1][x] - img[y - 1][x + 1] + img[y + 1][x - 1] +
                     2 * img[y + 1][x] + img[y + 1][x + 1];
            gx[y][x] = (int16_t)sx;
            gy[y][x] = (int16_t)sy;
            mag[y][x] = (uint16_t)isqrt32((uint32_t)(sx * sx + sy * sy));
            /* direction sector 0..3 (0: horizontal gradient, 2: vertical) using
             * tan(22.5 deg) ~ 53/128 and tan(67.5 deg) ~ 309/128 */
            int ax = sx < 0 ? -sx : sx, ay = sy < 0 ? -sy : sy;
            uint8_t d;
            if (ay * 128 <= ax * 53)
                d = 0;
            else if (ay * 128 >= ax * 309)
                d = 2;
            else
                d = ((sx < 0) == (sy < 0)) ? 1 : 3;
            dir[y][x] = d;
        }
}

static void non_max_suppression(void)
{
    static const int ox[4] = {1, 1, 0, -1}, oy[4] = {0, 1, 1, 1};
    memset(thin, 0, sizeof thin);
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++) {
            int d = dir[y][x];
            uint16_t m = mag[y][x];
            if (m >= mag[y + oy[d]][x + ox[d]] && m > mag[y - oy[d]][x - ox[d]])
                thin[y][x] = m;
        }
}

static int hysteresis(int lo, int hi)
{
    memset(edge, 0, sizeof edge);
    int count = 0;
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++) {
            if (thin[y][x] < hi || edge[y][x])
                continue;
            int sp = 0;
            edge[y][x] = 1;
            stack_xy[sp++] = y * W + x;
            while (sp > 0) {
                int p = stack_xy[--sp];
                int px = p % W, py = p / W;
                count++;
                for (int j = -1; j <= 1; j++)
                    for (int i = -1; i <= 1; i++) {
                        int nx = px + i, ny = py + j;
                        if (nx < 1 || ny < 1 || nx >= W - 1 || ny >= H - 1)
                            continue;
                        if (!edge[ny][nx] && thin[ny][nx] >= lo) {
                            edge[ny][nx] = 1;
                            stack_xy[sp++] = ny * W + nx;
                        }
                    }
            }
        }
    return count;
}

int main(void)
{
    make_image();
    gradients();
    uint64_t total = 0;
    uint16_t maxm = 0;
    int hist[4] = {0, 0, 0, 0};
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++) {
            total += mag[y][x];
            if (mag[y][x] > maxm)
                maxm = mag[y][x];
            if (mag[y][x] > 100)
                hist[dir[y][x]]++;
        }
    printf("sqrt(1e9)=%u, isqrt(65535)=%u\n", (unsigned)isqrt32(1000000000u),
           (unsigned)isqrt32(65535u));
    printf("gradient magnitude: sum %llu, max %u\n", (unsigned long long)total, (unsigned)maxm);
    printf("strong-edge directions: %d horizontal-grad, %d diag, %d vertical-grad, %d anti-diag\n",
           hist[0], hist[1], hist[2], hist[3]);
    non_max_suppression();
    int thin_count = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            thin_count += thin[y][x] > 0;
    printf("after non-max suppression: %d candidate pixels\n", thin_count);
    uint32_t checksum = (uint32_t)total;
    for (int t = 0; t < 3; t++) {
        int lo = 40 + 30 * t, hi = 120 + 60 * t;
        int n = hysteresis(lo, hi);
        uint32_t h = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                h = h * 3u + edge[y][x];
        printf("hysteresis lo=%d hi=%d: %d edge pixels, map hash %08x\n", lo, hi, n, (unsigned)h);
        checksum = checksum * 1000003u ^ h;
    }
    /* ASCII thumbnail of the final edge map */
    for (int by = 0; by < H; by += 12) {
        char line[W / 8 + 1];
        for (int bx = 0; bx < W; bx += 8) {
            int c = 0;
            for (int y = by; y < by + 12; y++)
                for (int x = bx; x < bx + 8; x++)
                    c += edge[y][x];
            line[bx / 8] = c == 0 ? '.' : c < 6 ? '+' : '#';
        }
        line[W / 8] = '\0';
        printf("  %s\n", line);
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
