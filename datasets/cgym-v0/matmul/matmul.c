/* matmul: dense matrix multiplication in several loop orders (ijk, ikj,
 * cache-blocked, via transpose) on integer-valued doubles (exact, so all
 * variants must agree bit for bit), plus wrap-around uint32 matrix products
 * and matrix exponentiation by squaring. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 96
#define BLK 16

typedef double mat[N][N];

static mat A, B, C1, C2, C3, C4, T;

static void mul_ijk(mat a, mat b, mat c)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static void mul_ikj(mat a, mat b, mat c)
{
    memset(c, 0, sizeof(mat));
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++)
                c[i][j] += aik * b[k][j];
        }
}

static void mul_blocked(mat a, mat b, mat c)
{
    memset(c, 0, sizeof(mat));
    for (int ii = 0; ii < N; ii += BLK)
        for (int kk = 0; kk < N; kk += BLK)
            for (int jj = 0; jj < N; jj += BLK)
                for (int i = ii; i < ii + BLK; i++)
                    for (int k = kk; k < kk + BLK; k++)
                        for (int j = jj; j < jj + BLK; j++)
                            c[i][j] += a[i][k] * b[k][j];
}

static void mul_transposed(mat a, mat b, mat c)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            T[j][i] = b[i][j];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * T[j][k];
            c[i][j] = s;
        }
}

#define M 32
static void umul(uint32_t a[M][M], uint32_t b[M][M], uint32_t c[M][M])
{
    uint32_t tmp[M][M];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            uint32_t s = 0;
            for (int k = 0; k < M; k++)
                s += a[i][k] * b[k][j];
            tmp[i][j] = s;
        }
    memcpy(c, tmp, sizeof tmp);
}

static void upow(uint32_t a[M][M], uint64_t e, uint32_t r[M][M])
{
    uint32_t base[M][M];
    memcpy(base, a, sizeof base);
    memset(r, 0, sizeof base);
    for (int i = 0; i < M; i++)
        r[i][i] = 1;
    while (e) {
        if (e & 1)
            umul(r, base, r);
        umul(base, base, base);
        e >>= 1;
    }
}

static uint32_t hash_mat(mat c)
{
    uint32_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h = h * 31u + (uint32_t)(int64_t)c[i][j];
    return h;
}

int main(void)
{
    uint32_t s = 2024u;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            A[i][j] = (double)((int)(s >> 24) - 128);
            s = s * 1664525u + 1013904223u;
            B[i][j] = (double)((int)(s >> 25) - 64);
        }
    mul_ijk(A, B, C1);
    mul_ikj(A, B, C2);
    mul_blocked(A, B, C3);
    mul_transposed(A, B, C4);
    int same = memcmp(C1, C2, sizeof(mat)) == 0 && memcmp(C1, C3, sizeof(mat)) == 0 &&
               memcmp(C1, C4, sizeof(mat)) == 0;
    double trace = 0, maxabs = 0;
    for (int i = 0; i < N; i++) {
        trace += C1[i][i];
        for (int j = 0; j < N; j++)
            if (C1[i][j] > maxabs || -C1[i][j] > maxabs)
                maxabs = C1[i][j] < 0 ? -C1[i][j] : C1[i][j];
    }
    uint32_t checksum = hash_mat(C1);
    printf("double %dx%d: variants agree: %s, trace %.0f, max |c| %.0f, hash %08x\n", N, N,
           same ? "yes" : "NO", trace, maxabs, (unsigned)checksum);
    /* (A*B)*A vs A*(B*A) exact associativity on integers */
    mul_ikj(C1, A, C2);
    mul_ikj(B, A, C3);
    mul_ikj(A, C3, C4);
    printf("associativity exact: %s\n", memcmp(C2, C4, sizeof(mat)) == 0 ? "yes" : "NO");
    checksum ^= hash_mat(C2);

    /* Fibonacci-like companion matrix power, wrap-around arithmetic */
    static uint32_t F[M][M], R[M][M], R2[M][M];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++)
            F[i][j] = (i == 0) ? 1u : (j == i - 1);
    upow(F, 1000, R);
    printf("companion^1000: R[0][0]=%u R[M-1][0]=%u\n", (unsigned)R[0][0], (unsigned)R[M - 1][0]);
    upow(F, 500, R2);
    umul(R2, R2, R2);
    printf("(F^500)^2 == F^1000: %s\n", memcmp(R, R2, sizeof R) == 0 ? "yes" : "NO");
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++)
            checksum = checksum * 16777619u ^ R[i][j];
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
