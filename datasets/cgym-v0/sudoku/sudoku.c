/* sudoku: generates Sudoku puzzles (random full grid by randomised
 * backtracking, then cell removal while the solution stays unique) and
 * solves them with bitmask candidate sets, the minimum-remaining-values
 * heuristic and solution counting. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    uint8_t cell[81];
    uint16_t row[9], col[9], box[9]; /* bit d set = digit d+1 used */
} board;

static unsigned long nodes;
static uint32_t rs = 1u;

static uint32_t rnd(void)
{
    rs = rs * 1103515245u + 12345u;
    return (rs >> 16) & 0x7FFFu;
}

static int box_of(int i) { return (i / 27) * 3 + (i % 9) / 3; }

static int popcount9(unsigned m)
{
    int c = 0;
    for (; m; m &= m - 1)
        c++;
    return c;
}

static void place(board *b, int i, int d)
{
    b->cell[i] = (uint8_t)d;
    uint16_t bit = (uint16_t)(1u << (d - 1));
    b->row[i / 9] |= bit;
    b->col[i % 9] |= bit;
    b->box[box_of(i)] |= bit;
}

static void unplace(board *b, int i)
{
    uint16_t bit = (uint16_t)(1u << (b->cell[i] - 1));
    b->row[i / 9] &= (uint16_t)~bit;
    b->col[i % 9] &= (uint16_t)~bit;
    b->box[box_of(i)] &= (uint16_t)~bit;
    b->cell[i] = 0;
}

static int load(board *b, const uint8_t *cells)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < 81; i++)
        if (cells[i]) {
            unsigned bit = 1u << (cells[i] - 1);
            if ((b->row[i / 9] | b->col[i % 9] | b->box[box_of(i)]) & bit)
                return 0;
            place(b, i, cells[i]);
        }
    return 1;
}

/* counts solutions up to 'limit'; with shuffle!=0 tries digits randomly
 * (used to generate full grids). The first solution found is kept in *out. */
static int solve(board *b, int limit, int shuffle, board *out)
{
    nodes++;
    int best = -1, best_count = 10;
    unsigned best_mask = 0;
    for (int i = 0; i < 81; i++) {
        if (b->cell[i])
            continue;
        unsigned mask = ~(unsigned)(b->row[i / 9] | b->col[i % 9] | b->box[box_of(i)]) & 0x1FFu;
        int c = popcount9(mask);
        if (c < best_count) {
            best = i;
            best_count = c;
            best_mask = mask;
            if (c <= 1)
                break;
        }
    }
    if (best < 0) {
        if (out)
            *out = *b;
        return 1;
    }
    if (best_count == 0)
        return 0;
    int digits[9], n = 0;
    for (int d = 1; d <= 9; d++)
        if (best_mask & (1u << (d - 1)))
            digits[n++] = d;
    if (shuffle)
        for (int k = n - 1; k > 0; k--) {
            int j = (int)(rnd() % (uint32_t)(k + 1));
            int t = digits[k];
            digits[k] = digits[j];
            digits[j] = t;
        }
    int found = 0;
    for (int k = 0; k < n && found < limit; k++) {
        place(b, best, digits[k]);
        found += solve(b, limit - found, shuffle, found == 0 ? out : NULL);
        unplace(b, best);
    }
    return found;
}

static void print_grid(const uint8_t *c)
{
    for (int r = 0; r < 9; r++) {
        printf("  ");
        for (int k = 0; k < 9; k++)
            printf("%c%s", c[r * 9 + k] ? '0' + c[r * 9 + k] : '.',
                   k == 8 ? "" : k == 2 || k == 5 ? " | " : " ");
        printf("\n");
        if (r == 2 || r == 5)
            printf("  ------+-------+------\n");
    }
}

int main(void)
{
    uint32_t checksum = 0;
    unsigned long gen_nodes = 0, solve_nodes = 0;
    for (int p = 0; p < 4; p++) {
        board b, full, sol;
        memset(&b, 0, sizeof b);
        nodes = 0;
        solve(&b, 1, 1, &full);
        uint8_t puzzle[81];
        memcpy(puzzle, full.cell, 81);
        /* remove cells in random order, keeping uniqueness */
        int order[81];
        for (int i = 0; i < 81; i++)
            order[i] = i;
        for (int k = 80; k > 0; k--) {
            int j = (int)(rnd() % (uint32_t)(k + 1));
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        int clues = 81;
        for (int k = 0; k < 81; k++) {
            int i = order[k];
            uint8_t saved = puzzle[i];
            puzzle[i] = 0;
            load(&b, puzzle);
            if (solve(&b, 2, 0, NULL) != 1)
                puzzle[i] = saved;
            else
                clues--;
        }
        gen_nodes += nodes;
        nodes = 0;
        load(&b, puzzle);
        int count = solve(&b, 2, 0, &sol);
        solve_nodes += nodes;
        int matches = memcmp(sol.cell, full.cell, 81) == 0;
        printf("puzzle %d: %d clues, solutions %d, matches generator: %s, search nodes %lu\n", p,
               clues, count, matches ? "yes" : "no", nodes);
        if (p == 0)
            print_grid(puzzle);
        for (int i = 0; i < 81; i++)
            checksum = checksum * 11u + puzzle[i];
    }
    /* an invalid grid (duplicate in a row) must be rejected */
    uint8_t bad[81] = {5, 0, 0, 0, 0, 0, 0, 0, 5};
    board b;
    printf("invalid grid rejected: %s\n", load(&b, bad) ? "no" : "yes");
    printf("generation nodes %lu, final solve nodes %lu\n", gen_nodes, solve_nodes);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
