"""What a running JITspace tells its operators: Prometheus metrics (`metrics.py`) and
structured JSON logs that never carry a secret (`logs.py`). Imports nothing of JITspace, so
every layer may count and log through it."""
