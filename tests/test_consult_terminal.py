"""`finder consult` in a real terminal (a pseudo-terminal driven by pexpect), outside CliRunner.

Answers two questions, presses Ctrl-C, and checks that the next run resumes at the
third question with the first two answers stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 30


def run_finder(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "finder", *args],
        env=_env(home), capture_output=True, text=True, timeout=TIMEOUT, check=True,
    )  # fmt: skip


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDER_")}
    env.update({"FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1", "TERM": "dumb"})
    return env


def spawn_consult(
    home: Path, tid: str, *args: str, dimensions: tuple[int, int] = (40, 200)
) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable, ["-m", "finder", "consult", tid, *args],
        env=_env(home), encoding="utf-8", timeout=TIMEOUT, dimensions=dimensions,
    )  # fmt: skip
    return child


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_real_terminal_then_resume(finder_home: Path) -> None:
    tid = run_finder(finder_home, "add", "--name", "Dana Reyes", "--yes").stdout.strip()

    child = spawn_consult(finder_home, tid, "--all")
    child.expect_exact("[1/56] Licence: Are you licensed to practise psychotherapy?")
    child.expect_exact("(y/n) > ")
    child.sendline("yes")
    child.expect_exact("[2/56] Licence: What type of licence")
    child.expect_exact("(text) > ")
    child.sendline("LCSW 4471")
    child.expect_exact("[3/56] Licence: Is your licence active in the state where I live?")
    child.expect_exact("(y/n) > ")
    child.sendintr()  # Ctrl-C at the prompt
    child.expect_exact("Stopped. Your answers so far are saved.")
    child.expect_exact("54 questions are still unanswered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")

    child = spawn_consult(finder_home, tid, "--all")
    child.expect_exact("[3/56] Licence: Is your licence active in the state where I live?")
    child.expect_exact("(y/n) > ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    shown = run_finder(finder_home, "answers", tid, "--json").stdout
    recorded = {row["id"]: row["value"] for row in json.loads(shown)["answers"]}
    assert recorded == {"licensed": True, "licence_type_number": "LCSW 4471"}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_conditions_follow_ups_units_and_wrapping_in_a_narrow_terminal(finder_home: Path) -> None:
    tid = run_finder(finder_home, "add", "--name", "Dana Reyes", "--yes").stdout.strip()

    child = spawn_consult(finder_home, tid, "--only", "licence", dimensions=(24, 50))
    for reply in ("y", "LCSW 4471", "y"):
        child.expect(r"> ")
        child.sendline(reply)
    # Wrapped at a word boundary to the 50 columns, the rest indented under the question.
    child.expect(r"\[4/6\] Licence: Are you pre-licensed, an associate\r\n    or intern\?")
    child.expect_exact("(y/n) > ")
    child.sendline("y")
    # A yes asks the follow-up for the detail.
    child.expect(r"\[5/6\] Licence: Who supervises you, and what is\s+their\s+licence\?")
    child.expect_exact("(text) > ")
    child.sendline("Dr Ana Lee, LICSW")
    child.expect(r"\[6/6\] Licence: Has your licence ever been\s+disciplined")
    child.sendline("n")
    child.expect(pexpect.EOF)
    shown = child.before or ""
    child.close()
    assert child.exitstatus == 0
    assert all(len(line) <= 50 for line in shown.splitlines())

    child = spawn_consult(finder_home, tid, "--only", "training", "--from", "certified")
    child.expect_exact("[5/11] IPT training: Are you certified in IPT?")
    child.expect_exact("(y/n) > ")
    child.sendline("n")
    # "Not certified" rules out the question about the certifying body.
    child.expect_exact("IPT training: Could you show me your IPT certificate")
    child.sendline("y")
    child.expect_exact("IPT training: Could you describe how IPT works")
    child.sendline("clearly")
    child.expect_exact("IPT training: Which IPT manual")
    child.sendline("")
    child.expect_exact("what percent of your clients do you see with IPT?")
    child.expect_exact("(number, in percent) > ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()

    shown = run_finder(finder_home, "answers", tid).stdout
    assert "Who supervises you, and what is their licence? Dr Ana Lee, LICSW" in shown
    assert "Not asked: earlier answers ruled them out\n" in shown
    assert "  Which body certified you, at what level, and in which year? (certified: no)" in shown
