"""A local Dask cluster for the ``briefgen batch --scheduler`` tests (a pytest plugin, named in
``tests/conftest.py``): two worker processes of one thread each, once per test module.

The workers keep their project caches in :func:`worker_cache_dir` (their ``BRIEFGEN_CACHE_DIR``,
set when they start), a folder of the test run that the submitting side's tests never use, so
a test can tell what the workers wrote there.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def worker_cache_dir(tmp_path_factory) -> Path:
    """The Dask workers' cache folder (``BRIEFGEN_CACHE_DIR`` in the worker processes)."""
    return tmp_path_factory.mktemp("dask-worker-cache")


@pytest.fixture(scope="module")
def dask_cluster(worker_cache_dir):
    """A ``distributed.LocalCluster`` (skipped without dask.distributed)."""
    distributed = pytest.importorskip("distributed")
    import dask

    # a task that kills its worker fails at once instead of being retried on another one
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, host="127.0.0.1",
                                           env={"BRIEFGEN_CACHE_DIR": str(worker_cache_dir)})
        try:
            yield cluster
        finally:
            cluster.close()
