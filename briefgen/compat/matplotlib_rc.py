"""Which ``matplotlibrc`` a process's matplotlib follows, for the build server
(:mod:`briefgen.cli.server`).

matplotlib reads its settings file once, when it is imported: the first of ``./matplotlibrc``
(the working folder), ``$MATPLOTLIBRC``, ``$MPLCONFIGDIR/matplotlibrc`` or the user's
``~/.config/matplotlib/matplotlibrc`` (``$XDG_CONFIG_HOME``), else its own. The settings briefgen's
charts do not set themselves (line widths, tick sizes, ...) come from it, so a chart drawn alone
follows the file of the command's folder and environment. The server imported matplotlib in its
own folder and environment: :func:`remember` notes the file it read, and a command forked from
it calls :func:`follow`, which reads the command's file when it is another (or was edited since).

Written for matplotlib 3.8-3.11 (public API: ``get_data_path``, ``rc_params_from_file``,
``rcParams``); the search order is that of ``matplotlib.matplotlib_fname``.
"""

from __future__ import annotations

import os

_LOADED: tuple | None = None
"""The file the server's matplotlib read (:func:`stamp` of it), set by :func:`remember`."""


def rc_file() -> str:
    """The settings file a matplotlib imported now, in this folder and environment, would read
    (the search order of ``matplotlib.matplotlib_fname``, without its cached configuration
    folder). Imports matplotlib."""
    import matplotlib

    candidates = ["matplotlibrc"]
    if os.environ.get("MATPLOTLIBRC"):
        candidates += [os.environ["MATPLOTLIBRC"], os.path.join(os.environ["MATPLOTLIBRC"], "matplotlibrc")]
    config = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config"), "matplotlib")
    if os.path.isdir(config) and os.access(config, os.W_OK):  # else matplotlib takes a temporary folder
        candidates.append(os.path.join(config, "matplotlibrc"))
    for candidate in candidates:
        if os.path.exists(candidate) and not os.path.isdir(candidate):
            return os.path.abspath(candidate)
    return os.path.join(matplotlib.get_data_path(), "matplotlibrc")


def stamp(path: str) -> tuple:
    """``(path, size, modification time)`` of a settings file (size -1 when unreadable)."""
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, 0)
    return (path, st.st_size, st.st_mtime_ns)


def remember() -> None:
    """Note the settings file this process's matplotlib read (call in the folder and environment
    it was imported in, with nothing changed since)."""
    global _LOADED
    _LOADED = stamp(rc_file())


def follow() -> bool:
    """When a fresh matplotlib here would read another settings file than the one noted by
    :func:`remember` (or the same file, edited), take its settings (all but the backend), as a
    fresh import would have them. Returns True when it did; does nothing where matplotlib is not
    imported or nothing was noted."""
    import sys

    if _LOADED is None or "matplotlib" not in sys.modules:
        return False
    path = rc_file()
    if stamp(path) == _LOADED:
        return False
    import warnings

    import matplotlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a bad line is reported by a fresh import's chart worker
        params = matplotlib.rc_params_from_file(path, fail_on_error=False, use_default_template=True)
        matplotlib.rcParams.update({key: value for key, value in params.items() if key != "backend"})
    return True
