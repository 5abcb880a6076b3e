#!/usr/bin/env python3
"""Runs the examples of a Markdown file exactly as written and compares their output.

Every ```console block is a transcript: a line starting with "$ " is a command (a line ending in "\\"
continues it), run with bash from the repository root; the lines after it, up to the next command or
the block's end, are its expected standard output (trailing spaces ignored). Prints
"readme: N passed, N failed" and exits 1 when an example failed.
Usage: check_examples.py README.md [more.md ...]
"""
import os
import subprocess
import sys


def examples(path):
    """Yields (line number, command, expected output) for each command in the file's console blocks."""
    with open(path, encoding="utf-8") as markdown:
        lines = markdown.read().split("\n")
    in_block = False
    command = None
    continued = False
    start = 0
    expected = []
    for number, line in enumerate(lines, 1):
        if not in_block:
            in_block = line.strip() == "```console"
            continue
        if continued:
            command += "\n" + line
            continued = line.endswith("\\")
            continue
        if line.strip() == "```" or line.startswith("$ "):
            if command is not None:
                yield start, command, "\n".join(expected)
            command, expected = None, []
            if line.strip() == "```":
                in_block = False
            else:
                start, command = number, line[2:]
                continued = line.endswith("\\")
            continue
        expected.append(line)


def normalized(text):
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n"))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    passed = failed = 0
    environment = dict(os.environ, COLUMNS="100")
    for path in sys.argv[1:]:
        for line, command, expected in examples(path):
            run = subprocess.run(["bash", "-c", command], cwd=root, env=environment,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
            actual = normalized(run.stdout)
            if run.returncode == 0 and actual == normalized(expected):
                passed += 1
                continue
            failed += 1
            print(f"FAIL {path}:{line}: $ {command}\n--- expected\n{expected}\n--- actual (exit {run.returncode})\n"
                  f"{run.stdout}{run.stderr}", file=sys.stderr)
    print(f"readme: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
