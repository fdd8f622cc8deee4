/* parser.c - recursive-descent parser for minilang producing an AST in
 * the program's node pool. */
#include <stdio.h>
#include <string.h>

#include "ml.h"

typedef struct {
    ml_lexer lx;
    ml_token tok;
    ml_program *p;
    int failed;
} ml_parser;

static void copy_name(char *dst, const char *src)
{
    size_t n = 0;
    while (src[n] && n + 1 < NAME_LEN) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

static void advance(ml_parser *ps) { ps->tok = lex_next(&ps->lx); }

static void error_at(ml_parser *ps, const char *msg)
{
    if (ps->failed)
        return;
    ps->failed = 1;
    ps->p->error_line = ps->tok.line;
    snprintf(ps->p->error, sizeof ps->p->error, "%s (found '%s')", msg,
             ps->tok.type == TK_IDENT || ps->tok.type == TK_NUM ? ps->tok.text[0] ? ps->tok.text : "number"
                                                                 : tok_name(ps->tok.type));
}

static int accept(ml_parser *ps, tok_type t)
{
    if (ps->tok.type == t) {
        advance(ps);
        return 1;
    }
    return 0;
}

static void expect(ml_parser *ps, tok_type t, const char *what)
{
    if (!accept(ps, t))
        error_at(ps, what);
}

static int new_node(ml_parser *ps, node_kind k)
{
    ml_program *p = ps->p;
    if (p->nnodes >= MAX_NODES) {
        error_at(ps, "program too large");
        return 0;
    }
    int id = p->nnodes++;
    ml_node *n = &p->nodes[id];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->line = ps->tok.line;
    n->a = n->b = n->c = n->d = -1;
    n->next = -1;
    n->slot = -1;
    return id;
}

static int parse_expr(ml_parser *ps);
static int parse_stmt(ml_parser *ps);

static int parse_args(ml_parser *ps, int allow_strings, int *count)
{
    int head = -1, tail = -1;
    *count = 0;
    if (ps->tok.type == TK_RPAREN)
        return -1;
    do {
        int e;
        if (allow_strings && ps->tok.type == TK_STR) {
            e = new_node(ps, N_STRING);
            if (ps->p->nstrings >= MAX_STRINGS) {
                error_at(ps, "too many strings");
                return head;
            }
            ps->p->nodes[e].slot = ps->p->nstrings;
            snprintf(ps->p->strings[ps->p->nstrings++], 64, "%s", ps->tok.text);
            advance(ps);
        } else {
            e = parse_expr(ps);
        }
        if (head < 0)
            head = e;
        else
            ps->p->nodes[tail].next = e;
        tail = e;
        ++*count;
    } while (!ps->failed && accept(ps, TK_COMMA));
    return head;
}

static int parse_primary(ml_parser *ps)
{
    ml_token t = ps->tok;
    if (t.type == TK_NUM) {
        int n = new_node(ps, N_NUM);
        ps->p->nodes[n].value = t.num;
        advance(ps);
        return n;
    }
    if (t.type == TK_IDENT) {
        advance(ps);
        if (accept(ps, TK_LPAREN)) {
            int n = new_node(ps, N_CALL);
            copy_name(ps->p->nodes[n].name, t.text);
            int count;
            int args = parse_args(ps, 0, &count);
            ps->p->nodes[n].a = args;
            ps->p->nodes[n].value = count;
            expect(ps, TK_RPAREN, "expected ')' after arguments");
            return n;
        }
        if (accept(ps, TK_LBRACKET)) {
            int n = new_node(ps, N_INDEX);
            copy_name(ps->p->nodes[n].name, t.text);
            ps->p->nodes[n].a = parse_expr(ps);
            expect(ps, TK_RBRACKET, "expected ']'");
            return n;
        }
        int n = new_node(ps, N_VAR);
        copy_name(ps->p->nodes[n].name, t.text);
        return n;
    }
    if (accept(ps, TK_LPAREN)) {
        int e = parse_expr(ps);
        expect(ps, TK_RPAREN, "expected ')'");
        return e;
    }
    error_at(ps, "expected an expression");
    return new_node(ps, N_NUM);
}

static int parse_unary(ml_parser *ps)
{
    if (ps->tok.type == TK_MINUS || ps->tok.type == TK_BANG) {
        int op = ps->tok.type;
        advance(ps);
        int n = new_node(ps, N_UNARY);
        ps->p->nodes[n].op = op;
        ps->p->nodes[n].a = parse_unary(ps);
        return n;
    }
    return parse_primary(ps);
}

static int binary_level(tok_type t)
{
    switch (t) {
    case TK_OROR: return 1;
    case TK_ANDAND: return 2;
    case TK_EQ: case TK_NE: return 3;
    case TK_LT: case TK_LE: case TK_GT: case TK_GE: return 4;
    case TK_PLUS: case TK_MINUS: return 5;
    case TK_STAR: case TK_SLASH: case TK_PERCENT: return 6;
    default: return 0;
    }
}

static int parse_binary(ml_parser *ps, int level)
{
    if (level > 6)
        return parse_unary(ps);
    int lhs = parse_binary(ps, level + 1);
    while (!ps->failed && binary_level(ps->tok.type) == level) {
        int op = ps->tok.type;
        advance(ps);
        int rhs = parse_binary(ps, level + 1);
        int n = new_node(ps, N_BINARY);
        ps->p->nodes[n].op = op;
        ps->p->nodes[n].a = lhs;
        ps->p->nodes[n].b = rhs;
        lhs = n;
    }
    return lhs;
}

static int parse_expr(ml_parser *ps) { return parse_binary(ps, 1); }

/* expression statement or assignment, without the trailing ';' */
static int parse_simple(ml_parser *ps)
{
    if (ps->tok.type == TK_VAR) {
        advance(ps);
        int n = new_node(ps, N_VARDECL);
        if (ps->tok.type != TK_IDENT) {
            error_at(ps, "expected a variable name");
            return n;
        }
        copy_name(ps->p->nodes[n].name, ps->tok.text);
        advance(ps);
        if (accept(ps, TK_ASSIGN))
            ps->p->nodes[n].a = parse_expr(ps);
        return n;
    }
    int e = parse_expr(ps);
    tok_type t = ps->tok.type;
    if (t == TK_ASSIGN || t == TK_PLUSEQ || t == TK_MINUSEQ || t == TK_STAREQ) {
        node_kind k = ps->p->nodes[e].kind;
        if (k != N_VAR && k != N_INDEX) {
            error_at(ps, "invalid assignment target");
            return e;
        }
        advance(ps);
        int n = new_node(ps, N_ASSIGN);
        ps->p->nodes[n].op = t;
        ps->p->nodes[n].a = e;
        ps->p->nodes[n].b = parse_expr(ps);
        return n;
    }
    int n = new_node(ps, N_EXPRSTMT);
    ps->p->nodes[n].a = e;
    return n;
}

static int parse_block(ml_parser *ps)
{
    int n = new_node(ps, N_BLOCK);
    expect(ps, TK_LBRACE, "expected '{'");
    int tail = -1;
    while (!ps->failed && ps->tok.type != TK_RBRACE && ps->tok.type != TK_EOF) {
        int s = parse_stmt(ps);
        if (tail < 0)
            ps->p->nodes[n].a = s;
        else
            ps->p->nodes[tail].next = s;
        tail = s;
    }
    expect(ps, TK_RBRACE, "expected '}'");
    return n;
}

static int parse_stmt(ml_parser *ps)
{
    int n;
    switch (ps->tok.type) {
    case TK_LBRACE: return parse_block(ps);
    case TK_IF:
        advance(ps);
        n = new_node(ps, N_IF);
        expect(ps, TK_LPAREN, "expected '(' after if");
        ps->p->nodes[n].a = parse_expr(ps);
        expect(ps, TK_RPAREN, "expected ')'");
        ps->p->nodes[n].b = parse_stmt(ps);
        if (accept(ps, TK_ELSE))
            ps->p->nodes[n].c = parse_stmt(ps);
        return n;
    case TK_WHILE:
        advance(ps);
        n = new_node(ps, N_WHILE);
        expect(ps, TK_LPAREN, "expected '(' after while");
        ps->p->nodes[n].a = parse_expr(ps);
        expect(ps, TK_RPAREN, "expected ')'");
        ps->p->nodes[n].b = parse_stmt(ps);
        return n;
    case TK_FOR:
        advance(ps);
        n = new_node(ps, N_FOR);
        expect(ps, TK_LPAREN, "expected '(' after for");
        if (ps->tok.type != TK_SEMI)
            ps->p->nodes[n].a = parse_simple(ps);
        expect(ps, TK_SEMI, "expected ';' in for");
        if (ps->tok.type != TK_SEMI)
            ps->p->nodes[n].b = parse_expr(ps);
        expect(ps, TK_SEMI, "expected ';' in for");
        if (ps->tok.type != TK_RPAREN)
            ps->p->nodes[n].c = parse_simple(ps);
        expect(ps, TK_RPAREN, "expected ')'");
        ps->p->nodes[n].d = parse_stmt(ps);
        return n;
    case TK_RETURN:
        advance(ps);
        n = new_node(ps, N_RETURN);
        if (ps->tok.type != TK_SEMI)
            ps->p->nodes[n].a = parse_expr(ps);
        expect(ps, TK_SEMI, "expected ';' after return");
        return n;
    case TK_BREAK:
    case TK_CONTINUE:
        n = new_node(ps, ps->tok.type == TK_BREAK ? N_BREAK : N_CONTINUE);
        advance(ps);
        expect(ps, TK_SEMI, "expected ';'");
        return n;
    case TK_PRINT: {
        advance(ps);
        n = new_node(ps, N_PRINT);
        expect(ps, TK_LPAREN, "expected '(' after print");
        int count;
        ps->p->nodes[n].a = parse_args(ps, 1, &count);
        expect(ps, TK_RPAREN, "expected ')'");
        expect(ps, TK_SEMI, "expected ';'");
        return n;
    }
    default:
        n = parse_simple(ps);
        expect(ps, TK_SEMI, "expected ';'");
        return n;
    }
}

int ml_parse(ml_program *p, const char *src)
{
    ml_parser ps;
    memset(p, 0, sizeof *p);
    p->first_item = -1;
    ps.p = p;
    ps.failed = 0;
    lex_init(&ps.lx, src);
    advance(&ps);
    int tail = -1;
    while (!ps.failed && ps.tok.type != TK_EOF) {
        int item;
        if (accept(&ps, TK_VAR)) {
            item = new_node(&ps, N_GLOBAL);
            if (ps.tok.type != TK_IDENT) {
                error_at(&ps, "expected a global name");
                break;
            }
            copy_name(p->nodes[item].name, ps.tok.text);
            advance(&ps);
            if (accept(&ps, TK_LBRACKET)) {
                if (ps.tok.type != TK_NUM || ps.tok.num <= 0) {
                    error_at(&ps, "expected a positive array size");
                    break;
                }
                p->nodes[item].value = ps.tok.num;
                advance(&ps);
                expect(&ps, TK_RBRACKET, "expected ']'");
            }
            expect(&ps, TK_SEMI, "expected ';'");
        } else if (accept(&ps, TK_FN)) {
            item = new_node(&ps, N_FUNC);
            if (ps.tok.type != TK_IDENT) {
                error_at(&ps, "expected a function name");
                break;
            }
            copy_name(p->nodes[item].name, ps.tok.text);
            advance(&ps);
            expect(&ps, TK_LPAREN, "expected '('");
            int ptail = -1, nparams = 0;
            while (!ps.failed && ps.tok.type == TK_IDENT) {
                int prm = new_node(&ps, N_VARDECL);
                copy_name(p->nodes[prm].name, ps.tok.text);
                advance(&ps);
                if (ptail < 0)
                    p->nodes[item].a = prm;
                else
                    p->nodes[ptail].next = prm;
                ptail = prm;
                nparams++;
                if (!accept(&ps, TK_COMMA))
                    break;
            }
            p->nodes[item].value = nparams;
            expect(&ps, TK_RPAREN, "expected ')' after parameters");
            p->nodes[item].b = parse_block(&ps);
        } else {
            error_at(&ps, "expected 'fn' or 'var' at top level");
            break;
        }
        if (tail < 0)
            p->first_item = item;
        else
            p->nodes[tail].next = item;
        tail = item;
    }
    if (!ps.failed && ps.tok.type == TK_ERROR)
        error_at(&ps, "invalid token");
    return !ps.failed;
}
