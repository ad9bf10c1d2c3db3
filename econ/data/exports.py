"""Read a data file as terminals write it: encoding, Excel, header blocks and footers.

One job: turn the bytes of a vault file or of a file given to ``econ data import`` into a
table of strings with named columns, plus what the file itself declares (unit and
frequency per column) and notices about what was recognised. Parsing dates and numbers
stays with the strict reader (:mod:`econ.data.providers.vault`).

What is recognised, and why:

- **Encodings.** Wind and Choice on Chinese Windows write GBK/GB18030 CSV; Excel's "CSV
  UTF-8" writes a byte-order mark. Tried in order: UTF-8 (with or without BOM), then
  GB18030 (a superset of GBK and GB2312). A file that is neither, or that holds NUL bytes,
  is not a text table: an error says so and what to do.
- **Excel.** ``.xlsx`` (a zip file) is read with openpyxl, the engine pandas uses for it;
  the first sheet is taken. Legacy ``.xls`` is refused with a hint (save as ``.xlsx``).
- **Header block.** Wind's economic database (EDB) and Choice exports put rows such as
  ``指标名称 / 频率 / 单位 / 指标ID / 来源`` above the data, the label in the first column and
  one value per series column. The ``指标名称`` row gives the column names (its first cell,
  above the dates, becomes ``date``); ``单位`` and ``频率`` are kept as declarations.
- **Footer.** Trailing rows such as ``数据来源：Wind`` or ``数据来源：东方财富Choice数据`` are
  dropped, as are wholly blank rows.
- **Dates** written ``2024/1/2`` or ``2024.01.02`` (Excel's CSV) are rewritten ISO.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import lzma
import re
from pathlib import Path

import pandas as pd

from econ.data.errors import VaultFileError

#: Labels of a header-block row (first cell, colons and spaces stripped) -> key.
META_LABELS: dict[str, str] = {
    "指标名称": "name", "名称": "name", "指标": "name",
    "频率": "frequency", "频度": "frequency",
    "单位": "unit",
    "指标ID": "id", "指标id": "id", "指标代码": "id", "代码": "id", "Wind代码": "id", "EDB代码": "id",
    "来源": "source", "数据来源": "source", "资料来源": "source",
    "更新时间": "updated", "最新日期": "updated", "时间区间": "range", "国家": "country",
    "状态": "status", "备注": "note", "说明": "note",
}
#: First cells that start a footer row.
FOOTER_PREFIXES = ("数据来源", "资料来源", "来源：", "来源:", "Source:", "source:", "注：", "注:")
#: Frequency words of Chinese exports -> catalog frequency (None: not a catalog frequency).
FREQUENCY_WORDS: dict[str, str | None] = {
    "日": "D", "日度": "D", "工作日": "D", "交易日": "D", "每日": "D",
    "周": "W", "周度": "W", "每周": "W",
    "月": "M", "月度": "M", "每月": "M",
    "季": "Q", "季度": "Q", "每季": "Q",
    "旬": None, "半年": None, "年": None, "年度": None,
}
_SLASH_DATE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:\s+0{1,2}:0{2}(?::0{2})?)?$")
_EXCEL_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$")


@dataclasses.dataclass(frozen=True)
class Export:
    """A file read as a table of strings.

    Attributes
    ----------
    frame
        All cells as stripped strings (empty string for an empty cell), named columns.
    units, frequencies
        What the file's header block declares, per column (only columns it names).
    encoding
        How the bytes were decoded (``utf-8``, ``utf-8-sig``, ``gb18030``, ``xlsx``).
    notices
        What was recognised and done (header block, footer, encoding), for the user.
    """

    frame: pd.DataFrame
    units: dict[str, str]
    frequencies: dict[str, str]
    encoding: str
    notices: tuple[str, ...] = ()


def read_source_bytes(path: Path) -> bytes:
    """The file's bytes; ``X.xz`` stands for ``X`` when ``X`` is absent (the snapshot's form)."""
    if path.is_file():
        return path.read_bytes()
    packed = path.with_name(path.name + ".xz")
    if packed.is_file():
        return lzma.decompress(packed.read_bytes())
    raise FileNotFoundError(path)


def exists(path: Path) -> bool:
    """Whether ``path`` (or its ``.xz`` form) is there."""
    return path.is_file() or path.with_name(path.name + ".xz").is_file()


def decode(data: bytes, *, where: str) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (BOM or not), else GB18030. Returns (text, encoding)."""
    if not data.strip():
        raise VaultFileError(f"{where} is empty: export the series again (dates in one column, values in another)")
    if b"\x00" in data[:4096]:
        raise VaultFileError(f"{where} is not a text table (binary content): export it as CSV (UTF-8 or GBK) or .xlsx")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc, errors="strict"), enc
        except UnicodeDecodeError:
            continue
    raise VaultFileError(f"{where} is neither UTF-8 nor GBK/GB18030 text: save it as CSV UTF-8 or .xlsx")


def _delimiter(text: str) -> str:
    first = text[:2000].splitlines()[0] if text.strip() else ""
    return "\t" if "\t" in first and "," not in first else ","


def _rows_from_text(text: str, *, where: str) -> list[list[str]]:
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text))]
    except csv.Error as exc:
        raise VaultFileError(f"{where}: not a readable CSV ({exc})") from exc


