"""econ: econometric tests of claims about China A-share size style.

Sub-packages
------------
data
    Series catalog, providers (vault, akshare, FRED, synthetic), Parquet store, panel builder.
models
    Thin, tested layers over statsmodels / arch / linearmodels / scipy.
robust
    Specification grids, multiple testing, placebos, out-of-sample checks.
report
    LaTeX tables, figures, the claims-verdict table and the run manifest.
"""

__version__ = "0.1.0"
