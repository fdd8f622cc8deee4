/* adpcm: an IMA-style 4-bit ADPCM codec (adaptive step size, index
 * adaptation table, nibble packing) with a step table generated at start-up;
 * encodes generated 16-bit audio, decodes it, and measures SNR in integer
 * arithmetic. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>

#define NSTEPS 89
#define NSAMP 20000

static int step_table[NSTEPS];
static const int index_adjust[8] = {-1, -1, -1, -1, 2, 4, 6, 8};

typedef struct {
    int predicted;
    int index;
} adpcm_state;

static void build_step_table(void)
{
    int s = 7;
    for (int i = 0; i < NSTEPS; i++) {
        step_table[i] = s;
        int next = s * 11 / 10;
        if (next <= s)
            next = s + 1;
        s = next > 32767 ? 32767 : next;
    }
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static unsigned encode_sample(adpcm_state *st, int sample)
{
    int step = step_table[st->index];
    int diff = sample - st->predicted;
    unsigned code = 0;
    if (diff < 0) {
        code = 8;
        diff = -diff;
    }
    int delta = step >> 3;
    if (diff >= step) {
        code |= 4;
        diff -= step;
        delta += step;
    }
    step >>= 1;
    if (diff >= step) {
        code |= 2;
        diff -= step;
        delta += step;
    }
    step >>= 1;
    if (diff >= step) {
        code |= 1;
        delta += step;
    }
    st->predicted = clamp(code & 8 ? st->predicted - delta : st->predicted + delta, -32768, 32767);
    st->index = clamp(st->index + index_adjust[code & 7], 0, NSTEPS - 1);
    return code;
}

static int decode_sample(adpcm_state *st, unsigned code)
{
    int step = step_table[st->index];
    int delta = step >> 3;
    if (code & 4)
        delta += step;
    if (code & 2)
        delta += step >> 1;
    if (code & 1)
        delta += step >> 2;
    st->predicted = clamp(code & 8 ? st->predicted - delta : st->predicted + delta, -32768, 32767);
    st->index = clamp(st->index + index_adjust[code & 7], 0, NSTEPS - 1);
    return st->predicted;
}

static int16_t pcm[NSAMP], decoded[NSAMP];
static uint8_t packed[NSAMP / 2];

/* integer sine approximation (Bhaskara I) on a 0..65535 phase */
static int isin(uint32_t phase)
{
    int half = (phase & 0x8000u) ? -1 : 1;
    int x = (int)(phase & 0x7FFFu); /* 0..32767 maps to 0..pi */
    int64_t num = 16 * (int64_t)x * (32768 - x);
    int64_t den = 5 * (int64_t)32768 * 32768 - 4 * (int64_t)x * (32768 - x);
    return half * (int)(num * 32767 / den);
}

int main(void)
{
    build_step_table();
    printf("step table: %d %d %d ... %d\n", step_table[0], step_table[1], step_table[44],
           step_table[NSTEPS - 1]);
    uint32_t checksum = 0;
    for (int sig = 0; sig < 3; sig++) {
        uint32_t phase1 = 0, phase2 = 0, noise = 1u + (uint32_t)sig;
        for (int i = 0; i < NSAMP; i++) {
            phase1 += 300u + (uint32_t)sig * 200u;
            phase2 += 2100u + (uint32_t)(i / 50);
            noise = noise * 1664525u + 1013904223u;
            int v = isin(phase1 & 0xFFFFu) / 2 + isin(phase2 & 0xFFFFu) / (3 + sig);
            if (sig == 2)
                v = (i / 700) % 2 ? 20000 : -20000; /* square wave: slope overload */
            v += (int)(noise >> 26) - 32;
            pcm[i] = (int16_t)clamp(v, -32768, 32767);
        }
        adpcm_state enc = {0, 0}, dec = {0, 0};
        for (int i = 0; i < NSAMP; i += 2) {
            unsigned lo = encode_sample(&enc, pcm[i]);
            unsigned hi = encode_sample(&enc, pcm[i + 1]);
            packed[i / 2] = (uint8_t)(lo | (hi << 4));
        }
        for (int i = 0; i < NSAMP; i += 2) {
            decoded[i] = (int16_t)decode_sample(&dec, packed[i / 2] & 15u);
            decoded[i + 1] = (int16_t)decode_sample(&dec, (unsigned)packed[i / 2] >> 4);
        }
        uint64_t sig_e = 0, err_e = 0;
        int max_err = 0;
        for (int i = 0; i < NSAMP; i++) {
            int e = pcm[i] - decoded[i];
            sig_e += (uint64_t)((int64_t)pcm[i] * pcm[i]);
            err_e += (uint64_t)((int64_t)e * e);
            if (e < 0)
                e = -e;
            if (e > max_err)
                max_err = e;
        }
        /* SNR in hundredths of a dB, approximated via integer log2 */
        uint64_t ratio = err_e ? sig_e / err_e : 0;
        int log2r = 0;
        while (ratio >> (log2r + 1))
            log2r++;
        printf("signal %d: %d samples -> %d bytes, max error %d, signal/noise ratio %llu "
               "(~%d dB)\n",
               sig, NSAMP, NSAMP / 2, max_err, (unsigned long long)ratio, log2r * 301 / 100);
        for (int i = 0; i < NSAMP / 2; i++)
            checksum = (checksum ^ packed[i]) * 16777619u;
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
