/* disasm.c - decoding helpers, disassembler and static verifier for the
 * bytecode VM. The verifier checks opcodes, operand bounds and jump targets,
 * then runs a work-list data-flow analysis computing the operand stack depth
 * at every instruction of every function (entry point and call targets),
 * rejecting underflow and inconsistent depths at control-flow joins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t read_u64(const uint8_t *p)
{
    return (uint64_t)read_u32(p) | ((uint64_t)read_u32(p + 4) << 32);
}

static int32_t read_i32(const uint8_t *p)
{
    uint32_t u = read_u32(p);
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

static const char *label_for(const program *p, int64_t value)
{
    for (int i = 0; i < p->nsyms; i++)
        if (p->syms[i].value == value && p->syms[i].name[0] != '_')
            return p->syms[i].name;
    return NULL;
}

size_t disassemble_one(const program *p, size_t pc, char *buf, size_t buflen)
{
    if (pc >= p->len) {
        snprintf(buf, buflen, "%04zu: <end>", pc);
        return 0;
    }
    uint8_t op = p->code[pc];
    if (op >= OP_COUNT) {
        snprintf(buf, buflen, "%04zu: .byte 0x%02x", pc, op);
        return 1;
    }
    const op_info *info = &op_table[op];
    size_t size = 1 + (size_t)operand_size(info->operand);
    if (pc + size > p->len) {
        snprintf(buf, buflen, "%04zu: %s <truncated>", pc, info->name);
        return p->len - pc;
    }
    const uint8_t *o = p->code + pc + 1;
    const char *lbl;
    switch (info->operand) {
    case OPND_NONE: snprintf(buf, buflen, "%04zu: %s", pc, info->name); break;
    case OPND_I32: snprintf(buf, buflen, "%04zu: %-7s %ld", pc, info->name, (long)read_i32(o)); break;
    case OPND_I64: {
        uint64_t u = read_u64(o);
        snprintf(buf, buflen, "%04zu: %-7s 0x%016llx", pc, info->name, (unsigned long long)u);
        break;
    }
    case OPND_U8: snprintf(buf, buflen, "%04zu: %-7s %u", pc, info->name, (unsigned)o[0]); break;
    case OPND_ADDR:
        lbl = label_for(p, read_u32(o));
        snprintf(buf, buflen, "%04zu: %-7s %u%s%s", pc, info->name, (unsigned)read_u32(o),
                 lbl ? " ; " : "", lbl ? lbl : "");
        break;
    case OPND_MEM: snprintf(buf, buflen, "%04zu: %-7s [%u]", pc, info->name, (unsigned)read_u32(o)); break;
    case OPND_CALL:
        lbl = label_for(p, read_u32(o));
        snprintf(buf, buflen, "%04zu: %-7s %u, %u%s%s", pc, info->name, (unsigned)read_u32(o),
                 (unsigned)o[4], lbl ? " ; " : "", lbl ? lbl : "");
        break;
    case OPND_LOOP:
        snprintf(buf, buflen, "%04zu: %-7s %u, %u", pc, info->name, (unsigned)o[0],
                 (unsigned)read_u32(o + 1));
        break;
    }
    return size;
}

typedef struct {
    int32_t *depth;    /* -1 = not yet reached */
    uint8_t *is_start; /* instruction boundaries */
    uint32_t *work;
    size_t nwork;
} flow;

static int push_work(flow *f, uint32_t pc, int depth, const program *p, char *err, size_t errlen)
{
    if (pc >= p->len || !f->is_start[pc]) {
        snprintf(err, errlen, "control reaches %u, not an instruction", (unsigned)pc);
        return 0;
    }
    if (f->depth[pc] < 0) {
        f->depth[pc] = depth;
        f->work[f->nwork++] = pc;
        return 1;
    }
    if (f->depth[pc] != depth) {
        snprintf(err, errlen, "inconsistent stack depth at %u (%d vs %d)", (unsigned)pc,
                 (int)f->depth[pc], depth);
        return 0;
    }
    return 1;
}

