/* expr_parser: a tokenizer and precedence-climbing parser for integer
 * expressions (+ - * / % ** << >> & | ^ ~ !, comparisons, && ||, ?:,
 * variables, function calls min/max/abs/gcd/clamp) into an AST, with an
 * evaluator using wrap-around 64-bit arithmetic, constant folding,
 * fully-parenthesised and RPN printers, and parse/print round trips of
 * randomly generated expressions. Part of the cgym-v0 benchmark suite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- values: wrap-around 64-bit arithmetic ---------------- */
static int64_t to_i64(uint64_t u)
{
    if (u <= (uint64_t)INT64_MAX)
        return (int64_t)u;
    return -(int64_t)(~u) - 1;
}

static int64_t w_add(int64_t a, int64_t b) { return to_i64((uint64_t)a + (uint64_t)b); }
static int64_t w_sub(int64_t a, int64_t b) { return to_i64((uint64_t)a - (uint64_t)b); }
static int64_t w_mul(int64_t a, int64_t b) { return to_i64((uint64_t)a * (uint64_t)b); }
static int64_t w_neg(int64_t a) { return to_i64(0u - (uint64_t)a); }

/* ---------------- tokens ---------------- */
typedef enum {
    T_NUM, T_IDENT, T_LPAREN, T_RPAREN, T_COMMA, T_QUESTION, T_COLON,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_POW, T_SHL, T_SHR,
    T_AMP, T_PIPE, T_CARET, T_TILDE, T_BANG, T_LT, T_LE, T_GT, T_GE,
    T_EQ, T_NE, T_ANDAND, T_OROR, T_END, T_ERROR
} tok_kind;

typedef struct {
    tok_kind kind;
    int64_t num;
    char name[16];
} token;

typedef struct {
    const char *src;
    size_t pos;
    token cur;
} lexer;

static void next_token(lexer *lx)
{
    const char *s = lx->src;
    while (s[lx->pos] == ' ' || s[lx->pos] == '\t')
        lx->pos++;
    token *t = &lx->cur;
    char c = s[lx->pos];
    if (c == '\0') {
        t->kind = T_END;
        return;
    }
    if (c >= '0' && c <= '9') {
        uint64_t v = 0;
        while (s[lx->pos] >= '0' && s[lx->pos] <= '9')
            v = v * 10u + (uint64_t)(s[lx->pos++] - '0');
        t->kind = T_NUM;
        t->num = to_i64(v);
        return;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
        size_t n = 0;
        while ((s[lx->pos] >= 'a' && s[lx->pos] <= 'z') || (s[lx->pos] >= 'A' && s[lx->pos] <= 'Z') ||
               (s[lx->pos] >= '0' && s[lx->pos] <= '9') || s[lx->pos] == '_') {
            if (n < sizeof t->name - 1)
                t->name[n++] = s[lx->pos];
            lx->pos++;
        }
        t->name[n] = '\0';
        t->kind = T_IDENT;
        return;
    }
    char d = s[lx->pos + 1];
    lx->pos++;
    switch (c) {
    case '(': t->kind = T_LPAREN; return;
    case ')': t->kind = T_RPAREN; return;
    case ',': t->kind = T_COMMA; return;
    case '?': t->kind = T_QUESTION; return;
    case ':': t->kind = T_COLON; return;
    case '+': t->kind = T_PLUS; return;
    case '-': t->kind = T_MINUS; return;
    case '/': t->kind = T_SLASH; return;
    case '%': t->kind = T_PERCENT; return;
    case '^': t->kind = T_CARET; return;
    case '~': t->kind = T_TILDE; return;
    case '*':
        if (d == '*') {
            lx->pos++;
            t->kind = T_POW;
        } else
            t->kind = T_STAR;
        return;
    case '<':
        if (d == '<') { lx->pos++; t->kind = T_SHL; }
        else if (d == '=') { lx->pos++; t->kind = T_LE; }
        else t->kind = T_LT;
        return;
    case '>':
        if (d == '>') { lx->pos++; t->kind = T_SHR; }
        else if (d == '=') { lx->pos++; t->kind = T_GE; }
        else t->kind = T_GT;
        return;
    case '=':
        if (d == '=') { lx->pos++; t->kind = T_EQ; }
        else t->kind = T_ERROR;
        return;
    case '!':
        if (d == '=') { lx->pos++; t->kind = T_NE; }
        else t->kind = T_BANG;
        return;
    case '&':
        if (d == '&') { lx->pos++; t->kind = T_ANDAND; }
        else t->kind = T_AMP;
        return;
    case '|':
        if (d == '|') { lx->pos++; t->kind = T_OROR; }
        else t->kind = T_PIPE;
        return;
    default: t->kind = T_ERROR; return;
    }
}

