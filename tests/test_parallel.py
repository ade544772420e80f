"""storyline.parallel: one Executor hands every worker its state, under fork and spawn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.parallel import Executor, worker_state


def _scaled(x: int) -> int:
    factor, offset = worker_state()
    return x * factor + offset


@pytest.mark.parametrize("method", [None, "spawn"])
def test_workers_see_the_pool_state(method: str | None) -> None:
    with Executor(2, method).pool((3, 1)) as ex:
        assert list(ex.map(_scaled, range(5))) == [1, 4, 7, 10, 13]
    assert worker_state() is None  # the parent's own state is untouched


def test_default_start_method_is_fork() -> None:
    assert Executor().context().get_start_method() == "fork"
    assert Executor(start_method="spawn").context().get_start_method() == "spawn"


def _pdeathsig(_: int) -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    sig = ctypes.c_int(-1)
    libc.prctl(2, ctypes.byref(sig), 0, 0, 0)  # PR_GET_PDEATHSIG
    return sig.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("method", [None, "spawn"])
def test_workers_are_killed_with_their_parent(method: str | None) -> None:
    """Every pool worker asks the kernel for SIGKILL when its parent dies."""
    with Executor(2, method).pool() as ex:
        assert set(ex.map(_pdeathsig, range(4))) == {int(signal.SIGKILL)}


def test_die_with_parent_exits_when_the_parent_is_already_gone() -> None:
    """A worker whose parent died before the initializer ran leaves at once (no orphan)."""
    code = ("import os; from storyline.parallel import die_with_parent; "
            "die_with_parent(os.getppid() + 1000003); print('alive')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    if sys.platform.startswith("linux"):
        assert r.returncode == 1 and "alive" not in r.stdout and not r.stderr
    else:  # elsewhere a no-op
        assert r.returncode == 0


def _children(root: int) -> set[int]:
    """All descendants of ``root`` (from /proc)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found.update(kids)
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie is dead, only not yet reaped


def _kill_and_wait_for_orphans(proc: subprocess.Popen[bytes], want: int, settle: float) -> float:
    """Wait until ``proc`` has ``want`` children, then ``settle`` seconds, SIGKILL it, and return
    how long its descendants took to disappear (fail after 3 s: the kernel kills them at once;
    before, busy or idle workers lived on for seconds to minutes)."""
    deadline = time.time() + 120
    kids: set[int] = set()
    while time.time() < deadline and proc.poll() is None:
        kids = _children(proc.pid)
        if len(kids) >= want:
            break
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    assert len(kids) >= want, f"only {len(kids)} children appeared"
    time.sleep(settle)
    kids = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t0 = time.time()
    while time.time() - t0 < 3 and any(_alive(k) for k in kids):
        time.sleep(0.1)
    left = [k for k in kids if _alive(k)]
    for k in left:  # do not leave them behind even when the test fails
        os.kill(k, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(kids)} children outlived their SIGKILLed parent"
    return time.time() - t0


CLI = [sys.executable, "-c", "from storyline.cli import main; main()"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_index_add_workers_die_with_a_sigkilled_indexer(tmp_path: Path) -> None:
    from storyline.io import write_records
    from storyline.synth import generate

    corpus = tmp_path / "big.jsonl"
    write_records(generate(6000, seed=9), corpus)
    # one big batch: both workers are busy preparing 3,000 articles when the indexer dies
    proc = subprocess.Popen([*CLI, "index", "add", str(tmp_path / "s.db"), str(corpus),
                             "--workers", "2", "--batch-size", "6000", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _kill_and_wait_for_orphans(proc, 2, 2.0)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_serve_prep_workers_die_with_a_sigkilled_server(tmp_path: Path) -> None:
    import socket

    import httpx

    from storyline.synth import generate

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*CLI, "serve", str(tmp_path / "s.db"), "--create", "--port",
                             str(port), "--prep-workers", "2", "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    arts = [{k: r[k] for k in ("id", "text", "title", "published")} for r in generate(40, seed=3)]
    r = httpx.post(url + "/articles", json={"articles": arts}, timeout=120)
    assert r.status_code == 200, r.text  # the pool's workers started and prepared the batch
    _kill_and_wait_for_orphans(proc, 2, 0.5)
