/* regex: a small regular-expression engine. Patterns (literals, '.',
 * [classes] with ranges and negation, escapes, ^ $, * + ?, |, groups) are
 * parsed into an AST, compiled to a tiny instruction set and executed both
 * by a Pike VM (parallel threads, leftmost-first priority) and by a
 * memoising backtracker; the two must report the same match spans.
 * Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_kind { N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_CAT, N_ALT, N_STAR, N_PLUS, N_QUEST, N_EMPTY };
enum op { OP_CHAR, OP_ANY, OP_CLASS, OP_BOL, OP_EOL, OP_SPLIT, OP_JMP, OP_MATCH };

#define MAX_NODES 256
#define MAX_CLASSES 16
#define MAX_PROG 512
#define MAX_TEXT 128

typedef struct {
    enum node_kind kind;
    int a, b; /* children or character / class index */
} node;

typedef struct {
    enum op op;
    int x, y;
} inst;

typedef struct {
    node nodes[MAX_NODES];
    int nnodes;
    unsigned char classes[MAX_CLASSES][32];
    int nclasses;
    inst prog[MAX_PROG];
    int nprog;
    const char *src;
    int pos;
    int error;
} regex;

static int new_node(regex *re, enum node_kind k, int a, int b)
{
    if (re->nnodes >= MAX_NODES) {
        re->error = 1;
        return 0;
    }
    re->nodes[re->nnodes].kind = k;
    re->nodes[re->nnodes].a = a;
    re->nodes[re->nnodes].b = b;
    return re->nnodes++;
}

static int parse_alt(regex *re);

static void class_set(unsigned char *set, int c) { set[c >> 3] |= (unsigned char)(1u << (c & 7)); }
static int class_has(const unsigned char *set, int c) { return (set[c >> 3] >> (c & 7)) & 1; }

static int parse_class(regex *re)
{
    if (re->nclasses >= MAX_CLASSES) {
        re->error = 1;
        return 0;
    }
    int idx = re->nclasses++;
    unsigned char *set = re->classes[idx];
    memset(set, 0, 32);
    int negate = 0;
    if (re->src[re->pos] == '^') {
        negate = 1;
        re->pos++;
    }
    int first = 1;
    while (re->src[re->pos] && (first || re->src[re->pos] != ']')) {
        int lo = (unsigned char)re->src[re->pos++];
        if (lo == '\\' && re->src[re->pos])
            lo = (unsigned char)re->src[re->pos++];
        int hi = lo;
        if (re->src[re->pos] == '-' && re->src[re->pos + 1] && re->src[re->pos + 1] != ']') {
            hi = (unsigned char)re->src[re->pos + 1];
            re->pos += 2;
        }
        for (int c = lo; c <= hi; c++)
            class_set(set, c);
        first = 0;
    }
    if (re->src[re->pos] != ']') {
        re->error = 1;
        return 0;
    }
    re->pos++;
    if (negate)
        for (int i = 0; i < 32; i++)
            set[i] = (unsigned char)~set[i];
    return new_node(re, N_CLASS, idx, 0);
}

static int parse_atom(regex *re)
{
    char c = re->src[re->pos];
    switch (c) {
    case '(': {
        re->pos++;
        int n = parse_alt(re);
        if (re->src[re->pos] != ')') {
            re->error = 1;
            return n;
        }
        re->pos++;
        return n;
    }
    case '.':
        re->pos++;
        return new_node(re, N_ANY, 0, 0);
    case '[':
        re->pos++;
        return parse_class(re);
    case '^':
        re->pos++;
        return new_node(re, N_BOL, 0, 0);
    case '$':
        re->pos++;
        return new_node(re, N_EOL, 0, 0);
    case '\\':
        re->pos++;
        if (!re->src[re->pos]) {
            re->error = 1;
            return 0;
        }
        return new_node(re, N_CHAR, (unsigned char)re->src[re->pos++], 0);
    default:
        re->pos++;
        return new_node(re, N_CHAR, (unsigned char)c, 0);
    }
}

static int parse_repeat(regex *re)
{
    int n = parse_atom(re);
    for (;;) {
        char c = re->src[re->pos];
        if (c == '*')
            n = new_node(re, N_STAR, n, 0);
        else if (c == '+')
            n = new_node(re, N_PLUS, n, 0);
        else if (c == '?')
            n = new_node(re, N_QUEST, n, 0);
        else
            return n;
        re->pos++;
    }
}

