"""Launch dates of the back-calculated indices (vault SOURCES.md caveats)."""

import pandas as pd

from studies.common import back_calculated, launch_of, live_start, proxy_by_label


def test_launch_dates_of_the_proxies():
    assert launch_of(proxy_by_label("CSI 1000")) == pd.Timestamp("2014-10-17")
    assert launch_of(proxy_by_label("CSI 2000")) == pd.Timestamp("2023-08-11")
    assert launch_of(proxy_by_label("Micro-cap")) == pd.Timestamp("2015-01-01")
    assert launch_of(proxy_by_label("SW small/large")) is None


def test_back_calculated_samples_and_live_starts():
    csi1000 = proxy_by_label("CSI 1000")
    assert back_calculated(csi1000, "2010-01-01") and back_calculated(csi1000, None)
    assert not back_calculated(csi1000, "2015-01-02")
    assert live_start(csi1000, "2010-01-01") == pd.Timestamp("2014-10-17")
    assert live_start(csi1000, "2016-01-01") == pd.Timestamp("2016-01-01")
    assert not back_calculated(proxy_by_label("SW small/large"), None)
