"""The catalog against the real vault: every manifest id is a catalog id and reads cleanly."""

import pandas as pd
import pytest

from econ.data.catalog import default_catalog


def test_catalog_covers_the_manifest(vault):
    manifest = pd.read_csv(vault / "MANIFEST.csv")
    cat = default_catalog()
    assert set(manifest["series_id"]) <= set(cat.ids())
    for sid in cat.ids():  # every catalog id is a manifest id or a splice of manifest ids
        assert set(cat[sid].vault_parts) <= set(manifest["series_id"]), sid


@pytest.mark.vault
def test_every_series_reads_with_its_known_facts(vault_loader):
    status = vault_loader.status()
    assert (status["provider"] == "vault").all(), status.loc[status["provider"] != "vault"]
    s = vault_loader.series
    # spot checks from SOURCES.md
    assert s("cn.index.csi300.close").loc["2021-02-10"] == pytest.approx(5807.72, abs=0.01)
    assert s("cn.index.csi300.close").loc["2024-02-02"] == pytest.approx(3179.63, abs=0.01)
    assert s("us.rate.ust10y").loc["2023-08-22"] == pytest.approx(4.34)
    sw = s("cn.index.sw_small.close")  # spliced 2000-2016 + 2015-2024
    assert sw.index.min() == pd.Timestamp("2000-01-04") and sw.index.max() == pd.Timestamp("2024-12-12")
    assert sw.loc["2015-06-12"] == pytest.approx(10009.88, abs=0.1)
    shibor = s("cn.rate.shibor_1w")
    assert shibor.index.min() == pd.Timestamp("2006-10-08") and shibor.index.max() >= pd.Timestamp("2026-07-31")
    nb = s("cn.flow.northbound.net")
    assert nb.loc["2023-01-01":"2023-12-31"].sum() / 100 == pytest.approx(437, abs=1)  # 亿 per SOURCES.md
