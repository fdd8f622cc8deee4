/* crc32: CRC-32 (IEEE 802.3, reflected) and CRC-32C (Castagnoli) computed
 * bit-by-bit, with a 256-entry table, and with slicing-by-4 tables.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BUF_LEN 65536u

static uint32_t table_ieee[4][256];
static uint32_t table_castagnoli[256];
static unsigned char buffer[BUF_LEN];

static uint32_t lcg_state = 20240601u;

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

static uint32_t crc_bitwise(uint32_t poly, const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            if (crc & 1u)
                crc = (crc >> 1) ^ poly;
            else
                crc >>= 1;
        }
    }
    return crc ^ 0xFFFFFFFFu;
}

static void build_table(uint32_t poly, uint32_t *table)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ poly : (c >> 1);
        table[i] = c;
    }
}

static void build_slicing_tables(void)
{
    build_table(0xEDB88320u, table_ieee[0]);
    for (int t = 1; t < 4; t++)
        for (int i = 0; i < 256; i++) {
            uint32_t prev = table_ieee[t - 1][i];
            table_ieee[t][i] = (prev >> 8) ^ table_ieee[0][prev & 0xFFu];
        }
}

static uint32_t crc_update_table(const uint32_t *table, uint32_t crc,
                                 const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFFu];
    return crc;
}

static uint32_t crc_table(const uint32_t *table, const unsigned char *p, size_t n)
{
    return crc_update_table(table, 0xFFFFFFFFu, p, n) ^ 0xFFFFFFFFu;
}

static uint32_t crc_slice4(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    while (n >= 4) {
        uint32_t word = (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
                        ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        crc ^= word;
        crc = table_ieee[3][crc & 0xFFu] ^ table_ieee[2][(crc >> 8) & 0xFFu] ^
              table_ieee[1][(crc >> 16) & 0xFFu] ^ table_ieee[0][crc >> 24];
        p += 4;
        n -= 4;
    }
    return crc_update_table(table_ieee[0], crc, p, n) ^ 0xFFFFFFFFu;
}

int main(void)
{
    const char *check = "123456789";
    size_t check_len = strlen(check);
    build_slicing_tables();
    build_table(0x82F63B78u, table_castagnoli);

    printf("crc32(\"123456789\")  = %08x\n",
           (unsigned)crc_table(table_ieee[0], (const unsigned char *)check, check_len));
    printf("crc32c(\"123456789\") = %08x\n",
           (unsigned)crc_table(table_castagnoli, (const unsigned char *)check, check_len));

    for (size_t i = 0; i < BUF_LEN; i++)
        buffer[i] = (unsigned char)(lcg_next() & 0xFFu);

    uint32_t slow = crc_bitwise(0xEDB88320u, buffer, 4096);
    uint32_t fast = crc_table(table_ieee[0], buffer, 4096);
    printf("bitwise vs table on 4096 bytes: %s\n", slow == fast ? "match" : "MISMATCH");

    uint32_t checksum = 0;
    int mismatches = 0;
    for (size_t len = 1; len <= BUF_LEN; len = len * 2 + 3) {
        size_t off = (len * 7u) % 61u;
        if (off + len > BUF_LEN)
            len = BUF_LEN - off;
        uint32_t a = crc_table(table_ieee[0], buffer + off, len);
        uint32_t b = crc_slice4(buffer + off, len);
        uint32_t c = crc_table(table_castagnoli, buffer + off, len);
        if (a != b)
            mismatches++;
        printf("len %5u: crc32 %08x crc32c %08x\n", (unsigned)len, (unsigned)a, (unsigned)c);
        checksum = (checksum << 5 | checksum >> 27) ^ a ^ (c * 2654435761u);
    }
    /* incremental update over the whole buffer in odd-sized pieces */
    uint32_t running = 0xFFFFFFFFu;
    size_t pos = 0, step = 1;
    while (pos < BUF_LEN) {
        size_t take = step;
        if (take > BUF_LEN - pos)
            take = BUF_LEN - pos;
        running = crc_update_table(table_ieee[0], running, buffer + pos, take);
        pos += take;
        step = step * 3 + 1;
    }
    running ^= 0xFFFFFFFFu;
    printf("incremental == one-shot: %s\n",
           running == crc_slice4(buffer, BUF_LEN) ? "yes" : "NO");
    printf("slicing mismatches: %d\n", mismatches);
    checksum ^= running;
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
