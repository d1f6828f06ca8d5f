"""The start of a child script that kills itself (``kill -9``) at its ``kill_at``-th file-system
call: the crash tests run a commit under it once per call a commit makes, and check what a
reader finds afterwards. The script defines ``kill_at`` (an int) before this preamble, then
makes its commit and prints ``calls`` (how many it made: the range to test)."""

COUNT_AND_KILL = """
import fcntl, os, signal

calls = 0


def counted(real):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call


for module, names in ((os, ("open", "close", "replace", "rename", "link", "unlink", "fsync", "fchmod", "write")),
                      (fcntl, ("flock",))):
    for name in names:
        setattr(module, name, counted(getattr(module, name)))
"""