/* ---------------- AST ---------------- */
typedef enum { E_NUM, E_VAR, E_UNARY, E_BINARY, E_COND, E_CALL } expr_kind;

typedef struct expr {
    expr_kind kind;
    tok_kind op;
    int64_t num;
    int var;        /* index for E_VAR, function id for E_CALL */
    int nargs;
    struct expr *kid[3];
} expr;

static const char *const var_names[] = {"x", "y", "z", "n"};
static const char *const fn_names[] = {"min", "max", "abs", "gcd", "clamp"};
static const int fn_arity[] = {2, 2, 1, 2, 3};

static expr *mk(expr_kind k)
{
    expr *e = calloc(1, sizeof *e);
    if (!e)
        abort();
    e->kind = k;
    return e;
}

static void free_expr(expr *e)
{
    if (!e)
        return;
    for (int i = 0; i < 3; i++)
        free_expr(e->kid[i]);
    free(e);
}

typedef struct {
    lexer lx;
    int error;
} parser;

static int binary_prec(tok_kind k)
{
    switch (k) {
    case T_OROR: return 1;
    case T_ANDAND: return 2;
    case T_PIPE: return 3;
    case T_CARET: return 4;
    case T_AMP: return 5;
    case T_EQ: case T_NE: return 6;
    case T_LT: case T_LE: case T_GT: case T_GE: return 7;
    case T_SHL: case T_SHR: return 8;
    case T_PLUS: case T_MINUS: return 9;
    case T_STAR: case T_SLASH: case T_PERCENT: return 10;
    case T_POW: return 12; /* right associative, binds tighter than unary */
    default: return -1;
    }
}

static expr *parse_expr(parser *p, int min_prec);
static expr *parse_ternary(parser *p);

static expr *parse_primary(parser *p)
{
    token t = p->lx.cur;
    if (t.kind == T_NUM) {
        next_token(&p->lx);
        expr *e = mk(E_NUM);
        e->num = t.num;
        return e;
    }
    if (t.kind == T_IDENT) {
        next_token(&p->lx);
        if (p->lx.cur.kind == T_LPAREN) {
            int fn = -1;
            for (int i = 0; i < 5; i++)
                if (strcmp(t.name, fn_names[i]) == 0)
                    fn = i;
            if (fn < 0) {
                p->error = 1;
                return mk(E_NUM);
            }
            expr *e = mk(E_CALL);
            e->var = fn;
            next_token(&p->lx);
            while (p->lx.cur.kind != T_RPAREN && !p->error) {
                if (e->nargs == 3) {
                    p->error = 1;
                    break;
                }
                e->kid[e->nargs++] = parse_ternary(p);
                if (p->lx.cur.kind == T_COMMA)
                    next_token(&p->lx);
                else if (p->lx.cur.kind != T_RPAREN)
                    p->error = 1;
            }
            if (e->nargs != fn_arity[fn])
                p->error = 1;
            next_token(&p->lx);
            return e;
        }
        for (int i = 0; i < 4; i++)
            if (strcmp(t.name, var_names[i]) == 0) {
                expr *e = mk(E_VAR);
                e->var = i;
                return e;
            }
        p->error = 1;
        return mk(E_NUM);
    }
    if (t.kind == T_LPAREN) {
        next_token(&p->lx);
        expr *e = parse_ternary(p);
        if (p->lx.cur.kind != T_RPAREN)
            p->error = 1;
        next_token(&p->lx);
        return e;
    }
    p->error = 1;
    return mk(E_NUM);
}

