"""The liquidity-and-flows study (``studies/liquidity_flows.py``), one module per claim."""
