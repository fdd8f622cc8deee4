/* lu: LU decomposition with partial pivoting (Doolittle, in place, row
 * permutation vector), forward/back substitution, determinant via the
 * log-magnitude, matrix inverse and residual checks, plus Cholesky on a
 * symmetric positive-definite matrix. Results are printed rounded.
 * Part of the cgym-v0 benchmark suite. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 80

static double A[N][N], LU[N][N], INV[N][N], S[N][N], L[N][N];
static int perm[N];

static int lu_decompose(double a[N][N], int p[N], int *swaps)
{
    *swaps = 0;
    for (int i = 0; i < N; i++)
        p[i] = i;
    for (int k = 0; k < N; k++) {
        int piv = k;
        double best = fabs(a[k][k]);
        for (int i = k + 1; i < N; i++)
            if (fabs(a[i][k]) > best) {
                best = fabs(a[i][k]);
                piv = i;
            }
        if (best == 0.0)
            return 0;
        if (piv != k) {
            for (int j = 0; j < N; j++) {
                double t = a[k][j];
                a[k][j] = a[piv][j];
                a[piv][j] = t;
            }
            int t = p[k];
            p[k] = p[piv];
            p[piv] = t;
            ++*swaps;
        }
        for (int i = k + 1; i < N; i++) {
            double f = a[i][k] / a[k][k];
            a[i][k] = f;
            for (int j = k + 1; j < N; j++)
                a[i][j] -= f * a[k][j];
        }
    }
    return 1;
}

static void lu_solve(double lu[N][N], const int p[N], const double *b, double *x)
{
    double y[N];
    for (int i = 0; i < N; i++) {
        double s = b[p[i]];
        for (int j = 0; j < i; j++)
            s -= lu[i][j] * y[j];
        y[i] = s;
    }
    for (int i = N - 1; i >= 0; i--) {
        double s = y[i];
        for (int j = i + 1; j < N; j++)
            s -= lu[i][j] * x[j];
        x[i] = s / lu[i][i];
    }
}

static int cholesky(double s[N][N], double l[N][N])
{
    memset(l, 0, sizeof(double) * N * N);
    for (int j = 0; j < N; j++) {
        double d = s[j][j];
        for (int k = 0; k < j; k++)
            d -= l[j][k] * l[j][k];
        if (d <= 0)
            return 0;
        l[j][j] = sqrt(d);
        for (int i = j + 1; i < N; i++) {
            double v = s[i][j];
            for (int k = 0; k < j; k++)
                v -= l[i][k] * l[j][k];
            l[i][j] = v / l[j][j];
        }
    }
    return 1;
}

/* rounds to 6 decimals; prints no "-0.000000" */
static void print6(const char *label, double x)
{
    long long m = llround(x * 1e6);
    printf("%s%s%lld.%06lld\n", label, m < 0 ? "-" : "", (m < 0 ? -m : m) / 1000000,
           (m < 0 ? -m : m) % 1000000);
}

int main(void)
{
    uint32_t s = 31415926u;
    double x_true[N], b[N], x[N];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            A[i][j] = (double)((int)(s >> 22) - 512) / 64.0;
        }
        A[i][i] += 20.0;
        x_true[i] = (double)(i % 7) - 3.0;
    }
    for (int i = 0; i < N; i++) {
        b[i] = 0;
        for (int j = 0; j < N; j++)
            b[i] += A[i][j] * x_true[j];
    }
    memcpy(LU, A, sizeof A);
    int swaps;
    if (!lu_decompose(LU, perm, &swaps)) {
        printf("singular\n");
        return 1;
    }
    double logdet = 0;
    int sign = swaps % 2 ? -1 : 1;
    for (int i = 0; i < N; i++) {
        logdet += log10(fabs(LU[i][i]));
        if (LU[i][i] < 0)
            sign = -sign;
    }
    printf("row swaps %d, det sign %+d\n", swaps, sign);
    print6("log10|det| = ", logdet);
    lu_solve(LU, perm, b, x);
    double err = 0;
    uint32_t checksum = 0;
    for (int i = 0; i < N; i++) {
        err = fmax(err, fabs(x[i] - x_true[i]));
        checksum = checksum * 31u + (uint32_t)llround(x[i] * 1000.0);
    }
    printf("solution max error < 1e-9: %s\n", err < 1e-9 ? "yes" : "NO");

    /* inverse, column by column */
    for (int j = 0; j < N; j++) {
        double e[N], col[N];
        for (int i = 0; i < N; i++)
            e[i] = i == j ? 1.0 : 0.0;
        lu_solve(LU, perm, e, col);
        for (int i = 0; i < N; i++)
            INV[i][j] = col[i];
    }
    double worst = 0, tr = 0;
    for (int i = 0; i < N; i++) {
        tr += INV[i][i];
        for (int j = 0; j < N; j++) {
            double v = 0;
            for (int k = 0; k < N; k++)
                v += A[i][k] * INV[k][j];
            worst = fmax(worst, fabs(v - (i == j ? 1.0 : 0.0)));
        }
    }
    printf("|A*inv(A) - I| < 1e-12: %s\n", worst < 1e-12 ? "yes" : "NO");
    print6("trace(inv(A)) = ", tr);
    checksum ^= (uint32_t)llround(tr * 1e6);

    /* Cholesky of S = A^T A + I */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double v = i == j ? 1.0 : 0.0;
            for (int k = 0; k < N; k++)
                v += A[k][i] * A[k][j];
            S[i][j] = v;
        }
    int ok = cholesky(S, L);
    double logdet_s = 0;
    for (int i = 0; i < N && ok; i++)
        logdet_s += 2 * log10(L[i][i]);
    printf("cholesky %s\n", ok ? "ok" : "FAILED");
    print6("log10 det(A^T A + I) = ", logdet_s);
    print6("2*log10|det A| = ", 2 * logdet);
    checksum = checksum * 1000003u ^ (uint32_t)llround(logdet_s * 1000.0);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
