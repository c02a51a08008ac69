"""The engine: evaluates every architecture's design on the one shared ledger (compute, power,
thermal, mass, launch, cost, radiation, latency), for one run with traces or for many study
points at once as numpy arrays, and computes every metric relative to the baseline."""
