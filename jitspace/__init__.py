"""JITspace: the shared, tamper-evident workspace of a Joint Investigation Team."""
