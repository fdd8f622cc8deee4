/* blur: 2-D image convolution on a generated 8-bit greyscale image:
 * a 5x5 binomial (Gaussian-like) kernel applied directly and as two
 * separable 1-D passes (results must agree), a box blur via a summed-area
 * table, and a 3x3 sharpen kernel with clamping and edge replication.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 192
#define H 128

typedef struct {
    int w, h;
    uint8_t *px;
} image;

static image img_new(int w, int h)
{
    image im = {w, h, calloc((size_t)w * (size_t)h, 1)};
    if (!im.px)
        abort();
    return im;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static uint8_t at(const image *im, int x, int y)
{
    x = clampi(x, 0, im->w - 1);
    y = clampi(y, 0, im->h - 1);
    return im->px[(size_t)y * (size_t)im->w + (size_t)x];
}

static void make_test_image(image *im)
{
    uint32_t s = 8675309u;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++) {
            int v = (x * 255) / (im->w - 1) / 2 + (y % 32 < 16 ? 40 : 0);
            int dx = x - 96, dy = y - 64;
            if (dx * dx + dy * dy < 40 * 40)
                v = 230 - v / 4;
            if ((x / 8 + y / 8) % 7 == 0)
                v = 20;
            s = s * 1664525u + 1013904223u;
            v += (int)(s >> 28) - 8;
            im->px[(size_t)y * (size_t)im->w + (size_t)x] = (uint8_t)clampi(v, 0, 255);
        }
}

static const int binom[5] = {1, 4, 6, 4, 1};

static void blur_direct(const image *in, image *out)
{
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++) {
            int acc = 0;
            for (int ky = -2; ky <= 2; ky++)
                for (int kx = -2; kx <= 2; kx++)
                    acc += binom[ky + 2] * binom[kx + 2] * at(in, x + kx, y + ky);
            out->px[(size_t)y * (size_t)in->w + (size_t)x] = (uint8_t)((acc + 128) >> 8);
        }
}

static void blur_separable(const image *in, image *out)
{
    int *tmp = malloc((size_t)in->w * (size_t)in->h * sizeof *tmp);
    if (!tmp)
        abort();
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++) {
            int acc = 0;
            for (int k = -2; k <= 2; k++)
                acc += binom[k + 2] * at(in, x + k, y);
            tmp[y * in->w + x] = acc;
        }
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++) {
            int acc = 0;
            for (int k = -2; k <= 2; k++)
                acc += binom[k + 2] * tmp[clampi(y + k, 0, in->h - 1) * in->w + x];
            out->px[(size_t)y * (size_t)in->w + (size_t)x] = (uint8_t)((acc + 128) >> 8);
        }
    free(tmp);
}

static void box_blur_sat(const image *in, image *out, int r)
{
    int sw = in->w + 1;
    uint32_t *sat = calloc((size_t)sw * (size_t)(in->h + 1), sizeof *sat);
    if (!sat)
        abort();
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++)
            sat[(y + 1) * sw + x + 1] = at(in, x, y) + sat[y * sw + x + 1] + sat[(y + 1) * sw + x] -
                                        sat[y * sw + x];
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++) {
            int x0 = clampi(x - r, 0, in->w), x1 = clampi(x + r + 1, 0, in->w);
            int y0 = clampi(y - r, 0, in->h), y1 = clampi(y + r + 1, 0, in->h);
            uint32_t sum = sat[y1 * sw + x1] - sat[y0 * sw + x1] - sat[y1 * sw + x0] + sat[y0 * sw + x0];
            uint32_t area = (uint32_t)((x1 - x0) * (y1 - y0));
            out->px[(size_t)y * (size_t)in->w + (size_t)x] = (uint8_t)((sum + area / 2) / area);
        }
    free(sat);
}

static void sharpen(const image *in, image *out)
{
    static const int k[3][3] = {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}};
    for (int y = 0; y < in->h; y++)
        for (int x = 0; x < in->w; x++) {
            int acc = 0;
            for (int j = -1; j <= 1; j++)
                for (int i = -1; i <= 1; i++)
                    acc += k[j + 1][i + 1] * at(in, x + i, y + j);
            out->px[(size_t)y * (size_t)in->w + (size_t)x] = (uint8_t)clampi(acc, 0, 255);
        }
}

static uint32_t img_hash(const image *im, uint64_t *sum)
{
    uint32_t h = 2166136261u;
    *sum = 0;
    for (size_t i = 0; i < (size_t)im->w * (size_t)im->h; i++) {
        h = (h ^ im->px[i]) * 16777619u;
        *sum += im->px[i];
    }
    return h;
}

int main(void)
{
    image src = img_new(W, H), a = img_new(W, H), b = img_new(W, H), c = img_new(W, H);
    make_test_image(&src);
    uint64_t sum;
    uint32_t checksum = img_hash(&src, &sum);
    printf("source      hash %08x mean*100 %llu\n", (unsigned)checksum,
           (unsigned long long)(sum * 100 / (W * H)));
    blur_direct(&src, &a);
    blur_separable(&src, &b);
    int diff = 0;
    for (size_t i = 0; i < (size_t)W * H; i++)
        diff += a.px[i] != b.px[i];
    uint32_t h = img_hash(&a, &sum);
    printf("gauss5x5    hash %08x mean*100 %llu, separable differs at %d pixels\n", (unsigned)h,
           (unsigned long long)(sum * 100 / (W * H)), diff);
    checksum ^= h;
    for (int r = 1; r <= 4; r += 3) {
        box_blur_sat(&src, &c, r);
        h = img_hash(&c, &sum);
        printf("box r=%d     hash %08x mean*100 %llu\n", r, (unsigned)h,
               (unsigned long long)(sum * 100 / (W * H)));
        checksum = checksum * 31u ^ h;
    }
    sharpen(&a, &c);
    h = img_hash(&c, &sum);
    printf("sharpen     hash %08x mean*100 %llu\n", (unsigned)h,
           (unsigned long long)(sum * 100 / (W * H)));
    checksum = checksum * 31u ^ h;
    /* repeated blurring converges towards the mean */
    for (int it = 0; it < 4; it++) {
        blur_separable(&a, &b);
        blur_separable(&b, &a);
    }
    int lo = 255, hi = 0;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        if (a.px[i] < lo)
            lo = a.px[i];
        if (a.px[i] > hi)
            hi = a.px[i];
    }
    printf("after 9 blurs: range %d..%d\n", lo, hi);
    checksum ^= (uint32_t)(lo << 8 | hi);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(src.px);
    free(a.px);
    free(b.px);
    free(c.px);
    return 0;
}
