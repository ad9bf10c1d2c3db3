"""B3, B4 — the size factor's 2021–2023 run and the January 2024 fall down the cap ladder.

Seed 001 (Feb 2024) dates two episodes; both are measured here from index closes and the CUFE
factor file, with intervals:

* **B3** "the small-cap factor was very effective from early 2021 to November 2023": the
  cumulative log return of the Wind micro-cap index minus CSI 300 from the 2020-12-31 close
  to the 2023-11-30 close (headline), and the cumulative CUFE SMB (value-weighted
  Fama–French size factor, ``econ.data.panels.cufe_factors``) over the same days. Each is
  ``N × mean`` of the daily series; the p-value is the Newey–West t-test of the daily mean
  (NW 1994 bandwidth) and a stationary block-bootstrap 95% interval is shown beside it.
  CSI 1000 and CSI 2000 minus CSI 300 are shown as other legs.
* **B4** "the January 2024 fall was a small-cap fall": January 2024 price returns (2023-12-29
  close to 2024-01-31 close) of SSE 50, CSI 300, CSI 500, CSI 1000, CSI 2000 and the Wind
  micro-cap index, and the Spearman correlation of the return with the ladder position
  (1 = largest). Its p-value is exact: all 720 orderings of six indices
  (``scipy.stats.permutation_test``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import cufe_factors, panel_vault
from econ.models.regression import ols_hac
from econ.models.returns import block_bootstrap_ci
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies._tables import Sections, marked, pair

B3_WINDOW = ("2020-12-31", "2023-11-30")
B3_LARGE = "cn.index.csi300.close"
B3_LEGS: tuple[tuple[str, str], ...] = (
    ("Micro-cap − CSI 300", "cn.index.microcap.close"),
    ("CSI 2000 − CSI 300", "cn.index.csi2000.close"),
    ("CSI 1000 − CSI 300", "cn.index.csi1000.close"),
)
B4_WINDOW = ("2023-12-29", "2024-01-31")
B4_LADDER: tuple[tuple[str, str], ...] = (
    ("SSE 50", "cn.index.sse50.close"),
    ("CSI 300", "cn.index.csi300.close"),
    ("CSI 500", "cn.index.csi500.close"),
    ("CSI 1000", "cn.index.csi1000.close"),
    ("CSI 2000", "cn.index.csi2000.close"),
    ("Micro-cap", "cn.index.microcap.close"),
)
N_BOOT = 999
SEED = 2021


def _cumulative(daily: pd.Series) -> dict[str, float]:
    """N × mean of a daily log series, its HAC se and p, and a block-bootstrap CI (all in %)."""
    d = daily.dropna()
    n = len(d)
    fit = ols_hac(d.rename("x"), pd.Series(1.0, index=d.index, name="const"), add_const=False)
    boot = block_bootstrap_ci(d.to_numpy(), lambda a: 100.0 * float(np.sum(a)), n_boot=N_BOOT, seed=SEED)
    return {"estimate": 100.0 * float(fit.params["const"]) * n, "se": 100.0 * float(fit.bse["const"]) * n,
            "p": float(fit.pvalues["const"]), "lo": boot.low, "hi": boot.high, "n": n,
            "simple": 100.0 * float(np.expm1(d.sum())), "hac": fit.bandwidth_description}


def _b3(loader: DataLoader) -> tuple[list[PartResult], Table, Figure | None, dict[str, float]]:
    a, b = B3_WINDOW
    rows, parts, numbers, paths = [], [], {}, {}
    try:
        large = loader.series(B3_LARGE)
    except DataError as exc:
        why = str(exc).splitlines()[0]
        return ([PartResult(claim="B3", part=n, missing=why) for n in ("size_factor_return", "cufe_smb")],
                Table(name="b3_size_factor", caption="Size factor", frame=pd.DataFrame(), sample=why), None, {})
    for label, sid in B3_LEGS:
        try:
            small = loader.series(sid)
        except DataError as exc:
            if sid == B3_LEGS[0][1]:
                parts.append(PartResult(claim="B3", part="size_factor_return", missing=str(exc).splitlines()[0]))
            continue
        lr = np.log(pd.concat([small, large], axis=1, join="inner")).diff()
        ex = (lr.iloc[:, 0] - lr.iloc[:, 1])
        ex = ex[(ex.index > a) & (ex.index <= b)]
        c = _cumulative(ex)
        paths[label] = 100.0 * ex.cumsum()
        rows.append({"Leg": marked(label, pair(label, sid, B3_LARGE), a), "Cumulative log (%)": c["estimate"], "HAC se": c["se"], "p": c["p"],
                     "Bootstrap 95% CI": f"[{c['lo']:.2f}, {c['hi']:.2f}]", "Simple (%)": c["simple"], "days": c["n"]})
        if sid == B3_LEGS[0][1]:
            parts.append(PartResult(claim="B3", part="size_factor_return", estimate=c["estimate"], se=c["se"],
                                    ci=(c["lo"], c["hi"]), pvalue=c["p"], n=c["n"], proxy=label,
                                    test=f"N × mean daily log excess return; HAC t-test ({c['hac']}); block-bootstrap CI",
                                    detail=f"{a} close to {b} close; simple excess {c['simple']:.2f}%"))
            numbers["B3_microcap_excess"] = c["estimate"]
            numbers["B3_microcap_p"] = c["p"]
    try:
        f = cufe_factors(panel_vault(loader.settings)).frame["smb"]
    except DataError as exc:
        parts.append(PartResult(claim="B3", part="cufe_smb", missing=str(exc).splitlines()[0]))
    else:
        s = np.log1p(f[(f.index > a) & (f.index <= b)])
        c = _cumulative(s)
        paths["CUFE SMB"] = 100.0 * s.cumsum()
        rows.append({"Leg": "CUFE SMB (value-weighted)", "Cumulative log (%)": c["estimate"], "HAC se": c["se"],
                     "p": c["p"], "Bootstrap 95% CI": f"[{c['lo']:.2f}, {c['hi']:.2f}]", "Simple (%)": c["simple"],
                     "days": c["n"]})
        parts.append(PartResult(claim="B3", part="cufe_smb", estimate=c["estimate"], se=c["se"], ci=(c["lo"], c["hi"]),
                                pvalue=c["p"], n=c["n"], proxy="CUFE SMB",
                                test=f"N × mean daily log(1 + SMB); HAC t-test ({c['hac']}); block-bootstrap CI",
                                detail=f"{a} to {b}"))
        numbers["B3_cufe_smb"] = c["estimate"]
        numbers["B3_cufe_p"] = c["p"]
    table = Table(name="b3_size_factor", caption="The size factor from the 2020-12-31 close to the 2023-11-30 close",
                  frame=pd.DataFrame(rows), digits={"p": 4, "days": 0},
                  notes=["Cumulative log return = N × mean of the daily log excess return; se and p from the "
                         "Newey–West t-test of the mean; 95% CI from a stationary block bootstrap (999 draws)."])
    fig = Figure(name="b3_size_factor", title="Cumulative size-factor returns, 2021-01 to 2023-11 (log, %)",
                 data=pd.DataFrame(paths), ylabel="cumulative log return (%)", hlines=[0.0]) if paths else None
    return parts, table, fig, numbers


def _b4(loader: DataLoader) -> tuple[list[PartResult], Table, dict[str, float]]:
    a, b = B4_WINDOW
    rows = []
    for pos, (label, sid) in enumerate(B4_LADDER, start=1):
        try:
            s = loader.series(sid)
        except DataError:
            continue
        r = 100.0 * float(s[:b].iloc[-1] / s[:a].iloc[-1] - 1.0)
        rows.append({"Index": label, "Rung (1 = largest)": pos, "January 2024 return (%)": r})
    frame = pd.DataFrame(rows)
    if len(frame) < 4:
        return ([PartResult(claim="B4", part="cap_ladder", missing="fewer than four ladder indices in the data")],
                Table(name="b4_ladder", caption="January 2024", frame=frame, sample="too few rungs"), {})
    x, y = frame["Rung (1 = largest)"].to_numpy(float), frame["January 2024 return (%)"].to_numpy(float)
    res = stats.permutation_test((y,), lambda v: stats.spearmanr(x, v).statistic, permutation_type="pairings",
                                 n_resamples=np.inf, alternative="two-sided")
    rho = float(res.statistic)
    part = PartResult(claim="B4", part="cap_ladder", estimate=rho, pvalue=float(res.pvalue), n=len(frame),
                      proxy=", ".join(frame["Index"]),
                      test="Spearman correlation of return with ladder position; exact permutation p (all orderings)",
                      detail=f"{a} close to {b} close")
    table = Table(name="b4_ladder", caption="January 2024 returns down the cap ladder", frame=frame,
                  digits={"Rung (1 = largest)": 0, "January 2024 return (%)": 2},
                  sample=f"{a} close to {b} close, {len(frame)} rungs",
                  notes=[f"Spearman ρ of return with rung = {rho:.2f}; exact permutation p = {res.pvalue:.4f}."])
    numbers = {"B4_rho": rho, "B4_p": float(res.pvalue)}
    numbers.update({f"B4_{r['Index'].replace(' ', '').replace('-', '')}": r["January 2024 return (%)"] for r in rows})
    return [part], table, numbers


class Episodes(Study):
    name = "episodes"
    title = "The size factor in 2021–2023 and the January 2024 fall"
    claims = ("B3", "B4")
    parts = ("B3.size_factor_return", "B3.cufe_smb", "B4.cap_ladder")
    series = tuple(dict.fromkeys([B3_LARGE, *(s for _, s in B3_LEGS), *(s for _, s in B4_LADDER)]))

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        say("B3 size factor")
        out = Sections()
        p3, t3, fig, n3 = _b3(loader)
        out.add(p3, t3, n3)
        say("B4 ladder")
        out.add(*_b4(loader))
        return out.result(self, loader, figures=[fig] if fig is not None else [],
                          headline_proxy="Micro-cap − CSI 300 (B3); the six-index ladder (B4)",
                          data_ids=list(self.series))


STUDY = Episodes()
