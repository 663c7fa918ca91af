"""What a running JITspace tells its operators: the Prometheus metrics of the process
(`metrics.py`). Imports nothing of JITspace, so every layer may count through it."""
