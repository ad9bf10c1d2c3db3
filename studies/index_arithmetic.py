"""E1 — the SSE Composite's arithmetic: a cap-weighted index kept continuous by its divisor.

Seed 004 quotes the rule: index = Σ(price × shares) / divisor × 100 (base 1990-12-19 = 100),
the divisor adjusted for listings, delistings, share changes, suspensions and resumptions, not
for cash dividends. ``econ.models.divisor.divisor_index`` implements the rule and is tested on
constructed events with hand-computed divisors (``tests/models/test_divisor.py``). Here it is
confronted with the published index using the quarter-end market-cap panel of SSE-listed stocks:

* the **chain-linked continuing-stock index** (``chain_linked_index``: between two quarter ends
  only stocks with a cap at both count, so listings and delistings do not move it — the
  divisor rule when shares are unchanged) against the SSE Composite's quarter-end closes;
* the **naive total cap** (Σ cap of all SSE stocks, no divisor), which a listing raises.

Parts: the chain-linked index tracks the published index better than the naive total cap
(quarterly absolute log tracking error of naive minus chain, Newey–West t-test), and the mean
quarterly tracking difference of the chain-linked index is zero (95% HAC interval).

What the panel cannot reproduce (stated in the table): share changes are not separable from
price moves in a cap panel (placements and rights issues raise our index, the real divisor
absorbs them); the panel's total cap counts H and B shares, so A+H firms weigh more; the
published index has excluded ST stocks and delayed new listings (11th trading day, one year
since the July 2020 revision); quarter-end snapshots carry suspended stocks at stale values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from econ.data.errors import DataError
from econ.data.loader import DataLoader
from econ.data.panels import market_cap, panel_vault
from econ.models.divisor import chain_linked_index
from econ.models.regression import ols_hac
from econ.study import Figure, PartResult, Study, StudyResult, Table
from studies._tables import Sections

SSE = "cn.index.sse.close"
EXCHANGE_SUFFIX = ".SH"


def _mean_test(x: pd.Series) -> dict[str, float]:
    fit = ols_hac(x.rename("x"), pd.Series(1.0, index=x.index, name="const"), add_const=False)
    return {"est": float(fit.params["const"]), "se": float(fit.bse["const"]), "p": float(fit.pvalues["const"]),
            "lo": float(fit.conf_int.loc["const", "lower"]), "hi": float(fit.conf_int.loc["const", "upper"]),
            "n": int(fit.nobs), "hac": fit.bandwidth_description}


class IndexArithmetic(Study):
    name = "index_arithmetic"
    title = "The SSE Composite's divisor rule against the published index (E1)"
    claims = ("E1",)
    parts = ("E1.chain_vs_naive", "E1.divisor_tracks_index")
    series = (SSE,)

    def run(self, loader: DataLoader, *, progress: Callable[[str], None] | None = None) -> StudyResult:
        say = progress or (lambda _m: None)
        try:
            mc = market_cap(panel_vault(loader.settings))
            sse = loader.series(SSE)
        except DataError as exc:
            why = str(exc).splitlines()[0]
            return StudyResult(study=self.name, title=self.title, synthetic=loader.settings.synthetic,
                               parts=[PartResult(claim="E1", part=k.split(".")[1], missing=why) for k in self.parts])
        say("E1 chain-linked index")
        f = mc.frame
        caps = f[f["ts_code"].str.endswith(EXCHANGE_SUFFIX)].pivot(index="date", columns="ts_code",
                                                                       values="total_mv_yi")
        published = sse.resample("QE").last().reindex(caps.index)
        chain = chain_linked_index(caps)
        naive = caps.sum(axis=1)
        dl = lambda s: 100.0 * np.log(s).diff()  # noqa: E731
        e_chain = (dl(chain) - dl(published)).dropna()
        e_naive = (dl(naive) - dl(published)).dropna()
        gap = (e_naive.abs() - e_chain.abs()).rename("gap")
        g, m = _mean_test(gap), _mean_test(e_chain)
        parts = [
            PartResult(claim="E1", part="chain_vs_naive", estimate=g["est"], se=g["se"], pvalue=g["p"],
                       ci=(g["lo"], g["hi"]), n=g["n"], proxy="SSE-listed stocks, market-cap panel",
                       test=f"mean of |naive error| − |chain error| (log % per quarter), HAC ({g['hac']})",
                       detail=f"{e_chain.index[0]:%Y-%m} to {e_chain.index[-1]:%Y-%m}"),
            PartResult(claim="E1", part="divisor_tracks_index", estimate=m["est"], se=m["se"], pvalue=m["p"],
                       ci=(m["lo"], m["hi"]), n=m["n"], proxy="SSE-listed stocks, market-cap panel",
                       test=f"mean quarterly log tracking difference, chain − published, HAC ({m['hac']})",
                       detail=f"sd {e_chain.std():.2f} log % per quarter"),
        ]
        rows = []
        for label, e in (("Chain-linked continuing stocks (divisor rule)", e_chain), ("Naive total cap", e_naive)):
            t = _mean_test(e)
            rows.append({"Index": label, "Mean difference (log % per quarter)": t["est"], "HAC se": t["se"],
                         "95% CI": f"[{t['lo']:.2f}, {t['hi']:.2f}]", "Tracking sd": float(e.std()),
                         "Mean |difference|": float(e.abs().mean()), "N": t["n"]})
        for lo, hi in (("2005", "2010"), ("2011", "2019"), ("2020", "2025")):
            seg = e_chain[lo:hi]
            rows.append({"Index": f"Chain-linked, {lo}–{hi}", "Mean difference (log % per quarter)": float(seg.mean()),
                         "Tracking sd": float(seg.std()), "Mean |difference|": float(seg.abs().mean()), "N": len(seg)})
        table = Table(name="e1_divisor", caption="Quarterly log changes against the published SSE Composite: "
                      "chain-linked continuing-stock index and naive total cap", frame=pd.DataFrame(rows),
                      digits={"N": 0},
                      notes=["What the cap panel cannot reproduce: share changes are not separable from price moves "
                             "(placements raise the chain-linked index, the real divisor absorbs them); total cap "
                             "counts H and B shares; the published index excludes ST stocks and includes new "
                             "listings with a delay; suspended stocks carry stale values. Cash dividends: neither "
                             "adjusts (as the rule says).",
                             "Newey–West errors, NW 1994 bandwidth."])
        levels = pd.DataFrame({"SSE Composite (published)": published / published.iloc[0] * 100,
                               "Chain-linked (divisor rule)": chain / chain.iloc[0] * 100,
                               "Naive total cap": naive / naive.iloc[0] * 100})
        fig = Figure(name="e1_divisor", title="SSE Composite, chain-linked continuing-stock index and total cap "
                     f"(quarter ends, {caps.index[0]:%Y-%m} = 100)", data=levels, logy=True, ylabel="index (log scale)")
        numbers = {"E1_gap": g["est"], "E1_gap_p": g["p"], "E1_chain_mean": m["est"], "E1_chain_lo": m["lo"],
                   "E1_chain_hi": m["hi"], "E1_chain_sd": float(e_chain.std()), "E1_naive_mean": float(e_naive.mean()),
                   "E1_naive_sd": float(e_naive.std())}
        return Sections(parts, [table], numbers).result(
            self, loader, figures=[fig], headline_proxy="SSE-listed stocks", synthetic=loader.settings.synthetic,
            data_ids=[SSE], notes=[f"market-cap panel: {mc.provenance()}"])


STUDY = IndexArithmetic()
