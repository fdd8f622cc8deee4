/* fir: windowed-sinc FIR filter design (Hamming window, low-pass, high-pass
 * by spectral inversion, band-pass by convolution of the two), quantised to
 * Q15 and applied with a circular delay line in fixed point, plus a
 * polyphase-free 4x decimator. Outputs are integer energies.
 * Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TAPS 63
#define NSAMP 8192

static const double PI = 3.14159265358979323846;

static int16_t input[NSAMP];
static int16_t output[NSAMP];

static void design_lowpass(double cutoff, double *h)
{
    int m = TAPS - 1;
    double sum = 0;
    for (int i = 0; i < TAPS; i++) {
        double x = i - m / 2.0;
        double sinc = x == 0 ? 2 * cutoff : sin(2 * PI * cutoff * x) / (PI * x);
        double w = 0.54 - 0.46 * cos(2 * PI * i / m);
        h[i] = sinc * w;
        sum += h[i];
    }
    for (int i = 0; i < TAPS; i++)
        h[i] /= sum; /* unity DC gain */
}

static void quantise(const double *h, int16_t *q)
{
    for (int i = 0; i < TAPS; i++) {
        long v = lround(h[i] * 32768.0);
        if (v > 32767)
            v = 32767;
        if (v < -32768)
            v = -32768;
        q[i] = (int16_t)v;
    }
}

static int16_t saturate(int64_t v)
{
    if (v > 32767)
        return 32767;
    if (v < -32768)
        return -32768;
    return (int16_t)v;
}

/* circular-buffer FIR, one sample at a time */
static void fir_filter(const int16_t *coef, const int16_t *in, int16_t *out, int n)
{
    int16_t delay[TAPS];
    memset(delay, 0, sizeof delay);
    int head = 0;
    for (int i = 0; i < n; i++) {
        delay[head] = in[i];
        int64_t acc = 0;
        int idx = head;
        for (int k = 0; k < TAPS; k++) {
            acc += (int32_t)coef[k] * delay[idx];
            idx = idx == 0 ? TAPS - 1 : idx - 1;
        }
        out[i] = saturate((acc + (1 << 14)) >> 15);
        head = head == TAPS - 1 ? 0 : head + 1;
    }
}

/* direct-form decimate by 4 */
static int fir_decimate(const int16_t *coef, const int16_t *in, int16_t *out, int n)
{
    int m = 0;
    for (int i = TAPS - 1; i < n; i += 4) {
        int64_t acc = 0;
        for (int k = 0; k < TAPS; k++)
            acc += (int32_t)coef[k] * in[i - k];
        out[m++] = saturate((acc + (1 << 14)) >> 15);
    }
    return m;
}

static uint64_t energy(const int16_t *x, int from, int n)
{
    uint64_t e = 0;
    for (int i = from; i < n; i++)
        e += (uint64_t)((int32_t)x[i] * x[i]);
    return e;
}

int main(void)
{
    double lp[TAPS], hp[TAPS], bp[TAPS];
    int16_t qlp[TAPS], qhp[TAPS], qbp[TAPS];
    design_lowpass(0.1, lp);
    for (int i = 0; i < TAPS; i++)
        hp[i] = -lp[i];
    hp[TAPS / 2] += 1.0; /* spectral inversion: high-pass with cutoff 0.1 */
    double lp2[TAPS];
    design_lowpass(0.3, lp2);
    for (int i = 0; i < TAPS; i++)
        bp[i] = lp2[i] - lp[i]; /* band 0.1 .. 0.3 */
    quantise(lp, qlp);
    quantise(hp, qhp);
    quantise(bp, qbp);
    printf("q15 low-pass centre taps: %d %d %d\n", qlp[30], qlp[31], qlp[32]);

    /* tones at 0.02, 0.2 and 0.4 cycles/sample plus LCG noise */
    uint32_t s = 12345u;
    for (int i = 0; i < NSAMP; i++) {
        s = s * 1103515245u + 12345u;
        double v = 6000 * sin(2 * PI * 0.02 * i) + 5000 * sin(2 * PI * 0.2 * i) +
                   4000 * sin(2 * PI * 0.4 * i);
        input[i] = (int16_t)(lround(v) + (int32_t)((s >> 16) % 1001u) - 500);
    }
    uint32_t checksum = 0;
    printf("input energy: %llu\n", (unsigned long long)energy(input, TAPS, NSAMP));
    const int16_t *filters[3] = {qlp, qhp, qbp};
    static const char *const names[3] = {"low-pass", "high-pass", "band-pass"};
    for (int f = 0; f < 3; f++) {
        fir_filter(filters[f], input, output, NSAMP);
        uint64_t e = energy(output, TAPS, NSAMP);
        printf("%-9s output energy: %llu (%llu%% of input)\n", names[f], (unsigned long long)e,
               (unsigned long long)(e * 100 / energy(input, TAPS, NSAMP)));
        for (int i = 0; i < NSAMP; i++)
            checksum = checksum * 31u + (uint16_t)output[i];
    }
    static int16_t dec[NSAMP / 4 + 1];
    int m = fir_decimate(qlp, input, dec, NSAMP);
    printf("decimated %d -> %d samples, energy %llu\n", NSAMP, m,
           (unsigned long long)energy(dec, 0, m));
    for (int i = 0; i < m; i++)
        checksum = checksum * 31u + (uint16_t)dec[i];
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
