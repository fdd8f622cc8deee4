/* ml.h - private interface of the cgym-v0 "minilang" benchmark: a small
 * imperative language (integers, global arrays, functions, if/while/for,
 * break/continue, print) with a lexer, recursive-descent parser, semantic
 * analysis (scopes, slots, arity), a tree-walking interpreter, and a
 * compiler to stack bytecode with its own virtual machine. */
#ifndef CGYM_MINILANG_H
#define CGYM_MINILANG_H

#include <stddef.h>
#include <stdint.h>

/* ---------- lexer ---------- */
typedef enum {
    TK_EOF, TK_IDENT, TK_NUM, TK_STR,
    TK_FN, TK_VAR, TK_IF, TK_ELSE, TK_WHILE, TK_FOR, TK_RETURN, TK_BREAK, TK_CONTINUE, TK_PRINT,
    TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_LBRACKET, TK_RBRACKET, TK_COMMA, TK_SEMI,
    TK_ASSIGN, TK_PLUSEQ, TK_MINUSEQ, TK_STAREQ,
    TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT,
    TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE, TK_ANDAND, TK_OROR, TK_BANG,
    TK_ERROR
} tok_type;

typedef struct {
    tok_type type;
    int line;
    int64_t num;
    char text[32];
} ml_token;

typedef struct {
    const char *src;
    size_t pos;
    int line;
} ml_lexer;

void lex_init(ml_lexer *lx, const char *src);
ml_token lex_next(ml_lexer *lx);
const char *tok_name(tok_type t);

/* ---------- AST ---------- */
typedef enum {
    /* expressions */
    N_NUM, N_VAR, N_INDEX, N_CALL, N_BINARY, N_UNARY,
    /* statements */
    N_VARDECL, N_ASSIGN, N_IF, N_WHILE, N_FOR, N_RETURN, N_BREAK, N_CONTINUE, N_BLOCK,
    N_EXPRSTMT, N_PRINT, N_STRING,
    /* top level */
    N_FUNC, N_GLOBAL
} node_kind;

#define MAX_NODES 8192
#define MAX_FUNCS 64
#define MAX_GLOBALS 64
#define MAX_STRINGS 64
#define NAME_LEN 24

typedef struct {
    node_kind kind;
    int line;
    int op;          /* token type of the operator for N_BINARY/N_UNARY/N_ASSIGN */
    int64_t value;   /* N_NUM literal; N_GLOBAL array length (0 = scalar) */
    char name[NAME_LEN];
    int a, b, c, d;  /* children (-1 = none) */
    int next;        /* next sibling in a list (-1 = end) */
    int slot;        /* resolved local slot, global index, function index, string index */
    int is_global;
} ml_node;

typedef struct {
    char name[NAME_LEN];
    int node;        /* N_FUNC node */
    int nparams;
    int nlocals;     /* total slots including parameters */
} ml_func;

typedef struct {
    char name[NAME_LEN];
    int64_t length;  /* 0 = scalar */
    int offset;      /* index in the global memory */
} ml_global;

typedef struct {
    ml_node nodes[MAX_NODES];
    int nnodes;
    int first_item;  /* list of N_FUNC / N_GLOBAL */
    ml_func funcs[MAX_FUNCS];
    int nfuncs;
    ml_global globals[MAX_GLOBALS];
    int nglobals;
    int global_words;
    char strings[MAX_STRINGS][64];
    int nstrings;
    char error[128];
    int error_line;
} ml_program;

/* parser.c */
int ml_parse(ml_program *p, const char *src);

/* sema.c */
int ml_analyze(ml_program *p);

/* shared runtime output buffer and error reporting */
#define ML_OUT_MAX 4096
typedef struct {
    char text[ML_OUT_MAX];
    size_t len;
    int error;          /* 0 = ok */
    char message[96];
    uint64_t steps;
} ml_output;

void out_reset(ml_output *o);
void out_int(ml_output *o, int64_t v);
void out_str(ml_output *o, const char *s);
void out_fail(ml_output *o, const char *msg);

/* value helpers with wrap-around semantics, shared by both engines */
int64_t ml_binop(int op, int64_t a, int64_t b, ml_output *o);

/* interp.c */
void ml_interpret(const ml_program *p, ml_output *o, uint64_t max_steps);

/* codegen.c + bcvm.c */
enum {
    BC_CONST, BC_LOADL, BC_STOREL, BC_LOADG, BC_STOREG, BC_LOADA, BC_STOREA,
    BC_BIN,   /* operand: token type of the operator */
    BC_NEG, BC_NOT, BC_JMP, BC_JZ, BC_JNZ, BC_CALL, BC_RET, BC_POP, BC_DUP,
    BC_PRINTI, BC_PRINTS, BC_PRINTNL, BC_HALT, BC_COUNT
};

#define BC_MAX 16384
typedef struct {
    int64_t code[BC_MAX];
    int len;
    int entry;   /* address of the call to main */
    int func_start[MAX_FUNCS];
    char error[96];
} ml_bytecode;

int ml_compile(const ml_program *p, ml_bytecode *bc);
int ml_disasm(const ml_bytecode *bc, int pc, char *buf, size_t cap);
void ml_run_bytecode(const ml_program *p, const ml_bytecode *bc, ml_output *o, uint64_t max_steps);

#endif
