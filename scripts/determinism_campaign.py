#!/usr/bin/env python3
"""The determinism campaign: which LLVM 19 actions give an output that is not
a function of their input module.

Driven by scripts/determinism_campaign.sh (see there for the options). The
method is a per-pass bisection with opt-19 itself:

  * programs: the bundled cgym-v0 programs (compiled exactly as the build
    does), csmith programs, and big modules linked from many of them with
    llvm-link (every program's main renamed and the rest internalized so that
    their symbols do not clash);
  * inputs: each program at -O0-like IR and after a canonicalizing prefix,
    and every intermediate module of random (and, with --cgym, searched)
    pass sequences;
  * for one input module and one action, the action's pipeline element runs
    in --runs separate opt-19 processes, each with a different heap layout
    (ASLR, plus a different environment size and glibc malloc top_pad and
    perturbation per run), and the textual IR of the outputs is hashed. Two
    different hashes mean that the action's output is not a function of its
    input: the action is non-deterministic, and the input is saved so that
    the finding can be reproduced with one opt-19 command.

With --cgym, every sequence is also replayed through cgym (`cgym replay`) in
--runs separate processes, and the rewards are compared.

The report (report.json and report.md in --out) lists every non-deterministic
action with the number of inputs on which it varied out of those tried, the
largest number of distinct outputs seen, and a reproducing command line.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BITCODE_FLAGS = ["-c", "-emit-llvm", "-O1", "-Xclang", "-disable-llvm-passes",
                 "-Xclang", "-disable-llvm-optzns"]
# A prefix that brings -O0-like IR into the shape most passes work on.
PREPARE = "function(sroa),function(early-cse),function(simplifycfg),cgscc(inline),function(instcombine<no-verify-fixpoint>)"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_pass_table():
    """(flag, pipeline) of every action, in action order, from passes.cc."""
    text = (ROOT / "backends/llvm/passes.cc").read_text()
    body = text[text.index("constexpr PassInfo kPasses[]"):text.index("constexpr RemovedPass")]
    return re.findall(r'\{"(-[^"]+)",\s*"([^"]+)",\s*"([^"]+)"', body)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


class Opt:
    def __init__(self, opt, dis, timeout):
        self.opt = opt
        self.dis = dis
        self.timeout = timeout
        self.calls = 0

    def env(self, i):
        """Run i gets its own heap layout: ASLR randomizes the bases, and the
        environment size, malloc's top pad and perturbation change what is
        allocated where."""
        e = dict(os.environ)
        rnd = random.Random(i * 7919 + 13)
        e["CGYM_LAYOUT_PAD"] = "x" * rnd.randrange(1, 4096)
        e["GLIBC_TUNABLES"] = "glibc.malloc.top_pad=%d:glibc.malloc.perturb=%d" % (
            rnd.randrange(0, 1 << 20), rnd.randrange(1, 255))
        return e

    def apply(self, pipeline, src, dst, i=0):
        """Runs opt-19 -passes=pipeline src -o dst, bitcode with the use-list
        order kept (the env keeps the module in memory, so a pass whose
        use-list order varies makes later passes vary); returns the sha1 of
        the output or None when opt failed."""
        self.calls += 1
        try:
            r = run([self.opt, "-passes=" + pipeline, "-preserve-bc-uselistorder", str(src),
                     "-o", str(dst)], env=self.env(i), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return None
        if r.returncode != 0:
            return None
        return hashlib.sha1(Path(dst).read_bytes()).hexdigest()

    def text(self, path):
        r = run([self.dis, str(path), "-o", "-"], timeout=self.timeout)
        return r.stdout.decode(errors="replace")

    def inst_count(self, path):
        n = 0
        in_fn = False
        for line in self.text(path).splitlines():
            if line.startswith("define "):
                in_fn = True
            elif line.startswith("}"):
                in_fn = False
            elif in_fn and line.startswith("  ") and not line.lstrip().startswith(";"):
                n += 1
        return n


def build_bundled(names, work, clang, link):
    manifest = json.loads((ROOT / "datasets/cgym-v0/manifest.json").read_text())
    by_name = {m["name"]: m for m in manifest}
    out = []
    for name in names:
        m = by_name[name]
        src = ROOT / "datasets/cgym-v0" / name
        objs = []
        for s in m["sources"]:
            o = work / ("%s.%s.bc" % (name, s))
            if o.exists() and o.stat().st_mtime >= (src / s).stat().st_mtime:
                objs.append(str(o))
                continue
            r = run([clang] + BITCODE_FLAGS + ["-I", str(src), str(src / s), "-o", str(o)])
            if r.returncode:
                raise SystemExit("clang failed on %s: %s" % (s, r.stderr.decode()))
            objs.append(str(o))
        bc = work / ("%s.bc" % name)
        if bc.exists() and bc.stat().st_mtime >= max(Path(o).stat().st_mtime for o in objs):
            out.append(("cgym-v0/" + name, bc))
            continue
        r = run([link] + objs + ["-o", str(bc)])
        if r.returncode:
            raise SystemExit("llvm-link failed on %s: %s" % (name, r.stderr.decode()))
        out.append(("cgym-v0/" + name, bc))
    return out


def build_csmith(seeds, work, clang, csmith):
    inc = "/usr/include/csmith"
    out = []
    for seed in seeds:
        c = work / ("csmith-%d.c" % seed)
        bc = work / ("csmith-%d.bc" % seed)
        if bc.exists():  # a rerun with the same --out keeps its programs
            out.append(("csmith/%d" % seed, bc))
            continue
        r = run([csmith, "--seed", str(seed), "--max-funcs", "24", "--max-block-depth", "4"])
        if r.returncode:
            continue
        c.write_bytes(r.stdout)
        bc = work / ("csmith-%d.bc" % seed)
        r = run([clang] + BITCODE_FLAGS + ["-w", "-I", inc, str(c), "-o", str(bc)])
        if r.returncode == 0:
            out.append(("csmith/%d" % seed, bc))
    return out


def build_linked(name, parts, work, opt, link, dis):
    """One module from many programs: each one's main renamed main_<k>, every
    other symbol internalized (clashing local names are renamed by the
    linker)."""
    pieces = []
    stem = name.replace("/", "_")
    for k, (_, bc) in enumerate(parts):
        ll = work / ("%s.part%d.ll" % (stem, k))
        r = run([dis, str(bc), "-o", str(ll)])
        if r.returncode:
            continue
        text = ll.read_text()
        text = re.sub(r"@main\b", "@main_%d" % k, text)
        ll.write_text(text)
        out = work / ("%s.part%d.bc" % (stem, k))
        r = run([opt, "-passes=internalize", "-internalize-public-api-list=main_%d" % k,
                 str(ll), "-o", str(out)])
        if r.returncode == 0:
            pieces.append(str(out))
    bc = work / ("%s.bc" % stem)
    r = run([link] + pieces + ["-o", str(bc)])
    if r.returncode:
        raise SystemExit("llvm-link failed for %s: %s" % (name, r.stderr.decode()[:2000]))
    return (name, bc)


class Campaign:
    def __init__(self, args, opt):
        self.args = args
        self.opt = opt
        self.passes = read_pass_table()
        self.out = Path(args.out)
        self.inputs_dir = self.out / "inputs"
        self.inputs_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out / "tmp"
        self.tmp.mkdir(exist_ok=True)
        # flag -> {"tried": n, "varied": n, "max_distinct": n, "examples": [...]}
        self.stats = {f: {"pipeline": p, "tried": 0, "varied": 0, "ir_varied": 0,
                          "max_distinct": 0,
                          "programs": set(), "examples": []} for f, p, _ in self.passes}
        self.sequence_results = []
        self.cgym_results = []
        self.saved = 0

    def check(self, flag, pipeline, src, where):
        """Runs one action --runs times on src; returns the first output (or
        None when opt failed) and records whether the outputs differed."""
        # A run that fails (a crash, an invalid module) counts as one more
        # outcome: an action that fails in some runs only is non-deterministic.
        hashes = []
        first = None
        for i in range(self.args.runs):
            dst = self.tmp / ("out%d.bc" % i)
            h = self.opt.apply(pipeline, src, dst, i)
            hashes.append(h or "failed")
            if h is not None and first is None:
                first = self.tmp / "first.bc"
                shutil.copyfile(dst, first)
        if first is None:
            return None
        st = self.stats[flag]
        st["tried"] += 1
        distinct = len(set(hashes))
        if distinct > 1:
            texts = set()
            for i in range(self.args.runs):
                if hashes[i] == "failed":
                    texts.add("failed")
                    continue
                texts.add(hashlib.sha1(self.opt.text(self.tmp / ("out%d.bc" % i)).encode())
                          .hexdigest())
            st["ir_varied"] += len(texts) > 1
            st["varied"] += 1
            st["max_distinct"] = max(st["max_distinct"], distinct)
            st["programs"].add(where.split(" ")[0])
            if len(st["examples"]) < 3:
                self.saved += 1
                keep = self.inputs_dir / ("input-%03d.bc" % self.saved)
                shutil.copyfile(src, keep)
                st["examples"].append({"where": where, "input": str(keep.relative_to(self.out)),
                                       "distinct": distinct, "runs": len(hashes),
                                       "input_instructions": self.opt.inst_count(src)})
            log("  NON-DETERMINISTIC %s on %s: %d distinct outputs of %d" %
                (flag, where, distinct, len(hashes)))
        return first

    def sweep(self, name, bc):
        """Every action once on the program and on its prepared form."""
        wanted = self.args.sweep_states.split(",")
        states = [("O0", bc)] if "O0" in wanted else []
        prepared = self.tmp / "prepared.bc"
        if "prepared" in wanted and self.opt.apply(PREPARE, bc, prepared) is not None:
            keep = self.tmp / ("%s.prepared.bc" % name.replace("/", "_"))
            shutil.copyfile(prepared, keep)
            states.append(("prepared", keep))
        for label, src in states:
            for flag, pipeline, _ in self.passes:
                if self.check(flag, pipeline, src, "%s (%s)" % (name, label)) is None:
                    pass

    def sequence(self, name, bc, actions, kind):
        """Steps through `actions`, checking every step."""
        cur = self.tmp / "seq-cur.bc"
        if self.opt.apply("verify", bc, cur) is None:
            return []
        # First the whole sequence as one opt-19 pipeline, as a user runs it.
        pipeline = ",invalidate<all>,".join(self.passes[a][1] for a in actions)
        whole = []
        for i in range(self.args.runs):
            dst = self.tmp / ("whole%d.bc" % i)
            if self.opt.apply(pipeline, cur, dst, i) is None:
                break
            whole.append(self.opt.inst_count(dst))
        varied = []
        for step, a in enumerate(actions):
            flag, pipeline, _ = self.passes[a]
            before = self.stats[flag]["varied"]
            out = self.check(flag, pipeline, cur, "%s (%s sequence, step %d)" % (name, kind, step))
            if out is None:
                break
            if self.stats[flag]["varied"] > before:
                varied.append(flag)
            shutil.copyfile(out, cur)
        self.sequence_results.append({"program": name, "kind": kind,
                                      "actions": [self.passes[a][0] for a in actions],
                                      "whole_pipeline_instruction_counts": whole,
                                      "varying_steps": varied})
        log("  whole pipeline: instruction counts %s; varying steps: %s" % (whole, varied))
        return varied

    def cgym_replay(self, uri, actions, kind):
        """Replays the sequence through cgym in --runs separate processes."""
        if not self.args.cgym:
            return
        pipeline = ",invalidate<all>,".join(self.passes[a][1] for a in actions)
        csv = self.tmp / "state.csv"
        csv.write_text("benchmark,reward,walltime,commandline\n"
                       "benchmark://%s,,0,\"opt-19 -passes='%s' input.bc -o output.bc\"\n" %
                       (uri, pipeline))
        rewards = []
        for i in range(self.args.runs):
            r = run([self.args.cgym, "replay", str(csv), "--env", "llvm-v0", "--reward",
                     "IrInstructionCount"], env=self.opt.env(i), timeout=self.args.timeout)
            m = re.search(rb"reward\s+(-?[0-9.e+-]+)", r.stdout)
            rewards.append(float(m.group(1)) if m else None)
        self.cgym_results.append({"benchmark": uri, "kind": kind,
                                  "actions": [self.passes[a][0] for a in actions],
                                  "rewards": rewards,
                                  "varied": len(set(rewards)) > 1})

    def report(self, programs, started):
        found = {f: s for f, s in self.stats.items() if s["varied"]}
        data = {
            "runs_per_check": self.args.runs,
            "opt_calls": self.opt.calls,
            "seconds": round(time.time() - started, 1),
            "programs": [n for n, _ in programs],
            "non_deterministic": {
                f: {"pipeline": s["pipeline"], "varied": s["varied"], "tried": s["tried"],
                    "ir_varied": s["ir_varied"],
                    "max_distinct": s["max_distinct"], "programs": sorted(s["programs"]),
                    "examples": s["examples"]}
                for f, s in sorted(found.items())},
            "checks": sum(s["tried"] for s in self.stats.values()),
            "sequences": self.sequence_results,
            "cgym_replays": self.cgym_results,
        }
        (self.out / "report.json").write_text(json.dumps(data, indent=1) + "\n")
        lines = ["# Determinism campaign", "",
                 "%d checks (one action on one input module, %d opt-19 processes each), "
                 "%d opt-19 calls, %.0f s, %d programs." %
                 (data["checks"], self.args.runs, self.opt.calls, data["seconds"], len(programs)),
                 "", "| Action | Pipeline element | Inputs where it varied / tried | of which the IR "
                 "text varied | Most distinct outputs | Programs |", "|---|---|---|---|---|---|"]
        for f, s in data["non_deterministic"].items():
            lines.append("| `%s` | `%s` | %d / %d | %d | %d of %d | %s |" %
                         (f, s["pipeline"], s["varied"], s["tried"], s["ir_varied"],
                          s["max_distinct"],
                          self.args.runs, ", ".join(s["programs"])))
        if not found:
            lines.append("| (none found) | | | | | |")
        lines += ["", "Reproduce (run it several times; the hashes differ):", ""]
        for f, s in data["non_deterministic"].items():
            ex = s["examples"][0]
            lines.append("    for i in 1 2 3 4 5; do opt-19 -passes='%s' -preserve-bc-uselistorder "
                         "%s -o - | sha1sum; done   # %s" % (s["pipeline"], ex["input"],
                                                            ex["where"]))
        if self.cgym_results:
            lines += ["", "cgym replays (IrInstructionCount reward, %d processes each):" %
                      self.args.runs, ""]
            for c in self.cgym_results:
                lines.append("- %s %s sequence of %d: rewards %s%s" %
                             (c["benchmark"], c["kind"], len(c["actions"]), c["rewards"],
                              "  VARIED" if c["varied"] else ""))
        (self.out / "report.md").write_text("\n".join(lines) + "\n")
        return data


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=4, help="processes per check")
    ap.add_argument("--programs", default="binary_heap,minilang",
                    help="bundled programs (comma-separated, or 'all')")
    ap.add_argument("--sweep-programs", default="",
                    help="programs (names of the above, 'all', or 'none') on which every "
                         "action is tried on the -O0 and the prepared module")
    ap.add_argument("--sweep-states", default="O0,prepared",
                    help="the sweep's inputs: O0 (as loaded), prepared (after %s)" % PREPARE)
    ap.add_argument("--csmith", type=int, default=0, help="csmith programs (seeds 1..N)")
    ap.add_argument("--linked", action="store_true",
                    help="also link every bundled program and csmith program into one module")
    ap.add_argument("--sequences", type=int, default=1, help="random sequences per program")
    ap.add_argument("--length", type=int, default=40, help="length of a random sequence")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--biggest-first", action="store_true",
                    help="visit the programs from the largest bitcode file down")
    ap.add_argument("--cgym", default="", help="the cgym binary: also replay through cgym")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--opt", default="opt-19")
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--llvm-link", default="llvm-link-19")
    ap.add_argument("--llvm-dis", default="llvm-dis-19")
    ap.add_argument("--csmith-bin", default="csmith")
    ap.add_argument("--expect-marked", default="",
                    help="a file listing the actions marked non-deterministic (one flag a line); "
                         "exit 1 when the campaign finds one that is not listed")
    args = ap.parse_args()
    if args.runs < 2:
        raise SystemExit("--runs must be at least 2 (got %d)" % args.runs)
    started = time.time()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = out / "programs"
    work.mkdir(exist_ok=True)
    opt = Opt(args.opt, args.llvm_dis, args.timeout)
    camp = Campaign(args, opt)

    manifest = [m["name"] for m in json.loads(
        (ROOT / "datasets/cgym-v0/manifest.json").read_text())]
    names = manifest if args.programs == "all" else [n for n in args.programs.split(",") if n]
    for n in names:
        if n not in manifest:
            raise SystemExit("unknown bundled program '%s'; valid: %s" % (n, ", ".join(manifest)))
    programs = build_bundled(names, work, args.clang, args.llvm_link)
    if args.csmith:
        if not shutil.which(args.csmith_bin):
            raise SystemExit("--csmith needs %s on PATH" % args.csmith_bin)
        programs += build_csmith(range(1, args.csmith + 1), work, args.clang, args.csmith_bin)
    if args.linked:
        programs.append(build_linked("linked/all", programs, work, args.opt, args.llvm_link,
                                     args.llvm_dis))
    log("%d programs built in %.0f s" % (len(programs), time.time() - started))

    sweep = args.sweep_programs
    rng = random.Random(args.seed)
    if args.biggest_first:
        programs.sort(key=lambda p: -p[1].stat().st_size)
    for name, bc in programs:
        if sweep == "all" or name in sweep.split(",") or name.split("/")[-1] in sweep.split(","):
            log("sweep: every action on %s" % name)
            camp.sweep(name, bc)
        for s in range(args.sequences):
            actions = [rng.randrange(len(camp.passes)) for _ in range(args.length)]
            log("random sequence %d on %s" % (s, name))
            camp.sequence(name, bc, actions, "random")
            if name.startswith("cgym-v0/"):
                camp.cgym_replay(name, actions, "random")
        camp.report(programs, started)  # after each program, so a long run can be read

    data = camp.report(programs, started)
    print((out / "report.md").read_text())
    if args.expect_marked:
        marked = {l.strip() for l in Path(args.expect_marked).read_text().splitlines() if l.strip()}
        missing = sorted(set(data["non_deterministic"]) - marked)
        if missing:
            print("FAIL: non-deterministic but not marked: " + ", ".join(missing))
            return 1
        print("OK: every non-deterministic action found is marked deterministic=false")
    return 0


if __name__ == "__main__":
    sys.exit(main())