static int parse_concat(regex *re)
{
    int n = -1;
    while (re->src[re->pos] && re->src[re->pos] != '|' && re->src[re->pos] != ')') {
        int r = parse_repeat(re);
        n = n < 0 ? r : new_node(re, N_CAT, n, r);
    }
    return n < 0 ? new_node(re, N_EMPTY, 0, 0) : n;
}

static int parse_alt(regex *re)
{
    int n = parse_concat(re);
    while (re->src[re->pos] == '|') {
        re->pos++;
        int r = parse_concat(re);
        n = new_node(re, N_ALT, n, r);
    }
    return n;
}

static int emit(regex *re, enum op op, int x, int y)
{
    if (re->nprog >= MAX_PROG) {
        re->error = 1;
        return MAX_PROG - 1;
    }
    re->prog[re->nprog].op = op;
    re->prog[re->nprog].x = x;
    re->prog[re->nprog].y = y;
    return re->nprog++;
}

static void gen(regex *re, int n)
{
    const node *nd = &re->nodes[n];
    int split, jmp;
    switch (nd->kind) {
    case N_CHAR: emit(re, OP_CHAR, nd->a, 0); break;
    case N_ANY: emit(re, OP_ANY, 0, 0); break;
    case N_CLASS: emit(re, OP_CLASS, nd->a, 0); break;
    case N_BOL: emit(re, OP_BOL, 0, 0); break;
    case N_EOL: emit(re, OP_EOL, 0, 0); break;
    case N_EMPTY: break;
    case N_CAT:
        gen(re, nd->a);
        gen(re, nd->b);
        break;
    case N_ALT:
        split = emit(re, OP_SPLIT, 0, 0);
        re->prog[split].x = re->nprog;
        gen(re, nd->a);
        jmp = emit(re, OP_JMP, 0, 0);
        re->prog[split].y = re->nprog;
        gen(re, nd->b);
        re->prog[jmp].x = re->nprog;
        break;
    case N_STAR:
        split = emit(re, OP_SPLIT, 0, 0);
        re->prog[split].x = re->nprog;
        gen(re, nd->a);
        emit(re, OP_JMP, split, 0);
        re->prog[split].y = re->nprog;
        break;
    case N_PLUS: {
        int start = re->nprog;
        gen(re, nd->a);
        emit(re, OP_SPLIT, start, re->nprog + 1);
        break;
    }
    case N_QUEST:
        split = emit(re, OP_SPLIT, 0, 0);
        re->prog[split].x = re->nprog;
        gen(re, nd->a);
        re->prog[split].y = re->nprog;
        break;
    }
}

static int compile(regex *re, const char *pattern)
{
    memset(re, 0, sizeof *re);
    re->src = pattern;
    int root = parse_alt(re);
    if (re->src[re->pos] != '\0')
        re->error = 1;
    if (re->error)
        return 0;
    gen(re, root);
    emit(re, OP_MATCH, 0, 0);
    return !re->error;
}

/* ---- Pike VM ---- */
typedef struct {
    int pc[MAX_PROG];
    int start[MAX_PROG];
    int n;
} thread_list;

static int mark[MAX_PROG];
static int generation;

static void add_thread(const regex *re, thread_list *l, int pc, int start, int pos, int len)
{
    if (mark[pc] == generation)
        return;
    mark[pc] = generation;
    const inst *in = &re->prog[pc];
    switch (in->op) {
    case OP_JMP: add_thread(re, l, in->x, start, pos, len); return;
    case OP_SPLIT:
        add_thread(re, l, in->x, start, pos, len);
        add_thread(re, l, in->y, start, pos, len);
        return;
    case OP_BOL:
        if (pos == 0)
            add_thread(re, l, pc + 1, start, pos, len);
        return;
    case OP_EOL:
        if (pos == len)
            add_thread(re, l, pc + 1, start, pos, len);
        return;
    default:
        l->pc[l->n] = pc;
        l->start[l->n] = start;
        l->n++;
    }
}

static int pike_search(const regex *re, const char *s, int len, int *mstart, int *mend)
{
    static thread_list lists[2];
    thread_list *cur = &lists[0], *next = &lists[1];
    int matched = 0;
    cur->n = 0;
    for (int pos = 0; pos <= len; pos++) {
        if (!matched) {
            if (cur->n == 0)
                generation++; /* fresh step: no threads yet at this position */
            add_thread(re, cur, 0, pos, pos, len);
        }
        if (cur->n == 0)
            break;
        generation++;
        next->n = 0;
        int c = pos < len ? (unsigned char)s[pos] : -1;
        for (int t = 0; t < cur->n; t++) {
            const inst *in = &re->prog[cur->pc[t]];
            int ok = 0;
            switch (in->op) {
            case OP_CHAR: ok = c == in->x; break;
            case OP_ANY: ok = c >= 0; break;
            case OP_CLASS: ok = c >= 0 && class_has(re->classes[in->x], c); break;
            case OP_MATCH:
                matched = 1;
                *mstart = cur->start[t];
                *mend = pos;
                t = cur->n; /* cut lower-priority threads */
                continue;
            default: break;
            }
            if (ok)
                add_thread(re, next, cur->pc[t] + 1, cur->start[t], pos + 1, len);
        }
        thread_list *tmp = cur;
        cur = next;
        next = tmp;
    }
    return matched;
}