def _looks_like_export(text: str) -> bool:
    """A header block in the first rows or a footer in the last ones."""
    lines = [ln for ln in text.splitlines() if ln.strip(" ,\t")]
    heads = [_label(re.split(r"[,\t]", ln, maxsplit=1)[0].strip('"')) for ln in lines[:3]]
    tails = [ln.strip().strip('"') for ln in lines[-3:]]
    return any(h in META_LABELS for h in heads) or any(t.startswith(FOOTER_PREFIXES) for t in tails)


def _plain_frame(text: str, *, where: str) -> pd.DataFrame:
    """A plain CSV (header row, then data): pandas' C parser, every cell a string."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=_delimiter(text))
    except Exception as exc:  # pandas raises several parser errors
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise VaultFileError(f"{where}: not a readable CSV ({first})") from exc
    for col in frame.columns:
        first = next((v for v in frame[col].head(20) if v), "")
        if _SLASH_DATE.match(first) or _EXCEL_MIDNIGHT.match(first):
            frame[col] = frame[col].map(_iso)
    return frame


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, dt.datetime | dt.date):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def _rows_from_xlsx(data: bytes, *, where: str) -> list[list[str]]:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise VaultFileError(f"{where}: reading .xlsx needs openpyxl (pip install openpyxl)") from exc
    except Exception as exc:
        raise VaultFileError(f"{where}: not a readable .xlsx workbook ({str(exc).splitlines()[0]})") from exc
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False)]


def _label(cell: str) -> str:
    return cell.replace("：", "").replace(":", "").replace(" ", "").strip()


def _iso(cell: str) -> str:
    m = _SLASH_DATE.match(cell)
    if m:
        y, mo, d = m.groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    m = _EXCEL_MIDNIGHT.match(cell)
    return m.group(1) if m else cell


def read_export(path: Path, data: bytes | None = None, *, where: str | None = None) -> Export:
    """Read ``path`` (or its ``data``) as a table; see the module docstring for what is recognised."""
    where = where or str(path)
    data = read_source_bytes(path) if data is None else data
    name = path.name.lower().removesuffix(".xz")
    if name.endswith(".xls") and not data.startswith(b"PK"):
        raise VaultFileError(f"{where}: legacy .xls workbooks are not read; save it as .xlsx or CSV")
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        rows, encoding = _rows_from_xlsx(data, where=where), "xlsx"
    else:
        text, encoding = decode(data, where=where)
        if not _looks_like_export(text):
            frame = _plain_frame(text, where=where)
            notes = (f"{path.name}: read as GBK/GB18030 text",) if encoding == "gb18030" else ()
            return Export(frame=frame, units={}, frequencies={}, encoding=encoding, notices=notes)
        rows = _rows_from_text(text, where=where)
    notices: list[str] = []
    if encoding == "gb18030":
        notices.append(f"{path.name}: read as GBK/GB18030 text")
    rows = [r for r in rows if any(r)]
    # footer: trailing rows whose first non-empty cell starts like a source line
    cut = len(rows)
    while cut and next((c for c in rows[cut - 1] if c), "").startswith(FOOTER_PREFIXES):
        cut -= 1
    if cut < len(rows):
        notices.append(f"{path.name}: dropped footer {' / '.join(next(c for c in r if c) for r in rows[cut:])!r}")
    rows = rows[:cut]
    if not rows:
        raise VaultFileError(f"{where} holds no data rows: export the series again (dates in one column, values in another)")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # header block: leading rows labelled 指标名称 / 频率 / 单位 ...
    meta: dict[str, list[str]] = {}
    i = 0
    while i < len(rows) and _label(rows[i][0]) in META_LABELS:
        meta.setdefault(META_LABELS[_label(rows[i][0])], rows[i])
        i += 1
    units: dict[str, str] = {}
    freqs: dict[str, str] = {}
    if meta:
        names = meta.get("name") or rows[0]
        header = ["date"] + [n or f"column {j + 1}" for j, n in enumerate(names[1:], start=1)]
        for j, col in enumerate(header[1:], start=1):
            if "unit" in meta and meta["unit"][j]:
                units[col] = meta["unit"][j]
            if "frequency" in meta and meta["frequency"][j]:
                freqs[col] = meta["frequency"][j]
        body = rows[i:]
        if body and _label(body[0][0]) in {"日期", "时间", "date", "Date", "指标日期"} and not _is_date(body[0][0]):
            body = body[1:]  # a column-title row under the block
        notices.append(f"{path.name}: header block ({', '.join(_label(r[0]) for r in rows[:i])}) read as metadata")
    else:
        header, body = rows[0], rows[1:]
    header = _unique(header)
    frame = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    for col in frame.columns:
        frame[col] = frame[col].map(_iso)
    return Export(frame=frame, units=units, frequencies=freqs, encoding=encoding, notices=tuple(notices))


def _is_date(cell: str) -> bool:
    return bool(re.match(r"^\d{4}[-/.]\d{1,2}", cell))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "unnamed"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def frequency_code(word: str) -> str | None:
    """Map an export's frequency word (``日``, ``月``, ``daily`` ...) to D/W/M/Q; None if unknown."""
    w = word.strip()
    if w in FREQUENCY_WORDS:
        return FREQUENCY_WORDS[w]
    from econ.data.providers.vault import _FREQ_WORDS  # the manifest's English words

    return _FREQ_WORDS.get(w.lower())
