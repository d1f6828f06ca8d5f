"""Graph layout of large network charts in time near-linear in their size.

The layout of small networks (:mod:`briefgen.charts.network_layout`) is all-pairs: stress
majorization with a dense distance matrix and its inverse (cubic), and a force-directed
pass whose every iteration looks at every pair of boxes and every (box, line) pair. That
is what keeps the example's drawing as it is, and it is fast below ~100 boxes; at 450
boxes it takes seconds. From :data:`SPARSE_FROM` boxes (entities plus predicate labels)
a component is laid out here instead:

* :func:`component_positions`: pivot MDS (Brandes and Pich 2006: hop distances to
  :data:`PIVOTS` far-apart pivots, the two main axes by power iteration) for the global
  shape, then sparse stress (Ortmann et al. 2016: each node against its neighbourhood of
  :data:`NEAR_HOPS` hops and the pivots) for the local one; O(n (pivots + neighbourhood))
  per iteration.
* :func:`~briefgen.charts.network_relax.relax_sparse`: the force-directed pass of
  :func:`~briefgen.charts.network_layout.relax` with the same forces, over the pairs of
  boxes and the (box, line) pairs that can touch: found every :data:`REFRESH`
  iterations within the distance boxes can travel meanwhile, so no touching pair is
  missed; the weak long-range repulsion takes boxes by cells.

Deterministic: numpy only, no BLAS (products are summed by numpy itself), no randomness,
independent of the hash seed. Units: inches from the lower left corner of the drawing
area (positions of :func:`component_positions` are fractions of the component's slot).
"""

from __future__ import annotations

import math

SPARSE_FROM = 100  # boxes (entities + predicate labels) from which a graph is laid out here
PIVOTS = 40        # pivots of the pivot MDS
NEAR_HOPS = 3      # sparse stress: each node against the nodes this many hops away or fewer
STRESS_ITERS = 60  # iterations of the sparse stress
REFRESH = 5        # iterations of relax_sparse between two searches for pairs that can touch


def _hops(nbrs: list[list[int]], source: int, n: int, limit: int | None = None):
    """Hop distances (float array, inf where unreached) from ``source``, at most ``limit``."""
    import numpy as np

    dist = np.full(n, np.inf)
    dist[source] = 0.0
    frontier, depth = [source], 0
    while frontier and (limit is None or depth < limit):
        depth += 1
        nxt = []
        for node in frontier:
            for nb in nbrs[node]:
                if dist[nb] == np.inf:
                    dist[nb] = depth
                    nxt.append(nb)
        frontier = nxt
    return dist


def _top_axes(c):
    """The two main left singular vectors of ``c`` (n x k), scaled by their singular values,
    as an (n, 2) array: power iteration on c c^T with plain numpy sums (no BLAS)."""
    import numpy as np

    n = c.shape[0]
    out: list = []
    for axis in range(2):
        u = np.cos(np.arange(n) * (1.0 + 0.7 * axis)) + 0.5  # a fixed, generic start
        for _ in range(300):
            for prev in out:
                u = u - prev * (u * prev).sum()
            norm = math.sqrt(float((u * u).sum())) or 1.0
            u = u / norm
            v = (c * u[:, None]).sum(axis=0)        # c^T u
            w = (c * v[None, :]).sum(axis=1)        # c c^T u
            for prev in out:
                w = w - prev * (w * prev).sum()
            w_norm = math.sqrt(float((w * w).sum())) or 1.0
            done = float(np.abs(w / w_norm - u).max()) < 1e-7
            u = w / w_norm
            if done:
                break
        out.append(u)
    sigma = [math.sqrt(float(((c * u[:, None]).sum(axis=0) ** 2).sum())) for u in out]  # |c^T u|
    return np.column_stack([out[0] * sigma[0], out[1] * sigma[1]])


def component_positions(adj: dict, nodes: list, slot_w: float, slot_h: float) -> dict:
    """Positions in [0, 1]^2 of the slot (``slot_w`` x ``slot_h`` inches) of the ``nodes``
    of one connected component (``adj``: node -> neighbours): pivot MDS, refined by sparse
    stress, its main axis along the slot's longer side, the first node on the left/top."""
    import numpy as np

    n = len(nodes)
    index = {k: i for i, k in enumerate(nodes)}
    nbrs = [[index[m] for m in adj[k]] for k in nodes]
    # pivots: each the node farthest (in hops) from those taken, the first node first
    pivots, cols = [0], [_hops(nbrs, 0, n)]
    nearest = cols[0].copy()
    for _ in range(min(PIVOTS, n) - 1):
        nxt = int(np.argmax(nearest))
        if nearest[nxt] <= 0:
            break
        pivots.append(nxt)
        cols.append(_hops(nbrs, nxt, n))
        nearest = np.minimum(nearest, cols[-1])
    d = np.column_stack(cols)
    d2 = d * d
    c = -0.5 * (d2 - d2.mean(axis=1, keepdims=True) - d2.mean(axis=0, keepdims=True) + d2.mean())
    x = _top_axes(c)
    # nodes with the same distances to every pivot (leaves of one parent) coincide: a
    # deterministic nudge gives each its own direction
    x = x + 0.05 * np.column_stack([np.cos(np.arange(n) * 2.39996), np.sin(np.arange(n) * 2.39996)])
    # sparse stress: pairs (i, j) with their target distance (hops) and weight d^-2
    pi, pj, pd = [], [], []
    for i in range(n):
        near = _hops(nbrs, i, n, NEAR_HOPS)
        js = np.flatnonzero((near > 0) & np.isfinite(near))
        pi += [i] * len(js)
        pj += js.tolist()
        pd += near[js].tolist()
    for col, p in enumerate(pivots):  # each node against the pivots (both ways)
        far = np.flatnonzero(d[:, col] > NEAR_HOPS)
        pi += far.tolist() + [p] * len(far)
        pj += [p] * len(far) + far.tolist()
        pd += d[far, col].tolist() * 2
    ai, aj, ad = np.array(pi, dtype=int), np.array(pj, dtype=int), np.array(pd, dtype=float)
    w = ad ** -2.0
    wsum = np.bincount(ai, w, n)
    for _ in range(STRESS_ITERS):
        vx, vy = x[ai, 0] - x[aj, 0], x[ai, 1] - x[aj, 1]
        length = np.maximum(np.sqrt(vx * vx + vy * vy), 1e-9)
        tx = x[aj, 0] + ad * vx / length
        ty = x[aj, 1] + ad * vy / length
        x = np.column_stack([np.bincount(ai, w * tx, n), np.bincount(ai, w * ty, n)]) / wsum[:, None]
    x -= x.mean(axis=0)
    sxx, syy, sxy = (x[:, 0] ** 2).sum(), (x[:, 1] ** 2).sum(), (x[:, 0] * x[:, 1]).sum()
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy) + (math.pi / 2 if slot_h > slot_w else 0.0)
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    x = np.column_stack([x[:, 0] * cos_a + x[:, 1] * sin_a, x[:, 1] * cos_a - x[:, 0] * sin_a])
    if x[0, 0] > 1e-9:
        x[:, 0] *= -1
    if x[0, 1] < -1e-9:
        x[:, 1] *= -1
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    x = (x - lo) / span
    return {k: (float(x[i, 0]), float(x[i, 1])) for k, i in index.items()}
