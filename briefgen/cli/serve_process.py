"""What a process is besides its folder, environment and streams, for the build server
(:mod:`briefgen.cli.server`): the client's resource limits (``ulimit``), priority (``nice``)
and CPU affinity (``taskset``), which the command's process takes on; and what it cannot take
on (group and supplementary groups, namespaces, root folder, the ``PYTHON*`` variables the
interpreter read as it started), where a client that differs from the server runs its command
itself. (Not its control group: each terminal or ssh session
has its own, and a server used from one only would save little. A command started in a
``systemd-run`` scope with a memory limit runs under the server's.)

``nice -n 19 briefgen batch ...`` must run at low priority, ``ulimit -f`` must limit what it
writes, ``sg other briefgen build`` must write files of group ``other``, ``unshare -n briefgen
email --send`` must have no network: alone they do, and a process forked from the server
would otherwise have the server's. Light: the standard library only (``resource`` is built in).
"""

from __future__ import annotations

import os

NAMESPACES = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")


def describe() -> dict:
    """This process's attributes (JSON-ready): ``limits`` {name: [soft, hard]} (-1 unlimited),
    ``nice``, ``affinity`` (CPU numbers, or None), and ``identity`` (what must be equal)."""
    import resource

    limits = {name: list(resource.getrlimit(getattr(resource, name)))
              for name in dir(resource) if name.startswith("RLIMIT_")}
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"limits": limits, "nice": os.getpriority(os.PRIO_PROCESS, 0), "affinity": affinity,
            "identity": identity()}


def identity() -> dict:
    """What a forked process cannot take on from its client: group and supplementary groups,
    namespaces, root folder (Linux's ``/proc/self``; what a system lacks is None) and the
    interpreter's ``PYTHON*`` environment variables."""
    found: dict = {"gid": os.getgid(), "egid": os.getegid(), "groups": sorted(os.getgroups())}
    for name in NAMESPACES:
        found[f"ns:{name}"] = _read_link(f"/proc/self/ns/{name}")
    found["root"] = _read_link("/proc/self/root")
    # what the interpreter read from the environment when it started, that no flag shows and a
    # fork cannot change (PYTHONHASHSEED's string hashing, PYTHONMALLOC, PYTHONPYCACHEPREFIX...)
    found["python"] = sorted([k, v] for k, v in os.environ.items() if k.startswith("PYTHON"))
    return found


def _read_link(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def unreachable(wanted: object) -> str:
    """Why a process forked from this one cannot become one with the attributes ``wanted``
    (a client's :func:`describe`); "" when it can. Limits may only be lowered and priority only
    lowered (raised ``nice``) without privilege."""
    import resource

    if not isinstance(wanted, dict):
        return "no attributes"
    mine = identity()
    for key, value in dict(wanted.get("identity") or {}).items():
        if mine.get(key) != value:
            return f"another {key}"
    privileged = os.geteuid() == 0
    for name, pair in dict(wanted.get("limits") or {}).items():
        which = getattr(resource, str(name), None)
        if which is None:
            continue
        _soft, hard = resource.getrlimit(which)
        if not privileged and _larger(pair[1], hard):
            return f"a higher {name}"
    nice = wanted.get("nice")
    if isinstance(nice, int) and nice < os.getpriority(os.PRIO_PROCESS, 0) and not privileged:
        return "a higher priority"
    return ""


def _larger(a: int, b: int) -> bool:
    """``a > b`` for resource limits, where -1 (RLIM_INFINITY) is the largest."""
    if a == b:
        return False
    return a == -1 or (b != -1 and a > b)


def adopt(wanted: dict) -> None:
    """Take on ``wanted``'s limits, priority and CPU affinity (a client's :func:`describe`,
    checked by :func:`unreachable`). Raises OSError when one cannot be set."""
    import resource

    for name, (soft, hard) in dict(wanted.get("limits") or {}).items():
        which = getattr(resource, str(name), None)
        if which is not None and resource.getrlimit(which) != (soft, hard):
            resource.setrlimit(which, (soft, hard))
    nice = wanted.get("nice")
    if isinstance(nice, int) and nice != os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    affinity = wanted.get("affinity")
    if affinity and hasattr(os, "sched_setaffinity") and set(affinity) != os.sched_getaffinity(0):
        try:
            os.sched_setaffinity(0, affinity)
        except OSError:  # a CPU outside this process's set (cpuset): the server's CPUs then
            pass
