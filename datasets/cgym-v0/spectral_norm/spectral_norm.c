/* spectral_norm: the largest singular value of the infinite matrix
 * a(i,j) = 1/((i+j)(i+j+1)/2 + i + 1), truncated to n x n, by power
 * iteration on A^T A (matrix-free products), for several n; also the
 * Rayleigh quotient convergence history. Printed rounded to 9 digits.
 * Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static double entry(int i, int j)
{
    long d = (long)(i + j) * (i + j + 1) / 2 + i + 1;
    return 1.0 / (double)d;
}

static void mul_a(const double *v, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += entry(i, j) * v[j];
        out[i] = s;
    }
}

static void mul_at(const double *v, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += entry(j, i) * v[j];
        out[i] = s;
    }
}

static void mul_ata(const double *v, double *out, double *tmp, int n)
{
    mul_a(v, tmp, n);
    mul_at(tmp, out, n);
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static void print9(const char *label, double x)
{
    long long m = llround(x * 1e9);
    printf("%s%lld.%09lld\n", label, m / 1000000000LL, m % 1000000000LL);
}

int main(void)
{
    static const int sizes[] = {10, 50, 100, 200};
    uint32_t checksum = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        double *u = malloc((size_t)n * sizeof *u), *v = malloc((size_t)n * sizeof *v),
               *tmp = malloc((size_t)n * sizeof *tmp);
        if (!u || !v || !tmp)
            return 1;
        for (int i = 0; i < n; i++)
            u[i] = 1.0;
        double prev = 0.0;
        int converged_at = -1;
        for (int it = 0; it < 10; it++) {
            mul_ata(u, v, tmp, n);
            mul_ata(v, u, tmp, n);
            double est = sqrt(dot(u, v, n) / dot(v, v, n));
            if (converged_at < 0 && fabs(est - prev) < 1e-10)
                converged_at = it;
            prev = est;
        }
        double norm = sqrt(dot(u, v, n) / dot(v, v, n));
        printf("n=%3d converged after %d iterations, ", n, converged_at);
        print9("spectral norm ", norm);
        checksum = checksum * 1000003u + (uint32_t)llround(norm * 1e8);
        free(u);
        free(v);
        free(tmp);
    }
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
