"""Data and manifest appendices."""

from econ.data.catalog import default_catalog
from econ.report.appendix import render_data_appendix, render_manifest_appendix

INPUTS = {
    "cn.index.csi300.close": {"provider": "vault", "source": "raw/idx_csi300_000300.csv", "source_sha256": "ab" * 32,
                              "rows": 5152, "first": "2005-04-05", "last": "2026-06-18", "unit": "index points"},
    "cn.rate.shibor_1w": {"provider": "vault", "source": "raw/shibor_daily.csv + raw/shibor_ext.csv",
                          "source_sha256": "cd" * 32, "rows": 4946, "first": "2006-10-08", "last": "2026-07-31",
                          "unit": "percent"},
}


def test_data_appendix_lists_every_input_with_source_and_range():
    tex = render_data_appendix(INPUTS, default_catalog())
    assert r"\begin{longtable}" in tex and r"\label{tab:data}" in tex
    assert r"\texttt{cn.\allowbreak{}index.\allowbreak{}csi300.\allowbreak{}close} & CSI 300 price index close" in tex
    assert r"shibor\_\allowbreak{}daily.\allowbreak{}csv; raw/\allowbreak{}shibor" in tex
    assert "(cdcdcdcdcd)" in tex
    assert "2006-10-08 to 2026-07-31 (4946)" in tex
    assert tex == render_data_appendix(dict(reversed(INPUTS.items())), default_catalog())  # order-independent


def test_manifest_appendix():
    man = {"package": {"name": "econ-sizestyle", "version": "0.1.0", "git_commit": "0123456789abcdef"},
           "python": "3.11.7", "platform": "Linux", "libraries": {"numpy": "2.4.6", "pandas": "3.1.1"},
           "seeds": {"default": 0}, "synthetic": False, "vault": "/v",
           "studies": {"us10y_csi300": {"seconds": 1.84, "claims": ["A2"]}}}
    tex = render_manifest_appendix(man)
    assert r"commit \texttt{0123456789ab}" in tex
    assert r"us10y\_csi300 & A2 & 1.8 \\" in tex
    assert "numpy 2.4.6, pandas 3.1.1" in tex
