"""Change points: ruptures KernelCPD (linear kernel) gives the PELT L2 segmentation, fast."""

from __future__ import annotations

import numpy as np
import ruptures

from detente.relations import change_points


def test_change_points_find_a_shift_and_match_pelt_l2() -> None:
    rng = np.random.default_rng(7)
    for n in (30, 60, 120):
        values = np.concatenate([rng.normal(2, 1, n // 2), rng.normal(-6, 1, n - n // 2)])
        found = change_points(list(values))
        assert found == [n // 2]
        pen = 2 * float(np.var(values)) * float(np.log(n))
        pelt = ruptures.Pelt(model="l2", min_size=2, jump=1).fit(values.reshape(-1, 1))
        assert found == [b for b in pelt.predict(pen=pen) if b < n]
    assert change_points([1.0, 1.0, 1.0]) == []
    assert change_points([0.0] * 40) == []
