/* string_search: counts all occurrences of many patterns in a generated
 * text with Knuth-Morris-Pratt, Boyer-Moore-Horspool, Rabin-Karp and a naive
 * scan, and checks that all four agree. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_LEN 60000
#define MAX_PAT 32

static char text[TEXT_LEN + 1];

static uint32_t st = 0xC0FFEEu;
static uint32_t rnd(void)
{
    st ^= st << 13;
    st ^= st >> 17;
    st ^= st << 5;
    return st;
}

static unsigned naive_count(const char *t, size_t n, const char *p, size_t m)
{
    unsigned c = 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && t[i + j] == p[j])
            j++;
        c += j == m;
    }
    return c;
}

static unsigned kmp_count(const char *t, size_t n, const char *p, size_t m)
{
    size_t fail[MAX_PAT];
    fail[0] = 0;
    for (size_t i = 1, k = 0; i < m; i++) {
        while (k > 0 && p[i] != p[k])
            k = fail[k - 1];
        if (p[i] == p[k])
            k++;
        fail[i] = k;
    }
    unsigned c = 0;
    for (size_t i = 0, k = 0; i < n; i++) {
        while (k > 0 && t[i] != p[k])
            k = fail[k - 1];
        if (t[i] == p[k])
            k++;
        if (k == m) {
            c++;
            k = fail[k - 1];
        }
    }
    return c;
}

static unsigned horspool_count(const char *t, size_t n, const char *p, size_t m)
{
    size_t shift[256];
    for (int i = 0; i < 256; i++)
        shift[i] = m;
    for (size_t i = 0; i + 1 < m; i++)
        shift[(unsigned char)p[i]] = m - 1 - i;
    unsigned c = 0;
    size_t pos = 0;
    while (pos + m <= n) {
        size_t j = m;
        while (j > 0 && t[pos + j - 1] == p[j - 1])
            j--;
        if (j == 0)
            c++;
        pos += shift[(unsigned char)t[pos + m - 1]];
    }
    return c;
}

static unsigned rabin_karp_count(const char *t, size_t n, const char *p, size_t m)
{
    const uint32_t base = 257u;
    uint32_t hp = 0, ht = 0, pow = 1;
    if (m > n)
        return 0;
    for (size_t i = 0; i < m; i++) {
        hp = hp * base + (unsigned char)p[i];
        ht = ht * base + (unsigned char)t[i];
        if (i + 1 < m)
            pow *= base;
    }
    unsigned c = 0;
    for (size_t i = 0;; i++) {
        if (hp == ht && memcmp(t + i, p, m) == 0)
            c++;
        if (i + m >= n)
            break;
        ht = (ht - (unsigned char)t[i] * pow) * base + (unsigned char)t[i + m];
    }
    return c;
}

int main(void)
{
    /* text over a small alphabet with repeated "words" to create matches */
    static const char *const words[] = {"abra", "cad", "abracadabra", "aab", "ba", "ca", "dab"};
    size_t len = 0;
    while (len < TEXT_LEN) {
        if (rnd() % 4u == 0) {
            const char *w = words[rnd() % 7u];
            while (*w && len < TEXT_LEN)
                text[len++] = *w++;
        } else {
            text[len++] = (char)('a' + rnd() % 4u);
        }
    }
    text[TEXT_LEN] = '\0';

    uint32_t checksum = 0;
    unsigned disagreements = 0, total = 0;
    char pat[MAX_PAT + 1];
    for (int q = 0; q < 60; q++) {
        size_t m;
        if (q < 7) {
            m = strlen(words[q]);
            memcpy(pat, words[q], m + 1);
        } else {
            m = 1 + rnd() % 12u;
            size_t at = rnd() % (TEXT_LEN - m);
            memcpy(pat, text + at, m);
            pat[m] = '\0';
            if (q % 5 == 0)
                pat[m / 2] = 'e'; /* absent letter: no matches */
        }
        unsigned a = naive_count(text, TEXT_LEN, pat, m);
        unsigned b = kmp_count(text, TEXT_LEN, pat, m);
        unsigned c = horspool_count(text, TEXT_LEN, pat, m);
        unsigned d = rabin_karp_count(text, TEXT_LEN, pat, m);
        if (a != b || a != c || a != d)
            disagreements++;
        if (q < 12)
            printf("%-14s %6u\n", pat, a);
        total += a;
        checksum = checksum * 2654435761u + a;
    }
    printf("total matches %u, disagreements %u\n", total, disagreements);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