static expr *parse_unary(parser *p)
{
    tok_kind k = p->lx.cur.kind;
    if (k == T_MINUS || k == T_TILDE || k == T_BANG || k == T_PLUS) {
        next_token(&p->lx);
        expr *operand = parse_unary(p);
        if (k == T_PLUS)
            return operand;
        expr *e = mk(E_UNARY);
        e->op = k;
        e->kid[0] = operand;
        return e;
    }
    expr *base = parse_primary(p);
    if (p->lx.cur.kind == T_POW) { /* power binds tighter than unary minus on its left */
        next_token(&p->lx);
        expr *e = mk(E_BINARY);
        e->op = T_POW;
        e->kid[0] = base;
        e->kid[1] = parse_unary(p);
        return e;
    }
    return base;
}

static expr *parse_expr(parser *p, int min_prec)
{
    expr *lhs = parse_unary(p);
    for (;;) {
        tok_kind k = p->lx.cur.kind;
        int prec = binary_prec(k);
        if (prec < min_prec || prec < 0 || k == T_POW || p->error)
            return lhs;
        next_token(&p->lx);
        expr *rhs = parse_expr(p, prec + 1);
        expr *e = mk(E_BINARY);
        e->op = k;
        e->kid[0] = lhs;
        e->kid[1] = rhs;
        lhs = e;
    }
}

static expr *parse_ternary(parser *p)
{
    expr *c = parse_expr(p, 1);
    if (p->lx.cur.kind != T_QUESTION)
        return c;
    next_token(&p->lx);
    expr *e = mk(E_COND);
    e->kid[0] = c;
    e->kid[1] = parse_ternary(p);
    if (p->lx.cur.kind != T_COLON)
        p->error = 1;
    next_token(&p->lx);
    e->kid[2] = parse_ternary(p);
    return e;
}

static expr *parse(const char *src, int *ok)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.lx.src = src;
    next_token(&p.lx);
    expr *e = parse_ternary(&p);
    if (p.lx.cur.kind != T_END)
        p.error = 1;
    *ok = !p.error;
    if (p.error) {
        free_expr(e);
        return NULL;
    }
    return e;
}

/* ---------------- evaluation ---------------- */
typedef struct {
    int64_t vars[4];
    int div_by_zero;
} env;

static int64_t ipow(int64_t b, int64_t e)
{
    if (e < 0)
        return b == 1 ? 1 : b == -1 ? ((e & 1) ? -1 : 1) : 0;
    int64_t r = 1;
    while (e > 0) {
        if (e & 1)
            r = w_mul(r, b);
        b = w_mul(b, b);
        e >>= 1;
    }
    return r;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    uint64_t x = a < 0 ? 0u - (uint64_t)a : (uint64_t)a, y = b < 0 ? 0u - (uint64_t)b : (uint64_t)b;
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return to_i64(x);
}