int verify(const program *p, char *err, size_t errlen, int *max_depth)
{
    flow f;
    int ok = 1;
    f.depth = malloc((p->len + 1) * sizeof *f.depth);
    f.is_start = calloc(p->len + 1, 1);
    f.work = malloc((p->len + 1) * sizeof *f.work);
    f.nwork = 0;
    *max_depth = 0;
    if (!f.depth || !f.is_start || !f.work)
        abort();
    /* pass 1: decode linearly, mark boundaries, check operands */
    for (size_t pc = 0; pc < p->len && ok;) {
        uint8_t op = p->code[pc];
        f.depth[pc] = -1;
        if (op >= OP_COUNT) {
            snprintf(err, errlen, "bad opcode %u at %zu", (unsigned)op, pc);
            ok = 0;
            break;
        }
        size_t size = 1 + (size_t)operand_size(op_table[op].operand);
        if (pc + size > p->len) {
            snprintf(err, errlen, "truncated instruction at %zu", pc);
            ok = 0;
            break;
        }
        if (op_table[op].operand == OPND_MEM && read_u32(p->code + pc + 1) >= DATA_WORDS) {
            snprintf(err, errlen, "data address out of range at %zu", pc);
            ok = 0;
        }
        f.is_start[pc] = 1;
        for (size_t k = 1; k < size; k++)
            f.depth[pc + k] = -1;
        pc += size;
    }
    /* pass 2: stack-depth data flow, one function at a time */
    uint32_t *entries = malloc((p->len + 1) * sizeof *entries);
    int *entry_args = malloc((p->len + 1) * sizeof *entry_args);
    size_t nentries = 0;
    if (!entries || !entry_args)
        abort();
    if (ok && p->len > 0) {
        entries[nentries] = 0;
        entry_args[nentries++] = 0;
    }
    for (size_t pc = 0; ok && pc < p->len; pc++)
        if (f.is_start[pc] && p->code[pc] == OP_CALL) {
            uint32_t target = read_u32(p->code + pc + 1);
            int nargs = p->code[pc + 5];
            int seen = 0;
            for (size_t e = 0; e < nentries; e++)
                if (entries[e] == target) {
                    seen = 1;
                    if (entry_args[e] != nargs) {
                        snprintf(err, errlen, "function %u called with %d and %d args",
                                 (unsigned)target, entry_args[e], nargs);
                        ok = 0;
                    }
                }
            if (!seen) {
                entries[nentries] = target;
                entry_args[nentries++] = nargs;
            }
        }
    for (size_t e = 0; ok && e < nentries; e++) {
        if (!push_work(&f, entries[e], entry_args[e], p, err, errlen)) {
            ok = 0;
            break;
        }
        while (ok && f.nwork > 0) {
            uint32_t pc = f.work[--f.nwork];
            uint8_t op = p->code[pc];
            const op_info *info = &op_table[op];
            int d = f.depth[pc];
            int pops = info->pops, pushes = info->pushes;
            if (op == OP_CALL)
                pops = p->code[pc + 5];
            if (op == OP_ENTER)
                pushes = p->code[pc + 1];
            if (d < pops) {
                snprintf(err, errlen, "stack underflow at %u (depth %d, needs %d)", (unsigned)pc, d,
                         pops);
                ok = 0;
                break;
            }
            int nd = d - pops + pushes;
            if (nd > *max_depth)
                *max_depth = nd;
            if (nd > STACK_MAX / 4) {
                snprintf(err, errlen, "stack too deep at %u", (unsigned)pc);
                ok = 0;
                break;
            }
            uint32_t next = pc + 1u + (uint32_t)operand_size(info->operand);
            switch (info->operand) {
            case OPND_ADDR:
                ok = push_work(&f, read_u32(p->code + pc + 1), nd, p, err, errlen);
                break;
            case OPND_LOOP:
                ok = push_work(&f, read_u32(p->code + pc + 2), nd, p, err, errlen);
                break;
            default: break;
            }
            if (ok && !info->terminates) {
                if (next >= p->len) {
                    snprintf(err, errlen, "execution falls off the end after %u", (unsigned)pc);
                    ok = 0;
                } else {
                    ok = push_work(&f, next, nd, p, err, errlen);
                }
            }
        }
        /* reset depths so each function is analysed independently */
        for (size_t k = 0; k < p->len; k++)
            if (f.is_start[k])
                f.depth[k] = -1;
    }
    free(entries);
    free(entry_args);
    free(f.depth);
    free(f.is_start);
    free(f.work);
    return ok;
}
