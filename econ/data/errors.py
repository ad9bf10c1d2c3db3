"""Exceptions of the data layer. Every message names the series or file and says what to do."""

from __future__ import annotations


class DataError(Exception):
    """Base class of all data-layer errors."""


class DataIntegrityError(DataError):
    """The data are wrong (bad file content, implausible values, a hole), not merely absent.

    A study may treat a *missing* series as "untestable", but never wrong data: the loader
    records every integrity error it raises, and a study whose run saw one fails even if the
    study caught it (:class:`econ.study.Study`).
    """


class ManifestError(DataError):
    """The vault's MANIFEST.csv is missing, malformed, or points at a missing file/column."""


class VaultFileError(DataIntegrityError):
    """A vault file has bad content: unparsable/duplicate/unsorted dates, non-numeric values."""


class UnitMismatchError(DataError):
    """The unit a source declares contradicts the unit the catalog expects."""


class SeriesNotFoundError(DataError):
    """No configured provider serves a requested series id."""

    def __init__(self, series_id: str, detail: str = "") -> None:
        self.series_id = series_id
        msg = (
            f"series '{series_id}' is not served by any configured provider{': ' + detail if detail else ''}.\n"
            "Supply it in one of three ways:\n"
            f"  1. vault: put a CSV file in your vault folder and add a row for '{series_id}' to its "
            "MANIFEST.csv (series_id,file,date_column,value_column,unit,frequency,description); "
            "point at the folder with --vault PATH or the ECON_VAULT environment variable;\n"
            f"  2. live provider: pip install 'econ-sizestyle[live]' and run "
            f"`econ data pull {series_id} --live` on a machine with network access "
            "(akshare for China series, FRED for US series);\n"
            f"  3. import a file you have: `econ data import {series_id} FILE.csv "
            "--date-column DATE --value-column VALUE --unit UNIT`."
        )
        super().__init__(msg)


class UnknownSeriesError(DataError):
    """The id is not in the catalog at all."""


class CacheCorruptError(DataError):
    """A cached Parquet file does not match the sha256 recorded beside it."""


class InsufficientDataError(DataError):
    """Too short a sample for the requested computation."""


class FrequencyMismatchError(DataError):
    """A file's dates have another frequency than the series it is read for."""
class ValueCheckError(VaultFileError):
    """A value contradicts what the catalog declares plausible for its series (see ``econ.data.checks``).

    The message names the series, file, column, line (where known) and the declared bound, and
    says how to fix the value or accept it (an ``ACCEPT.csv`` row in the vault).
    """


class ValueRangeError(ValueCheckError):
    """A value outside the series' declared range (e.g. a zero, negative or infinite index level)."""


class JumpError(ValueCheckError):
    """A one-period move larger than any the series makes (|Δlog| beyond the declared bound)."""


class ScaleError(ValueCheckError):
    """Values of the wrong magnitude for the declared unit (e.g. decimals stored for percent)."""


class StaleValueError(ValueCheckError):
    """A value repeated over more observations than the series ever repeats (a filled-forward hole)."""


class CalendarError(ValueCheckError):
    """Observations on days the series' calendar never has (e.g. weekends of an exchange series)."""


class DateRangeError(VaultFileError):
    """A date outside any plausible range for market data (e.g. a year typo such as 0223-10-31)."""


class SpliceScaleError(VaultFileError):
    """The parts of a spliced series differ in scale where they meet (e.g. one part in decimals)."""


class AcceptListError(DataError):
    """An ``ACCEPT.csv`` declaration is malformed (unknown series or check, bad date, no reason)."""


class SeriesGapError(DataIntegrityError):
    """A series has a hole longer than its calendar allows inside a panel's window."""


class SeriesCoverageError(DataError):
    """A series has no observation inside the window a panel (a study) asks for."""
