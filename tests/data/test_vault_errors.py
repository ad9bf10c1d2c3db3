"""Bad input gets a clear error naming the file, column and row; nothing is silently fixed."""

import pytest

from econ.config import Settings
from econ.data.errors import ManifestError, SeriesNotFoundError, UnitMismatchError, VaultFileError
from econ.data.loader import DataLoader
from econ.data.providers.vault import VaultProvider

ROW_300 = "cn.index.csi300.close,c300.csv,date,close,index points,business daily,CSI 300"
GOOD = "date,close\n2024-01-02,3386.35\n2024-01-03,3378.30\n2024-01-04,3347.05\n"


def loader_for(vault, tmp_path):
    return DataLoader(Settings.resolve(vault=vault, cache=tmp_path / "cache", live=False))


def test_good_vault_reads(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": GOOD}, [ROW_300])
    s = loader_for(v, tmp_path).series("cn.index.csi300.close")
    assert s.tolist() == [3386.35, 3378.30, 3347.05]
    assert s.attrs["unit"] == "index points"


def test_vault_without_manifest(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": GOOD}, None)
    with pytest.raises(ManifestError, match="no MANIFEST.csv"):
        VaultProvider(v)


def test_vault_folder_missing(tmp_path):
    with pytest.raises(ManifestError, match="does not exist"):
        VaultProvider(tmp_path / "nowhere")


def test_manifest_missing_columns(tmp_path):
    v = tmp_path / "v"
    v.mkdir()
    (v / "MANIFEST.csv").write_text("series_id,file\nx,y.csv\n")
    with pytest.raises(ManifestError, match="missing column"):
        VaultProvider(v)


def test_manifest_points_at_missing_file(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {}, [ROW_300])
    with pytest.raises(ManifestError, match="c300.csv.*does not exist"):
        loader_for(v, tmp_path).fetch("cn.index.csi300.close")


def test_manifest_points_at_missing_column(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": "date,px\n2024-01-02,1\n"}, [ROW_300])
    with pytest.raises(ManifestError, match="column 'close'.*columns \\['date', 'px'\\]"):
        loader_for(v, tmp_path).fetch("cn.index.csi300.close")


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        ("date,close\n2024-01-02,1\n2024-01-02,2\n", "duplicate date 2024-01-02 \\(line 3\\)"),
        ("date,close\n2024-01-03,1\n2024-01-02,2\n", "not sorted ascending.*line 3"),
        ("date,close\n2024-01-02,1\n02/01/2024x,2\n", "unparsable date.*line 3: '02/01/2024x'"),
        ("date,close\n2024-01-02,1\n2024-01-03,n/a\n", "non-numeric value.*line 3: 'n/a'"),
        ("date,close\n2024-01-02,\"1,234.5\"\n", "non-numeric value.*'1,234.5'"),
    ],
)
def test_bad_file_content(tmp_path, body, pattern, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": body}, [ROW_300])
    with pytest.raises(VaultFileError, match=pattern):
        loader_for(v, tmp_path).fetch("cn.index.csi300.close")


def test_empty_cells_are_missing_not_errors(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": "date,close\n2024-01-02,3386.35\n2024-01-03,\n2024-01-04,3320.72\n"}, [ROW_300])
    assert loader_for(v, tmp_path).series("cn.index.csi300.close").tolist() == [3386.35, 3320.72]


def test_unit_contradicting_catalog(tmp_path, make_vault):
    row = "cn.rate.dr007,dr.csv,date,close,decimal,business daily,DR007 as a fraction"
    v = make_vault(tmp_path / "v", {"dr.csv": "date,close\n2024-01-02,0.018\n"}, [row])
    with pytest.raises(UnitMismatchError, match="declares 'decimal'.*'percent'.*Multiply the column by 100"):
        loader_for(v, tmp_path).fetch("cn.rate.dr007")


def test_unit_spelling_variants_are_accepted(tmp_path, make_vault):
    row = "cn.rate.dr007,dr.csv,date,close,%,business daily,DR007"
    v = make_vault(tmp_path / "v", {"dr.csv": "date,close\n2024-01-02,1.8\n"}, [row])
    assert loader_for(v, tmp_path).series("cn.rate.dr007").iloc[0] == 1.8


def test_frequency_contradicting_catalog(tmp_path, make_vault):
    row = "cn.macro.m2_yoy,m2.csv,date,v,percent,daily,M2"
    v = make_vault(tmp_path / "v", {"m2.csv": "date,v\n2024-01-31,8.7\n"}, [row])
    with pytest.raises(ManifestError, match="'daily'.*frequency 'M'"):
        loader_for(v, tmp_path).fetch("cn.macro.m2_yoy")


def test_series_nobody_serves_names_three_ways(tmp_path, make_vault):
    v = make_vault(tmp_path / "v", {"c300.csv": GOOD}, [ROW_300])
    with pytest.raises(SeriesNotFoundError) as info:
        loader_for(v, tmp_path).fetch("cn.index.csi1000.close")
    msg = str(info.value)
    assert "cn.index.csi1000.close" in msg
    assert "MANIFEST.csv" in msg and "econ data pull cn.index.csi1000.close --live" in msg
    assert "econ data import cn.index.csi1000.close" in msg


def test_unknown_id_suggests_close_ones(tmp_path, make_vault):
    from econ.data.errors import UnknownSeriesError

    v = make_vault(tmp_path / "v", {"c300.csv": GOOD}, [ROW_300])
    with pytest.raises(UnknownSeriesError, match="cn.index.csi300.close"):
        loader_for(v, tmp_path).fetch("cn.index.csi30.close")


def test_monthly_labels_become_month_ends(tmp_path, make_vault):
    row = "cn.macro.m2_yoy,m2.csv,date,v,percent,monthly,M2"
    v = make_vault(tmp_path / "v", {"m2.csv": "date,v\n2024-01,8.7\n2024-02,8.7\n"}, [row])
    s = loader_for(v, tmp_path).series("cn.macro.m2_yoy")
    assert [d.strftime("%Y-%m-%d") for d in s.index] == ["2024-01-31", "2024-02-29"]


def test_splice_refuses_parts_that_disagree(tmp_path, make_vault):
    rows = ["cn.rate.shibor_1w,a.csv,date,1W,percent,business daily,x",
            "cn.rate.shibor_1w_ext,b.csv,date,1W,percent,business daily,y"]
    v = make_vault(tmp_path / "v", {"a.csv": "date,1W\n2022-06-01,1.8\n2022-06-02,1.9\n",
                                    "b.csv": "date,1W\n2022-06-02,2.9\n2022-06-06,2.0\n"}, rows)
    with pytest.raises(VaultFileError, match="cannot splice 'cn.rate.shibor_1w'.*2022-06-02"):
        loader_for(v, tmp_path).fetch("cn.rate.shibor_1w")


def test_splice_joins_parts_end_to_end(tmp_path, make_vault):
    rows = ["cn.rate.shibor_1w,a.csv,date,1W,percent,business daily,x",
            "cn.rate.shibor_1w_ext,b.csv,date,1W,percent,business daily,y"]
    v = make_vault(tmp_path / "v", {"a.csv": "date,1W\n2022-06-01,1.8\n2022-06-02,1.9\n",
                                    "b.csv": "date,1W\n2022-06-02,1.905\n2022-06-06,2.0\n"}, rows)
    f = loader_for(v, tmp_path).fetch("cn.rate.shibor_1w")
    assert f.series.tolist() == [1.8, 1.905, 2.0]  # the later part wins on the overlap
    assert "1 overlapping dates agree" in f.notes[0]


def test_a_second_provider_reuses_the_parse_and_a_changed_file_is_parsed_again(tmp_path, make_vault, monkeypatch):
    """Parsed files are shared across loaders of a process by (path, sha256 of the bytes read)."""
    from econ.data.providers import vault as vault_module

    newest_first = "date,close\n2024-01-04,3347.05\n2024-01-03,3378.30\n2024-01-02,3386.35\n"
    v = make_vault(tmp_path / "v", {"c300.csv": newest_first}, [ROW_300])
    first = VaultProvider(v)
    s1, _, d1 = first.read_part("cn.index.csi300.close", expected_frequency="D")
    parsed = []
    monkeypatch.setattr(vault_module, "parse_dates", lambda *a, **k: parsed.append(1) or pytest.fail("parsed"))
    second = VaultProvider(v)
    s2, _, d2 = second.read_part("cn.index.csi300.close", expected_frequency="D")
    assert d1 == d2 and s2.equals(s1) and s2.tolist() == [3386.35, 3378.30, 3347.05]
    assert second.notices == first.notices and "newest-first" in second.notices["cn.index.csi300.close"][0]
    monkeypatch.undo()
    (v / "c300.csv").write_text(GOOD.replace("3347.05", "3300.00"))
    s3, _, d3 = VaultProvider(v).read_part("cn.index.csi300.close", expected_frequency="D")
    assert d3 != d1 and s3.tolist() == [3386.35, 3378.30, 3300.00]
