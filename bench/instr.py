"""Python side of bench/run.js's instr suite (bench/instr.js is the Node side): the same ops, run
under valgrind's callgrind, printed as JSON in thousands of machine instructions per op.
    instr.py           runs itself under valgrind
    instr.py --child   the measured process: os.getppid() between phases makes callgrind dump
"""
import json
import os
import re
import subprocess
import sys
import tempfile

WARM = 5000
N = 20000


def cases(torch):
    a1, b1 = torch.ones(1), torch.ones(1)
    a4, b4 = torch.randn(4, 4), torch.randn(4, 4)
    v = torch.randn(16)
    # The Node side's "never disposed" variant is compared with the first case.
    return {
        "add 1-element (k instructions)": lambda: a1.add(b1),
        "mul 1-element (k instructions)": lambda: a1.mul(b1),
        "mul 1-element by 2 (k instructions)": lambda: a1.mul(2),
        "matmul 4x4 (k instructions)": lambda: a4.matmul(b4),
        "relu 16 (k instructions)": lambda: v.relu(),
        "sum 16 (k instructions)": lambda: v.sum(),
    }


def child():
    import torch

    torch.set_num_threads(1)
    ops = cases(torch)
    os.getppid()
    for op in ops.values():
        for _ in range(WARM):
            op()
        os.getppid()
        for _ in range(N):
            op()
        os.getppid()
    print(json.dumps(list(ops)))


def main():
    with tempfile.TemporaryDirectory(prefix="torchnode-instr-") as d:
        out_file = os.path.join(d, "cg")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out_file}", sys.executable, __file__, "--child"],
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        names = json.loads(run.stdout)
        parts = sorted(int(m.group(1)) for f in os.listdir(d) if (m := re.fullmatch(r"cg\.(\d+)", f)))
        phases = []
        for n in parts:
            with open(f"{out_file}.{n}") as fh:
                phases.append(int(re.search(r"^(?:summary|totals): (\d+)", fh.read(), re.M).group(1)))
    # Dump 1 ends at the first getppid (start-up); case i's warm-up is dump 2 + 2i, its run 3 + 2i.
    print(json.dumps({name: phases[2 + 2 * i] / N / 1000 for i, name in enumerate(names)}))


if __name__ == "__main__":
    child() if sys.argv[1:] == ["--child"] else main()