static int64_t eval(const expr *e, env *en)
{
    switch (e->kind) {
    case E_NUM: return e->num;
    case E_VAR: return en->vars[e->var];
    case E_UNARY: {
        int64_t v = eval(e->kid[0], en);
        if (e->op == T_MINUS)
            return w_neg(v);
        if (e->op == T_TILDE)
            return ~v;
        return !v;
    }
    case E_COND: return eval(e->kid[0], en) ? eval(e->kid[1], en) : eval(e->kid[2], en);
    case E_CALL: {
        int64_t a = eval(e->kid[0], en);
        int64_t b = e->nargs > 1 ? eval(e->kid[1], en) : 0;
        switch (e->var) {
        case 0: return a < b ? a : b;
        case 1: return a > b ? a : b;
        case 2: return a < 0 ? w_neg(a) : a;
        case 3: return gcd64(a, b);
        default: {
            int64_t c = eval(e->kid[2], en);
            return a < b ? b : a > c ? c : a;
        }
        }
    }
    case E_BINARY: break;
    }
    if (e->op == T_ANDAND)
        return eval(e->kid[0], en) ? eval(e->kid[1], en) != 0 : 0;
    if (e->op == T_OROR)
        return eval(e->kid[0], en) ? 1 : eval(e->kid[1], en) != 0;
    int64_t a = eval(e->kid[0], en), b = eval(e->kid[1], en);
    switch (e->op) {
    case T_PLUS: return w_add(a, b);
    case T_MINUS: return w_sub(a, b);
    case T_STAR: return w_mul(a, b);
    case T_SLASH:
    case T_PERCENT:
        if (b == 0) {
            en->div_by_zero = 1;
            return 0;
        }
        if (b == -1) /* avoid INT64_MIN / -1 */
            return e->op == T_SLASH ? w_neg(a) : 0;
        return e->op == T_SLASH ? a / b : a % b;
    case T_POW: return ipow(a, b);
    case T_SHL: return to_i64((uint64_t)a << ((uint64_t)b & 63u));
    case T_SHR: return to_i64((uint64_t)a >> ((uint64_t)b & 63u)); /* logical */
    case T_AMP: return a & b;
    case T_PIPE: return a | b;
    case T_CARET: return a ^ b;
    case T_LT: return a < b;
    case T_LE: return a <= b;
    case T_GT: return a > b;
    case T_GE: return a >= b;
    case T_EQ: return a == b;
    case T_NE: return a != b;
    default: return 0;
    }
}

/* ---------------- constant folding ---------------- */
static int folds;

static expr *fold(expr *e)
{
    for (int i = 0; i < 3; i++)
        if (e->kid[i])
            e->kid[i] = fold(e->kid[i]);
    if (e->kind == E_NUM || e->kind == E_VAR)
        return e;
    for (int i = 0; i < 3; i++)
        if (e->kid[i] && e->kid[i]->kind != E_NUM)
            return e;
    env en;
    memset(&en, 0, sizeof en);
    int64_t v = eval(e, &en);
    if (en.div_by_zero)
        return e; /* keep the error for run time */
    for (int i = 0; i < 3; i++) {
        free_expr(e->kid[i]);
        e->kid[i] = NULL;
    }
    e->kind = E_NUM;
    e->num = v;
    folds++;
    return e;
}

/* ---------------- printers ---------------- */
typedef struct {
    char *buf;
    size_t len, cap;
} strbuf;

static void sb_puts(strbuf *sb, const char *s)
{
    size_t n = strlen(s);
    if (sb->len + n + 1 > sb->cap) {
        size_t nc = (sb->cap + n + 1) * 2;
        char *nb = realloc(sb->buf, nc);
        if (!nb)
            abort();
        sb->buf = nb;
        sb->cap = nc;
    }
    memcpy(sb->buf + sb->len, s, n + 1);
    sb->len += n;
}

static void sb_num(strbuf *sb, int64_t v)
{
    char tmp[32];
    if (v < 0) {
        /* negative literals are printed as a negated magnitude */
        uint64_t mag = 0u - (uint64_t)v;
        snprintf(tmp, sizeof tmp, "(-%llu)", (unsigned long long)mag);
    } else {
        snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    }
    sb_puts(sb, tmp);
}

static const char *op_text(tok_kind k)
{
    switch (k) {
    case T_PLUS: return "+";
    case T_MINUS: return "-";
    case T_STAR: return "*";
    case T_SLASH: return "/";
    case T_PERCENT: return "%";
    case T_POW: return "**";
    case T_SHL: return "<<";
    case T_SHR: return ">>";
    case T_AMP: return "&";
    case T_PIPE: return "|";
    case T_CARET: return "^";
    case T_TILDE: return "~";
    case T_BANG: return "!";
    case T_LT: return "<";
    case T_LE: return "<=";
    case T_GT: return ">";
    case T_GE: return ">=";
    case T_EQ: return "==";
    case T_NE: return "!=";
    case T_ANDAND: return "&&";
    case T_OROR: return "||";
    default: return "?";
    }
}

