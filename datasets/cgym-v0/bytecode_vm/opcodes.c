/* opcodes.c - the instruction set table of the bytecode VM. */
#include <string.h>

#include "vm.h"

const op_info op_table[OP_COUNT] = {
    [OP_HALT] = {"halt", OPND_NONE, 0, 0, 1},
    [OP_NOP] = {"nop", OPND_NONE, 0, 0, 0},
    [OP_PUSH] = {"push", OPND_I32, 0, 1, 0},
    [OP_PUSHW] = {"pushw", OPND_I64, 0, 1, 0},
    [OP_POP] = {"pop", OPND_NONE, 1, 0, 0},
    [OP_DUP] = {"dup", OPND_NONE, 1, 2, 0},
    [OP_SWAP] = {"swap", OPND_NONE, 2, 2, 0},
    [OP_OVER] = {"over", OPND_NONE, 2, 3, 0},
    [OP_ROT] = {"rot", OPND_NONE, 3, 3, 0},
    [OP_ADD] = {"add", OPND_NONE, 2, 1, 0},
    [OP_SUB] = {"sub", OPND_NONE, 2, 1, 0},
    [OP_MUL] = {"mul", OPND_NONE, 2, 1, 0},
    [OP_DIV] = {"div", OPND_NONE, 2, 1, 0},
    [OP_MOD] = {"mod", OPND_NONE, 2, 1, 0},
    [OP_NEG] = {"neg", OPND_NONE, 1, 1, 0},
    [OP_INC] = {"inc", OPND_NONE, 1, 1, 0},
    [OP_DEC] = {"dec", OPND_NONE, 1, 1, 0},
    [OP_AND] = {"and", OPND_NONE, 2, 1, 0},
    [OP_OR] = {"or", OPND_NONE, 2, 1, 0},
    [OP_XOR] = {"xor", OPND_NONE, 2, 1, 0},
    [OP_NOT] = {"not", OPND_NONE, 1, 1, 0},
    [OP_SHL] = {"shl", OPND_NONE, 2, 1, 0},
    [OP_SHR] = {"shr", OPND_NONE, 2, 1, 0},
    [OP_SAR] = {"sar", OPND_NONE, 2, 1, 0},
    [OP_EQ] = {"eq", OPND_NONE, 2, 1, 0},
    [OP_NE] = {"ne", OPND_NONE, 2, 1, 0},
    [OP_LT] = {"lt", OPND_NONE, 2, 1, 0},
    [OP_LE] = {"le", OPND_NONE, 2, 1, 0},
    [OP_GT] = {"gt", OPND_NONE, 2, 1, 0},
    [OP_GE] = {"ge", OPND_NONE, 2, 1, 0},
    [OP_LTU] = {"ltu", OPND_NONE, 2, 1, 0},
    [OP_LNOT] = {"lnot", OPND_NONE, 1, 1, 0},
    [OP_JMP] = {"jmp", OPND_ADDR, 0, 0, 1},
    [OP_JZ] = {"jz", OPND_ADDR, 1, 0, 0},
    [OP_JNZ] = {"jnz", OPND_ADDR, 1, 0, 0},
    [OP_JLT] = {"jlt", OPND_ADDR, 2, 0, 0},
    [OP_JGE] = {"jge", OPND_ADDR, 2, 0, 0},
    [OP_LOOP] = {"loop", OPND_LOOP, 0, 0, 0},
    [OP_CALL] = {"call", OPND_CALL, 0, 1, 0},
    [OP_RET] = {"ret", OPND_NONE, 1, 0, 1},
    [OP_ENTER] = {"enter", OPND_U8, 0, 0, 0},
    [OP_LLOAD] = {"lload", OPND_U8, 0, 1, 0},
    [OP_LSTORE] = {"lstore", OPND_U8, 1, 0, 0},
    [OP_LINC] = {"linc", OPND_U8, 0, 0, 0},
    [OP_LADD] = {"ladd", OPND_U8, 1, 0, 0},
    [OP_LOAD] = {"load", OPND_NONE, 1, 1, 0},
    [OP_STORE] = {"store", OPND_NONE, 2, 0, 0},
    [OP_GLOAD] = {"gload", OPND_MEM, 0, 1, 0},
    [OP_GSTORE] = {"gstore", OPND_MEM, 1, 0, 0},
    [OP_PRINT] = {"print", OPND_NONE, 1, 0, 0},
    [OP_PRINTC] = {"printc", OPND_NONE, 1, 0, 0},
    [OP_PRINTNL] = {"printnl", OPND_NONE, 0, 0, 0},
    [OP_MIN] = {"min", OPND_NONE, 2, 1, 0},
    [OP_MAX] = {"max", OPND_NONE, 2, 1, 0},
    [OP_ABS] = {"abs", OPND_NONE, 1, 1, 0},
    [OP_ASSERT] = {"assert", OPND_NONE, 1, 0, 0},
    [OP_HASH] = {"hash", OPND_NONE, 2, 1, 0},
    [OP_SELECT] = {"select", OPND_NONE, 3, 1, 0},
    [OP_TRAP] = {"trap", OPND_I32, 0, 0, 1},
};

int operand_size(operand_kind k)
{
    switch (k) {
    case OPND_NONE: return 0;
    case OPND_U8: return 1;
    case OPND_I32:
    case OPND_ADDR:
    case OPND_MEM: return 4;
    case OPND_I64: return 8;
    case OPND_CALL:
    case OPND_LOOP: return 5;
    }
    return 0;
}

int lookup_opcode(const char *name)
{
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(op_table[i].name, name) == 0)
            return i;
    return -1;
}
