/* fft: iterative radix-2 Cooley-Tukey FFT on a hand-rolled complex type
 * (bit-reversal permutation, precomputed twiddles), used for spectral peak
 * detection, forward/inverse round trip, and exact integer polynomial
 * multiplication checked against the schoolbook product.
 * Floating-point results are printed rounded so output is stable.
 * Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    double re, im;
} cplx;

static const double PI = 3.14159265358979323846;

static cplx c_add(cplx a, cplx b) { return (cplx){a.re + b.re, a.im + b.im}; }
static cplx c_sub(cplx a, cplx b) { return (cplx){a.re - b.re, a.im - b.im}; }
static cplx c_mul(cplx a, cplx b)
{
    return (cplx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

static void fft(cplx *a, size_t n, int inverse)
{
    /* bit reversal */
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            cplx t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        double ang = 2 * PI / (double)len * (inverse ? 1 : -1);
        size_t half = len / 2;
        cplx *tw = malloc(half * sizeof *tw);
        if (!tw)
            abort();
        for (size_t k = 0; k < half; k++)
            tw[k] = (cplx){cos(ang * (double)k), sin(ang * (double)k)};
        for (size_t i = 0; i < n; i += len)
            for (size_t k = 0; k < half; k++) {
                cplx u = a[i + k], v = c_mul(a[i + k + half], tw[k]);
                a[i + k] = c_add(u, v);
                a[i + k + half] = c_sub(u, v);
            }
        free(tw);
    }
    if (inverse)
        for (size_t i = 0; i < n; i++) {
            a[i].re /= (double)n;
            a[i].im /= (double)n;
        }
}

/* prints x rounded to 3 decimals without ever producing "-0.000" */
static void print_fixed3(double x)
{
    long long m = llround(x * 1000.0);
    if (m < 0) {
        putchar('-');
        m = -m;
    }
    printf("%lld.%03lld", m / 1000, m % 1000);
}

int main(void)
{
    enum { N = 1024 };
    cplx *sig = malloc(N * sizeof *sig), *orig = malloc(N * sizeof *orig);
    if (!sig || !orig)
        return 1;
    uint32_t checksum = 0;

    /* 1. spectrum of a sum of three tones */
    const int bins[3] = {37, 100, 301};
    const double amps[3] = {1.0, 0.5, 0.25};
    for (int i = 0; i < N; i++) {
        double v = 0;
        for (int t = 0; t < 3; t++)
            v += amps[t] * sin(2 * PI * bins[t] * i / N);
        sig[i] = (cplx){v, 0.0};
        orig[i] = sig[i];
    }
    fft(sig, N, 0);
    printf("peaks:");
    for (int k = 1; k < N / 2; k++) {
        double mag = sqrt(sig[k].re * sig[k].re + sig[k].im * sig[k].im);
        if (mag > 10.0) {
            printf(" bin %d |X|=", k);
            print_fixed3(mag);
            checksum = checksum * 31u + (uint32_t)k + (uint32_t)llround(mag);
        }
    }
    printf("\n");
    fft(sig, N, 1);
    double max_err = 0;
    for (int i = 0; i < N; i++) {
        double e = fabs(sig[i].re - orig[i].re) + fabs(sig[i].im - orig[i].im);
        if (e > max_err)
            max_err = e;
    }
    printf("inverse round trip error < 1e-9: %s\n", max_err < 1e-9 ? "yes" : "NO");

    /* 2. Parseval check on a pseudo-random signal */
    uint32_t s = 17u;
    double e_time = 0, e_freq = 0;
    for (int i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        sig[i] = (cplx){(double)(s >> 20) / 4096.0 - 0.5, 0.0};
        e_time += sig[i].re * sig[i].re;
    }
    fft(sig, N, 0);
    for (int i = 0; i < N; i++)
        e_freq += sig[i].re * sig[i].re + sig[i].im * sig[i].im;
    printf("Parseval: time energy ");
    print_fixed3(e_time);
    printf(", freq energy / N ");
    print_fixed3(e_freq / N);
    printf("\n");

    /* 3. exact polynomial multiplication via FFT */
    enum { DEG = 400 };
    int64_t pa[DEG], pb[DEG], naive[2 * DEG];
    for (int i = 0; i < DEG; i++) {
        s = s * 1664525u + 1013904223u;
        pa[i] = (int64_t)(s >> 24) - 128;
        s = s * 1664525u + 1013904223u;
        pb[i] = (int64_t)(s >> 24) - 128;
    }
    for (int i = 0; i < 2 * DEG; i++)
        naive[i] = 0;
    for (int i = 0; i < DEG; i++)
        for (int j = 0; j < DEG; j++)
            naive[i + j] += pa[i] * pb[j];
    cplx *fa = calloc(N, sizeof *fa), *fb = calloc(N, sizeof *fb);
    if (!fa || !fb)
        return 1;
    for (int i = 0; i < DEG; i++) {
        fa[i].re = (double)pa[i];
        fb[i].re = (double)pb[i];
    }
    fft(fa, N, 0);
    fft(fb, N, 0);
    for (int i = 0; i < N; i++)
        fa[i] = c_mul(fa[i], fb[i]);
    fft(fa, N, 1);
    int wrong = 0;
    int64_t sum = 0;
    for (int i = 0; i < 2 * DEG - 1; i++) {
        int64_t v = llround(fa[i].re);
        if (v != naive[i])
            wrong++;
        sum += v;
        checksum = checksum * 1000003u ^ (uint32_t)v;
    }
    printf("polynomial product: %d coefficients differ, coefficient sum %lld\n", wrong,
           (long long)sum);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    free(sig);
    free(orig);
    free(fa);
    free(fb);
    return 0;
}