static void print_paren(const expr *e, strbuf *sb)
{
    switch (e->kind) {
    case E_NUM: sb_num(sb, e->num); return;
    case E_VAR: sb_puts(sb, var_names[e->var]); return;
    case E_UNARY:
        sb_puts(sb, "(");
        sb_puts(sb, op_text(e->op));
        print_paren(e->kid[0], sb);
        sb_puts(sb, ")");
        return;
    case E_BINARY:
        sb_puts(sb, "(");
        print_paren(e->kid[0], sb);
        sb_puts(sb, " ");
        sb_puts(sb, op_text(e->op));
        sb_puts(sb, " ");
        print_paren(e->kid[1], sb);
        sb_puts(sb, ")");
        return;
    case E_COND:
        sb_puts(sb, "(");
        print_paren(e->kid[0], sb);
        sb_puts(sb, " ? ");
        print_paren(e->kid[1], sb);
        sb_puts(sb, " : ");
        print_paren(e->kid[2], sb);
        sb_puts(sb, ")");
        return;
    case E_CALL:
        sb_puts(sb, fn_names[e->var]);
        sb_puts(sb, "(");
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                sb_puts(sb, ", ");
            print_paren(e->kid[i], sb);
        }
        sb_puts(sb, ")");
        return;
    }
}

static void print_rpn(const expr *e, strbuf *sb)
{
    for (int i = 0; i < 3; i++)
        if (e->kid[i]) {
            print_rpn(e->kid[i], sb);
            sb_puts(sb, " ");
        }
    switch (e->kind) {
    case E_NUM: sb_num(sb, e->num); break;
    case E_VAR: sb_puts(sb, var_names[e->var]); break;
    case E_UNARY: sb_puts(sb, e->op == T_MINUS ? "neg" : op_text(e->op)); break;
    case E_BINARY: sb_puts(sb, op_text(e->op)); break;
    case E_COND: sb_puts(sb, "?:"); break;
    case E_CALL: sb_puts(sb, fn_names[e->var]); break;
    }
}

static int count_nodes(const expr *e)
{
    int n = 1;
    for (int i = 0; i < 3; i++)
        if (e->kid[i])
            n += count_nodes(e->kid[i]);
    return n;
}

/* ---------------- random expression generator (as text) ---------------- */
static uint32_t rs = 9001u;
static uint32_t rnd(void)
{
    rs = rs * 1664525u + 1013904223u;
    return rs >> 8;
}

static void gen_text(strbuf *sb, int depth)
{
    static const char *const bin_ops[] = {"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^",
                                          "<", "<=", ">", ">=", "==", "!=", "&&", "||", "**"};
    uint32_t r = rnd() % 12u;
    if (depth <= 0 || r < 3) {
        if (rnd() % 2u) {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%u", (unsigned)(rnd() % 50u));
            sb_puts(sb, tmp);
        } else {
            sb_puts(sb, var_names[rnd() % 4u]);
        }
        return;
    }
    if (r < 9) {
        const char *op = bin_ops[rnd() % 19u];
        int paren = rnd() % 3u == 0;
        if (paren)
            sb_puts(sb, "(");
        gen_text(sb, depth - 1);
        sb_puts(sb, " ");
        sb_puts(sb, op);
        sb_puts(sb, " ");
        if (strcmp(op, "**") == 0 || strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0) {
            char tmp[16];
            snprintf(tmp, sizeof tmp, "%u", (unsigned)(rnd() % 7u));
            sb_puts(sb, tmp);
        } else {
            gen_text(sb, depth - 1);
        }
        if (paren)
            sb_puts(sb, ")");
    } else if (r < 10) {
        static const char *const un[] = {"-", "~", "!"};
        sb_puts(sb, un[rnd() % 3u]);
        sb_puts(sb, "(");
        gen_text(sb, depth - 1);
        sb_puts(sb, ")");
    } else if (r < 11) {
        int fn = (int)(rnd() % 5u);
        sb_puts(sb, fn_names[fn]);
        sb_puts(sb, "(");
        for (int i = 0; i < fn_arity[fn]; i++) {
            if (i)
                sb_puts(sb, ", ");
            gen_text(sb, depth - 1);
        }
        sb_puts(sb, ")");
    } else {
        sb_puts(sb, "(");
        gen_text(sb, depth - 1);
        sb_puts(sb, " ? ");
        gen_text(sb, depth - 1);
        sb_puts(sb, " : ");
        gen_text(sb, depth - 1);
        sb_puts(sb, ")");
    }
}

