"""Synthetic series from a declared data-generating process with a known truth.

For tests, size/power simulations and a demo that runs anywhere. Everything it returns is
flagged ``synthetic=True``; panels, study results, tables and figures built on it say
SYNTHETIC. It never serves a series alongside real data (the loader uses it only in
synthetic mode).

The DGP (business days from ``start`` to ``end``; one seed; stable across platforms):

* US 10Y yield: ``y_t = mu + 0.999 (y_{t-1} - mu) + e_t``, ``mu = 3``, ``e_t ~ N(0, 0.05^2)``.
* CSI 300 log return: ``r300_t = truth["beta_us10y"] * dy_t + m_t``, ``m_t ~ N(0, 0.012^2)``.
* each small-cap index ``k``: ``r_k = r300 + s_t + u_kt`` with a common style factor ``s_t``
  (AR(1), coefficient 0.05, s.d. 0.006) and idiosyncratic ``u_kt`` (s.d. 0.002).
* other series by kind (rates: AR(1) levels; flows: i.i.d. normal; valuation: log random
  walk; shares: bounded AR(1); returns: i.i.d.), each from its own stable sub-seed.

``SyntheticWorld.truth`` holds the true parameters so a study run on synthetic data can be
checked against them.
"""

from __future__ import annotations

import dataclasses
import zlib
from functools import cached_property

import numpy as np
import pandas as pd

from econ.data.catalog import SeriesSpec
from econ.data.providers.base import Fetched, Provider

_SMALL_CAPS = ("cn.index.csi500.close", "cn.index.csi1000.close", "cn.index.csi2000.close",
               "cn.index.microcap.close", "cn.index.sw_small.close", "cn.index.sw_small_hist.close")


@dataclasses.dataclass(frozen=True)
class SyntheticWorld:
    """A seeded synthetic market. ``truth`` documents the parameters that generated it."""

    seed: int = 20240205
    start: str = "2010-01-04"
    end: str = "2025-12-31"
    beta_us10y: float = -0.08  # CSI 300 log return per 1 pp change in the US 10Y yield

    @property
    def truth(self) -> dict[str, float]:
        return {"beta_us10y": self.beta_us10y, "style_ar1": 0.05, "us10y_mean": 3.0}

    @cached_property
    def days(self) -> pd.DatetimeIndex:
        return pd.bdate_range(self.start, self.end, name="date")

    def _rng(self, key: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(key.encode())])

    @cached_property
    def _core(self) -> dict[str, np.ndarray]:
        n = len(self.days)
        rng = self._rng("core")
        y = np.empty(n)
        y[0] = 3.0
        e = rng.normal(0.0, 0.05, n)
        for t in range(1, n):
            y[t] = 3.0 + 0.999 * (y[t - 1] - 3.0) + e[t]
        dy = np.diff(y, prepend=y[0])
        r300 = self.beta_us10y * dy + rng.normal(0.0, 0.012, n)
        style = np.empty(n)
        eta = rng.normal(0.0, 0.006, n)
        style[0] = eta[0]
        for t in range(1, n):
            style[t] = 0.05 * style[t - 1] + eta[t]
        return {"us10y": y, "r300": r300, "style": style}

    def series(self, spec: SeriesSpec) -> pd.Series:
        core = self._core
        sid = spec.id
        if sid == "us.rate.ust10y":
            values, idx = core["us10y"], self.days
        elif sid == "cn.index.csi300.close":
            values, idx = 3000.0 * np.exp(np.cumsum(core["r300"])), self.days
        elif sid in _SMALL_CAPS:
            u = self._rng(sid).normal(0.0, 0.002, len(self.days))
            values, idx = 5000.0 * np.exp(np.cumsum(core["r300"] + core["style"] + u)), self.days
        else:
            values, idx = self._generic(spec)
        return pd.Series(values, index=idx, name=sid)

    def _generic(self, spec: SeriesSpec) -> tuple[np.ndarray, pd.DatetimeIndex]:
        rng = self._rng(spec.id)
        if spec.frequency == "D":
            idx = self.days
        else:
            rule = {"W": "W-WED", "M": "ME", "Q": "QE"}[spec.frequency]
            idx = pd.date_range(self.start, self.end, freq=rule, name="date")
        n = len(idx)
        e = rng.normal(size=n)
        if spec.kind in ("price", "stock", "valuation"):
            scale = {"valuation": 0.01, "stock": 0.005}.get(spec.kind, 0.012)
            return 1000.0 * np.exp(np.cumsum(scale * e)), idx
        if spec.kind in ("rate", "share"):
            x = np.empty(n)
            x[0] = 0.0
            for t in range(1, n):
                x[t] = 0.99 * x[t - 1] + 0.1 * e[t]
            base = 0.3 if spec.kind == "share" else 2.5
            out = base + (0.02 if spec.kind == "share" else 1.0) * x
            return out, idx
        if spec.kind == "flow":
            return 100.0 * e, idx
        return 0.01 * e, idx  # returns and anything else


class SyntheticProvider(Provider):
    """Serves every catalog id from a :class:`SyntheticWorld`."""

    name = "synthetic"

    def __init__(self, world: SyntheticWorld | None = None) -> None:
        self.world = world or SyntheticWorld()

    def serves(self, spec: SeriesSpec) -> bool:
        return True

    def fetch(self, spec: SeriesSpec) -> Fetched:
        w = self.world
        return Fetched(
            series=w.series(spec),
            provider=self.name,
            source=f"SyntheticWorld(seed={w.seed}, start={w.start}, end={w.end})",
            unit=spec.unit,
            synthetic=True,
            notes=(f"SYNTHETIC data; truth {w.truth}",),
        )