/* ---- memoising backtracker ---- */
static unsigned char visited[MAX_PROG][MAX_TEXT + 1];

static int backtrack(const regex *re, const char *s, int len, int pc, int pos)
{
    for (;;) {
        if (visited[pc][pos])
            return -1;
        visited[pc][pos] = 1;
        const inst *in = &re->prog[pc];
        int c = pos < len ? (unsigned char)s[pos] : -1;
        switch (in->op) {
        case OP_CHAR:
            if (c != in->x)
                return -1;
            pc++;
            pos++;
            break;
        case OP_ANY:
            if (c < 0)
                return -1;
            pc++;
            pos++;
            break;
        case OP_CLASS:
            if (c < 0 || !class_has(re->classes[in->x], c))
                return -1;
            pc++;
            pos++;
            break;
        case OP_BOL:
            if (pos != 0)
                return -1;
            pc++;
            break;
        case OP_EOL:
            if (pos != len)
                return -1;
            pc++;
            break;
        case OP_JMP: pc = in->x; break;
        case OP_SPLIT: {
            int r = backtrack(re, s, len, in->x, pos);
            if (r >= 0)
                return r;
            pc = in->y;
            break;
        }
        case OP_MATCH: return pos;
        }
    }
}

static int bt_search(const regex *re, const char *s, int len, int *mstart, int *mend)
{
    for (int pc = 0; pc < re->nprog; pc++)
        memset(visited[pc], 0, (size_t)len + 1);
    for (int start = 0; start <= len; start++) {
        int end = backtrack(re, s, len, 0, start);
        if (end >= 0) {
            *mstart = start;
            *mend = end;
            return 1;
        }
    }
    return 0;
}

static uint32_t rs = 1234567u;
static uint32_t rnd(void)
{
    rs = rs * 1664525u + 1013904223u;
    return rs >> 9;
}

int main(void)
{
    static const char *const patterns[] = {
        "abc", "a.c", "^ab", "cd$", "a*b+c", "(ab|cd)+e", "[a-c]+d", "[^abc]x?y",
        "^(a|b)*$", "x(yz)*x", "((a|e)b?c)+", "d\\.e", "(a*)*b", "z?z?z?zzz", "[xyz][0-9]+",
        "(ab|a)(bc|c)d", "^.*e.*e", "b(c|d|e)*a$"};
    const int npat = (int)(sizeof patterns / sizeof patterns[0]);
    static const char alphabet[] = "abcdexyz.0123";
    static char lines[400][MAX_TEXT];
    static int lens[400];
    for (int i = 0; i < 400; i++) {
        int len = 1 + (int)(rnd() % 60u);
        for (int k = 0; k < len; k++)
            lines[i][k] = alphabet[rnd() % (i % 2 ? 13u : 5u)];
        lines[i][len] = '\0';
        lens[i] = len;
    }
    static regex re;
    uint32_t checksum = 0;
    int disagreements = 0;
    for (int p = 0; p < npat; p++) {
        if (!compile(&re, patterns[p])) {
            printf("%-16s compile error\n", patterns[p]);
            continue;
        }
        int hits = 0;
        long span_sum = 0;
        for (int i = 0; i < 400; i++) {
            int s1 = -1, e1 = -1, s2 = -1, e2 = -1;
            int m1 = pike_search(&re, lines[i], lens[i], &s1, &e1);
            int m2 = bt_search(&re, lines[i], lens[i], &s2, &e2);
            if (m1 != m2 || (m1 && (s1 != s2 || e1 != e2)))
                disagreements++;
            if (m1) {
                hits++;
                span_sum += e1 - s1;
                checksum = checksum * 31u + (uint32_t)(s1 * 64 + e1);
            }
        }
        printf("%-16s %3d insts, %3d lines match, total span %ld\n", patterns[p], re.nprog, hits,
               span_sum);
    }
    printf("bad pattern \"(ab\" rejected: %s\n", compile(&re, "(ab") ? "no" : "yes");
    printf("disagreements: %d\n", disagreements);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