int main(void)
{
    static const char *const fixed[] = {
        "1 + 2 * 3",
        "(1 + 2) * 3",
        "2 ** 3 ** 2",
        "-2 ** 2",
        "x * x - 4 * y * z",
        "x > y ? x - y : y - x",
        "gcd(84, 36) + min(x, 3) * max(y, -7)",
        "clamp(n * 10, 0, 255) | 1 << 8",
        "9223372036854775807 + 1",
        "!0 && ~0 == -1 || 5 / 0",
        "x % 0",
        "1 +",
        "foo(3)",
        "(x + 1",
    };
    env en = {{7, -3, 12, 42}, 0};
    uint32_t checksum = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        int ok;
        expr *e = parse(fixed[i], &ok);
        if (!ok) {
            printf("%-40s => parse error\n", fixed[i]);
            checksum = checksum * 3u + 1u;
            continue;
        }
        en.div_by_zero = 0;
        int64_t v = eval(e, &en);
        strbuf rpn = {NULL, 0, 0};
        sb_puts(&rpn, "");
        print_rpn(e, &rpn);
        if (en.div_by_zero)
            printf("%-40s => division by zero   [%s]\n", fixed[i], rpn.buf);
        else
            printf("%-40s => %lld   [%s]\n", fixed[i], (long long)v, rpn.buf);
        checksum = checksum * 1000003u ^ (uint32_t)(uint64_t)v;
        free(rpn.buf);
        free_expr(e);
    }

    /* random expressions: parse, print, reparse, compare; fold and compare */
    int roundtrip_fail = 0, fold_fail = 0, errors = 0, total_nodes = 0;
    folds = 0;
    for (int i = 0; i < 400; i++) {
        strbuf src = {NULL, 0, 0};
        sb_puts(&src, "");
        gen_text(&src, 1 + i % 6);
        int ok;
        expr *e = parse(src.buf, &ok);
        if (!ok) {
            errors++;
            free(src.buf);
            continue;
        }
        total_nodes += count_nodes(e);
        strbuf p1 = {NULL, 0, 0};
        sb_puts(&p1, "");
        print_paren(e, &p1);
        expr *e2 = parse(p1.buf, &ok);
        strbuf p2 = {NULL, 0, 0};
        sb_puts(&p2, "");
        if (ok)
            print_paren(e2, &p2);
        if (!ok || strcmp(p1.buf, p2.buf) != 0)
            roundtrip_fail++;
        for (int k = 0; k < 4; k++) {
            env a = {{(int64_t)k - 2, 5 * k, 1000 - k, -k * 77}, 0};
            env b = a;
            int64_t v1 = eval(e, &a);
            int64_t v2 = ok ? eval(e2, &b) : 0;
            if (v1 != v2 || a.div_by_zero != b.div_by_zero)
                roundtrip_fail++;
            checksum = checksum * 31u + (uint32_t)(uint64_t)v1 + (uint32_t)a.div_by_zero;
        }
        if (ok) {
            env a = {{3, 4, 5, 6}, 0}, b = a;
            int64_t before = eval(e2, &a);
            e2 = fold(e2);
            int64_t after = eval(e2, &b);
            if (before != after || a.div_by_zero != b.div_by_zero)
                fold_fail++;
        }
        if (i == 7) {
            printf("sample: %s\n", src.buf);
            printf("  parenthesised: %s\n", p1.buf);
        }
        free(src.buf);
        free(p1.buf);
        free(p2.buf);
        free_expr(e);
        free_expr(e2);
    }
    printf("random expressions: %d nodes, %d parse errors, %d round-trip failures, "
           "%d folds, %d fold failures\n",
           total_nodes, errors, roundtrip_fail, folds, fold_fail);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
