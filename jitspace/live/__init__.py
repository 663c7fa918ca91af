"""The live feed: each investigation's events pushed to its members over websockets.

The log (positions in `jitspace_events`) is the source of truth; channel messages only
wake readers up. See feed.py for why that gives no loss, no duplicates and log order.
"""
