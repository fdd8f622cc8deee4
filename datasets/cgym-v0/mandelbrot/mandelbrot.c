/* mandelbrot: escape-time rendering of the Mandelbrot set, once in
 * double precision with periodicity checking and once in 64-bit fixed point
 * (Q4.56-style integer arithmetic), plus an ASCII thumbnail; also the area
 * estimate from pixel counts. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 96
#define H 64
#define MAX_ITER 256

static unsigned short iters_d[H][W], iters_f[H][W];

static int escape_double(double cr, double ci)
{
    double zr = 0.0, zi = 0.0, old_r = 0.0, old_i = 0.0;
    int period = 0;
    for (int n = 0; n < MAX_ITER; n++) {
        double zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0)
            return n;
        double t = zr2 - zi2 + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        if (zr == old_r && zi == old_i)
            return MAX_ITER; /* exact cycle: inside */
        if (++period == 20) {
            period = 0;
            old_r = zr;
            old_i = zi;
        }
    }
    return MAX_ITER;
}

#define FRAC 56
typedef int64_t fixed;

/* (a*b) >> FRAC with the product split in 32-bit halves (no 128-bit types) */
static fixed fmul(fixed a, fixed b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    uint64_t ub = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    uint64_t a_hi = ua >> 32, a_lo = ua & 0xFFFFFFFFu, b_hi = ub >> 32, b_lo = ub & 0xFFFFFFFFu;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    uint64_t mid = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + (lo_hi & 0xFFFFFFFFu);
    uint64_t high = hi_hi + (hi_lo >> 32) + (lo_hi >> 32) + (mid >> 32);
    uint64_t low = (mid << 32) | (lo_lo & 0xFFFFFFFFu);
    uint64_t r = (high << (64 - FRAC)) | (low >> FRAC);
    return neg ? -(fixed)r : (fixed)r;
}

static int escape_fixed(fixed cr, fixed ci)
{
    const fixed four = (fixed)4 << FRAC;
    fixed zr = 0, zi = 0;
    for (int n = 0; n < MAX_ITER; n++) {
        fixed zr2 = fmul(zr, zr), zi2 = fmul(zi, zi);
        if (zr2 + zi2 > four)
            return n;
        fixed t = zr2 - zi2 + cr;
        zi = 2 * fmul(zr, zi) + ci;
        zr = t;
    }
    return MAX_ITER;
}

int main(void)
{
    const double x0 = -2.25, x1 = 0.75, y0 = -1.25, y1 = 1.25;
    uint32_t checksum = 0;
    long inside_d = 0, inside_f = 0, total_d = 0, total_f = 0;
    int differ = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            /* pixel centres are dyadic rationals: exact in both representations */
            double cr = x0 + (x1 - x0) * (x + 0.5) / W;
            double ci = y0 + (y1 - y0) * (y + 0.5) / H;
            int nd = escape_double(cr, ci);
            fixed fcr = (fixed)(cr * 1048576.0) * ((fixed)1 << (FRAC - 20));
            fixed fci = (fixed)(ci * 1048576.0) * ((fixed)1 << (FRAC - 20));
            int nf = escape_fixed(fcr, fci);
            iters_d[y][x] = (unsigned short)nd;
            iters_f[y][x] = (unsigned short)nf;
            inside_d += nd == MAX_ITER;
            inside_f += nf == MAX_ITER;
            total_d += nd;
            total_f += nf;
            differ += nd != nf;
        }
    for (int y = 0; y < H; y += 4) {
        char line[W / 2 + 1];
        for (int x = 0; x < W; x += 2) {
            int n = iters_f[y][x];
            line[x / 2] = n == MAX_ITER ? '#' : n > 20 ? '+' : n > 8 ? '-' : n > 4 ? '.' : ' ';
        }
        line[W / 2] = '\0';
        printf("|%s|\n", line);
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            checksum = checksum * 1000003u ^ iters_f[y][x];
    double area = (double)inside_f * (x1 - x0) * (y1 - y0) / (W * H);
    printf("fixed point:  %ld inside, %ld total iterations, area estimate %.4f\n", inside_f,
           total_f, area);
    /* the double results may legitimately differ on a few boundary pixels */
    printf("double vs fixed: %s\n",
           differ <= 32 && labs(inside_d - inside_f) <= 32 ? "consistent" : "INCONSISTENT");
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
